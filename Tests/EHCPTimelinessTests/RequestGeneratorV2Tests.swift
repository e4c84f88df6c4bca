import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

/// The generator's version 2 rows (issue 15) and its term-dates file, and what the
/// analyser makes of them: each deliberate case lands exactly where it is meant to.
@Suite struct RequestGeneratorV2Tests {
    static let asAt = Day(iso: "2025-10-31")!

    // MARK: The term dates

    @Test func summerHolidaysAreTheOnlyClosuresOf4WeeksAndEachJoinsItsInsetDay() {
        let g = TermDatesGenerator(asAt: Self.asAt)
        #expect(g.years == 2021...2026)
        let closures = g.closures
        // One summer per academic year, each 6 weeks or more with its INSET day.
        #expect(closures.qualifying.map(\.start.year) == [2022, 2023, 2024, 2025, 2026, 2027])
        #expect(closures.qualifying.allSatisfy { $0.days >= 42 && $0.days < 50 })
        #expect(closures.qualifying.allSatisfy { RequestGenerator.weekday($0.start) == 5 && RequestGenerator.weekday($0.end) == 1 })
        #expect(closures.qualifying.contains(TermDatesGenerator.summer(2025)))
        #expect(TermDatesGenerator.summer(2025) == SchoolClosure(start: Day(iso: "2025-07-19")!, end: Day(iso: "2025-09-02")!))
        // Half-terms (9 days) and Christmas and Easter (16 days) do not count.
        let short = closures.closures.filter { !$0.isLongEnough }
        #expect(Set(short.map(\.days)) == [9, 16])
        #expect(short.count == 5 * g.years.count)
        // One row is typed wrongly, and is the only one that does not read as a date.
        let bad = g.rows.filter { Day(iso: $0.start) == nil }
        #expect(bad == [TermDatesGenerator.Row(start: "31/09/2025", end: "31/09/2025", description: "INSET day 2025 (typed wrongly)")])
        #expect(g.text.hasPrefix("start_date,end_date,description\n2021-10-23,2021-10-31,October half-term 2021\n"))
    }

    // MARK: The deliberate rows

    static let generator = RequestGenerator(seed: 20_251_031, count: 3_000, asAt: asAt)

    /// The rows of each version 2 case.
    static var claims: [ClaimCase: [SyntheticRequest]] {
        var out: [ClaimCase: [SyntheticRequest]] = [:]
        for i in 0..<generator.count {
            if case .claim(let c) = generator.kind(at: i) { out[c, default: []].append(generator.record(at: i)) }
        }
        return out
    }

    @Test func everyVersion2CaseIsThereAndShapedAsItsNameSays() throws {
        let claims = Self.claims
        for c in ClaimCase.allCases { #expect((3...4).contains(claims[c]?.count ?? 0), "\(c)") }
        let summers = Self.generator.summers
        #expect(summers.map(\.start.year) == [2024, 2025])
        func window(_ r: SyntheticRequest) -> ClosedRange<Day> { summers[(r.index / 1000) % summers.count].window }
        func gap(_ r: SyntheticRequest) -> Int? { r.finalPlanDate.flatMap { f in r.draftPlanDate.map { f - $0 } } }
        for r in claims[.representation14] ?? [] { #expect(gap(r) == 14) }
        for r in claims[.representation15] ?? [] { #expect(gap(r) == 15) }
        for r in claims[.representationShort] ?? [] { #expect(gap(r).map { (5...13).contains($0) } == true) }
        for r in claims[.closureTouchesWindow] ?? [] {
            #expect(r.requestDate.map { $0 + 140 } == window(r).lowerBound)
            #expect(r.exceptionReason == .schoolClosure && r.schoolAdviceDate == nil)
        }
        for r in claims[.closureMissesWindow] ?? [] { #expect(r.requestDate.map { $0 + 140 } == window(r).lowerBound - 1) }
        for r in claims[.adviceFirstDay] ?? [] { #expect(r.schoolAdviceDate == window(r).lowerBound) }
        for r in claims[.adviceLastDay] ?? [] { #expect(r.schoolAdviceDate == window(r).upperBound) }
        for r in claims[.adviceDayBefore] ?? [] { #expect(r.schoolAdviceDate == window(r).lowerBound - 1) }
        for r in claims[.noneReasons] ?? [] { #expect(r.exceptionReason == .noneLower && r.decisionExceptionReason == .noneTitle) }
        for r in claims[.earlyYearsOnDecision] ?? [] {
            #expect(r.decisionExceptionReason == .earlyYearsClosure)
            if case .day(let d)? = r.assessmentDecisionDate, let q = r.requestDate { #expect(d - q > 42) }
        }
        // Ordinary rows carry an advice date too, after the request and by the as-at date.
        var advised = 0
        for i in 0..<Self.generator.count where Self.generator.kind(at: i) == .normal {
            let r = Self.generator.record(at: i)
            guard let a = r.schoolAdviceDate, let q = r.requestDate else { continue }
            advised += 1
            #expect(a > q && a <= Self.asAt)
        }
        #expect(advised > 600 && advised < 1_200, "\(advised)")
    }

    /// The generated sample through the analyser with its term dates: every deliberate
    /// case gets the verdict it was made for.
    @Test func theAnalyserGivesEachDeliberateCaseItsVerdict() throws {
        let folder = try TemporaryFolder()
        _ = try SampleData.write(to: folder.path, seed: 20_251_031, requests: 3_000, reviews: 0, transfers: 0, asAt: Self.asAt)
        let run = try CLI.run(["analyse", "--requests", "requests.csv", "--term-dates", "term-dates.csv", "--as-at", "2025-10-31",
                               "--out", "o"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let cases = parseCSV(try folder.read("o/cases.csv"))
        let problems = parseCSV(try folder.read("o/data-quality.csv"))
        func exception(_ measure: String, _ r: SyntheticRequest) -> String? {
            cases.first { $0[0] == measure && $0[2] == String(r.index + 2) }?[7]
        }
        func warnings(_ r: SyntheticRequest) -> [String] {
            problems.filter { $0[0] == "requests.csv" && $0[1] == String(r.index + 2) && $0[5] == "warning" }.map { $0[6] }
        }
        let claims = Self.claims
        for c in [ClaimCase.closureInsideSummer, .closureTouchesWindow, .adviceFirstDay, .adviceLastDay] {
            for r in claims[c] ?? [] {
                #expect(exception("final-plan-20w", r) == "school_closure", "\(c) line \(r.index + 2)")
                #expect(warnings(r).isEmpty, "\(c) line \(r.index + 2)")
            }
        }
        for c in [ClaimCase.closureOutsideWindows, .closureMissesWindow, .adviceDayBefore] {
            for r in claims[c] ?? [] {
                #expect(exception("final-plan-20w", r) == "", "\(c) line \(r.index + 2)")
                #expect(warnings(r).count == 1 && warnings(r).first?.contains("school_closure not applied") == true, "\(c) \(warnings(r))")
            }
        }
        for r in claims[.representation14] ?? [] { #expect(warnings(r).first?.hasPrefix("final plan 14 days after the draft") == true) }
        for r in claims[.representation15] ?? [] { #expect(!warnings(r).contains { $0.contains("after the draft") }) }
        for r in claims[.noneReasons] ?? [] {
            #expect(exception("decision-to-assess-6w", r) == "" && warnings(r).isEmpty)
        }
        for r in claims[.earlyYearsOnDecision] ?? [] {
            #expect(exception("decision-to-assess-6w", r) == "")
            #expect(exception("final-plan-20w", r) == "early_years_closure")
            #expect(warnings(r).contains { $0.contains("early_years_closure is not a ground that reg 5(4) gives") })
        }
        // The term dates' own bad row leads data-quality.csv.
        #expect(problems.dropFirst().first.map { Array($0.prefix(5)) } == ["term-dates.csv", "30", "", "start_date", "31/09/2025"])
    }
}
