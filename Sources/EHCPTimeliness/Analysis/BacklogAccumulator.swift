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
    /// Differences per (cohort, measure): in time and overdue, indexed by month ends back.
    private var inTime: [[Int32]] = []
    private var overdue: [[Int32]] = []
    /// The earliest month (months back) any span or due date reaches: backlog.csv's first row.
    private(set) var firstBack = 0

    package init(asAt: Day, measureCount: Int) {
        self.asAt = asAt
        self.asAtMonth = Self.month(asAt)
        self.measureCount = measureCount
    }

    @inline(__always) private static func month(_ d: Day) -> Int { let c = d.civil; return c.year * 12 + c.month - 1 }

    /// The month end (months back) of the first point on or after `d`; nil after the as-at date.
    @inline(__always) private func back(_ d: Day) -> Int? {
        if d > asAt { return nil }
        return asAtMonth - Self.month(d)
    }

    /// Adds (weight 1) or takes back (−1) the spans of one row of cohort `cohort`.
    package mutating func add(_ spans: [OpenSpan], cohort: Int32, weight: Int32 = 1) {
        for s in spans {
            let cell = Int(cohort) * measureCount + s.measure.order
            if cell >= inTime.count {
                inTime.append(contentsOf: Array(repeating: [], count: cell + 1 - inTime.count))
                overdue.append(contentsOf: Array(repeating: [], count: cell + 1 - overdue.count))
            }
            // In time on [from, min(until, due + 1)); overdue on [max(from, due + 1), until).
            let lateFrom = s.due + 1
            let inTimeEnd = s.until.map { min($0, lateFrom) } ?? lateFrom
            if s.from.map({ $0 < inTimeEnd }) ?? true {
                Self.interval(from: s.from, until: inTimeEnd, weight: weight, into: &inTime[cell], due: s.due, asAt: asAt, asAtMonth: asAtMonth, firstBack: &firstBack)
            }
            let overdueFrom = s.from.map { max($0, lateFrom) } ?? lateFrom
            if s.until.map({ overdueFrom < $0 }) ?? true {
                Self.interval(from: overdueFrom, until: s.until, weight: weight, into: &overdue[cell], due: s.due, asAt: asAt, asAtMonth: asAtMonth, firstBack: &firstBack)
            }
        }
    }

    /// +weight at the first month end on or after `from` (for a clock open since before
    /// any data, far further back than any row), −weight at the first on or after `until`.
    @inline(__always)
    private static func interval(from: Day?, until: Day?, weight: Int32, into diffs: inout [Int32], due: Day, asAt: Day,
                                 asAtMonth: Int, firstBack: inout Int) {
        func back(_ d: Day) -> Int? { d > asAt ? nil : asAtMonth - month(d) }
        let end = until.flatMap(back)  // nil: still open on the as-at date
        let start: Int
        if let from {
            guard let b = back(from) else { return }
            start = b
            if b > firstBack { firstBack = b }
        } else {
            start = openEnded
            // Its due date's month is data: the rows start there at the latest.
            if let b = back(min(due, asAt)), b > firstBack { firstBack = b }
        }
        if let end, end >= start { return }  // opened and closed between two month ends
        grow(&diffs, to: start)
        diffs[start] += weight
        if let end { grow(&diffs, to: end); diffs[end] -= weight }
    }

    /// Where an open-ended start is counted: further back than any row backlog.csv writes.
    private static let openEnded = 1200

    @inline(__always) private static func grow(_ diffs: inout [Int32], to index: Int) {
        if index >= diffs.count { diffs.append(contentsOf: repeatElement(0, count: index + 1 - diffs.count)) }
    }

    /// Adds what `other` gathered; `renumber` maps its cohort numbers to this one's.
    package mutating func merge(_ other: BacklogAccumulator, renumber: [Int32]) {
        firstBack = max(firstBack, other.firstBack)
        for cell in other.inTime.indices {
            let cohort = cell / measureCount, measure = cell % measureCount
            let mine = Int(renumber[cohort]) * measureCount + measure
            if mine >= inTime.count {
                inTime.append(contentsOf: Array(repeating: [], count: mine + 1 - inTime.count))
                overdue.append(contentsOf: Array(repeating: [], count: mine + 1 - overdue.count))
            }
            for (i, v) in other.inTime[cell].enumerated() where v != 0 { Self.grow(&inTime[mine], to: i); inTime[mine][i] += v }
            for (i, v) in other.overdue[cell].enumerated() where v != 0 { Self.grow(&overdue[mine], to: i); overdue[mine][i] += v }
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
        func running(_ diffs: [Int32]) -> [Int] {
            var out = Array(repeating: 0, count: firstBack + 1)
            var sum = 0
            // The open-ended part and anything further back than the first row: all counted from it.
            for i in stride(from: diffs.count - 1, through: 0, by: -1) {
                sum += Int(diffs[i])
                if i <= firstBack { out[i] = sum }
            }
            return out.reversed()
        }
        let a = cell < inTime.count ? running(inTime[cell]) : Array(repeating: 0, count: firstBack + 1)
        let b = cell < overdue.count ? running(overdue[cell]) : Array(repeating: 0, count: firstBack + 1)
        return Array(zip(a, b))
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
            present.append(order.map { c in
                let cell = c * measureCount + m.order
                return (cell < inTime.count && inTime[cell].contains { $0 != 0 })
                    || (cell < overdue.count && overdue[cell].contains { $0 != 0 })
            })
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
