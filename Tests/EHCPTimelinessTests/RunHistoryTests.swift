import Foundation
import GRDB
import Testing
@testable import EHCPHistory
@testable import EHCPRules
import EHCPStore

/// The run history (`analyse --history`, `history`, `exceptions --new-only`) on real
/// SQLite files written by the real binary: no mocks.
@Suite(.serialized) struct RunHistoryTests {
    static let months = ["2025-08-31", "2025-09-30", "2025-10-31"]

    /// Three monthly extracts from the generator (one a month, each as taken that day).
    static func extracts(in folder: TemporaryFolder) throws -> [String] {
        try months.enumerated().map { i, month in
            let dir = folder.path + "/extract-\(i)"
            let run = try CLI.run(["generate", "--out", dir, "--seed", "42", "--requests", "400", "--reviews", "0",
                                   "--transfers", "0", "--as-at", month])
            #expect(run.status == 0, "\(run.stderr)")
            return dir + "/requests.csv"
        }
    }

    static func analyse(_ requests: String, asAt: String, history: String, out: String, extra: [String] = [],
                        environment: [String: String] = [:]) throws -> CLIRun {
        try CLI.run(["analyse", "--requests", requests, "--as-at", asAt, "--out", out, "--history", history] + extra)
    }

    /// The headline row (all periods) of `measure` in a run's summary.csv.
    static func headline(_ summaryCSV: String, measure: String) throws -> [String: String] {
        let rows = parseCSV(summaryCSV)
        let header = rows[0]
        let row = try #require(rows.dropFirst().first { $0[0] == measure && $0[1] == "all" })
        return Dictionary(uniqueKeysWithValues: zip(header, row))
    }

    @Test func threeMonthlyRunsAreListedAndTheirTrendIsEachRunsOwnSummary() throws {
        let folder = try TemporaryFolder()
        let files = try Self.extracts(in: folder)
        let history = folder.path + "/history.sqlite"
        for (i, file) in files.enumerated() {
            let run = try Self.analyse(file, asAt: Self.months[i], history: history, out: folder.path + "/out-\(i)")
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("Run added in the history \(history)"))
        }
        let list = try CLI.run(["history", "--history", history])
        #expect(list.status == 0, "\(list.stderr)")
        let lines = list.stdout.split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines.last == "3 runs")
        for (i, month) in Self.months.enumerated() { #expect(lines[i + 1].hasPrefix(month)) }

        let trend = try CLI.run(["history", "--history", history, "--measure", "final-plan-20w"])
        #expect(trend.status == 0, "\(trend.stderr)")
        let rows = parseCSV(trend.stdout)
        #expect(rows.count == 4)
        for (i, month) in Self.months.enumerated() {
            let own = try Self.headline(try folder.read("out-\(i)/summary.csv"), measure: "final-plan-20w")
            let row = Dictionary(uniqueKeysWithValues: zip(rows[0], rows[i + 1]))
            #expect(row["as_at"] == month)
            for column in ["cases", "on_time", "late", "open_in_time", "open_overdue", "excepted", "rate_excl_exceptions",
                           "rate_incl_overdue"] {
                #expect(row[column] == own[column], "\(month) \(column)")
            }
        }
        // The cases recorded are cases.csv's, by measure, id, status and due date.
        let store = try RunHistory(path: history)
        let runs = try store.runs()
        let recorded = try store.cases(run: runs[2].id)
        let cases = parseCSV(try folder.read("out-2/cases.csv")).dropFirst()
        #expect(recorded.count == cases.count)
        #expect(recorded.map { "\($0.measure) \($0.caseID) \($0.status) \($0.due)" }
                == cases.map { "\($0[0]) \($0[1]) \($0[6]) \($0[4])" })
        #expect(runs[2].cases == cases.count)
        #expect(runs[2].actions == parseCSV(try folder.read("out-2/exceptions.csv")).count - 1)

        let unknown = try CLI.run(["history", "--history", history, "--measure", "final-plan-21w"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no run in the history has the measure final-plan-21w; it has decision-to-assess-6w"))
    }

    @Test func aRerunWithTheSameAsAtAndSettingsReplacesTheRunAndOtherSettingsAddOne() throws {
        let folder = try TemporaryFolder()
        let files = try Self.extracts(in: folder)
        let history = folder.path + "/history.sqlite"
        for i in 0..<2 {
            #expect(try Self.analyse(files[i], asAt: Self.months[i], history: history, out: folder.path + "/out").status == 0)
        }
        // The September extract again, the same settings: the September run is replaced.
        let again = try Self.analyse(files[1], asAt: Self.months[1], history: history, out: folder.path + "/out")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("Run replaced (same as-at date and settings) in the history"))
        var runs = try RunHistory(path: history).runs()
        #expect(runs.map(\.asAt) == [Self.months[0], Self.months[1]])
        #expect(runs[1].cases == parseCSV(try folder.read("out/cases.csv")).count - 1)
        // Other settings are another run of the same date.
        let other = try Self.analyse(files[1], asAt: Self.months[1], history: history, out: folder.path + "/out",
                                     extra: ["--due-within", "14"])
        #expect(other.stdout.contains("Run added in the history"))
        runs = try RunHistory(path: history).runs()
        #expect(runs.map(\.asAt) == [Self.months[0], Self.months[1], Self.months[1]])
        #expect(runs[2].settings.contains("due_within_days=14"))
    }

    @Test func aRunKilledWhileWritingLeavesTheEarlierRunsIntact() throws {
        let folder = try TemporaryFolder()
        let files = try Self.extracts(in: folder)
        let history = folder.path + "/history.sqlite"
        for i in 0..<2 {
            #expect(try Self.analyse(files[i], asAt: Self.months[i], history: history, out: folder.path + "/out").status == 0)
        }
        let before = try RunHistory(path: history)
        let runsBefore = try before.runs()
        let casesBefore = try runsBefore.map { try before.cases(run: $0.id) }

        // The third month, stopped by SIGKILL inside its write transaction.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Repo.binary)
        process.arguments = ["analyse", "--requests", files[2], "--as-at", Self.months[2], "--out", folder.path + "/out-killed",
                             "--history", history]
        var environment = ProcessInfo.processInfo.environment
        environment["EHCP_TIMELINESS_TEST_HISTORY_PAUSE"] = "60"
        process.environment = environment
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var seen = Data()
        let deadline = Date().addingTimeInterval(120)
        while !String(decoding: seen, as: UTF8.self).contains("history: writing"), Date() < deadline {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
        #expect(String(decoding: seen, as: UTF8.self).contains("history: writing"), "the run never reached its write")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)

        // The file opens, is sound, and holds the two earlier runs as they were.
        let db = try DatabaseQueue(path: history)
        #expect(try db.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") } == ["ok"])
        let after = try RunHistory(path: history)
        #expect(try after.integrityCheck() == "ok")
        #expect(try after.runs() == runsBefore)
        for (run, cases) in zip(runsBefore, casesBefore) {
            #expect(try after.cases(run: run.id).map { "\($0)" } == cases.map { "\($0)" })
        }
        // And the next run records as usual.
        #expect(try Self.analyse(files[2], asAt: Self.months[2], history: history, out: folder.path + "/out").status == 0)
        #expect(try after.runs().map(\.asAt) == Self.months)
    }

    @Test func twoRunsAtOnceAreBothRecorded() throws {
        let folder = try TemporaryFolder()
        let files = try Self.extracts(in: folder)
        // A new file: both processes create, migrate and write it at once; the first holds
        // its write lock for 2 seconds, so the second must wait for it.
        let history = folder.path + "/history.sqlite"
        var processes: [Process] = []
        for i in 0..<2 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Repo.binary)
            process.arguments = ["analyse", "--requests", files[i], "--as-at", Self.months[i], "--out", folder.path + "/out-\(i)",
                                 "--history", history]
            var environment = ProcessInfo.processInfo.environment
            if i == 0 { environment["EHCP_TIMELINESS_TEST_HISTORY_PAUSE"] = "2" }
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            processes.append(process)
        }
        for p in processes { p.waitUntilExit(); #expect(p.terminationStatus == 0) }
        let store = try RunHistory(path: history)
        #expect(try store.integrityCheck() == "ok")
        #expect(try store.runs().map(\.asAt) == [Self.months[0], Self.months[1]])
        for (i, run) in try store.runs().enumerated() {
            #expect(try store.cases(run: run.id).count == parseCSV(try folder.read("out-\(i)/cases.csv")).count - 1)
        }
    }

    /// Every byte of the history (the database and its write-ahead log).
    static func historyBytes(_ path: String) throws -> String {
        var text = ""
        for file in [path, path + "-wal"] where FileManager.default.fileExists(atPath: file) {
            text += String(decoding: try Data(contentsOf: URL(fileURLWithPath: file)), as: UTF8.self)
        }
        return text
    }

    @Test func theHistoryHoldsNoDatesOfBirthAndPseudonymisedRunsNoCaseIdInClear() throws {
        let folder = try TemporaryFolder()
        let files = try Self.extracts(in: folder)
        let rows = parseCSV(try String(contentsOfFile: files[2], encoding: .utf8))
        let dob = try #require(rows[0].firstIndex(of: "date_of_birth"))
        let person = try #require(rows[0].firstIndex(of: "person_id"))
        let plain = folder.path + "/plain.sqlite"
        #expect(try Self.analyse(files[2], asAt: Self.months[2], history: plain, out: folder.path + "/out").status == 0)
        let plainBytes = try Self.historyBytes(plain)
        // The case ids are there (no key), but no date of birth or person id.
        #expect(plainBytes.contains(rows[1][0]))
        for row in rows.dropFirst() {
            // A date of birth is also a date the history may hold for another reason (a due
            // date): look for it as a cell of the row's own case.
            #expect(!plainBytes.contains(row[person]), "person_id \(row[person]) is in the history")
            #expect(!plainBytes.contains(row[0] + "\t" + row[dob]))
        }
        let key = try folder.write("pseudonym.key", String(repeating: "k", count: 32))
        let hidden = folder.path + "/pseudonymised.sqlite"
        let run = try Self.analyse(files[2], asAt: Self.months[2], history: hidden, out: folder.path + "/out-p",
                                   extra: ["--pseudonymise", key])
        #expect(run.status == 0, "\(run.stderr)")
        let hiddenBytes = try Self.historyBytes(hidden)
        #expect(try RunHistory(path: hidden).runs().first?.cases ?? 0 > 0)
        for row in rows.dropFirst() {
            #expect(!hiddenBytes.contains(row[0]), "case id \(row[0]) is in the pseudonymised history")
            #expect(!hiddenBytes.contains(row[person]))
        }
    }

    @Test func exceptionsNewOnlyListsOnlyWhatTheLastEarlierRunDidNotAndNeverRecords() throws {
        let folder = try TemporaryFolder()
        let files = try Self.extracts(in: folder)
        let history = folder.path + "/history.sqlite"
        for i in 0..<2 {
            #expect(try Self.analyse(files[i], asAt: Self.months[i], history: history, out: folder.path + "/out-\(i)").status == 0)
        }
        let full = try CLI.run(["exceptions", "--requests", files[2], "--as-at", Self.months[2], "--format", "csv"])
        let new = try CLI.run(["exceptions", "--requests", files[2], "--as-at", Self.months[2], "--format", "csv",
                               "--history", history, "--new-only"])
        #expect(new.status == 0, "\(new.stderr)")
        // The last earlier run is September's: its pairs are taken out, August's are not.
        let september = Set(parseCSV(try folder.read("out-1/exceptions.csv")).dropFirst().map { $0[0] + " " + $0[1] })
        let expected = parseCSV(full.stdout).enumerated().filter { i, row in i == 0 || !september.contains(row[0] + " " + row[1]) }
            .map(\.element)
        #expect(parseCSV(new.stdout) == expected)
        #expect(expected.count > 1 && expected.count < parseCSV(full.stdout).count)
        // exceptions recorded nothing.
        #expect(try RunHistory(path: history).runs().count == 2)
    }

    @Test func exceptionsSplitByWithNewOnlySplitsOnlyTheNewPairs() throws {
        let folder = try TemporaryFolder()
        let files = try Self.extracts(in: folder)
        let history = folder.path + "/history.sqlite"
        #expect(try Self.analyse(files[1], asAt: Self.months[1], history: history, out: folder.path + "/out-1").status == 0)
        let new = try CLI.run(["exceptions", "--requests", files[2], "--as-at", Self.months[2], "--format", "csv",
                               "--history", history, "--new-only"])
        #expect(new.status == 0, "\(new.stderr)")
        let split = try CLI.run(["exceptions", "--requests", files[2], "--as-at", Self.months[2], "--split-by", "team",
                                 "--out", folder.path + "/lists", "--history", history, "--new-only"])
        #expect(split.status == 0, "\(split.stderr)")
        #expect(split.stdout.isEmpty)
        // Each file holds its team's new rows only; together they are the new-only list, row for row.
        let newRows = parseCSV(new.stdout)
        let team = try #require(newRows.first?.firstIndex(of: "team"))
        var together: [[String]] = []
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path + "/lists").sorted()
        #expect(!names.isEmpty && names.allSatisfy { $0.hasPrefix("team-") && $0.hasSuffix(".csv") })
        for name in names {
            let rows = parseCSV(try folder.read("lists/" + name))
            #expect(rows.first == newRows.first)
            let teams = Set(rows.dropFirst().map { $0[team] })
            #expect(teams.count == 1)
            together += rows.dropFirst()
        }
        let key: ([String]) -> String = { $0.joined(separator: "\u{1F}") }
        #expect(together.map(key).sorted() == newRows.dropFirst().map(key).sorted())
        let full = parseCSV(try CLI.run(["exceptions", "--requests", files[2], "--as-at", Self.months[2], "--format", "csv"]).stdout)
        #expect(newRows.count > 1 && newRows.count < full.count)
        // --new-only with --split-by still needs --history.
        #expect(try CLI.run(["exceptions", "--requests", files[2], "--as-at", Self.months[2], "--split-by", "team",
                             "--out", folder.path + "/lists", "--new-only"]).status == 64)
    }

    @Test func aHistoryInAFolderThatDoesNotExistIsRefusedNamingThePath() throws {
        let folder = try TemporaryFolder()
        let files = try Self.extracts(in: folder)
        let history = folder.path + "/no-such-folder/history.sqlite"
        let run = try Self.analyse(files[0], asAt: Self.months[0], history: history, out: folder.path + "/out")
        #expect(run.status == 2)
        #expect(run.stderr.contains(history) && run.stderr.contains("the folder \(folder.path)/no-such-folder does not exist"),
                "\(run.stderr)")
        // Stopped before any work: no outputs written.
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/out/cases.csv"))
    }

    @Test func exceptionsNewOnlyIsSilentWhenNothingIsNew() throws {
        let folder = try TemporaryFolder()
        let header = "case_id,request_date,assessment_decision_date,assessment_decision,plan_decision_date,plan_decision,final_plan_date,withdrawn_date\n"
        // Undecided since June: overdue in September and in October alike.
        let one = try folder.write("one.csv", header + "R1,2025-06-02,,,,,,\n")
        let history = folder.path + "/history.sqlite"
        #expect(try CLI.run(["analyse", "--requests", one, "--as-at", "2025-09-30", "--out", folder.path + "/out",
                             "--history", history]).status == 0)
        let quiet = try CLI.run(["exceptions", "--requests", one, "--as-at", "2025-10-31", "--history", history, "--new-only"])
        #expect(quiet.status == 0)
        #expect(quiet.stdout.isEmpty && quiet.stderr.isEmpty)
        // A second request received in October is new: its decision is due within 28 days
        // (its 20-week plan, in February, is not on the list yet).
        let two = try folder.write("two.csv", header + "R1,2025-06-02,,,,,,\nR2,2025-10-01,,,,,,\n")
        let loud = try CLI.run(["exceptions", "--requests", two, "--as-at", "2025-10-31", "--history", history, "--new-only",
                                "--format", "csv"])
        let rows = parseCSV(loud.stdout).dropFirst()
        #expect(!rows.isEmpty && rows.allSatisfy { $0[1] == "R2" })
        #expect(rows.map { $0[0] } == ["decision-to-assess-6w"])
        // With no earlier run (the same as-at date as the recorded one), everything is new.
        let same = try CLI.run(["exceptions", "--requests", one, "--as-at", "2025-09-30", "--history", history, "--new-only",
                                "--format", "csv"])
        #expect(parseCSV(same.stdout).dropFirst().map { $0[1] } == ["R1", "R1"])
        // --new-only alone is a mistake in the command line.
        #expect(try CLI.run(["exceptions", "--requests", one, "--as-at", "2025-10-31", "--new-only"]).status == 64)
    }

    @Test func aHistoryFromANewerReleaseIsRefusedWithAMessage() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/history.sqlite"
        _ = try RunHistory(path: path)
        let db = try DatabaseQueue(path: path)
        try db.write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v9-something-new')") }
        #expect(throws: HistoryError.newerSchema(file: path, migrations: ["v9-something-new"])) { try RunHistory(path: path) }
        let garbage = try folder.write("not-sqlite.sqlite", String(repeating: "not a database\n", count: 100))
        let run = try CLI.run(["history", "--history", garbage])
        #expect(run.status == 2)
        #expect(run.stderr.contains("\(garbage): the run history cannot be used"))
    }

    @Test func theSchemaVersionIsStatedInTheFile() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/history.sqlite"
        _ = try RunHistory(path: path)
        let db = try DatabaseQueue(path: path)
        #expect(try db.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == RunHistory.schemaVersion)
        #expect(try db.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
        #expect(try db.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") } == ["v1-runs", "v2-kpis", "v3-front-coded"])
        // A new file's pages are 16 KiB (the cases' blobs go to the log and the file in fewer calls).
        #expect(try db.read { try Int.fetchOne($0, sql: "PRAGMA page_size") } == 16384)
    }

    @Test func aFileOfTheSecondSchemaKeepsItsCasesAndActionListAndRecordsNewRunsFrontCoded() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/history.sqlite"
        // The file as release 2 left it: cases as text lines, the action list a row per pair.
        let old = try DatabasePool(path: path)
        try RunHistory.migrator.migrate(old, upTo: "v2-kpis")
        try old.write { db in
            try db.execute(sql: "PRAGMA user_version = 2")
            try db.execute(sql: "INSERT INTO run VALUES (1, '2025-09-30', 'by=', '1.0.0', '2', '')")
            try db.execute(sql: "INSERT INTO run_cases VALUES (1, 'decision-to-assess-6w', 0, 2, ?)",
                           arguments: [Data("R1\tv\t2025-07-14\nR2\to\t2025-08-11\n".utf8)])
            try db.execute(sql: "INSERT INTO run_action VALUES (1, 'decision-to-assess-6w', 'R1', 'open_overdue', '2025-07-14')")
        }
        #expect(try old.read { try Int.fetchOne($0, sql: "PRAGMA page_size") } == 4096)
        try old.close()
        let store = try RunHistory(path: path)
        #expect(try store.runs().map { "\($0.asAt) \($0.cases) \($0.actions)" } == ["2025-09-30 2 1"])
        #expect(try store.cases(run: 1).map { "\($0)" } == [
            "(measure: \"decision-to-assess-6w\", caseID: \"R1\", status: \"open_overdue\", due: \"2025-07-14\")",
            "(measure: \"decision-to-assess-6w\", caseID: \"R2\", status: \"on_time\", due: \"2025-08-11\")",
        ])
        let asAt = try #require(Day(iso: "2025-10-31"))
        #expect(try store.previousActionList(before: asAt)?.pairs == [ActionPair(measure: "decision-to-assess-6w", caseID: "R1")])

        // A run of this release beside it, front-coded; both read back.
        let header = "case_id,request_date,assessment_decision_date,assessment_decision,plan_decision_date,plan_decision,final_plan_date,withdrawn_date\n"
        let requests = try folder.write("requests.csv", header + "R1,2025-06-02,,,,,,\nR3,2025-10-01,,,,,,\n")
        #expect(try Self.analyse(requests, asAt: "2025-10-31", history: path, out: folder.path + "/out").status == 0)
        let runs = try store.runs()
        #expect(runs.map(\.asAt) == ["2025-09-30", "2025-10-31"])
        let cases = parseCSV(try folder.read("out/cases.csv")).dropFirst()
        #expect(try store.cases(run: runs[1].id).map { "\($0.measure) \($0.caseID) \($0.status) \($0.due)" }
                == cases.map { "\($0[0]) \($0[1]) \($0[6]) \($0[4])" })
        let actions = parseCSV(try folder.read("out/exceptions.csv")).dropFirst()
        #expect(runs[1].actions == actions.count)
        let later = try #require(Day(iso: "2025-11-30"))
        #expect(try store.previousActionList(before: later)?.pairs == Set(actions.map { ActionPair(measure: $0[0], caseID: $0[1]) }))
        #expect(try store.integrityCheck() == "ok")
        // SQLite keeps a file's page size: the earlier release's file keeps its 4 KiB pages.
        #expect(try DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "PRAGMA page_size") } == 4096)
    }

    @Test func frontCodedRecordsGiveBackAnyBytesTheyWereGiven() throws {
        let long = [UInt8](repeating: 0x41, count: 300)
        let records: [[[UInt8]]] = [
            [Array("REQ0000001".utf8), [0x6F], Array("2022-12-13".utf8)],
            [Array("REQ0000002".utf8), [0x6F], Array("2022-12-20".utf8)],
            [Array("REQ0000002".utf8), [0x6C], Array("2022-12-20".utf8)],
            [[0x09, 0x0A, 0x00, 0xFF], [], Array("2023-01-01".utf8)],
            [long, [0x76], []],
            [long + [0x42], [0x76], Array("2023".utf8)],
            [Array(long.prefix(10)), [0x69], Array("2023-01-01".utf8)],
        ]
        let coded = FrontCodedRecords(fields: 3, capacity: 16)
        for r in records { for (f, value) in r.enumerated() { coded.append(field: f, value.span) } }
        #expect(coded.count == records.count)
        var back: [[[UInt8]]] = []
        #expect(FrontCodedRecords.forEach(coded.bytes, fields: 3) { back.append($0) })
        #expect(back == records)
        // Cut short: the records before the cut, and false.
        var partial = 0
        #expect(!FrontCodedRecords.forEach(Array(coded.bytes.dropLast()), fields: 3) { _ in partial += 1 })
        #expect(partial == records.count - 1)
    }

    @Test func aFileOfTheFirstSchemaOpensWithItsRunsKeptAndGainsTheKPITable() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/history.sqlite"
        // The file as the first release left it: schema step v1 only, one run in it.
        let old = try DatabasePool(path: path)
        try RunHistory.migrator.migrate(old, upTo: "v1-runs")
        try old.write { db in
            try db.execute(sql: "PRAGMA user_version = 1")
            try db.execute(sql: "INSERT INTO run VALUES (1, '2025-09-30', 'by=', '1.0.0', '2', '')")
            try db.execute(sql: "INSERT INTO run_summary VALUES (1, 'final-plan-20w', 'all', '', 0, 10, 6, 2, 1, 1, 0, 75.0, 75.0, 66.7)")
        }
        try old.close()
        let store = try RunHistory(path: path)
        #expect(try store.runs().map(\.asAt) == ["2025-09-30"])
        #expect(try store.trend(measure: "final-plan-20w").map(\.rateExclExceptions) == [75.0])
        let db = try DatabaseQueue(path: path)
        #expect(try db.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == RunHistory.schemaVersion)
        #expect(try db.read { try $0.tableExists("run_kpi") })
    }
}
