import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

/// Issue 12 through the real tool: a mistyped date cell is a data-quality row, never a
/// dead run; a profile entry that cannot apply stops the run before any output.
@Suite struct DateCellTests {
    /// The command of issue 12: before the fix the `yyyy-mm-dd` fast path trapped on `+`.
    @Test func aMistypedRequestDateIsADataQualityRowNamingLineColumnAndValue() throws {
        let folder = try TemporaryFolder()
        try folder.write("crash.csv", "case_id,request_date\nA1,99+9-52-31\nA2,2025-01-06\n")
        let run = try CLI.run(["analyse", "--requests", "crash.csv", "--as-at", "2025-10-31", "--out", "o"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("crash.csv: 2 rows read = 1 analysed + 1 rejected"), "\(run.stdout)")
        let rows = parseCSV(try folder.read("o/data-quality.csv"))
        #expect(rows.dropFirst().contains { $0.count == 7 && $0[0] == "crash.csv" && $0[1] == "2" && $0[3] == "request_date"
            && $0[4] == "99+9-52-31" && $0[5] == "error" }, "\(rows)")
    }

    /// Cells that once trapped or that a byte-level reader could misread: signs where
    /// digits belong, a year that overflows a 32-bit day, hex, non-ASCII digits,
    /// control bytes.
    static let hostileCells = [
        "99+9-52-31", "+025-01-06", "2025-+1-06", "-025-01-06", "2025-01--6", "9999999999-01-01",
        "99999999999999999999-01-01", "0x7E-01-01", "\u{0662}\u{0660}\u{0662}\u{0665}-\u{0660}\u{0661}-\u{0660}\u{0666}",
        "2025-\u{01}1-06", "2025-01-0\u{1B}", "06/+1/2025", "06/01/-025", "+6/01/2025", "2025-01-06T+0:00",
    ]

    /// (kind, the columns of a row that is valid but for the column under test, that column)
    static let dateColumns: [(ExtractKind, [String: String], String)] = {
        let requests = ["case_id": "R1", "request_date": "2025-01-06"]
        let reviews = ["case_id": "P1", "plan_date": "2024-01-08"]
        let transfers = ["case_id": "T1", "transfer_type": "primary_to_secondary", "transfer_date": "2025-09-01"]
        var list: [(ExtractKind, [String: String], String)] = []
        for (kind, base) in [(ExtractKind.requests, requests), (.reviews, reviews), (.transfers, transfers)] {
            for field in kind.fields where field.isDate { list.append((kind, base, field.name)) }
            list.append((kind, base, "date_of_birth"))
        }
        return list
    }()

    @Test func everyDateColumnOfEveryExtractCoversTheCells() {
        // 7 request dates (school_advice_date in version 2), 9 review dates (3 of version 2),
        // 2 transfer dates, and date_of_birth in each.
        #expect(Self.dateColumns.count == 21)
    }

    @Test(arguments: [false, true])
    func everyDateColumnGivesADataQualityRowForEachHostileCell(pinnedFormats: Bool) throws {
        let folder = try TemporaryFolder()
        if pinnedFormats {
            try folder.write("p.toml", "[dates]\nformats = [\"yyyy-MM-dd\", \"dd/MM/yyyy\", \"excel\"]\n")
        }
        for (kind, base, column) in Self.dateColumns {
            // date_of_birth on every row, so that --by age_band reads it.
            let fields = kind.fields.map(\.name).filter { base[$0] != nil || $0 == column }
            let header = fields + ["date_of_birth"]
            var text = header.joined(separator: ",") + "\n"
            for (i, cell) in Self.hostileCells.enumerated() {
                var row = base
                row["date_of_birth"] = "2015-03-01"
                row["case_id"] = "\(base["case_id"]!)-\(i)"
                row[column] = cell
                text += header.map { row[$0] ?? "" }.joined(separator: ",") + "\n"
            }
            try folder.write("in.csv", text)
            var arguments = ["analyse", "--\(kind.rawValue)", "in.csv", "--as-at", "2025-10-31", "--by", "age_band", "--out", "o-\(column)"]
            if pinnedFormats { arguments += ["--profile", "p.toml"] }
            let run = try CLI.run(arguments, in: folder.path)
            #expect(run.status == 0, "\(kind) \(column): \(run.stderr.prefix(500))")
            let n = Self.hostileCells.count
            let problems = parseCSV(try folder.read("o-\(column)/data-quality.csv")).dropFirst()
            for (i, cell) in Self.hostileCells.enumerated() {
                let line = String(i + 2)
                // outputs.md: a cell starting = + - @ is written after a ' so no spreadsheet runs it.
                let written = "=+-@".contains(cell.first ?? " ") ? "'" + cell : cell
                let named = problems.contains { $0.count == 7 && $0[1] == line && $0[3] == column && $0[4] == written }
                #expect(named, "\(kind) \(column) line \(line) \(cell.debugDescription): \(problems.filter { $0[1] == line })")
            }
            #expect(run.stdout.contains("in.csv: \(n) rows read"), "\(run.stdout)")
        }
    }
}

@Suite struct ProfileMappingTests {
    static let requests = """
        case_id,request_date,Final EHCP Issued,Locality
        R1,2025-01-06,2025-05-01,North
        R2,2025-01-06,,South

        """

    /// A folder with requests.csv and a profile holding `profile`.
    static func folder(profile: String) throws -> TemporaryFolder {
        let folder = try TemporaryFolder()
        try folder.write("requests.csv", requests)
        try folder.write("system.toml", profile)
        return folder
    }

    static func expectStopped(_ run: CLIRun, in folder: TemporaryFolder, mentioning parts: [String],
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(run.status == 2, "status \(run.status): \(run.stderr)", sourceLocation: sourceLocation)
        for part in parts { #expect(run.stderr.contains(part), "\(run.stderr)", sourceLocation: sourceLocation) }
        #expect(run.stdout.isEmpty, "\(run.stdout)", sourceLocation: sourceLocation)
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("out") || $0.hasPrefix(".out") }
        #expect(left.isEmpty, "left behind: \(left)", sourceLocation: sourceLocation)
    }

    /// `analyse` (into out/) or `exceptions` on requests.csv with system.toml.
    static func runWithProfile(_ command: String, in folder: TemporaryFolder) throws -> CLIRun {
        var arguments = [command, "--requests", "requests.csv", "--profile", "system.toml", "--as-at", "2025-10-31"]
        if command == "analyse" { arguments += ["--out", "out"] }
        return try CLI.run(arguments, in: folder.path)
    }

    @Test(arguments: ["analyse", "exceptions"])
    func aProfileFieldWhoseHeaderTheFileLacksStopsTheRunBeforeAnyOutput(command: String) throws {
        let folder = try Self.folder(profile: "[columns]\nfinal_plan_date = \"Final EHC Plan Issued\"\n")
        let run = try Self.runWithProfile(command, in: folder)
        try Self.expectStopped(run, in: folder, mentioning: [
            "requests.csv: the profile system.toml maps [columns] final_plan_date to \"Final EHC Plan Issued\"",
            "closest first: Final EHCP Issued, ",
        ])
    }

    @Test(arguments: ["analyse", "exceptions"])
    func aDimensionNoInputHasStopsTheRun(command: String) throws {
        let folder = try Self.folder(profile: "[columns]\nteam = \"Localty\"\n")
        let run = try Self.runWithProfile(command, in: folder)
        try Self.expectStopped(run, in: folder, mentioning: ["maps [columns] team to \"Localty\", but no input has such a header",
                                                              "closest first: Locality"])
    }

    /// One profile for all three extracts: a dimension found in one of them is enough,
    /// and a field named differently in one export goes in that kind's own table.
    @Test func aDimensionInOneExtractAndAPerKindFieldAreAccepted() throws {
        let folder = try Self.folder(profile: """
            [columns]
            final_plan_date = "Final EHCP Issued"
            team = "Locality"
            [reviews.columns]
            case_id = "Plan ID"

            """)
        try folder.write("reviews.csv", "Plan ID,plan_date\nP1,2024-01-08\n")
        let run = try CLI.run(["analyse", "--requests", "requests.csv", "--reviews", "reviews.csv", "--profile", "system.toml",
                               "--as-at", "2025-10-31", "--by", "team", "--out", "out"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let cases = parseCSV(try folder.read("out/cases.csv"))
        let completed = try #require(cases.first?.firstIndex(of: "completed_date"))
        #expect(cases.contains { $0.first == "final-plan-20w" && $0[1] == "R1" && $0[completed] == "2025-05-01" }, "\(cases)")
        #expect(cases.contains { $0.first == "annual-review-12m" && $0[1] == "P1" }, "\(cases)")
        // The same mapping under [columns] applies to requests.csv too, which has no "Plan ID".
        try folder.write("system.toml", "[columns]\ncase_id = \"Plan ID\"\n")
        let stopped = try CLI.run(["analyse", "--requests", "requests.csv", "--profile", "system.toml",
                                   "--as-at", "2025-10-31", "--out", "out2"], in: folder.path)
        #expect(stopped.status == 2)
        #expect(stopped.stderr.contains("maps [columns] case_id to \"Plan ID\""), "\(stopped.stderr)")
    }
}

@Suite struct CommandLineNumberTests {
    /// `--due-within 99999999999` trapped (as-at + days overflowed a day number); it is a
    /// command-line mistake (64) with the range in the message.
    @Test(arguments: ["analyse", "exceptions"])
    func aDueWithinBeyondTenYearsIsACommandLineMistake(command: String) throws {
        let folder = try TemporaryFolder()
        try folder.write("r.csv", "case_id,request_date\nA1,2025-01-06\n")
        for days in ["99999999999", "3661", "-1"] {
            var arguments = [command, "--requests", "r.csv", "--as-at", "2025-10-31", "--due-within=\(days)"]
            if command == "analyse" { arguments += ["--out", "out"] }
            let run = try CLI.run(arguments, in: folder.path)
            #expect(run.status == 64, "\(days): \(run.status) \(run.stderr.prefix(300))")
            #expect(run.stderr.contains("--due-within must be from 0 to 3660 days"), "\(run.stderr.prefix(300))")
            #expect(!folder.exists("out"))
        }
        var arguments = [command, "--requests", "r.csv", "--as-at", "2025-10-31", "--due-within", "3660"]
        if command == "analyse" { arguments += ["--out", "out"] }
        #expect(try CLI.run(arguments, in: folder.path).status == 0)
    }
}
