import EHCPRules
import EHCPIngest
import EHCPStore

/// Where the analysis sends every case it evaluates: one sink for each output that needs
/// the cases themselves (cases.csv, the action list). The analysis knows no file format:
/// the caller chooses the sinks (the `exceptions` command only the action list) and has
/// them write their files once the run is over.
///
/// A large extract is read in chunks on several threads: each chunk gets its own sinks
/// (`makeChunk`), which are absorbed back into the first in input order, so a sink sees
/// the same cases in the same order however the input was read.
///
/// A row found only later to repeat an earlier case is not taken back from the sinks:
/// its ordinal is in `AnalysisResult.retracted`, which a sink's writer skips.
package protocol CaseSink: AnyObject {
    /// Takes the timings of one row, all of the case `facts` describes. `cohort` numbers
    /// the case's dimension values within this sink's chunk (equal values, equal numbers),
    /// so a sink can keep what it derives from them; `ordinal` is the row's place in the
    /// input (`rowOrdinal`), unique to the row. (A row at a time, not a timing at a time:
    /// each call through the protocol costs a reference count on the sink.)
    func add(_ timings: [CaseTiming], of facts: CaseFacts, cohort: Int32, ordinal: Int64) throws
    /// An empty sink like this one, for a chunk of input read on another thread.
    func makeChunk() throws -> any CaseSink
    /// Appends what `chunk` (made by this sink's `makeChunk`) took from the input that
    /// follows this sink's.
    func absorb(_ chunk: any CaseSink) throws
    /// Moves what the sink holds in memory to disk: a chunk waiting for those before it.
    func releaseMemory() throws
    /// Takes a case that could not be checked (a rejected row, or measures a kept row
    /// could not be measured for), so that the action list never loses one silently.
    func addUnchecked(_ u: UncheckedCase, ordinal: Int64) throws
}

extension CaseSink {
    /// Most sinks list only the cases measured.
    package func addUnchecked(_ u: UncheckedCase, ordinal: Int64) throws {}
}

/// A case, or some of its measures, that the run could not check: a row rejected (no
/// measure at all) or a field that held an unusable value (the measures that need it).
/// The action list ends with these, so that nobody's Monday list drops a case unseen.
public struct UncheckedCase: Sendable, Equatable {
    /// As read; empty when the row's case id could not be read.
    public var caseID: String
    public var file: String
    public var line: Int
    public var team: String?
    public var caseworker: String?
    /// The `--by` values, `unknown` where the row could not give them.
    public var dimensions: [String]
    /// The measures not checked; empty when the whole row was rejected.
    public var measures: [MeasureID]
    /// Why, in a few words: "assessment_decision_date "12/06/2052": ... is after the as-at date".
    public var reason: String
    /// Listed even though its row was taken back: a copy of a case `--duplicates reject`
    /// rejected once every row had been seen (the entries a row had before are dropped).
    public var outlivesRetraction = false

    public init(caseID: String, file: String, line: Int, team: String?, caseworker: String?, dimensions: [String],
                measures: [MeasureID], reason: String) {
        self.caseID = caseID; self.file = file; self.line = line; self.team = team; self.caseworker = caseworker
        self.dimensions = dimensions; self.measures = measures; self.reason = reason
    }

    /// A row rejected by its own errors: no measure of its case was checked. Its team and
    /// `--by` values are read again from the row (it has no record to give them).
    package static func rejectedRow(_ reader: RowReader, columns: CohortColumns) -> UncheckedCase {
        let cohort = reader.rejectedRowCohort(columns)
        return UncheckedCase(caseID: reader.caseID, file: reader.context.file, line: reader.row.line, team: cohort.team,
                             caseworker: cohort.caseworker, dimensions: cohort.values(on: nil), measures: [],
                             reason: reason(reader.problems) { !$0.keepsRow })
    }

    /// A record that is not valid CSV (`p`, its problem): nothing of it can be read.
    package static func malformed(_ p: DataQualityProblem, columns: CohortColumns) -> UncheckedCase {
        UncheckedCase(caseID: "", file: p.file, line: p.line, team: nil, caseworker: nil,
                      dimensions: Array(repeating: Cohort.unknown, count: columns.sources.count), measures: [],
                      reason: reason([p]) { _ in true })
    }

    /// The first clause of each of a row's errors that `matching` admits: the column, the
    /// value as written and what is wrong, without the advice that follows.
    package static func reason(_ problems: [DataQualityProblem], matching: (DataQualityProblem) -> Bool) -> String {
        problems.filter { $0.severity == .error && matching($0) }.map { p in
            let what = p.problem.split(separator: ";", maxSplits: 1).first.map(String.init) ?? p.problem
            return p.column.isEmpty ? what : "\(p.column) \"\(p.value)\": \(what)"
        }.joined(separator: "; ")
    }
}

/// Ordinals of rows retracted after they were analysed (duplicates found once the whole
/// file was read), sorted, for writers that walk their records in ordinal order.
public struct RetractedRows: Sendable, Equatable {
    package private(set) var ordinals: [Int64]

    package init(_ ordinals: some Sequence<Int64>) { self.ordinals = ordinals.sorted() }

    public var isEmpty: Bool { ordinals.isEmpty }
    public var count: Int { ordinals.count }

    public func contains(_ ordinal: Int64) -> Bool {
        let i = SortedOrdinals.lowerBound(of: ordinal, in: ordinals)
        return i < ordinals.count && ordinals[i] == ordinal
    }

    /// A cursor for records visited in rising ordinal order (cases.csv's per-measure rows).
    package typealias Cursor = SortedOrdinals.Cursor
}

extension SortedOrdinals.Cursor {
    package init(_ rows: RetractedRows) { self.init(rows.ordinals) }
}
