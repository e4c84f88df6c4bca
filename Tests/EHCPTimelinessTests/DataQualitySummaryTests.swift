import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import EHCPStore

/// Issue 14's messages: free-text exception reasons are listed once each with a count,
/// not found one warning at a time; the Excel hint says to add the format.
@Suite struct DataQualitySummaryTests {
    static let extract = """
        case_id,request_date,final_plan_date,exception_reason
        A1,2025-01-06,,Family holiday 5 weeks
        A2,2025-01-06,,School closed
        A3,2025-01-06,,Family holiday 5 weeks
        A4,2025-01-06,,personal_circumstances
        A5,2025-01-06,,Family holiday 5 weeks

        """

    @Test func eachUnrecognisedReasonIsListedOnceWithItsCountMostFrequentFirst() throws {
        let folder = try TemporaryFolder()
        try folder.write("r.csv", Self.extract)
        let run = try CLI.run(["analyse", "--requests", "r.csv", "--as-at", "2025-07-01", "--out", "o"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("counted without an exception (map each under [values.exception_reason] in a profile; "
                                    + "`profile init` drafts one): \"Family holiday 5 weeks\" 3, \"School closed\" 1\n"), "\(run.stdout)")
        let report = try folder.read("o/report.md")
        #expect(report.contains("| Family holiday 5 weeks | 3 |\n| School closed | 1 |"), "\(report)")
        // data-quality.csv still has one warning per cell, the value as written.
        let warnings = parseCSV(try folder.read("o/data-quality.csv")).dropFirst().filter { $0[5] == "warning" }
        #expect(warnings.map { $0[4] } == ["Family holiday 5 weeks", "School closed", "Family holiday 5 weeks", "Family holiday 5 weeks"])
    }

    @Test func noUnrecognisedReasonNoLineAndNoTable() throws {
        let folder = try TemporaryFolder()
        try folder.write("r.csv", "case_id,request_date,exception_reason\nA1,2025-01-06,personal_circumstances\n")
        let run = try CLI.run(["analyse", "--requests", "r.csv", "--as-at", "2025-07-01", "--out", "o"], in: folder.path)
        #expect(!run.stdout.contains("not recognised"))
        #expect(!(try folder.read("o/report.md")).contains("Exception reasons not recognised"))
    }

    @Test func theExcelHintSaysToAddTheFormatBesideTheOthers() {
        let message = DateParseError.unrecognised("45658").description
        #expect(message.hasSuffix("(if it is an Excel serial day number, add \"excel\" to the profile's [dates] formats, e.g. formats = [\"dd/MM/yyyy\", \"excel\"])"),
                "\(message)")
    }

    /// The value column holds the cell as written, not the date as the tool read it.
    @Test func aFutureDateIsReportedAsWritten() throws {
        let folder = try TemporaryFolder()
        try folder.write("r.csv", "case_id,request_date,assessment_decision_date\nA1,06/01/2025,12/06/2052\n")
        let run = try CLI.run(["analyse", "--requests", "r.csv", "--as-at", "2025-07-01", "--out", "o"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let p = parseCSV(try folder.read("o/data-quality.csv")).dropFirst().first
        #expect(p?[3] == "assessment_decision_date" && p?[4] == "12/06/2052", "\(String(describing: p))")
    }
}

/// The problem list is made on a thread of its own while cases.csv is written: reading
/// it waits for it, and what went wrong in making it is thrown, not lost.
@Suite struct BackgroundProblemListTests {
    struct Broken: Error, Equatable {}

    @Test func aListMadeInTheBackgroundGivesTheSameProblemsAsOneMadeAtOnce() throws {
        let problems = [DataQualityProblem(file: "r.csv", line: 2, caseID: "A1", column: "request_date", value: "x",
                                           severity: .error, problem: "bad"),
                        DataQualityProblem(file: "r.csv", line: 3, caseID: "A2", column: "team", value: "", severity: .warning,
                                           problem: "odd")]
        let atOnce = try ProblemList(problems)
        let background = ProblemList(building: BackgroundWork {
            var builder = try ProblemList.Builder(directory: ScratchSpace.directory)
            for p in problems {
                var w = ByteWriter()
                ProblemCoding.encode(p, into: &w)
                try builder.append(encoded: w.bytes)
            }
            return try builder.finish()
        })
        #expect(try background.all() == atOnce.all())
        #expect(background.errors == 1 && background.warnings == 1)
        #expect(background.firstErrors == atOnce.firstErrors)
    }

    @Test func aListThatCouldNotBeMadeThrowsWhenRead() {
        let list = ProblemList(building: BackgroundWork { throw Broken() })
        #expect(throws: Broken.self) { try list.ready() }
        #expect(throws: Broken.self) { try list.forEach { _ in } }
        #expect(list.count == 0)
    }
}
