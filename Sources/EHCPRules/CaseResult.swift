/// A measure's id: its text, and its position in the measure table that holds it (the
/// output order). The statutory measures are the static members; a table
/// may hold more (`MeasureTable.adding`), named the same way.
///
/// Plain numbers and a literal, so that a timing that carries its measure is handed on
/// without reference counting.
public struct MeasureID: Sendable, Hashable, Comparable, CaseIterable, RawRepresentable, CustomStringConvertible {
    @usableFromInline let text: StaticString
    @usableFromInline let index: Int32

    /// Position in the measure table: output order.
    @inlinable public var order: Int { Int(index) }

    /// The measure `text` at `order` in its table (`MeasureTable` checks the two agree).
    @inlinable public init(_ text: StaticString, order: Int) {
        self.text = text
        self.index = Int32(order)
    }

    @inlinable public static var decisionToAssess6w: MeasureID { MeasureID("decision-to-assess-6w", order: 0) }
    @inlinable public static var noPlanDecision16w: MeasureID { MeasureID("no-plan-decision-16w", order: 1) }
    @inlinable public static var finalPlan20w: MeasureID { MeasureID("final-plan-20w", order: 2) }
    @inlinable public static var annualReview12m: MeasureID { MeasureID("annual-review-12m", order: 3) }
    @inlinable public static var reviewDecision4w: MeasureID { MeasureID("review-decision-4w", order: 4) }
    @inlinable public static var amendmentNotice4w: MeasureID { MeasureID("amendment-notice-4w", order: 5) }
    @inlinable public static var amendedPlan8w: MeasureID { MeasureID("amended-plan-8w", order: 6) }
    /// Notice that a plan transferred in from another authority has been transferred (reg 15(4)).
    @inlinable public static var transferInNotice6w: MeasureID { MeasureID("transfer-in-notice-6w", order: 7) }
    @inlinable public static var phaseTransfer: MeasureID { MeasureID("phase-transfer", order: 8) }
    /// Decision whether to re-assess an existing plan, notified (reg 25(1)).
    @inlinable public static var reassessmentDecision15d: MeasureID { MeasureID("reassessment-decision-15d", order: 9) }
    /// Final amended or replacement plan after a decision to re-assess (reg 27(2)).
    @inlinable public static var reassessmentFinalPlan14w: MeasureID { MeasureID("reassessment-final-plan-14w", order: 10) }
    /// Notice that the authority will assess, after an order to assess (reg 44(2)(b), reg 45(3)).
    @inlinable public static var tribunalAssessNotice2w: MeasureID { MeasureID("tribunal-assess-notice-2w", order: 11) }
    /// Notice of a decision not to issue a plan, after an order to assess (reg 44(2)(b)(i), reg 45(3A)(a)).
    @inlinable public static var tribunalNoPlan10w: MeasureID { MeasureID("tribunal-no-plan-10w", order: 12) }
    /// Final plan after an order to assess (reg 44(2)(b)(ii), reg 45(3A)(b)).
    @inlinable public static var tribunalFinalPlan14w: MeasureID { MeasureID("tribunal-final-plan-14w", order: 13) }
    /// Draft plan after an order to make and maintain a plan (reg 44(2)(c)(i)).
    @inlinable public static var tribunalDraftPlan5w: MeasureID { MeasureID("tribunal-draft-plan-5w", order: 14) }
    /// Final plan after an order to make and maintain a plan (reg 44(2)(c)(ii)).
    @inlinable public static var tribunalFinalPlan11w: MeasureID { MeasureID("tribunal-final-plan-11w", order: 15) }
    /// Amended plan after an order to amend the special educational provision (reg 44(2), reg 45(4)).
    @inlinable public static var tribunalAmendedPlan5w: MeasureID { MeasureID("tribunal-amended-plan-5w", order: 16) }
    /// Amended plan after an order to amend only the school or institution named (reg 44(2), reg 45(5)).
    @inlinable public static var tribunalPlacement2w: MeasureID { MeasureID("tribunal-placement-2w", order: 17) }

    /// The statutory measures, in output order: the ids of `MeasureTable.standard`.
    public static let allCases: [MeasureID] = [.decisionToAssess6w, .noPlanDecision16w, .finalPlan20w, .annualReview12m,
                                               .reviewDecision4w, .amendmentNotice4w, .amendedPlan8w, .transferInNotice6w,
                                               .phaseTransfer, .reassessmentDecision15d, .reassessmentFinalPlan14w,
                                               .tribunalAssessNotice2w, .tribunalNoPlan10w, .tribunalFinalPlan14w,
                                               .tribunalDraftPlan5w, .tribunalFinalPlan11w, .tribunalAmendedPlan5w,
                                               .tribunalPlacement2w]

    /// "final-plan-20w"
    public var rawValue: String { text.description }
    public var description: String { rawValue }

    /// One of the statutory measures, by its text; nil for any other text.
    public init?(rawValue: String) {
        guard let id = Self.allCases.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = id
    }

    @inlinable public static func == (lhs: MeasureID, rhs: MeasureID) -> Bool {
        lhs.index == rhs.index && lhs.text.withUTF8Buffer { a in rhs.text.withUTF8Buffer { b in a.elementsEqual(b) } }
    }
    @inlinable public func hash(into hasher: inout Hasher) { hasher.combine(index) }
    @inlinable public static func < (lhs: MeasureID, rhs: MeasureID) -> Bool { lhs.index < rhs.index }
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
    /// Reg 44(3): the parent or young person wished to make representations on the plan
    /// after the 15-day period. A ground of Tribunal orders only.
    case lateRepresentations = "late_representations"

    /// The grounds of regs 5(4), 10(4) and 13(3) and the tool's two conventions: what the
    /// requests, reviews and transfers extracts list as accepted (reg 44(3)'s own ground is
    /// listed only where a measure accepts it, so those extracts' messages and reports are
    /// as they were).
    public static let general: [ExceptionCode] = [.schoolClosure, .earlyYearsClosure, .personalCircumstances,
                                                  .absentFromArea, .covid2020, .unspecified]
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
    /// A final plan issued less than `RepresentationPeriod.minimumDays` after its draft,
    /// on a measure that counts such plans (summary.csv's `short_representation`).
    public var shortRepresentation: Bool = false

    /// Dates the status on `asAt` (see `Deadline.status`).
    @inlinable package init(measure: MeasureID, start: Day?, due: Day, completed: Day?, exception: ExceptionCode?, asAt: Day,
                            shortRepresentation: Bool = false) {
        self.measure = measure; self.start = start; self.due = due; self.completed = completed
        self.status = Deadline.status(due: due, completed: completed, asAt: asAt); self.exception = exception
        self.shortRepresentation = shortRepresentation
    }

    @inlinable package init(measure: MeasureID, start: Day?, due: Day, completed: Day?, status: CaseStatus, exception: ExceptionCode?,
                            shortRepresentation: Bool = false) {
        self.measure = measure; self.start = start; self.due = due; self.completed = completed
        self.status = status; self.exception = exception; self.shortRepresentation = shortRepresentation
    }

    /// The date that places the case in a period: completed date, or due date while open.
    @inlinable public var periodDate: Day { completed ?? due }

    /// The day the case's age band is reckoned on: the day its clock starts, or its due
    /// date when the clock starts on no day of the record (a phase transfer).
    @inlinable public var ageReference: Day { start ?? due }
}

/// What a case result says of the case itself, the same for all its measures (its row,
/// for requests and transfers). Public so that its initialiser inlines into the row loop
/// of another module (made once a row).
public struct CaseFacts: Sendable {
    public var caseID: String
    /// Line of the source row in its file (header = 1).
    public var line: Int
    /// Position among the analysed rows, for input-order sorting.
    public var sequence: Int
    /// Values of the `--by` columns, in the order given.
    public var dimensions: [String]
    public var team: String?
    public var caseworker: String?

    @inlinable public init(caseID: String, line: Int, sequence: Int, dimensions: [String], team: String? = nil, caseworker: String? = nil) {
        self.caseID = caseID
        self.line = line
        self.sequence = sequence
        self.dimensions = dimensions
        self.team = team
        self.caseworker = caseworker
    }

    /// The facts of a case read from one row: its cohort's `--by` values as on
    /// `ageReference` (the day its age band is reckoned on), its team and caseworker.
    @inlinable public init(caseID: String, line: Int, sequence: Int, cohort: Cohort, ageReference: Day?) {
        self.init(caseID: caseID, line: line, sequence: sequence, dimensions: cohort.values(on: ageReference),
                  team: cohort.team, caseworker: cohort.caseworker)
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
    /// See `CaseTiming.shortRepresentation`.
    public var shortRepresentation = false

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
        shortRepresentation = t.shortRepresentation
    }

    /// What the rule decided, without the case's facts.
    package var timing: CaseTiming {
        CaseTiming(measure: measure, start: start, due: due, completed: completed, status: status, exception: exception,
                   shortRepresentation: shortRepresentation)
    }

    /// The case's facts, without the rule's timing.
    package var facts: CaseFacts {
        CaseFacts(caseID: caseID, line: line, sequence: sequence, dimensions: dimensions, team: team, caseworker: caseworker)
    }

    /// The date that places the case in a period: completed date, or due date while open.
    @inlinable public var periodDate: Day { completed ?? due }
}
