import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

/// Hostile and broken input through the real tool: each case says its exit status and
/// message. A run that stops (status 2) leaves no output folder, nor a temporary one
/// beside it; a run that finishes prints a reconciliation line that adds up.
///
/// Small inputs are committed in Fixtures/hostile/ (byte for byte: see its .gitattributes);
/// the big ones (a 10 MB field, a 1 MB line of commas, 100,000 columns) are made here.
@Suite struct HostileInputTests {
    static let fixtures = Repo.root + "/Tests/EHCPTimelinessTests/Fixtures/hostile/"

    /// A temporary folder holding a copy of the named fixtures.
    static func folder(with fixtures: String...) throws -> TemporaryFolder {
        let folder = try TemporaryFolder()
        for name in fixtures {
            try FileManager.default.copyItem(atPath: Self.fixtures + name, toPath: folder.path + "/" + name)
        }
        return folder
    }

    static func analyse(_ arguments: [String], in folder: TemporaryFolder, out: String = "out") throws -> CLIRun {
        try CLI.run(["analyse", "--as-at", "2025-06-30", "--out", out] + arguments, in: folder.path)
    }

    /// The run stopped with status 2 and a message holding every part, and wrote nothing.
    static func expectStopped(_ run: CLIRun, in folder: TemporaryFolder, mentioning parts: [String],
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(run.status == 2, "status \(run.status): \(run.stderr)", sourceLocation: sourceLocation)
        for part in parts {
            #expect(run.stderr.contains(part), "\(run.stderr.prefix(2000))", sourceLocation: sourceLocation)
        }
        #expect(run.stdout.isEmpty, "\(run.stdout)", sourceLocation: sourceLocation)
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0 == "out" || $0.hasPrefix(".out.tmp-") }
        #expect(left.isEmpty, "left behind: \(left)", sourceLocation: sourceLocation)
    }

    /// The run finished with status 0 and `file: read rows read = analysed + rejected`, which adds up.
    static func expectReconciled(_ run: CLIRun, file: String, read: Int, analysed: Int, rejected: Int,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(run.status == 0, "status \(run.status): \(run.stderr.prefix(2000))", sourceLocation: sourceLocation)
        #expect(read == analysed + rejected, sourceLocation: sourceLocation)
        #expect(run.stdout.contains("\(file): \(read) rows read = \(analysed) analysed + \(rejected) rejected"),
                "\(run.stdout)", sourceLocation: sourceLocation)
    }

    /// data-quality.csv rows (without its header).
    static func problems(_ folder: TemporaryFolder) throws -> [[String]] {
        Array(parseCSV(try folder.read("out/data-quality.csv")).dropFirst())
    }

    // MARK: Empty and near-empty files

    @Test func emptyFileStops() throws {
        let folder = try Self.folder(with: "empty.csv")
        let run = try Self.analyse(["--requests", "empty.csv"], in: folder)
        try Self.expectStopped(run, in: folder, mentioning: ["empty.csv: the file is empty or has no header row"])
    }

    @Test func headerOnlyIsAnEmptyAnalysis() throws {
        let folder = try Self.folder(with: "header-only.csv")
        let run = try Self.analyse(["--requests", "header-only.csv"], in: folder)
        Self.expectReconciled(run, file: "header-only.csv", read: 0, analysed: 0, rejected: 0)
        #expect(run.stdout.contains("no cases to measure"))
        #expect(parseCSV(try folder.read("out/cases.csv")).count == 1)
    }

    @Test func blankLinesOnlyHaveNoHeader() throws {
        // LF, CRLF, spaces, a tab and a lone CR: all blank to libcsv.
        let folder = try Self.folder(with: "blank-lines.csv")
        let run = try Self.analyse(["--requests", "blank-lines.csv"], in: folder)
        try Self.expectStopped(run, in: folder, mentioning: ["blank-lines.csv: the file is empty or has no header row"])
    }

    // MARK: Bytes that are not CSV text

    @Test func nulInTheHeaderStopsTheRun() throws {
        // It used to be ignored by header matching ("request\0_date" read as request_date).
        let folder = try Self.folder(with: "nul-in-header.csv")
        let run = try Self.analyse(["--requests", "nul-in-header.csv"], in: folder)
        try Self.expectStopped(run, in: folder, mentioning: [
            "nul-in-header.csv: the header row (line 1, column 16) is not valid CSV: a NUL byte (0x00)", "UTF-16",
        ])
    }

    @Test func nulInFieldsRejectsThoseRowsAndNeverReachesTheOutputs() throws {
        // They used to be analysed, and the NUL written into cases.csv.
        let folder = try Self.folder(with: "nul-in-fields.csv")
        let run = try Self.analyse(["--requests", "nul-in-fields.csv", "--by", "team"], in: folder)
        Self.expectReconciled(run, file: "nul-in-fields.csv", read: 3, analysed: 1, rejected: 2)
        let problems = try Self.problems(folder)
        #expect(problems.map { $0[1] } == ["3", "4"])
        #expect(problems[0][6].contains("malformed CSV at line 3, column 2: a NUL byte (0x00)"), "\(problems[0])")
        #expect(problems[1][6].contains("malformed CSV at line 4, column 17: a NUL byte (0x00)"), "\(problems[1])")
        for name in OutputFiles.names {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: folder.path + "/out/" + name))
            #expect(!bytes.contains(0), "\(name) holds a NUL")
        }
    }

    // MARK: Structure

    @Test func mixedLineEndingsAreAllLineEnds() throws {
        // CRLF, LF, a lone CR, a blank line and no line end at the end of the file.
        let folder = try Self.folder(with: "mixed-line-endings.csv")
        let run = try Self.analyse(["--requests", "mixed-line-endings.csv"], in: folder)
        Self.expectReconciled(run, file: "mixed-line-endings.csv", read: 4, analysed: 4, rejected: 0)
        let cases = parseCSV(try folder.read("out/cases.csv")).dropFirst().filter { $0[0] == "decision-to-assess-6w" }
        #expect(cases.map { $0[1] + "@" + $0[2] } == ["A1@2", "A2@3", "A3@4", "A4@6"])
    }

    @Test func unterminatedQuoteSaysWhichLinesItSwallowed() throws {
        // CSV says the rest of the file is inside the quote; the message now says how far it ran.
        let folder = try Self.folder(with: "unterminated-quote.csv")
        let run = try Self.analyse(["--requests", "unterminated-quote.csv"], in: folder)
        Self.expectReconciled(run, file: "unterminated-quote.csv", read: 2, analysed: 1, rejected: 1)
        let problems = try Self.problems(folder)
        #expect(problems.count == 1)
        #expect(problems.first?[6] == "malformed CSV at line 3, column 15: a quoted field opened on line 3 is never closed, "
            + "so it runs to the end of the file (lines 3 to 5 are one record); the record is rejected")
    }

    @Test func malformedHeaderStopsInsteadOfReadingTheNextLineAsTheHeader() throws {
        let folder = try TemporaryFolder()
        try folder.write("r.csv", "case_id,req\"uest_date\nA1,2025-01-06\n")
        let run = try Self.analyse(["--requests", "r.csv"], in: folder)
        try Self.expectStopped(run, in: folder, mentioning: [
            "r.csv: the header row (line 1, column 12) is not valid CSV: unexpected quote inside an unquoted field",
        ])
        #expect(!run.stderr.contains("A1"), "\(run.stderr)")
    }

    // MARK: Size

    @Test func tenMegabyteField() throws {
        let folder = try TemporaryFolder()
        // Quoted, with delimiters, quotes and line ends inside, then an ordinary row.
        let chunk = String(repeating: "x", count: 1000) + ", \"\"\n"
        let big = String(repeating: chunk, count: 10 * 1024 * 1024 / chunk.utf8.count + 1)
        try folder.write("r.csv", "case_id,request_date,notes\nA1,2025-01-06,\"" + big + "\"\nA2,2025-01-07,short\n")
        let run = try Self.analyse(["--requests", "r.csv"], in: folder)
        Self.expectReconciled(run, file: "r.csv", read: 2, analysed: 2, rejected: 0)
        let lines = big.utf8.filter { $0 == 0x0A }.count
        let cases = parseCSV(try folder.read("out/cases.csv")).dropFirst()
        #expect(cases.first { $0[1] == "A2" }?[2] == String(3 + lines))
    }

    @Test func oneMegabyteLineOfCommas() throws {
        let folder = try TemporaryFolder()
        let commas = String(repeating: ",", count: 1 << 20)
        // Trailing empty cells are harmless; a line of commas alone has no case_id.
        try folder.write("r.csv", "case_id,request_date\nA1,2025-01-06" + commas + "\n" + commas + "\nA2,2025-01-07\n")
        let run = try Self.analyse(["--requests", "r.csv"], in: folder)
        Self.expectReconciled(run, file: "r.csv", read: 3, analysed: 2, rejected: 1)
        let problems = try Self.problems(folder)
        #expect(problems.map { $0[1] } == ["3", "3"])
        #expect(problems.map { $0[6] } == ["case_id is blank; every row needs the id of its case",
                                           "request_date is blank; it is required"])
    }

    @Test func oneHundredThousandColumns() throws {
        // The list of available --by columns used to compare every name with every other:
        // quadratic, billions of name comparisons for this header.
        let folder = try TemporaryFolder()
        let extra = (3...100_000).map { "c\($0)" }
        try folder.write("r.csv", (["case_id", "request_date"] + extra).joined(separator: ",") + "\n"
            + (["A1", "2025-01-06"] + extra.map { "v" + $0.dropFirst() }).joined(separator: ",") + "\n")
        let started = ContinuousClock.now
        let run = try Self.analyse(["--requests", "r.csv", "--by", "c100000"], in: folder)
        #expect(ContinuousClock.now - started < .seconds(15))
        Self.expectReconciled(run, file: "r.csv", read: 1, analysed: 1, rejected: 0)
        let cases = parseCSV(try folder.read("out/cases.csv"))
        #expect(cases[0].last == "c100000")
        #expect(cases[1].last == "v100000")

        // Without a required column, the message lists a readable part of the header.
        let folder2 = try TemporaryFolder()
        try folder2.write("s.csv", (["case_id"] + extra).joined(separator: ",") + "\nA1\n")
        let missing = try Self.analyse(["--requests", "s.csv"], in: folder2)
        try Self.expectStopped(missing, in: folder2, mentioning: [
            "s.csv: a requests extract needs the column request_date", "c21, … (99999 columns in all)",
        ])
        #expect(missing.stderr.utf8.count < 1000)
    }

    // MARK: Headers and profiles

    @Test func twoHeadersForOneCanonicalFieldStop() throws {
        let folder = try Self.folder(with: "duplicate-request-date.csv")
        let run = try Self.analyse(["--requests", "duplicate-request-date.csv"], in: folder)
        try Self.expectStopped(run, in: folder, mentioning: [
            "duplicate-request-date.csv: the columns \"request_date\" and \"Request Date\" both mean request_date",
            "Remove or rename one of them in the export",
        ])
    }

    @Test func twoIdenticalOtherColumnsAreKeptButByMustNameOne() throws {
        let folder = try Self.folder(with: "duplicate-notes.csv")
        let kept = try Self.analyse(["--requests", "duplicate-notes.csv"], in: folder)
        Self.expectReconciled(kept, file: "duplicate-notes.csv", read: 1, analysed: 1, rejected: 0)

        // It used to take the first "notes" silently.
        let folder2 = try Self.folder(with: "duplicate-notes.csv")
        let by = try Self.analyse(["--requests", "duplicate-notes.csv", "--by", "notes"], in: folder2)
        try Self.expectStopped(by, in: folder2, mentioning: [
            "--by notes: duplicate-notes.csv has 2 columns of that name (\"notes\" in column 3, \"notes\" in column 4)",
            "Rename one of them in the export",
        ])
    }

    @Test func profileMappingTwoFieldsToOneHeaderStops() throws {
        let folder = try Self.folder(with: "two-fields-one-header.toml", "mapped.csv")
        let run = try Self.analyse(["--requests", "mapped.csv", "--profile", "two-fields-one-header.toml"], in: folder)
        try Self.expectStopped(run, in: folder, mentioning: [
            "the profile two-fields-one-header.toml is not valid: [columns] maps both case_id and person_id to the header \"id\"",
        ])
    }

    @Test func profileWithANulByteStops() throws {
        // TOMLKit reads the text as a C string: everything after the NUL (here the date
        // formats) used to be dropped without a word.
        let folder = try Self.folder(with: "mapped.csv")
        try folder.write("nul.toml", "[columns]\ncase_id = \"ID\"\n\u{0}\n[dates]\nformats = [\"dd/MM/yyyy\"]\n")
        let run = try Self.analyse(["--requests", "mapped.csv", "--profile", "nul.toml"], in: folder)
        try Self.expectStopped(run, in: folder, mentioning: [
            "the profile nul.toml is not valid: TOML syntax error at line 3, column 1: a NUL byte (0x00)",
        ])
    }

    // MARK: Dates

    /// A placeholder in a required date rejects the row; in an optional one it is read as
    /// blank and costs the case the measures that need it.
    @Test func placeholderDatesRejectTheirRowsOrBlankTheirField() throws {
        let folder = try Self.folder(with: "placeholder-dates.csv")
        let run = try Self.analyse(["--requests", "placeholder-dates.csv"], in: folder)
        Self.expectReconciled(run, file: "placeholder-dates.csv", read: 4, analysed: 2, rejected: 2)
        let problems = try Self.problems(folder)
        #expect(problems.map { $0[1] + " " + $0[3] + " " + $0[4] } == [
            "2 request_date 00/00/0000", "3 request_date 9999-12-31", "4 final_plan_date 9999-12-31",
        ])
        #expect(problems[0][6].contains("year 0000 is a placeholder for \"no date\""), "\(problems[0])")
        #expect(problems[1][6].contains("year 9999 is a placeholder for \"no date\""), "\(problems[1])")
        #expect(problems[2][6].contains("leave the cell blank when there is no date"), "\(problems[2])")
    }

    // MARK: Files that cannot be read, folders that cannot be written

    @Test func directoryGivenAsAFile() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(atPath: folder.path + "/requests.csv", withIntermediateDirectories: false)
        let run = try Self.analyse(["--requests", "requests.csv"], in: folder)
        try Self.expectStopped(run, in: folder, mentioning: ["requests.csv: it is a directory, not a CSV file"])
    }

    @Test func unreadableFiles() throws {
        // The tests run as root, for whom permission bits do not stop reading (chmod 000
        // proves nothing), and a FIFO with no writer would block rather than fail. These
        // fail for root too: a path through a regular file fails at open(2) with ENOTDIR,
        // and /proc/self/mem opens but read(2) at offset 0 fails with EIO.
        let folder = try Self.folder(with: "header-only.csv")
        let through = try Self.analyse(["--requests", "header-only.csv/x.csv"], in: folder)
        try Self.expectStopped(through, in: folder, mentioning: ["cannot open header-only.csv/x.csv: Not a directory"])

        for extra in [[], ["--delimiter", "comma"]] {  // detecting the delimiter reads too
            let mem = try Self.analyse(["--requests", "/proc/self/mem"] + extra, in: folder)
            try Self.expectStopped(mem, in: folder, mentioning: ["cannot read /proc/self/mem: Input/output error"])
        }
    }

    @Test func outputFolderOnAReadOnlyPath() throws {
        // Root can write into chmod-ed folders; /proc and /sys refuse even root.
        let folder = try Self.folder(with: "header-only.csv")
        for out in ["/proc/ehcp-hostile-out", "/sys/ehcp-hostile-out"] {
            let run = try Self.analyse(["--requests", "header-only.csv"], in: folder, out: out)
            #expect(run.status == 2, "\(out): \(run.stderr)")
            // The message names the folder asked for (it used to name a hidden temporary one).
            #expect(run.stderr.contains("cannot write \(out): cannot create a folder in /"), "\(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["header-only.csv"])
        }
    }

    /// Cells are copied in runs between quotes: each quote must still be doubled, and a
    /// formula-like start still prefixed, wherever they fall in the cell.
    @Test(arguments: [
        ("plain text", "plain text"),
        ("", ""),
        ("\"", "\"\"\"\""),
        ("a \"quoted\" word", "\"a \"\"quoted\"\" word\""),
        ("\"\"", "\"\"\"\"\"\""),
        ("ends with a quote\"", "\"ends with a quote\"\"\""),
        ("a, b", "\"a, b\""),
        ("=SUM(A1)", "'=SUM(A1)"),
        ("=\"x\",1", "\"'=\"\"x\"\",1\""),
        ("-12", "-12"),
        ("line\nbreak", "\"line\nbreak\""),
        ("café \"ü\"", "\"café \"\"ü\"\"\""),
    ])
    func aCellIsQuotedWithEachQuoteDoubledAndAFormulaNeutralised(cell: String, written: String) {
        #expect(CSVWriter.escape(cell) == written)
    }
}
