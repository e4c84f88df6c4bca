/// The records of the two version 2 extracts that are not about new requests: a request
/// to re-assess an existing plan (regs 25 and 27) and a First-tier Tribunal order or
/// unopposed appeal (regs 44 and 45). Dates as day numbers, codes as enums, as in
/// Records.swift.

/// One request for a re-assessment of an existing EHC plan, as read from a reassessments extract.
public struct ReassessmentRecord: Sendable, Equatable {
    public var caseID: String
    public var line: Int
    /// The request for a re-assessment received: the 15-day clock starts here.
    public var requestDate: Day
    /// The decision whether to re-assess, notified (reg 25(1)): the 14-week clock starts here.
    public var decisionDate: Day?
    public var decision: ReassessmentDecision?
    /// The final amended or replacement plan issued (reg 27(2)).
    public var finalPlanDate: Day?
    /// The row's `exception_reason`: applies to the measures whose grounds accept it.
    public var exception: ExceptionReading = .none
    public var cohort: Cohort
    /// Optional fields whose value could not be used, by canonical name (as `RequestRecord.unusable`).
    public var unusable: [String] = []

    public init(caseID: String, line: Int, requestDate: Day, decisionDate: Day? = nil, decision: ReassessmentDecision? = nil,
                finalPlanDate: Day? = nil, exception: ExceptionReading = .none, cohort: Cohort) {
        self.caseID = caseID; self.line = line; self.requestDate = requestDate; self.decisionDate = decisionDate
        self.decision = decision; self.finalPlanDate = finalPlanDate; self.exception = exception; self.cohort = cohort
    }
}

/// The decision on a request to re-assess.
public enum ReassessmentDecision: String, Sendable, CaseIterable {
    case reassess, refuse
}

/// One First-tier Tribunal order, or an unopposed appeal, as read from an orders extract.
public struct OrderRecord: Sendable, Equatable {
    public var caseID: String
    public var line: Int
    /// The date of the order, or for an unopposed appeal the day the authority told the
    /// Tribunal it would not oppose: every clock of the order starts here.
    public var orderDate: Day
    public var type: OrderType
    public var source: OrderSource
    /// Notice that the authority will assess or re-assess.
    public var noticeDate: Day?
    /// Notice of a decision, after the assessment, not to issue a plan.
    public var noPlanDate: Day?
    public var draftPlanDate: Day?
    public var finalPlanDate: Day?
    public var amendedPlanDate: Day?
    /// The row's `exception_reason` (reg 44(3) grounds).
    public var exception: ExceptionReading = .none
    public var cohort: Cohort
    /// Optional fields whose value could not be used, by canonical name (as `RequestRecord.unusable`).
    public var unusable: [String] = []

    public init(caseID: String, line: Int, orderDate: Day, type: OrderType, source: OrderSource = .tribunal,
                noticeDate: Day? = nil, noPlanDate: Day? = nil, draftPlanDate: Day? = nil, finalPlanDate: Day? = nil,
                amendedPlanDate: Day? = nil, exception: ExceptionReading = .none, cohort: Cohort) {
        self.caseID = caseID; self.line = line; self.orderDate = orderDate; self.type = type; self.source = source
        self.noticeDate = noticeDate; self.noPlanDate = noPlanDate; self.draftPlanDate = draftPlanDate
        self.finalPlanDate = finalPlanDate; self.amendedPlanDate = amendedPlanDate; self.exception = exception
        self.cohort = cohort
    }
}

/// What the Tribunal ordered (reg 43(2)), or what an unopposed appeal was about (reg 45).
public enum OrderType: String, Sendable, CaseIterable {
    /// Assess or re-assess (s.51(2)(a) or (d)).
    case assess
    /// Make and maintain a plan (s.51(2)(b)).
    case makePlan = "make_plan"
    /// Amend the special educational provision, with or without the placement.
    case amendProvision = "amend_provision"
    /// Amend only the name or type of school or institution.
    case amendPlacement = "amend_placement"
    /// Maintain the plan, or dismiss an appeal against ceasing it: acts at once, no clock.
    case maintain
}

/// Whether the clock was started by the Tribunal's order or by the authority conceding.
public enum OrderSource: String, Sendable, CaseIterable {
    case tribunal, unopposed
}
