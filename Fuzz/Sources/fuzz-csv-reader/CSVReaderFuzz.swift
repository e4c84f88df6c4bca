// libFuzzer target: the CSV reader (libcsv scanner, encoding filter, delimiter detection).
//
// Input layout: byte 0 chooses the mode, byte 1 a small chunk size, the rest is the file.
//   mode & 3        delimiter: detected, comma, semicolon, tab
//   (mode >> 2) % 3 encoding: auto, utf-8, windows-1252
//   mode & 0x40     also read the bytes through a pipe (a non-seekable input)
//
// Oracles besides "does not crash": the same file read with the default chunk size, read
// again (rewound) with a tiny chunk size, and read through a pipe gives the same rows,
// problems and errors (see `agree`); line numbers only grow; every field is valid UTF-8
// and free of NUL bytes.

@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPTimeliness
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The file the reader opens: a tmpfs file unlinked at once and reached through
/// /proc/self/fd, so each input is rewritten in memory and nothing is left behind.
let inputFile: (fd: Int32, path: String) = {
    let name = "/dev/shm/ehcp-fuzz-csv-\(getpid())"
    let fd = open(name, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    precondition(fd >= 0, "cannot create \(name)")
    unlink(name)
    return (fd, "/proc/self/fd/\(fd)")
}()

/// Everything a read produced, comparable across chunk sizes and sources.
struct Outcome: Equatable {
    var delimiter: UInt8 = 0
    var rows: [Row] = []
    var problems: [CSVProblem] = []
    var error: String?
    var windows1252AtLine: Int?

    struct Row: Equatable {
        let line: Int
        let fields: [[UInt8]]
    }
}

/// Whether two reads of the same bytes agree. A fatal error (an encoding error) must be
/// the same, but how many rows came before it depends on where the chunks end (the
/// tool stops the run on it, so those rows never count): one must be a prefix of the other.
func agree(_ a: Outcome, _ b: Outcome) -> Bool {
    guard a.error != nil || b.error != nil else { return a == b }
    guard a.error == b.error, a.delimiter == b.delimiter else { return false }
    let (short, long) = a.rows.count <= b.rows.count ? (a, b) : (b, a)
    let (fewer, more) = a.problems.count <= b.problems.count ? (a, b) : (b, a)
    return long.rows.starts(with: short.rows) && more.problems.starts(with: fewer.problems)
}

func fail(_ message: String, _ a: Outcome, _ b: Outcome) -> Never {
    fatalError("FUZZ INVARIANT: \(message)\n  first:  \(a)\n  second: \(b)")
}

func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("FUZZ INVARIANT: \(message())") }
}

/// Reads every record, checking the per-row invariants as they stream past.
func readAll(_ reader: CSVReader, into outcome: inout Outcome) {
    outcome.delimiter = reader.delimiter
    var lastLine = 0
    do {
        try reader.read(onRow: { row in
            check(row.line > lastLine, "row line \(row.line) after line \(lastLine)")
            lastLine = row.line
            var fields: [[UInt8]] = []
            for i in 0..<row.count {
                let field = row.field(i)
                check(String(validating: field, as: UTF8.self) != nil, "field \(i) on line \(row.line) is not UTF-8")
                check(!field.contains(0), "field \(i) on line \(row.line) holds a NUL byte")
                fields.append(Array(field))
            }
            outcome.rows.append(Outcome.Row(line: row.line, fields: fields))
        }, onProblem: { problem in
            check(problem.line >= 1 && problem.column >= 1, "problem at line \(problem.line), column \(problem.column)")
            check(!problem.message.isEmpty, "empty problem message")
            outcome.problems.append(problem)
        })
        outcome.windows1252AtLine = reader.detectedWindows1252AtLine
    } catch {
        outcome.error = describe(error, path: reader.path)
    }
}

/// An error's message with the input's path taken out (the pipe's path differs).
func describe(_ error: any Error, path: String) -> String {
    "\(error)".replacingOccurrences(of: path, with: "<input>")
}

/// Reads `bytes` through a pipe: a writer thread feeds it while the reader detects the
/// delimiter and reads, as with `--requests /dev/stdin`.
func readThroughPipe(_ bytes: [UInt8], delimiter: UInt8?, encoding: TextEncoding) -> Outcome {
    var ends: [Int32] = [0, 0]
    check(pipe(&ends) == 0, "pipe failed")
    let (readEnd, writeEnd) = (ends[0], ends[1])
    let done = DispatchSemaphore(value: 0)
    Thread {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(writeEnd, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
        close(writeEnd)
        done.signal()
    }.start()
    var outcome = Outcome()
    do {
        let reader = try CSVReader(path: "/proc/self/fd/\(readEnd)", delimiter: delimiter, encoding: encoding)
        readAll(reader, into: &outcome)
    } catch {
        outcome.error = describe(error, path: "/proc/self/fd/\(readEnd)")
    }
    // An error may stop reading early: drain so the writer finishes, then close.
    var sink = [UInt8](repeating: 0, count: 65536)
    while sink.withUnsafeMutableBytes({ read(readEnd, $0.baseAddress, $0.count) }) > 0 {}
    done.wait()
    close(readEnd)
    return outcome
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let mode = data[0]
    let smallChunk = Int(data[1] % 64) + 1
    let bytes = UnsafeBufferPointer(start: data + 2, count: size - 2)
    let delimiter: UInt8? = [nil, UInt8(ascii: ","), UInt8(ascii: ";"), 0x09][Int(mode & 3)]
    let encoding: TextEncoding = [.auto, .utf8, .windows1252][Int(mode >> 2) % 3]

    let fd = inputFile.fd
    check(ftruncate(fd, 0) == 0, "ftruncate failed")
    check(bytes.isEmpty || pwrite(fd, bytes.baseAddress, bytes.count, 0) == bytes.count, "pwrite failed")

    var whole = Outcome()
    var chunked = Outcome()
    do {
        let reader = try CSVReader(path: inputFile.path, delimiter: delimiter, encoding: encoding)
        readAll(reader, into: &whole)
        // The same reader again: rewinds, and puts chunk boundaries everywhere.
        reader.chunkSize = smallChunk
        readAll(reader, into: &chunked)
    } catch {
        whole.error = describe(error, path: inputFile.path)
        chunked.error = whole.error
    }
    if !agree(whole, chunked) { fail("chunk size \(smallChunk) changed the outcome", whole, chunked) }
    if let first = whole.rows.first?.line { check(first >= 1, "first row on line \(first)") }

    if mode & 0x40 != 0 {
        let piped = readThroughPipe(Array(bytes), delimiter: delimiter, encoding: encoding)
        if !agree(piped, whole) { fail("a pipe changed the outcome", whole, piped) }
    }
    return 0
}
