import EHCPRules

/// One row of backlog.csv: the open caseload of a measure and cohort at a month end.
public struct BacklogRow: Sendable, Equatable {
    public var asAt: Day
    public var measure: MeasureID
    /// The `--by` values, or `all` in each for the totals across cohorts.
    public var cohort: [String]
    public var openInTime: Int
    public var openOverdue: Int
}

/// backlog.csv's counts, gathered as the rows stream past: each case's open spans
/// (`OpenSpan`) add +1 at the first month end they cover and −1 at the first they no
/// longer do, per measure, cohort and state; a running sum then gives every month end's
/// count. Month ends are numbered back from the as-at date (0: the as-at date itself, 1:
/// the end of the month before, …), so nothing needs knowing the first month in advance.
package struct BacklogAccumulator: Sendable, Equatable {
    package let asAt: Day
    private let asAtMonth: Int
    private let measureCount: Int
    /// Differences in time and overdue, flat: month ends back × cell, a cell being
    /// (cohort, measure) = cohort × measureCount + measure, `cells` cells a month (grown,
    /// and the array laid out again, when a cohort beyond them comes; months are added
    /// at the end as spans reach further back). No allocation per span.
    private var inTime: [Int32] = []
    private var overdue: [Int32] = []
    private var cells = 0
    private var months = 0
    /// Per cell: the starts of clocks open since before any data (a transfer's), counted
    /// further back than any month end backlog.csv writes.
    private var openInTime: [Int32] = []
    private var openOverdue: [Int32] = []
    /// The earliest month (months back) any span or due date reaches: backlog.csv's first row.
    private(set) var firstBack = 0

    /// Months back of the day `i` days before the as-at date, for the last
    /// `backTableDays` days (`back`).
    private let backByDistance: [UInt16]
    private static let backTableDays = 36_600

    package init(asAt: Day, measureCount: Int) {
        self.asAt = asAt
        self.asAtMonth = Self.month(asAt)
        self.measureCount = measureCount
        // Month by month back from the as-at date's: each month's days share its count.
        var table = [UInt16](repeating: 0, count: Self.backTableDays)
        var c = asAt.civil
        var distance = c.day, back: UInt16 = 0  // the days of the as-at date's month up to it
        while distance < table.count {
            back += 1
            c.month -= 1
            if c.month == 0 { c.month = 12; c.year -= 1 }
            let end = min(distance + Day.daysIn(month: c.month, year: c.year), table.count)
            for i in distance..<end { table[i] = back }
            distance = end
        }
        backByDistance = table
    }

    @inline(__always) private static func month(_ d: Day) -> Int { let c = d.civil; return c.year * 12 + c.month - 1 }

    /// Room for `cell` in every month. The test inline (it runs for every span), the
    /// rare growth out of line.
    @inline(__always) private mutating func ensure(cell: Int) {
        if cell >= cells { grow(toHold: cell) }
    }

    /// The cells per month doubled until `cell` fits, the arrays laid out again.
    private mutating func grow(toHold cell: Int) {
        var wider = max(cells * 2, measureCount * 4)
        while cell >= wider { wider *= 2 }
        func relaid(_ old: [Int32]) -> [Int32] {
            var out = [Int32](repeating: 0, count: months * wider)
            for m in 0..<months { for c in 0..<cells { out[m * wider + c] = old[m * cells + c] } }
            return out
        }
        inTime = relaid(inTime); overdue = relaid(overdue)
        openInTime.append(contentsOf: repeatElement(0, count: wider - cells))
        openOverdue.append(contentsOf: repeatElement(0, count: wider - cells))
        cells = wider
    }

    /// Room for month ends back to `back`.
    @inline(__always) private mutating func ensure(month back: Int) {
        guard back >= months else { return }
        let more = (back + 1 - months) * cells
        inTime.append(contentsOf: repeatElement(0, count: more)); overdue.append(contentsOf: repeatElement(0, count: more))
        months = back + 1
    }

    /// Adds (weight 1) or takes back (−1) the spans of one row of cohort `cohort`.
    package mutating func add(_ spans: [OpenSpan], cohort: Int32, weight: Int32 = 1) {
        for s in spans { add(s, cohort: cohort, weight: weight) }
    }

    /// Adds (weight 1) or takes back (−1) one span of cohort `cohort`.
    @inline(__always)
    package mutating func add(_ s: OpenSpan, cohort: Int32, weight: Int32) {
        let cell = Int(cohort) * measureCount + s.measure.order
        ensure(cell: cell)
        // In time on [from, min(until, due + 1)); overdue on [max(from, due + 1), until).
        // Each of the span's three days is turned into a month end once, for both parts.
        let lateFrom = s.due + 1
        let lateBack = back(lateFrom)
        let untilBack = s.until.flatMap(back)  // nil: still open on the as-at date
        let fromBack = s.from.flatMap(back)
        let inTimeEnd = s.until.map { min($0, lateFrom) } ?? lateFrom
        if let from = s.from {
            if from < inTimeEnd {
                interval(start: fromBack, end: (s.until.map { $0 < lateFrom } ?? false) ? untilBack : lateBack,
                         weight: weight, cell: cell, overdue: false)
            }
        } else {
            openEnded(end: (s.until.map { $0 < lateFrom } ?? false) ? untilBack : lateBack, weight: weight, cell: cell, due: s.due)
        }
        let overdueFrom = s.from.map { max($0, lateFrom) } ?? lateFrom
        if s.until.map({ overdueFrom < $0 }) ?? true {
            interval(start: (s.from.map { $0 > lateFrom } ?? false) ? fromBack : lateBack, end: untilBack,
                     weight: weight, cell: cell, overdue: true)
        }
    }

    /// The month end (months back) that first counts a span open from `d`, on or after
    /// it; nil after the as-at date. A table by distance from the as-at date: a civil
    /// date for each of a span's days cost more than the counting.
    @inline(__always) private func back(_ d: Day) -> Int? {
        let distance = Int(asAt.number) - Int(d.number)
        if distance < 0 { return nil }
        if distance < backByDistance.count { return Int(backByDistance[distance]) }
        return asAtMonth - Self.month(d)
    }

    /// +weight at month end `start` (months back; nil: after the as-at date, nothing to
    /// count), −weight at `end` (nil: still open on the as-at date).
    @inline(__always)
    private mutating func interval(start: Int?, end: Int?, weight: Int32, cell: Int, overdue late: Bool) {
        guard let start else { return }
        if start > firstBack { firstBack = start }
        if let end, end >= start { return }  // opened and closed between two month ends
        ensure(month: start)
        if late { overdue[start * cells + cell] += weight } else { inTime[start * cells + cell] += weight }
        if let end { close(at: end, weight: weight, cell: cell, overdue: late) }
    }

    /// A clock open since before any data (in time), counted further back than any row;
    /// −weight at `end`.
    @inline(__always)
    private mutating func openEnded(end: Int?, weight: Int32, cell: Int, due: Day) {
        // Its due date's month is data: the rows start there at the latest.
        if let b = back(min(due, asAt)), b > firstBack { firstBack = b }
        if let end, end >= Self.openEnded { return }
        openInTime[cell] += weight
        if let end { close(at: end, weight: weight, cell: cell, overdue: false) }
    }

    @inline(__always)
    private mutating func close(at end: Int, weight: Int32, cell: Int, overdue late: Bool) {
        ensure(month: end)
        if late { overdue[end * cells + cell] -= weight } else { inTime[end * cells + cell] -= weight }
    }

    /// Where an open-ended start is counted: further back than any row backlog.csv writes.
    private static let openEnded = 1200

    /// Adds what `other` gathered; `renumber` maps its cohort numbers to this one's.
    package mutating func merge(_ other: BacklogAccumulator, renumber: [Int32]) {
        firstBack = max(firstBack, other.firstBack)
        ensure(month: other.months - 1)
        for cell in 0..<other.cells {
            let cohort = cell / measureCount, measure = cell % measureCount
            guard cohort < renumber.count else { continue }
            let mine = Int(renumber[cohort]) * measureCount + measure
            var any = other.openInTime[cell] != 0 || other.openOverdue[cell] != 0
            if !any { for m in 0..<other.months where other.inTime[m * other.cells + cell] != 0 || other.overdue[m * other.cells + cell] != 0 { any = true; break } }
            guard any else { continue }
            ensure(cell: mine)
            openInTime[mine] += other.openInTime[cell]; openOverdue[mine] += other.openOverdue[cell]
            for m in 0..<other.months {
                inTime[m * cells + mine] += other.inTime[m * other.cells + cell]
                overdue[m * cells + mine] += other.overdue[m * other.cells + cell]
            }
        }
    }

    /// The month ends, oldest first: the end of each month from the first back to the
    /// month before the as-at date's, then the as-at date.
    package func points() -> [Day] {
        (0...firstBack).reversed().map { k in
            if k == 0 { return asAt }
            let c = asAt.civil
            let m = c.year * 12 + c.month - 1 - k
            let year = m / 12, month = m % 12 + 1
            return Day(year: year, month: month, day: Day.daysIn(month: month, year: year)) ?? asAt
        }
    }

    /// The counts at every point for (cohort, measure): (in time, overdue), oldest first.
    private func series(_ cell: Int) -> [(Int, Int)] {
        func running(_ diffs: [Int32], _ open: [Int32]) -> [Int] {
            var out = Array(repeating: 0, count: firstBack + 1)
            guard cell < cells else { return out }
            // The open-ended part and anything further back than the first row: all counted from it.
            var sum = Int(open[cell])
            for i in stride(from: max(months - 1, firstBack), through: 0, by: -1) {
                if i < months { sum += Int(diffs[i * cells + cell]) }
                if i <= firstBack { out[i] = sum }
            }
            return out.reversed()
        }
        return Array(zip(running(inTime, openInTime), running(overdue, openOverdue)))
    }

    /// Whether the cell has any count at all (a cohort with a case open at some time).
    private func hasCounts(_ cell: Int) -> Bool {
        guard cell < cells else { return false }
        if openInTime[cell] != 0 || openOverdue[cell] != 0 { return true }
        for m in 0..<months where inTime[m * cells + cell] != 0 || overdue[m * cells + cell] != 0 { return true }
        return false
    }

    /// backlog.csv's rows: by month end, then measure (of `measures`, those the run
    /// counted), then cohort in `ranks` order, with the totals across cohorts (`all`) after
    /// them when there are `--by` columns.
    package func rows(measures: [MeasureID], cohorts: [[String]], ranks: [Int], dimensionCount: Int) -> [BacklogRow] {
        let days = points()
        let order = cohorts.indices.sorted { ranks[$0] < ranks[$1] }
        var table: [[[(Int, Int)]]] = []  // [measure][cohort][point]
        var present: [[Bool]] = []  // [measure][cohort]: the cohort has a case open at some time
        for m in measures {
            table.append(order.map { series($0 * measureCount + m.order) })
            present.append(order.map { hasCounts($0 * measureCount + m.order) })
        }
        var rows: [BacklogRow] = []
        for (p, day) in days.enumerated() {
            for (mi, m) in measures.enumerated() {
                var total = (0, 0)
                for (ci, c) in order.enumerated() where present[mi][ci] {
                    let (a, b) = table[mi][ci][p]
                    total.0 += a; total.1 += b
                    rows.append(BacklogRow(asAt: day, measure: m, cohort: cohorts[c], openInTime: a, openOverdue: b))
                }
                if dimensionCount > 0 {
                    rows.append(BacklogRow(asAt: day, measure: m, cohort: Array(repeating: Rates.allLabel, count: dimensionCount),
                                           openInTime: total.0, openOverdue: total.1))
                }
            }
        }
        return rows
    }
}
