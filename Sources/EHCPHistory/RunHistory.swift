import EHCPRules
import EHCPIngest
import EHCPStore
import EHCPTimeliness
import Foundation
import GRDB
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A problem with the run history file, in words an analyst can act on.
public enum HistoryError: Error, CustomStringConvertible, Equatable {
    /// The file cannot be opened as a SQLite database, or SQLite refused an operation.
    case unusable(file: String, reason: String)
    /// The file was written by a newer release, whose schema this one does not know.
    case newerSchema(file: String, migrations: [String])
    /// `--measure` names no measure the history holds.
    case unknownMeasure(file: String, measure: String, known: [String])

    public var description: String {
        switch self {
        case .unusable(let file, let reason):
            return "\(file): the run history cannot be used: \(reason)"
        case .newerSchema(let file, let migrations):
            return "\(file): the run history was written by a newer release of ehcp-timeliness (schema steps "
                + migrations.joined(separator: ", ") + " are unknown here); use that release or a newer one"
        case .unknownMeasure(let file, let measure, let known):
            return "\(file): no run in the history has the measure \(measure); it has "
                + (known.isEmpty ? "no runs" : known.joined(separator: ", "))
        }
    }
}

/// One (case, measure) pair of an action list, as recorded.
public struct ActionPair: Hashable, Sendable {
    public var measure: String
    public var caseID: String

    public init(measure: String, caseID: String) { self.measure = measure; self.caseID = caseID }
}

/// An action-list row to record: its pair, status and due date (blank when not checked).
public struct RecordedAction: Sendable, Equatable {
    public var pair: ActionPair
    public var status: String
    public var dueDate: String

    public init(measure: String, caseID: String, status: String, dueDate: String) {
        pair = ActionPair(measure: measure, caseID: caseID); self.status = status; self.dueDate = dueDate
    }
}

/// What one `analyse --history` run records. No names or dates of birth: per case only
/// its id (pseudonymised when the run was), measure, status and due date.
public struct RunRecord: Sendable {
    public var asAt: Day
    /// The settings every output states (`AnalysisOptions.settings`): a run with the same
    /// as-at date and the same settings replaces the earlier one.
    public var settings: [(key: String, value: String)]
    public var toolVersion: String
    public var rulesVersion: String
    public var byColumns: [String]
    public var inputs: [InputSummary]
    public var summary: [SummaryRow]
    public var actions: [RecordedAction]
    /// The run's cases.csv, read back for each case's measure, id, status and due date.
    public var casesFile: String?
    /// The run's exceptions.csv, read back for its (measure, case id, status, due date)
    /// rows, after `actions`.
    public var actionsFile: String?
    /// The run's KPI values (`--kpis`): measure, rate (`excl_exceptions`…) and value.
    public var kpis: [(measure: String, rate: String, value: Double?)] = []

    public init(asAt: Day, settings: [(key: String, value: String)], toolVersion: String, rulesVersion: String,
                byColumns: [String], inputs: [InputSummary], summary: [SummaryRow], actions: [RecordedAction],
                casesFile: String?) {
        self.asAt = asAt; self.settings = settings; self.toolVersion = toolVersion; self.rulesVersion = rulesVersion
        self.byColumns = byColumns; self.inputs = inputs; self.summary = summary; self.actions = actions
        self.casesFile = casesFile
    }

    /// The settings as one canonical text (sorted keys, one `key=value` a line): the
    /// identity of a run beside its as-at date.
    public var settingsText: String {
        settings.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { "\($0.key)=\($0.value)" }
            .joined(separator: "\n")
    }
}

/// A run as the history holds it.
public struct RecordedRun: Sendable, Equatable {
    public var id: Int64
    public var asAt: String
    public var settings: String
    public var toolVersion: String
    public var rulesVersion: String
    public var cases: Int
    public var actions: Int
}

/// One run's headline figures of one measure (all periods, all cohorts): a trend point.
public struct TrendPoint: Sendable, Equatable {
    public var asAt: String
    public var cases: Int
    public var onTime: Int
    public var late: Int
    public var openInTime: Int
    public var openOverdue: Int
    public var excepted: Int
    public var rateExclExceptions: Double?
    public var rateInclOverdue: Double?
}

/// Whether a run was new to the history or replaced one with the same as-at date and settings.
public enum RecordOutcome: Sendable, Equatable {
    case added
    case replaced
}

/// The run history: a SQLite file (through GRDB) in WAL mode, its schema created and
/// upgraded by numbered migrations, so a later release opens an earlier one's file. Each
/// run is written in one transaction: a run killed part-way leaves the file as it was,
/// and two runs at once take turns (the second waits for the first's lock).
public final class RunHistory: Sendable {
    public let path: String
    private let pool: DatabasePool

    /// The schema steps, oldest first. Never edit a step once released: add one.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-runs") { db in
            try db.execute(sql: """
                CREATE TABLE run (
                    id INTEGER PRIMARY KEY,
                    as_at TEXT NOT NULL,
                    settings TEXT NOT NULL,
                    tool_version TEXT NOT NULL,
                    rules_version TEXT NOT NULL,
                    by_columns TEXT NOT NULL,
                    UNIQUE (as_at, settings)
                );
                CREATE TABLE run_input (
                    run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL, name TEXT NOT NULL, rows_read INTEGER NOT NULL,
                    analysed INTEGER NOT NULL, rejected INTEGER NOT NULL, sha256 TEXT NOT NULL
                );
                CREATE INDEX run_input_run ON run_input(run_id);
                CREATE TABLE run_summary (
                    run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                    measure TEXT NOT NULL, period TEXT NOT NULL, cohort TEXT NOT NULL, cohort_total INTEGER NOT NULL,
                    cases INTEGER NOT NULL, on_time INTEGER NOT NULL, late INTEGER NOT NULL,
                    open_in_time INTEGER NOT NULL, open_overdue INTEGER NOT NULL, excepted INTEGER NOT NULL,
                    rate_excl_exceptions REAL, rate_incl_exceptions REAL, rate_incl_overdue REAL
                );
                CREATE INDEX run_summary_run ON run_summary(run_id, measure);
                -- Per case: measure, id, status and due date, as lines "case_id\\tS\\tdue" (S: the
                -- status's letter, o on_time, l late, i open_in_time, v open_overdue) in
                -- blocks of about 256 KiB (a row per case would make recording a 1M-row run slow).
                CREATE TABLE run_cases (
                    run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                    measure TEXT NOT NULL, block INTEGER NOT NULL, cases INTEGER NOT NULL, lines BLOB NOT NULL
                );
                CREATE INDEX run_cases_run ON run_cases(run_id);
                CREATE TABLE run_action (
                    run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                    measure TEXT NOT NULL, case_id TEXT NOT NULL, status TEXT NOT NULL, due_date TEXT NOT NULL
                );
                CREATE INDEX run_action_run ON run_action(run_id);
                """)
        }
        // Release 2 of the history: each run's KPI values (--kpis), so that the next run
        // has its previous value, baseline and trend. A file of release 1 gains the table.
        m.registerMigration("v2-kpis") { db in
            try db.execute(sql: """
                CREATE TABLE run_kpi (
                    run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                    measure TEXT NOT NULL, rate TEXT NOT NULL, value REAL
                );
                CREATE INDEX run_kpi_run ON run_kpi(run_id);
                """)
        }
        // Release 3: a run's cases and action rows as `FrontCodedRecords` (fields: id, status,
        // due date), in blocks of one measure. Recording a 1M-row run wrote 49 MB twice (to
        // the log, then the file) and inserted its 110k action rows one by one: together
        // most of what --history added to the run's time. Runs recorded before keep their
        // text lines (coding 1) and action rows (run_action), and are read as before.
        m.registerMigration("v3-front-coded") { db in
            try db.execute(sql: """
                ALTER TABLE run_cases ADD COLUMN coding INTEGER NOT NULL DEFAULT 1;
                CREATE TABLE run_action_blocks (
                    run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                    measure TEXT NOT NULL, block INTEGER NOT NULL, actions INTEGER NOT NULL, records BLOB NOT NULL
                );
                CREATE INDEX run_action_blocks_run ON run_action_blocks(run_id);
                """)
        }
        return m
    }

    /// The schema version this release writes (`PRAGMA user_version`, besides GRDB's own
    /// table of applied steps).
    public static let schemaVersion = 3

    /// Opens the history at `path`, creating it when missing, and brings its schema up to date.
    public init(path: String) throws {
        self.path = path
        try Self.checkFolder(of: path)
        var configuration = Configuration()
        // Another run writing: wait for it rather than fail.
        configuration.busyMode = .timeout(120)
        configuration.foreignKeysEnabled = true
        // In WAL mode NORMAL still keeps every transaction whole (a crash loses at most the
        // last run, never corrupts the file), and spares an fsync per commit.
        // A run's cases go in as large blobs written once: a small page cache (512 KiB, not
        // SQLite's 2 MiB) costs no speed and keeps the run's peak memory under its target.
        // A new file gets 16 KiB pages, not 4 KiB: a 1M-row run's 15 MB then goes to the log
        // and from it into the file in a quarter of the calls (29,000 of them fewer), about
        // 30 ms less of the kernel's time, for a file 10 % larger. (SQLite keeps a file's
        // page size: one made by an earlier release keeps its 4 KiB pages.)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA page_size = 16384; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -512")
        }
        do {
            pool = try Self.retryingWhileAnotherRunCreates { try DatabasePool(path: path, configuration: configuration) }
            let migrator = Self.migrator
            let unknown = try Self.retryingWhileAnotherRunCreates { try pool.read { db -> [String] in
                guard try db.tableExists("grdb_migrations") else { return [] }
                let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
                let known = Set(migrator.migrations)
                return applied.filter { !known.contains($0) }
            } }
            guard unknown.isEmpty else { throw HistoryError.newerSchema(file: path, migrations: unknown) }
            // The second of two runs creating one file fails its step ("table run already
            // exists") as the first commits; asked again, the migrator skips what is applied.
            try Self.retryingWhileAnotherRunCreates { try migrator.migrate(pool) }
            try Self.retryingWhileAnotherRunCreates {
                try pool.writeWithoutTransaction { db in
                    if try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 < Self.schemaVersion {
                        try db.execute(sql: "PRAGMA user_version = \(Self.schemaVersion)")
                    }
                }
            }
        } catch let error as HistoryError {
            throw error
        } catch {
            throw HistoryError.unusable(file: path, reason: Self.reason(error))
        }
    }

    /// Runs `body` again (up to 20 times, 50 ms apart) when SQLite fails while another run
    /// is creating the same new file: opening it in WAL mode, reading its steps or applying
    /// one can each meet the other's half-made schema or lock. A fault that lasts is thrown.
    static func retryingWhileAnotherRunCreates<T>(_ body: () throws -> T) throws -> T {
        var attempt = 0
        while true {
            do {
                return try body()
            } catch is DatabaseError where attempt < 20 {
                attempt += 1
                usleep(50_000)
            }
        }
    }

    /// Refuses a path in a folder that is not there, without opening SQLite (whose own word
    /// for it is "unable to open database file"): `analyse` checks this before its work and
    /// opens the file after it.
    public static func checkFolder(of path: String) throws {
        let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        var st = stat()
        if !folder.isEmpty, stat(folder, &st) != 0 || (st.st_mode & S_IFMT) != S_IFDIR {
            throw HistoryError.unusable(file: path, reason: "the folder \(folder) does not exist (or is not a folder); "
                                        + "create it, or give --history a path in a folder that exists")
        }
    }

    /// Flushes the write-ahead log to disk before the commit: the commit's checkpoint
    /// syncs it before copying it into the file, and a 1M-row run's 14 MB of cases then
    /// went to disk only once all the outputs were written, on one core. Flushed once the
    /// cases are in, and again before the commit, most of it goes while the outputs are
    /// still being written. (Only sooner: SQLite syncs as before, so a failure here
    /// changes nothing.)
    static func syncLog(of path: String) {
        let fd = open(path + "-wal", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        #if os(Linux)
        _ = fdatasync(fd)
        #else
        _ = fsync(fd)
        #endif
        _ = close(fd)
    }

    static func reason(_ error: any Error) -> String {
        if let e = error as? DatabaseError { return e.message ?? "\(e.resultCode)" }
        return "\(error)"
    }

    /// Records `run` in one transaction, replacing a run with the same as-at date and settings.
    /// `caseBlocks`, when given, hands over the run's cases as blocks (measure, number of
    /// cases, `FrontCodedRecords` of id, status letter and due date) taken during the
    /// analysis (`HistoryCases`), instead of `run.casesFile` read back.
    @discardableResult
    public func record(_ run: RunRecord,
                       caseBlocks: ((_ body: (_ measure: String, _ count: Int, _ lines: [UInt8]) throws -> Void) throws -> Void)? = nil)
        throws -> RecordOutcome {
        try record(run, caseBlocks: caseBlocks, actions: { run.actionsFile.map(ActionRows.file) ?? ActionRows.none },
                   commit: { true }) ?? .added
    }

    /// Starts recording `run` on a thread of its own while the caller writes the run's
    /// outputs: the transaction is opened and the run, its summary and its cases (the bulk)
    /// written at once; the action list's rows are added as soon as exceptions.csv is
    /// written (coded as it is, by an `ActionListCoder`), or else read from the file when
    /// `PendingRecord.finish` is called, and the transaction is committed by `finish`
    /// (or rolled back by `abandon`, when the outputs could not be written). Nothing is
    /// committed before then, so a run killed part-way still leaves the file as it was.
    public func recordInBackground(_ run: RunRecord,
                                   caseBlocks: @escaping @Sendable (_ body: (_ measure: String, _ count: Int, _ lines: [UInt8]) throws -> Void) throws -> Void)
        -> PendingRecord {
        let pending = PendingRecord()
        let thread = Thread { [self] in
            let outcome = Result {
                try self.record(run, caseBlocks: caseBlocks, actions: { pending.waitForActions() },
                                commit: { pending.waitForDecision() })
            }
            pending.complete(outcome)
        }
        thread.start()
        return pending
    }

    /// The transaction: `actions()` is asked once the cases are in, and answers where to
    /// read the action rows from, or nil to roll back (nil is then returned); `commit()`
    /// once they are in, and answers whether to commit (false: roll back, nil returned).
    private func record(_ run: RunRecord,
                        caseBlocks: ((_ body: (_ measure: String, _ count: Int, _ lines: [UInt8]) throws -> Void) throws -> Void)?,
                        actions source: () -> ActionRows?, commit: () -> Bool) throws -> RecordOutcome? {
        do {
            return try pool.writeWithoutTransaction { db in
                var outcome: RecordOutcome? = .added
                try db.inTransaction(.immediate) {
                    let settings = run.settingsText
                    if let old = try Int64.fetchOne(db, sql: "SELECT id FROM run WHERE as_at = ? AND settings = ?",
                                                    arguments: [run.asAt.iso, settings]) {
                        try db.execute(sql: "DELETE FROM run WHERE id = ?", arguments: [old])
                        outcome = .replaced
                    }
                    try db.execute(sql: """
                        INSERT INTO run (as_at, settings, tool_version, rules_version, by_columns) VALUES (?, ?, ?, ?, ?)
                        """, arguments: [run.asAt.iso, settings, run.toolVersion, run.rulesVersion,
                                         run.byColumns.joined(separator: ",")])
                    let id = db.lastInsertedRowID
                    let input = try db.makeStatement(sql: "INSERT INTO run_input VALUES (?, ?, ?, ?, ?, ?, ?)")
                    for i in run.inputs {
                        try input.execute(arguments: [id, i.kind.rawValue, i.file, i.rowsRead, i.analysed, i.rejected, i.sha256])
                    }
                    let summary = try db.makeStatement(sql: "INSERT INTO run_summary VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                    for r in run.summary {
                        try summary.execute(arguments: [id, r.measure.rawValue, r.period, r.cohort.joined(separator: "\u{1F}"),
                                                        r.isCohortTotal, r.cases, r.onTime, r.late, r.openInTime,
                                                        r.openOverdue, r.excepted, r.rateExclExceptions,
                                                        r.rateInclExceptions, r.rateInclOverdue])
                    }
                    let kpi = try db.makeStatement(sql: "INSERT INTO run_kpi VALUES (?, ?, ?, ?)")
                    for k in run.kpis { try kpi.execute(arguments: [id, k.measure, k.rate, k.value]) }
                    let block = try db.makeStatement(sql: """
                        INSERT INTO run_cases (run_id, measure, block, cases, lines, coding) VALUES (?, ?, ?, ?, ?, 2)
                        """)
                    // Streamed a block at a time: memory stays flat however many cases.
                    var n = 0
                    if let caseBlocks {
                        try caseBlocks { measure, count, lines in
                            try block.execute(arguments: [id, measure, n, count, Data(lines)])
                            n += 1
                        }
                    } else if let file = run.casesFile {
                        try CasesBlocks.forEach(path: file) { b in
                            try block.execute(arguments: [id, b.measure, n, b.count, Data(b.lines)])
                            n += 1
                        }
                    }
                    // The cases (most of the log) go to disk now, while the outputs are still
                    // being written; the commit's checkpoint then syncs only the action rows.
                    Self.syncLog(of: path)
                    guard let source = source() else {
                        outcome = nil
                        return .rollback
                    }
                    let actionBlock = try db.makeStatement(sql: "INSERT INTO run_action_blocks VALUES (?, ?, ?, ?, ?)")
                    var blockNumber = 0
                    func insert(_ b: CasesBlocks.Block) throws {
                        try actionBlock.execute(arguments: [id, b.measure, blockNumber, b.count, Data(b.lines)])
                        blockNumber += 1
                    }
                    var coder = ActionCoder()
                    for a in run.actions {
                        let caseID = Array(a.pair.caseID.utf8), status = Array(a.status.utf8), due = Array(a.dueDate.utf8)
                        try coder.add(measure: Array(a.pair.measure.utf8), caseID: caseID.span, status: status.span,
                                      due: due.span, emit: insert)
                    }
                    try coder.flush(emit: insert)
                    switch source {
                    case .none: break
                    case .coded(let blocks): for b in blocks { try insert(b) }
                    case .file(let file): try ActionCoder.code(file: file, emit: insert)
                    }
                    TestHooks.pauseInsideWrite()
                    Self.syncLog(of: path)
                    guard commit() else {
                        outcome = nil
                        return .rollback
                    }
                    return .commit
                }
                return outcome
            }
        } catch {
            throw HistoryError.unusable(file: path, reason: Self.reason(error))
        }
    }

    /// Every run, by as-at date (then by the order recorded).
    public func runs() throws -> [RecordedRun] {
        try reading { db in
            try Row.fetchAll(db, sql: """
                SELECT r.id, r.as_at, r.settings, r.tool_version, r.rules_version,
                       (SELECT COALESCE(SUM(cases), 0) FROM run_cases c WHERE c.run_id = r.id) AS cases,
                       (SELECT COUNT(*) FROM run_action a WHERE a.run_id = r.id)
                       + (SELECT COALESCE(SUM(actions), 0) FROM run_action_blocks b WHERE b.run_id = r.id) AS actions
                FROM run r ORDER BY r.as_at, r.id
                """).map { row in
                RecordedRun(id: row["id"], asAt: row["as_at"], settings: row["settings"], toolVersion: row["tool_version"],
                            rulesVersion: row["rules_version"], cases: row["cases"], actions: row["actions"])
            }
        }
    }

    /// A measure's headline row (all periods; the cohort totals, or the one cohort without
    /// `--by`) in every run that has it, by as-at date.
    public func trend(measure: String) throws -> [TrendPoint] {
        let points = try reading { db in
            try Row.fetchAll(db, sql: """
                SELECT r.as_at, s.cases, s.on_time, s.late, s.open_in_time, s.open_overdue, s.excepted,
                       s.rate_excl_exceptions, s.rate_incl_overdue
                FROM run r JOIN run_summary s ON s.run_id = r.id
                WHERE s.measure = ? AND s.period = 'all' AND (r.by_columns = '' OR s.cohort_total = 1)
                ORDER BY r.as_at, r.id
                """, arguments: [measure]).map { row in
                TrendPoint(asAt: row["as_at"], cases: row["cases"], onTime: row["on_time"], late: row["late"],
                           openInTime: row["open_in_time"], openOverdue: row["open_overdue"], excepted: row["excepted"],
                           rateExclExceptions: row["rate_excl_exceptions"], rateInclOverdue: row["rate_incl_overdue"])
            }
        }
        if points.isEmpty {
            let known = try reading { db in try String.fetchAll(db, sql: "SELECT DISTINCT measure FROM run_summary ORDER BY measure") }
            throw HistoryError.unknownMeasure(file: path, measure: measure, known: known)
        }
        return points
    }

    /// The action list of the last run recorded with an as-at date before `asAt` (the
    /// latest such date; of its runs, the last recorded), or nil when there is none.
    public func previousActionList(before asAt: Day) throws -> (run: RecordedRun, pairs: Set<ActionPair>)? {
        guard let run = try runs().last(where: { $0.asAt < asAt.iso }) else { return nil }
        let pairs = try reading { db in
            var pairs = try Row.fetchAll(db, sql: "SELECT measure, case_id FROM run_action WHERE run_id = ?", arguments: [run.id])
                .map { ActionPair(measure: $0["measure"], caseID: $0["case_id"]) }
            for row in try Row.fetchAll(db, sql: "SELECT measure, records FROM run_action_blocks WHERE run_id = ? ORDER BY block",
                                        arguments: [run.id]) {
                let measure: String = row["measure"]
                let records = [UInt8]((row["records"] as Data?) ?? Data())
                let whole = FrontCodedRecords.forEach(records, fields: 3) { fields in
                    pairs.append(ActionPair(measure: measure, caseID: String(decoding: fields[0], as: UTF8.self)))
                }
                if !whole { throw HistoryError.unusable(file: path, reason: "run \(run.id)'s action list is damaged") }
            }
            return pairs
        }
        return (run, Set(pairs))
    }

    /// A KPI's value in every run recorded with an as-at date before `asAt` that has it,
    /// oldest first (a run without `--kpis`, or without this KPI, is left out).
    public func kpiSeries(measure: String, rate: String, before asAt: Day) throws -> [(asAt: String, value: Double?)] {
        try reading { db in
            try Row.fetchAll(db, sql: """
                SELECT r.as_at, k.value FROM run r JOIN run_kpi k ON k.run_id = r.id
                WHERE k.measure = ? AND k.rate = ? AND r.as_at < ? ORDER BY r.as_at, r.id
                """, arguments: [measure, rate, asAt.iso]).map { (asAt: $0["as_at"], value: $0["value"]) }
        }
    }

    /// The cases recorded for a run: (measure, case id, status, due date) in cases.csv's order.
    public func cases(run id: Int64) throws -> [(measure: String, caseID: String, status: String, due: String)] {
        try reading { db in
            var out: [(measure: String, caseID: String, status: String, due: String)] = []
            for row in try Row.fetchAll(db, sql: "SELECT measure, lines, coding FROM run_cases WHERE run_id = ? ORDER BY block",
                                        arguments: [id]) {
                let measure: String = row["measure"]
                let bytes = [UInt8]((row["lines"] as Data?) ?? Data())
                if row["coding"] as Int == 2 {
                    let whole = FrontCodedRecords.forEach(bytes, fields: 3) { f in
                        out.append((measure, String(decoding: f[0], as: UTF8.self),
                                    CasesBlocks.status(letter: String(decoding: f[1], as: UTF8.self)), String(decoding: f[2], as: UTF8.self)))
                    }
                    if !whole { throw HistoryError.unusable(file: path, reason: "run \(id)'s cases are damaged") }
                    continue
                }
                // Coding 1 (runs recorded before release 3): lines `case_id\tS\tdue`.
                for line in bytes.split(separator: 0x0A) {
                    let cells = line.split(separator: 0x09, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
                    guard cells.count == 3 else { continue }
                    out.append((measure, cells[0], CasesBlocks.status(letter: cells[1]), cells[2]))
                }
            }
            return out
        }
    }

    /// `PRAGMA integrity_check`'s answer: "ok" for a sound file.
    public func integrityCheck() throws -> String {
        try reading { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ") }
    }

    private func reading<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.read(body) } catch let error as HistoryError { throw error } catch {
            throw HistoryError.unusable(file: path, reason: Self.reason(error))
        }
    }
}

/// A test's handle on the middle of a write: with `EHCP_TIMELINESS_TEST_HISTORY_PAUSE`
/// set (seconds), the writer says so on stderr and sleeps inside its transaction, so that
/// a test can kill the process mid-write. Unset, it does nothing.
enum TestHooks {
    static func pauseInsideWrite() {
        guard let text = getenv("EHCP_TIMELINESS_TEST_HISTORY_PAUSE"), let seconds = UInt32(String(cString: text)) else { return }
        let line = Array("history: writing\n".utf8)
        _ = write(2, line, line.count)
        sleep(seconds)
    }
}

/// Where the recording thread reads the run's action rows from.
enum ActionRows {
    /// No action list.
    case none
    /// exceptions.csv, by its path.
    case file(String)
    /// exceptions.csv's rows coded already, as the blocks to insert.
    case coded([CasesBlocks.Block])
}

/// The action rows as the history keeps them: `FrontCodedRecords` (case id, status, due
/// date) in blocks of one measure, cut once they reach `CasesBlocks.blockSize`.
struct ActionCoder {
    private let actions = FrontCodedRecords(fields: 3, capacity: CasesBlocks.blockSize + 4096)
    private var measure: [UInt8] = []

    mutating func add(measure m: [UInt8], caseID: Span<UInt8>, status: Span<UInt8>, due: Span<UInt8>,
                      emit: (CasesBlocks.Block) throws -> Void) rethrows {
        if m != measure || actions.byteCount >= CasesBlocks.blockSize {
            try flush(emit: emit)
            measure = m
        }
        actions.append(caseID, status, due)
    }

    /// Hands on the block being made, if any.
    func flush(emit: (CasesBlocks.Block) throws -> Void) rethrows {
        guard actions.count > 0 else { return }
        try emit(CasesBlocks.Block(measure: String(decoding: measure, as: UTF8.self), count: actions.count, lines: actions.bytes))
        actions.removeAll()
    }

    /// The blocks of the rows (measure, case_id, due_date, status) of the exceptions.csv at `file`.
    static func code(file: String, emit: (CasesBlocks.Block) throws -> Void) throws {
        var coder = ActionCoder()
        func row(_ cells: [[UInt8]]) throws {
            let id = cells[1]
            let unneutralised = CasesBlocks.unneutralised(id[...])
            let status = cells[3], due = cells[2]
            if unneutralised.count == id.count {
                try coder.add(measure: cells[0], caseID: id.span, status: status.span, due: due.span, emit: emit)
            } else {
                let caseID = Array(unneutralised)
                try coder.add(measure: cells[0], caseID: caseID.span, status: status.span, due: due.span, emit: emit)
            }
        }
        try CasesBlocks.forEachRow(path: file, fields: [0, 1, 2, 3], row)
        try coder.flush(emit: emit)
    }
}

/// The action list's blocks coded from exceptions.csv's rows as the file is written (on
/// the thread that writes it), then handed to the recording thread (`written`): read back
/// from the file, the rows cost a second pass over it, about 25 ms of CPU for a 1M-row
/// run's 110,000 rows. The rows come in the file's order, so the blocks are the file's.
public final class ActionListCoder {
    private let pending: PendingRecord
    private var coder = ActionCoder()
    private var blocks: [CasesBlocks.Block] = []
    /// The last row's measure, and its bytes (most rows share their measure with the one before).
    private var measure = "", measureBytes: [UInt8] = []

    /// A coder whose blocks go to `pending` once exceptions.csv is written.
    public init(handingTo pending: PendingRecord) {
        self.pending = pending
    }

    /// A row of exceptions.csv: its measure, its case id as read (not neutralised), its due
    /// date (nil: none) and its status.
    public func add(measure m: String, caseID: Span<UInt8>, due: Day?, status: String) {
        if m != measure {
            measure = m
            measureBytes = Array(m.utf8)
        }
        var dueText: [UInt8] = []
        due?.appendISO(to: &dueText)
        Bytes.withUTF8(status) { status in
            coder.add(measure: measureBytes, caseID: caseID, status: status, due: dueText.span) { blocks.append($0) }
        }
    }

    /// exceptions.csv is written: its blocks go to the recording thread.
    public func written() {
        coder.flush { blocks.append($0) }
        pending.hand(blocks)
        blocks = []
    }
}

/// A run being recorded on a thread of its own (`RunHistory.recordInBackground`): the
/// caller hands it exceptions.csv's rows once written (`ActionListCoder`, optional), then
/// finishes it once all the outputs are written, or abandons it.
public final class PendingRecord: Sendable {
    /// Signalled once by `hand` and once by `finish` or `abandon`.
    private let goAhead = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private enum Decision {
        /// Commit, the action rows read from this exceptions.csv unless read already (nil: none).
        case commit(actionsFile: String?)
        case abandon
    }
    private struct State: ~Copyable {
        /// exceptions.csv's action rows, coded, not yet taken by the recording thread.
        var written: [CasesBlocks.Block]?
        /// Whether the recording thread read the action rows from `written`.
        var readEarly = false
        var decision: Decision?
        var outcome: Result<RecordOutcome?, any Error>?
    }
    private let state = Mutex(State())

    init() {}

    /// On the recording thread, once the cases are in: waits for exceptions.csv or for
    /// `finish` or `abandon`; nil: roll back.
    func waitForActions() -> ActionRows? {
        goAhead.wait()
        return state.withLock { s -> ActionRows? in
            if case .abandon? = s.decision { return nil }
            if let blocks = s.written.take() {
                s.readEarly = true
                return .coded(blocks)
            }
            if case .commit(let file)? = s.decision { return file.map { ActionRows.file($0) } ?? ActionRows.none }
            return nil
        }
    }

    /// On the recording thread, once the action rows are in: waits for `finish` or
    /// `abandon` (unless already heard) and says whether to commit.
    func waitForDecision() -> Bool {
        if state.withLock({ $0.readEarly }) { goAhead.wait() }
        return state.withLock { s in
            if case .commit? = s.decision { return true }
            return false
        }
    }

    func complete(_ outcome: Result<RecordOutcome?, any Error>) {
        state.withLock { s in
            s.outcome = outcome
            s.written = nil
        }
        finished.signal()
    }

    /// Hands the action list's blocks to the recording thread (once, before `finish` or `abandon`).
    func hand(_ blocks: [CasesBlocks.Block]) {
        let handed = state.withLock { s -> Bool in
            if s.outcome != nil { return false }  // finished already
            s.written = blocks
            return true
        }
        if handed { goAhead.signal() }
    }

    /// Adds the action rows of `actionsFile` (exceptions.csv, now written), unless handed
    /// over already by `hand`, commits, and returns whether the run was added or
    /// replaced one; throws what went wrong.
    public func finish(actionsFile: String?) throws -> RecordOutcome {
        state.withLock { $0.decision = .commit(actionsFile: actionsFile) }
        goAhead.signal()
        finished.wait()
        let outcome = state.withLock { $0.outcome }
        return try outcome?.get() ?? .added
    }

    /// Rolls the transaction back (the outputs could not be written: no run is recorded)
    /// and waits for the thread.
    public func abandon() {
        state.withLock { $0.decision = .abandon }
        goAhead.signal()
        finished.wait()
    }
}
