import EHCPRules
import EHCPStore
import EHCPIngest
import EHCPTimeliness
import Synchronization

/// A finished analysis with the sinks that took its cases: everything `analyse` writes.
@dynamicMemberLookup
public struct AnalysedRun {
    public let result: AnalysisResult
    public let cases: CasesFile
    public let actions: ActionListStore

    /// Analyses the extracts `options` names into cases.csv's and the action list's sinks.
    public static func analyse(_ options: AnalysisOptions) throws -> AnalysedRun {
        let cases = try CasesFile(options: options), actions = ActionListStore(options: options)
        return AnalysedRun(result: try Analysis.run(options, sinks: [cases, actions]), cases: cases, actions: actions)
    }

    public init(result: AnalysisResult, cases: CasesFile, actions: ActionListStore) {
        self.result = result; self.cases = cases; self.actions = actions
    }

    /// A run from cases already evaluated (tests and tools that build cases by hand).
    public init(options: AnalysisOptions, byColumns: [String], cases: [CaseResult], problems: [DataQualityProblem],
                inputs: [InputSummary], hasTeam: Bool, hasCaseworker: Bool) throws {
        var options = options
        options.by = byColumns
        let file = try CasesFile(options: options), actions = ActionListStore(options: options)
        self.init(result: try AnalysisResult(options: options, byColumns: byColumns, cases: cases, problems: problems,
                                             inputs: inputs, hasTeam: hasTeam, hasCaseworker: hasCaseworker,
                                             sinks: [file, actions]),
                  cases: file, actions: actions)
    }

    public subscript<T>(dynamicMember path: KeyPath<AnalysisResult, T>) -> T { result[keyPath: path] }

    /// The number of cases on the action list.
    public func actionListCount() throws -> Int { try actions.count(retracted: result.retracted) }

    /// The action list: open overdue cases, and open cases due within `dueWithin` days,
    /// by due date, measure and case id.
    public func actionList() throws -> [CaseResult] { try actions.all(retracted: result.retracted) }

    /// The cases the run could not check (rejected rows, measures left out), in input order:
    /// the end of the action list.
    public func uncheckedList() throws -> [UncheckedCase] { try actions.allUnchecked(retracted: result.retracted) }

    /// The number of cases the run could not check.
    public func uncheckedCount() throws -> Int { try actions.uncheckedCount(retracted: result.retracted) }
}

/// The files of outputs.md, built from a finished analysis.
public enum OutputFiles {
    /// cases.csv: one row per case and measure.
    public static func cases(_ run: AnalysedRun) throws -> String {
        var text: [UInt8] = []
        try run.cases.write(retracted: run.result.retracted) { text.append($0) }
        return String(decoding: text, as: UTF8.self)
    }

    /// summary.csv: one row per measure, period and cohort; with `--suppress-below N`
    /// a cohort of fewer than N cases keeps its measure, period and cohort but every
    /// count and rate cell is blank.
    public static func summary(_ result: AnalysisResult) -> String {
        var w = CSVWriter(header: SummaryRow.header(byColumns: result.byColumns))
        for row in result.summary { w.appendRow(row.cells(suppressed: result.options.suppresses(row))) }
        return w.text
    }

    /// The `--by` columns that the action list adds after team and caseworker.
    package static func actionByColumns(_ result: AnalysisResult) -> [(name: String, index: Int)] {
        result.byColumns.enumerated().compactMap { i, name in
            let key = NameMatching.key(name)
            if result.hasTeam && key == "team" || result.hasCaseworker && key == "caseworker" { return nil }
            return (name, i)
        }
    }

    /// exceptions.csv: the action list (cases needing action on the as-at date).
    public static func exceptions(_ run: AnalysedRun) throws -> String {
        var text: [UInt8] = []
        try writeExceptions(run) { text.append(contentsOf: $0) }
        return String(decoding: text, as: UTF8.self)
    }

    /// exceptions.csv in pieces of about 1 MiB, read back from the action list's sort;
    /// `observer`, when given, is told of each row as it is written.
    package static func writeExceptions(_ run: AnalysedRun, observer: (any ActionRowsObserver)? = nil,
                                        emit: ([UInt8]) throws -> Void) throws {
        let result = run.result
        let layout = ActionTableLayout(result)
        var w = CSVWriter(header: layout.header)
        let asAt = result.options.asAt
        try run.actions.forEachEntry(retracted: result.retracted) { entry, text in
            layout.append(entry, text: text, asAt: asAt, to: &w)
            try observer?.row(measure: entry.measure.rawValue, caseID: text.span.extracting(entry.caseID),
                              due: entry.due, status: entry.status.rawValue)
            try w.emitIfFull(emit)
        }
        try run.actions.forEachUnchecked(retracted: result.retracted) { u in
            for row in layout.cells(u) { w.appendRow(row) }
            if let observer {
                try Bytes.withUTF8(u.caseID) { id in
                    for measure in layout.uncheckedMeasures(u) {
                        try observer.row(measure: measure?.rawValue ?? "", caseID: id, due: nil, status: notChecked)
                    }
                }
            }
            try w.emitIfFull(emit)
        }
        try emit(w.bytes)
    }

    /// The action list `items` as exceptions.csv's header and rows, cells as read (not
    /// yet neutralised for spreadsheets), in the list's order.
    public static func actionTable(_ result: AnalysisResult, items: [CaseResult],
                                   unchecked: [UncheckedCase] = []) -> (header: [String], rows: [[String]]) {
        let layout = ActionTableLayout(result)
        return (layout.header, items.map { layout.cells($0, asAt: result.options.asAt) } + unchecked.flatMap(layout.cells))
    }

    /// exceptions.csv's status for a case the run could not check.
    public static let notChecked = "not_checked"

    /// exceptions.csv's columns: team and caseworker when an input has them, then the
    /// `--by` columns not already among them. The one list both renderings follow: the
    /// table of `CaseResult`s and the file written from the action list's stored entries.
    package struct ActionTableLayout {
        package enum Column {
            case measure, caseID, dueDate, status, daysFromDue, exception, team, caseworker
            /// A `--by` value, by its place among the result's dimensions.
            case dimension(Int)
        }

        package let columns: [Column]
        package let header: [String]

        package init(_ result: AnalysisResult) {
            let extra = actionByColumns(result)
            var columns: [Column] = [.measure, .caseID, .dueDate, .status, .daysFromDue, .exception]
            var header = ["measure", "case_id", "due_date", "status", "days_from_due", "exception"]
            if result.hasTeam { columns.append(.team); header.append("team") }
            if result.hasCaseworker { columns.append(.caseworker); header.append("caseworker") }
            self.columns = columns + extra.map { .dimension($0.index) }
            self.header = header + extra.map(\.name)
        }

        /// The rows of a case that could not be checked: one per measure left out (one with a
        /// blank measure for a rejected row), status `not_checked`, no due date.
        package func cells(_ u: UncheckedCase) -> [[String]] {
            uncheckedMeasures(u).map { measure in
                columns.map { column in
                    switch column {
                    case .measure: return measure?.rawValue ?? ""
                    case .caseID: return u.caseID
                    case .dueDate, .daysFromDue, .exception: return ""
                    case .status: return OutputFiles.notChecked
                    case .team: return u.team ?? ""
                    case .caseworker: return u.caseworker ?? ""
                    case .dimension(let i): return i < u.dimensions.count ? u.dimensions[i] : ""
                    }
                }
            }
        }

        /// The measure of each of `cells(u)`'s rows: those left out, or one nil for a rejected row.
        package func uncheckedMeasures(_ u: UncheckedCase) -> [MeasureID?] {
            u.measures.isEmpty ? [nil] : u.measures.map(Optional.some)
        }

        /// The same row, from an entry read in place (its texts in `text`), with no strings made.
        package func append(_ e: ActionEntry, text: [UInt8], asAt: Day, to w: inout CSVWriter) {
            let span = text.span
            for column in columns {
                switch column {
                case .measure: w.append(e.measure.rawValue)
                case .caseID: w.append(cell: span.extracting(e.caseID))
                case .dueDate: w.append(e.due as Day?)
                case .status: w.append(e.status.rawValue)
                case .daysFromDue: w.append((e.completed ?? asAt) - e.due)
                case .exception: w.append(e.exception?.rawValue ?? "")
                case .team: w.append(cell: span.extracting(e.team ?? 0..<0))
                case .caseworker: w.append(cell: span.extracting(e.caseworker ?? 0..<0))
                case .dimension(let i): w.append(cell: span.extracting(i < e.dimensions.count ? e.dimensions[i] : 0..<0))
                }
            }
            w.endRow()
        }

        package func cells(_ c: CaseResult, asAt: Day) -> [String] {
            columns.map { column in
                switch column {
                case .measure: return c.measure.rawValue
                case .caseID: return c.caseID
                case .dueDate: return c.due.iso
                case .status: return c.status.rawValue
                case .daysFromDue: return String((c.completed ?? asAt) - c.due)
                case .exception: return c.exception?.rawValue ?? ""
                case .team: return c.team ?? ""
                case .caseworker: return c.caseworker ?? ""
                case .dimension(let i): return c.dimensions[i]
                }
            }
        }
    }

    /// data-quality.csv: every rejected row and every warning.
    public static func dataQuality(_ result: AnalysisResult) throws -> String {
        var bytes: [UInt8] = []
        try writeDataQuality(result) { bytes.append(contentsOf: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// data-quality.csv in pieces of about 1 MiB, straight from the run's problem list.
    package static func writeDataQuality(_ result: AnalysisResult, emit: ([UInt8]) throws -> Void) throws {
        var w = CSVWriter(header: ["file", "line", "case_id", "column", "value", "severity", "problem"])
        try result.problems.forEach { p in
            w.append(p.file)
            if p.line == 0 { w.appendEmpty() } else { w.append(p.line) }
            w.append(p.caseID); w.append(p.column); w.append(p.value); w.append(p.severity.rawValue); w.append(p.problem)
            w.endRow()
            try w.emitIfFull(emit)
        }
        try emit(w.bytes)
    }

    /// summary.json: the whole run as one object with sorted keys.
    public static func summaryJSON(_ result: AnalysisResult, kpis: [KPIRow]? = nil) -> String {
        let options = result.options
        var settings: [String: JSONValue] = [:]
        for s in result.options.settings { settings[s.key] = .string(s.value) }
        let inputs: [JSONValue] = result.inputs.map { i in
            .object(["kind": .string(i.kind.rawValue), "name": .string(i.file), "rows_read": .int(i.rowsRead),
                     "analysed": .int(i.analysed), "rejected": .int(i.rejected), "sha256": .string(i.sha256)])
        }
        let header = SummaryRow.header(byColumns: result.byColumns)
        var measures: [JSONValue] = []
        for def in options.rules.measures.definitions {
            let measure = def.id
            let rows = result.summary.filter { $0.measure == measure }
            guard !rows.isEmpty else { continue }
            measures.append(.object([
                "id": .string(measure.rawValue), "citation": .string(def.citation), "title": .string(def.title),
                "rows": .array(rows.map { row in
                    var object: [String: JSONValue] = [:]
                    for (name, cell) in zip(header, row.cells()) { object[name] = .string(cell) }
                    if options.suppressBelow != nil { object["suppressed"] = .bool(options.suppresses(row)) }
                    if options.suppresses(row) {
                        for name in SummaryRow.valueColumns { object[name] = .null }
                        return .object(object)
                    }
                    object["cases"] = .int(row.cases); object["on_time"] = .int(row.onTime); object["late"] = .int(row.late)
                    object["open_in_time"] = .int(row.openInTime); object["open_overdue"] = .int(row.openOverdue)
                    object["excepted"] = .int(row.excepted)
                    object["rate_excl_exceptions"] = number(row.rateExclExceptions)
                    object["rate_incl_exceptions"] = number(row.rateInclExceptions)
                    object["rate_incl_overdue"] = number(row.rateInclOverdue)
                    object["ci95_low"] = number(row.ci95Low); object["ci95_high"] = number(row.ci95High)
                    object["median_days"] = number(row.medianDays)
                    object["not_measured"] = row.isAllPeriods ? .int(row.notMeasured) : .null
                    object["short_representation"] = row.shortRepresentation.map(JSONValue.int) ?? .null
                    return .object(object)
                }),
            ]))
        }
        let errors = result.problems.errors
        var top: [String: JSONValue] = [
            "tool": .object(["name": .string(Tool.name), "version": .string(Tool.version)]),
            "rules": .object(["version": .string(RuleSet.version), "settings": .object(settings)]),
            "as_at": .string(result.options.asAt.iso),
            "inputs": .array(inputs),
            "measures": .array(measures),
            "data_quality": .object(["errors": .int(errors), "warnings": .int(result.problems.count - errors)]),
        ]
        if let benchmark = result.benchmark { top["benchmark"] = benchmarkJSON(benchmark, options: options) }
        if let kpis { top["kpis"] = KPIs.json(kpis) }
        return JSONValue.object(top).rendered()
    }

    /// The benchmark table: published rates (null for DfE's x, z, c) beside the tool's own;
    /// with `--suppress-below N`, own counts of a year with fewer than N plans are null.
    package static func benchmarkJSON(_ table: BenchmarkTable, options: AnalysisOptions) -> JSONValue {
        .object([
            "la_code": .string(table.laCode), "la_name": .string(table.laName), "region": .string(table.regionName),
            "source": .string(table.source),
            "rows": .array(table.rows.map { row in
                let hidden = options.suppresses(row)
                var object: [String: JSONValue] = [
                    "year": .int(row.year),
                    "own_plans": hidden ? .null : .int(row.ownPlans),
                    "own_within_20_weeks": hidden ? .null : .int(row.ownWithin20Weeks),
                    "own_rate": hidden ? .null : number(row.ownRate),
                    "published_rate": number(row.publishedRate), "region_rate": number(row.regionRate),
                    "england_rate": number(row.englandRate),
                ]
                if options.suppressBelow != nil { object["suppressed"] = .bool(hidden) }
                return .object(object)
            }),
        ])
    }

    private static func number(_ value: Double?) -> JSONValue { value.map(JSONValue.number) ?? .null }

    /// Every file of the contract, by name. With `once`, the cases' temporary files are
    /// emptied as cases.csv is written (see `CaseCollector.writeCases`): the entries can
    /// then be written only once, as the command line does. With `xlsx`, the Excel workbook
    /// too; with `kpis`, the improvement board's table in the reports and summary.json;
    /// with `actionRows`, exceptions.csv's rows are told to it as the file is written.
    public static func all(_ run: AnalysedRun, once: Bool = false, xlsx: Bool = false, kpis: [KPIRow]? = nil,
                           actionRows: (any ActionRowsObserver)? = nil) -> [OutputEntry] {
        let result = run.result
        let model = SharedReportModel {
            var model = ReportModel(result)
            model.kpis = kpis
            return model
        }
        let actionListPass = ActionListPass()
        return [
            OutputEntry(name: "cases.csv") { sink in
                try run.cases.write(retracted: result.retracted, discarding: once, to: sink, writers: result.options.jobs)
            },
            OutputEntry(name: "summary.csv", text: { summary(result) }),
            OutputEntry(name: "exceptions.csv") { sink in
                try actionListPass.run { try writeExceptions(run, observer: actionRows) { try sink.write($0) } }
                actionRows?.written()
            },
            OutputEntry(name: "data-quality.csv") { sink in try writeDataQuality(result) { try sink.write($0) } },
            OutputEntry(name: "backlog.csv", text: { backlog(result) }),
            OutputEntry(name: "summary.json", text: { summaryJSON(result, kpis: kpis) }),
            OutputEntry(name: "report.html", text: { HTMLReport.render(model.value) }),
            OutputEntry(name: "report.md", text: { MarkdownReport.render(model.value) }),
        ] + (xlsx ? [Workbook.entry(run, actionListPass: actionListPass)] : [])
    }
}

/// Takes exceptions.csv's rows as the file is written, in its order: the run history
/// codes its copy of the action list from them instead of reading the file back.
public protocol ActionRowsObserver: AnyObject {
    /// A row: its measure (empty for a rejected row's), its case id as read (not
    /// neutralised for spreadsheets), its due date (nil: none) and its status.
    func row(measure: String, caseID: Span<UInt8>, due: Day?, status: String) throws
    /// exceptions.csv is written whole.
    func written()
}

/// The reports' model, made by the first report written and shared with the other. Making
/// it waits for the data-quality list (its section counts the problems), which is sorted on
/// a thread of its own after the analysis; made before the outputs were started, it held
/// cases.csv and exceptions.csv back until then, with a core idle (about 0.1 s of a 1M-row run).
/// Used from the threads that write the outputs, as the entries that hold it are (each
/// file on its own thread, `OutputFolder.writeConcurrently`): the lock makes the model once.
private final class SharedReportModel {
    private let made = Mutex<ReportModel?>(nil)
    private let make: () -> ReportModel

    init(_ make: @escaping () -> ReportModel) { self.make = make }

    var value: ReportModel {
        made.withLock { model in
            if let model { return model }
            let new = make()
            model = new
            return new
        }
    }
}
