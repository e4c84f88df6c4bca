import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs

/// The version 2 columns of the reviews and transfers extracts through the real tool:
/// header matching, profiles, bad input, every output.
@Suite struct ReviewTransferV2EndToEndTests {
    static let reviewsHeader = "case_id,plan_date,review_meeting_date,review_decision_date,review_decision,amendment_notice_date,"
        + "amended_plan_date,No Amendment Date,ceased_date,Transfer In Date,transfer-in notice date,Exception Reason,team\n"

    static let reviews = reviewsHeader + """
        A1,2023-07-01,2024-06-10,2024-07-01,maintain,,,,,2025-04-14,2025-05-26,,North
        A1,2023-07-01,2025-07-01,2025-07-13,maintain,,,,,2025-04-14,,,North
        A2,2024-06-01,,,,,,,,2025-09-01,,,South
        A3,2024-01-15,2025-01-06,,amend,,,,,,,,North
        A4,2024-01-15,2025-01-06,2025-01-30,amend,2025-02-01,,2025-03-30,,,,,North
        A5,2024-01-15,2025-01-06,2025-01-30,amend,2025-02-01,,2025-12-01,,,,,North
        A6,2024-01-15,2025-01-06,2025-01-30,amend,2025-02-01,,2025-01-31,,,,,North
        A7,2019-11-01,2020-06-01,2020-07-10,maintain,,,,,,,covid_2020,East
        A8,2024-01-15,2025-01-06,2025-03-01,maintain,,,,,,,Covid 2020,East
        A9,2024-01-15,2025-01-06,2025-01-20,maintain,,,,,,,none,East
        A10,2024-01-15,2025-01-06,2025-01-20,maintain,,,,,,,staff shortage,East
        A11,2024-01-15,,,,,,,,2025-12-01,,,West
        A12,2024-01-15,,,,,,,,2023-12-01,,,West
        A13,2024-01-15,,,,,,,,2025-03-01,2025-02-01,,West
        A14,2023-01-10,2023-12-01,2023-12-20,cease,,,,,,,,West
        A14,2023-01-10,2024-11-01,2024-11-20,maintain,,,,,,,,West
        A15,2024-06-01,,,,,,,,2025-06-01,2025-06-20,,West
        A15,2024-06-01,,,,,,,,2025-06-05,,,West

        """

    struct Run {
        let cases: [[String]]
        let problems: [[String]]
        let actions: [[String]]
        let stdout: String
        let folder: TemporaryFolder

        func cases(_ measure: MeasureID, _ caseID: String) -> [[String]] {
            cases.filter { $0[0] == measure.rawValue && $0[1] == caseID }
        }
        func problems(line: Int) -> [[String]] { problems.filter { $0[1] == String(line) } }
    }

    static func analyse(_ extra: [String] = []) throws -> Run {
        let folder = try TemporaryFolder()
        try folder.write("reviews.csv", reviews)
        let run = try CLI.run(["analyse", "--reviews", "reviews.csv", "--as-at", "2025-10-31", "--out", "out", "--by", "team"] + extra,
                              in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        return Run(cases: parseCSV(try folder.read("out/cases.csv")), problems: Array(parseCSV(try folder.read("out/data-quality.csv")).dropFirst()),
                   actions: parseCSV(try folder.read("out/exceptions.csv")), stdout: run.stdout, folder: folder)
    }

    @Test func everyRowIsAnalysedOrRejectedAndTheTransferRulesReachCasesCsv() throws {
        let r = try Self.analyse()
        // A11 (transfer after the as-at date) and A12 (transfer before the plan date) are rejected.
        #expect(r.stdout.contains("reviews.csv: 18 rows read = 16 analysed + 2 rejected"), "\(r.stdout)")
        // measure, case, line, start, due, completed, status, exception, ..., team
        let notice = r.cases(.transferInNotice6w, "A1")
        #expect(notice.map { Array($0[2...7]) } == [["2", "2025-04-14", "2025-05-26", "2025-05-26", "on_time", ""]])
        #expect(notice.first?.last == "North")
        let a1 = r.cases(.annualReview12m, "A1")
        #expect(a1.map { Array($0[2...6]) } == [["3", "2024-07-01", "2025-07-13", "2025-07-13", "on_time"],
                                               ["3", "2025-07-13", "2026-07-12", "", "open_in_time"]])
        #expect(r.cases(.reviewDecision4w, "A1").map { $0[2] } == ["3"])
        #expect(r.cases(.annualReview12m, "A2").map { Array($0[3...6]) } == [["2024-06-01", "2025-11-30", "", "open_in_time"]])
        #expect(r.cases(.annualReview12m, "A14").map { $0[6] } == ["on_time", "on_time", "open_in_time"])
        #expect(r.cases(.annualReview12m, "A14").last?[4] == "2025-11-19")
    }

    @Test func badNewDatesAreNamedByFileLineColumnAndValue() throws {
        let r = try Self.analyse()
        func has(_ line: Int, _ column: String, _ value: String, _ severity: String, _ text: String) -> Bool {
            r.problems(line: line).contains { $0[0] == "reviews.csv" && $0[3] == column && $0[4] == value && $0[5] == severity
                && $0[6].contains(text) }
        }
        // An amend with neither a notice date nor a decision date.
        #expect(has(5, "amendment_notice_date", "", "warning", "amended-plan-8w is not measured for this review"), "\(r.problems(line: 5))")
        #expect(r.cases(.amendedPlan8w, "A3").isEmpty)
        // no_amendment_date after the as-at date, and before the amendment notice: the
        // field is blanked and the amended plan measure is not measured for that review.
        #expect(has(7, "No Amendment Date", "2025-12-01", "error", "after the as-at date"), "\(r.problems(line: 7))")
        #expect(has(8, "No Amendment Date", "2025-01-31", "error", "is before amendment_notice_date 2025-02-01"))
        #expect(r.cases(.amendedPlan8w, "A5").isEmpty && r.cases(.amendedPlan8w, "A6").isEmpty)
        #expect(r.cases(.amendmentNotice4w, "A5").count == 1)
        // transfer_in_date after the as-at date or before the plan date rejects the row.
        #expect(has(13, "Transfer In Date", "2025-12-01", "error", "after the as-at date"))
        #expect(has(14, "Transfer In Date", "2023-12-01", "error", "is before plan_date 2024-01-15"))
        // A notice before the transfer is blanked: the notice measure is not measured.
        #expect(has(15, "transfer-in notice date", "2025-02-01", "error", "is before transfer_in_date 2025-03-01"))
        #expect(r.cases(.transferInNotice6w, "A13").isEmpty)
        // Rows of one plan that disagree on the transfer date.
        #expect(has(19, "Transfer In Date", "2025-06-05", "warning", "the earliest, 2025-06-01, is used"))
        #expect(r.cases(.transferInNotice6w, "A15").map { Array($0[2...6]) } == [["18", "2025-06-01", "2025-07-13", "2025-06-20", "on_time"]])
        // The action list: the open overdue notice, then the cases not checked.
        #expect(r.actions.contains { $0[0] == "transfer-in-notice-6w" && $0[1] == "A2" && $0[2] == "2025-10-13" && $0[3] == "open_overdue" })
        #expect(r.actions.contains { $0[0] == "amended-plan-8w" && $0[1] == "A5" && $0[3] == "not_checked" })
        #expect(r.actions.contains { $0[0] == "transfer-in-notice-6w" && $0[1] == "A13" && $0[3] == "not_checked" })
    }

    @Test func checksThatNeedTheWholePlanUseItsEarliestPlanAndTransferDates() throws {
        let folder = try TemporaryFolder()
        try folder.write("reviews.csv", """
            case_id,plan_date,review_meeting_date,review_decision_date,review_decision,transfer_in_date,transfer_in_notice_date
            B1,2024-01-15,,,,,
            B1,,2025-01-06,2025-01-20,maintain,2023-12-01,
            B2,2024-01-15,,,,2025-03-01,
            B2,,2025-04-01,2025-04-10,maintain,,2025-02-20
            B3,2024-01-15,2025-01-06,2025-01-20,maintain,,2025-02-20

            """)
        let run = try CLI.run(["analyse", "--reviews", "reviews.csv", "--as-at", "2025-10-31", "--out", "out"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("reviews.csv: 5 rows read = 4 analysed + 1 rejected"), "\(run.stdout)")
        let dq = parseCSV(try folder.read("out/data-quality.csv")).dropFirst()
        // A transfer before the plan's date (given on another row) rejects the row.
        #expect(dq.contains { $0[1] == "3" && $0[3] == "transfer_in_date" && $0[5] == "error"
            && $0[6].contains("before the plan date 2024-01-15") })
        // A notice, on a row without the transfer date, before the plan's transfer: blanked.
        #expect(dq.contains { $0[1] == "5" && $0[3] == "transfer_in_notice_date" && $0[4] == "2025-02-20" && $0[5] == "error"
            && $0[6].contains("before the plan's transfer_in_date 2025-03-01") })
        // A notice in a plan with no transfer date: measured by nothing, a warning.
        #expect(dq.contains { $0[1] == "6" && $0[3] == "transfer_in_notice_date" && $0[5] == "warning"
            && $0[6].contains("no row of plan B3 has a transfer_in_date") })
        let cases = parseCSV(try folder.read("out/cases.csv"))
        #expect(!cases.contains { $0[0] == "transfer-in-notice-6w" })
        let actions = parseCSV(try folder.read("out/exceptions.csv"))
        #expect(actions.contains { $0[0] == "transfer-in-notice-6w" && $0[1] == "B2" && $0[3] == "not_checked" })
    }

    @Test func theDecisionNotToAmendCompletesTheAmendedPlanMeasure() throws {
        let r = try Self.analyse()
        #expect(r.cases(.amendedPlan8w, "A4").map { Array($0[3...6]) } == [["2025-02-01", "2025-03-29", "2025-03-30", "late"]])
    }

    @Test func covid2020IsAppliedInItsWindowAndEveryOtherReasonIsAWarning() throws {
        let r = try Self.analyse()
        #expect(r.cases(.reviewDecision4w, "A7").map { Array($0[4...7]) } == [["2020-06-29", "2020-07-10", "late", "covid_2020"]])
        #expect(r.cases(.annualReview12m, "A7").first?[7] == "")
        #expect(r.problems(line: 9).contains { $0[3] == "Exception Reason" && $0[6].hasPrefix("annual-review-12m: covid_2020 applies only") })
        #expect(r.cases(.reviewDecision4w, "A8").first?[7] == "")
        #expect(r.problems(line: 10).contains { $0[3] == "Exception Reason" && $0[4] == "covid_2020" && $0[5] == "warning"
            && $0[6].hasPrefix("review-decision-4w: covid_2020 applies only") })
        #expect(!r.problems(line: 11).contains { $0[3] == "Exception Reason" })
        #expect(r.problems(line: 12).contains { $0[3] == "Exception Reason" && $0[4] == "staff shortage" && $0[5] == "warning"
            && $0[6].hasSuffix("Accepted: covid_2020") })
        // The applied exception leaves the case out of the rate excluding exceptions.
        let summary = parseCSV(try r.folder.read("out/summary.csv"))
        let all = summary.first { $0[0] == "review-decision-4w" && $0[1] == "2020-07" && $0[2] == "East" }
        #expect(all?[3] == "1" && all?[8] == "1" && all?[9] == "")
    }

    @Test func theNewMeasureIsInEveryOutput() throws {
        let r = try Self.analyse()
        let summary = parseCSV(try r.folder.read("out/summary.csv"))
        #expect(summary.contains { $0[0] == "transfer-in-notice-6w" && $0[1] == "all" && $0[2] == "all" && $0[3] == "3" })
        let json = try r.folder.read("out/summary.json")
        #expect(json.contains("\"transfer-in-notice-6w\"") && json.contains("reg 15(4)"))
        let report = try r.folder.read("out/report.md")
        #expect(report.contains("Notice of a plan transferred in within 6 weeks") && report.contains("reg 15(4)"))
        #expect(report.contains("reg 15(5)"))
        let html = try r.folder.read("out/report.html")
        #expect(html.contains("Notice of a plan transferred in within 6 weeks"))
        #expect(r.stdout.contains("transfer-in-notice-6w"))
    }

    @Test func aProfileMapsTheNewReviewColumns() throws {
        let folder = try TemporaryFolder()
        try folder.write("reviews.csv", """
            Plan ID,Issued,Meeting,Decided,Outcome,Proposed,Final,No Change Letter,Moved In,Move Letter,Reason
            P1,2024-01-15,2025-01-06,2025-01-30,amend,2025-02-01,,2025-03-29,,,COV
            P2,2024-07-01,,,,,,,2025-04-14,2025-05-27,

            """)
        try folder.write("p.toml", """
            [reviews.columns]
            case_id = "Plan ID"
            plan_date = "Issued"
            review_meeting_date = "Meeting"
            review_decision_date = "Decided"
            review_decision = "Outcome"
            amendment_notice_date = "Proposed"
            amended_plan_date = "Final"
            no_amendment_date = "No Change Letter"
            transfer_in_date = "Moved In"
            transfer_in_notice_date = "Move Letter"
            exception_reason = "Reason"

            [values.exception_reason]
            "COV" = "covid_2020"

            """)
        let run = try CLI.run(["analyse", "--reviews", "reviews.csv", "--profile", "p.toml", "--as-at", "2025-10-31", "--out", "out"],
                              in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let cases = parseCSV(try folder.read("out/cases.csv"))
        #expect(cases.first { $0[0] == "amended-plan-8w" && $0[1] == "P1" }.map { Array($0[5...6]) } == ["2025-03-29", "on_time"])
        #expect(cases.first { $0[0] == "transfer-in-notice-6w" && $0[1] == "P2" }.map { Array($0[4...6]) } == ["2025-05-26", "2025-05-27", "late"])
        let dq = parseCSV(try folder.read("out/data-quality.csv")).dropFirst()
        // COV maps to covid_2020, outside its window on P1's deadlines: warnings, not unrecognised reasons.
        #expect(dq.contains { $0[1] == "2" && $0[3] == "Reason" && $0[6].contains("covid_2020 applies only") })
        #expect(!dq.contains { $0[6].hasPrefix("exception reason ") })
    }

    @Test func transfersAcceptCovid2020InItsWindowAndWarnOtherwise() throws {
        let folder = try TemporaryFolder()
        try folder.write("transfers.csv", """
            case_id,transfer_type,transfer_date,amended_plan_date,Exception Reason
            T1,post16_to_post16,2020-12-15,2020-08-01,covid_2020
            T2,primary_to_secondary,2020-09-01,2020-05-01,covid_2020
            T3,primary_to_secondary,2026-09-01,,0
            T4,primary_to_secondary,2026-09-01,,school_closure
            T5,primary_to_secondary,2026-09-01,,family moved

            """)
        let run = try CLI.run(["analyse", "--transfers", "transfers.csv", "--as-at", "2025-10-31", "--out", "out"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("transfers.csv: 5 rows read = 5 analysed + 0 rejected"), "\(run.stdout)")
        let cases = parseCSV(try folder.read("out/cases.csv"))
        func row(_ id: String) -> [String]? { cases.first { $0[1] == id } }
        #expect(row("T1").map { Array($0[4...7]) } == ["2020-07-15", "2020-08-01", "late", "covid_2020"])
        #expect(row("T2")?[7] == "")
        let dq = parseCSV(try folder.read("out/data-quality.csv")).dropFirst()
        #expect(!dq.contains { $0[1] == "2" })
        #expect(dq.contains { $0[1] == "3" && $0[3] == "Exception Reason" && $0[4] == "covid_2020"
            && $0[6] == "phase-transfer: covid_2020 applies only to deadlines from 1 May 2020 to 25 September 2020 (SI 2020/471); this deadline is 2020-02-14, so the case is counted without an exception" })
        #expect(!dq.contains { $0[1] == "4" })
        #expect(dq.contains { $0[1] == "5" && $0[4] == "school_closure" && $0[6].contains("accepts only covid_2020 (SI 2020/471)") })
        #expect(dq.contains { $0[1] == "6" && $0[4] == "family moved" && $0[6].hasSuffix("Accepted: covid_2020") })
        let summary = parseCSV(try folder.read("out/summary.csv"))
        let all = summary.first { $0[0] == "phase-transfer" && $0[1] == "all" }
        #expect(all?[7] == "1")
    }

    @Test func theNewFieldsSurviveTheReviewSorts() {
        let day = { (iso: String) in Day(iso: iso)! }
        var row = ReviewRow(caseID: "P9", line: 77, planDate: day("2024-01-15"), meetingDate: day("2025-01-06"),
                            decisionDate: day("2025-01-30"), decision: .amend, amendmentNoticeDate: day("2025-02-01"),
                            noAmendmentDate: day("2025-03-01"), transferInDate: day("2024-12-01"),
                            transferInNoticeDate: day("2025-01-02"), exception: .code(.covid2020),
                            cohort: Cohort(values: ["North"], ageBandSlots: [], team: "North"))
        row.unusable = ["no_amendment_date", "transfer_in_notice_date"]
        var bytes: [UInt8] = []
        ReviewRowCoding.encode(row, into: &bytes)
        #expect(ReviewRowCoding.decode(bytes.span) == row)
        for code in ExceptionCode.allCases {
            var r = row
            r.exception = .code(code)
            bytes.removeAll()
            ReviewRowCoding.encode(r, into: &bytes)
            #expect(ReviewRowCoding.decode(bytes.span) == r)
        }
        // An unrecognised reason was reported when read, and counts as none.
        row.exception = .unrecognised("staff shortage")
        bytes.removeAll()
        ReviewRowCoding.encode(row, into: &bytes)
        #expect(ReviewRowCoding.decode(bytes.span)?.exception == ExceptionReading.none)
    }

    @Test func theNewColumnsAreCanonicalFieldsOfTheirExtracts() {
        let reviews = ExtractKind.reviews.fields.map(\.name)
        for name in ["no_amendment_date", "transfer_in_date", "transfer_in_notice_date", "exception_reason"] {
            #expect(reviews.contains(name), "\(name)")
        }
        #expect(ExtractKind.transfers.fields.map(\.name).contains("exception_reason"))
        #expect(Field(name: "transfer_in_notice_date")?.name == "transfer_in_notice_date")
    }
}
