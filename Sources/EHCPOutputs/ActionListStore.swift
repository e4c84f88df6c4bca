import EHCPRules
import EHCPStore
import EHCPTimeliness

/// The action list (outputs.md, "exceptions.csv"): open overdue cases, and open cases due
/// within `--due-within` days of the as-at date, kept in an external sort by due date,
/// measure and case id (then input order), so that memory does not grow with the list.
public final class ActionListStore: CaseSink {
    /// Open cases due on or before this day join the list.
    private let horizon: Day
    private let scratch: String
    /// The run's measures, by order.
    private let measures: [MeasureID]
    private var entries: ExternalSorter
    /// Cases that could not be checked, by ordinal (input order): the list's last part.
    private var unchecked: ExternalSorter
    /// Entries taken, retracted rows' included.
    private var taken = 0
    private var key = ByteWriter()
    private var payload = ByteWriter()

    public init(options: AnalysisOptions) {
        horizon = options.asAt + options.dueWithin
        scratch = options.scratchDirectory
        measures = options.rules.measures.ids
        precondition(measures.count < 256, "the action list keeps a measure's order in one byte")
        entries = ExternalSorter(directory: scratch, memoryBudget: 4 << 20)
        unchecked = ExternalSorter(directory: scratch, memoryBudget: 1 << 20)
    }

    private init(horizon: Day, scratch: String, measures: [MeasureID]) {
        self.horizon = horizon
        self.scratch = scratch
        self.measures = measures
        entries = ExternalSorter(directory: scratch, memoryBudget: 4 << 20)
        unchecked = ExternalSorter(directory: scratch, memoryBudget: 1 << 20)
    }

    /// Whether an open case needs action on the as-at date.
    package func isAction(_ t: CaseTiming) -> Bool {
        t.status == .openOverdue || (t.status == .openInTime && t.due <= horizon)
    }

    package func add(_ timings: [CaseTiming], of facts: CaseFacts, cohort: Int32, ordinal: Int64) throws {
        for c in timings where isAction(c) { try add(c, of: facts, ordinal: ordinal) }
    }

    private func add(_ c: CaseTiming, of facts: CaseFacts, ordinal: Int64) throws {
        taken += 1
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
        try entries.add(key: key, payload: payload)
    }

    package func addUnchecked(_ u: UncheckedCase, ordinal: Int64) throws {
        var key = ByteWriter(), payload = ByteWriter()
        key.putBigEndian(UInt64(bitPattern: ordinal) ^ (1 << 63))
        // The ordinal and whether it outlives a retraction come first: counting reads only them.
        payload.put(ordinal)
        payload.put(UInt8(u.outlivesRetraction ? 1 : 0))
        payload.put(u.caseID); payload.put(u.file); payload.put(Int64(u.line))
        payload.put(u.team); payload.put(u.caseworker)
        payload.put(UInt32(u.dimensions.count))
        for d in u.dimensions { payload.put(d) }
        payload.put(UInt32(u.measures.count))
        for m in u.measures { payload.put(UInt8(m.order)) }
        payload.put(u.reason)
        try unchecked.add(key: key, payload: payload)
    }

    /// The cases that could not be checked, in input order, without the rows `retracted`.
    public func forEachUnchecked(retracted: RetractedRows, _ body: (UncheckedCase) throws -> Void) throws {
        try unchecked.forEachSortedRecord { _, r in
            let ordinal = r.take(Int64.self)
            let outlives = r.take(UInt8.self) == 1
            if !outlives, !retracted.isEmpty, retracted.contains(ordinal) { return }
            let caseID = r.text() ?? "", file = r.text() ?? "", line = Int(r.take(Int64.self))
            let team = r.text(), caseworker = r.text()
            var dimensions: [String] = []
            for _ in 0..<Int(r.take(UInt32.self)) { dimensions.append(r.text() ?? "") }
            var measures: [MeasureID] = []
            for _ in 0..<Int(r.take(UInt32.self)) { measures.append(self.measures[Int(r.take(UInt8.self))]) }
            let reason = r.text() ?? ""
            var u = UncheckedCase(caseID: caseID, file: file, line: line, team: team, caseworker: caseworker,
                                  dimensions: dimensions, measures: measures, reason: reason)
            u.outlivesRetraction = outlives
            try body(u)
        }
    }

    /// The number of cases that could not be checked, without the rows `retracted`,
    /// counted without reading their texts: the console needs only the number, and a run
    /// with many rejected rows would otherwise hold them all in memory.
    public func uncheckedCount(retracted: RetractedRows) throws -> Int {
        var count = 0
        try unchecked.forEachSortedRecord { _, r in
            let ordinal = r.take(Int64.self)
            let outlives = r.take(UInt8.self) == 1
            if outlives || retracted.isEmpty || !retracted.contains(ordinal) { count += 1 }
        }
        return count
    }

    /// All of them in memory.
    public func allUnchecked(retracted: RetractedRows) throws -> [UncheckedCase] {
        var list: [UncheckedCase] = []
        try forEachUnchecked(retracted: retracted) { list.append($0) }
        return list
    }

    package func makeChunk() throws -> any CaseSink { ActionListStore(horizon: horizon, scratch: scratch, measures: measures) }

    package func absorb(_ chunk: any CaseSink) throws {
        guard let chunk = chunk as? ActionListStore else { preconditionFailure("an ActionListStore absorbs only its own chunks") }
        try entries.absorb(chunk.entries)
        try unchecked.absorb(chunk.unchecked)
        taken += chunk.taken
    }

    package func releaseMemory() throws {
        try entries.releaseMemory()
        try unchecked.releaseMemory()
    }

    /// The number of cases on the list, without the rows `retracted`: known at once when
    /// no row was taken back, or when the list was last read whole with the same rows
    /// taken back (writing exceptions.csv counts it); otherwise counted in one pass over
    /// the entries, without making any into a `CaseResult`.
    public func count(retracted: RetractedRows) throws -> Int {
        guard !retracted.isEmpty else { return taken }
        if let last = lastCount, last.retracted == retracted { return last.count }
        try forEachEntry(retracted: retracted) { _, _ in }
        return lastCount?.count ?? 0
    }

    /// The entries the last whole pass of `forEachEntry` gave, and the rows it skipped.
    /// (Written by that pass and read after it, on the thread that waited for the files.)
    private var lastCount: (retracted: RetractedRows, count: Int)?

    /// The list in its order (due date, measure, case id, input order), without the rows
    /// `retracted`.
    public func forEach(retracted: RetractedRows, _ body: (CaseResult) throws -> Void) throws {
        try forEachEntry(retracted: retracted) { entry, text in try body(entry.caseResult(text)) }
    }

    /// The same, each entry's texts read into `text` (valid during the call) rather than
    /// made into strings: exceptions.csv is written from these.
    package func forEachEntry(retracted: RetractedRows, _ body: (ActionEntry, [UInt8]) throws -> Void) throws {
        var text: [UInt8] = []
        var count = 0
        try entries.forEachSortedRecord { _, payload in
            text.removeAll(keepingCapacity: true)
            let entry = ActionEntry(&payload, measures: measures, text: &text)
            if !retracted.isEmpty, retracted.contains(entry.ordinal) { return }
            count += 1
            try body(entry, text)
        }
        lastCount = (retracted, count)
    }

    /// The whole list in memory.
    public func all(retracted: RetractedRows) throws -> [CaseResult] {
        var list: [CaseResult] = []
        try forEach(retracted: retracted) { list.append($0) }
        return list
    }
}

/// An action-list case encoded for the external sort, and read back: its numbers, and
/// where its texts are in a buffer the reader fills.
package struct ActionEntry {
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

    package var ordinal: Int64
    package var measure: MeasureID
    package var status: CaseStatus
    package var exception: ExceptionCode?
    package var line: Int
    package var sequence: Int
    package var start: Day?
    package var due: Day
    package var completed: Day?
    /// Where each text is in the entry's text buffer; nil for a nil team or caseworker.
    package var caseID: Range<Int>
    package var team: Range<Int>?
    package var caseworker: Range<Int>?
    package var dimensions: [Range<Int>]

    /// Reads an entry, its texts appended to `text`.
    package init(_ r: inout RecordReader, measures: [MeasureID], text: inout [UInt8]) {
        func day(_ n: Int32) -> Day? { n == Self.none ? nil : Day(number: n) }
        ordinal = r.take(Int64.self)
        measure = measures[Int(r.take(UInt8.self))]
        status = CaseStatus.allCases[Int(r.take(UInt8.self))]
        let e = r.take(UInt8.self)
        exception = e == 0xFF ? nil : ExceptionCode.allCases[Int(e)]
        line = Int(r.take(Int64.self))
        sequence = Int(r.take(Int64.self))
        start = day(r.take(Int32.self))
        due = Day(number: r.take(Int32.self))
        completed = day(r.take(Int32.self))
        let empty = text.count..<text.count
        caseID = r.text(appendingTo: &text) ?? empty
        team = r.text(appendingTo: &text)
        caseworker = r.text(appendingTo: &text)
        var dimensions: [Range<Int>] = []
        for _ in 0..<Int(r.take(UInt32.self)) { dimensions.append(r.text(appendingTo: &text) ?? empty) }
        self.dimensions = dimensions
    }

    /// The entry as a case result, its texts taken from `text`.
    package func caseResult(_ text: [UInt8]) -> CaseResult {
        func string(_ r: Range<Int>) -> String { String(decoding: text[r], as: UTF8.self) }
        return CaseResult(measure: measure, caseID: string(caseID), line: line, sequence: sequence, start: start, due: due,
                          completed: completed, status: status, exception: exception, dimensions: dimensions.map(string),
                          team: team.map(string), caseworker: caseworker.map(string))
    }
}
