import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

/// SampleData/ and Reports/sample/ are committed; these tests keep them honest.
@Suite struct SampleGoldenTests {
    /// Keep in step with SAMPLE_ARGS in the Makefile.
    static let sampleArguments = ["analyse", "--requests", "SampleData/requests.csv", "--reviews", "SampleData/reviews.csv",
                                  "--transfers", "SampleData/transfers.csv", "--term-dates", "SampleData/term-dates.csv",
                                  "--reassessments", "SampleData/reassessments.csv", "--orders", "SampleData/orders.csv",
                                  "--as-at", "2025-10-31", "--by", "team",
                                  "--benchmark-la", "351"]

    @Test func regeneratingReportsSampleGivesByteIdenticalFiles() throws {
        let folder = try TemporaryFolder()
        let run = try CLI.run(Self.sampleArguments + ["--out", folder.path + "/sample"])
        #expect(run.status == 0, "\(run.stderr)")
        for name in OutputFiles.names {
            let expected = try String(contentsOfFile: Repo.root + "/Reports/sample/" + name, encoding: .utf8)
            let actual = try folder.read("sample/" + name)
            #expect(actual == expected, "Reports/sample/\(name) differs: run `make run` and review the change")
        }
    }

    @Test func regeneratingSampleDataGivesByteIdenticalFiles() throws {
        let folder = try TemporaryFolder()
        let run = try CLI.run(["generate", "--out", folder.path, "--seed", "20251031", "--requests", "3000",
                                "--reviews", "1200", "--transfers", "600", "--reassessments", "300", "--orders", "300",
                                "--as-at", "2025-10-31"])
        #expect(run.status == 0, "\(run.stderr)")
        for name in [SampleData.requestsFile, SampleData.otherSystemFile, SampleData.otherSystemProfileFile,
                     SampleData.reviewsFile, SampleData.transfersFile, SampleData.termDatesFile,
                     SampleData.reassessmentsFile, SampleData.ordersFile] {
            let expected = try String(contentsOfFile: Repo.root + "/SampleData/" + name, encoding: .utf8)
            #expect(try folder.read(name) == expected, "SampleData/\(name) differs: run `make sample`")
        }
    }

    @Test func otherSystemExportWithItsProfileGivesTheSameCases() throws {
        let folder = try TemporaryFolder()
        let by = ["--by", "team,caseworker,primary_need,age_band"]
        let canonical = try CLI.run(["analyse", "--requests", "SampleData/requests.csv", "--as-at", "2025-10-31", "--out", folder.path + "/a"] + by)
        let other = try CLI.run(["analyse", "--requests", "SampleData/requests-other-system.csv",
                                 "--profile", "SampleData/other-system-profile.toml", "--as-at", "2025-10-31", "--out", folder.path + "/b"] + by)
        #expect(canonical.status == 0, "\(canonical.stderr)")
        #expect(other.status == 0, "\(other.stderr)")
        func withoutLine(_ rows: [[String]]) -> [[String]] { rows.map { row in row.enumerated().filter { $0.offset != 2 }.map(\.element) } }
        let a = withoutLine(parseCSV(try folder.read("a/cases.csv")))
        let b = withoutLine(parseCSV(try folder.read("b/cases.csv")))
        #expect(a.count > 3000)
        #expect(a == b)
        #expect(try folder.read("a/summary.csv") == folder.read("b/summary.csv"))
        #expect(try folder.read("a/exceptions.csv") == folder.read("b/exceptions.csv"))
        // The same rows are rejected and warned about (values are written differently).
        func problems(_ text: String) -> [[String]] { parseCSV(text).dropFirst().map { [$0[1], $0[2], $0[5]] } }
        #expect(problems(try folder.read("a/data-quality.csv")) == problems(try folder.read("b/data-quality.csv")))
    }

    @Test func samplePackShowsPublishedEnglandFigures() throws {
        let report = try String(contentsOfFile: Repo.root + "/Reports/sample/report.md", encoding: .utf8)
        let json = try String(contentsOfFile: Repo.root + "/Reports/sample/summary.json", encoding: .utf8)
        #expect(json.contains("\"benchmark\""))
        // England 2024, plans issued within 20 weeks excluding exceptions (DfE, June 2025).
        #expect(report.contains("46.4"))
        #expect(report.contains("North West"))
    }

    @Test func sampleDataHasRejectedRowsAndReconciles() throws {
        let json = try String(contentsOfFile: Repo.root + "/Reports/sample/summary.json", encoding: .utf8)
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let inputs = try #require(object?["inputs"] as? [[String: Any]])
        #expect(inputs.map { $0["kind"] as? String } == ["term_dates", "requests", "reviews", "transfers", "reassessments", "orders"])
        for input in inputs {
            let read = input["rows_read"] as? Int ?? -1
            let analysed = input["analysed"] as? Int ?? -1
            let rejected = input["rejected"] as? Int ?? -1
            #expect(read == analysed + rejected)
            #expect(rejected > 0, "the sample shows rejected rows in every file")
        }
        #expect(inputs.dropFirst().first?["rows_read"] as? Int == 3000)
    }
}
