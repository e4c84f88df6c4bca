import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
import EHCPBindings

/// A workbook as an independent reader sees it: Python's openpyxl (Debian python3-openpyxl,
/// which `make test` installs), never our own writer's idea of what it wrote.
struct ReadWorkbook: Decodable {
    struct Sheet: Decodable {
        /// Every row's cells as text: dates yyyy-mm-dd, whole numbers without a decimal point.
        let rows: [[String]]
        /// Per cell: "d" date, "n" number, "s" string, "" empty.
        let types: [[String]]
        let maxRow: Int
        let freeze: String?
        let filter: String?
        /// Column letter to width (characters).
        let widths: [String: Double]
        /// Per row: the first cell's fill colour (ARGB), "" for none.
        let fills: [String]
    }
    let sheetNames: [String]
    let sheets: [String: Sheet]

    static let script = #"""
import json, sys, datetime
import openpyxl
from openpyxl.utils import get_column_letter
wb = openpyxl.load_workbook(sys.argv[1])
out = {"sheetNames": wb.sheetnames, "sheets": {}}
for ws in wb.worksheets:
    rows, types, fills = [], [], []
    for row in ws.iter_rows():
        r, t = [], []
        for c in row:
            v = c.value
            if v is None: r.append(""); t.append("")
            elif c.is_date: r.append(v.date().isoformat()); t.append("d")
            elif isinstance(v, str): r.append(v); t.append("s" if c.data_type in ("s", "inlineStr") else c.data_type)
            elif isinstance(v, (int, float)): r.append(str(int(v)) if float(v).is_integer() else repr(v)); t.append("n")
            else: r.append(str(v)); t.append("?")
        rows.append(r); types.append(t)
        fill = row[0].fill
        fills.append(fill.fgColor.rgb if fill is not None and fill.fill_type == "solid" else "")
    widths = {get_column_letter(i): (ws.column_dimensions[get_column_letter(i)].width or 0) for i in range(1, ws.max_column + 1)}
    out["sheets"][ws.title] = {"rows": rows, "types": types, "maxRow": ws.max_row, "freeze": ws.freeze_panes,
                               "filter": ws.auto_filter.ref, "widths": widths, "fills": fills}
print(json.dumps(out))
"""#

    /// Reads `path` with openpyxl, from /usr/bin/python3 (Debian's, where python3-openpyxl
    /// goes) or the python3 on PATH.
    static func read(_ path: String) throws -> ReadWorkbook {
        var failures: [String] = []
        for python in ["/usr/bin/python3", "/usr/local/bin/python3", "python3"] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python.hasPrefix("/") ? python : "/usr/bin/env")
            process.arguments = (python.hasPrefix("/") ? [] : [python]) + ["-c", script, path]
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            guard (try? process.run()) != nil else { continue }
            let data = out.fileHandleForReading.readDataToEndOfFile()
            let errors = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            if process.terminationStatus == 0 { return try JSONDecoder().decode(ReadWorkbook.self, from: data) }
            failures.append(python + ": " + String(decoding: errors, as: UTF8.self).suffix(300))
        }
        throw ReaderMissing(detail: failures.joined(separator: "\n"))
    }

    struct ReaderMissing: Error, CustomStringConvertible {
        let detail: String
        var description: String { "no python3 with openpyxl could read the workbook (make test installs python3-openpyxl):\n" + detail }
    }
}

/// exceptions.csv's cells as they were before the CSV writer made them safe for Excel (a
/// leading `'` before `=`, `+`, `-`, `@`, tab or carriage return): what a workbook's string cell holds.
private func unneutralised(_ rows: [[String]]) -> [[String]] {
    rows.map { row in
        row.map { cell in
            guard cell.hasPrefix("'"), let next = cell.dropFirst().first, "=+-@\t\r".contains(next) else { return cell }
            return String(cell.dropFirst())
        }
    }
}

@Suite struct WorkbookTests {
    static let asAt = "2025-06-30"
    static let header = "case_id,request_date,assessment_decision_date,assessment_decision,final_plan_date,exception_reason,team,caseworker,primary_need\n"
    /// On 2025-06-30: overdue and due-soon cases in teams whose names would be formulas in a
    /// spreadsheet, a team spelt twice with different case, a blank team, a complete case and a
    /// rejected row (not checked, its team East).
    static let extract = header + """
        A1,2025-01-06,2025-02-17,assess,,,North,Ann,ASD
        A2,2025-05-26,,,,,North,Bob,SEMH
        A4,2025-05-27,,,,,north,Bob,SEMH
        B1,2025-05-01,,,,,"=HYPERLINK(""http://x"",""y"")",Bob,MLD
        B2,2025-01-13,2025-02-20,assess,,personal_circumstances,+44 Team,Cy,ASD
        B3,2025-05-02,,,,,-North,Cy,ASD
        B4,2025-05-03,,,,,@SUM(A1),Cy,ASD
        U1,2025-05-04,,,,,,Dee,ASD
        C1,2024-01-08,2024-02-01,assess,2024-05-01,,East,Dee,SLCN
        X9,31/02/2025,,,,,East,Dee,ASD

        """

    func analyse(_ folder: TemporaryFolder, out: String, _ extra: [String] = []) throws -> CLIRun {
        try CLI.run(["analyse", "--requests", "requests.csv", "--as-at", Self.asAt, "--by", "team", "--out", out] + extra,
                    in: folder.path)
    }

    func split(_ folder: TemporaryFolder, out: String, _ extra: [String] = [], extract: String = "requests.csv") throws -> CLIRun {
        try CLI.run(["exceptions", "--requests", extract, "--as-at", Self.asAt, "--by", "team", "--split-by", "team",
                     "--out", out] + extra, in: folder.path)
    }

    @Test func theWorkbookHoldsTheActionListSummaryDataQualityAndSettingsAsAnIndependentReaderSeesThem() throws {
        let folder = try TemporaryFolder()
        try folder.write("requests.csv", Self.extract)
        let run = try analyse(folder, out: "o", ["--xlsx"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("report.md, ehcp-timeliness.xlsx"), "the console names the workbook: \(run.stdout)")
        let book = try ReadWorkbook.read(folder.path + "/o/" + Workbook.fileName)
        #expect(book.sheetNames == ["Action list", "Summary", "Data quality", "Settings"])

        // The action list: exceptions.csv's rows exactly, cell for cell, each text the raw value.
        let list = try #require(book.sheets["Action list"])
        let csv = unneutralised(parseCSV(try folder.read("o/exceptions.csv")))
        #expect(list.maxRow == csv.count)
        #expect(list.rows == csv)
        let header = csv[0]
        let due = try #require(header.firstIndex(of: "due_date")), days = try #require(header.firstIndex(of: "days_from_due"))
        let status = try #require(header.firstIndex(of: "status")), team = try #require(header.firstIndex(of: "team"))
        for (i, row) in list.rows.enumerated().dropFirst() where row[status] != OutputFiles.notChecked {
            #expect(list.types[i][due] == "d", "row \(i + 1): the due date is a date, not text")
            #expect(list.types[i][days] == "n", "row \(i + 1): days_from_due is a number")
            #expect(list.fills[i] == (row[status] == "open_overdue" ? "FFFFC7CE" : ""), "row \(i + 1): only overdue rows are shaded")
        }
        // Text that a spreadsheet would run is kept as a string cell, never a formula.
        for name in ["=HYPERLINK(\"http://x\",\"y\")", "+44 Team", "-North", "@SUM(A1)"] {
            let row = try #require(list.rows.firstIndex { $0[team] == name }, "\(name) is in the list as itself")
            #expect(list.types[row][team] == "s", "\(name) is a string cell")
        }
        // The not-checked row (X9) is there with its blank due date.
        #expect(list.rows.contains { $0[1] == "X9" && $0[status] == OutputFiles.notChecked && $0[due] == "" })
        #expect(list.freeze == "A2")
        #expect(list.filter == "A1:\(columnLetter(header.count))\(csv.count)")
        // Widths fit: every column at least as wide as its widest cell.
        for (c, name) in header.enumerated() {
            let widest = list.rows.map { $0[c].count }.max() ?? 0
            let width = try #require(list.widths[columnLetter(c + 1)], "\(name) has a width")
            #expect(width >= Double(widest), "\(name): width \(width) < \(widest)")
        }

        // The summary and data quality: their CSVs' rows, numbers as numbers.
        let summary = try #require(book.sheets["Summary"])
        let summaryCSV = unneutralised(parseCSV(try folder.read("o/summary.csv")))
        #expect(summary.rows.count == summaryCSV.count)
        // Counts and rates are numbers (100.0 in the CSV reads back as 100), the rest the same text.
        for (i, (sheetRow, csvRow)) in zip(summary.rows, summaryCSV).enumerated() {
            #expect(sheetRow.count == csvRow.count)
            for (c, (a, b)) in zip(sheetRow, csvRow).enumerated() where a != b {
                #expect(summary.types[i][c] == "n" && Double(a) == Double(b), "Summary row \(i + 1) column \(c + 1): \(a) vs \(b)")
            }
        }
        let cases = try #require(summaryCSV[0].firstIndex(of: "cases"))
        #expect(summary.types.dropFirst().allSatisfy { $0[cases] == "n" })
        let quality = try #require(book.sheets["Data quality"])
        let qualityCSV = unneutralised(parseCSV(try folder.read("o/data-quality.csv")))
        #expect(quality.rows == qualityCSV)
        #expect(quality.rows.count > 1)
        for sheet in [summary, quality] { #expect(sheet.freeze == "A2"); #expect(sheet.filter != nil) }

        // Settings: the as-at date as a date, and each input's hash as summary.json has it.
        let settings = try #require(book.sheets["Settings"])
        #expect(settings.rows[0] == ["setting", "value"])
        let asAtRow = try #require(settings.rows.firstIndex { $0[0] == "as_at" })
        #expect(settings.rows[asAtRow][1] == Self.asAt)
        #expect(settings.types[asAtRow][1] == "d")
        let json = try folder.read("o/summary.json")
        let hash = try #require(settings.rows.first { $0[0] == "input.requests.sha256" })[1]
        #expect(hash.count == 64 && json.contains("\"\(hash)\""), "\(hash)")
        #expect(settings.rows.contains(["by", "team"]))
        #expect(settings.rows.contains(["input.requests.file", "requests.csv"]))
    }

    @Test func theSameInputsGiveTheSameWorkbookBytes() throws {
        let folder = try TemporaryFolder()
        try folder.write("requests.csv", Self.extract)
        #expect(try analyse(folder, out: "a", ["--xlsx"]).status == 0)
        // A second later: a creation time taken from the clock would differ.
        Thread.sleep(forTimeInterval: 1.1)
        #expect(try analyse(folder, out: "b", ["--xlsx"]).status == 0)
        let a = try Data(contentsOf: URL(fileURLWithPath: folder.path + "/a/" + Workbook.fileName))
        let b = try Data(contentsOf: URL(fileURLWithPath: folder.path + "/b/" + Workbook.fileName))
        #expect(a.count > 1000)
        #expect(a == b, "two runs gave different workbooks")
    }

    @Test func withoutXlsxNoWorkbookIsWrittenAndTheOtherFilesAreTheSame() throws {
        let folder = try TemporaryFolder()
        try folder.write("requests.csv", Self.extract)
        #expect(try analyse(folder, out: "plain").status == 0)
        #expect(try analyse(folder, out: "book", ["--xlsx"]).status == 0)
        #expect(!folder.exists("plain/" + Workbook.fileName))
        for name in OutputFiles.names { #expect(try folder.read("plain/" + name) == folder.read("book/" + name), "\(name)") }
        // A later run without --xlsx into the same folder leaves no stale workbook beside its
        // newer CSVs (other files, a note, are kept as before).
        try folder.write("book/note.txt", "mine")
        #expect(try analyse(folder, out: "book").status == 0)
        #expect(!folder.exists("book/" + Workbook.fileName))
        #expect(try folder.read("book/note.txt") == "mine")
    }

    @Test func theSplitListsTogetherAreExactlyTheActionList() throws {
        let folder = try TemporaryFolder()
        try folder.write("requests.csv", Self.extract)
        let run = try split(folder, out: "lists")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.isEmpty && run.stderr.isEmpty, "quiet as exceptions: \(run.stdout)\(run.stderr)")
        let whole = try CLI.run(["exceptions", "--requests", "requests.csv", "--as-at", Self.asAt, "--by", "team", "--format", "csv"],
                                in: folder.path)
        let expected = parseCSV(whole.stdout)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path + "/lists").sorted()
        #expect(names == ["team-North.csv", "team-_44_Team.csv", "team-_HYPERLINK_http_x_y_.csv", "team--North.csv",
                          "team-_SUM_A1_.csv", "team-unassigned.csv", "team-East.csv", "team-north-2.csv"].sorted(), "\(names)")
        var union: [[String]] = []
        let teamColumn = try #require(expected[0].firstIndex(of: "team"))
        for name in names {
            let rows = parseCSV(try folder.read("lists/" + name))
            #expect(rows[0] == expected[0], "\(name) has exceptions.csv's columns in its order")
            #expect(rows.count > 1, "\(name) is not empty")
            // One value per file.
            #expect(Set(rows.dropFirst().map { $0[teamColumn] }).count == 1, "\(name)")
            union += rows.dropFirst()
        }
        func sorted(_ rows: [[String]]) -> [[String]] { rows.sorted { $0.joined(separator: "\u{1}") < $1.joined(separator: "\u{1}") } }
        #expect(sorted(union) == sorted(Array(expected.dropFirst())))
        #expect(parseCSV(try folder.read("lists/team-unassigned.csv")).dropFirst().map { $0[1] } == ["U1"])
        // The CSV lists stay safe for Excel, as exceptions.csv is.
        #expect(try folder.read("lists/team-_HYPERLINK_http_x_y_.csv").contains("'=HYPERLINK"))
        // Each list keeps exceptions.csv's order.
        let north = parseCSV(try folder.read("lists/team-North.csv")).dropFirst().map { $0[1] }
        #expect(north == expected.dropFirst().filter { $0[teamColumn] == "North" }.map { $0[1] })
    }

    @Test func splitWorkbooksHoldTheSameRowsAsTheSplitCSVs() throws {
        let folder = try TemporaryFolder()
        try folder.write("requests.csv", Self.extract)
        #expect(try split(folder, out: "csv").status == 0)
        let run = try split(folder, out: "xlsx", ["--xlsx"])
        #expect(run.status == 0, "\(run.stderr)")
        let csvNames = try FileManager.default.contentsOfDirectory(atPath: folder.path + "/csv").sorted()
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path + "/xlsx").sorted()
        #expect(names == csvNames.map { $0.replacingOccurrences(of: ".csv", with: ".xlsx") })
        for name in csvNames {
            let book = try ReadWorkbook.read(folder.path + "/xlsx/" + name.replacingOccurrences(of: ".csv", with: ".xlsx"))
            #expect(book.sheetNames == ["Action list"])
            let sheet = try #require(book.sheets["Action list"])
            #expect(sheet.rows == unneutralised(parseCSV(try folder.read("csv/" + name))), "\(name)")
            #expect(sheet.freeze == "A2")
        }
    }

    @Test func aSplitFolderHoldingOtherFilesIsRefusedAndAnEarlierSplitIsReplacedWhole() throws {
        let folder = try TemporaryFolder()
        try folder.write("requests.csv", Self.extract)
        try FileManager.default.createDirectory(atPath: folder.path + "/mixed", withIntermediateDirectories: true)
        try folder.write("mixed/notes.txt", "keep me")
        let refused = try split(folder, out: "mixed")
        #expect(refused.status == ExitStatus.fatal.rawValue)
        #expect(refused.stderr.contains("notes.txt") && refused.stderr.contains("Nothing was written"), "\(refused.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/mixed") == ["notes.txt"])

        // Last week's split had a team that has no case this week: its file goes.
        #expect(try split(folder, out: "lists").status == 0)
        try folder.write("lists/team-Gone.csv", "measure,case_id\n")
        try folder.write("fewer.csv", Self.header + "A1,2025-01-06,2025-02-17,assess,,,North,Ann,ASD\n")
        #expect(try split(folder, out: "lists", extract: "fewer.csv").status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/lists") == ["team-North.csv"])
    }

    @Test func splitErrorsAreClearAndUseTheContractsExitStatuses() throws {
        let folder = try TemporaryFolder()
        try folder.write("requests.csv", Self.extract)
        let unknown = try CLI.run(["exceptions", "--requests", "requests.csv", "--as-at", Self.asAt, "--split-by", "region",
                                   "--out", "lists"], in: folder.path)
        #expect(unknown.status == ExitStatus.fatal.rawValue)
        #expect(unknown.stderr.contains("--split-by region: no input has a column of that name"), "\(unknown.stderr)")
        #expect(!folder.exists("lists"))
        let unwritable = try split(folder, out: "/proc/ehcp-lists")
        #expect(unwritable.status == ExitStatus.fatal.rawValue)
        #expect(unwritable.stderr.contains("cannot write /proc/ehcp-lists"), "\(unwritable.stderr)")
        let noOut = try CLI.run(["exceptions", "--requests", "requests.csv", "--as-at", Self.asAt, "--split-by", "team"], in: folder.path)
        #expect(noOut.status == ExitStatus.usage.rawValue)
        #expect(noOut.stderr.contains("needs --out"), "\(noOut.stderr)")
        let outAlone = try CLI.run(["exceptions", "--requests", "requests.csv", "--as-at", Self.asAt, "--out", "x"], in: folder.path)
        #expect(outAlone.status == ExitStatus.usage.rawValue)
        let dot = try split(folder, out: ".")
        #expect(dot.status == ExitStatus.fatal.rawValue)
        #expect(dot.stderr.contains("a folder of its own"), "\(dot.stderr)")
    }

    @Test func anEmptySplitWritesAnEmptyFolderQuietlyAndOverdueStillSetsTheExitStatus() throws {
        let folder = try TemporaryFolder()
        try folder.write("done.csv", Self.header + "C1,2024-01-08,2024-02-01,assess,2024-05-01,,East,Dee,SLCN\n")
        try folder.write("requests.csv", Self.extract)
        #expect(try split(folder, out: "lists").status == 0)
        let empty = try split(folder, out: "lists", ["--fail-on-overdue"], extract: "done.csv")
        #expect(empty.status == 0)
        #expect(empty.stdout.isEmpty && empty.stderr.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/lists").isEmpty)
        let overdue = try split(folder, out: "lists", ["--fail-on-overdue"])
        #expect(overdue.status == ExitStatus.overdue.rawValue)
        #expect(overdue.stdout.isEmpty)
        #expect(folder.exists("lists/team-North.csv"))
    }

    @Test func aTextLongerThanExcelAllowsIsCutAtItsLimitAndControlCharactersStillMakeAReadableFile() throws {
        let folder = try TemporaryFolder()
        let long = String(repeating: "y", count: 40_000)
        try folder.write("requests.csv", "case_id,request_date,team\nA1,2025-01-06,\(long)\nA2,2025-01-07,Nor\u{1}th\n")
        let run = try analyse(folder, out: "o", ["--xlsx"])
        #expect(run.status == 0, "\(run.stderr)")
        let list = try #require(try ReadWorkbook.read(folder.path + "/o/" + Workbook.fileName).sheets["Action list"])
        let team = try #require(list.rows[0].firstIndex(of: "team"))
        let teams = list.rows.dropFirst().map { $0[team] }
        #expect(teams.contains(String(repeating: "y", count: XLSXWorkbook.maxCellCharacters)))
        // libxlsxwriter writes a control character as OOXML's _x0001_ escape, which Excel reads back as the character.
        #expect(teams.contains { $0.hasPrefix("Nor") && $0.hasSuffix("th") })
    }

    @Test func fileNamesKeepLettersDigitsHyphensAndUnderscores() {
        #expect(SplitActionLists.safeName("North") == "North")
        #expect(SplitActionLists.safeName("North East / 2") == "North_East_2")
        #expect(SplitActionLists.safeName("team_a-1") == "team_a-1")
        #expect(SplitActionLists.safeName("../../etc/passwd") == "_etc_passwd")
        #expect(SplitActionLists.safeName("Équipe") == "_quipe")
        #expect(SplitActionLists.safeName("***") == "_")
        #expect(SplitActionLists.safeName(String(repeating: "a", count: 300)).utf8.count == SplitActionLists.maxNameLength)
    }

    private func columnLetter(_ n: Int) -> String {
        var n = n, s = ""
        while n > 0 { let r = (n - 1) % 26; s = String(UnicodeScalar(65 + r)!) + s; n = (n - 1) / 26 }
        return s
    }
}
