/// The statutory measures of version 1 (ids from statutory-timescales.md).
public enum MeasureID: String, Sendable, CaseIterable, Comparable {
    case decisionToAssess6w = "decision-to-assess-6w"
    case noPlanDecision16w = "no-plan-decision-16w"
    case finalPlan20w = "final-plan-20w"
    case annualReview12m = "annual-review-12m"
    case reviewDecision4w = "review-decision-4w"
    case amendmentNotice4w = "amendment-notice-4w"
    case amendedPlan8w = "amended-plan-8w"
    case phaseTransfer = "phase-transfer"

    /// Output order: the order of the catalogue.
    @inlinable public var order: Int {
        // A switch, not `allCases.firstIndex`: this is asked several times per case.
        switch self {
        case .decisionToAssess6w: return 0
        case .noPlanDecision16w: return 1
        case .finalPlan20w: return 2
        case .annualReview12m: return 3
        case .reviewDecision4w: return 4
        case .amendmentNotice4w: return 5
        case .amendedPlan8w: return 6
        case .phaseTransfer: return 7
        }
    }
    @inlinable public static func < (lhs: MeasureID, rhs: MeasureID) -> Bool { lhs.order < rhs.order }
}

/// Timing status of one case on one measure at the as-at date.
public enum CaseStatus: String, Sendable, CaseIterable {
    case onTime = "on_time"
    case late = "late"
    case openInTime = "open_in_time"
    case openOverdue = "open_overdue"

    @inlinable public var isCompleted: Bool { self == .onTime || self == .late }

    /// Position in `allCases`.
    @inlinable public var order: Int {
        switch self {
        case .onTime: return 0
        case .late: return 1
        case .openInTime: return 2
        case .openOverdue: return 3
        }
    }
}

/// A statutory exception ground (regs 5(4), 10(4), 13(3)), in its canonical code.
public enum ExceptionCode: String, Sendable, CaseIterable {
    case schoolClosure = "school_closure"
    case earlyYearsClosure = "early_years_closure"
    case personalCircumstances = "personal_circumstances"
    case absentFromArea = "absent_from_area"
    case covid2020 = "covid_2020"
    case unspecified = "unspecified"
}

/// What a rule decides about one case on one measure: its dates, status and applied
/// exception. Numbers only, so that a run of millions of rows hands these on without
/// reference counting; the case's id and cohort are the row's, shared by its timings.
public struct CaseTiming: Sendable, Equatable {
    public var measure: MeasureID
    public var start: Day?
    public var due: Day
    public var completed: Day?
    public var status: CaseStatus
    /// The applied statutory exception, nil if none.
    public var exception: ExceptionCode?

    /// Dates the status on `asAt` (see `Deadline.status`).
    @inlinable package init(measure: MeasureID, start: Day?, due: Day, completed: Day?, exception: ExceptionCode?, asAt: Day) {
        self.measure = measure; self.start = start; self.due = due; self.completed = completed
        self.status = Deadline.status(due: due, completed: completed, asAt: asAt); self.exception = exception
    }

    @inlinable package init(measure: MeasureID, start: Day?, due: Day, completed: Day?, status: CaseStatus, exception: ExceptionCode?) {
        self.measure = measure; self.start = start; self.due = due; self.completed = completed
        self.status = status; self.exception = exception
    }

    /// The date that places the case in a period: completed date, or due date while open.
    @inlinable public var periodDate: Day { completed ?? due }
}

/// What a case result says of the case itself, the same for all its measures (its row,
/// for requests and transfers).
package struct CaseFacts {
    package var caseID: String
    /// Line of the source row in its file (header = 1).
    package var line: Int
    /// Position among the analysed rows, for input-order sorting.
    package var sequence: Int
    /// Values of the `--by` columns, in the order given.
    package var dimensions: [String]
    package var team: String?
    package var caseworker: String?

    package init(caseID: String, line: Int, sequence: Int, dimensions: [String], team: String? = nil, caseworker: String? = nil) {
        self.caseID = caseID
        self.line = line
        self.sequence = sequence
        self.dimensions = dimensions
        self.team = team
        self.caseworker = caseworker
    }
}

/// One case evaluated against one measure: a row of cases.csv.
public struct CaseResult: Sendable, Equatable {
    public var measure: MeasureID
    public var caseID: String
    /// Line of the source row in its file (header = 1).
    public var line: Int
    /// Position of the source row among the analysed rows, for input-order sorting.
    public var sequence: Int
    public var start: Day?
    public var due: Day
    public var completed: Day?
    public var status: CaseStatus
    /// The applied statutory exception, nil if none.
    public var exception: ExceptionCode?
    /// Values of the `--by` columns, in the order given.
    public var dimensions: [String]
    /// `team` and `caseworker` when the extract has them (for the action list).
    public var team: String?
    public var caseworker: String?

    public init(measure: MeasureID, caseID: String, line: Int, sequence: Int, start: Day?, due: Day,
                completed: Day?, status: CaseStatus, exception: ExceptionCode?, dimensions: [String],
                team: String? = nil, caseworker: String? = nil) {
        self.measure = measure; self.caseID = caseID; self.line = line; self.sequence = sequence
        self.start = start; self.due = due; self.completed = completed; self.status = status
        self.exception = exception; self.dimensions = dimensions; self.team = team; self.caseworker = caseworker
    }

    /// A timing with the facts of its case.
    package init(_ t: CaseTiming, _ f: CaseFacts) {
        self.init(measure: t.measure, caseID: f.caseID, line: f.line, sequence: f.sequence, start: t.start, due: t.due,
                  completed: t.completed, status: t.status, exception: t.exception, dimensions: f.dimensions,
                  team: f.team, caseworker: f.caseworker)
    }

    /// What the rule decided, without the case's facts.
    package var timing: CaseTiming {
        CaseTiming(measure: measure, start: start, due: due, completed: completed, status: status, exception: exception)
    }

    /// The case's facts, without the rule's timing.
    package var facts: CaseFacts {
        CaseFacts(caseID: caseID, line: line, sequence: sequence, dimensions: dimensions, team: team, caseworker: caseworker)
    }

    /// The date that places the case in a period: completed date, or due date while open.
    @inlinable public var periodDate: Day { completed ?? due }
}
