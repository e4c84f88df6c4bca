import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

/// Reviews and transfers through the real tool: chains from scattered rows, and every
/// data-quality rule of issue 3.
@Suite struct ReviewTransferEndToEndTests {
    static let reviewsHeader = "case_id,plan_date,review_meeting_date,review_decision_date,review_decision,amendment_notice_date,amended_plan_date,ceased_date,team\n"

    @Test func reviewChainsAreBuiltFromRowsInAnyOrderAndBadRowsAreRejected() throws {
        let folder = try TemporaryFolder()
        try folder.write("reviews.csv", Self.reviewsHeader + """
            P1,,2025-12-01,2025-12-20,maintain,,,,North
            P2,2024-06-01,,,,,,,South
            P1,2024-01-15,2024-12-01,2024-12-20,maintain,,,,North
            P1,2024-01-20,,,,,,,North
            P3,2024-05-01,2024-04-01,,,,,,East
            P3,2024-05-01,2025-04-01,2025-03-01,maintain,,,,East
            P3,2024-05-01,2025-04-10,2025-04-20,amend,2025-05-01,2025-04-30,,East
            P3,2024-05-01,2025-04-15,2025-04-20,continue,,,,East
            P4,,2025-01-01,2025-01-10,maintain,,,,West

            """)
        let run = try CLI.run(["analyse", "--reviews", "reviews.csv", "--as-at", "2026-06-30", "--out", "out", "--by", "team"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        // Lines 7-9 (a decision before its meeting, an amended plan before its notice, an
        // unknown decision) keep their rows without the measures that need the field; line 6
        // (a meeting before the plan date) and P4 (no plan date on any row) are rejected.
        #expect(run.stdout.contains("reviews.csv: 9 rows read = 7 analysed + 2 rejected"), "\(run.stdout)")
        #expect(run.stdout.contains("review clock decision"))
        let cases = parseCSV(try folder.read("out/cases.csv"))
        let p1 = cases.filter { $0[0] == "annual-review-12m" && $0[1] == "P1" }
        // Earliest plan date (15 Jan 2024) is used; cycles chain through completions.
        #expect(p1.map { $0[3] } == ["2024-01-15", "2024-12-20", "2025-12-20"])
        #expect(p1.map { $0[6] } == ["on_time", "late", "open_in_time"])
        let dq = parseCSV(try folder.read("out/data-quality.csv")).dropFirst()
        func problems(_ line: String) -> [[String]] { dq.filter { $0[1] == line } }
        #expect(problems("5").contains { $0[3] == "plan_date" && $0[5] == "warning" && $0[6].contains("earliest") })
        #expect(problems("6").contains { $0[3] == "review_meeting_date" && $0[5] == "error" })
        #expect(problems("7").contains { $0[3] == "review_decision_date" && $0[5] == "error" })
        #expect(problems("8").contains { $0[3] == "amended_plan_date" && $0[5] == "error" })
        #expect(problems("9").contains { $0[3] == "review_decision" && $0[6].contains("maintain, amend, cease") })
        #expect(problems("10").contains { $0[3] == "plan_date" && $0[5] == "error" })
        let summary = try String(contentsOfFile: folder.path + "/out/summary.json", encoding: .utf8)
        #expect(summary.contains("\"review_clock\": \"decision\""))
        #expect(summary.contains("\"transfer_deadline\": \"literal\""))
    }

    @Test func transfersCheckTypesAndDuplicatesAndUseTheChosenReading() throws {
        let folder = try TemporaryFolder()
        try folder.write("transfers.csv", """
            case_id,transfer_type,transfer_date,amended_plan_date,team
            T1,primary_to_secondary,2026-09-01,2026-02-15,North
            T1,primary_to_secondary,2026-09-01,2026-02-10,North
            T2,Primary to University,2026-09-01,,North
            T3,Secondary to Post16,01/09/2026,31/03/2026,South
            T4,post16_to_post16,2027-01-31,,South
            T5,ey_to_school,,2026-01-01,South

            """)
        for (reading, t1, t3) in [("literal", "late", "late"), ("inclusive", "on_time", "on_time")] {
            let run = try CLI.run(["analyse", "--transfers", "transfers.csv", "--as-at", "2026-06-30", "--out", reading,
                                   "--transfer-deadline", reading], in: folder.path)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("transfers.csv: 6 rows read = 3 analysed + 3 rejected"), "\(run.stdout)")
            let cases = parseCSV(try folder.read(reading + "/cases.csv"))
            #expect(cases.first { $0[1] == "T1" }?[6] == t1)
            #expect(cases.first { $0[1] == "T3" }?[6] == t3)
            #expect(cases.first { $0[1] == "T4" }?[4] == "2026-08-31")
            let actions = parseCSV(try folder.read(reading + "/exceptions.csv"))
            // T4 is due 31 Aug 2026, beyond 28 days; T2 and T5 were rejected, so they end the
            // list as not checked (T1's second row is a duplicate: its case was checked).
            #expect(actions.dropFirst().map { Array($0.prefix(4)) } == [["", "T2", "", "not_checked"], ["", "T5", "", "not_checked"]])
        }
        let dq = parseCSV(try folder.read("literal/data-quality.csv")).dropFirst()
        #expect(dq.contains { $0[1] == "3" && $0[6].contains("appears earlier") })
        #expect(dq.contains { $0[1] == "4" && $0[6].contains("ey_to_school, infant_to_junior") })
        #expect(dq.contains { $0[1] == "7" && $0[3] == "transfer_date" })
    }

    @Test func dueWithinAddsReviewsFallingDueSoonToTheActionList() throws {
        let folder = try TemporaryFolder()
        try folder.write("reviews.csv", Self.reviewsHeader + "P1,2025-07-20,,,,,,,North\nP2,2025-09-20,,,,,,,North\n")
        let run = try CLI.run(["analyse", "--reviews", "reviews.csv", "--as-at", "2026-06-30", "--out", "out", "--due-within", "30"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let actions = parseCSV(try folder.read("out/exceptions.csv"))
        #expect(actions.dropFirst().map { $0[1] } == ["P1"])
        #expect(actions[1][2] == "2026-07-19")
    }
}
