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
    }

    private init(horizon: Day, scratch: String, measures: [MeasureID]) {
        self.horizon = horizon
        self.scratch = scratch
        self.measures = measures
        entries = ExternalSorter(directory: scratch, memoryBudget: 4 << 20)
    }

    /// Whether an open case needs action on the as-at date.
    package func isAction(_ t: CaseTiming) -> Bool {
        t.status == .openOverdue || (t.status == .openInTime && t.due <= horizon)
    }

    package func add(_ c: CaseTiming, of facts: CaseFacts, cohort: Int32, ordinal: Int64) throws {
        guard isAction(c) else { return }
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

    package func makeChunk() throws -> any CaseSink { ActionListStore(horizon: horizon, scratch: scratch, measures: measures) }

    package func absorb(_ chunk: any CaseSink) throws {
        guard let chunk = chunk as? ActionListStore else { preconditionFailure("an ActionListStore absorbs only its own chunks") }
        try entries.absorb(chunk.entries)
        taken += chunk.taken
    }

    package func releaseMemory() throws { try entries.releaseMemory() }

    /// The number of cases on the list, without the rows `retracted`.
    public func count(retracted: RetractedRows) throws -> Int {
        guard !retracted.isEmpty else { return taken }
        var n = 0
        try forEach(retracted: retracted) { _ in n += 1 }
        return n
    }

    /// The list in its order (due date, measure, case id, input order), without the rows
    /// `retracted`.
    public func forEach(retracted: RetractedRows, _ body: (CaseResult) throws -> Void) throws {
        try entries.forEachSortedRecord { _, payload in
            let (entry, ordinal) = ActionEntry.decode(&payload, measures: measures)
            if !retracted.isEmpty, retracted.contains(ordinal) { return }
            try body(entry)
        }
    }

    /// The whole list in memory.
    public func all(retracted: RetractedRows) throws -> [CaseResult] {
        var list: [CaseResult] = []
        try forEach(retracted: retracted) { list.append($0) }
        return list
    }
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

    package static func decode(_ r: inout RecordReader, measures: [MeasureID]) -> (CaseResult, ordinal: Int64) {
        func day(_ n: Int32) -> Day? { n == none ? nil : Day(number: n) }
        let ordinal = r.take(Int64.self)
        let measure = measures[Int(r.take(UInt8.self))]
        let status = CaseStatus.allCases[Int(r.take(UInt8.self))]
        let e = r.take(UInt8.self)
        let line = Int(r.take(Int64.self)), sequence = Int(r.take(Int64.self))
        let start = day(r.take(Int32.self)), due = Day(number: r.take(Int32.self)), completed = day(r.take(Int32.self))
        let caseID = r.text() ?? "", team = r.text(), caseworker = r.text()
        let dimensions = (0..<Int(r.take(UInt32.self))).map { _ in r.text() ?? "" }
        return (CaseResult(measure: measure, caseID: caseID, line: line, sequence: sequence, start: start, due: due,
                           completed: completed, status: status, exception: e == 0xFF ? nil : ExceptionCode.allCases[Int(e)],
                           dimensions: dimensions, team: team, caseworker: caseworker),
                ordinal)
    }
}
