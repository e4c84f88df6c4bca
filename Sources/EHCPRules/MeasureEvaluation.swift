/// What a measure-table entry tells the rules: which extract the measure reads, and there
/// the day its clock starts, what stops it, which records it counts and which exception
/// column applies. The generic evaluators (`RequestRules`, `ReviewRules`,
/// `TransferRules`) apply every entry of their extract; what cannot be said as a field
/// (the annual review chain, reg 18's dates) is a named convention chosen here.
public enum MeasureEvaluation: Sendable {
    case requests(RequestMeasure)
    case reviews(ReviewMeasure)
    case transfers(TransferMeasure)
    case reassessments(ReassessmentMeasure)
    case orders(OrderMeasure)
}

/// Which values of a coded field a measure counts; a blank field is matched by `any`
/// and `not`.
public enum CodeMatch<Value: Equatable & Sendable>: Sendable {
    case any
    case only(Value)
    case not(Value)

    var isAny: Bool {
        if case .any = self { return true }
        return false
    }

    @inline(__always) func admits(_ value: Value?) -> Bool {
        switch self {
        case .any: return true
        case .only(let v): return value == v
        case .not(let v): return value != v
        }
    }
}

// MARK: - Requests

/// A date of a request record.
public enum RequestDate: Sendable, Equatable {
    case requestDate, assessmentDecisionDate, planDecisionDate, draftPlanDate, finalPlanDate, withdrawnDate
    /// The day advice was requested from the child's school (the school-closure ground).
    case schoolAdviceDate

    /// The canonical column name.
    public var name: String {
        switch self {
        case .requestDate: return "request_date"
        case .assessmentDecisionDate: return "assessment_decision_date"
        case .planDecisionDate: return "plan_decision_date"
        case .draftPlanDate: return "draft_plan_date"
        case .finalPlanDate: return "final_plan_date"
        case .withdrawnDate: return "withdrawn_date"
        case .schoolAdviceDate: return "school_advice_date"
        }
    }

    @inline(__always) func day(of r: RequestRecord) -> Day? {
        switch self {
        case .requestDate: return r.requestDate
        case .assessmentDecisionDate: return r.assessmentDecisionDate
        case .planDecisionDate: return r.planDecisionDate
        case .draftPlanDate: return r.draftPlanDate
        case .finalPlanDate: return r.finalPlanDate
        case .withdrawnDate: return r.withdrawnDate
        case .schoolAdviceDate: return r.schoolAdviceDate
        }
    }
}

/// The statutory grounds on which a measure's limit need not be met, as the regulation
/// that sets the limit lists them (regs 5(4), 10(4), 13(3)), and where it lists them. A
/// code recorded against a measure whose regulation does not give it is not applied: the
/// case counts without an exception, and a warning cites `citation`.
public struct ExceptionGrounds: Sendable, Equatable {
    /// The codes the measure accepts. `covid_2020` (SI 2020/471, with its own window) and
    /// `unspecified` (a SEN2-style flag that names no ground) are the tool's conventions.
    public var accepted: [ExceptionCode]
    /// The paragraph that lists the grounds: "reg 5(4)".
    public var citation: String
    /// The paragraph of the school-closure ground, for the term-dates check: "reg 5(4)(a)".
    public var schoolClosureCitation: String

    public init(accepted: [ExceptionCode], citation: String, schoolClosureCitation: String) {
        self.accepted = accepted; self.citation = citation; self.schoolClosureCitation = schoolClosureCitation
    }

    /// Every code: what a measure of a table made before grounds were written accepts.
    public static let any = ExceptionGrounds(accepted: ExceptionCode.general, citation: "regs 5(4), 10(4), 13(3)",
                                             schoolClosureCitation: "regs 5(4)(a), 10(4)(a)")

    @inline(__always) func accepts(_ code: ExceptionCode) -> Bool { accepted.contains(code) }

    /// No exception applies.
    public static let none = ExceptionGrounds(accepted: [], citation: "", schoolClosureCitation: "")
    /// Only the temporary coronavirus relaxation of SI 2020/471 (for deadlines in
    /// `StatutoryExceptions.covidWindow`): the review and transfer measures.
    public static let covid2020 = ExceptionGrounds(accepted: [.covid2020], citation: "SI 2020/471", schoolClosureCitation: "")
}

/// A request's exception-reason column (regs 5(4), 10(4), 13(3)).
public enum RequestExceptionColumn: Sendable, Equatable {
    /// `exception_reason`, for the 16- and 20-week limits.
    case exceptionReason
    /// `decision_exception_reason`, for the 6-week limit.
    case decisionExceptionReason

    /// The canonical column.
    public var column: String {
        switch self {
        case .exceptionReason: return "exception_reason"
        case .decisionExceptionReason: return "decision_exception_reason"
        }
    }

    @inline(__always) func reading(of r: RequestRecord) -> ExceptionReading {
        switch self {
        case .exceptionReason: return r.exception
        case .decisionExceptionReason: return r.decisionException
        }
    }
}

/// Which requests a measure counts.
public struct RequestEligibility: Sendable {
    /// How a withdrawn request is counted.
    public enum Withdrawn: Sendable {
        case notCounted
        /// Counted when it has this date (a withdrawn request that was decided keeps its decision).
        case countedWith(RequestDate)
        case counted
    }

    public var withdrawn: Withdrawn
    public var assessmentDecision: CodeMatch<AssessmentDecision>
    public var planDecision: CodeMatch<PlanDecision>
    /// Whatever else the measure asks of a request, when a field test is not enough.
    public var also: (@Sendable (RequestRecord) -> Bool)?

    public init(withdrawn: Withdrawn = .notCounted, assessmentDecision: CodeMatch<AssessmentDecision> = .any,
                planDecision: CodeMatch<PlanDecision> = .any, also: (@Sendable (RequestRecord) -> Bool)? = nil) {
        self.withdrawn = withdrawn; self.assessmentDecision = assessmentDecision
        self.planDecision = planDecision; self.also = also
    }

}

/// A measure of the requests extract: one clock per request it counts, from `start` to
/// `completion`.
public struct RequestMeasure: Sendable {
    /// The day the clock starts; a request without it is not counted.
    public var start: RequestDate
    public var completion: RequestDate
    public var counts: RequestEligibility
    /// The column whose statutory exception applies, if any (the grounds it may give are
    /// the measure's: `MeasureDefinition.grounds`).
    public var exception: RequestExceptionColumn?
    /// Whether the measure counts the cases whose final plan came less than
    /// `RepresentationPeriod.minimumDays` after the draft (reg 13(1)(a)): summary.csv's
    /// `short_representation` on its rows.
    public var countsShortRepresentation: Bool

    public init(start: RequestDate, completion: RequestDate, counts: RequestEligibility, exception: RequestExceptionColumn?,
                countsShortRepresentation: Bool = false) {
        self.start = start; self.completion = completion; self.counts = counts; self.exception = exception
        self.countsShortRepresentation = countsShortRepresentation
    }
}

/// A request measure with its id and limit, as the table hands it to `RequestRules`:
/// plain values, copied from the table for every request without reference counting
/// (an eligibility's closure waits in the table's `requestTests`).
struct RequestEntry: Sendable {
    let id: MeasureID
    let dueDate: DueDate
    let start: RequestDate
    let completion: RequestDate
    let withdrawn: RequestEligibility.Withdrawn
    let assessmentDecision: CodeMatch<AssessmentDecision>
    let planDecision: CodeMatch<PlanDecision>
    let exception: RequestExceptionColumn?
    /// The place of the measure's grounds in the table's `requestGrounds`.
    let grounds: Int
    let countsShortRepresentation: Bool
    /// The place of the eligibility's `also` in the table's `requestTests`, or -1.
    let test: Int

    init(id: MeasureID, dueDate: DueDate, measure m: RequestMeasure, grounds: Int, test: Int) {
        self.id = id; self.dueDate = dueDate; self.start = m.start; self.completion = m.completion
        self.withdrawn = m.counts.withdrawn; self.assessmentDecision = m.counts.assessmentDecision
        self.planDecision = m.counts.planDecision; self.exception = m.exception; self.grounds = grounds
        self.countsShortRepresentation = m.countsShortRepresentation; self.test = test
    }

    /// Whether the measure counts `r` (`tests`: the table's `requestTests`).
    @inline(__always) func admits(_ r: RequestRecord, tests: [@Sendable (RequestRecord) -> Bool]) -> Bool {
        if r.withdrawnDate != nil {
            switch withdrawn {
            case .notCounted: return false
            case .countedWith(let date): if date.day(of: r) == nil { return false }
            case .counted: break
            }
        }
        guard assessmentDecision.admits(r.assessmentDecision), planDecision.admits(r.planDecision) else { return false }
        return test < 0 || Self.passes(tests[test], r)
    }

    /// Whether the measure counts `r`, a record with unusable fields: `.unknown` when
    /// the answer depends on one of them (it is blank in the record). A definite "no"
    /// from any test wins over an unknown: a refused request is not counted in a
    /// final-plan measure whatever its unusable withdrawn date said.
    func eligibility(_ r: RequestRecord, tests: [@Sendable (RequestRecord) -> Bool]) -> Eligibility {
        var unknown: [String] = []
        let withdrawnKnown = !r.unusable.contains(RequestDate.withdrawnDate.name)
        switch withdrawn {
        case .counted:
            break
        case .notCounted:
            if !withdrawnKnown { unknown.append(RequestDate.withdrawnDate.name) } else if r.withdrawnDate != nil { return .notCounted }
        case .countedWith(let date):
            // Counted unless withdrawn without `date`.
            if date.day(of: r) == nil, r.withdrawnDate != nil || !withdrawnKnown {
                let dateKnown = !r.unusable.contains(date.name)
                if withdrawnKnown && dateKnown { return .notCounted }
                if !withdrawnKnown { unknown.append(RequestDate.withdrawnDate.name) }
                if !dateKnown { unknown.append(date.name) }
            }
        }
        if r.unusable.contains("assessment_decision"), !assessmentDecision.isAny {
            unknown.append("assessment_decision")
        } else if !assessmentDecision.admits(r.assessmentDecision) {
            return .notCounted
        }
        if r.unusable.contains("plan_decision"), !planDecision.isAny {
            unknown.append("plan_decision")
        } else if !planDecision.admits(r.planDecision) {
            return .notCounted
        }
        if test >= 0, !Self.passes(tests[test], r) { return .notCounted }
        return unknown.isEmpty ? .counted : .unknown(unknown)
    }

    enum Eligibility: Equatable {
        case counted, notCounted
        /// It depends on these unusable fields.
        case unknown([String])
    }

    /// Out of line: calling the closure where it is tested made the compiler copy every
    /// request it is handed, closure or not.
    @inline(never) static func passes(_ test: @Sendable (RequestRecord) -> Bool, _ r: RequestRecord) -> Bool { test(r) }
}

// MARK: - Reviews

/// A date of a reviews row.
public enum ReviewDate: Sendable, Equatable {
    case planDate, meetingDate, decisionDate, amendmentNoticeDate, amendedPlanDate, noAmendmentDate, ceasedDate,
         transferInDate, transferInNoticeDate

    /// The canonical column name.
    public var name: String {
        switch self {
        case .planDate: return "plan_date"
        case .meetingDate: return "review_meeting_date"
        case .decisionDate: return "review_decision_date"
        case .amendmentNoticeDate: return "amendment_notice_date"
        case .amendedPlanDate: return "amended_plan_date"
        case .noAmendmentDate: return "no_amendment_date"
        case .ceasedDate: return "ceased_date"
        case .transferInDate: return "transfer_in_date"
        case .transferInNoticeDate: return "transfer_in_notice_date"
        }
    }

    @inline(__always) func day(of row: ReviewRow) -> Day? {
        switch self {
        case .planDate: return row.planDate
        case .meetingDate: return row.meetingDate
        case .decisionDate: return row.decisionDate
        case .amendmentNoticeDate: return row.amendmentNoticeDate
        case .amendedPlanDate: return row.amendedPlanDate
        case .noAmendmentDate: return row.noAmendmentDate
        case .ceasedDate: return row.ceasedDate
        case .transferInDate: return row.transferInDate
        case .transferInNoticeDate: return row.transferInNoticeDate
        }
    }
}

/// The first review a new authority owes on a plan transferred in (reg 15(5)): due by
/// the later of the 12-month date of the cycle open at the transfer and the end of the
/// period of `months` months starting with the transfer date (`start`).
public struct TransferInReview: Sendable, Equatable {
    /// The date of the transfer.
    public var start: ReviewDate
    public var months: Int

    public init(start: ReviewDate, months: Int) { self.start = start; self.months = months }

    /// The due date of the first cycle the new authority measures, whose 12-month date
    /// is `twelveMonthDue`, for a transfer on `transfer`.
    @inline(__always) public func due(twelveMonthDue: Day, transfer: Day) -> Day {
        max(twelveMonthDue, transfer.endOfPeriod(months: months))
    }
}

/// A measure of the reviews extract, timed per plan.
public enum ReviewMeasure: Sendable {
    /// The chain of 12-month periods (CFA s.44(1)): the first starts with the plan date,
    /// each next with the previous review's completion (its decision or its meeting, as
    /// `RuleSettings.reviewClock` says), and one open cycle follows the last unless the
    /// plan has ceased (a `ceased_date`, or its last completed review decided to cease).
    /// For a plan transferred in, the cycles completed before the transfer are the old
    /// authority's (not measured), and the first one after it is due as `transferIn` says.
    /// See `ReviewRules`.
    case annualChain(transferIn: TransferInReview? = nil)
    /// One clock per review meeting decided as `decided` says: from the row's `start`
    /// (`orElse` when that is blank; neither: not counted, with a warning) to its
    /// `completion`, or `orCompletion` when that is earlier (or the only one). A meeting
    /// before the plan's transfer in is the old authority's: not counted.
    case afterMeeting(start: ReviewDate, orElse: ReviewDate? = nil, completion: ReviewDate, orCompletion: ReviewDate? = nil,
                      decided: CodeMatch<ReviewDecision>)
    /// One clock per plan that has `start` on a row: from the earliest `start` of the
    /// plan to the earliest `completion` (rows that disagree: a warning from
    /// `ReviewPlans.check`).
    case perPlan(start: ReviewDate, completion: ReviewDate)
}

/// A measure of one extract with its id, limit and grounds, as the table hands it to
/// that extract's rules (reviews, transfers, re-assessments, orders; the requests' rules
/// keep a flat `RequestEntry` of their own, read in the row loop).
struct MeasureEntry<Measure: Sendable>: Sendable {
    let id: MeasureID
    let dueDate: DueDate
    let measure: Measure
    let grounds: ExceptionGrounds

    init(_ definition: MeasureDefinition, _ measure: Measure) {
        id = definition.id; dueDate = definition.dueDate; grounds = definition.grounds
        self.measure = measure
    }
}

/// A review measure with its id and limit, as the table hands it to `ReviewRules`.
typealias ReviewEntry = MeasureEntry<ReviewMeasure>

extension MeasureEntry where Measure == ReviewMeasure {
    /// Whether this measure's clock starts when `previous`'s stops (then the two are
    /// timed together, meeting by meeting).
    func follows(_ previous: ReviewEntry) -> Bool {
        guard case .afterMeeting(let start, _, _, _, _) = measure,
              case .afterMeeting(_, _, let completion, _, _) = previous.measure else { return false }
        return start == completion
    }
}

// MARK: - Transfers

/// A date of a transfers row.
public enum TransferDate: Sendable, Equatable {
    case transferDate, amendedPlanDate

    /// The canonical column name.
    public var name: String {
        switch self {
        case .transferDate: return "transfer_date"
        case .amendedPlanDate: return "amended_plan_date"
        }
    }

    @inline(__always) func day(of t: TransferRecord) -> Day? {
        switch self {
        case .transferDate: return t.transferDate
        case .amendedPlanDate: return t.amendedPlanDate
        }
    }
}

/// A measure of the transfers extract: one clock per transfer. A `.phaseTransfer` limit
/// is reg 18's date for the transfer's type (`TransferRules.due`), with no start day; a
/// limit in weeks runs from the transfer date.
public struct TransferMeasure: Sendable {
    public var completion: TransferDate

    public init(completion: TransferDate) { self.completion = completion }
}

/// A transfer measure with its id and limit, as the table hands it to `TransferRules`.
typealias TransferEntry = MeasureEntry<TransferMeasure>

// MARK: - Re-assessments

/// A date of a reassessments row.
public enum ReassessmentDate: Sendable, Equatable {
    case requestDate, decisionDate, finalPlanDate

    /// The canonical column name.
    public var name: String {
        switch self {
        case .requestDate: return "request_date"
        case .decisionDate: return "decision_date"
        case .finalPlanDate: return "final_plan_date"
        }
    }

    @inline(__always) func day(of r: ReassessmentRecord) -> Day? {
        switch self {
        case .requestDate: return r.requestDate
        case .decisionDate: return r.decisionDate
        case .finalPlanDate: return r.finalPlanDate
        }
    }
}

/// A measure of the reassessments extract: one clock per request it counts, from `start`
/// to `completion`; `decided` limits it to requests decided so (a blank decision with a
/// decision date counts as neither).
public struct ReassessmentMeasure: Sendable {
    public var start: ReassessmentDate
    public var completion: ReassessmentDate
    public var decided: CodeMatch<ReassessmentDecision>

    public init(start: ReassessmentDate, completion: ReassessmentDate, decided: CodeMatch<ReassessmentDecision> = .any) {
        self.start = start; self.completion = completion; self.decided = decided
    }
}

// MARK: - Tribunal orders

/// A date of an orders row.
public enum OrderDate: Sendable, Equatable {
    case orderDate, noticeDate, noPlanDate, draftPlanDate, finalPlanDate, amendedPlanDate

    /// The canonical column name.
    public var name: String {
        switch self {
        case .orderDate: return "order_date"
        case .noticeDate: return "notice_date"
        case .noPlanDate: return "no_plan_date"
        case .draftPlanDate: return "draft_plan_date"
        case .finalPlanDate: return "final_plan_date"
        case .amendedPlanDate: return "amended_plan_date"
        }
    }

    @inline(__always) func day(of o: OrderRecord) -> Day? {
        switch self {
        case .orderDate: return o.orderDate
        case .noticeDate: return o.noticeDate
        case .noPlanDate: return o.noPlanDate
        case .draftPlanDate: return o.draftPlanDate
        case .finalPlanDate: return o.finalPlanDate
        case .amendedPlanDate: return o.amendedPlanDate
        }
    }
}

/// A measure of the orders extract: one clock per order of `type`, from the order date
/// to `completion`. An order to assess ends in either a no-plan notice or a plan (reg
/// 44(2)(b)(i) or (ii)): `outcome` says which of the two the measure counts, by whether
/// the row has a `no_plan_date`.
public struct OrderMeasure: Sendable {
    /// Which branch of an order to assess a measure counts.
    public enum Outcome: Sendable, Equatable {
        /// Every order of the type.
        case any
        /// Only orders with a no-plan notice.
        case noPlan
        /// Only orders without one (the plan is the outcome, issued or awaited).
        case plan
    }

    public var type: OrderType
    public var completion: OrderDate
    public var outcome: Outcome

    public init(type: OrderType, completion: OrderDate, outcome: Outcome = .any) {
        self.type = type; self.completion = completion; self.outcome = outcome
    }
}
