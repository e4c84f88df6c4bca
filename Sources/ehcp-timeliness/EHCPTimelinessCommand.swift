import ArgumentParser
import EHCPHistory
import EHCPIngest
import EHCPRules
import EHCPOutputs
import EHCPTimeliness
import Generator

#if canImport(Glibc)
import Glibc
#endif

@main
struct EHCPTimelinessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ehcp-timeliness",
        abstract: "Statutory timeliness of EHC needs assessments and plans, from case-management extracts.",
        discussion: """
            Reads CSV extracts, works out every statutory deadline for every case, and writes \
            compliance rates per cohort, the action list, a data-quality report and a JSON summary. \
            The rules and their citations are in the README.
            """ + "\n\nExit status: " + ExitStatus.allCases.map { "\($0.rawValue) \($0.meaning)" }.joined(separator: "; ") + ".",
        version: Tool.version,
        subcommands: [Analyse.self, Exceptions.self, History.self, Generate.self, Profile.self]
    )
}

/// Options shared by commands that analyse extracts.
struct AnalysisArguments: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Requests extract (CSV): one row per request for an EHC needs assessment.", valueName: "file"))
    var requests: String?

    @Option(name: .long, help: ArgumentHelp("Annual reviews extract (CSV): one row per review meeting; a plan not yet reviewed is one row with a blank meeting date.", valueName: "file"))
    var reviews: String?

    @Option(name: .long, help: ArgumentHelp("Phase transfers extract (CSV): one row per transfer.", valueName: "file"))
    var transfers: String?

    @Option(name: .long, help: ArgumentHelp("Re-assessments extract (CSV): one row per request to re-assess an existing plan (regs 25 and 27).", valueName: "file"))
    var reassessments: String?

    @Option(name: .long, help: ArgumentHelp("Tribunal orders extract (CSV): one row per First-tier Tribunal order or unopposed appeal (regs 44 and 45).", valueName: "file"))
    var orders: String?

    @Option(name: .long, help: ArgumentHelp("DfE SEN2 person-level return (XML, collection years 2023 to 2026): its requests, assessments, reviews and phase transfers, alone or with the other extracts.", valueName: "file"))
    var sen2: String?

    @Option(name: .customLong("as-at"), help: ArgumentHelp("The date the extract was taken (yyyy-mm-dd). Required: results never depend on the day the tool runs (with --sen2 as the only input it defaults to the return's ReferenceDate).", valueName: "date"))
    var asAt: String?

    @Option(name: .customLong("term-dates"), help: ArgumentHelp("The council's school closures (CSV: start_date,end_date[,description], both days included). A school_closure exception then stands only when a closure of 4 weeks or more has its window (one week before it starts to one week before the school re-opens) on the case's clock period, or on its school_advice_date; otherwise it is not applied and listed as a warning.", valueName: "file"))
    var termDates: String?

    @Option(name: .long, help: ArgumentHelp("Mapping profile (TOML) for an export whose headers, date formats or codes differ.", valueName: "file"))
    var profile: String?

    @Option(name: .long, help: ArgumentHelp("Cohort columns for the summary, comma-separated (any input column, or age_band).", valueName: "col,…"))
    var by: String?

    @Option(name: .long, help: ArgumentHelp("Reporting period: month, quarter (calendar), year, academic-year (Sept–Aug), financial-year (Apr–Mar) or financial-quarter (2025-26 Q2 = Jul–Sep 2025).", valueName: "unit"))
    var period: String = "month"

    @Option(name: .long, help: ArgumentHelp("Count in summary.csv, summary.json, the report and the console only cases completed, or due while open, on or after this date (yyyy-mm-dd). cases.csv and the action list keep every case.", valueName: "date"))
    var from: String?

    @Option(name: .long, help: ArgumentHelp("Count in summary.csv, summary.json, the report and the console only cases completed, or due while open, on or before this date (yyyy-mm-dd). cases.csv and the action list keep every case.", valueName: "date"))
    var to: String?

    @Option(name: .customLong("due-within"), help: ArgumentHelp("Open cases due within this many days join the action list.", valueName: "days"))
    var dueWithin: Int = 28

    @Option(name: .customLong("review-clock"), help: ArgumentHelp("When an annual review is complete: decision (the decision after the meeting is notified; default) or meeting (the meeting is held).", valueName: "clock"))
    var reviewClock: String = "decision"

    @Option(name: .customLong("transfer-deadline"), help: ArgumentHelp("Reading of \"before 15 February\": literal (by 14 February, 30 March post-16; default) or inclusive (by 15 February, 31 March).", valueName: "reading"))
    var transferDeadline: String = "literal"

    @Option(name: [.customLong("pseudonymise"), .customLong("pseudonymize")], help: ArgumentHelp("Key file: replace case_id and person_id in every output with a keyed hash (HMAC-SHA-256), the same each month with the same key. Make a key with: head -c 32 /dev/urandom > pseudonym.key", valueName: "keyfile"))
    var pseudonymise: String?

    @Option(name: .long, help: ArgumentHelp("Text encoding: auto (default: UTF-8, or Windows-1252 when that is certain), utf-8 or windows-1252.", valueName: "name"))
    var encoding: String?

    @Option(name: .long, help: ArgumentHelp("Field delimiter: comma, semicolon or tab (default: detected from the header line).", valueName: "char"))
    var delimiter: String?

    @Option(name: .long, help: ArgumentHelp("Which row of a case that appears more than once (in a SEN2 return: the same person id and ReceivedDate in two <Person>s) is analysed: first (default), last (when the export appends a case's newer state), or reject (none: every copy is rejected). data-quality.csv names the fields in which the copies differ.", valueName: "first|last|reject"))
    var duplicates: String?

    @Option(name: .long, help: ArgumentHelp("Threads that read a large extract (8 MB or more) in parallel; 1 reads in one pass. The outputs are identical either way. (default: one per core, at most 8)", valueName: "n"))
    var jobs: Int?

    @Option(name: .customLong("benchmark-la"), help: ArgumentHelp("Show DfE's published 20-week rates for this council (old code like 351 or new code like E08000002), its region and England beside the tool's own, per calendar year.", valueName: "code"))
    var benchmarkLA: String?

    @Option(name: .customLong("benchmark-file"), help: ArgumentHelp("A DfE timeliness_20_week.csv to use instead of the shipped copy (release of June 2025, years 2019–2024).", valueName: "file"))
    var benchmarkFile: String?

    @Option(name: .customLong("suppress-below"), help: ArgumentHelp("Blank the counts and rates of cohorts with fewer than n cases in summary.csv, summary.json and the reports (for publication).", valueName: "n"))
    var suppressBelow: Int?

    @Option(name: .long, help: ArgumentHelp("A target rate in percent (0–100), drawn on the report's charts.", valueName: "percent"))
    var target: Double?

    /// `--as-at`, or with a SEN2 return as the only input, the return's `ReferenceDate`.
    private func asAtDay(inputs: [InputFile]) throws -> Day {
        if let asAt {
            guard let day = Day(iso: asAt) else {
                throw ValidationError("--as-at \(asAt) is not a date; write it as yyyy-mm-dd, e.g. --as-at 2025-10-31")
            }
            return day
        }
        guard let sen2, inputs.count == 1 else {
            throw ValidationError("--as-at is required (the date the extracts were taken, yyyy-mm-dd); only a SEN2 return given alone supplies its own, its ReferenceDate")
        }
        let header: SEN2Header
        do { header = try SEN2Reader.header(path: sen2) } catch { Diagnostics.fail(error) }
        guard let reference = header.referenceDate, let day = Day(iso: reference.value) else {
            throw ValidationError("\(sen2) has no readable Header/CollectionDetails/ReferenceDate (\(header.referenceDate?.value ?? "none")); give --as-at yyyy-mm-dd")
        }
        return day
    }

    func options() throws -> AnalysisOptions {
        var inputs: [InputFile] = []
        if let requests { inputs.append(InputFile(kind: .requests, path: requests)) }
        if let reviews { inputs.append(InputFile(kind: .reviews, path: reviews)) }
        if let transfers { inputs.append(InputFile(kind: .transfers, path: transfers)) }
        if let reassessments { inputs.append(InputFile(kind: .reassessments, path: reassessments)) }
        if let orders { inputs.append(InputFile(kind: .orders, path: orders)) }
        if let sen2 { inputs.append(InputFile(kind: .sen2, path: sen2)) }
        guard !inputs.isEmpty else {
            throw ValidationError("give at least one extract: --requests FILE, --reviews FILE, --transfers FILE, --reassessments FILE, --orders FILE or --sen2 FILE")
        }
        // A return's persons carry no dimension: refused here, before any file is read
        // (the run would otherwise stop only after reading the whole return).
        let byNames = (by ?? "").split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
        if let first = byNames.first, inputs.allSatisfy({ $0.kind == .sen2 }) {
            throw ValidationError("--by \(first): a SEN2 return has no columns to group by (no team, caseworker or other dimension), so a return given alone supports no --by value; leave out --by, or give it with a --requests, --reviews or --transfers extract that has the column")
        }
        let asAtDay = try asAtDay(inputs: inputs)
        var options = AnalysisOptions(inputs: inputs, asAt: asAtDay)
        options.profilePath = profile
        options.termDatesPath = termDates
        options.by = (by ?? "").split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
        guard let unit = PeriodUnit(rawValue: period) else {
            throw ValidationError("--period \(period) is not a period; use one of " + PeriodUnit.allCases.map(\.rawValue).joined(separator: ", "))
        }
        options.period = unit
        options.window = try window()
        guard let clock = ReviewClock(rawValue: reviewClock) else {
            throw ValidationError("--review-clock \(reviewClock) is not a clock; use decision or meeting")
        }
        options.reviewClock = clock
        guard let reading = TransferDeadline(rawValue: transferDeadline) else {
            throw ValidationError("--transfer-deadline \(transferDeadline) is not a reading; use literal or inclusive")
        }
        options.transferDeadline = reading
        guard AnalysisOptions.dueWithinRange.contains(dueWithin) else {
            throw ValidationError("--due-within must be from \(AnalysisOptions.dueWithinRange.lowerBound) to "
                + "\(AnalysisOptions.dueWithinRange.upperBound) days, e.g. --due-within 28")
        }
        options.dueWithin = dueWithin
        options.pseudonymiseKeyPath = pseudonymise
        if let encoding {
            guard let value = TextEncoding(name: encoding) else {
                throw ValidationError("--encoding \(encoding) is not supported; use utf-8, windows-1252 or auto")
            }
            options.encoding = value
        }
        if let benchmarkLA {
            guard !benchmarkLA.trimmingSpaces().isEmpty else {
                throw ValidationError("--benchmark-la needs an LA code, e.g. --benchmark-la 351 or --benchmark-la E08000002")
            }
            options.benchmarkLA = benchmarkLA.trimmingSpaces()
        }
        if let benchmarkFile {
            guard benchmarkLA != nil else {
                throw ValidationError("--benchmark-file needs --benchmark-la CODE: the council whose figures to show")
            }
            options.benchmarkFile = benchmarkFile
        }
        if let suppressBelow {
            guard suppressBelow >= 1 else { throw ValidationError("--suppress-below must be 1 or more cases, e.g. --suppress-below 10") }
            options.suppressBelow = suppressBelow
        }
        if let target {
            guard target.isFinite, target >= 0, target <= 100 else {
                throw ValidationError("--target must be a percentage from 0 to 100, e.g. --target 90")
            }
            options.target = target
        }
        if let delimiter {
            guard let byte = Delimiter.parse(delimiter) else {
                throw ValidationError("--delimiter \(delimiter) is not supported; use comma, semicolon or tab")
            }
            options.delimiter = byte
        }
        if let duplicates {
            guard let policy = DuplicatePolicy(rawValue: duplicates.trimmingSpaces().lowercased()) else {
                throw ValidationError("--duplicates \(duplicates) is not a choice; use first, last or reject")
            }
            options.duplicates = policy
        }
        if let jobs {
            guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be from 1 to 64 threads, e.g. --jobs 2") }
            options.jobs = jobs
        }
        return options
    }

    /// `--from` and `--to`, each a real date, the first not after the second.
    private func window() throws -> DateWindow {
        func day(_ text: String?, _ name: String) throws -> Day? {
            guard let text else { return nil }
            guard let day = Day(iso: text) else {
                throw ValidationError("--\(name) \(text) is not a date; write it as yyyy-mm-dd, e.g. --\(name) 2025-04-01")
            }
            return day
        }
        let window = DateWindow(from: try day(from, "from"), to: try day(to, "to"))
        if let start = window.from, let end = window.to, start > end {
            throw ValidationError("--from \(start.iso) is after --to \(end.iso); the window runs from the earlier date to the later, both included")
        }
        return window
    }
}

struct Analyse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyse",
        abstract: "Analyse extracts and write cases.csv, summary.csv, exceptions.csv, data-quality.csv, backlog.csv (the open caseload at every month end, for every measure), summary.json, report.html and report.md.",
        aliases: ["analyze"]
    )

    @OptionGroup var arguments: AnalysisArguments

    @Option(name: .long, help: ArgumentHelp("Folder for the outputs (created when missing).", valueName: "dir"))
    var out: String

    @Flag(name: .long, help: "Also write ehcp-timeliness.xlsx: the action list (real dates, filters, overdue rows shaded), the summary, data quality and the run's settings, for Excel.")
    var xlsx = false

    @Option(name: .long, help: ArgumentHelp("Run history (SQLite, created when missing): add this run to it (a run with the same as-at date and settings is replaced). See the history command and exceptions --new-only.", valueName: "file"))
    var history: String?

    @Option(name: .long, help: ArgumentHelp("The improvement plan's KPIs (TOML, [[kpi]] tables: measure, target, optional name, rate, baseline, amber_within): a KPI table opens the report and summary.json gains kpis; with --history, each KPI's previous value, baseline and trend.", valueName: "file"))
    var kpis: String?

    func run() throws {
        var options = try arguments.options()
        options.showProgress = isatty(2) != 0
        do {
            // The KPIs read and the history's folder checked first: a mistake there stops the run before any work.
            let definitions = try kpis.map(KPIFile.load(path:))
            try history.map(RunHistory.checkFolder(of:))
            let historyCases = try history.map { _ in try HistoryCases(options: options) }
            let (run, values) = try AnalysedRun.analyse(options, kpis: definitions != nil, historyCases: historyCases)
            // The history opened (created or upgraded) only now, still before any output is
            // written: SQLite's and GRDB's code (about 3.6 MB resident once run) then misses
            // the analysis' peak, which it took over 64 MB for a 1M-row run.
            let store = try history.map(RunHistory.init(path:))
            let board = try definitions.map { defs in
                try KPIs.rows(defs, run: run, tally: values!, earlier: store.map { s in
                    { measure, rate in try s.kpiSeries(measure: measure.rawValue, rate: rate.rawValue, before: options.asAt) }
                })
            }
            // The history is written on a second thread while the outputs are (committed after them).
            let pending = try store.map { try HistoryRecording.start(run, kpis: board ?? [], cases: historyCases!, in: $0) }
            do {
                let files = OutputFiles.all(run, once: true, xlsx: xlsx, kpis: board,
                                            actionRows: pending.map(HistoryRecording.actionRows(for:)))
                try OutputFolder.write(files, to: out, dropping: xlsx ? [] : [Workbook.fileName])
            } catch {
                pending?.abandon()
                throw error
            }
            let recorded = try pending.map { try HistoryRecording.finish($0, outputFolder: out) }
            Console.stderr(ConsoleSummary.rejections(run.result))
            print(ConsoleSummary.text(run.result, actionListCount: try run.actionListCount(),
                                      notChecked: try run.uncheckedCount(), outputFolder: out, workbook: xlsx),
                  terminator: "")
            if let recorded, let history {
                print("Run \(recorded == .replaced ? "replaced (same as-at date and settings)" : "added") in the history \(history)")
            }
        } catch {
            Diagnostics.fail(error)
        }
    }
}

struct Exceptions: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the action list (the cases of exceptions.csv): overdue cases and cases due soon, for e-mail or scripts.",
        discussion: """
            Takes the same inputs and options as analyse and writes no files. Prints nothing at all, on stdout \
            or stderr, when the list is empty, so a cron job mails only when there is something to do. \
            Rejected rows are not reported unless --verbose (run analyse for data-quality.csv). \
            Exit status: 0 when the list was printed (or is empty); 1 with --fail-on-overdue when a listed \
            case is overdue; 2 when a fatal problem stopped the run (a missing file or column, an unknown \
            --group-by, --where or --split-by column, a --where value no case has, an --out folder that cannot \
            be written or holds other files); 64 for a mistake in the command line.

            With --split-by COLUMN --out DIR it prints nothing and writes one list per value of the column \
            into DIR instead (COLUMN-VALUE.csv, exactly exceptions.csv's columns and that value's rows; \
            COLUMN-unassigned.csv for a blank value; .xlsx with --xlsx). DIR then holds those files only: \
            an earlier split's files are replaced, and a folder holding anything else is refused.
            """
    )

    @OptionGroup var arguments: AnalysisArguments

    @Option(name: .long, help: ArgumentHelp("text (a table per group, for e-mail; default), csv (exactly exceptions.csv), json or markdown.", valueName: "format"))
    var format: String = "text"

    @Option(name: .customLong("group-by"), help: ArgumentHelp("Group by team (the default when the extract has it), caseworker, any input column or age_band; none for one list.", valueName: "col"))
    var groupBy: String?

    @Option(name: .customLong("where"), help: ArgumentHelp("List only cases whose column has this value (ignoring case), e.g. --where team=North. Repeat it: values of one column are alternatives, different columns must all match.", valueName: "col=value"))
    var conditions: [String] = []

    @Flag(name: .customLong("fail-on-overdue"), help: "Exit with status 1 when a listed case is overdue (after printing the list).")
    var failOnOverdue = false

    @Flag(name: .long, help: "Also print rows read, analysed and rejected, and the first rejected rows, on stderr.")
    var verbose = false

    @Option(name: .long, help: ArgumentHelp("Run history (SQLite) that analyse --history writes; read only, for --new-only. exceptions never records a run.", valueName: "file"))
    var history: String?

    @Flag(name: .customLong("new-only"), help: "List only the (case, measure) pairs that were not on the action list of the last run in --history with an earlier as-at date; print nothing when none is new. With --split-by, only the new pairs are split (a value with nothing new gets no file).")
    var newOnly = false

    @Option(name: .customLong("split-by"), help: ArgumentHelp("Write one list per value of this column (team, caseworker, any input column or age_band) into --out, for mailing each its own cases.", valueName: "col"))
    var splitBy: String?

    @Option(name: .long, help: ArgumentHelp("With --split-by: the folder for the lists (created when missing; it holds only these lists).", valueName: "dir"))
    var out: String?

    @Flag(name: .long, help: "With --split-by: write each list as an Excel workbook (.xlsx) instead of CSV.")
    var xlsx = false

    func validate() throws {
        if splitBy == nil && (out != nil || xlsx) {
            throw ValidationError("--out and --xlsx go with --split-by COLUMN (exceptions prints the list; analyse --out DIR --xlsx writes the workbook)")
        }
        if let splitBy {
            guard out != nil else { throw ValidationError("--split-by \(splitBy) needs --out DIR: the folder for the lists") }
            guard groupBy == nil else { throw ValidationError("--split-by and --group-by do not go together: each file is one group") }
            guard !ActionList.isNone(splitBy), !splitBy.trimmingSpaces().isEmpty else {
                throw ValidationError("--split-by needs a column, e.g. --split-by team")
            }
        }
    }

    func run() throws {
        let options = try arguments.options()
        if let splitBy, let out { return try split(options, column: splitBy, out: out) }
        guard let format = ActionListFormat(rawValue: format) else {
            throw ValidationError("--format \(format) is not a format; use one of " + ActionListFormat.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let filters = try conditions.map { text in
            guard let filter = ActionListFilter(parsing: text) else {
                throw ValidationError("--where \(text): write COLUMN=VALUE, e.g. --where team=North")
            }
            return filter
        }
        if newOnly && history == nil { throw ValidationError("--new-only needs --history FILE: the runs to compare with") }
        var list: ActionList
        do {
            list = try ActionList.make(options, query: ActionListQuery(groupBy: groupBy, filters: filters))
            if newOnly, let history { list = try NewOnly.filter(list, asAt: options.asAt, history: history) }
        } catch {
            Diagnostics.fail(error)
        }
        if verbose { Console.stderr(list.diagnostics) }
        Console.stdout(list.formatted(format))
        if failOnOverdue && list.hasOverdue { throw ExitCode(ExitStatus.overdue.rawValue) }
    }

    /// `--split-by`: the lists written into `out`, nothing printed (with --verbose, the
    /// diagnostics and the files written, on stderr); the exit status as without it.
    private func split(_ options: AnalysisOptions, column: String, out: String) throws {
        if newOnly && history == nil { throw ValidationError("--new-only needs --history FILE: the runs to compare with") }
        let filters = try conditions.map { text in
            guard let filter = ActionListFilter(parsing: text) else {
                throw ValidationError("--where \(text): write COLUMN=VALUE, e.g. --where team=North")
            }
            return filter
        }
        var list: ActionList
        let names: [String]
        do {
            list = try ActionList.make(options, query: ActionListQuery(groupBy: column, filters: filters, groupOption: "--split-by"))
            // --new-only: only the new pairs, then split (a value with nothing new gets no file).
            if newOnly, let history { list = try NewOnly.filter(list, asAt: options.asAt, history: history) }
            names = try SplitActionLists.write(list, to: out, xlsx: xlsx)
        } catch {
            Diagnostics.fail(error)
        }
        if verbose {
            Console.stderr(list.diagnostics)
            Console.stderr("wrote \(names.count) list\(names.count == 1 ? "" : "s") into \(out)" + names.map { "\n  " + $0 }.joined() + "\n")
        }
        if failOnOverdue && list.hasOverdue { throw ExitCode(ExitStatus.overdue.rawValue) }
    }
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write synthetic requests, reviews, transfers, re-assessments and Tribunal orders extracts (and the requests as another system would export them, with its profile)."
    )

    @Option(name: .long, help: ArgumentHelp("Folder to write into.", valueName: "dir"))
    var out: String

    @Option(name: .long, help: "Random seed: the same seed gives the same files.")
    var seed: UInt64 = 1

    @Option(name: .long, help: ArgumentHelp("Number of request rows.", valueName: "n"))
    var requests: Int = 3000

    @Option(name: .long, help: ArgumentHelp("Number of plans in the reviews extract (one row per review meeting, one for a plan not yet reviewed).", valueName: "n"))
    var reviews: Int = 1200

    @Option(name: .long, help: ArgumentHelp("Number of phase-transfer rows.", valueName: "n"))
    var transfers: Int = 600

    @Option(name: .long, help: ArgumentHelp("Number of random re-assessment requests (the boundary rows are added to them); 0 writes no reassessments.csv.", valueName: "n"))
    var reassessments: Int = 300

    @Option(name: .long, help: ArgumentHelp("Number of random Tribunal orders (the boundary rows are added to them); 0 writes no orders.csv.", valueName: "n"))
    var orders: Int = 300

    @Option(name: .customLong("as-at"), help: ArgumentHelp("The date the synthetic extract is taken (yyyy-mm-dd).", valueName: "date"))
    var asAt: String

    @Flag(name: .long, help: "Write only a synthetic SEN2 return, sen2.xml: --requests persons (the requests of the same seed as a return records them, with plans, boundary cases and a few bad elements), ReferenceDate --as-at.")
    var sen2 = false

    func run() throws {
        guard let day = Day(iso: asAt) else { throw ValidationError("--as-at \(asAt) is not a date; write it as yyyy-mm-dd") }
        guard requests >= 0 else { throw ValidationError("--requests must be 0 or more") }
        guard reviews >= 0 else { throw ValidationError("--reviews must be 0 or more") }
        guard transfers >= 0 else { throw ValidationError("--transfers must be 0 or more") }
        guard reassessments >= 0 else { throw ValidationError("--reassessments must be 0 or more") }
        guard orders >= 0 else { throw ValidationError("--orders must be 0 or more") }
        if sen2 {
            do {
                try OutputFolder.makeFolders(out)
                try SEN2Generator(seed: seed, persons: requests, asAt: day).write(to: out + "/" + SampleData.sen2File)
                print("wrote \(out)/\(SampleData.sen2File)")
            } catch {
                Diagnostics.fail(error)
            }
            return
        }
        do {
            let written = try SampleData.write(to: out, seed: seed, requests: requests, reviews: reviews,
                                               transfers: transfers, reassessments: reassessments, orders: orders, asAt: day)
            print("wrote " + written.map { "\(out)/\($0)" }.joined(separator: ", "))
        } catch {
            Diagnostics.fail(error)
        }
    }
}

struct Profile: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Mapping profiles: draft one from an export.",
        subcommands: [ProfileInit.self]
    )
}

struct ProfileInit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Draft a mapping profile (TOML) from an export's header and values, on stdout.",
        discussion: """
            Matches each canonical field of the extract's kind to the closest header (ignoring case, spaces and \
            punctuation, then by likeness: a guess says so in a comment; a field with no close header is a \
            commented line), lists the date formats the date columns use (a [dates] list only when the file \
            needs one), and for every code column each value with its count and a guess of its code (a value \
            with no guess is commented out, with the accepted codes). Check the draft, then use it with \
            --profile. Example: ehcp-timeliness profile init export.csv > my-system.toml
            """
    )

    @Argument(help: ArgumentHelp("The export (CSV) to draft a profile for.", valueName: "file"))
    var file: String

    @Option(name: .long, help: ArgumentHelp("The kind of extract: requests, reviews, transfers, reassessments or orders (default: guessed from the header, and said so at the top of the draft).", valueName: "kind"))
    var kind: String?

    func validate() throws {
        if let kind, ExtractKind(rawValue: kind) == nil {
            throw ValidationError("--kind \(kind) is not a kind of extract; use requests, reviews, transfers, reassessments or orders")
        }
    }

    func run() throws {
        do {
            Console.stdout(try ProfileDraft.draft(path: file, kind: kind.flatMap(ExtractKind.init(rawValue:))).toml)
        } catch {
            Diagnostics.fail(error)
        }
    }
}

enum Diagnostics {
    /// Prints an input or output problem for a person and exits non-zero.
    static func fail(_ error: any Error) -> Never {
        Console.stderr("ehcp-timeliness: error: \(error)\n")
        exit(ExitStatus.fatal.rawValue)
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
