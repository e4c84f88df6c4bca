/// Tallies case results into summary rows (outputs.md, "summary.csv").
///
/// Each case counts in four rows: (measure, its period, its cohort) and (measure, all
/// periods, its cohort), and when there are `--by` columns the same two for the total
/// across cohorts (every column `all`). Memory grows with the number of distinct
/// rows and distinct day counts, never with the number of cases: each row keeps
/// counts and a histogram of days elapsed, from which the median is exact.
///
/// Accumulators over chunks of the input combine with `merge` to exactly the result of
/// one accumulator over all of it, in any order.
public struct SummaryAccumulator: Sendable, Equatable {
    public let unit: PeriodUnit
    /// The number of `--by` columns; every added result has this many dimensions.
    public let dimensionCount: Int
    private(set) var tallies: [Key: Tally] = [:]

    public init(unit: PeriodUnit, dimensionCount: Int) {
        precondition(dimensionCount >= 0)
        self.unit = unit
        self.dimensionCount = dimensionCount
    }

    /// True when no case has been added.
    public var isEmpty: Bool { tallies.isEmpty }

    public mutating func add(_ result: CaseResult) {
        precondition(result.dimensions.count == dimensionCount,
                     "case result has \(result.dimensions.count) dimensions, summary expects \(dimensionCount)")
        let period = unit.label(for: result.periodDate)
        let m = result.measure
        tallies[Key(measure: m, period: period, cohort: result.dimensions), default: Tally()].add(result)
        tallies[Key(measure: m, period: nil, cohort: result.dimensions), default: Tally()].add(result)
        if dimensionCount > 0 {
            tallies[Key(measure: m, period: period, cohort: nil), default: Tally()].add(result)
            tallies[Key(measure: m, period: nil, cohort: nil), default: Tally()].add(result)
        }
    }

    /// Adds everything `other` has counted. Both must use the same unit and columns.
    public mutating func merge(_ other: SummaryAccumulator) {
        precondition(unit == other.unit && dimensionCount == other.dimensionCount,
                     "merging summaries with different periods or --by columns")
        for (key, tally) in other.tallies {
            tallies[key, default: Tally()].merge(tally)
        }
    }

    /// All rows sorted by measure (catalogue order), period ascending with `all` last,
    /// then cohort column by column in byte order with the total across cohorts last.
    public func rows() -> [SummaryRow] {
        tallies.keys.sorted(by: Key.precedes).map { key in
            let t = tallies[key]!
            return SummaryRow(
                measure: key.measure,
                period: key.period ?? Rates.allLabel,
                cohort: key.cohort ?? Array(repeating: Rates.allLabel, count: dimensionCount),
                isCohortTotal: key.cohort == nil,
                onTime: t.onTime, late: t.late, openInTime: t.openInTime, openOverdue: t.openOverdue,
                exceptedOnTime: t.exceptedOnTime, exceptedLate: t.exceptedLate, exceptedOpen: t.exceptedOpen,
                medianHalfDays: Rates.medianHalves(t.daysElapsed))
        }
    }

    /// A summary row's identity. `nil` stands for `all`, so a cohort whose input value
    /// reads `all` is never counted into the total across cohorts.
    struct Key: Hashable, Sendable {
        var measure: MeasureID
        /// nil: all periods together.
        var period: String?
        /// nil: the total across cohorts (only when there are `--by` columns).
        var cohort: [String]?

        static func precedes(_ a: Key, _ b: Key) -> Bool {
            if a.measure != b.measure { return a.measure < b.measure }
            if a.period != b.period { return allLast(a.period, b.period) }
            guard let ac = a.cohort else { return false }
            guard let bc = b.cohort else { return true }
            for (x, y) in zip(ac, bc) where x != y { return bytesPrecede(x, y) }
            return false
        }

        /// Strings in byte order with nil (`all`) after every value.
        private static func allLast(_ a: String?, _ b: String?) -> Bool {
            guard let a else { return false }
            guard let b else { return true }
            return bytesPrecede(a, b)
        }

        /// Plain UTF-8 byte order (Swift's `<` on String follows Unicode rules instead).
        private static func bytesPrecede(_ a: String, _ b: String) -> Bool {
            a.utf8.lexicographicallyPrecedes(b.utf8)
        }
    }

    /// Counts for one row, plus the histogram of days elapsed for its median.
    struct Tally: Sendable, Equatable {
        var onTime = 0, late = 0, openInTime = 0, openOverdue = 0
        var exceptedOnTime = 0, exceptedLate = 0, exceptedOpen = 0
        /// days elapsed (completed − start) → number of completed cases without an
        /// exception that have a start date.
        var daysElapsed: [Int: Int] = [:]

        mutating func add(_ r: CaseResult) {
            if r.exception != nil {
                switch r.status {
                case .onTime: exceptedOnTime += 1
                case .late: exceptedLate += 1
                case .openInTime, .openOverdue: exceptedOpen += 1
                }
                return
            }
            switch r.status {
            case .onTime: onTime += 1
            case .late: late += 1
            case .openInTime: openInTime += 1
            case .openOverdue: openOverdue += 1
            }
            if r.status.isCompleted, let start = r.start, let completed = r.completed {
                daysElapsed[completed - start, default: 0] += 1
            }
        }

        mutating func merge(_ o: Tally) {
            onTime += o.onTime; late += o.late; openInTime += o.openInTime; openOverdue += o.openOverdue
            exceptedOnTime += o.exceptedOnTime; exceptedLate += o.exceptedLate; exceptedOpen += o.exceptedOpen
            for (days, count) in o.daysElapsed { daysElapsed[days, default: 0] += count }
        }
    }
}
