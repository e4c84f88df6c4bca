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
}
