import Foundation
import Testing
@testable import EHCPIngest

/// The scanner works out from the bytes it fed (never from libcsv's private state) whether
/// a chunk ended between two records: a parallel read trusts a cut only when it did.
@Suite struct CSVScannerTests {
    /// Scans `text` as a chunk that is not the last, `chunkSize` bytes at a time, and says
    /// whether it ended between records.
    static func endsBetweenRecords(_ text: String, chunkSize: Int) throws -> Bool {
        let folder = try TemporaryFolder()
        let path = try folder.write("chunk.csv", text)
        let reader = try CSVReader(path: path, delimiter: UInt8(ascii: ","))
        var source = FileRangeSource(fileDescriptor: reader.fileDescriptor, path: path, start: 0, end: text.utf8.count,
                                     checkUTF8: true, chunkSize: chunkSize)
        var scanner = CSVScanner(path: path, delimiter: UInt8(ascii: ","))
        try scanner.scan(&source, isLast: false, onRow: { _ in }, onProblem: { _ in })
        return scanner.endedBetweenRecords
    }

    @Test("a chunk that ends after a record's line end ends between records, wherever its reads were cut", arguments: [
        "a,b\nc,d\n",
        "a,\"b\"\n",            // a quoted field closed just before the line end
        "a,\"b\"\"c\"\n",       // a doubled quote inside a closed field
        "a,\"b\nc\",d\n",       // a line feed inside a quoted field, closed on the next line
        "a,b\n\n  \n",          // blank lines after the record
        "a,b\r\n",
        "a,\"b\"x\n",           // malformed (text after a closing quote): skipped to the line end
        "a,b\"c\n",             // malformed (a quote in an unquoted field)
        "a,\u{0}b\n",           // a NUL byte: the record is dropped to the line end
    ])
    func endsBetweenRecords(text: String) throws {
        for chunkSize in [1, 2, 3, 5, 64] {
            #expect(try Self.endsBetweenRecords(text, chunkSize: chunkSize), "\(text.debugDescription), reads of \(chunkSize)")
        }
    }

    @Test("a chunk that ends inside a record does not end between records", arguments: [
        "a,\"b\n",              // inside a quoted field
        "a,\"b\"\"\n",          // inside a quoted field, after a doubled quote
        "\"\n",                 // a quoted first field, just opened
        "a,\"b\nc\n",           // still inside after two line feeds
        "a,b",                  // no line end yet
        "a,b\r",                // a CR whose LF may be in the next chunk
        "a,\"b\"",              // just after a closing quote, no line end yet
    ])
    func endsInsideARecord(text: String) throws {
        for chunkSize in [1, 2, 3, 5, 64] {
            #expect(try !Self.endsBetweenRecords(text, chunkSize: chunkSize), "\(text.debugDescription), reads of \(chunkSize)")
        }
    }
}

/// A row is lent to its callback; the parser reuses its storage for the next record.
@Suite struct CSVRowLifetimeTests {
    @Test("a row read inside its callback gives its own fields")
    func rowInsideItsCallbackReadsItsFields() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("rows.csv", "a,b\nccc,\"d\"\"e\"\n")
        var seen: [[String]] = []
        try CSVReader(path: path).read(onRow: { row in
            seen.append((0..<row.count).map { row.string($0) } + [row.string(row.count)])
            #expect(row.fieldLength(0) == row.field(0).count)
        }, onProblem: { _ in })
        #expect(seen == [["a", "b", ""], ["ccc", "d\"e", ""]])
    }

    @Test("a row kept past its callback stops the program rather than read another record")
    func rowKeptPastItsCallbackTraps() async {
        await #expect(processExitsWith: .failure) {
            let path = "/tmp/ehcp-row-lifetime-\(getpid()).csv"
            FileManager.default.createFile(atPath: path, contents: Data("a,b\nc,d\n".utf8))
            defer { try? FileManager.default.removeItem(atPath: path) }
            var kept: CSVRow?
            try? CSVReader(path: path).read(onRow: { row in if kept == nil { kept = row } }, onProblem: { _ in })
            _ = kept?.string(0)
        }
    }
}
