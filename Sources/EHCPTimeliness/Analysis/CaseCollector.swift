import EHCPRules
import EHCPStore
import EHCPIngest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything the outputs need from the case results, gathered as the results stream
/// past so that memory does not grow with the number of cases:
/// - summary.csv's counts (`SummaryAccumulator`) and the report's (`MeasureTallies`);
/// - cases.csv's rows, formatted at once (all but the measure cell) and kept per measure
///   in temporary files, so that concatenated in catalogue order they are the file's
///   order with no sort;
/// - the action list, kept in an external sort by due date, measure and case id.
///
/// Each result carries an ordinal (file and line of its row). A row found to be a
/// duplicate only after it was analysed is taken back with `takeBack`: its counts are
/// subtracted and its cases.csv rows and action-list entry are skipped when written.
/// Collectors of consecutive chunks of input combine with `absorb`, in chunk order.
package struct CaseCollector {
    package let asAt: Day
    /// Open cases due on or before this day join the action list.
    package let horizon: Day
    package let byColumns: [String]
    package private(set) var summary: SummaryAccumulator
    package private(set) var tallies = Array(repeating: MeasureTallies(), count: MeasureID.allCases.count)
    /// cases.csv rows per measure, this collector's then those of collectors absorbed, in input order.
    private var rows: [[CaseRows]]
    private var actions: ExternalSorter
    package private(set) var actionCount = 0
    /// Ordinals of rows taken back.
    package private(set) var skipped = Set<Int64>()
    /// cases.csv cells of each cohort, escaped and joined, back to back, and where each
    /// cohort's are (by its number in `summary`; nil until first needed).
    private var cohortCellBytes: [UInt8] = []
    private var cohortCells: [Range<Int>?] = []
    private var row = CSVWriter()
    private var key = ByteWriter()
    private var payload = ByteWriter()

    package init(options: AnalysisOptions, byColumns: [String]) throws {
        asAt = options.asAt
        horizon = options.asAt + options.dueWithin
        self.byColumns = byColumns
        summary = SummaryAccumulator(unit: options.period, dimensionCount: byColumns.count)
        let scratch = options.scratchDirectory
        rows = try MeasureID.allCases.map { _ in [try CaseRows(directory: scratch)] }
        actions = ExternalSorter(directory: scratch, memoryBudget: 4 << 20)
    }

    /// Whether an open case needs action on the as-at date.
    package func isAction(_ t: CaseTiming) -> Bool {
        t.status == .openOverdue || (t.status == .openInTime && t.due <= horizon)
    }

    package mutating func add(_ r: CaseResult, ordinal: Int64) throws {
        try add(r.timing, of: r.facts, cohort: cohortNumber(r.dimensions), ordinal: ordinal)
    }

    /// The number of a cohort, found once for all the timings of a row that share it.
    package mutating func cohortNumber(_ dimensions: [String]) -> Int32 { summary.cohortNumber(dimensions) }

    /// Adds one timing of the case `facts` describes; `cohort` is the number of its dimensions.
    package mutating func add(_ t: CaseTiming, of facts: CaseFacts, cohort: Int32, ordinal: Int64) throws {
        summary.add(t, cohort: cohort, weight: 1)
        tallies[t.measure.order].add(t, asAt: asAt)
        try appendCaseRow(t, of: facts, cohort: cohort, ordinal: ordinal)
        if isAction(t) {
            actionCount += 1
            try appendAction(t, of: facts, ordinal: ordinal)
        }
    }

    /// Takes back a timing added before under `ordinal`.
    package mutating func takeBack(_ t: CaseTiming, dimensions: [String], ordinal: Int64) {
        summary.add(t, cohort: cohortNumber(dimensions), weight: -1)
        tallies[t.measure.order].add(t, asAt: asAt, weight: -1)
        if isAction(t) { actionCount -= 1 }
        skipped.insert(ordinal)
    }

    /// Moves the action list's records from memory to disk.
    package mutating func releaseMemory() throws { try actions.releaseMemory() }

    /// Adds what `other` collected from the input that follows this collector's.
    package mutating func absorb(_ other: CaseCollector) throws {
        summary.merge(other.summary)
        for i in tallies.indices { tallies[i].merge(other.tallies[i]) }
        for i in rows.indices { rows[i].append(contentsOf: other.rows[i]) }
        try actions.absorb(other.actions)
        actionCount += other.actionCount
        skipped.formUnion(other.skipped)
    }

    // MARK: - cases.csv

    package static func casesHeader(byColumns: [String]) -> [String] {
        ["measure", "case_id", "line", "start_date", "due_date", "completed_date", "status",
         "exception", "days_elapsed", "days_from_due", "period"] + byColumns
    }

    private mutating func appendCaseRow(_ c: CaseTiming, of facts: CaseFacts, cohort: Int32, ordinal: Int64) throws {
        let cells = byColumns.isEmpty ? 0..<0 : cells(ofCohort: cohort, facts.dimensions)
        let target = rows[c.measure.order][rows[c.measure.order].count - 1]
        if summary.unit == .month {
            let asAt = asAt
            let written = try cohortCellBytes.withUnsafeBufferPointer { all in
                try Self.appendPlainCaseRow(c, of: facts, cells: UnsafeBufferPointer(rebasing: all[cells]), asAt: asAt,
                                            ordinal: ordinal, to: target)
            }
            if written { return }
        }
        let end = c.completed ?? asAt
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
        row.append(periodOf: c.periodDate, in: summary.unit)
        if !byColumns.isEmpty { row.appendEscaped(cohortCellBytes[cells]) }
        row.endRow()
        try target.append(row.bytes, ordinal: ordinal)
    }

    /// The usual row, formatted straight into its temporary file's buffer: a case id
    /// that needs no quoting, and (checked by the caller) a month period. False for any other row, which
    /// `appendCaseRow` formats through `CSVWriter`.
    private static func appendPlainCaseRow(_ c: CaseTiming, of facts: CaseFacts, cells: UnsafeBufferPointer<UInt8>,
                                           asAt: Day, ordinal: Int64, to target: CaseRows) throws -> Bool {
        // Plain values for the closures below.
        let line = facts.line, start = c.start, due = c.due, completed = c.completed
        let status = c.status.order, exception = c.exception?.order, period = c.periodDate, end = c.completed ?? asAt
        var caseID = facts.caseID
        return try caseID.withUTF8 { id in
            guard CSVWriter.isPlainCell(id) else { return false }
            // Names and codes (≤ 32 each), six numbers and dates (≤ 20), period, commas.
            let maximum = 4 * 32 + 6 * 20 + 7 + 12 + id.count + cells.count
            return try target.append(ordinal: ordinal, maximum: maximum) { memory in
                var w = RawCSVWriter(memory, capacity: maximum)
                w.bytes(id); w.comma()
                w.int(line); w.comma()
                w.day(start); w.comma()
                w.day(due); w.comma()
                w.day(completed); w.comma()
                w.bytes(Self.statusNames[status]); w.comma()
                if let exception { w.bytes(Self.exceptionNames[exception]) }
                w.comma()
                if let start { w.int(end - start) }
                w.comma()
                w.int(end - due); w.comma()
                w.month(of: period)
                if !cells.isEmpty { w.comma(); w.bytes(cells) }
                w.byte(10)
                return w.count
            }
        }
    }

    private static let statusNames = NameBytes(CaseStatus.allCases.map(\.rawValue))
    private static let exceptionNames = NameBytes(ExceptionCode.allCases.map(\.rawValue))

    /// Where the cells of `cohort`, whose values are `values`, are in `cohortCellBytes`.
    private mutating func cells(ofCohort cohort: Int32, _ values: [String]) -> Range<Int> {
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

    /// cases.csv, header first, then each measure's rows read back from its temporary
    /// files (without those taken back), in pieces of at most 256 KiB.
    /// With `discarding`, each temporary file gives back its pages as it is read and is
    /// emptied once copied (the rows cannot be written again): the command line writes
    /// once, and a 10-million-row run's gigabytes of temporary rows then make room for
    /// the output as it fills.
    package func writeCases(discarding: Bool = false, emit: @escaping (UnsafeRawBufferPointer) throws -> Void) throws {
        let header = CSVWriter(header: Self.casesHeader(byColumns: byColumns)).bytes
        try header.withUnsafeBytes { try emit($0) }
        // Written in pieces the size the rows went to their temporary files in: the kernel
        // keeps a file's pages in blocks the size of each write, and blocks of one size
        // freed by `discarding` are what a write of the same size takes next.
        var out = OutputBuffer(capacity: CaseRows.writeSize, emit: emit)
        let skippedInOrder = skipped.sorted()
        for (measure, list) in rows.enumerated() {
            // The rows were kept without their first cell, the measure, which goes back here.
            var prefixBytes = Array(MeasureID.allCases[measure].rawValue.utf8)
            prefixBytes.append(UInt8(ascii: ","))
            try prefixBytes.withUnsafeBytes { prefix in
                for part in list {
                    defer { if discarding { try? part.discard() } }
                    // A part's rows are in ordinal order (review rows apart): the sorted skipped
                    // ordinals are walked beside them rather than looked up.
                    var next = 0
                    try part.forEachRow(releasing: discarding) { ordinal, row in
                        if !skippedInOrder.isEmpty {
                            if next > 0, skippedInOrder[next - 1] >= ordinal {
                                next = Self.lowerBound(of: ordinal, in: skippedInOrder)
                            }
                            while next < skippedInOrder.count, skippedInOrder[next] < ordinal { next += 1 }
                            if next < skippedInOrder.count, skippedInOrder[next] == ordinal { return }
                        }
                        try out.append(prefix, row)
                    }
                }
            }
        }
        try out.flush()
    }

    /// The index of the first element of `sorted` not below `value`.
    private static func lowerBound(of value: Int64, in sorted: [Int64]) -> Int {
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }

    // MARK: - The action list

    private mutating func appendAction(_ c: CaseTiming, of facts: CaseFacts, ordinal: Int64) throws {
        // Due date, measure, case id (NUL-terminated: no field holds a NUL byte, and a
        // shorter id sorts first), then the result's input order.
        key.bytes.removeAll(keepingCapacity: true)
        key.putBigEndian(UInt32(bitPattern: c.due.number) ^ 0x8000_0000)
        key.put(UInt8(c.measure.order))
        key.bytes.append(contentsOf: facts.caseID.utf8)
        key.put(UInt8(0))
        key.putBigEndian(UInt64(bitPattern: Int64(facts.sequence)) ^ (1 << 63))
        payload.bytes.removeAll(keepingCapacity: true)
        ActionEntry.encode(c, of: facts, ordinal: ordinal, into: &payload)
        try actions.add(key: key.bytes, payload: payload.bytes)
    }

    /// The action list's entries as stored (see `ActionEntry`), in order, without those
    /// taken back: for writers that read the bytes without making a `CaseResult`.
    package func forEachActionEntry(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        try actions.forEachSorted { _, payload in
            if !skipped.isEmpty, skipped.contains(payload.loadUnaligned(as: Int64.self)) { return }
            try body(payload)
        }
    }

    /// The action list in its order (due date, measure, case id, input order).
    package func forEachAction(_ body: (CaseResult) throws -> Void) throws {
        try actions.forEachSorted { _, payload in
            let (entry, ordinal) = ActionEntry.decode(payload)
            if !skipped.isEmpty, skipped.contains(ordinal) { return }
            try body(entry)
        }
    }
}

/// cases.csv rows of one measure from one collector, in one temporary file, each framed
/// (`FramedRecord`) with its ordinal, and kept without its first cell (the measure, the
/// same for all: a fifth of a row's bytes that need not go to disk and back).
package struct CaseRows {
    package let file: SpillFile
    /// How many bytes of rows go to the temporary file at a time.
    package static let writeSize = 256 << 10

    package init(directory: String) throws {
        file = try SpillFile(directory: directory, bufferSize: Self.writeSize)
    }

    /// Appends a row that `write` formats into at most `maximum` bytes of the file's
    /// buffer; false, with nothing written, when it would not fit (see `FramedRecord`).
    package func append(ordinal: Int64, maximum: Int, _ write: (UnsafeMutableRawPointer) throws -> Int) throws -> Bool {
        try FramedRecord.append(ordinal: ordinal, maximum: maximum, to: file, write)
    }

    /// Appends a row already formatted, of any length.
    package func append(_ row: [UInt8], ordinal: Int64) throws {
        try row.withUnsafeBytes { try FramedRecord.append($0, ordinal: ordinal, to: file) }
    }

    /// Every row's ordinal and bytes (valid during the call), in order; with `releasing`,
    /// the file gives back its storage as it is read.
    package func forEachRow(releasing: Bool = false, _ body: (Int64, UnsafeRawBufferPointer) throws -> Void) throws {
        try FramedRecord.forEach(in: file, releasing: releasing, body)
    }

    /// Empties the file (see `SpillFile.discard`).
    package func discard() throws { try file.discard() }
}

/// An action-list case encoded for the external sort, and back.
package enum ActionEntry {
    private static let none: Int32 = .min

    package static func encode(_ c: CaseTiming, of f: CaseFacts, ordinal: Int64, into w: inout ByteWriter) {
        w.put(ordinal)
        w.put(UInt8(c.measure.order))
        w.put(UInt8(c.status.order))
        w.put(c.exception.map { UInt8($0.order) } ?? 0xFF)
        w.put(Int64(f.line))
        w.put(Int64(f.sequence))
        w.put(c.start?.number ?? none)
        w.put(c.due.number)
        w.put(c.completed?.number ?? none)
        w.put(f.caseID)
        w.put(f.team)
        w.put(f.caseworker)
        w.put(UInt32(f.dimensions.count))
        for d in f.dimensions { w.put(d) }
    }

    /// An entry's fields, its texts read in place: valid only while the entry's bytes
    /// are (the action list's callback). exceptions.csv is written from these without
    /// making strings; `decode` makes a `CaseResult` of them.
    package struct Fields {
        package static var none: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: nil, count: 0) }
        package var ordinal: Int64
        package var measure: MeasureID
        package var status: CaseStatus
        package var exception: ExceptionCode?
        package var line: Int
        package var sequence: Int
        package var start: Day?
        package var due: Day
        package var completed: Day?
        package var caseID: UnsafeBufferPointer<UInt8>
        package var team: UnsafeBufferPointer<UInt8>?
        package var caseworker: UnsafeBufferPointer<UInt8>?
        package var dimensions: [UnsafeBufferPointer<UInt8>]
    }

    package static func fields(_ bytes: UnsafeRawBufferPointer) -> Fields {
        var r = ByteReader(bytes)
        func day(_ n: Int32) -> Day? { n == none ? nil : Day(number: n) }
        let ordinal = r.take(Int64.self)
        let measure = MeasureID.allCases[Int(r.take(UInt8.self))]
        let status = CaseStatus.allCases[Int(r.take(UInt8.self))]
        let e = r.take(UInt8.self)
        let line = Int(r.take(Int64.self)), sequence = Int(r.take(Int64.self))
        let start = day(r.take(Int32.self)), due = Day(number: r.take(Int32.self)), completed = day(r.take(Int32.self))
        let caseID = r.textBytes() ?? Fields.none, team = r.textBytes(), caseworker = r.textBytes()
        let dimensions = (0..<Int(r.take(UInt32.self))).map { _ in r.textBytes() ?? Fields.none }
        return Fields(ordinal: ordinal, measure: measure, status: status,
                      exception: e == 0xFF ? nil : ExceptionCode.allCases[Int(e)], line: line, sequence: sequence,
                      start: start, due: due, completed: completed, caseID: caseID, team: team, caseworker: caseworker,
                      dimensions: dimensions)
    }

    package static func decode(_ bytes: UnsafeRawBufferPointer) -> (CaseResult, ordinal: Int64) {
        let f = fields(bytes)
        func text(_ utf8: UnsafeBufferPointer<UInt8>) -> String { String(decoding: utf8, as: UTF8.self) }
        return (CaseResult(measure: f.measure, caseID: text(f.caseID), line: f.line, sequence: f.sequence, start: f.start,
                           due: f.due, completed: f.completed, status: f.status, exception: f.exception,
                           dimensions: f.dimensions.map(text), team: f.team.map(text), caseworker: f.caseworker.map(text)),
                f.ordinal)
    }
}

/// Codes as UTF-8 bytes in memory made once and never freed: reading one for every row
/// then costs no reference counting, as reading an array of arrays would.
///
/// Safe to share: the bytes are written once, when the value is made, and only read
/// after that.
package struct NameBytes: ~Copyable, @unchecked Sendable {
    private let names: UnsafeMutablePointer<UnsafeBufferPointer<UInt8>>
    private let count: Int

    package init(_ texts: [String]) {
        count = texts.count
        names = .allocate(capacity: texts.count)
        for (i, text) in texts.enumerated() {
            let bytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: text.utf8.count)
            _ = bytes.initialize(from: text.utf8)
            (names + i).initialize(to: UnsafeBufferPointer(bytes))
        }
    }

    package subscript(i: Int) -> UnsafeBufferPointer<UInt8> { names[i] }

    // Not copyable, so this runs once, when its one owner goes (for the static tables,
    // never before the process ends).
    deinit {
        for i in 0..<count { UnsafeMutableBufferPointer(mutating: names[i]).deallocate() }
        names.deinitialize(count: count).deallocate()
    }
}
