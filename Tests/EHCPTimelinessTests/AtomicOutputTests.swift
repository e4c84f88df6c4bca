import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

/// A killed or failed run leaves last month's outputs untouched (issue 6, "Atomic outputs").
@Suite struct AtomicOutputTests {
    static func snapshot(_ folder: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            files[name] = FileManager.default.contents(atPath: folder + "/" + name)
        }
        return files
    }

    static func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    @Test func outputsAreCreatedPrivately() throws {
        let folder = try TemporaryFolder()
        try folder.write("r.csv", "case_id,request_date\nX,2025-01-06\n")
        let run = try CLI.run(["analyse", "--requests", "r.csv", "--as-at", "2025-06-30", "--out", "new/out"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Self.mode(folder.path + "/new/out") == 0o700)
        #expect(try Self.mode(folder.path + "/new") == 0o700)
        for name in OutputFiles.names {
            #expect(try Self.mode(folder.path + "/new/out/" + name) == 0o600, "\(name)")
        }
    }

    @Test func rerunReplacesOutputsAndKeepsOtherFilesInTheFolder() throws {
        let folder = try TemporaryFolder()
        try folder.write("r.csv", "case_id,request_date\nX,2025-01-06\n")
        _ = try CLI.run(["analyse", "--requests", "r.csv", "--as-at", "2025-06-30", "--out", "out"], in: folder.path)
        try folder.write("out/board-note.txt", "keep me")
        let run = try CLI.run(["analyse", "--requests", "r.csv", "--as-at", "2025-07-31", "--out", "out/"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try folder.read("out/board-note.txt") == "keep me")
        #expect(try folder.read("out/summary.json").contains("2025-07-31"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }

    @Test func failedRunLeavesPreviousOutputsUntouched() throws {
        let folder = try TemporaryFolder()
        try folder.write("r.csv", "case_id,request_date\nX,2025-01-06\n")
        _ = try CLI.run(["analyse", "--requests", "r.csv", "--as-at", "2025-06-30", "--out", "out"], in: folder.path)
        let before = try Self.snapshot(folder.path + "/out")
        try folder.write("bad.csv", "case_id,received\nX,2025-01-06\n")
        let run = try CLI.run(["analyse", "--requests", "bad.csv", "--as-at", "2025-06-30", "--out", "out"], in: folder.path)
        #expect(run.status == 2)
        #expect(try Self.snapshot(folder.path + "/out") == before)
    }

    @Test func killedRunLeavesPreviousOutputsUntouched() throws {
        let folder = try TemporaryFolder()
        try folder.write("small.csv", "case_id,request_date\nX,2025-01-06\n")
        _ = try CLI.run(["analyse", "--requests", "small.csv", "--as-at", "2025-06-30", "--out", "out"], in: folder.path)
        let before = try Self.snapshot(folder.path + "/out")
        // Large enough that the debug build is still working when the signal arrives.
        try RequestGenerator(seed: 7, count: 120_000, asAt: Day(iso: "2025-06-30")!).writeCanonical(to: folder.path + "/big.csv")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Repo.binary)
        process.arguments = ["analyse", "--requests", "big.csv", "--as-at", "2025-06-30", "--out", "out"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 0.5)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the run finished before it could be killed; use a larger file")
        #expect(try Self.snapshot(folder.path + "/out") == before)

        // The next run clears the dead run's temporary folder and succeeds.
        let next = try CLI.run(["analyse", "--requests", "small.csv", "--as-at", "2025-06-30", "--out", "out"], in: folder.path)
        #expect(next.status == 0)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }
}

@Suite struct ProgressTests {
    @Test func progressLineShowsFileShareAndRows() {
        #expect(Progress.line(file: "requests.csv", rows: 450_000, position: 45, total: 100) == "reading requests.csv: 45 % (450,000 rows)")
        #expect(Progress.line(file: "x.csv", rows: 12, position: -1, total: 0) == "reading x.csv: (12 rows)")
        #expect(Progress.grouped(1_234_567) == "1,234,567")
        #expect(Progress.grouped(999) == "999")
    }

    @Test func noProgressWhenStderrIsNotATerminal() throws {
        let folder = try TemporaryFolder()
        try RequestGenerator(seed: 3, count: 20_000, asAt: Day(iso: "2025-06-30")!).writeCanonical(to: folder.path + "/r.csv")
        let run = try CLI.run(["analyse", "--requests", "r.csv", "--as-at", "2025-06-30", "--out", "o"], in: folder.path)
        #expect(run.status == 0)
        #expect(!run.stderr.contains("reading r.csv"))
        #expect(!run.stderr.contains("\u{1B}"))
    }
}
