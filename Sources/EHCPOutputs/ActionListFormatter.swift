import EHCPRules
import EHCPStore
import EHCPIngest
import EHCPTimeliness

/// The `exceptions` command: the action list (the rows of exceptions.csv) printed for
/// people and scripts, grouped and optionally filtered, with nothing at all when it is empty.

/// How the action list is printed.
public enum ActionListFormat: String, Sendable, CaseIterable {
    /// A plain-text table per group, for an e-mail.
    case text
    /// Exactly exceptions.csv.
    case csv
    /// One object with sorted keys.
    case json
    /// A Markdown table per group.
    case markdown
}

/// One `--where COLUMN=VALUE` condition: the column's value equals VALUE, ignoring case
/// and spaces at the ends (a blank value reads as `unknown`, as in cohorts).
public struct ActionListFilter: Sendable, Equatable {
    public var column: String
    public var value: String

    public init(column: String, value: String) {
        self.column = column
        self.value = value
    }

    /// Reads `COLUMN=VALUE`; nil without `=` or without a column name.
    public init?(parsing text: String) {
        guard let eq = text.firstIndex(of: "=") else { return nil }
        let column = String(text[..<eq]).trimmingEndSpaces()
        guard !column.isEmpty else { return nil }
        self.init(column: column, value: String(text[text.index(after: eq)...]).trimmingEndSpaces())
    }

    package func matches(_ cell: String) -> Bool {
        cell.trimmingEndSpaces().lowercased() == value.lowercased()
    }
}

/// What to list and how to group it.
public struct ActionListQuery: Sendable {
    /// The column to group by: `team`, `caseworker`, any input column or `age_band`;
    /// `none` for one list; nil for `team` when the extract has it, else one list.
    public var groupBy: String?
    /// Conditions a listed case must meet: conditions on the same column match any of
    /// their values; conditions on different columns must all hold.
    public var filters: [ActionListFilter]
    /// The option that named `groupBy`, for messages (`--split-by` groups too).
    public var groupOption: String

    public init(groupBy: String? = nil, filters: [ActionListFilter] = [], groupOption: String = "--group-by") {
        self.groupBy = groupBy
        self.filters = filters
        self.groupOption = groupOption
    }
}

/// The action list of one run, filtered and grouped, ready to print.
public struct ActionList {
    /// One listed case and the group it is printed in.
    public struct Entry: Sendable, Equatable {
        public let item: CaseResult
        public let group: String
    }

    /// A case that could not be checked and the group it is printed in.
    public struct UncheckedEntry: Sendable, Equatable {
        public let item: UncheckedCase
        public let group: String
    }

    /// A group: its label and its cases, overdue first, each part in the list's order,
    /// then the cases that could not be checked.
    public struct Group: Sendable {
        public let label: String
        public internal(set) var entries: [Entry]
        public let unchecked: [UncheckedEntry]
        public var overdue: Int { entries.filter { $0.item.status == .openOverdue }.count }
        public var dueSoon: Int { entries.count - overdue }
    }

    /// The analysis as `analyse` sees it (the user's `--by` columns only).
    package let result: AnalysisResult
    /// The listed cases in exceptions.csv's order, with the user's `--by` values only.
    package internal(set) var items: [CaseResult]
    /// The listed cases in the list's order (due date, measure, case id).
    public internal(set) var entries: [Entry]
    /// The cases the run could not check, in input order: the list's footer, and the
    /// `not_checked` rows at the end of exceptions.csv.
    public internal(set) var unchecked: [UncheckedEntry]
    /// The grouping column, nil for one list.
    public let groupColumn: String?
    public let filters: [ActionListFilter]

    /// Nothing to act on and nothing that could not be checked: then nothing is printed.
    public var isEmpty: Bool { entries.isEmpty && unchecked.isEmpty }
    public var overdue: Int { entries.filter { $0.item.status == .openOverdue }.count }
    public var dueSoon: Int { entries.count - overdue }
    /// True when a listed case is `open_overdue` (for `--fail-on-overdue`).
    public var hasOverdue: Bool { overdue > 0 }

    /// Analyses the extracts and builds the list. A `--group-by` or `--where` column that no
    /// input has, and a `--where` value that no analysed case has, are errors.
    public static func make(_ options: AnalysisOptions, query: ActionListQuery) throws -> ActionList {
        // Grouping and filter columns are read as extra cohort columns after the user's `--by`.
        var extended = options
        var extras: [(option: String, name: String)] = []
        func need(_ name: String, option: String) {
            guard !extended.by.contains(where: { NameMatching.key($0) == NameMatching.key(name) }) else { return }
            extended.by.append(name)
            extras.append((option, name))
        }
        if let g = query.groupBy, !Self.isNone(g) { need(g, option: query.groupOption) }
        for f in query.filters { need(f.column, option: "--where") }
        // Only the action list's sink: `exceptions` writes no other file.
        let actions = ActionListStore(options: extended)
        let full: AnalysisResult
        do {
            full = try Analysis.run(extended, sinks: [actions])
        } catch let InputError.unknownByColumn(name, available) {
            // The user's own `--by` columns come first, so a missing extra is named only when they are all there.
            if let extra = extras.first(where: { NameMatching.key($0.name) == NameMatching.key(name) }) {
                throw OutputError.unknownColumn(option: extra.option, name: extra.name, available: available)
            }
            throw InputError.unknownByColumn(name: name, available: available)
        }
        try full.problems.ready()
        return try ActionList(result: full, list: try actions.all(retracted: full.retracted),
                              unchecked: try actions.allUnchecked(retracted: full.retracted), byCount: options.by.count,
                              query: query)
    }

    /// Builds the list from a finished run (see `init(result:list:byCount:query:)`).
    package init(run: AnalysedRun, byCount: Int, query: ActionListQuery) throws {
        try self.init(result: run.result, list: try run.actionList(), unchecked: try run.uncheckedList(),
                      byCount: byCount, query: query)
    }

    /// Builds the list from a finished analysis whose `byColumns` are the user's `--by`
    /// (the first `byCount`) followed by any grouping and filter columns.
    /// `list` is the run's action list.
    package init(result full: AnalysisResult, list: [CaseResult], unchecked uncheckedList: [UncheckedCase] = [],
                 byCount: Int, query: ActionListQuery) throws {
        func index(_ name: String, option: String) throws -> Int {
            guard let i = full.byColumns.firstIndex(where: { NameMatching.key($0) == NameMatching.key(name) }) else {
                throw OutputError.unknownColumn(option: option, name: name, available: full.byColumns)
            }
            return i
        }
        // Filters, by column: any of a column's values, every column.
        var conditions: [(index: Int, filters: [ActionListFilter])] = []
        for f in query.filters {
            let i = try index(f.column, option: "--where")
            if let n = conditions.firstIndex(where: { $0.index == i }) { conditions[n].filters.append(f) } else { conditions.append((i, [f])) }
        }
        // Every value a column has among the analysed cases: every case is in a summary cohort.
        let cohorts = full.summary.filter { !$0.isCohortTotal }.map(\.cohort)
        for (i, filters) in conditions {
            for f in filters where !cohorts.contains(where: { f.matches($0[i]) }) {
                let seen = Set(cohorts.map { $0[i] }).sorted(by: Self.labelOrder)
                throw OutputError.noCaseHasValue(column: f.column, value: f.value, seen: seen)
            }
        }
        func admitted(_ dimensions: [String]) -> Bool {
            conditions.allSatisfy { i, filters in filters.contains { $0.matches(i < dimensions.count ? dimensions[i] : Cohort.unknown) } }
        }
        let kept = list.filter { admitted($0.dimensions) }

        // The group of a case: its team, its value of the grouping column, or none.
        let label: (_ team: String?, _ dimensions: [String]) -> String
        switch query.groupBy {
        case nil where full.hasTeam:
            groupColumn = "team"
            label = { team, _ in team.map { $0.isEmpty ? Cohort.unknown : $0 } ?? Cohort.unknown }
        case nil:
            groupColumn = nil
            label = { _, _ in "" }
        case let name? where Self.isNone(name):
            groupColumn = nil
            label = { _, _ in "" }
        case let name?:
            let i = try index(name, option: query.groupOption)
            groupColumn = full.byColumns[i]
            label = { _, d in i < d.count ? d[i] : Cohort.unknown }
        }

        entries = kept.map { c in
            var item = c
            item.dimensions = Array(c.dimensions.prefix(byCount))
            return Entry(item: item, group: label(c.team, c.dimensions))
        }
        unchecked = uncheckedList.filter { admitted($0.dimensions) }.map { u in
            var item = u
            item.dimensions = Array(u.dimensions.prefix(byCount))
            return UncheckedEntry(item: item, group: label(u.team, u.dimensions))
        }
        items = entries.map(\.item)
        var view = full
        view.byColumns = Array(full.byColumns.prefix(byCount))
        view.options.by = view.byColumns
        result = view
        filters = query.filters
    }

    package static func isNone(_ name: String) -> Bool { NameMatching.key(name) == "none" }

    /// Group labels in byte order, `unknown` last.
    package static func labelOrder(_ a: String, _ b: String) -> Bool {
        if (a == Cohort.unknown) != (b == Cohort.unknown) { return b == Cohort.unknown }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// The groups in label order (one unnamed group without grouping).
    public var groups: [Group] {
        var labels: [String] = []
        for e in entries where !labels.contains(e.group) { labels.append(e.group) }
        for u in unchecked where !labels.contains(u.group) { labels.append(u.group) }
        return labels.sorted(by: Self.labelOrder).map { label in
            let mine = entries.filter { $0.group == label }
            return Group(label: label, entries: mine.filter { $0.item.status == .openOverdue } + mine.filter { $0.item.status != .openOverdue },
                         unchecked: unchecked.filter { $0.group == label })
        }
    }

    /// The most cases that could not be checked a footer names; the rest are counted.
    public static let footerLimit = 10

    /// The footer of a group (or of the whole list): the cases that could not be checked,
    /// each with why. Empty when there are none.
    package static func footer(_ unchecked: [UncheckedEntry]) -> [String] {
        guard !unchecked.isEmpty else { return [] }
        var lines = ["\(count(unchecked.count, "case")) could not be checked:"]
        for u in unchecked.prefix(footerLimit) {
            let c = u.item
            let who = c.caseID.isEmpty ? "line \(c.line) of \(c.file) (no case id)" : c.caseID
            let what = c.measures.isEmpty ? "row rejected" : "not measured for " + c.measures.map(\.rawValue).joined(separator: ", ")
            lines.append("  \(who) (\(what)): \(c.reason)")
        }
        if unchecked.count > footerLimit {
            lines.append("  … and \(unchecked.count - footerLimit) more; every one is in exceptions.csv (status not_checked) and data-quality.csv")
        }
        return lines
    }

    /// The list in `format`; the empty string when the list is empty, whatever the format.
    public func formatted(_ format: ActionListFormat) -> String {
        guard !isEmpty else { return "" }
        switch format {
        case .text: return text()
        case .csv:
            let (header, rows) = OutputFiles.actionTable(result, items: items, unchecked: unchecked.map(\.item))
            var w = CSVWriter(header: header)
            for row in rows { w.appendRow(row) }
            return w.text
        case .json: return json()
        case .markdown: return markdown()
        }
    }

    /// Reconciliation and data-quality lines for `--verbose` (stderr).
    public var diagnostics: String {
        var lines = result.inputs.map(\.reconciliation)
        let errors = result.problems.errors
        let warnings = result.problems.warnings
        if errors + warnings > 0 {
            lines.append("data quality: \(Self.count(errors, "rejected row problem")), \(Self.count(warnings, "warning"))"
                         + " (run analyse for data-quality.csv)")
        }
        return lines.joined(separator: "\n") + "\n" + ConsoleSummary.rejections(result)
    }

    // MARK: - Shared wording

    package var asAt: Day { result.options.asAt }
    package var dueWithin: Int { result.options.dueWithin }

    package static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    /// "12 cases: 9 overdue, 3 due within 28 days"
    package func counts(total: Int, overdue: Int) -> String {
        "\(Self.count(total, "case")): \(overdue) overdue, \(total - overdue) due within \(Self.count(dueWithin, "day"))"
    }

    /// The settings line: the horizon, the filters and the grouping.
    package var scope: String {
        var parts = ["open cases overdue or due by \((asAt + dueWithin).iso) (due within \(Self.count(dueWithin, "day")))"]
        var columns: [String] = []
        for f in filters where !columns.contains(f.column) { columns.append(f.column) }
        for column in columns {
            parts.append("\(column) " + filters.filter { $0.column == column }.map(\.value).joined(separator: " or "))
        }
        if let groupColumn { parts.append("grouped by \(groupColumn)") }
        let text = parts.joined(separator: "; ")
        return text.prefix(1).uppercased() + text.dropFirst()
    }

    /// "overdue by 3 days", "due today", "due in 5 days"
    package static func status(_ c: CaseResult, asAt: Day) -> String {
        let days = asAt - c.due
        if c.status == .openOverdue { return "overdue by \(count(days, "day"))" }
        return days == 0 ? "due today" : "due in \(count(-days, "day"))"
    }

    /// Keys of the columns every listed case has the same value in: the grouping column, and a
    /// `--where` column given one value.
    package var settledColumns: Set<String> {
        var keys = Set(groupColumn.map { [NameMatching.key($0)] } ?? [])
        for f in filters where filters.allSatisfy({ NameMatching.key($0.column) != NameMatching.key(f.column) || $0.value.lowercased() == f.value.lowercased() }) {
            keys.insert(NameMatching.key(f.column))
        }
        return keys
    }

    /// The columns a group's table shows: due, measure, case, status, the exception when a case
    /// in the group has one, then team, caseworker and the `--by` columns, less those that
    /// grouping or a filter settles.
    package func table(_ group: Group) -> (header: [String], rows: [[String]]) {
        let settled = settledColumns
        var header = ["due", "measure", "case", "status"]
        let showException = group.entries.contains { $0.item.exception != nil }
        if showException { header.append("exception") }
        let showTeam = result.hasTeam && !settled.contains("team")
        let showCaseworker = result.hasCaseworker && !settled.contains("caseworker")
        if showTeam { header.append("team") }
        if showCaseworker { header.append("caseworker") }
        let extra = OutputFiles.actionByColumns(result).filter { !settled.contains(NameMatching.key($0.name)) }
        header += extra.map(\.name)
        let rows = group.entries.map { e in
            let c = e.item
            var row = [c.due.iso, c.measure.rawValue, c.caseID, Self.status(c, asAt: asAt)]
            if showException { row.append(c.exception?.rawValue ?? "") }
            if showTeam { row.append(c.team ?? "") }
            if showCaseworker { row.append(c.caseworker ?? "") }
            return row + extra.map { c.dimensions[$0.index] }
        }
        return (header, rows)
    }

    // MARK: - Formats

    package func text() -> String {
        var lines = ["EHCP action list as at \(asAt.iso) — " + counts(total: entries.count, overdue: overdue), scope + "."]
        for group in groups {
            lines.append("")
            if groupColumn != nil {
                lines.append(Self.plain(group.label) + " — " + counts(total: group.entries.count, overdue: group.overdue))
            }
            if !group.entries.isEmpty {
                let (header, rows) = table(group)
                let cells = ([header] + rows).map { $0.map(Self.plain) }
                let widths = header.indices.map { i in cells.map { $0[i].count }.max() ?? 0 }
                for row in cells {
                    let line = "  " + row.enumerated().map { i, cell in cell.padding(widths[i]) }.joined(separator: "  ")
                    lines.append(line.trimmingTrailingSpaces())
                }
            }
            lines.append(contentsOf: Self.footer(group.unchecked).map { "  " + Self.plain($0) })
        }
        return lines.joined(separator: "\n") + "\n"
    }

    package func markdown() -> String {
        var lines = ["# EHCP action list as at \(asAt.iso)", "",
                     counts(total: entries.count, overdue: overdue) + ". " + scope + "."]
        for group in groups {
            lines.append("")
            if groupColumn != nil {
                lines.append("## " + Self.markdownCell(group.label) + " — " + counts(total: group.entries.count, overdue: group.overdue))
                lines.append("")
            }
            if !group.entries.isEmpty {
                let (header, rows) = table(group)
                lines.append("| " + header.map(Self.markdownCell).joined(separator: " | ") + " |")
                lines.append("|" + header.map { _ in "---|" }.joined())
                for row in rows {
                    lines.append("| " + row.map(Self.markdownCell).joined(separator: " | ") + " |")
                }
            }
            let footer = Self.footer(group.unchecked)
            if !footer.isEmpty {
                lines.append("")
                lines.append("**" + Self.markdownCell(footer[0]) + "**")
                lines.append("")
                lines.append(contentsOf: footer.dropFirst().map { "- " + Self.markdownCell($0.trimmingEndSpaces()) })
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    package func json() -> String {
        let (header, rows) = OutputFiles.actionTable(result, items: items)
        let cases: [JSONValue] = rows.map { row in
            var object: [String: JSONValue] = [:]
            for (name, cell) in zip(header, row) {
                object[name] = name == "days_from_due" ? (Int(cell).map(JSONValue.int) ?? .string(cell)) : .string(cell)
            }
            return .object(object)
        }
        var conditions: [String: JSONValue] = [:]
        for f in filters {
            if case .array(let values)? = conditions[f.column] { conditions[f.column] = .array(values + [.string(f.value)]) }
            else { conditions[f.column] = .array([.string(f.value)]) }
        }
        return JSONValue.object([
            "as_at": .string(asAt.iso),
            "due_within_days": .int(dueWithin),
            "due_by": .string((asAt + dueWithin).iso),
            "where": .object(conditions),
            "counts": .object(["cases": .int(entries.count), "open_overdue": .int(overdue), "open_in_time": .int(dueSoon),
                               "not_checked": .int(unchecked.count)]),
            "cases": .array(cases),
            "not_checked": .array(unchecked.map { u in
                var object: [String: JSONValue] = [
                    "case_id": .string(u.item.caseID), "file": .string(u.item.file), "line": .int(u.item.line),
                    "measures": .array(u.item.measures.map { .string($0.rawValue) }), "reason": .string(u.item.reason),
                ]
                if result.hasTeam { object["team"] = .string(u.item.team ?? "") }
                if result.hasCaseworker { object["caseworker"] = .string(u.item.caseworker ?? "") }
                for (name, i) in OutputFiles.actionByColumns(result) where i < u.item.dimensions.count {
                    object[name] = .string(u.item.dimensions[i])
                }
                return .object(object)
            }),
        ]).rendered()
    }

    /// A cell from an extract made safe for a terminal or an e-mail: control characters become spaces.
    package static func plain(_ cell: String) -> String {
        var out = ""
        for scalar in cell.unicodeScalars {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) { out.append(" ") } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    /// A cell for a Markdown table: plain, with the characters that could break the table or
    /// make a link, HTML or code escaped (`_` is left alone: codes such as `school_closure` are
    /// common and intraword underscores do not emphasise).
    package static func markdownCell(_ cell: String) -> String {
        var out = ""
        for c in plain(cell) {
            if "\\`*[]<>|&".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }
}

extension String {
    /// Without spaces and tabs at either end.
    package func trimmingEndSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }

    /// Without spaces at the end.
    package func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
