import EHCPRules
import EHCPStore
import EHCPIngest

/// What the evidence pack says about one measure beyond summary.csv's rows, counted
/// as the cases stream past so that no case has to be kept: exception use by ground,
/// the backlog by time overdue, completions on the due date, DfE's weeks-to-issue
/// bands and plans issued per calendar year (for the 20-week benchmark).
///
/// Like `SummaryAccumulator`, tallies of chunks merge to the tallies of the whole, and
/// a result added with weight −1 is taken back.
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
    package var completedByYear: [Int: (plans: Int, onTime: Int)] {
        var byYear: [Int: (plans: Int, onTime: Int)] = [:]
        for (i, n) in yearCounts.enumerated() where n != (0, 0) { byYear[firstYear + i] = n }
        return byYear
    }
    /// The same counts from `firstYear` on, one per year: an array, not a dictionary,
    /// because every completed case of millions adds to it.
    private var yearCounts: [(plans: Int, onTime: Int)] = []
    private var firstYear = 0

    private mutating func countCompletion(year: Int, onTime: Bool, weight: Int) {
        if yearCounts.isEmpty { firstYear = year }
        if year < firstYear {
            yearCounts.insert(contentsOf: repeatElement((plans: 0, onTime: 0), count: firstYear - year), at: 0)
            firstYear = year
        }
        let i = year - firstYear
        if i >= yearCounts.count { yearCounts.append(contentsOf: repeatElement((plans: 0, onTime: 0), count: i + 1 - yearCounts.count)) }
        yearCounts[i].plans += weight
        if onTime { yearCounts[i].onTime += weight }
    }

    package mutating func add(_ c: CaseTiming, asAt: Day, weight: Int = 1) {
        if let e = c.exception { reasons[e.order] += weight }
        if c.status == .openOverdue {
            let b = Backlog.band(daysOverdue: asAt - c.due)
            if c.exception == nil { backlogWithout[b] += weight } else { backlogWith[b] += weight }
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
        if c.status.isCompleted { countCompletion(year: completed.year, onTime: c.status == .onTime, weight: weight) }
    }

    package mutating func merge(_ o: MeasureTallies) {
        for i in reasons.indices { reasons[i] += o.reasons[i] }
        for i in backlogWith.indices { backlogWith[i] += o.backlogWith[i]; backlogWithout[i] += o.backlogWithout[i] }
        completedOnDueDate += o.completedOnDueDate
        within20Weeks += o.within20Weeks; over20To52Weeks += o.over20To52Weeks; over52Weeks += o.over52Weeks
        for (i, f) in o.yearCounts.enumerated() {
            countCompletion(year: o.firstYear + i, onTime: false, weight: f.plans)
            yearCounts[o.firstYear + i - firstYear].onTime += f.onTime
        }
    }

    package static func == (a: MeasureTallies, b: MeasureTallies) -> Bool {
        a.reasons == b.reasons && a.backlogWith == b.backlogWith && a.backlogWithout == b.backlogWithout
            && a.completedOnDueDate == b.completedOnDueDate && a.within20Weeks == b.within20Weeks
            && a.over20To52Weeks == b.over20To52Weeks && a.over52Weeks == b.over52Weeks
            && a.completedByYear.mapValues { [$0.plans, $0.onTime] } == b.completedByYear.mapValues { [$0.plans, $0.onTime] }
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
