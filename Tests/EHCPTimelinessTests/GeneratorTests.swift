import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

// MARK: - Helpers

/// A fresh path in the temporary directory; the caller removes it.
private func temporaryPath(_ name: String) -> String {
    let dir = FileManager.default.temporaryDirectory.path
    return dir + "/ehcp-generator-\(UUID().uuidString)-\(name)"
}

private func readBytes(_ path: String) -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else { return [] }
    return [UInt8](data)
}

/// Splits CSV text into rows of fields. Good enough for the generator's files: fields may
/// be quoted (with `""` inside), but never contain line breaks.
private func parseCSV(_ bytes: [UInt8]) -> [[String]] {
    var rows: [[String]] = []
    for var line in bytes.split(separator: 10, omittingEmptySubsequences: false) {
        if line.last == 13 { line = line.dropLast() }
        if line.isEmpty { continue }
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var i = line.startIndex
        while i < line.endIndex {
            let b = line[i]
            if quoted {
                if b == 34 {
                    if i + 1 < line.endIndex && line[i + 1] == 34 { field.append(34); i += 1 } else { quoted = false }
                } else {
                    field.append(b)
                }
            } else if b == 34 {
                quoted = true
            } else if b == 44 {
                fields.append(String(decoding: field, as: UTF8.self))
                field = []
            } else {
                field.append(b)
            }
            i += 1
        }
        fields.append(String(decoding: field, as: UTF8.self))
        rows.append(fields)
    }
    return rows
}

/// Both files of one generator run, parsed, with the temporary files already removed.
private struct Sample: Sendable {
    let generator: RequestGenerator
    let canonicalBytes: [UInt8]
    let otherBytes: [UInt8]
    let canonical: [[String]]
    let other: [[String]]

    init(seed: UInt64, count: Int, asAt: Day) {
        generator = RequestGenerator(seed: seed, count: count, asAt: asAt)
        let a = temporaryPath("canonical.csv"), b = temporaryPath("other.csv")
        defer {
            try? FileManager.default.removeItem(atPath: a)
            try? FileManager.default.removeItem(atPath: b)
        }
        do {
            try generator.writeCanonical(to: a)
            try generator.writeOtherSystem(to: b)
        } catch {
            Issue.record("generation failed: \(error)")
        }
        canonicalBytes = readBytes(a)
        otherBytes = readBytes(b)
        canonical = parseCSV(canonicalBytes)
        other = parseCSV(otherBytes)
    }

    var header: [String] { canonical.first ?? [] }
    var rows: ArraySlice<[String]> { canonical.dropFirst() }

    func column(_ name: String) -> Int { header.firstIndex(of: name)! }
}

private let asAt = Day(year: 2025, month: 3, day: 31)!
/// The realism sample: 20,000 rows.
private let sample = Sample(seed: 20_250_331, count: 20_000, asAt: asAt)

/// A canonical row viewed by column name, dates read as ISO.
private struct Row {
    let cells: [String]
    let sample: Sample
    subscript(_ name: String) -> String { cells[sample.column(name)] }
    func date(_ name: String) -> Day? { Day(iso: self[name]) }
    /// Days from the request to the event, when both are valid dates.
    func days(_ name: String) -> Int? {
        guard let r = date("request_date"), let d = date(name) else { return nil }
        return d - r
    }
}

private var allRows: [Row] { sample.rows.map { Row(cells: $0, sample: sample) } }

private func share(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 0 : Double(part) / Double(whole) }

/// The figures the realism tests check (also printed, for tuning).
private struct Figures {
    var decided = 0, within42 = 0, refused = 0, assessed = 0, noPlan = 0, noPlanWithin112 = 0
    var issued = 0, within140 = 0, over365 = 0, withdrawn = 0, excepted = 0, decisionExcepted = 0
    var rows = 0

    init(_ rows: [Row]) {
        self.rows = rows.count
        for row in rows {
            if let d = row.days("assessment_decision_date"), ["assess", "refuse"].contains(row["assessment_decision"]) {
                decided += 1
                if d <= 42 { within42 += 1 }
                if row["assessment_decision"] == "refuse" { refused += 1 }
            }
            if row["assessment_decision"] == "assess" { assessed += 1 }
            if row["plan_decision"] == "no_plan", let d = row.days("plan_decision_date") {
                noPlan += 1
                if d <= 112 { noPlanWithin112 += 1 }
            }
            if let d = row.days("final_plan_date"), d >= 0, row.date("final_plan_date")! <= asAt {
                issued += 1
                if d <= 140 { within140 += 1 }
                if d > 365 { over365 += 1 }
            }
            if !row["withdrawn_date"].isEmpty { withdrawn += 1 }
            // `none` (version 2's deliberate rows) is no exception.
            if !["", "none", "None"].contains(row["exception_reason"]) { excepted += 1 }
            if !["", "none", "None"].contains(row["decision_exception_reason"]) { decisionExcepted += 1 }
        }
    }

    var summary: String {
        func pct(_ a: Int, _ b: Int) -> String { String(format: "%.1f %%", 100 * share(a, b)) }
        return """
        rows \(rows): decisions within 42 days \(pct(within42, decided)) of \(decided); \
        refused \(pct(refused, decided)); no plan \(pct(noPlan, assessed)) of assessed \
        (\(pct(noPlanWithin112, noPlan)) within 112); plans within 140 days \(pct(within140, issued)) \
        of \(issued); over 365 \(pct(over365, issued)); withdrawn \(pct(withdrawn, rows)); \
        exception \(pct(excepted, rows)); decision exception \(pct(decisionExcepted, rows))
        """
    }
}

// MARK: - Determinism and layout

@Test func sameSeedWritesIdenticalBytesAndAnotherSeedDoesNot() {
    let a = Sample(seed: 42, count: 3_000, asAt: asAt)
    let b = Sample(seed: 42, count: 3_000, asAt: asAt)
    let c = Sample(seed: 43, count: 3_000, asAt: asAt)
    #expect(a.canonicalBytes.count > 100_000)
    #expect(a.canonicalBytes == b.canonicalBytes)
    #expect(a.otherBytes == b.otherBytes)
    #expect(a.canonicalBytes != c.canonicalBytes)
    #expect(a.otherBytes != c.otherBytes)
}

@Test func canonicalHeaderIsExactlyTheCanonicalColumnsInOrder() {
    let expected = "case_id,person_id,request_date,assessment_decision_date,assessment_decision,"
        + "plan_decision_date,plan_decision,draft_plan_date,final_plan_date,withdrawn_date,"
        + "exception_reason,decision_exception_reason,school_advice_date,team,caseworker,primary_need,date_of_birth\n"
    let firstLine = sample.canonicalBytes.prefix { $0 != 10 } + [10]
    #expect(String(decoding: firstLine, as: UTF8.self) == expected)
    #expect(RequestGenerator.canonicalHeader.joined(separator: ",") + "\n" == expected)
    #expect(sample.rows.count == 20_000)
    #expect(sample.rows.allSatisfy { $0.count == 17 })
    #expect(!sample.canonicalBytes.contains(13))
}

@Test func zeroRowsWritesOnlyTheHeader() throws {
    let path = temporaryPath("empty.csv")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try RequestGenerator(seed: 1, count: 0, asAt: asAt).writeCanonical(to: path)
    #expect(parseCSV(readBytes(path)).count == 1)
}

@Test func profileIsWrittenAsIs() throws {
    let path = temporaryPath("profile.toml")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try RequestGenerator(seed: 1, count: 1, asAt: asAt).writeOtherSystemProfile(to: path)
    #expect(String(decoding: readBytes(path), as: UTF8.self) == RequestGenerator.otherSystemProfile)
}

@Test func anEarlyAsAtLeavesOutTheCovidCasesAndStillWritesNothingAfterIt() {
    let early = Day(year: 2020, month: 6, day: 30)!
    let g = RequestGenerator(seed: 3, count: 4_000, asAt: early)
    for index in 0..<g.count {
        let r = g.record(at: index)
        #expect(r.kind != .covid(valid: true) && r.kind != .covid(valid: false))
        if case .bad = r.kind { continue }
        let dates = [r.requestDate, r.planDecisionDate, r.draftPlanDate, r.finalPlanDate, r.withdrawnDate]
        #expect(dates.allSatisfy { ($0 ?? early) <= early })
        if case .day(let d) = r.assessmentDecisionDate { #expect(d <= early) }
    }
}

@Test func unwritablePathThrowsAnErrorNamingThePath() {
    let path = "/nonexistent-directory-for-ehcp-tests/requests.csv"
    do {
        try RequestGenerator(seed: 1, count: 10, asAt: asAt).writeCanonical(to: path)
        Issue.record("expected an error")
    } catch {
        #expect(error.path == path)
        #expect(!error.reason.isEmpty)
        #expect(error.description.contains(path))
    }
}


@Test func splitMix64MatchesTheReferenceSequence() {
    // Reference values of splitmix64.c (Vigna) for seed 1234567.
    var rng = SplitMix64(seed: 1_234_567)
    #expect(rng.next() == 6_457_827_717_110_365_317)
    #expect(rng.next() == 3_203_168_211_198_807_973)
    #expect(rng.next() == 9_817_491_932_198_370_423)
    var small = SplitMix64(seed: 9)
    var seen = [Int](repeating: 0, count: 7)
    for _ in 0..<7_000 { seen[small.below(7)] += 1 }
    #expect(seen.allSatisfy { $0 > 850 && $0 < 1_150 })
}

@Test func aSmallRunHasFixedFingerprints() throws {
    // Pins the output of one seed: integer-only generation must give these bytes on every
    // machine. A deliberate change to the generator changes them (update both here).
    let a = temporaryPath("pinned.csv"), b = temporaryPath("pinned-other.csv")
    defer {
        try? FileManager.default.removeItem(atPath: a)
        try? FileManager.default.removeItem(atPath: b)
    }
    let generator = RequestGenerator(seed: 1, count: 4_000, asAt: asAt)
    try generator.writeCanonical(to: a)
    try generator.writeOtherSystem(to: b)
    func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return hash
    }
    #expect(fnv1a(readBytes(a)) == 8_857_213_235_638_603_096, "canonical")
    #expect(fnv1a(readBytes(b)) == 5_961_738_229_814_074_859, "other system")
}

// MARK: - Dates and open cases

private let eventColumns = ["request_date", "assessment_decision_date", "plan_decision_date",
                            "draft_plan_date", "final_plan_date", "withdrawn_date"]

@Test func noEventDateIsAfterAsAtExceptTheDeliberateBadRows() {
    var after = 0
    for (index, row) in allRows.enumerated() {
        let late = eventColumns.contains { row.date($0).map { $0 > asAt } ?? false }
        if late {
            after += 1
            #expect(sample.generator.kind(at: index) == .bad(.eventAfterAsAt), "row \(index + 2)")
        }
    }
    #expect(after == 10)  // one per 2,000 rows
}

@Test func eventsFollowEachOtherInOrderInAllButTheBadRows() {
    for (index, row) in allRows.enumerated() {
        if case .bad = sample.generator.kind(at: index) { continue }
        let r = row.date("request_date")!
        for column in eventColumns.dropFirst() { #expect(row.date(column).map { $0 > r } ?? true, "\(column)") }
        if let p = row.date("plan_decision_date") {
            #expect(p > row.date("assessment_decision_date")!)
            #expect(row["assessment_decision"] == "assess")
        }
        if let f = row.date("final_plan_date") { #expect(row.date("draft_plan_date").map { $0 < f } ?? false) }
        if row["assessment_decision"] == "refuse" { #expect(row["plan_decision_date"].isEmpty) }
        #expect(row["assessment_decision"].isEmpty == row["assessment_decision_date"].isEmpty)
        #expect(row["plan_decision"].isEmpty == row["plan_decision_date"].isEmpty)
    }
}

@Test func requestDatesSpreadOverThirtySixMonthsWithMildSeasonality() {
    let first = asAt.addingMonths(-36) + 1
    var perMonth = [Int](repeating: 0, count: 36)
    var byCalendarMonth = [Int](repeating: 0, count: 12)
    var weekend = 0
    var normal = 0
    for (index, row) in allRows.enumerated() where sample.generator.kind(at: index) == .normal {
        guard let r = row.date("request_date") else { Issue.record("no request date"); continue }
        #expect(r >= first && r <= asAt)
        normal += 1
        var m = 0
        while m < 35 && first.addingMonths(m + 1) <= r { m += 1 }
        perMonth[m] += 1
        byCalendarMonth[r.month - 1] += 1
        if RequestGenerator.weekday(r) >= 5 { weekend += 1 }
    }
    let least = perMonth.min()!, most = perMonth.max()!
    #expect(Double(least) > 0.012 * Double(normal))
    #expect(Double(most) / Double(least) > 1.3 && Double(most) / Double(least) < 3)
    #expect(byCalendarMonth[7] < byCalendarMonth[5])  // August quieter than June
    #expect(share(weekend, normal) < 0.08)
}

@Test func recentRequestsAreOpenAndSomeOldOnesAreOverdue() {
    var recent = 0, recentUndecided = 0, oldOpen = 0
    for (index, row) in allRows.enumerated() {
        if case .bad = sample.generator.kind(at: index) { continue }
        guard let r = row.date("request_date") else { continue }
        if asAt - r < 30 {
            recent += 1
            if row["assessment_decision_date"].isEmpty { recentUndecided += 1 }
            #expect(row["final_plan_date"].isEmpty)
        }
        if asAt - r > 365, row["assessment_decision"] == "assess", row["final_plan_date"].isEmpty,
           row["plan_decision"] != "no_plan", row["withdrawn_date"].isEmpty {
            oldOpen += 1
        }
    }
    #expect(recent > 300)
    #expect(share(recentUndecided, recent) > 0.5)
    #expect(oldOpen >= 20)
}

// MARK: - Realism

@Test func decisionsAreMostlyWithinSixWeeksAndAboutAFifthAreRefusals() {
    let f = Figures(allRows)
    print(f.summary)
    #expect(f.decided > 17_000)
    #expect(share(f.within42, f.decided) > 0.75 && share(f.within42, f.decided) < 0.85)
    #expect(share(f.refused, f.decided) > 0.20 && share(f.refused, f.decided) < 0.25)
    #expect(share(f.decisionExcepted, f.rows) > 0.005 && share(f.decisionExcepted, f.rows) < 0.015)
}

@Test func aFewAssessmentsEndWithNoPlanMostlyWithinSixteenWeeks() {
    let f = Figures(allRows)
    #expect(share(f.noPlan, f.assessed) > 0.05 && share(f.noPlan, f.assessed) < 0.08)
    #expect(share(f.noPlanWithin112, f.noPlan) > 0.6 && share(f.noPlanWithin112, f.noPlan) < 0.95)
    for (index, row) in allRows.enumerated() where row["plan_decision"] == "no_plan" {
        if case .bad = sample.generator.kind(at: index) { continue }
        #expect(row["final_plan_date"].isEmpty && row["draft_plan_date"].isEmpty)
    }
}

@Test func aboutHalfOfPlansAreIssuedWithinTwentyWeeksWithALongTail() {
    let f = Figures(allRows)
    #expect(share(f.within140, f.issued) > 0.42 && share(f.within140, f.issued) < 0.55)
    #expect(share(f.over365, f.issued) > 0.01 && share(f.over365, f.issued) < 0.10)
    var gaps: [Int] = []
    for (index, row) in allRows.enumerated() where sample.generator.kind(at: index) == .normal {
        guard let final = row.date("final_plan_date") else { continue }
        #expect(row["plan_decision"] == "issue" && row["assessment_decision"] == "assess")
        guard let draft = row.date("draft_plan_date") else { Issue.record("no draft"); continue }
        #expect(draft < final)
        gaps.append(final - draft)
    }
    gaps.sort()
    #expect(gaps[gaps.count / 2] >= 14 && gaps[gaps.count / 2] <= 49)  // some weeks
}

@Test func aFewRequestsAreWithdrawnBeforeOrAfterTheDecision() {
    let f = Figures(allRows)
    #expect(share(f.withdrawn, f.rows) > 0.03 && share(f.withdrawn, f.rows) < 0.05)
    var beforeDecision = 0, afterDecision = 0
    for row in allRows {
        guard let w = row.date("withdrawn_date"), let r = row.date("request_date") else { continue }
        #expect(w > r)
        if let d = row.date("assessment_decision_date"), d < w { afterDecision += 1 } else { beforeDecision += 1 }
        #expect(row["final_plan_date"].isEmpty)
    }
    #expect(beforeDecision > 100 && afterDecision > 100)
}

@Test func exceptionReasonsAreMostlyStatutoryWithSomeFlagsAndSomeInvalid() {
    let f = Figures(allRows)
    let none: Set<String> = ["none", "None"]
    #expect(share(f.excepted, f.rows) > 0.04 && share(f.excepted, f.rows) < 0.06)
    var counts: [String: Int] = [:]
    for row in allRows where !row["exception_reason"].isEmpty && !none.contains(row["exception_reason"]) {
        counts[row["exception_reason"], default: 0] += 1
    }
    let main = ["personal_circumstances", "school_closure", "absent_from_area", "early_years_closure"]
    for reason in main + ["unspecified", "1", "Yes", "missed appointment", "parent on holiday", "covid_2020"] {
        #expect(counts[reason, default: 0] >= 3, "\(reason)")
    }
    #expect(Set(counts.keys).isSubset(of: Set(main + ["unspecified", "1", "Yes", "missed appointment",
                                                     "parent on holiday", "covid_2020"])))
    #expect(share(main.reduce(0) { $0 + counts[$1, default: 0] }, f.excepted) > 0.65)
    let decisionReasons = Set(allRows.map { $0["decision_exception_reason"] }.filter { !$0.isEmpty })
    #expect(decisionReasons.isSubset(of: Set(main + ["unspecified"]).union(none)))
}

// MARK: - Deliberate rows

@Test func boundaryCasesFallExactlyOnAndOneDayAfterEachDueDate() {
    var counts: [String: Int] = [:]
    for row in allRows {
        if let d = row.days("assessment_decision_date"), d == 42 || d == 43 { counts["decision \(d)", default: 0] += 1 }
        if row["plan_decision"] == "no_plan", let d = row.days("plan_decision_date"), d == 112 || d == 113 {
            counts["no plan \(d)", default: 0] += 1
        }
        if let d = row.days("final_plan_date"), d == 140 || d == 141 { counts["final \(d)", default: 0] += 1 }
    }
    for key in ["decision 42", "decision 43", "no plan 112", "no plan 113", "final 140", "final 141"] {
        #expect(counts[key, default: 0] >= 10, "\(key)")
    }
    // The deliberate ones: a dozen or so of each in 20,000 rows, clean and on their day.
    var deliberate: [BoundaryCase: Int] = [:]
    for (index, row) in allRows.enumerated() {
        guard case .boundary(let b) = sample.generator.kind(at: index) else { continue }
        deliberate[b, default: 0] += 1
        let column = switch b {
        case .decisionDay42, .decisionDay43: "assessment_decision_date"
        case .noPlanDay112, .noPlanDay113: "plan_decision_date"
        case .finalDay140, .finalDay141: "final_plan_date"
        }
        #expect(row.days(column) == b.day)
        #expect(row["exception_reason"].isEmpty && row["decision_exception_reason"].isEmpty)
        #expect(row["withdrawn_date"].isEmpty)
    }
    for b in BoundaryCase.allCases { #expect((10...16).contains(deliberate[b, default: 0]), "\(b)") }
}

@Test func everyKindOfBadRowIsPresentAHandfulOfTimes() {
    var impossible = 0, finalBeforeRequest = 0, afterAsAt = 0, duplicates = 0, missingRequest = 0, maybe = 0
    var ids = Set<String>()
    for row in allRows {
        if row["assessment_decision_date"] == "2025-02-31" { impossible += 1 }
        if let d = row.days("final_plan_date"), d < 0 { finalBeforeRequest += 1 }
        if let f = row.date("final_plan_date"), f > asAt { afterAsAt += 1 }
        if !ids.insert(row["case_id"]).inserted { duplicates += 1 }
        if row["request_date"].isEmpty { missingRequest += 1 }
        if row["assessment_decision"] == "maybe" { maybe += 1 }
    }
    for n in [impossible, finalBeforeRequest, afterAsAt, duplicates, missingRequest, maybe] {
        #expect(n == 10)
    }
    let bad = (0..<sample.generator.count).filter {
        if case .bad = sample.generator.kind(at: $0) { true } else { false }
    }
    #expect(share(bad.count, sample.generator.count) == 0.003)
}

@Test func covidEraCasesUseTheRelaxationInsideAndOutsideItsWindow() {
    let windowStart = Day(year: 2020, month: 5, day: 1)!, windowEnd = Day(year: 2020, month: 9, day: 25)!
    var inside = 0, outside = 0
    for row in allRows where row["exception_reason"] == "covid_2020" {
        guard let r = row.date("request_date") else { continue }
        #expect(r.year == 2020)
        let due = r + 140
        if due >= windowStart && due <= windowEnd { inside += 1 } else { outside += 1 }
    }
    #expect(inside >= 5 && inside <= 10)
    #expect(outside >= 1 && outside <= 3)
}

// MARK: - Ids and dimensions

@Test func idsAreWellFormedAndAFewPersonsHaveTwoRequests() {
    var caseIDs = Set<String>()
    var persons: [String: [Row]] = [:]
    for row in allRows {
        let id = row["case_id"]
        #expect(id.hasPrefix("REQ") && id.count == 9 && id.dropFirst(3).allSatisfy(\.isNumber))
        caseIDs.insert(id)
        let p = row["person_id"]
        #expect(p.hasPrefix("P") && p.count == 8 && p.dropFirst().allSatisfy(\.isNumber))
        persons[p, default: []].append(row)
    }
    #expect(caseIDs.count == 20_000 - 10)  // only the deliberate duplicates repeat
    #expect(allRows.first?["case_id"] == "REQ000001")
    let repeated = persons.values.filter { $0.count > 1 }
    #expect(repeated.count > 200 && repeated.count < 1_000)
    #expect(repeated.filter { $0.count > 2 }.count < repeated.count / 10)
    for rows in repeated { #expect(Set(rows.map { $0["date_of_birth"] }).count == 1) }
}

@Test func teamsCaseworkersAndNeedsLookPlausible() {
    var teams: [String: Int] = [:], caseworkers = Set<String>(), needs: [String: Int] = [:]
    for row in allRows {
        teams[row["team"], default: 0] += 1
        caseworkers.insert(row["caseworker"])
        needs[row["primary_need"], default: 0] += 1
    }
    #expect((4...5).contains(teams.count))
    #expect(Set(teams.keys).isSubset(of: ["North", "South", "East", "West", "Central"]))
    #expect((18...22).contains(caseworkers.count))
    #expect(caseworkers.allSatisfy { $0.hasPrefix("Caseworker ") && $0.count == 13 })
    let sen2 = ["SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI", "VI", "MSI", "PD", "ASD", "OTH"]
    #expect(Set(needs.keys) == Set(sen2))
    let top = needs.sorted { $0.value > $1.value }.prefix(3).map(\.key)
    #expect(top.first == "ASD")
    #expect(Set(top) == ["ASD", "SEMH", "SLCN"])
}

@Test func agesAtRequestAreMostlyTwoToSixteenWithSomeUpToTwentyFive() {
    var schoolAge = 0, older = 0, total = 0
    for row in allRows {
        guard let r = row.date("request_date"), let dob = row.date("date_of_birth") else { continue }
        let age = RequestGenerator.age(born: dob, on: r)
        #expect(age >= 0 && age <= 25)
        total += 1
        if age >= 2 && age < 16 { schoolAge += 1 }
        if age >= 16 { older += 1 }
    }
    #expect(share(schoolAge, total) > 0.8)
    #expect(share(older, total) > 0.04 && share(older, total) < 0.15)
}

// MARK: - The other system's export

/// The parts of a mapping profile the tests need, read with a minimal TOML reader.
private struct Profile {
    var columns: [String: String] = [:]
    var formats: [String] = []
    var values: [String: [String: String]] = [:]

    init(_ text: String) {
        var section = ""
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                section = String(line.dropFirst().prefix { $0 != "]" })
                continue
            }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let key = parts[0].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            let value = parts[1]
            if section == "columns" {
                columns[key] = value.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            } else if section == "dates", key == "formats" {
                formats = value.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
                    .split(separator: ",")
                    .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \"")) }
            } else if section.hasPrefix("values.") {
                let column = String(section.dropFirst("values.".count))
                values[column, default: [:]][Profile.normalise(key)] =
                    value.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
    }

    /// Codes match case-insensitively, ignoring spaces, hyphens and underscores.
    static func normalise(_ s: String) -> String {
        String(s.lowercased().filter { $0 != " " && $0 != "-" && $0 != "_" })
    }
}

/// A date written `dd/MM/yyyy` or `dd-MMM-yyyy`, rewritten as `yyyy-MM-dd` text
/// (text only, so that the impossible 31/02/2025 maps to 2025-02-31).
private func isoText(_ value: String, formats: [String]) -> String? {
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    let c = Array(value)
    for format in formats {
        if format == "dd/MM/yyyy", c.count == 10, c[2] == "/", c[5] == "/" {
            return String(c[6..<10]) + "-" + String(c[3..<5]) + "-" + String(c[0..<2])
        }
        if format == "dd-MMM-yyyy", c.count == 11, c[2] == "-", c[6] == "-",
           let m = months.firstIndex(where: { $0.lowercased() == String(c[3..<6]).lowercased() }) {
            return String(c[7..<11]) + "-" + (m < 9 ? "0" : "") + String(m + 1) + "-" + String(c[0..<2])
        }
    }
    return nil
}

@Test func profileMapsEveryCanonicalColumnAndExplainsItself() {
    let text = RequestGenerator.otherSystemProfile
    #expect(text.hasPrefix("# "))
    let profile = Profile(text)
    #expect(Set(profile.columns.keys) == Set(RequestGenerator.canonicalHeader))
    for (name, header) in zip(Column.allCases.map(\.canonicalName), Column.allCases.map(\.otherSystemName)) {
        #expect(text.contains("\(name) = \"\(header)\""))
    }
    #expect(profile.formats == ["dd/MM/yyyy", "dd-MMM-yyyy"])
    #expect(profile.values["assessment_decision"] == ["agreed": "assess", "notagreed": "refuse"])
    #expect(profile.values["plan_decision"] == ["y": "issue", "n": "no_plan"])
    let exceptions = ["pc": "personal_circumstances", "sc": "school_closure", "ey": "early_years_closure",
                      "aa": "absent_from_area", "cov": "covid_2020", "y": "unspecified"]
    #expect(profile.values["exception_reason"] == exceptions)
    #expect(profile.values["decision_exception_reason"] == exceptions)
}

@Test func otherSystemFileHasItsOwnLayoutAndCRLFLineEnds() {
    let lines = sample.otherBytes.split(separator: 10, omittingEmptySubsequences: false)
    #expect(lines.last?.isEmpty == true)  // ends with a line break
    let content = lines.dropLast()
    #expect(content.count == 20_001)
    #expect(content.allSatisfy { $0.last == 13 })
    let header = sample.other.first ?? []
    #expect(header == RequestGenerator.otherSystemHeader)
    #expect(header != RequestGenerator.canonicalHeader)
    #expect(Set(header) == Set(Profile(RequestGenerator.otherSystemProfile).columns.values))
    // The Officer column is always quoted.
    let officer = header.firstIndex(of: "Officer")!
    for line in content.dropFirst().prefix(2_000) {
        let text = String(decoding: line, as: UTF8.self)
        #expect(text.split(separator: ",", omittingEmptySubsequences: false)[officer].hasPrefix("\"Caseworker "))
    }
    // Draft and final plan dates use dd-MMM-yyyy, the others dd/MM/yyyy.
    let final = header.firstIndex(of: "Date Final Issued")!, received = header.firstIndex(of: "Received Date")!
    let row = sample.other.dropFirst().first { !$0[final].isEmpty }!
    #expect(row[final].count == 11 && Array(row[final])[2] == "-")
    #expect(row[received].count == 10 && Array(row[received])[2] == "/")
}

@Test func otherSystemValuesMapBackExactlyToTheCanonicalValues() {
    let profile = Profile(RequestGenerator.otherSystemProfile)
    let header = sample.other.first ?? []
    let position = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
    let canonicalHeader = RequestGenerator.canonicalHeader
    let dateColumns = Set(canonicalHeader.filter { $0.hasSuffix("_date") || $0 == "date_of_birth" })
    #expect(sample.other.count == sample.canonical.count)
    var mismatches = 0
    for (otherRow, canonicalRow) in zip(sample.other.dropFirst(), sample.canonical.dropFirst()) {
        #expect(otherRow.count == 17)
        for (c, name) in canonicalHeader.enumerated() {
            let raw = otherRow[position[profile.columns[name]!]!]
            var mapped = raw
            if raw.isEmpty {
                mapped = ""
            } else if dateColumns.contains(name) {
                mapped = isoText(raw, formats: profile.formats) ?? "unreadable \(raw)"
            } else if let table = profile.values[name], let v = table[Profile.normalise(raw)] {
                mapped = v
            }
            if mapped != canonicalRow[c] {
                mismatches += 1
                if mismatches <= 5 { Issue.record("\(name): \(raw) → \(mapped), canonical \(canonicalRow[c])") }
            }
        }
    }
    #expect(mismatches == 0)
    // The codes really are coded in the other file.
    let outcome = Set(sample.other.dropFirst().map { $0[position["Decision Outcome"]!] })
    #expect(outcome == ["", "Agreed", "Not agreed", "maybe"])
    let plan = Set(sample.other.dropFirst().map { $0[position["Plan Outcome"]!] })
    #expect(plan == ["", "Y", "N"])
    let impossible = sample.other.dropFirst().filter { $0[position["Decision Notified"]!] == "31/02/2025" }
    #expect(impossible.count == 10)
}
