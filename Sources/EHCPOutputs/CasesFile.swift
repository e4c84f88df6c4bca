import EHCPRules
import EHCPStore
import EHCPTimeliness
import EHCPIngest

/// cases.csv (outputs.md): one row per case and measure, in catalogue order of measure,
/// then input order.
///
/// Rows are kept per measure in temporary files as the cases arrive, so that concatenated
/// in catalogue order they are the file's order with no sort, and memory does not grow
/// with the number of cases. The usual row is kept compact (`CaseRowCoding`: its day
/// numbers, codes and cohort by number, a third of its text) and formatted only when the
/// file is written; any other row is kept as its text. Formatted as they came, the rows
/// went to disk, came back and were written again: 170 MB three times for 1M requests.
public final class CasesFile: CaseSink {
    private let asAt: Day
    private let unit: PeriodUnit
    private let byColumns: [String]
    private let scratch: String
    /// The run's measures, by order.
    private let measures: [MeasureID]
    /// What adding rows changes, in one stored property: each access to a class's stored
    /// property is checked for exclusivity at run time, and three of them a row cost a
    /// tenth of a cases.csv row. `add` reaches them all through one, and that one is not
    /// checked either. Safe to leave unchecked: a sink is one chunk's, filled by its
    /// thread alone, and nothing `add` calls can reach the sink while it holds `state`.
    @exclusivity(unchecked) private var state: State
    /// The lengths of the codes' names, kept inline: read through `CellTable.shared`, the
    /// shared arrays' reference counts were changed by both reading threads for every row.
    private let codes = CodeLengths(CellTable.shared)

    private struct State {
        /// Rows per measure: this sink's, then those of chunks absorbed, in input order.
        var rows: [[CaseRows]]
        /// The cells of this sink's cohorts (table 0). A compact row names its cohort by
        /// its number in the table of the sink that added it (`CaseRows.table`).
        var cells = CohortCells()
        /// The tables of the chunks absorbed (tables 1, 2, ...).
        var absorbed: [CohortCells] = []
        var row = CSVWriter()

        /// Every table, by the numbers parts give them.
        var tables: [CohortCells] { [cells] + absorbed }

        /// Where a timing of `measure` goes: the measure's last part when this sink's own;
        /// after chunks were absorbed (review plans are added after a file's rows), a new
        /// part of its own, whose rows name their cohorts in this sink's table.
        mutating func target(_ measure: MeasureID, scratch: String) throws -> CaseRows {
            let last = rows[measure.order][rows[measure.order].count - 1]
            if last.table == 0 { return last }
            let own = try CaseRows(directory: scratch, table: 0)
            rows[measure.order].append(own)
            return own
        }
    }

    public init(options: AnalysisOptions) throws {
        asAt = options.asAt
        unit = options.period
        byColumns = options.by
        scratch = options.scratchDirectory
        measures = options.rules.measures.ids
        state = State(rows: try measures.map { _ in [try CaseRows(directory: options.scratchDirectory, table: 0)] })
    }

    private init(like other: CasesFile) throws {
        asAt = other.asAt; unit = other.unit; byColumns = other.byColumns; scratch = other.scratch
        measures = other.measures
        state = State(rows: try measures.map { _ in [try CaseRows(directory: other.scratch, table: 0)] })
    }

    package func makeChunk() throws -> any CaseSink { try CasesFile(like: self) }

    package func absorb(_ chunk: any CaseSink) throws {
        guard let chunk = chunk as? CasesFile else { preconditionFailure("a CasesFile absorbs only its own chunks") }
        let offset = 1 + state.absorbed.count
        state.absorbed += chunk.state.tables
        for i in state.rows.indices {
            state.rows[i] += chunk.state.rows[i].map { CaseRows(file: $0.file, table: $0.table + offset) }
        }
    }

    /// The rows are in temporary files already: their buffers go too, so that a chunk
    /// that waits for the others holds no memory.
    package func releaseMemory() throws {
        for list in state.rows { for part in list { try part.file.releaseBuffer() } }
    }

    public static func header(byColumns: [String]) -> [String] {
        ["measure", "case_id", "line", "start_date", "due_date", "completed_date", "status",
         "exception", "days_elapsed", "days_from_due", "period"] + byColumns
    }

    package func add(_ timings: [CaseTiming], of facts: CaseFacts, cohort: Int32, ordinal: Int64) throws {
        try add(timings, of: facts, cohort: cohort, ordinal: ordinal, state: &state)
    }

    /// `add` with the sink's state borrowed once for the whole row.
    private func add(_ timings: [CaseTiming], of facts: CaseFacts, cohort: Int32, ordinal: Int64, state: inout State) throws {
        let cellsLength = byColumns.isEmpty ? 0 : state.cells.cells(ofCohort: cohort, facts.dimensions).count
        if unit == .month {
            try Bytes.withUTF8(facts.caseID) { id in
                // Asked once for the row's timings, not once for each.
                let compact = id.count <= CaseRowCoding.longestID && cellsLength <= CaseRowCoding.longestCells
                    && CSVWriter.isPlainCell(id)
                for c in timings {
                    let target = try state.target(c.measure, scratch: scratch)
                    if try !compact || !appendCompactRow(c, id: id, line: facts.line, cohort: cohort, cellsLength: cellsLength,
                                                         ordinal: ordinal, to: target) {
                        try appendRow(c, of: facts, cohort: cohort, ordinal: ordinal, to: target, state: &state)
                    }
                }
            }
        } else {
            for c in timings {
                try appendRow(c, of: facts, cohort: cohort, ordinal: ordinal, to: state.target(c.measure, scratch: scratch),
                              state: &state)
            }
        }
    }

    /// Any row, as its text through `CSVWriter`.
    private func appendRow(_ c: CaseTiming, of facts: CaseFacts, cohort: Int32, ordinal: Int64, to target: CaseRows,
                           state: inout State) throws {
        var row = state.row
        state.row = CSVWriter()  // taken out while it is filled, so that its buffer is not copied
        defer { state.row = row }
        row.bytes.removeAll(keepingCapacity: true)
        row.bytes.append(CaseRowCoding.textRow)  // not a cell: the record's kind, dropped when written
        let cells = byColumns.isEmpty ? nil : state.cells.bytes[state.cells.cells(ofCohort: cohort, facts.dimensions)]
        Self.format(c, of: facts, asAt: asAt, unit: unit, cells: cells, into: &row)
        try target.append(row.bytes, ordinal: ordinal)
        target.file.measure(row.bytes.count - 1)
    }

    /// A row's text without the measure (the first cell, put back when the row is written),
    /// then the cohort's `cells` (escaped and joined) when the run has `--by` columns: what
    /// every row of cases.csv is, kept compact or not (`CaseRowCoding.format` writes the same).
    package static func format(_ c: CaseTiming, of facts: CaseFacts, asAt: Day, unit: PeriodUnit, cells: ArraySlice<UInt8>?,
                               into row: inout CSVWriter) {
        let end = c.completed ?? asAt
        row.append(facts.caseID)
        row.append(facts.line)
        row.append(c.start)
        row.append(c.due)
        row.append(c.completed)
        row.append(c.status.rawValue)
        row.append(c.exception?.rawValue ?? "")
        if let start = c.start { row.append(end - start) } else { row.appendEmpty() }
        row.append(end - c.due)
        row.append(periodOf: c.periodDate, in: unit)
        if let cells { row.appendEscaped(cells) }
        row.endRow()
    }

    /// The usual row kept compact: a case id that needs no quoting, dates of 1950–2099 and
    /// a month period (the last checked by the caller). False when it is not one; `add`
    /// then keeps it as text.
    private func appendCompactRow(_ c: CaseTiming, id: Span<UInt8>, line: Int, cohort: Int32, cellsLength: Int,
                                  ordinal: Int64, to target: CaseRows) throws -> Bool {
        guard let length = CaseRowCoding.textLength(c, idLength: id.count, line: line, cellsLength: cellsLength,
                                                    asAt: asAt, codes: codes) else { return false }
        let appended = try FramedRecord.append(ordinal: ordinal, maximum: CaseRowCoding.maximumLength(idLength: id.count),
                                               to: target.file) { (w: inout RecordWriter) in
            CaseRowCoding.encode(c, id: id, line: line, ordinal: ordinal, cohort: cohort, into: &w)
        }
        if appended { target.file.measure(length) }
        return appended
    }

    /// cases.csv: the header, then each measure's rows read back from their temporary
    /// files (without the rows `retracted`), in pieces of at most 256 KiB.
    /// With `discarding`, each temporary file gives back its pages as it is read and is
    /// emptied once copied (the rows cannot be written again): the command line writes
    /// once, and a 10-million-row run's gigabytes of temporary rows then make room for
    /// the output as it fills.
    public func write(retracted: RetractedRows, discarding: Bool = false, emit: @escaping (RawSpan) throws -> Void) throws {
        let header = CSVWriter(header: Self.header(byColumns: byColumns)).bytes
        try emit(header.span.bytes)
        var out = OutputBuffer(capacity: CaseRows.writeSize, emitting: emit)
        try Self.copyRows(of: parts[...], tables: state.tables, asAt: asAt, retracted: retracted, discarding: discarding,
                          to: &out)
        try out.flush()
    }

    /// cases.csv into `sink` by up to `writers` threads at once, each writing a run of the
    /// measures' parts from the offset where the parts before it end. It was the longest
    /// output to write, on one core while the other had little left to do. A part's size is
    /// known without reading it (the text its rows take, counted as they were added, plus
    /// the measure's cell on each row), so no writer waits for another; with rows retracted
    /// it is not, and one writer writes the file as `write(retracted:discarding:emit:)`
    /// does. The bytes are the same either way.
    /// Returns how many writers had rows to write.
    @discardableResult
    public func write(retracted: RetractedRows, discarding: Bool = false, to sink: FileSink, writers: Int) throws -> Int {
        guard retracted.isEmpty, writers > 1 else {
            try write(retracted: retracted, discarding: discarding) { try sink.write($0) }
            return 1
        }
        let header = CSVWriter(header: Self.header(byColumns: byColumns)).bytes
        try sink.write(header.span.bytes, at: 0)
        // Where each part's rows start in the file, and where the last part's end.
        let parts = self.parts, tables = state.tables, asAt = self.asAt
        var starts: [Int] = []
        var end = header.count
        for part in parts {
            starts.append(end)
            end += part.rows.file.measuredBytes + part.rows.file.records * part.cell.count
        }
        starts.append(end)
        // Writer w takes the parts that start in the w-th equal share of the file.
        let share = max((end - header.count + writers - 1) / writers, 1)
        let first = (0...writers).map { w in
            w == writers ? parts.count : starts.firstIndex { $0 >= header.count + w * share } ?? parts.count
        }
        try Concurrent.run(writers, threads: writers) { w in
            let mine = first[w] ..< first[w + 1]
            guard !mine.isEmpty else { return }
            var at = starts[mine.lowerBound]
            var out = OutputBuffer(capacity: CaseRows.writeSize) { (bytes: RawSpan) throws -> Void in
                try sink.write(bytes, at: at)
                at += bytes.byteCount
            }
            try Self.copyRows(of: parts[mine], tables: tables, asAt: asAt, retracted: retracted, discarding: discarding, to: &out)
            try out.flush()
            guard at == starts[mine.upperBound] else {
                throw StorageError.cannotWriteFile(path: sink.path, reason: "the rows were not the size their temporary files said (a bug; please report it)")
            }
        }
        return (0..<writers).count { first[$0] < first[$0 + 1] }
    }

    /// Every measure's parts in the file's order, each with the measure's cell: the rows
    /// were kept without their first cell, the measure, which goes back when they are written.
    private var parts: [(cell: [UInt8], rows: CaseRows)] {
        state.rows.enumerated().flatMap { measure, list in
            let cell = Array(measures[measure].rawValue.utf8) + [UInt8(ascii: ",")]
            return list.map { (cell, $0) }
        }
    }

    /// Writes the rows of `parts` to `out`, each after its measure's cell, without those
    /// `retracted`: a compact row formatted where it is written, a text row copied. Written
    /// in pieces the size the rows went to their temporary files in: the kernel keeps a
    /// file's pages in blocks the size of each write, and blocks of one size freed by
    /// `discarding` are what a write of the same size takes next.
    private static func copyRows(of parts: ArraySlice<(cell: [UInt8], rows: CaseRows)>, tables: [CohortCells], asAt: Day,
                                 retracted: RetractedRows, discarding: Bool, to out: inout OutputBuffer) throws {
        let table = CellTable.shared
        for part in parts {
            defer { if discarding { try? part.rows.discard() } }
            let cells = tables[part.rows.table]
            // A part's rows are in ordinal order (review rows apart): the cursor walks
            // the sorted retracted ordinals beside them.
            var skip = RetractedRows.Cursor(retracted)
            try part.rows.forEachRecord(releasing: discarding) { ordinal, record in
                if !retracted.isEmpty, skip.contains(ordinal) { return }
                let kind = record.take(UInt8.self)
                if kind == CaseRowCoding.textRow { return try out.append(part.cell.span, rest: &record) }
                let appended = try out.append(reserving: part.cell.count + CaseRowCoding.maximumText(record.remaining)) { w in
                    w.bytes(part.cell.span)
                    CaseRowCoding.format(kind: kind, &record, ordinal: ordinal, asAt: asAt, table: table, cells: cells, into: &w)
                }
                precondition(appended, "a compact cases.csv row is longer than the output buffer")
            }
        }
    }
}

/// cases.csv rows of one measure from one chunk of input, in one temporary file, each
/// framed (`FramedRecord`) with its ordinal, and kept without its first cell (the
/// measure, the same for all: a fifth of a row's bytes that need not go to disk and back).
/// `file.measuredBytes` counts the bytes the rows take as text.
package struct CaseRows: Sendable {
    package let file: SpillFile
    /// The cohort table of the sink that added the rows, by its place in the sink that
    /// holds them (`CasesFile.State.tables`).
    package let table: Int
    /// How many bytes of rows go to the temporary file at a time.
    package static let writeSize = 256 << 10

    package init(directory: String, table: Int = 0) throws {
        file = try SpillFile(directory: directory, bufferSize: Self.writeSize)
        self.table = table
    }

    init(file: SpillFile, table: Int) {
        self.file = file
        self.table = table
    }

    /// Appends a record already made, of any length.
    package func append(_ row: [UInt8], ordinal: Int64) throws {
        try FramedRecord.append(row, ordinal: ordinal, to: file)
    }

    /// Every record's ordinal and a reader of its bytes, in order; with `releasing`, the
    /// file gives back its storage as it is read.
    package func forEachRecord(releasing: Bool = false, _ body: (Int64, inout RecordReader) throws -> Void) throws {
        try FramedRecord.forEachRecord(in: file, releasing: releasing, body)
    }

    /// Empties the file (see `SpillFile.discard`).
    package func discard() throws { try file.discard() }
}

/// The `--by` cells of one sink's cohorts, escaped and joined, back to back, and where
/// each cohort's are (by its number; nil until first needed).
struct CohortCells: Sendable {
    private(set) var bytes: [UInt8] = []
    private var ranges: [Range<Int>?] = []

    /// Where the cells of `cohort`, whose values are `values`, are in `bytes`.
    mutating func cells(ofCohort cohort: Int32, _ values: [String]) -> Range<Int> {
        let n = Int(cohort)
        if n < ranges.count, let known = ranges[n] { return known }
        while ranges.count <= n { ranges.append(nil) }
        var w = CSVWriter()
        for v in values { w.append(v) }
        let range = bytes.count..<(bytes.count + w.bytes.count)
        bytes += w.bytes
        ranges[n] = range
        return range
    }

    /// Where the cells of `cohort` are, once `cells(ofCohort:_:)` has made them.
    func cells(ofCohort cohort: Int32) -> Range<Int> {
        let n = Int(cohort)
        precondition(n >= 0 && n < ranges.count && ranges[n] != nil, "a cases.csv row names a cohort its sink never saw (a bug)")
        return ranges[n]!
    }
}

/// The lengths of the status and exception codes' names in `CellTable`.
struct CodeLengths {
    var status = InlineArray<4, Int>(repeating: 0)
    var exception = InlineArray<8, Int>(repeating: 0)

    init(_ table: CellTable) {
        precondition(table.status.count <= 4 && table.exception.count <= 8, "more codes than CodeLengths holds")
        for (i, r) in table.status.enumerated() { status[i] = r.count }
        for (i, r) in table.exception.enumerated() { exception[i] = r.count }
    }
}

/// A cases.csv row kept compact between the analysis and the writing of the file: what
/// the text is made from, not the text. A record is a kind byte, then:
/// - `textRow`: the row's text (without the measure);
/// - otherwise the kind holds the status (bits 0–1) and whether there is a start date
///   (bit 2), a completed date (bit 3) and an exception (bit 4), followed by the
///   exception's order (if any), the case id's length and bytes, the due day (4 bytes),
///   then as zigzag numbers the start and the completion less the due day, the line less
///   the ordinal's, and the cohort's number.
/// The elapsed days, the days from due and the period are worked out again when written.
enum CaseRowCoding {
    static let textRow: UInt8 = 0x80
    /// Longer ids are kept as text (their length is one byte here).
    static let longestID = 255
    /// A row whose cohort's cells are longer is kept as text: a compact row's text is made
    /// in the output buffer, which must hold the longest.
    static let longestCells = 4096

    private static let hasStart: UInt8 = 4, hasCompleted: UInt8 = 8, hasException: UInt8 = 16

    /// The most bytes `encode` writes for an id of `idLength` bytes.
    static func maximumLength(idLength: Int) -> Int { 1 + 1 + 1 + idLength + 4 + 4 * 10 }

    /// The most bytes `format` writes for a record whose bytes after the kind are `remaining`
    /// (the id is among them): the id, six numbers and dates (at most 20 bytes each), the
    /// two codes (32 each), the period, the commas and the cohort's cells.
    static func maximumText(_ remaining: Int) -> Int { remaining + 6 * 20 + 2 * 32 + 7 + 12 + longestCells }

    /// The bytes the row of `c` takes in cases.csv (without the measure's cell), or nil
    /// when it cannot be kept compact (a date outside 1950–2099).
    @inline(__always)
    static func textLength(_ c: CaseTiming, idLength: Int, line: Int, cellsLength: Int, asAt: Day, codes: CodeLengths) -> Int? {
        guard c.due.isoTableOffset != nil, c.start.map({ $0.isoTableOffset != nil }) ?? true,
              c.completed.map({ $0.isoTableOffset != nil }) ?? true, line >= 0 else { return nil }
        let end = c.completed ?? asAt
        var n = idLength + RecordWriter.decimalLength(line) + 10 + 7 + 10  // the due day, the period, nine commas and the line end
        if let start = c.start { n += 10 + RecordWriter.decimalLength(end - start) }
        if c.completed != nil { n += 10 }
        n += codes.status[c.status.order]
        if let e = c.exception { n += codes.exception[e.order] }
        n += RecordWriter.decimalLength(end - c.due)
        if cellsLength > 0 { n += 1 + cellsLength }
        return n
    }

    @inline(__always)
    static func encode(_ c: CaseTiming, id: Span<UInt8>, line: Int, ordinal: Int64, cohort: Int32, into w: inout RecordWriter) {
        var kind = UInt8(truncatingIfNeeded: c.status.order)
        if c.start != nil { kind |= hasStart }
        if c.completed != nil { kind |= hasCompleted }
        if c.exception != nil { kind |= hasException }
        w.byte(kind)
        if let e = c.exception { w.byte(UInt8(truncatingIfNeeded: e.order)) }
        w.byte(UInt8(truncatingIfNeeded: id.count))
        w.bytes(id)
        w.int32(c.due.number)
        if let start = c.start { w.zigzag(Int(start.number) - Int(c.due.number)) }
        if let completed = c.completed { w.zigzag(Int(completed.number) - Int(c.due.number)) }
        w.zigzag(line - rowLine(ordinal: ordinal))
        w.zigzag(Int(cohort))
    }

    /// Writes the row a compact record (its `kind` read already) stands for, as
    /// `CasesFile.format` writes a row kept as text; `table` is `CellTable.shared`.
    @inline(__always)
    static func format(kind: UInt8, _ r: inout RecordReader, ordinal: Int64, asAt: Day, table: CellTable,
                       cells: CohortCells, into w: inout RecordWriter) {
        let comma = UInt8(ascii: ","), text = table.bytes
        let exceptionOrder = kind & hasException != 0 ? Int(r.take(UInt8.self)) : nil
        let idLength = Int(r.take(UInt8.self))
        w.bytes(from: &r, count: idLength)
        w.byte(comma)
        let due = Day(number: r.take(Int32.self))
        let start = kind & hasStart != 0 ? Day(number: due.number &+ Int32(truncatingIfNeeded: r.zigzag())) : nil
        let completed = kind & hasCompleted != 0 ? Day(number: due.number &+ Int32(truncatingIfNeeded: r.zigzag())) : nil
        let line = r.zigzag() + rowLine(ordinal: ordinal)
        let cohort = Int32(truncatingIfNeeded: r.zigzag())
        let end = completed ?? asAt
        w.int(line); w.byte(comma)
        CellTable.day(start, in: text, &w); w.byte(comma)
        CellTable.day(due, in: text, &w); w.byte(comma)
        CellTable.day(completed, in: text, &w); w.byte(comma)
        w.bytes(text, table.status[Int(kind & 3)]); w.byte(comma)
        if let exceptionOrder { w.bytes(text, table.exception[exceptionOrder]) }
        w.byte(comma)
        if let start { w.int(end - start) }
        w.byte(comma)
        w.int(end - due); w.byte(comma)
        CellTable.day(completed ?? due, in: text, &w, length: 7)
        // As the row was formatted before: a cohort's cells after a comma, unless they are no bytes at all.
        if !cells.bytes.isEmpty {
            let range = cells.cells(ofCohort: cohort)
            if !range.isEmpty { w.byte(comma); w.bytes(cells.bytes, range) }
        }
        w.byte(10)
    }
}

/// The text cases.csv's rows are made of, as UTF-8 in one array: the date of every day
/// of 1950–2099 (`Day.isoTable`), then the status and exception codes. A row copies its
/// cells from here with one reference to one array, not one per cell.
package struct CellTable: Sendable {
    package let bytes: [UInt8]
    package let status: [Range<Int>]
    package let exception: [Range<Int>]

    package static let shared = CellTable()

    private init() {
        var bytes = Day.isoTable
        func add(_ names: [String]) -> [Range<Int>] {
            names.map { name in
                let start = bytes.count
                bytes += name.utf8
                return start..<bytes.count
            }
        }
        status = add(CaseStatus.allCases.map(\.rawValue))
        exception = add(ExceptionCode.allCases.map(\.rawValue))
        self.bytes = bytes
    }

    /// `yyyy-mm-dd` (or its first `length` bytes), or nothing for nil; `text` is `bytes`.
    @inline(__always)
    package static func day(_ d: Day?, in text: [UInt8], _ w: inout RecordWriter, length: Int = 10) {
        guard let d else { return }
        if let offset = d.isoTableOffset {
            w.bytes(text, offset..<(offset + length))
        } else {
            Bytes.withUTF8(d.iso) { iso in w.bytes(iso.extracting(0..<min(length, iso.count))) }
        }
    }
}
