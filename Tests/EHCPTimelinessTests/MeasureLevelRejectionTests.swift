import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs

/// Issue 14: an unusable optional field costs the case only the measures that need it;
/// a missing or unusable required field still rejects the row; and nothing is lost
/// silently: every case that could not be checked ends the action list.
@Suite struct MeasureLevelRejectionTests {
    static let header = "case_id,request_date,assessment_decision_date,assessment_decision,plan_decision_date,plan_decision,final_plan_date,withdrawn_date,team"

    /// Runs the built binary's `analyse` on `requests` (rows after the header) and returns the output folder.
    static func analyse(_ rows: [String], asAt: String = "2025-07-01", extra: [String] = []) throws -> (TemporaryFolder, CLIRun) {
        let folder = try TemporaryFolder()
        _ = try folder.write("requests.csv", ([header] + rows).joined(separator: "\n") + "\n")
        let run = try CLI.run(["analyse", "--requests", "requests.csv", "--as-at", asAt, "--by", "team", "--out", "o"] + extra,
                              in: folder.path)
        return (folder, run)
    }

    static func cases(_ folder: TemporaryFolder) throws -> [[String]] { parseCSV(try folder.read("o/cases.csv")) }

    // MARK: The hold-out case of the issue

    /// The messy export of the issue: a decision date typed 12/06/2052 once rejected a case
    /// 42 days overdue for its final plan, and it left its team's list. Now only the
    /// decision measure is lost; the final plan is still timed and still on the list.
    @Test func aFutureDecisionDateLeavesTheFinalPlanMeasuredAndOnTheActionList() throws {
        // Request 2025-01-06: final plan due 2025-05-26; as at 2025-07-07 it is 42 days overdue.
        let (folder, run) = try Self.analyse(["EHC-24017,2025-01-06,12/06/2052,assess,,,,,North"], asAt: "2025-07-07")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("1 rows read = 1 analysed + 0 rejected") || run.stdout.contains("1 row read = 1 analysed + 0 rejected"),
                "\(run.stdout)")
        let cases = try Self.cases(folder)
        #expect(cases.count == 2, "\(cases)")
        #expect(cases[1].prefix(10) == ["final-plan-20w", "EHC-24017", "2", "2025-01-06", "2025-05-26", "", "open_overdue", "", "182", "42"])
        let exceptions = parseCSV(try folder.read("o/exceptions.csv"))
        #expect(exceptions.contains { $0.prefix(4) == ["final-plan-20w", "EHC-24017", "2025-05-26", "open_overdue"] }, "\(exceptions)")
        #expect(exceptions.last?.prefix(4) == ["decision-to-assess-6w", "EHC-24017", "", "not_checked"], "\(exceptions)")
        // The problem: an error naming the case, the field, the value as written and the measure lost.
        let problems = parseCSV(try folder.read("o/data-quality.csv"))
        let p = try #require(problems.first { $0.count == 7 && $0[3] == "assessment_decision_date" })
        #expect(p[2] == "EHC-24017" && p[4] == "12/06/2052" && p[5] == "error", "\(p)")
        #expect(p[6].contains("not measured for decision-to-assess-6w"), "\(p[6])")
        #expect(run.stdout.contains("not measured (a field the measure needs is unusable; data-quality.csv names each): decision-to-assess-6w 1"),
                "\(run.stdout)")
        #expect(run.stdout.contains("1 case could not be checked"), "\(run.stdout)")
    }

    /// The 20-week measure keeps its boundaries when the case's decision date is unusable:
    /// issued on day 140 it is on time, on day 141 late.
    @Test func aBadDecisionDateKeepsTheFinalPlansLastOnTimeAndFirstLateDay() throws {
        let (folder, run) = try Self.analyse([
            "A140,2025-01-06,31/02/2025,assess,,,2025-05-26,,North",
            "A141,2025-01-06,31/02/2025,assess,,,2025-05-27,,North",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let rows = try Self.cases(folder).dropFirst()
        #expect(rows.map { Array($0.prefix(7)) } == [
            ["final-plan-20w", "A140", "2", "2025-01-06", "2025-05-26", "2025-05-26", "on_time"],
            ["final-plan-20w", "A141", "3", "2025-01-06", "2025-05-26", "2025-05-27", "late"],
        ])
    }

    // MARK: Which measures a field costs

    /// An unknown assessment decision leaves open whether the 20-week measure counts the
    /// request (a refused one is not counted), but the decision's own clock is known.
    @Test func anUnknownDecisionCodeCostsOnlyTheMeasuresWhoseEligibilityReadsIt() throws {
        let (folder, _) = try Self.analyse(["A1,2025-01-06,2025-02-10,maybe,,,2025-05-01,,South"])
        let rows = try Self.cases(folder).dropFirst()
        #expect(rows.map(\.first) == ["decision-to-assess-6w"])
        let problems = parseCSV(try folder.read("o/data-quality.csv")).dropFirst()
        #expect(problems.count == 1)
        #expect(problems.first?[5] == "error" && problems.first?[6].contains("not measured for final-plan-20w") == true, "\(problems)")
    }

    /// A date a measure would not have counted anyway loses nothing: a warning, not an error.
    @Test func anUnusableDateNoMeasureOfTheCaseNeedsIsAWarning() throws {
        let (folder, _) = try Self.analyse(["A1,2025-01-06,2025-02-10,refuse,,,2025-13-01,,South"])
        #expect(try Self.cases(folder).dropFirst().map(\.first) == ["decision-to-assess-6w"])
        let p = parseCSV(try folder.read("o/data-quality.csv")).dropFirst().first
        #expect(p?[5] == "warning" && p?[6].contains("no measure of this case needs it") == true, "\(String(describing: p))")
        let rows = parseCSV(try folder.read("o/summary.csv"))
        let column = try #require(rows.first?.firstIndex(of: "not_measured"))
        #expect(rows.allSatisfy { $0[column] == "" || $0[column] == "0" || $0[column] == "not_measured" })
    }

    /// A date before the request date is unusable too: blanked, and only its measure lost.
    @Test func aFinalPlanBeforeTheRequestCostsOnlyTheFinalPlanMeasure() throws {
        let (folder, _) = try Self.analyse(["A1,2025-01-06,2025-02-10,assess,,,2024-12-01,,South"])
        #expect(try Self.cases(folder).dropFirst().map(\.first) == ["decision-to-assess-6w"])
    }

    /// A required field still rejects the whole row, and the row ends the action list.
    @Test func aBlankRequestDateStillRejectsTheRowAndListsItAsNotChecked() throws {
        let (folder, run) = try Self.analyse(["A6,,2025-02-10,assess,,,,,South"])
        #expect(run.stdout.contains("= 0 analysed + 1 rejected"), "\(run.stdout)")
        let exceptions = parseCSV(try folder.read("o/exceptions.csv"))
        #expect(exceptions.last == ["", "A6", "", "not_checked", "", "", "South"], "\(exceptions)")
    }

    // MARK: Counts

    /// summary.csv's not_measured counts on the all-periods rows only (a case not measured
    /// has no period); summary.json has the same.
    @Test func notMeasuredIsCountedOnAllPeriodRowsOfSummaryAndJSON() throws {
        let (folder, _) = try Self.analyse([
            "A1,2025-01-06,31/02/2025,assess,,,2025-05-20,,North",
            "A2,2025-01-06,2025-02-10,assess,,,2025-05-20,,North",
        ])
        let summary = parseCSV(try folder.read("o/summary.csv"))
        // not_measured was the last column until version 2 appended short_representation after it.
        #expect(Array(summary[0].suffix(2)) == ["not_measured", "short_representation"])
        let nm = summary[0].count - 2
        let decision = summary.filter { $0.first == "decision-to-assess-6w" }
        #expect(decision.filter { $0[1] == "all" }.allSatisfy { $0[nm] == "1" }, "\(decision)")
        #expect(decision.filter { $0[1] != "all" }.allSatisfy { $0[nm] == "" }, "\(decision)")
        #expect(summary.filter { $0.first == "final-plan-20w" && $0[1] == "all" }.allSatisfy { $0[nm] == "0" })
        let json = try folder.read("o/summary.json")
        #expect(json.contains("\"not_measured\": 1,"), "\(json.prefix(400))")
    }

    // MARK: Transfers and reviews

    @Test func aBadAmendedPlanDateCostsATransferOnlyItsDeadlineMeasure() throws {
        let folder = try TemporaryFolder()
        _ = try folder.write("t.csv", "case_id,transfer_type,transfer_date,amended_plan_date\nT1,primary_to_secondary,2025-09-01,30/02/2025\n")
        let run = try CLI.run(["analyse", "--transfers", "t.csv", "--as-at", "2025-07-01", "--out", "o"], in: folder.path)
        #expect(run.stdout.contains("1 analysed + 0 rejected"), "\(run.stdout)")
        #expect(parseCSV(try folder.read("o/cases.csv")).count == 1)
        let exceptions = parseCSV(try folder.read("o/exceptions.csv"))
        #expect(exceptions.last?.prefix(4) == ["phase-transfer", "T1", "", "not_checked"], "\(exceptions)")
    }

    /// A review's meeting date carries the chain of reviews: unusable, it still rejects the row.
    @Test func aReviewRowWithAnUnusableMeetingDateIsStillRejectedAndListed() throws {
        let folder = try TemporaryFolder()
        _ = try folder.write("v.csv", "case_id,plan_date,review_meeting_date\nP1,2024-01-08,31/02/2025\n")
        let run = try CLI.run(["analyse", "--reviews", "v.csv", "--as-at", "2025-07-01", "--out", "o"], in: folder.path)
        #expect(run.stdout.contains("0 analysed + 1 rejected"), "\(run.stdout)")
        #expect(parseCSV(try folder.read("o/exceptions.csv")).last?.prefix(4) == ["", "P1", "", "not_checked"])
    }

    /// In reviews an unusable field costs only the measures of that review that need it; the
    /// plan and meeting dates, which the chain is built on, still reject the row.
    @Test func aReviewsUnusableFieldsCostOnlyTheMeasuresThatNeedThem() throws {
        let folder = try TemporaryFolder()
        _ = try folder.write("v.csv", """
            case_id,plan_date,review_meeting_date,review_decision_date,review_decision,amendment_notice_date,amended_plan_date,ceased_date,team
            P1,2023-01-09,2024-01-08,31/02/2024,maintain,,,,North
            P2,2023-01-09,2024-01-08,2024-01-20,amend,2024-02-01,2024-13-01,,North
            P3,2023-01-09,2024-01-08,2024-01-20,maybe,,,,South
            P5,2023-01-09,2024-01-08,2024-01-20,maintain,,,2099-01-01,South

            """)
        let run = try CLI.run(["analyse", "--reviews", "v.csv", "--as-at", "2025-07-01", "--out", "o"], in: folder.path)
        #expect(run.stdout.contains("4 rows read = 4 analysed + 0 rejected"), "\(run.stdout)")
        let cases = parseCSV(try folder.read("o/cases.csv")).dropFirst().map { "\($0[0]) \($0[1])" }
        // P1: its decision date completes the first cycle under the decision clock: no cycle
        // can be timed, and no decision measured; P2: only the amended plan is lost; P3: the
        // amendment measures need the decision, and whether a next cycle runs does too; P5:
        // whether the plan has ceased, so whether an open cycle runs, is not known.
        #expect(cases == ["annual-review-12m P2", "annual-review-12m P2", "annual-review-12m P3", "annual-review-12m P5",
                          "review-decision-4w P2", "review-decision-4w P3", "review-decision-4w P5", "amendment-notice-4w P2"], "\(cases)")
        let unchecked = parseCSV(try folder.read("o/exceptions.csv")).filter { $0[3] == "not_checked" }.map { "\($0[0]) \($0[1])" }
        #expect(unchecked == ["annual-review-12m P1", "review-decision-4w P1", "amended-plan-8w P2", "annual-review-12m P3",
                              "amendment-notice-4w P3", "amended-plan-8w P3", "annual-review-12m P5"], "\(unchecked)")
        let summary = parseCSV(try folder.read("o/summary.csv")).filter { $0[1] == "all" }.map { "\($0[0]) \($0[$0.count - 2])" }
        #expect(summary == ["annual-review-12m 3", "review-decision-4w 1", "amendment-notice-4w 1", "amended-plan-8w 2"], "\(summary)")
        let problems = parseCSV(try folder.read("o/data-quality.csv")).dropFirst()
        #expect(problems.allSatisfy { $0[5] == "error" && $0[6].contains("the row's other measures are") }, "\(problems)")
    }

    // MARK: The rules

    static func request(_ unusable: [String], withdrawn: Day? = nil, decisionDate: Day? = nil,
                        decision: AssessmentDecision? = nil) -> RequestRecord {
        var r = RequestRecord(caseID: "R", line: 2, requestDate: Day(iso: "2025-01-06")!, assessmentDecisionDate: decisionDate,
                              assessmentDecision: decision, withdrawnDate: withdrawn, exception: .none, decisionException: .none,
                              cohort: Cohort(values: [], ageBandSlots: []))
        r.unusable = unusable
        return r
    }

    static func evaluate(_ r: RequestRecord) -> RuleTimings {
        var out = RuleTimings()
        RequestRules.evaluate(r, rules: RuleSettings(asAt: Day(iso: "2025-07-01")!), into: &out)
        return out
    }

    /// A withdrawn request is counted in the 6-week measure only with a decision date: an
    /// unusable withdrawn date with a decision date known counts it, without one it cannot be told.
    @Test func anUnusableWithdrawnDateMattersOnlyWhereTheRuleReadsIt() {
        let decided = Self.evaluate(Self.request(["withdrawn_date"], decisionDate: Day(iso: "2025-02-10")!, decision: .assess))
        #expect(decided.timings.map(\.measure) == [.decisionToAssess6w])
        #expect(decided.unmeasured.map(\.measure) == [.finalPlan20w])
        #expect(decided.unmeasured.first?.fields == ["withdrawn_date"])
        let undecided = Self.evaluate(Self.request(["withdrawn_date"]))
        #expect(undecided.timings.isEmpty)
        #expect(undecided.unmeasured.map(\.measure) == [.decisionToAssess6w, .finalPlan20w])
    }

    /// A definite "not counted" wins over an unknown: a refused request is in no final-plan
    /// figure, whatever its unusable withdrawn date said.
    @Test func aRefusedRequestIsNotCountedWhateverItsUnusableFieldsSay() {
        let out = Self.evaluate(Self.request(["withdrawn_date"], decisionDate: Day(iso: "2025-02-10")!, decision: .refuse))
        #expect(out.unmeasured.isEmpty)
        #expect(out.timings.map(\.measure) == [.decisionToAssess6w])
    }

    /// With no unusable field the rules give what they always gave.
    @Test func aRecordWithNoUnusableFieldHasNothingUnmeasured() {
        let out = Self.evaluate(Self.request([], decisionDate: Day(iso: "2025-02-10")!, decision: .assess))
        #expect(out.unmeasured.isEmpty)
        #expect(out.timings.map(\.measure) == [.decisionToAssess6w, .finalPlan20w])
    }

    // MARK: The action list's footer

    @Test func theExceptionsCommandEndsEachTeamsListWithItsUncheckedCases() throws {
        let folder = try TemporaryFolder()
        _ = try folder.write("requests.csv", ([Self.header,
            "EHC-24017,2025-01-06,2052-06-12,assess,,,,,North",
            "S1,2025-01-06,2025-02-10,assess,,,2024-12-01,,South",
            "S2,,,,,,,,South",
        ]).joined(separator: "\n") + "\n")
        let all = try CLI.run(["exceptions", "--requests", "requests.csv", "--as-at", "2025-07-07"], in: folder.path)
        #expect(all.status == 0, "\(all.stderr)")
        #expect(all.stdout.contains("North — 1 case: 1 overdue"), "\(all.stdout)")
        #expect(all.stdout.contains("1 case could not be checked:\n    EHC-24017 (not measured for decision-to-assess-6w): assessment_decision_date \"2052-06-12\""),
                "\(all.stdout)")
        #expect(all.stdout.contains("South — 0 cases") && all.stdout.contains("2 cases could not be checked:"), "\(all.stdout)")
        #expect(all.stdout.contains("S2 (row rejected): request_date \"\": request_date is blank"), "\(all.stdout)")
        // Filtered to South: nothing to act on, but its unchecked cases are still printed.
        let south = try CLI.run(["exceptions", "--requests", "requests.csv", "--as-at", "2025-07-07", "--where", "team=South"],
                                in: folder.path)
        #expect(!south.stdout.contains("EHC-24017"), "\(south.stdout)")
        #expect(south.stdout.contains("S1 (not measured for final-plan-20w)"), "\(south.stdout)")
        let csv = try CLI.run(["exceptions", "--requests", "requests.csv", "--as-at", "2025-07-07", "--format", "csv"], in: folder.path)
        #expect(parseCSV(csv.stdout).filter { $0.count > 3 && $0[3] == "not_checked" }.map { $0[1] } == ["EHC-24017", "S1", "S2"],
                "\(csv.stdout)")
    }
}
