import Foundation
import Testing

/// The worked examples of rule set version 2 in docs/rules/examples, each worked by hand
/// from the regulation text, give exactly the rows and warnings the documentation shows.
@Suite struct RuleExamplesTests {
    @Test func theDocumentedWorkedExamplesGiveTheirDocumentedRows() throws {
        let folder = try TemporaryFolder()
        let examples = Repo.root + "/docs/rules/examples"
        let run = try CLI.run(["analyse", "--requests", "requests.csv", "--reviews", "reviews.csv", "--transfers", "transfers.csv",
                               "--term-dates", "term-dates.csv", "--as-at", "2025-10-31", "--out", folder.path + "/out"],
                              in: examples)
        #expect(run.status == 0, "\(run.stderr)")
        for file in ["cases.csv", "data-quality.csv"] {
            let written = try String(contentsOfFile: folder.path + "/out/" + file, encoding: .utf8)
            let documented = try String(contentsOfFile: examples + "/expected-" + file, encoding: .utf8)
            #expect(written == documented, "\(file) differs from docs/rules/examples/expected-\(file)")
        }
        // Two of the hand-worked answers, spelled out: reg 15(5)'s later date, and a
        // closure window touched by one day.
        let cases = try String(contentsOfFile: folder.path + "/out/cases.csv", encoding: .utf8)
        #expect(cases.contains("annual-review-12m,V4-TIN3M,6,2024-03-01,2025-04-19,2025-04-19,on_time,,414,0,2025-04"))
        #expect(cases.contains("final-plan-20w,R5-TOUCH,6,2025-02-22,2025-07-12,2025-07-20,late,school_closure,148,8,2025-07"))
    }

    /// Issue 16's worked examples: one order or re-assessment for each measure's last
    /// on-time and first late day, worked by hand in docs/rules/orders.md.
    @Test func theDocumentedOrderAndReassessmentExamplesGiveTheirDocumentedRows() throws {
        let folder = try TemporaryFolder()
        let examples = Repo.root + "/docs/rules/examples/orders"
        let run = try CLI.run(["analyse", "--reassessments", "reassessments.csv", "--orders", "orders.csv",
                               "--as-at", "2025-10-31", "--out", folder.path + "/out"], in: examples)
        #expect(run.status == 0, "\(run.stderr)")
        for file in ["cases.csv", "data-quality.csv"] {
            let written = try String(contentsOfFile: folder.path + "/out/" + file, encoding: .utf8)
            let documented = try String(contentsOfFile: examples + "/expected-" + file, encoding: .utf8)
            #expect(written == documented, "\(file) differs from docs/rules/examples/orders/expected-\(file)")
        }
        let cases = try String(contentsOfFile: folder.path + "/out/cases.csv", encoding: .utf8)
        // The order dated 31 January: 2 weeks end on 14 February.
        #expect(cases.contains("tribunal-placement-2w,O11-JAN31,12,2025-01-31,2025-02-14,2025-02-14,on_time,,14,0,2025-02"))
        // Decided on day 15 (on time) and day 16 (late).
        #expect(cases.contains("reassessment-decision-15d,A1-DAY15,2,2025-01-06,2025-01-21,2025-01-21,on_time,,15,0,2025-01"))
        #expect(cases.contains("reassessment-decision-15d,A2-DAY16,3,2025-01-06,2025-01-21,2025-01-22,late,,16,1,2025-01"))
    }
}
