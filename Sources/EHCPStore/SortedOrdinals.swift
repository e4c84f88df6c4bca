/// Searching row ordinals kept in ascending order: the rows retracted once the whole
/// input was read (`RetractedRows`), asked of by the writers that walk their records in
/// ordinal order (cases.csv's, the history's blocks).
package enum SortedOrdinals {
    /// The index of the first element of `sorted[from..<to]` not below `value` (`to`:
    /// the end when nil).
    package static func lowerBound(of value: Int64, in sorted: [Int64], from: Int = 0, to: Int? = nil) -> Int {
        var low = from, high = to ?? sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Asks whether ordinals, mostly in rising order, are in `sorted`: each check walks
    /// forward instead of searching, and a step back searches.
    package struct Cursor {
        private let sorted: [Int64]
        private var next: Int

        /// A cursor over `sorted`, starting at index `start` (below which no ordinal asked lies).
        package init(_ sorted: [Int64], from start: Int = 0) {
            self.sorted = sorted
            next = start
        }

        @inline(__always)
        package mutating func contains(_ ordinal: Int64) -> Bool {
            if sorted.isEmpty { return false }
            if next > 0, sorted[next - 1] >= ordinal { next = SortedOrdinals.lowerBound(of: ordinal, in: sorted) }
            while next < sorted.count, sorted[next] < ordinal { next += 1 }
            return next < sorted.count && sorted[next] == ordinal
        }
    }
}
