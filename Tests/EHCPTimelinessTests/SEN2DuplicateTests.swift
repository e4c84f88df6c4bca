import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPTimeliness

/// A SEN2 return that holds a case twice (the same person id and `ReceivedDate` in two
/// `<Person>`s): as for a requests extract, `--duplicates` chooses the copy analysed and
/// every other copy is rejected and listed, wherever in the file the copies are and on
/// any number of threads. A person's own two requests of one day are two cases.
@Suite struct SEN2DuplicateTests {
    static func person(_ upn: String, received: String, plan: String) -> String {
        "<UPN>\(upn)</UPN>\n" + SEN2Tests.requests(
            ["ReceivedDate": received, "RequestOutcome": "Y", "RequestOutcomeDate": "2024-02-01"],
            assessment: ["AssessmentOutcome": "Y", "AssessmentOutcomeDate": plan, "Week20": "0"])
    }

    /// Three persons; U1's record repeated at the end with a later plan date.
    static let twice = SEN2Tests.sen2([
        person("U1", received: "2024-01-02", plan: "2024-05-01"),
        person("U2", received: "2024-01-03", plan: "2024-05-02"),
        person("U1", received: "2024-01-02", plan: "2024-07-01"),
    ])

    /// Lines of the three `<Requests>` start tags in `twice`.
    static var requestLines: [Int] {
        twice.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .filter { $0.element == "<Requests>" }.map { $0.offset + 1 }
    }

    @Test func theLaterCopyOfACaseIsRejectedNamingTheFirstsLine() throws {
        let (folder, run) = try SEN2Tests.run(Self.twice)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("return.xml: 3 rows read = 2 analysed + 1 rejected"), "\(run.stdout)")
        let lines = Self.requestLines
        let cases = try SEN2Tests.csv(folder, "cases.csv")
        // The first copy's plan date (2024-05-01) is the one measured, at the first copy's line.
        #expect(SEN2Tests.row(cases, "final-plan-20w", "U1/2024-01-02") == ["on_time", "2024-05-01", "2024-05-21", ""])
        #expect(cases.filter { $0[1] == "U1/2024-01-02" }.map { $0[2] } == ["\(lines[0])", "\(lines[0])"])
        let problems = try SEN2Tests.csv(folder, "data-quality.csv").filter { $0[5] == "error" }
        #expect(problems.count == 1)
        #expect(problems.first?[1] == "\(lines[2])")
        #expect(problems.first?[3] == "Requests")
        #expect(problems.first?[4] == "U1/2024-01-02")
        #expect(problems.first?[6].contains("appears earlier in the return, at line \(lines[0])") == true)
    }

    @Test func duplicatesLastKeepsTheLaterCopy() throws {
        let (folder, run) = try SEN2Tests.run(Self.twice, extra: ["--duplicates", "last"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = Self.requestLines
        let cases = try SEN2Tests.csv(folder, "cases.csv")
        #expect(SEN2Tests.row(cases, "final-plan-20w", "U1/2024-01-02") == ["late", "2024-07-01", "2024-05-21", ""])
        let problems = try SEN2Tests.csv(folder, "data-quality.csv").filter { $0[5] == "error" }
        #expect(problems.map { $0[1] } == ["\(lines[0])"])
        #expect(problems.first?[6].contains("appears again later in the return, at line \(lines[2])") == true)
    }

    @Test func duplicatesRejectRejectsEveryCopyAndListsTheCaseOnceAsNotChecked() throws {
        let (folder, run) = try SEN2Tests.run(Self.twice, extra: ["--duplicates", "reject"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("return.xml: 3 rows read = 1 analysed + 2 rejected"), "\(run.stdout)")
        let cases = try SEN2Tests.csv(folder, "cases.csv")
        #expect(!cases.contains { $0[1] == "U1/2024-01-02" })
        #expect(cases.contains { $0[1] == "U2/2024-01-03" })
        let problems = try SEN2Tests.csv(folder, "data-quality.csv").filter { $0[5] == "error" }
        #expect(problems.map { $0[1] } == Self.requestLines.enumerated().filter { $0.offset != 1 }.map { "\($0.element)" })
        #expect(problems.allSatisfy { $0[6].contains("appears 2 times in the return") })
        let exceptions = try SEN2Tests.csv(folder, "exceptions.csv")
        #expect(exceptions.filter { $0.contains("U1/2024-01-02") }.count == 1)
        #expect(exceptions.first { $0.contains("U1/2024-01-02") }?.contains("not_checked") == true)
    }

    @Test func aPersonsOwnTwoRequestsOfOneDayAreTwoCasesNotCopies() throws {
        let two = "<UPN>U1</UPN>\n" + SEN2Tests.requests(["ReceivedDate": "2024-01-02", "RequestOutcome": "A"]) + "\n"
            + SEN2Tests.requests(["ReceivedDate": "2024-01-02", "RequestOutcome": "A"])
        let (folder, run) = try SEN2Tests.run(SEN2Tests.sen2([two]))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("return.xml: 2 rows read = 2 analysed + 0 rejected"), "\(run.stdout)")
        let ids = Set(try SEN2Tests.csv(folder, "cases.csv").dropFirst().map { $0[1] })
        #expect(ids == ["U1/2024-01-02", "U1/2024-01-02#2"])
    }

    @Test("copies in different chunks give one thread's outputs", arguments: DuplicatePolicy.allCases)
    func copiesInDifferentChunksGiveOneThreadsOutputs(policy: DuplicatePolicy) throws {
        // 300 persons; U0's case again in the middle and at the end, U2's at the end: the
        // copies fall in chunks other than the first.
        var persons = SEN2ChunkTests.persons(0..<300)
        let u0 = persons[0], u2 = persons[2]
        persons.insert(u0, at: 150)
        persons += [u2, u0]
        let folder = try TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = try SEN2ChunkTests.file(SEN2Tests.sen2(persons), in: folder)
        guard case .success(let outputs) = SEN2ChunkTests.outputs(path, jobs: 3, duplicates: policy, in: folder) else {
            Issue.record("the run failed")
            return
        }
        let quality = String(decoding: try #require(outputs["data-quality.csv"]), as: UTF8.self)
        let rejections = quality.split(separator: "\n").filter { $0.contains("in the return") }
        #expect(rejections.count == (policy == .reject ? 5 : 3), "\(rejections)")
        try SEN2ChunkTests.expectSameOutputs(path, jobs: [2, 3], duplicates: policy, "\(policy)")
    }

    /// A return may be read more than once (for its copies): a pipe is refused by name.
    @Test func aReturnFromAPipeIsRefusedBeforeAnyOutput() throws {
        let folder = try TemporaryFolder()
        _ = try folder.write("return.xml", Self.twice)
        let run = try CLI.run(["analyse", "--sen2", "/dev/stdin", "--out", "o"], in: folder.path, stdin: folder.path + "/return.xml")
        #expect(run.status == 2, "\(run.stdout)")
        #expect(run.stderr.contains("/dev/stdin: a SEN2 return is read from a file, not a pipe"), "\(run.stderr)")
        #expect(!folder.exists("o"))
    }

    @Test func copiesFoundByHashButWithDifferentIdsAreNotCopies() {
        // Ordinals 1, 5, 9 hashed alike; only 1 and 9 hold the same id.
        let groups: [[Int64]] = [[1, 5, 9], [3, 4]]
        let exact = SEN2Duplicates.exactGroups(groups, ids: [1: "A/2024-01-01", 5: "B/2024-01-01", 9: "A/2024-01-01",
                                                            3: "C/2024-01-01", 4: "D/2024-01-01"])
        #expect(exact == [[1, 9]])
        let resolution = SEN2Duplicates(groups: exact, policy: .first)
        #expect(resolution.copies == [1, 9])
        #expect(Set(resolution.drops.keys) == [9])
        #expect(resolution.drops[9]?.otherLine == 1)
        #expect(SEN2Duplicates(groups: exact, policy: .first) != SEN2Duplicates(groups: groups, policy: .first))
    }
}
