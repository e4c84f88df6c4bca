import EHCPRules
import EHCPStore
import EHCPIngest

/// What the evidence pack says about one measure beyond summary.csv's rows, counted
/// as the cases stream past so that no case has to be kept: exception use by ground,
/// the backlog by time overdue and its most overdue case, completions on the due date,
/// DfE's weeks-to-issue bands, and completions per calendar month (the report's
/// headline, whatever `--period` is, and by year the 20-week benchmark).
///
/// Like `SummaryAccumulator`, tallies of chunks merge to the tallies of the whole, in
/// any order, and a result added with weight −1 is taken back.
package struct MeasureTallies: Sendable, Equatable {
    /// Cases with each exception ground, in `ExceptionCode.allCases` order.
    package var reasons = Array(repeating: 0, count: ExceptionCode.allCases.count)
    /// Open overdue cases per `Backlog` band: without, with an exception.
    package var backlogWithout = Array(repeating: 0, count: Backlog.labels.count)
    package var backlogWith = Array(repeating: 0, count: Backlog.labels.count)
    /// Completed cases without an exception finished exactly on their due date.
    package var completedOnDueDate = 0
    /// Completed cases without an exception by days from start to completion.
    package var within20Weeks = 0
    package var over20To52Weeks = 0
    package var over52Weeks = 0
    /// Calendar year of completion → (completed without an exception, of which on time).
    /// Whole calendar years, whatever `--from`/`--to`: DfE publishes by year, and a part of
    /// a year beside a whole published year would mislead.
    package var completedByYear: [Int: (plans: Int, onTime: Int)] {
        var byYear: [Int: (plans: Int, onTime: Int)] = [:]
        for counts in [monthCounts, outsideWindow] {
            counts.forEachMonth { month, n in
                let year = month / 12
                let sum = byYear[year] ?? (0, 0)
                byYear[year] = (sum.plans + n.plans, sum.onTime + n.onTime)
            }
        }
        return byYear.filter { $0.value != (0, 0) }
    }

    /// Completed cases without an exception, and of them on time, in the calendar months
    /// numbered `months` (`PeriodUnit.month.index(for:)`); (0, 0) outside the data, and
    /// for cases outside `--from`/`--to`.
    package func completed(inMonths months: ClosedRange<Int>) -> (completed: Int, onTime: Int) {
        monthCounts.sum(months)
    }

    /// The same counts per calendar month, for cases in the window (all cases without one).
    private var monthCounts = MonthCounts()
    /// Completions of cases outside the window, for `completedByYear` only.
    private var outsideWindow = MonthCounts()

    /// Counts a case outside `--from`/`--to`: only its completion, for the benchmark's years.
    package mutating func addOutsideWindow(_ c: CaseTiming, weight: Int = 1) {
        guard c.exception == nil, c.status.isCompleted, let completed = c.completed else { return }
        outsideWindow.add(month: PeriodUnit.month.index(for: completed), onTime: c.status == .onTime, weight: weight)
    }

    /// Open overdue cases (with or without an exception, as in the backlog) by days
    /// overdue on the as-at date: a histogram, so that the largest value stays exact
    /// when a case is taken back.
    private var daysOverdue = DayHistogram()
    /// The most overdue cases seen, most overdue first, then lowest ordinal (file, then
    /// line), at most `overdueCandidateLimit`: the same list whatever the order the cases
    /// came in or the chunks were merged in.
    package private(set) var overdueCandidates: [OverdueCase] = []
    package static let overdueCandidateLimit = 8
    /// The first, in the same order, of the cases left off the list: the list's first is
    /// known to be the most overdue only if it comes before this one (a case taken back
    /// can leave the list without the case that should now lead it).
    private var firstLeftOff: OverdueCase?

    /// The largest number of days any open case is overdue on the as-at date; nil when none is.
    package var maxDaysOverdue: Int? { daysOverdue.maxValue() }

    /// The open case overdue longest on the as-at date (the first in input order among
    /// equals). Nil when no case is overdue, or, should more than
    /// `overdueCandidateLimit` of the most overdue rows all have been taken back as
    /// repeats, when the case is not known (`maxDaysOverdue` still is).
    package var oldestOverdue: OverdueCase? {
        guard let first = overdueCandidates.first, first.daysOverdue == maxDaysOverdue else { return nil }
        if let left = firstLeftOff, !first.precedes(left) { return nil }
        return first
    }

    /// Notes an open overdue case by its id, for `oldestOverdue` (the counts come from `add`).
    package mutating func noteOverdue(_ c: CaseTiming, caseID: String, line: Int, ordinal: Int64, asAt: Day) {
        guard c.status == .openOverdue else { return }
        // Most overdue cases are neither on the list nor first left off: told from the days
        // alone, before a candidate (and a reference to its id) is made.
        let days = asAt - c.due
        if overdueCandidates.count == Self.overdueCandidateLimit, let last = overdueCandidates.last, days < last.daysOverdue,
           let left = firstLeftOff, days < left.daysOverdue {
            return
        }
        let candidate = OverdueCase(daysOverdue: asAt - c.due, caseID: caseID, line: line, ordinal: ordinal)
        if overdueCandidates.count == Self.overdueCandidateLimit, let last = overdueCandidates.last,
           !candidate.precedes(last) {
            leaveOff(candidate)
            return
        }
        insert(candidate)
    }

    /// Forgets the row `ordinal` noted by `noteOverdue` (a repeat taken back).
    package mutating func forgetOverdue(ordinal: Int64) {
        overdueCandidates.removeAll { $0.ordinal == ordinal }
    }

    private mutating func insert(_ candidate: OverdueCase) {
        let at = overdueCandidates.firstIndex { candidate.precedes($0) } ?? overdueCandidates.count
        overdueCandidates.insert(candidate, at: at)
        if overdueCandidates.count > Self.overdueCandidateLimit { leaveOff(overdueCandidates.removeLast()) }
    }

    private mutating func leaveOff(_ candidate: OverdueCase) {
        if firstLeftOff.map({ candidate.precedes($0) }) ?? true { firstLeftOff = candidate }
    }

    /// Counts `c` and, when it is open overdue, notes it as a candidate for `oldestOverdue`
    /// (one mutation of the tally a timing, where two cost the row loop a reference count).
    @inline(__always)
    package mutating func add(_ c: CaseTiming, asAt: Day, caseID: String, line: Int, ordinal: Int64) {
        add(c, asAt: asAt)
        if c.status == .openOverdue { noteOverdue(c, caseID: caseID, line: line, ordinal: ordinal, asAt: asAt) }
    }

    package mutating func add(_ c: CaseTiming, asAt: Day, weight: Int = 1) {
        if let e = c.exception { reasons[e.order] += weight }
        if c.status == .openOverdue {
            let b = Backlog.band(daysOverdue: asAt - c.due)
            if c.exception == nil { backlogWithout[b] += weight } else { backlogWith[b] += weight }
            daysOverdue.add(asAt - c.due, weight: weight)
        }
        guard c.exception == nil, let completed = c.completed else { return }
        // Counted without branching on the dates: whether a case finished on its due day,
        // or in which band, is as good as random from one case to the next, and a
        // mispredicted branch here cost more than the rest of the tally.
        completedOnDueDate += completed == c.due ? weight : 0
        if let start = c.start {
            let days = completed - start
            let within = days <= IssueBands.within20WeeksDays, upTo52 = days <= IssueBands.upTo52WeeksDays
            within20Weeks += within ? weight : 0
            over20To52Weeks += !within && upTo52 ? weight : 0
            over52Weeks += upTo52 ? 0 : weight
        }
        if c.status.isCompleted {
            monthCounts.add(month: PeriodUnit.month.index(for: completed), onTime: c.status == .onTime, weight: weight)
        }
    }

    package mutating func merge(_ o: MeasureTallies) {
        for i in reasons.indices { reasons[i] += o.reasons[i] }
        for i in backlogWith.indices { backlogWith[i] += o.backlogWith[i]; backlogWithout[i] += o.backlogWithout[i] }
        completedOnDueDate += o.completedOnDueDate
        within20Weeks += o.within20Weeks; over20To52Weeks += o.over20To52Weeks; over52Weeks += o.over52Weeks
        monthCounts.merge(o.monthCounts)
        outsideWindow.merge(o.outsideWindow)
        daysOverdue.merge(o.daysOverdue)
        for candidate in o.overdueCandidates { insert(candidate) }
        if let left = o.firstLeftOff { leaveOff(left) }
    }

    package static func == (a: MeasureTallies, b: MeasureTallies) -> Bool {
        a.reasons == b.reasons && a.backlogWith == b.backlogWith && a.backlogWithout == b.backlogWithout
            && a.completedOnDueDate == b.completedOnDueDate && a.within20Weeks == b.within20Weeks
            && a.over20To52Weeks == b.over20To52Weeks && a.over52Weeks == b.over52Weeks
            && a.monthCounts.nonZero == b.monthCounts.nonZero && a.outsideWindow.nonZero == b.outsideWindow.nonZero
            && a.maxDaysOverdue == b.maxDaysOverdue && a.overdueCandidates == b.overdueCandidates
            && a.firstLeftOff == b.firstLeftOff
    }

}

/// Completed cases without an exception, and of them on time, per calendar month
/// (`PeriodUnit.month.index(for:)`) from the first month seen: an array, not a
/// dictionary, because every completed case of millions adds to it.
private struct MonthCounts: Sendable {
    private var counts: [(plans: Int, onTime: Int)] = []
    private var firstMonth = 0

    mutating func add(month: Int, onTime: Bool, weight: Int) {
        add(month: month, plans: weight, onTime: onTime ? weight : 0)
    }

    private mutating func add(month: Int, plans: Int, onTime: Int) {
        if counts.isEmpty { firstMonth = month }
        if month < firstMonth {
            counts.insert(contentsOf: repeatElement((plans: 0, onTime: 0), count: firstMonth - month), at: 0)
            firstMonth = month
        }
        let i = month - firstMonth
        if i >= counts.count { counts.append(contentsOf: repeatElement((plans: 0, onTime: 0), count: i + 1 - counts.count)) }
        counts[i].plans += plans
        counts[i].onTime += onTime
    }

    mutating func merge(_ other: MonthCounts) {
        other.forEachMonth { month, n in add(month: month, plans: n.plans, onTime: n.onTime) }
    }

    func sum(_ months: ClosedRange<Int>) -> (completed: Int, onTime: Int) {
        var sum = (completed: 0, onTime: 0)
        for m in months where m >= firstMonth && m - firstMonth < counts.count {
            sum.completed += counts[m - firstMonth].plans
            sum.onTime += counts[m - firstMonth].onTime
        }
        return sum
    }

    /// Each month with a count, in order.
    func forEachMonth(_ body: (Int, (plans: Int, onTime: Int)) -> Void) {
        for (i, n) in counts.enumerated() where n != (0, 0) { body(firstMonth + i, n) }
    }

    /// Month number → [completed, on time], months with a count only (for equality).
    var nonZero: [Int: [Int]] {
        var out: [Int: [Int]] = [:]
        forEachMonth { month, n in out[month] = [n.plans, n.onTime] }
        return out
    }
}

/// An open case past its deadline on the as-at date: how long, and which.
public struct OverdueCase: Sendable, Equatable {
    public var daysOverdue: Int
    /// As written in cases.csv (pseudonymised with `--pseudonymise`).
    public var caseID: String
    /// The line of its row in its file (header = 1).
    public var line: Int
    /// The row's place in the input (`rowOrdinal`: file, then line).
    public var ordinal: Int64

    /// More overdue first; among equals, the earlier row.
    package func precedes(_ other: OverdueCase) -> Bool {
        daysOverdue != other.daysOverdue ? daysOverdue > other.daysOverdue : ordinal < other.ordinal
    }
}

extension ExceptionCode {
    /// Position in the catalogue.
    package var order: Int {
        switch self {
        case .schoolClosure: return 0
        case .earlyYearsClosure: return 1
        case .personalCircumstances: return 2
        case .absentFromArea: return 3
        case .covid2020: return 4
        case .unspecified: return 5
        case .lateRepresentations: return 6
        }
    }
}

/// DfE's bands of time to issue a final plan, over completed cases without an exception.
public struct IssueBands: Sendable, Equatable {
    public var suppressed: Bool
    /// Issued on or before the final-plan limit (within 20 weeks).
    public var within20Weeks = 0
    /// After the limit, up to day 364 (over 20 weeks, up to 52 weeks).
    public var over20To52Weeks = 0
    /// Day 365 or later (over 52 weeks).
    public var over52Weeks = 0
    /// Twice the median days from request to final plan.
    public var medianHalfDays: Int?

    public var completed: Int { within20Weeks + over20To52Weeks + over52Weeks }

    package init(suppressed: Bool, within20Weeks: Int = 0, over20To52Weeks: Int = 0, over52Weeks: Int = 0,
                 medianHalfDays: Int? = nil) {
        self.suppressed = suppressed; self.within20Weeks = within20Weeks; self.over20To52Weeks = over20To52Weeks
        self.over52Weeks = over52Weeks; self.medianHalfDays = medianHalfDays
    }

    /// Last day of each band: within 20 weeks (the final-plan limit of the measure
    /// table), then up to 52 weeks (DfE's band, not a statutory limit).
    public static let within20WeeksDays = MeasureID.finalPlan20w.definition.dueDate.days ?? 0
    public static let upTo52WeeksDays = 52 * 7
}

/// Open overdue cases by how long they are overdue on the as-at date.
public struct Backlog: Sendable, Equatable {
    public struct Band: Sendable, Equatable {
        public var label: String
        public var withoutException: Int
        public var withException: Int
        public var total: Int { withoutException + withException }

        package init(label: String, withoutException: Int, withException: Int) {
            self.label = label; self.withoutException = withoutException; self.withException = withException
        }
    }

    package init(suppressed: Bool, bands: [Band]) { self.suppressed = suppressed; self.bands = bands }

    public var suppressed: Bool
    /// Four bands: under 4 weeks, 4 to under 12, 12 to under 26, 26 weeks or more.
    public var bands: [Band]

    public var total: Int { bands.reduce(0) { $0 + $1.total } }
    public var withException: Int { bands.reduce(0) { $0 + $1.withException } }

    /// Band edges in weeks overdue: a case exactly 4 weeks (28 days) overdue is in "4 to under 12 weeks".
    public static let edgesWeeks = [4, 12, 26]
    public static let labels = ["Under 4 weeks", "4 to under 12 weeks", "12 to under 26 weeks", "26 weeks or more"]

    /// The band of a case `daysOverdue` days past its due date (1 or more).
    public static func band(daysOverdue: Int) -> Int {
        edgesWeeks.firstIndex { daysOverdue < $0 * 7 } ?? edgesWeeks.count
    }
}
