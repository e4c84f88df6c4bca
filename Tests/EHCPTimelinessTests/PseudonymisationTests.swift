import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

/// Children's data handled with care (issue 6): pseudonyms, and no column nobody asked for.
@Suite struct PseudonymisationTests {
    static let extract = """
        case_id,person_id,request_date,final_plan_date,team,date_of_birth,child_name
        REQ-A1,P-111,2025-01-06,,North,2015-03-04,Alice Example
        REQ-A2,P-222,2025-01-07,2025-13-01,South,2016-05-06,Bob Example
        REQ-A1,P-111,2025-01-08,,North,2015-03-04,Alice Example

        """

    static func run(_ folder: TemporaryFolder, key: String, out: String, extra: [String] = []) throws -> CLIRun {
        try CLI.run(["analyse", "--requests", "r.csv", "--as-at", "2025-06-30", "--out", out, "--pseudonymise", key] + extra,
                    in: folder.path)
    }

    static func allOutput(_ folder: TemporaryFolder, _ out: String) throws -> String {
        try OutputFiles.names.map { try folder.read(out + "/" + $0) }.joined(separator: "\n")
    }

    @Test func idsAreReplacedInEveryOutputAndStableAcrossRunsWithTheSameKey() throws {
        let folder = try TemporaryFolder()
        try folder.write("r.csv", Self.extract)
        try folder.write("k1", String(repeating: "k", count: 32))
        try folder.write("k2", String(repeating: "z", count: 32))
        let first = try Self.run(folder, key: "k1", out: "a", extra: ["--by", "team,person_id"])
        #expect(first.status == 0, "\(first.stderr)")
        let text = try Self.allOutput(folder, "a")
        for raw in ["REQ-A1", "REQ-A2", "P-111", "P-222"] {
            #expect(!text.contains(raw), "\(raw) leaked")
            #expect(!first.stderr.contains(raw), "\(raw) leaked on stderr")
        }
        let pseudonym = Pseudonymiser(keyBytes: Array(String(repeating: "k", count: 32).utf8)).pseudonym("REQ-A1", field: "case_id")
        #expect(pseudonym.hasPrefix("ps_") && pseudonym.count == 19)
        #expect(try folder.read("a/cases.csv").contains(pseudonym))
        // The duplicate row is still found, and named by its pseudonym.
        #expect(try folder.read("a/data-quality.csv").contains("case_id \(pseudonym) appears earlier"))

        _ = try Self.run(folder, key: "k1", out: "b", extra: ["--by", "team,person_id"])
        #expect(try Self.allOutput(folder, "a") == Self.allOutput(folder, "b"))
        _ = try Self.run(folder, key: "k2", out: "c", extra: ["--by", "team,person_id"])
        #expect(!(try folder.read("c/cases.csv")).contains(pseudonym))
        #expect(try folder.read("a/summary.json").contains("\"pseudonymised\": \"case_id,person_id\""))
    }

    @Test func aShortOrMissingKeyStopsTheRunBeforeAnyOutput() throws {
        let folder = try TemporaryFolder()
        try folder.write("r.csv", Self.extract)
        try folder.write("short", "abc")
        let short = try Self.run(folder, key: "short", out: "a")
        #expect(short.status == 2)
        #expect(short.stderr.contains("/dev/urandom"))
        let missing = try Self.run(folder, key: "nope", out: "b")
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("nope"))
        #expect(!folder.exists("a") && !folder.exists("b"))
    }

    @Test func noOutputCarriesInputColumnsNobodyAskedFor() throws {
        let folder = try TemporaryFolder()
        try folder.write("r.csv", Self.extract)
        let run = try CLI.run(["analyse", "--requests", "r.csv", "--as-at", "2025-06-30", "--out", "o", "--by", "team"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let text = try Self.allOutput(folder, "o")
        for value in ["Alice", "Bob", "2015-03-04", "2016-05-06", "P-111", "P-222", "child_name", "date_of_birth", "person_id"] {
            #expect(!text.contains(value), "\(value) is in an output without being asked for")
        }
    }
}
