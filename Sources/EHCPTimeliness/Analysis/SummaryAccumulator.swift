import EHCPRules
import EHCPStore
import EHCPIngest

/// Tallies case results into summary rows (outputs.md, "summary.csv").
///
/// Each case counts in four rows: (measure, its period, its cohort) and (measure, all
/// periods, its cohort), and when there are `--by` columns the same two for the total
/// across cohorts (every column `all`). Only the first kind is counted as cases arrive,
/// in a cell keyed by small integers (the period's index, the cohort's number); the
/// other three are sums of cells, added up once in `rows()`. Memory grows with the
/// number of distinct cells and day counts, never with the number of cases: each cell
/// keeps counts and a histogram of days elapsed, from which the median is exact.
///
/// Accumulators over chunks of the input combine with `merge` to exactly the result of
/// one accumulator over all of it, in any order.
public struct SummaryAccumulator: Sendable, Equatable {
    public let unit: PeriodUnit
    /// The number of `--by` columns; every added result has this many dimensions.
    public let dimensionCount: Int
    /// The distinct cohorts seen, numbered in first-seen order.
    package private(set) var cohorts = CohortTable()
    /// Cell key (see `cellKey`) → index in `cells`.
    private var cellIndex = CellIndex()
    package private(set) var cells: [Tally] = []
    private var cellKeys: [UInt64] = []

    /// The run's measures, by order (the measure table's ids).
    public let measures: [MeasureID]
    /// By measure order: whether the measure's rows count `short_representation`
    /// (`MeasureDefinition.countsShortRepresentation`); blank on the others'.
    public let countsShortRepresentation: [Bool]

    /// `countsShortRepresentation`: by measure order, as the table says; nil takes the
    /// standard table's answer for each measure of it (false for any other).
    public init(unit: PeriodUnit, dimensionCount: Int, measures: [MeasureID] = MeasureID.allCases,
                countsShortRepresentation: [Bool]? = nil) {
        precondition(dimensionCount >= 0)
        self.unit = unit
        self.dimensionCount = dimensionCount
        self.measures = measures
        self.countsShortRepresentation = countsShortRepresentation ?? measures.map { id in
            MeasureTable.standard.ids.contains(id) && MeasureTable.standard[id].countsShortRepresentation
        }
    }

    /// Equal when they give the same rows, however their cohorts happen to be numbered.
    public static func == (a: SummaryAccumulator, b: SummaryAccumulator) -> Bool {
        a.unit == b.unit && a.dimensionCount == b.dimensionCount && a.rows() == b.rows()
    }

    /// True when no case has been added.
    public var isEmpty: Bool { cells.isEmpty }

    public mutating func add(_ result: CaseResult) {
        precondition(result.dimensions.count == dimensionCount,
                     "case result has \(result.dimensions.count) dimensions, summary expects \(dimensionCount)")
        add(result.timing, cohort: cohorts.number(of: result.dimensions), weight: 1)
    }

    /// Counts `timing` in its cell; `weight` −1 takes back one counted before (a row
    /// found to be a duplicate only after it was analysed).
    package mutating func add(_ timing: CaseTiming, cohort: Int32, weight: Int) {
        let key = Self.cellKey(measure: timing.measure, period: unit.index(for: timing.periodDate), cohort: cohort)
        if let i = cellIndex[key] {
            cells[i].add(timing, weight: weight)
        } else {
            cellIndex.insert(key, position: cells.count)
            cellKeys.append(key)
            var t = Tally()
            t.add(timing, weight: weight)
            cells.append(t)
        }
    }

    /// Counts a case that `measure` would have counted but could not measure (it needs a
    /// field whose value was unusable). Such a case has no period: it counts in the
    /// measure's all-periods rows only, as `not_measured`.
    package mutating func addUnmeasured(_ measure: MeasureID, cohort: Int32, weight: Int = 1) {
        let key = Self.cellKey(measure: measure, period: Self.noPeriod, cohort: cohort)
        if let i = cellIndex[key] {
            cells[i].notMeasured += weight
        } else {
            cellIndex.insert(key, position: cells.count)
            cellKeys.append(key)
            var t = Tally()
            t.notMeasured = weight
            cells.append(t)
        }
    }

    /// The period index of the cell that holds a measure's cases not measured.
    private static let noPeriod = 0xFF_FFFF

    /// The number of a cohort in this accumulator's table (for callers that add many
    /// results of one row).
    package mutating func cohortNumber(_ values: [String]) -> Int32 { cohorts.number(of: values) }

    /// Adds everything `other` has counted. Both must use the same unit and columns.
    public mutating func merge(_ other: SummaryAccumulator) {
        precondition(unit == other.unit && dimensionCount == other.dimensionCount,
                     "merging summaries with different periods or --by columns")
        let renumber = other.cohorts.values.map { cohorts.number(of: $0) }
        for (key, tally) in zip(other.cellKeys, other.cells) {
            let (m, p, c) = Self.parts(of: key)
            let mine = Self.cellKey(measureOrder: m, period: p, cohort: renumber[Int(c)])
            if let i = cellIndex[mine] {
                cells[i].merge(tally)
            } else {
                cellIndex.insert(mine, position: cells.count)
                cellKeys.append(mine)
                cells.append(tally)
            }
        }
    }

    /// All rows sorted by measure (catalogue order), period ascending with `all` last,
    /// then cohort column by column in byte order with the total across cohorts last.
    public func rows() -> [SummaryRow] {
        // Row identity: measure, period index (nil = all), cohort number (nil = total).
        struct RowKey: Hashable { var measure: Int; var period: Int?; var cohort: Int32? }
        var sums: [RowKey: Tally] = [:]
        for (key, tally) in zip(cellKeys, cells) {
            let (m, p, c) = Self.parts(of: key)
            let period: Int? = p == Self.noPeriod ? nil : p
            if period != nil { sums[RowKey(measure: m, period: p, cohort: c), default: Tally()].merge(tally) }
            sums[RowKey(measure: m, period: nil, cohort: c), default: Tally()].merge(tally)
            if dimensionCount > 0 {
                if period != nil { sums[RowKey(measure: m, period: p, cohort: nil), default: Tally()].merge(tally) }
                sums[RowKey(measure: m, period: nil, cohort: nil), default: Tally()].merge(tally)
            }
        }
        // Rows whose counts all cancelled out (duplicates taken back) are not rows.
        let keys = sums.keys.filter { sums[$0].map { !$0.isEmpty } ?? false }
        // Cohorts in byte order, column by column.
        let cohortRank = cohorts.ranks()
        let sorted = keys.sorted { a, b in
            if a.measure != b.measure { return a.measure < b.measure }
            if a.period != b.period {
                guard let ap = a.period else { return false }
                guard let bp = b.period else { return true }
                return ap < bp
            }
            guard let ac = a.cohort else { return false }
            guard let bc = b.cohort else { return true }
            return cohortRank[Int(ac)] < cohortRank[Int(bc)]
        }
        let all = Array(repeating: Rates.allLabel, count: dimensionCount)
        return sorted.map { key in
            let t = sums[key] ?? Tally()
            return SummaryRow(
                measure: measures[key.measure],
                period: key.period.map { unit.label(forIndex: $0) } ?? Rates.allLabel,
                cohort: key.cohort.map { cohorts.values[Int($0)] } ?? all,
                isCohortTotal: key.cohort == nil,
                onTime: t.onTime, late: t.late, openInTime: t.openInTime, openOverdue: t.openOverdue,
                exceptedOnTime: t.exceptedOnTime, exceptedLate: t.exceptedLate, exceptedOpen: t.exceptedOpen,
                medianHalfDays: t.days.medianHalves(), periodIndex: key.period, notMeasured: t.notMeasured,
                shortRepresentation: countsShortRepresentation[key.measure] ? t.shortRepresentation : nil)
        }
    }

    /// measure order (8 bits) | period index (24 bits) | cohort number (32 bits).
    package static func cellKey(measure: MeasureID, period: Int, cohort: Int32) -> UInt64 {
        cellKey(measureOrder: measure.order, period: period, cohort: cohort)
    }

    private static func cellKey(measureOrder: Int, period: Int, cohort: Int32) -> UInt64 {
        UInt64(measureOrder) << 56 | UInt64(UInt32(truncatingIfNeeded: period) & 0xFF_FFFF) << 32 | UInt64(UInt32(bitPattern: cohort))
    }

    private static func parts(of key: UInt64) -> (measure: Int, period: Int, cohort: Int32) {
        (Int(key >> 56), Int((key >> 32) & 0xFF_FFFF), Int32(bitPattern: UInt32(truncatingIfNeeded: key)))
    }

    /// Counts for one cell or row, plus the histogram of days elapsed for its median.
    package struct Tally: Sendable, Equatable {
        package var onTime = 0, late = 0, openInTime = 0, openOverdue = 0
        package var exceptedOnTime = 0, exceptedLate = 0, exceptedOpen = 0
        /// Cases the measure would count but could not measure (see `addUnmeasured`).
        package var notMeasured = 0
        /// Final plans issued less than 15 days after their draft (`CaseTiming.shortRepresentation`),
        /// with or without an exception.
        package var shortRepresentation = 0
        /// Days elapsed (completed − start) of completed cases without an exception.
        package var days = DayHistogram()

        package var isEmpty: Bool {
            onTime == 0 && late == 0 && openInTime == 0 && openOverdue == 0
                && exceptedOnTime == 0 && exceptedLate == 0 && exceptedOpen == 0 && notMeasured == 0
        }

        package mutating func add(_ r: CaseTiming, weight: Int = 1) {
            if r.shortRepresentation { shortRepresentation += weight }
            if r.exception != nil {
                switch r.status {
                case .onTime: exceptedOnTime += weight
                case .late: exceptedLate += weight
                case .openInTime, .openOverdue: exceptedOpen += weight
                }
                return
            }
            switch r.status {
            case .onTime: onTime += weight
            case .late: late += weight
            case .openInTime: openInTime += weight
            case .openOverdue: openOverdue += weight
            }
            if r.status.isCompleted, let start = r.start, let completed = r.completed {
                days.add(completed - start, weight: weight)
            }
        }

        package mutating func merge(_ o: Tally) {
            onTime += o.onTime; late += o.late; openInTime += o.openInTime; openOverdue += o.openOverdue
            exceptedOnTime += o.exceptedOnTime; exceptedLate += o.exceptedLate; exceptedOpen += o.exceptedOpen
            notMeasured += o.notMeasured
            shortRepresentation += o.shortRepresentation
            days.merge(o.days)
        }
    }
}

/// Counts of whole-day values, dense for the usual range (a few years) and sparse
/// beyond it, so counting a case is an array increment rather than a hash lookup.
package struct DayHistogram: Sendable, Equatable {
    package static let denseLimit = 2048
    package private(set) var dense: [Int] = []
    package private(set) var sparse: [Int: Int] = [:]

    /// The number of distinct values counted.
    package var distinctValues: Int { dense.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } + sparse.values.filter { $0 != 0 }.count }

    package mutating func add(_ value: Int, weight: Int = 1) {
        if value >= 0, value < Self.denseLimit {
            if value >= dense.count { dense.append(contentsOf: repeatElement(0, count: max(value + 1, min(Self.denseLimit, dense.count * 2)) - dense.count)) }
            dense[value] += weight
        } else {
            sparse[value, default: 0] += weight
        }
    }

    package mutating func merge(_ other: DayHistogram) {
        if other.dense.count > dense.count { dense.append(contentsOf: repeatElement(0, count: other.dense.count - dense.count)) }
        for (i, n) in other.dense.enumerated() where n != 0 { dense[i] += n }
        for (value, n) in other.sparse { sparse[value, default: 0] += n }
    }

    /// The largest value with a count above zero; nil when there is none.
    package func maxValue() -> Int? {
        let sparseMax = sparse.filter { $0.value != 0 }.keys.max()
        guard let denseMax = dense.lastIndex(where: { $0 != 0 }) else { return sparseMax }
        return max(denseMax, sparseMax ?? denseMax)
    }

    /// Twice the median (so a half day is exact); nil when empty. The counts are handed
    /// over in the order they are kept (sparse ones below, the dense run, sparse ones
    /// above), not as a dictionary of them all to be sorted: it runs for every row of
    /// summary.csv, on one thread, between the chunks' end and the outputs' start.
    package func medianHalves() -> Int? {
        let outliers = sparse.filter { $0.value != 0 }.sorted { $0.key < $1.key }
        var ordered: [(value: Int, count: Int)] = []
        ordered.reserveCapacity(dense.count + outliers.count)
        for (value, count) in outliers where value < 0 { ordered.append((value, count)) }
        for (value, count) in dense.enumerated() where count != 0 { ordered.append((value, count)) }
        for (value, count) in outliers where value >= 0 { ordered.append((value, count)) }
        return Rates.medianHalves(ordered: ordered)
    }
}

/// The distinct `--by` value lists seen, each numbered once.
package struct CohortTable: Sendable, Equatable {
    package private(set) var values: [[String]] = []
    private var numbers: [[String]: Int32] = [:]
    /// Cohorts asked for lately: extracts mostly have a handful of teams, so comparing
    /// with these usually saves hashing every value. Left in place when found (moving
    /// them cost more reference counting than it saved comparisons); a new one takes
    /// the slots in turn.
    private var recent: [(values: [String], number: Int32)] = []
    private var nextSlot = 0
    private static let recentLimit = 8

    package mutating func number(of cohort: [String]) -> Int32 {
        for i in recent.indices where recent[i].values == cohort { return recent[i].number }
        let n: Int32
        if let known = numbers[cohort] {
            n = known
        } else {
            n = Int32(values.count)
            numbers[cohort] = n
            values.append(cohort)
        }
        if recent.count < Self.recentLimit {
            recent.append((cohort, n))
        } else {
            recent[nextSlot] = (cohort, n)
            nextSlot = (nextSlot + 1) % Self.recentLimit
        }
        return n
    }

    package static func == (a: CohortTable, b: CohortTable) -> Bool { a.values == b.values }

    /// Each cohort's place when the cohorts are sorted column by column in byte order.
    package func ranks() -> [Int] {
        let order = values.indices.sorted { a, b in
            for (x, y) in zip(values[a], values[b]) where x != y { return x.utf8.lexicographicallyPrecedes(y.utf8) }
            return false
        }
        var rank = Array(repeating: 0, count: values.count)
        for (r, i) in order.enumerated() { rank[i] = r }
        return rank
    }
}
