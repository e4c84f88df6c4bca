import EHCPRules

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
}

/// Ordinals of rows retracted after they were analysed (duplicates found once the whole
/// file was read), sorted, for writers that walk their records in ordinal order.
public struct RetractedRows: Sendable, Equatable {
    package private(set) var ordinals: [Int64]

    package init(_ ordinals: some Sequence<Int64>) { self.ordinals = ordinals.sorted() }

    public var isEmpty: Bool { ordinals.isEmpty }
    public var count: Int { ordinals.count }

    public func contains(_ ordinal: Int64) -> Bool {
        let i = Self.lowerBound(of: ordinal, in: ordinals)
        return i < ordinals.count && ordinals[i] == ordinal
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

    /// A cursor for records visited in rising ordinal order (cases.csv's per-measure
    /// rows): each check walks forward instead of searching, and a step back searches.
    package struct Cursor {
        private let ordinals: [Int64]
        private var next = 0
        package init(_ rows: RetractedRows) { ordinals = rows.ordinals }

        package mutating func contains(_ ordinal: Int64) -> Bool {
            if ordinals.isEmpty { return false }
            if next > 0, ordinals[next - 1] >= ordinal { next = RetractedRows.lowerBound(of: ordinal, in: ordinals) }
            while next < ordinals.count, ordinals[next] < ordinal { next += 1 }
            return next < ordinals.count && ordinals[next] == ordinal
        }
    }
}
