import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

/// Every input with which `make fuzz` found a problem, kept in Fixtures/fuzz/ exactly as
/// libFuzzer wrote it (minimised), and run the way its target runs it.
@Suite struct FuzzRegressionTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        let path = Repo.root + "/Tests/EHCPTimelinessTests/Fixtures/fuzz/" + name
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// What one read gave: rows, problems, or the error that stopped it.
    struct Outcome: Equatable {
        var rows: [[String]] = []
        var problems: [CSVProblem] = []
        var error: String?
    }

    /// Reads a csv-reader fuzz input as Fuzz/Sources/fuzz-csv-reader does: byte 0 is the
    /// mode (delimiter, encoding), byte 1 the small chunk size, the rest the file.
    static func readCSVInput(_ input: [UInt8], chunkSize: Int? = nil) throws -> Outcome {
        let mode = input[0]
        let delimiter: UInt8? = [nil, UInt8(ascii: ","), UInt8(ascii: ";"), 0x09][Int(mode & 3)]
        let encoding: TextEncoding = [.auto, .utf8, .windows1252][Int(mode >> 2) % 3]
        let folder = try TemporaryFolder()
        let path = folder.path + "/input.csv"
        FileManager.default.createFile(atPath: path, contents: Data(input.dropFirst(2)))
        var outcome = Outcome()
        do {
            let reader = try CSVReader(path: path, delimiter: delimiter, encoding: encoding)
            if let chunkSize { reader.chunkSize = chunkSize }
            try reader.read(onRow: { row in outcome.rows.append((0..<row.count).map { row.string($0) }) },
                            onProblem: { outcome.problems.append($0) })
        } catch {
            outcome.error = "\(error)".replacingOccurrences(of: path, with: "<input>")
        }
        return outcome
    }

    /// Found by fuzz-csv-reader: in a file read as Windows-1252 (auto-detected), a UTF-8
    /// sequence cut by the end of a read chunk was not recognised, so the file was read
    /// to the end as Windows-1252 (mojibake) instead of stopping as a mix of encodings.
    /// Input: auto encoding, 4-byte chunks, the bytes BB BF EF BB BF (EF BB BF across a cut).
    @Test func utf8AcrossAChunkBoundaryInAWindows1252FileIsStillAMix() throws {
        let input = try Self.fixture("csv-reader-utf8-across-chunks")
        let whole = try Self.readCSVInput(input)
        #expect(whole.error?.contains("holds UTF-8 text, but earlier lines are Windows-1252") == true, "\(whole)")
        for size in 1...8 {
            #expect(try Self.readCSVInput(input, chunkSize: size) == whole, "chunk size \(size)")
        }
    }

    /// The same bug through the real tool: the only UTF-8 character after a Windows-1252
    /// byte sits across the 256 KiB boundary of the reader's chunks.
    @Test func theToolStopsOnAMixWhereverTheUTF8Falls() throws {
        let folder = try TemporaryFolder()
        var bytes = Array("case_id,request_date,team\nA1,2025-01-06,Caf".utf8) + [0xE9] + Array("\n".utf8)
        let boundary = CSVReader.defaultChunkSize
        while bytes.count < boundary - 40 {
            bytes += Array("A\(bytes.count),2025-01-06,North\n".utf8)
        }
        bytes += Array("B1,2025-01-06,".utf8)
        bytes += Array(repeating: UInt8(ascii: "x"), count: boundary - 1 - bytes.count)
        bytes += Array("–\n".utf8)  // E2 80 93: E2 is the last byte of the first chunk
        #expect(bytes[boundary - 1] == 0xE2)
        FileManager.default.createFile(atPath: folder.path + "/r.csv", contents: Data(bytes))
        let run = try CLI.run(["analyse", "--requests", "r.csv", "--as-at", "2025-06-30", "--out", "out"], in: folder.path)
        #expect(run.status == 2, "\(run.stdout)")
        #expect(run.stderr.contains("the file mixes encodings"), "\(run.stderr)")
        #expect(!folder.exists("out"))
    }

    /// Found by fuzz-csv-reader in the first version of the NUL-byte check (91f393e): a
    /// line with a stray quote and, after it, a NUL reported the NUL when the line came in
    /// one piece but the quote when a chunk ended between them. The first problem wins.
    /// Input: semicolon, auto encoding, 4-byte chunks, the bytes `c"` FF 00.
    @Test func theFirstProblemInALineIsReportedWhereverTheChunksEnd() throws {
        let input = try Self.fixture("csv-reader-quote-before-nul")
        let whole = try Self.readCSVInput(input)
        #expect(whole.problems == [CSVProblem(line: 1, column: 2, message: "unexpected quote inside an unquoted field")])
        for size in 1...8 {
            #expect(try Self.readCSVInput(input, chunkSize: size) == whole, "chunk size \(size)")
        }
    }

    /// Found by fuzz-csv-reader: when a chunk ended just after a quote inside a quoted
    /// field and the next chunk began with the quote that doubles it, where the field
    /// opened was never recorded, so the unterminated quote was reported at "line 0,
    /// column 0". Input: comma, auto encoding (read as Windows-1252), 4-byte chunks, the
    /// bytes `"` FF `""`.
    @Test func anUnterminatedQuoteIsPlacedWhereverTheChunksEnd() throws {
        let input = try Self.fixture("csv-reader-quote-closed-at-chunk-end")
        let whole = try Self.readCSVInput(input)
        #expect(whole.problems == [CSVProblem(line: 1, column: 1, message: "a quoted field opened on line 1 is never closed")])
        for size in 1...8 {
            #expect(try Self.readCSVInput(input, chunkSize: size) == whole, "chunk size \(size)")
        }
    }

    /// Found by fuzz-csv-reader in the fix above (d822da4): a piece that began just after
    /// a quote was no longer searched for an opening quote, so in `""""` then `;"` cut
    /// after the fourth quote, the unterminated second field was placed at the first
    /// field's quote (column 1, not 6). Input: semicolon (detected), auto encoding, 4-byte chunks.
    @Test func anUnterminatedQuoteAfterAClosedQuotedFieldIsPlacedAtItsOwnQuote() throws {
        let input = try Self.fixture("csv-reader-quote-after-a-closed-field")
        let whole = try Self.readCSVInput(input)
        #expect(whole.problems == [CSVProblem(line: 1, column: 6, message: "a quoted field opened on line 1 is never closed")])
        for size in 1...8 {
            #expect(try Self.readCSVInput(input, chunkSize: size) == whole, "chunk size \(size)")
        }
    }

    /// Found by fuzz-profile: a table header with no name after its bracket (`[#`) made the
    /// toml++ 3.4.0 inside TOMLKit fail an assertion and abort the whole tool (SIGABRT, no
    /// message). The loader now refuses such headers before TOMLKit sees them.
    @Test func aTableHeaderWithoutANameIsASyntaxErrorNotAnAbort() throws {
        let input = try Self.fixture("profile-table-header-without-a-name")
        #expect(input == Array("[#".utf8))
        let variants = [String(decoding: input, as: UTF8.self), "[#sv]\n", "[=x]", "[[[1]]]", "[\n", " [ \t#x]",
                        "[[ é]]", "[columns]\r\ncase_id = \"ID\"\r\n[\r\n"]
        for text in variants {
            #expect {
                _ = try MappingProfile(toml: text, file: "p.toml")
            } throws: { error in
                "\(error)".contains("a table header needs a name after \"[\"")
            }
        }
        // Headers that are fine, or errors toml++ reports itself, still reach it.
        #expect(throws: Never.self) { _ = try MappingProfile(toml: "[ columns ]\n[ \"requests\" . columns ]\n", file: "p.toml") }
        #expect(throws: Never.self) {
            _ = try MappingProfile(toml: "[columns] # [#\nteam = \"\"\"\n[#x\"\"\"\"\n[dates]\nformats = [\n  # [#\n  'dd/MM/yyyy',\n]\n",
                                   file: "p.toml")
        }
        for text in ["[]", "[ [columns]]", "[[ ]]"] {
            #expect {
                _ = try MappingProfile(toml: text, file: "p.toml")
            } throws: { error in
                "\(error)".contains("TOML syntax error") && !"\(error)".contains("needs a name")
            }
        }
    }

    /// Found by fuzz-profile after the fix above: a `}` where an array expects a value
    /// (`l=[}`) failed another toml++ assertion (parse_value: !is_value_terminator) and
    /// aborted the tool. Refused the same way; braces inside strings and comments are not.
    @Test func aBraceWhereAListValueGoesIsASyntaxErrorNotAnAbort() throws {
        let input = try Self.fixture("profile-brace-where-a-list-value-goes")
        #expect(input == Array("l=[}".utf8))
        for text in [String(decoding: input, as: UTF8.self), "[dates]\nformats = [\"dd/MM/yyyy\", }]",
                     "formats = [ # note\n\n }", "a = [[ }]]", "a = [1, {x = 1}, }]"] {
            #expect {
                _ = try MappingProfile(toml: text, file: "p.toml")
            } throws: { error in
                "\(error)".contains("\"}\" where the list expects a value")
            }
        }
        #expect(throws: Never.self) {
            _ = try MappingProfile(toml: "[columns]\nteam = \"Team [, }\"\ncaseworker = '[}' # [}\n", file: "p.toml")
        }
    }

    /// The same profile through the real tool: a message and status 2, not a crash.
    @Test func theToolReportsTheBadHeader() throws {
        let folder = try TemporaryFolder()
        try folder.write("r.csv", "case_id,request_date\nA1,2025-01-06\n")
        try folder.write("p.toml", "[columns]\ncase_id = \"case_id\"\n[#sv]\n")
        let run = try CLI.run(["analyse", "--requests", "r.csv", "--profile", "p.toml", "--as-at", "2025-06-30", "--out", "out"],
                              in: folder.path)
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("the profile p.toml is not valid: TOML syntax error at line 3, column 2: a table header needs a name"),
                "\(run.stderr)")
        #expect(!folder.exists("out"))
    }

    /// Found by fuzz-date-parser (issue 12) after the `yyyy-mm-dd` fast path came in: a
    /// byte below "0" in a digit place made a negative digit, and `UInt(digit)` trapped.
    /// Input: selector 0 (automatic), then `99+9-52-31`. Run as the target runs it: the
    /// parse fails with a message, and the fast path and the general scan agree.
    @Test func aSignWhereADigitGoesIsAnUnrecognisedDateNotATrap() throws {
        let input = try Self.fixture("date-parser-fast-path-sign")
        #expect(input.first == 0)
        let field = Array(input.dropFirst())
        let p = field.span
        #expect(DateParser.isoDay(p) == nil)
        if case .unrecognised = Scan.automatic(p) {} else { Issue.record("the scan read \(field)") }
        #expect(DateParser.automatic.parse(p) == .failure(.unrecognised("99+9-52-31")))
        #expect(DateParseError.unrecognised("99+9-52-31").description.contains("is not a recognised date"))
    }
}
