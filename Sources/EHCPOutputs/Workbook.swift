import EHCPRules
import EHCPStore
import EHCPIngest
import EHCPTimeliness
import EHCPBindings
import Foundation

/// `analyse --xlsx`: ehcp-timeliness.xlsx (outputs.md, "Excel workbook"), for the people who
/// act on the list in Excel. Sheets `Action list` (exceptions.csv's rows, dates as real dates,
/// frozen header, autofilter, overdue rows shaded), `Summary` (summary.csv), `Data quality`
/// (data-quality.csv) and `Settings` (the run's settings and inputs with their SHA-256).
/// Each sheet is one header row and the data rows. Text is always written as a string,
/// never a formula, so a cell beginning `=`, `+`, `-` or `@` stays the text it was (unlike
/// the CSVs, no `'` is added: Excel never evaluates a string cell). Written in
/// libxlsxwriter's constant-memory mode, the action list streamed from its sort as
/// exceptions.csv is: memory does not grow with the list.
public enum Workbook {
    public static let fileName = "ehcp-timeliness.xlsx"

    /// The output entry of `analyse --xlsx`.
    package static func entry(_ run: AnalysedRun, actionListPass: ActionListPass) -> OutputEntry {
        OutputEntry(name: fileName) { sink in
            // libxlsxwriter writes the file itself: the sink made it (mode 0600) and is closed
            // here, so that the library's own open keeps that mode and nothing else writes to it.
            sink.close()
            try write(run, to: sink.path, actionListPass: actionListPass)
        }
    }

    /// Writes the whole workbook of a finished run to `path`.
    package static func write(_ run: AnalysedRun, to path: String, actionListPass: ActionListPass = ActionListPass()) throws {
        let result = run.result
        var book = try XLSXWorkbook(path: path, temporaryDirectory: result.options.scratchDirectory,
                                    created: createdTime(result.options.asAt))
        let formats = SheetFormats(&book)
        let layout = OutputFiles.ActionTableLayout(result)
        let asAt = result.options.asAt

        var actions = try SheetWriter(&book, name: "Action list", header: layout.header, formats: formats)
        try actionListPass.run {
            try run.actions.forEachEntry(retracted: result.retracted) { entry, text in
                let c = entry.caseResult(text)
                try actions.append(actionCells(layout, c, asAt: asAt), shaded: c.status == .openOverdue, in: book)
            }
            try run.actions.forEachUnchecked(retracted: result.retracted) { u in
                for row in layout.cells(u) { try actions.append(row.map(SheetCell.init(textOrBlank:)), in: book) }
            }
        }
        try actions.finish(in: book)

        let header = SummaryRow.header(byColumns: result.byColumns)
        let numeric = Set(SummaryRow.valueColumns)
        var summary = try SheetWriter(&book, name: "Summary", header: header, formats: formats)
        for row in result.summary {
            let cells = zip(header, row.cells(suppressed: result.options.suppresses(row))).map { name, cell in
                numeric.contains(name) ? SheetCell(numberOrText: cell) : SheetCell(textOrBlank: cell)
            }
            try summary.append(cells, in: book)
        }
        try summary.finish(in: book)

        var quality = try SheetWriter(&book, name: "Data quality",
                                      header: ["file", "line", "case_id", "column", "value", "severity", "problem"], formats: formats)
        try result.problems.forEach { p in
            try quality.append([.text(p.file), p.line == 0 ? .blank : .number(Double(p.line)), SheetCell(textOrBlank: p.caseID),
                                SheetCell(textOrBlank: p.column), SheetCell(textOrBlank: p.value), .text(p.severity.rawValue),
                                .text(p.problem)], in: book)
        }
        try quality.finish(in: book)

        var settings = try SheetWriter(&book, name: "Settings", header: ["setting", "value"], formats: formats)
        for (key, value) in settingsRows(result) { try settings.append([.text(key), value], in: book) }
        try settings.finish(in: book)
        try book.close()
    }

    /// An action list alone (one sheet, `Action list`): a list of `exceptions --split-by --xlsx`.
    package static func writeActionList(_ result: AnalysisResult, items: [CaseResult], unchecked: [UncheckedCase],
                                        to path: String) throws {
        var book = try XLSXWorkbook(path: path, temporaryDirectory: result.options.scratchDirectory,
                                    created: createdTime(result.options.asAt))
        let formats = SheetFormats(&book)
        let layout = OutputFiles.ActionTableLayout(result)
        var sheet = try SheetWriter(&book, name: "Action list", header: layout.header, formats: formats)
        for c in items {
            try sheet.append(actionCells(layout, c, asAt: result.options.asAt), shaded: c.status == .openOverdue, in: book)
        }
        for u in unchecked {
            for row in layout.cells(u) { try sheet.append(row.map(SheetCell.init(textOrBlank:)), in: book) }
        }
        try sheet.finish(in: book)
        try book.close()
    }

    /// The document's creation time: midnight UTC of the as-at date, never the time of the run.
    package static func createdTime(_ asAt: Day) -> Int64 { Int64(asAt.number) * 86_400 }

    /// exceptions.csv's row of a case, typed: the due date a date, days_from_due a number.
    package static func actionCells(_ layout: OutputFiles.ActionTableLayout, _ c: CaseResult, asAt: Day) -> [SheetCell] {
        zip(layout.columns, layout.cells(c, asAt: asAt)).map { column, text in
            switch column {
            case .dueDate: return .date(c.due)
            case .daysFromDue: return .number(Double((c.completed ?? asAt) - c.due))
            default: return SheetCell(textOrBlank: text)
            }
        }
    }

    /// The Settings sheet: the tool, the rule set, the as-at date, every setting of
    /// summary.json, then each input's file (as given), counts and SHA-256.
    package static func settingsRows(_ result: AnalysisResult) -> [(String, SheetCell)] {
        var rows: [(String, SheetCell)] = [
            ("tool", .text(Tool.name + " " + Tool.version)), ("rules_version", .text(RuleSet.version)),
            ("as_at", .date(result.options.asAt)),
        ]
        rows += result.options.settings.map { ($0.key, SheetCell(textOrBlank: $0.value)) }
        for input in result.inputs {
            let prefix = "input." + input.kind.rawValue + "."
            rows += [(prefix + "file", .text(input.file)), (prefix + "rows_read", .number(Double(input.rowsRead))),
                     (prefix + "analysed", .number(Double(input.analysed))), (prefix + "rejected", .number(Double(input.rejected))),
                     (prefix + "sha256", .text(input.sha256))]
        }
        return rows
    }
}

/// Serialises the passes over the action list's sort: exceptions.csv and the workbook are
/// written side by side, and both read the same sorted entries (and its last count).
public struct ActionListPass: Sendable {
    private let lock = NSLock()
    public init() {}
    package func run<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock(); defer { lock.unlock() }
        return try body()
    }
}

/// One cell of a sheet.
package enum SheetCell: Equatable {
    case text(String), number(Double), date(Day), blank

    /// A text cell, or nothing for an empty text.
    package init(textOrBlank text: String) { self = text.isEmpty ? .blank : .text(text) }

    /// A number when the text is one (summary counts and rates), else the text.
    package init(numberOrText text: String) {
        if text.isEmpty { self = .blank } else if let n = Double(text), n.isFinite { self = .number(n) } else { self = .text(text) }
    }
}

/// The formats every sheet uses: a bold header, dates as yyyy-mm-dd, and the overdue fill.
package struct SheetFormats {
    let header, date, overdue, overdueDate: XLSXFormat
    /// Excel's own light red of "Bad" cells.
    static let overdueFill: UInt32 = 0xFFC7CE

    init(_ book: inout XLSXWorkbook) {
        header = book.addFormat(bold: true)
        date = book.addFormat(numberFormat: "yyyy-mm-dd")
        overdue = book.addFormat(fill: Self.overdueFill)
        overdueDate = book.addFormat(numberFormat: "yyyy-mm-dd", fill: Self.overdueFill)
    }
}

/// One sheet written row by row after its header: keeps each column's widest cell, and at the
/// end sets the widths, freezes the header row and puts an autofilter on it.
package struct SheetWriter {
    let sheet: XLSXSheet
    let formats: SheetFormats
    let name: String
    let columns: Int
    private(set) var row = 0
    private var widths: [Int]
    /// Widest column, in characters.
    static let maxWidth = 60

    init(_ book: inout XLSXWorkbook, name: String, header: [String], formats: SheetFormats) throws {
        sheet = try book.addSheet(name)
        self.formats = formats
        self.name = name
        columns = header.count
        widths = header.map { min($0.utf8.count, Self.maxWidth) }
        for (i, text) in header.enumerated() { try book.write(text, sheet: sheet, row: 0, column: i, format: formats.header) }
    }

    /// The next data row; `shaded` fills it with the overdue colour.
    mutating func append(_ cells: [SheetCell], shaded: Bool = false, in book: borrowing XLSXWorkbook) throws {
        row += 1
        guard row <= XLSXWorkbook.maxRow else {
            throw XLSXError(path: book.path, reason: "the sheet \(name) has more rows than Excel allows (\(XLSXWorkbook.maxRow)); "
                            + "use the CSV files, or narrow the run with --from and --to")
        }
        for (i, cell) in cells.enumerated() {
            let width: Int
            switch cell {
            case .blank:
                if shaded { try book.write("", sheet: sheet, row: row, column: i, format: formats.overdue) }
                width = 0
            case .text(let text):
                let fits = text.utf8.count <= XLSXWorkbook.maxCellCharacters
                    ? text : String(String.UnicodeScalarView(text.unicodeScalars.prefix(XLSXWorkbook.maxCellCharacters)))
                try book.write(fits, sheet: sheet, row: row, column: i, format: shaded ? formats.overdue : nil)
                width = fits.utf8.count
            case .number(let n):
                try book.write(n, sheet: sheet, row: row, column: i, format: shaded ? formats.overdue : nil)
                width = n == n.rounded() && abs(n) < 1e15 ? String(Int(n)).utf8.count : String(n).utf8.count
            case .date(let day):
                try book.write(Double(day.number) + 25_569, sheet: sheet, row: row, column: i,
                               format: shaded ? formats.overdueDate : formats.date)
                width = 10
            }
            if i < widths.count, width > widths[i] { widths[i] = min(width, Self.maxWidth) }
        }
    }

    /// Column widths (the widest cell plus a margin for the filter button), the frozen header
    /// row and the autofilter over every row written.
    func finish(in book: borrowing XLSXWorkbook) throws {
        for (i, w) in widths.enumerated() { try book.setWidth(Double(w) + 3, sheet: sheet, column: i) }
        book.freezeRows(1, sheet: sheet)
        if columns > 0 { try book.autofilter(sheet: sheet, lastRow: row, lastColumn: columns - 1) }
    }
}
