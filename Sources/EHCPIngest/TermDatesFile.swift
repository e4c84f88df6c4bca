import EHCPRules
import EHCPStore

/// The council's term dates (`--term-dates FILE`): one row per period its schools are
/// closed, `start_date,end_date[,description]`, both days included (extract-format.md,
/// "Version 2 additions"). Read through the same CSV reader, header matching, profile,
/// date formats and bad-row rules as the extracts: a row that cannot be used is rejected
/// and listed; a file that cannot be read or lacks a column stops the run
/// (`InputError`) before any output.
public struct TermDatesFile: Sendable {
    /// The file as the user named it.
    public let path: String
    /// The closures of the rows read, in file order.
    public private(set) var periods: [SchoolClosure] = []
    /// The rows rejected and the warnings, in line order.
    public private(set) var problems: [DataQualityProblem] = []
    public private(set) var rowsRead = 0
    public private(set) var rejected = 0
    public var analysed: Int { rowsRead - rejected }

    /// The closures as the rules check claims against them.
    public var closures: SchoolClosures { SchoolClosures(file: path, periods: periods) }

    /// Reads `reader`'s file (`path` as the user gave it). Dates are events of no kind:
    /// term dates may lie after the as-at date (a clock running past it meets them).
    public static func read(_ reader: CSVReader, path: String, profile: MappingProfile, dates: DateParser,
                            asAt: Day) throws -> TermDatesFile {
        var file = TermDatesFile(path: path)
        var context: ExtractContext?
        try reader.read(onRow: { row in
            guard let context else {
                let names = (0..<row.count).map { row.string($0) }
                let layout = try ColumnLayout(kind: .termDates, header: names, profile: profile, file: path)
                context = ExtractContext(file: path, layout: layout, profile: profile, dates: dates, asAt: asAt)
                return
            }
            file.rowsRead += 1
            var reader = RowReader(context: context, row: row)
            if let period = reader.termDate() { file.periods.append(period) } else { file.rejected += 1 }
            file.problems.append(contentsOf: reader.problems)
        }, onProblem: { problem in
            guard context != nil else {
                throw InputError.malformedHeader(file: path, line: problem.line, column: problem.column, problem: problem.message)
            }
            file.rowsRead += 1
            file.rejected += 1
            file.problems.append(.malformed(file: path, problem))
        })
        guard context != nil else { throw InputError.noHeader(file: path) }
        if let line = reader.detectedWindows1252AtLine {
            file.problems.insert(.readAsWindows1252(file: path, line: line),
                                 at: file.problems.firstIndex { $0.line >= line } ?? file.problems.count)
        }
        return file
    }

    private init(path: String) { self.path = path }
}

extension RowReader {
    /// Maps a term-dates row; nil when the row is rejected (its problems say why): a
    /// missing or unreadable date, or an end before the start.
    package mutating func termDate() -> SchoolClosure? {
        checkShape()
        let start = date(.startDate, required: true, isEvent: false)
        var end = date(.endDate, required: true, isEvent: false)
        requireOrder(start, .startDate, &end, .endDate, rejectsRow: true)
        guard let start, let end, !hasErrors else { return nil }
        return SchoolClosure(start: start, end: end)
    }
}
