import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

/// Paths and helpers shared by end-to-end tests.
enum Repo {
    /// The repository root (this file is Tests/EHCPTimelinessTests/Support.swift).
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The debug build of the command-line tool, built with the tests (the test target
    /// depends on the executable).
    static var binary: String {
        let candidates = [root + "/.build/debug/ehcp-timeliness",
                          root + "/.build/x86_64-unknown-linux-gnu/debug/ehcp-timeliness",
                          root + "/.build/aarch64-unknown-linux-gnu/debug/ehcp-timeliness"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }
}

/// The outcome of running the real command-line tool.
struct CLIRun {
    let status: Int32
    let stdout: String
    let stderr: String
}

enum CLI {
    /// Runs `ehcp-timeliness` (or `executable`) with `arguments` in `directory`; `stdin`:
    /// a file whose bytes the child reads from a pipe (not the file itself).
    static func run(_ arguments: [String], in directory: String = Repo.root, executable: String = Repo.binary,
                    stdin: String? = nil) throws -> CLIRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        if stdin != nil { process.standardInput = input }
        try process.run()
        if let stdin {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: stdin))
            let writer = Thread {
                input.fileHandleForWriting.write(bytes)
                try? input.fileHandleForWriting.close()
            }
            writer.start()
        }
        // Both pipes are drained at once: reading one to its end first could leave the
        // child blocked on a full other pipe, and the test waiting for ever.
        let errData = LockedData()
        let errReader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        errReader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = errData.wait()
        return CLIRun(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }
}

/// Data handed from the thread that reads a child's stderr to the test that waits for it.
final class LockedData: @unchecked Sendable {
    // Safe: `data` is only touched under `condition`'s lock.
    private let condition = NSCondition()
    private var data: Data?

    func set(_ value: Data) {
        condition.lock(); data = value; condition.signal(); condition.unlock()
    }

    func wait() -> Data {
        condition.lock(); defer { condition.unlock() }
        while data == nil { condition.wait() }
        return data ?? Data()
    }
}

/// A temporary folder removed when the value is discarded.
final class TemporaryFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("ehcp-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` to `name` inside the folder and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    func read(_ name: String) throws -> String {
        try String(contentsOfFile: path + "/" + name, encoding: .utf8)
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path + "/" + name) }
}

/// Splits simple CSV output (the tool's own) into rows of cells.
func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = [], row: [String] = [], cell = "", quoted = false
    var chars = Array(text)[...]
    while let c = chars.popFirst() {
        if quoted {
            if c == "\"" { if chars.first == "\"" { cell.append("\""); chars = chars.dropFirst() } else { quoted = false } } else { cell.append(c) }
        } else if c == "\"" { quoted = true }
        else if c == "," { row.append(cell); cell = "" }
        else if c == "\n" { row.append(cell); rows.append(row); row = []; cell = "" }
        else { cell.append(c) }
    }
    if !cell.isEmpty || !row.isEmpty { row.append(cell); rows.append(row) }
    return rows
}
