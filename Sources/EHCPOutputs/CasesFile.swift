import EHCPRules
import EHCPStore
import EHCPTimeliness

/// cases.csv (outputs.md): one row per case and measure, in catalogue order of measure,
/// then input order.
///
/// Rows are formatted as the cases arrive (all but the measure cell, which is the same
/// for every row of a measure and goes back when the file is written) and kept per
/// measure in temporary files, so that concatenated in catalogue order they are the
/// file's order with no sort, and memory does not grow with the number of cases.
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
    /// checked either: a sink is one chunk's, filled by its thread alone, and nothing
    /// `add` calls can reach the sink while it holds `state`.
    @exclusivity(unchecked) private var state: State
    private let table = CellTable.shared

    private struct State {
        /// Rows per measure: this sink's, then those of chunks absorbed, in input order.
        var rows: [[CaseRows]]
        /// The cells of each cohort, escaped and joined, back to back, and where each
        /// cohort's are (by its number; nil until first needed).
        var cohortCellBytes: [UInt8] = []
        var cohortCells: [Range<Int>?] = []
        var row = CSVWriter()

        /// Where a timing of `measure` goes: the measure's last part (this sink's own, or the
        /// last chunk's absorbed, when the run adds after absorbing: review plans after a file).
        func currentRows(_ measure: MeasureID) -> CaseRows {
            rows[measure.order][rows[measure.order].count - 1]
        }

        /// Where the cells of `cohort`, whose values are `values`, are in `cohortCellBytes`.
        mutating func cells(ofCohort cohort: Int32, _ values: [String]) -> Range<Int> {
            let n = Int(cohort)
            if n < cohortCells.count, let known = cohortCells[n] { return known }
            while cohortCells.count <= n { cohortCells.append(nil) }
            var w = CSVWriter()
            for v in values { w.append(v) }
            let range = cohortCellBytes.count..<(cohortCellBytes.count + w.bytes.count)
            cohortCellBytes += w.bytes
            cohortCells[n] = range
            return range
        }
    }

    public init(options: AnalysisOptions) throws {
        asAt = options.asAt
        unit = options.period
        byColumns = options.by
        scratch = options.scratchDirectory
        measures = options.rules.measures.ids
        state = State(rows: try measures.map { _ in [try CaseRows(directory: options.scratchDirectory)] })
    }

    private init(like other: CasesFile) throws {
        asAt = other.asAt; unit = other.unit; byColumns = other.byColumns; scratch = other.scratch
        measures = other.measures
        state = State(rows: try measures.map { _ in [try CaseRows(directory: other.scratch)] })
    }

    package func makeChunk() throws -> any CaseSink { try CasesFile(like: self) }

    package func absorb(_ chunk: any CaseSink) throws {
        guard let chunk = chunk as? CasesFile else { preconditionFailure("a CasesFile absorbs only its own chunks") }
        for i in state.rows.indices { state.rows[i].append(contentsOf: chunk.state.rows[i]) }
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
        let cells = byColumns.isEmpty ? 0..<0 : state.cells(ofCohort: cohort, facts.dimensions)
        if unit == .month {
            // One reference each for the row, not one per cell or timing.
            let text = table.bytes, cellBytes = state.cohortCellBytes
            try Bytes.withUTF8(facts.caseID) { id in
                // Asked once for the row's timings, not once for each.
                let plain = CSVWriter.isPlainCell(id)
                for c in timings {
                    let target = state.currentRows(c.measure)
                    if try !plain || !appendPlainRow(c, id: id, line: facts.line, cells: cells, ordinal: ordinal, to: target,
                                           text: text, cellBytes: cellBytes) {
                        try appendRow(c, of: facts, cells: cells, ordinal: ordinal, to: target, state: &state)
                    }
                }
            }
        } else {
            for c in timings {
                try appendRow(c, of: facts, cells: cells, ordinal: ordinal, to: state.currentRows(c.measure), state: &state)
            }
        }
    }

    /// Any row, through `CSVWriter`.
    private func appendRow(_ c: CaseTiming, of facts: CaseFacts, cells: Range<Int>, ordinal: Int64, to target: CaseRows,
                           state: inout State) throws {
        let end = c.completed ?? asAt
        var row = state.row
        state.row = CSVWriter()  // taken out while it is filled, so that its buffer is not copied
        defer { state.row = row }
        row.bytes.removeAll(keepingCapacity: true)
        row.append(facts.caseID)  // the measure, the first cell, is put back when written
        row.append(facts.line)
        row.append(c.start)
        row.append(c.due)
        row.append(c.completed)
        row.append(c.status.rawValue)
        row.append(c.exception?.rawValue ?? "")
        if let start = c.start { row.append(end - start) } else { row.appendEmpty() }
        row.append(end - c.due)
        row.append(periodOf: c.periodDate, in: unit)
        if !byColumns.isEmpty { row.appendEscaped(state.cohortCellBytes[cells]) }
        row.endRow()
        try target.append(row.bytes, ordinal: ordinal)
    }

    /// The usual row, formatted straight into its temporary file's buffer: a case id
    /// that needs no quoting and a month period (both checked by the caller). False when
    /// the row does not fit the space reserved; `add` then formats it through `CSVWriter`.
    /// `text` is `table.bytes` and `cellBytes` `cohortCellBytes`, fetched once for the row.
    private func appendPlainRow(_ c: CaseTiming, id: Span<UInt8>, line: Int, cells: Range<Int>, ordinal: Int64,
                                to target: CaseRows, text: [UInt8], cellBytes: [UInt8]) throws -> Bool {
        let (start, due, completed, end) = (c.start, c.due, c.completed, c.completed ?? asAt)
        let period = c.periodDate
        let status = table.status[c.status.order], exception = c.exception.map { table.exception[$0.order] }
        // Names and codes (≤ 32 each), six numbers and dates (≤ 20), period, commas.
        let maximum = 4 * 32 + 6 * 20 + 7 + 12 + id.count + cells.count
        return try FramedRecord.append(ordinal: ordinal, maximum: maximum, to: target.file) { (w: inout RecordWriter) in
            let comma = UInt8(ascii: ",")
            w.bytes(id); w.byte(comma)
            w.int(line); w.byte(comma)
            CellTable.day(start, in: text, &w); w.byte(comma)
            CellTable.day(due, in: text, &w); w.byte(comma)
            CellTable.day(completed, in: text, &w); w.byte(comma)
            w.bytes(text, status); w.byte(comma)
            if let exception { w.bytes(text, exception) }
            w.byte(comma)
            if let start { w.int(end - start) }
            w.byte(comma)
            w.int(end - due); w.byte(comma)
            CellTable.day(period, in: text, &w, length: 7)
            if !cells.isEmpty { w.byte(comma); w.bytes(cellBytes, cells) }
            w.byte(10)
        }
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
        try Self.copyRows(of: parts[...], retracted: retracted, discarding: discarding, to: &out)
        try out.flush()
    }

    /// cases.csv into `sink` by up to `writers` threads at once, each writing a run of the
    /// measures' parts from the offset where the parts before it end. It was the longest
    /// output to write, on one core while the other had little left to do. A part's size is
    /// known without reading it (its rows' bytes less their frames, plus the measure's cell
    /// on each row), so no writer waits for another; with rows retracted it is not, and
    /// one writer writes the file as `write(retracted:discarding:emit:)` does. The bytes
    /// are the same either way.
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
        let parts = self.parts
        var starts: [Int] = []
        var end = header.count
        for part in parts {
            starts.append(end)
            end += part.rows.file.byteCount + part.rows.file.records * (part.cell.count - FramedRecord.frameSize)
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
            try Self.copyRows(of: parts[mine], retracted: retracted, discarding: discarding, to: &out)
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

    /// Copies the rows of `parts` to `out`, each after its measure's cell, without those
    /// `retracted`. Written in pieces the size the rows went to their temporary files in:
    /// the kernel keeps a file's pages in blocks the size of each write, and blocks of one
    /// size freed by `discarding` are what a write of the same size takes next.
    private static func copyRows(of parts: ArraySlice<(cell: [UInt8], rows: CaseRows)>, retracted: RetractedRows,
                                 discarding: Bool, to out: inout OutputBuffer) throws {
        for part in parts {
            defer { if discarding { try? part.rows.discard() } }
            // A part's rows are in ordinal order (review rows apart): the cursor walks
            // the sorted retracted ordinals beside them.
            var skip = RetractedRows.Cursor(retracted)
            try part.rows.forEachRow(releasing: discarding) { ordinal, row in
                if !retracted.isEmpty, skip.contains(ordinal) { return }
                try out.append(part.cell.span, row)
            }
        }
    }
}

/// cases.csv rows of one measure from one chunk of input, in one temporary file, each
/// framed (`FramedRecord`) with its ordinal, and kept without its first cell (the
/// measure, the same for all: a fifth of a row's bytes that need not go to disk and back).
package struct CaseRows {
    package let file: SpillFile
    /// How many bytes of rows go to the temporary file at a time.
    package static let writeSize = 256 << 10

    package init(directory: String) throws {
        file = try SpillFile(directory: directory, bufferSize: Self.writeSize)
    }

    /// Appends a row already formatted, of any length.
    package func append(_ row: [UInt8], ordinal: Int64) throws {
        try FramedRecord.append(row, ordinal: ordinal, to: file)
    }

    /// Every row's ordinal and bytes (valid during the call), in order; with `releasing`,
    /// the file gives back its storage as it is read.
    package func forEachRow(releasing: Bool = false, _ body: (Int64, RawSpan) throws -> Void) throws {
        try FramedRecord.forEachSpan(in: file, releasing: releasing, body)
    }

    /// Empties the file (see `SpillFile.discard`).
    package func discard() throws { try file.discard() }
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
