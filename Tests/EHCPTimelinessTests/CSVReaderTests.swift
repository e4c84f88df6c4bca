import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

// MARK: - Helpers

/// A delivered record, copied out of the callback.
struct ReadRow: Equatable, CustomStringConvertible {
    let line: Int
    let fields: [String]
    init(_ line: Int, _ fields: [String]) {
        self.line = line
        self.fields = fields
    }
    var description: String { "\(line): \(fields)" }
}

struct ReadResult {
    var rows: [ReadRow] = []
    var problems: [CSVProblem] = []
    var delimiter: UInt8 = 0
}

/// Writes `bytes` to a uniquely named temporary file, runs `body` with its path, removes it.
func withTemporaryFile<T>(_ bytes: [UInt8], _ body: (String) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("csvreader-\(UUID().uuidString).csv")
    try Data(bytes).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url.path)
}

func readAll(_ bytes: [UInt8], delimiter: UInt8? = nil, chunkSize: Int? = nil) throws -> ReadResult {
    try withTemporaryFile(bytes) { path in
        let reader = try CSVReader(path: path, delimiter: delimiter)
        if let chunkSize { reader.chunkSize = chunkSize }
        var result = ReadResult(delimiter: reader.delimiter)
        try reader.read(
            onRow: { row in
                result.rows.append(ReadRow(row.line, (0..<row.count).map { row.string($0) }))
            },
            onProblem: { result.problems.append($0) })
        return result
    }
}

func readAll(_ text: String, delimiter: UInt8? = nil, chunkSize: Int? = nil) throws -> ReadResult {
    try readAll(Array(text.utf8), delimiter: delimiter, chunkSize: chunkSize)
}

struct StopReading: Error, Equatable {}

// MARK: - Well-formed input

@Test func readsASimpleFileWithTheHeaderOnLineOne() throws {
    let result = try readAll("case_id,request_date\nA1,2025-01-06\nA2,2025-02-03\n")
    #expect(result.rows == [
        ReadRow(1, ["case_id", "request_date"]),
        ReadRow(2, ["A1", "2025-01-06"]),
        ReadRow(3, ["A2", "2025-02-03"]),
    ])
    #expect(result.problems.isEmpty)
    #expect(result.delimiter == UInt8(ascii: ","))
}

@Test func skipsAByteOrderMarkBeforeAQuotedFirstHeader() throws {
    let result = try readAll("\u{FEFF}\"case_id\",\"request_date\"\nA1,2025-01-06\n")
    #expect(result.rows == [ReadRow(1, ["case_id", "request_date"]), ReadRow(2, ["A1", "2025-01-06"])])
    #expect(result.problems.isEmpty)
}

@Test func columnsOnTheFirstLineDoNotCountTheByteOrderMark() throws {
    let result = try readAll("\u{FEFF}a\"b,c\nd,e\n")
    #expect(result.problems == [CSVProblem(line: 1, column: 2, message: "unexpected quote inside an unquoted field")])
    #expect(result.rows == [ReadRow(2, ["d", "e"])])
}

@Test func readsCRLFLineEnds() throws {
    let result = try readAll("a,b\r\n1,2\r\n\r\n3,4\r\n")
    #expect(result.rows == [ReadRow(1, ["a", "b"]), ReadRow(2, ["1", "2"]), ReadRow(4, ["3", "4"])])
}

@Test func countsLFCRLFAndLoneCRLineEndsInOneFile() throws {
    let result = try readAll("a,b\r\nc,d\ne,f\rg,h\r\n\r\n\ni,j")
    #expect(result.rows == [
        ReadRow(1, ["a", "b"]),
        ReadRow(2, ["c", "d"]),
        ReadRow(3, ["e", "f"]),
        ReadRow(4, ["g", "h"]),
        ReadRow(7, ["i", "j"]),
    ])
}

@Test func quotedFieldsKeepDelimitersDoubledQuotesAndNewlines() throws {
    let text = #"""
        id,note,n
        1,"Smith, John",x
        2,"said ""no""",y
        3,"two
        lines",z
        4,"three

        lines",w
        5,plain,v

        """#
    let result = try readAll(text)
    #expect(result.rows == [
        ReadRow(1, ["id", "note", "n"]),
        ReadRow(2, ["1", "Smith, John", "x"]),
        ReadRow(3, ["2", "said \"no\"", "y"]),
        ReadRow(4, ["3", "two\nlines", "z"]),
        ReadRow(6, ["4", "three\n\nlines", "w"]),
        ReadRow(9, ["5", "plain", "v"]),
    ])
}

@Test func aCRLFInsideQuotesCountsAsOneLine() throws {
    let result = try readAll("id,note\r\n1,\"a\r\nb\"\r\n2,c\r\n")
    #expect(result.rows == [ReadRow(1, ["id", "note"]), ReadRow(2, ["1", "a\r\nb"]), ReadRow(4, ["2", "c"])])
}

@Test func blankAndWhitespaceOnlyLinesAreSkippedButCounted() throws {
    let result = try readAll("\nid,x\n\n1,a\n   \n\t\n2,b\n\n")
    #expect(result.rows == [ReadRow(2, ["id", "x"]), ReadRow(4, ["1", "a"]), ReadRow(7, ["2", "b"])])
}

@Test func aLineOfDelimitersIsARecordOfEmptyFields() throws {
    let result = try readAll("a,b,c\n,,\n")
    #expect(result.rows == [ReadRow(1, ["a", "b", "c"]), ReadRow(2, ["", "", ""])])
}

// MARK: - Delimiters and trimming

@Test func detectsASemicolonDelimiterFromTheHeader() throws {
    let result = try readAll("case_id;request_date;team\nA1;06/01/2025;North, East\n")
    #expect(result.delimiter == UInt8(ascii: ";"))
    #expect(result.rows == [
        ReadRow(1, ["case_id", "request_date", "team"]),
        ReadRow(2, ["A1", "06/01/2025", "North, East"]),
    ])
}

@Test func detectsATabDelimiterAndKeepsEmptyFieldsBetweenTabs() throws {
    let result = try readAll("a\tb\tc\n1\t\t3\n x \t y\t\n")
    #expect(result.delimiter == 0x09)
    #expect(result.rows == [ReadRow(1, ["a", "b", "c"]), ReadRow(2, ["1", "", "3"]), ReadRow(3, ["x", "y", ""])])
}

@Test func detectionIgnoresDelimitersInsideQuotes() throws {
    let result = try readAll("\"a,b,c\";d;e\n1;2;3\n")
    #expect(result.delimiter == UInt8(ascii: ";"))
    #expect(result.rows.first == ReadRow(1, ["a,b,c", "d", "e"]))
}

@Test func detectionLooksAtTheHeaderLineOnly() throws {
    let result = try readAll("a;b\n1,2,3,4,5\n")
    #expect(result.delimiter == UInt8(ascii: ";"))
}

@Test func detectionReadsAHeaderLongerThanAChunk() throws {
    let long = String(repeating: "x", count: CSVReader.defaultChunkSize + 1000)
    let result = try readAll("\(long);b,c;d\n1;2;3\n")
    #expect(result.delimiter == UInt8(ascii: ";"))
    #expect(result.rows == [ReadRow(1, [long, "b,c", "d"]), ReadRow(2, ["1", "2", "3"])])
}

@Test func detectionDefaultsToCommaWhenTheHeaderHasNoCandidate() throws {
    #expect(try readAll("case_id\nA1\n").delimiter == UInt8(ascii: ","))
    #expect(try readAll("").delimiter == UInt8(ascii: ","))
}

@Test func anExplicitDelimiterOverridesDetection() throws {
    let result = try readAll("a;b;c,d\n1;2;3,4\n", delimiter: UInt8(ascii: ","))
    #expect(result.delimiter == UInt8(ascii: ","))
    #expect(result.rows == [ReadRow(1, ["a;b;c", "d"]), ReadRow(2, ["1;2;3", "4"])])
}

@Test func trimsSpacesAndTabsAroundUnquotedFieldsButNotInsideQuotes() throws {
    let result = try readAll("  a  ,\tb\t, \"  c  \" ,d e\n")
    #expect(result.rows == [ReadRow(1, ["a", "b", "  c  ", "d e"])])
}

// MARK: - Malformed records

@Test func reportsAQuoteInsideAnUnquotedFieldAndCarriesOnAtTheNextLine() throws {
    let result = try readAll("id,size,n\n1,5\" wide,\"never\n2,ok,x\n")
    #expect(result.problems == [CSVProblem(line: 2, column: 4, message: "unexpected quote inside an unquoted field")])
    #expect(result.rows == [ReadRow(1, ["id", "size", "n"]), ReadRow(3, ["2", "ok", "x"])])
}

@Test func reportsTextAfterAClosingQuote() throws {
    let result = try readAll("id,note,n\n1,\"ab\"c,3\n2,\"ab\" \"c\",3\n3,fine,x\n")
    #expect(result.problems == [
        CSVProblem(line: 2, column: 7, message: "text after a closing quote"),
        CSVProblem(line: 3, column: 8, message: "text after a closing quote"),
    ])
    #expect(result.rows == [ReadRow(1, ["id", "note", "n"]), ReadRow(4, ["3", "fine", "x"])])
}

@Test func aProblemInsideAMultiLineRecordNamesTheLineOfTheOffendingByte() throws {
    let result = try readAll("id,note,x\n1,\"first\nsecond\"oops,x\n\n2,fine,x\n")
    #expect(result.problems == [CSVProblem(line: 3, column: 8, message: "text after a closing quote")])
    #expect(result.rows == [ReadRow(1, ["id", "note", "x"]), ReadRow(5, ["2", "fine", "x"])])
}

@Test func aProblemOnTheLastLineWithoutALineEnd() throws {
    let result = try readAll("a,b\n1,x\"y")
    #expect(result.problems == [CSVProblem(line: 2, column: 4, message: "unexpected quote inside an unquoted field")])
    #expect(result.rows == [ReadRow(1, ["a", "b"])])
}

@Test func reportsAnUnterminatedQuoteOnceAtTheLineWhereItOpened() throws {
    let result = try readAll("id,note\n1,ok\n\n2, \"never closed\n3,more\n4,and more\n")
    #expect(result.problems == [
        CSVProblem(line: 4, column: 4, message: "a quoted field opened on line 4 is never closed, "
                   + "so it runs to the end of the file (lines 4 to 6 are one record)"),
    ])
    #expect(result.rows == [ReadRow(1, ["id", "note"]), ReadRow(2, ["1", "ok"])])
}

/// CSV text never holds a NUL byte: the record is malformed, even inside quotes, and
/// reading carries on at the next line.
@Test func aNulByteMakesItsRecordMalformed() throws {
    let text = "a,b\n1,x\u{0}y\n2,ok\n\"3\n\u{0}\",z\n4,w\n"
    let message = "a NUL byte (0x00), which is not text: the file may be UTF-16 (save it again as \"CSV UTF-8\") or damaged"
    for size in [nil, 1, 2, 3, 5] {
        let result = try readAll(text, chunkSize: size)
        #expect(result.rows == [ReadRow(1, ["a", "b"]), ReadRow(3, ["2", "ok"]), ReadRow(6, ["4", "w"])], "chunk \(size ?? 0)")
        #expect(result.problems == [CSVProblem(line: 2, column: 4, message: message),
                                    CSVProblem(line: 5, column: 1, message: message)], "chunk \(size ?? 0)")
    }
}

@Test func anUnterminatedQuoteAfterAClosedOneOnTheSameLine() throws {
    let result = try readAll("a,b,c\n\"x\"\"y\",\"z\n")
    #expect(result.problems == [
        CSVProblem(line: 2, column: 8, message: "a quoted field opened on line 2 is never closed"),
    ])
}

// MARK: - Edges of the file

@Test func readsALastLineWithoutALineEnd() throws {
    #expect(try readAll("a,b\n1,2").rows == [ReadRow(1, ["a", "b"]), ReadRow(2, ["1", "2"])])
    #expect(try readAll("a,b\n1,\"2\"").rows == [ReadRow(1, ["a", "b"]), ReadRow(2, ["1", "2"])])
    #expect(try readAll("a,b\n1,").rows == [ReadRow(1, ["a", "b"]), ReadRow(2, ["1", ""])])
}

@Test func anEmptyFileHasNoRows() throws {
    let empty = try readAll("")
    #expect(empty.rows.isEmpty)
    #expect(empty.problems.isEmpty)
    let bomOnly = try readAll([0xEF, 0xBB, 0xBF])
    #expect(bomOnly.rows.isEmpty)
    #expect(bomOnly.problems.isEmpty)
}

@Test func fieldAndStringAreEmptyBeyondTheRow() throws {
    // Invalid UTF-8 never reaches a row: the encoding filter transcodes or stops (EncodingTests).
    try withTemporaryFile(Array("a,b\n".utf8) + [0x63, 0xC3, 0xBF, 0x64] + Array(",Zoë\n".utf8)) { path in
        let reader = try CSVReader(path: path)
        var checked = 0
        try reader.read(
            onRow: { row in
                #expect(row.count == 2)
                #expect(row.field(2).isEmpty)
                #expect(row.field(-1).isEmpty)
                #expect(row.string(5) == "")
                if row.line == 2 {
                    #expect(Array(row.field(0)) == [0x63, 0xC3, 0xBF, 0x64])
                    #expect(row.string(0) == "cÿd")
                    #expect(row.string(1) == "Zoë")
                }
                checked += 1
            },
            onProblem: { Issue.record("unexpected problem \($0)") })
        #expect(checked == 2)
    }
}

@Test func readingTwiceDeliversTheSameRows() throws {
    try withTemporaryFile(Array("a;b\n1;2\n".utf8)) { path in
        let reader = try CSVReader(path: path)
        var lines: [Int] = []
        try reader.read(onRow: { lines.append($0.line) }, onProblem: { _ in })
        try reader.read(onRow: { lines.append($0.line) }, onProblem: { _ in })
        #expect(lines == [1, 2, 1, 2])
    }
}

/// Builds a file of more than 50,000 rows whose chunk boundaries fall on purpose inside a
/// quoted newline, between the CR and LF of a line end (outside and inside quotes), on a
/// lone CR, and inside a malformed record.
@Test func readsAFileLargerThanTheChunkAcrossEveryKindOfBoundary() throws {
    let chunk = CSVReader.defaultChunkSize
    var bytes: [UInt8] = []
    var expected: [ReadRow] = []
    var problems: [CSVProblem] = []
    var line = 1

    func add(_ text: String, _ fields: [String]?, lines: Int) {
        if let fields { expected.append(ReadRow(line, fields)) }
        bytes += Array(text.utf8)
        line += lines
    }
    var serial = 0
    func addOrdinary() {
        serial += 1
        add("\(serial),name \(serial),2025-01-\(serial % 28 + 1)\n",
            ["\(serial)", "name \(serial)", "2025-01-\(serial % 28 + 1)"], lines: 1)
    }
    /// Ordinary rows, then one padding row, so that the file ends exactly at `target`.
    func fill(to target: Int) {
        while bytes.count + 200 < target { addOrdinary() }
        let width = target - bytes.count - "pad,,z\n".utf8.count
        precondition(width >= 0)
        let padding = String(repeating: "p", count: width)
        add("pad,\(padding),z\n", ["pad", padding, "z"], lines: 1)
    }

    add("id,name,date\n", ["id", "name", "date"], lines: 1)
    // 1: the LF inside a quoted field is the last byte of the first chunk.
    fill(to: chunk - "q1,\"multi".utf8.count - 1)
    add("q1,\"multi\nline\",x\n", ["q1", "multi\nline", "x"], lines: 2)
    #expect(bytes[chunk - 1] == 0x0A)
    // 2: a CRLF line end split between chunks.
    fill(to: 2 * chunk - "crlf,row,here\r".utf8.count)
    add("crlf,row,here\r\n", ["crlf", "row", "here"], lines: 1)
    #expect(bytes[2 * chunk - 1] == 0x0D && bytes[2 * chunk] == 0x0A)
    // 3: a CRLF inside quotes split between chunks.
    fill(to: 3 * chunk - "q3,\"a\r".utf8.count)
    add("q3,\"a\r\nb\",c\n", ["q3", "a\r\nb", "c"], lines: 2)
    // 4: a malformed record whose line straddles the boundary; the stray quote is in chunk 5.
    fill(to: 4 * chunk - 4)
    problems.append(CSVProblem(line: line, column: 7, message: "unexpected quote inside an unquoted field"))
    add("bad,ab\"c,d\n", nil, lines: 1)
    // 5: a lone CR as the last byte of a chunk.
    fill(to: 5 * chunk - "lone,cr,end\r".utf8.count)
    add("lone,cr,end\r", ["lone", "cr", "end"], lines: 1)
    add("after,lone,cr\n", ["after", "lone", "cr"], lines: 1)
    while expected.count < 50_005 { addOrdinary() }
    #expect(bytes.count > 5 * chunk)

    let result = try readAll(bytes)
    #expect(result.problems == problems)
    #expect(result.rows.count == expected.count)
    #expect(result.rows.last?.line == line - 1)
    #expect(result.rows.last == expected.last)
    #expect(result.rows == expected)
}

/// Every chunk size, down to one byte, puts a boundary at every position of this input.
@Test func everyChunkSizeGivesTheSameRowsAndProblems() throws {
    let text = "\u{FEFF}\"id\";\"note\";n\r\n1; a ;\"x;\"\"y\"\"\r\nz\"\r\n\r\n2;\"p\"q;3\r4;b\"c;5\n"
        + "5;\"multi\r\n\r\nline\" ;6\n\n6;  last  ;\"open\nnever closed"
    let reference = try readAll(text)
    #expect(reference.delimiter == UInt8(ascii: ";"))
    #expect(reference.rows == [
        ReadRow(1, ["id", "note", "n"]),
        ReadRow(2, ["1", "a", "x;\"y\"\r\nz"]),
        ReadRow(7, ["5", "multi\r\n\r\nline", "6"]),
    ])
    #expect(reference.problems == [
        CSVProblem(line: 5, column: 6, message: "text after a closing quote"),
        CSVProblem(line: 6, column: 4, message: "unexpected quote inside an unquoted field"),
        CSVProblem(line: 11, column: 12, message: "a quoted field opened on line 11 is never closed, "
                   + "so it runs to the end of the file (lines 11 to 12 are one record)"),
    ])
    for size in [1, 2, 3, 4, 5, 7, 11, 16, 64] {
        let result = try readAll(text, chunkSize: size)
        #expect(result.rows == reference.rows, "chunk size \(size)")
        #expect(result.problems == reference.problems, "chunk size \(size)")
    }
}

// MARK: - Errors

@Test func aMissingFileCannotBeOpened() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("missing-\(UUID().uuidString).csv").path
    #expect(throws: InputError.cannotOpen(path: path, reason: "No such file or directory")) {
        try CSVReader(path: path)
    }
    #expect(InputError.cannotOpen(path: "requests.csv", reason: "No such file or directory").description
        == "cannot open requests.csv: No such file or directory — check the path")
}

@Test func aDirectoryIsRejected() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("csvdir-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
    defer { try? FileManager.default.removeItem(at: url) }
    #expect(throws: InputError.isDirectory(path: url.path)) {
        try CSVReader(path: url.path)
    }
    #expect(InputError.isDirectory(path: "in").description.contains("cannot read in: it is a directory"))
}

@Test func anErrorThrownByOnRowStopsReadingAndPropagates() throws {
    try withTemporaryFile(Array("a\n1\n2\n3\n".utf8)) { path in
        let reader = try CSVReader(path: path)
        var seen: [Int] = []
        #expect(throws: StopReading()) {
            try reader.read(
                onRow: { row in
                    seen.append(row.line)
                    if row.line == 2 { throw StopReading() }
                },
                onProblem: { _ in })
        }
        #expect(seen == [1, 2])
    }
}

@Test func anErrorThrownByOnProblemStopsReadingAndPropagates() throws {
    try withTemporaryFile(Array("a,b\n1,x\"y\n2,z\n".utf8)) { path in
        let reader = try CSVReader(path: path)
        var seen: [Int] = []
        #expect(throws: StopReading()) {
            try reader.read(onRow: { seen.append($0.line) }, onProblem: { _ in throw StopReading() })
        }
        #expect(seen == [1])
    }
}
