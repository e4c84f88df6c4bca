/// How a measure's due date follows from the day its clock starts.
///
/// Each limit is written once, in `MeasureTable`: the rules, the report's prose, the
/// README's measure table and the tests' boundary cases all read it from there.
public enum DueDate: Sendable, Equatable {
    /// "Within N weeks of X": on or before X + 7N days (the day of X is not counted).
    case weeks(Int)
    /// "Within N days of X" (a limit not in whole weeks): on or before X + N days, the day
    /// of X not counted, as for weeks.
    case days(Int)
    /// The last day of "the period of 12 months starting with" the start (CFA s.44(1)):
    /// the period includes its first day.
    case twelveMonthPeriod
    /// A calendar date set by the kind of phase transfer (reg 18).
    case phaseTransfer(PhaseTransferDeadlines)

    /// Days from the clock's start to the last on-time day, when the limit is a number
    /// of days.
    public var days: Int? {
        if case .weeks(let n) = self { return n * 7 }
        if case .days(let n) = self { return n }
        return nil
    }

    /// How the last on-time day follows from the clock's start, for a reader: each kind of
    /// limit counts differently, so each measure's explanation comes from its own limit.
    /// `clockStart` names the day the clock starts ("request date"); `reading` is how a
    /// transfer's "before" is read.
    public func countingSentence(clockStart: String, reading: TransferDeadline) -> String {
        switch self {
        case .weeks(let n):
            return "Day 0 is the \(clockStart), which is not counted: the limit ends \(n * 7) days later, "
                + "and a case completed on day \(n * 7) is on time."
        case .days(let n):
            return "Day 0 is the \(clockStart), which is not counted: the limit ends \(n) days later, "
                + "and a case completed on day \(n) is on time."
        case .twelveMonthPeriod:
            return "A period of 12 months starting with a day includes that day, so it ends the day before the same date "
                + "a year later (1 January 2019 → 31 December 2019; for 29 February, 28 February): "
                + "a review completed on that last day is within the period, and on time."
        case .phaseTransfer(let t):
            let (school, post16) = reading == .inclusive
                ? (t.schoolDeadline, t.post16Deadline)
                : (t.dayBefore(month: t.schoolMonth, day: t.schoolDay), t.dayBefore(month: t.post16Month, day: t.post16Day))
            let how = reading == .inclusive ? "read as “by” (--transfer-deadline inclusive)" : "read literally"
            return "The deadline is a calendar date, not a count of days: “before \(t.schoolDeadline)” of the year of the transfer, "
                + "\(how), makes \(school) the last day on time (\(post16) for a move from secondary school to post-16; "
                + "for a move between post-16 institutions, the date \(t.post16MoveMonths) months before the move)."
        }
    }

    /// The last on-time day for a clock starting on `start`, for `weeks` and
    /// `twelveMonthPeriod` (a transfer's due date needs its type: `TransferRules.due`).
    @inline(__always)
    public func due(from start: Day) -> Day {
        switch self {
        case .weeks(let n): return start + n * 7
        case .days(let n): return start + n
        case .twelveMonthPeriod: return start.endOfTwelveMonthPeriod
        case .phaseTransfer: preconditionFailure("a transfer's due date depends on its type; use TransferRules.due")
        }
    }
}

/// Reg 18's deadlines: "before 15 February in the calendar year of the transfer", "before
/// 31 March" for a move from secondary school to post-16, and "at least 5 months before"
/// a move between post-16 institutions.
public struct PhaseTransferDeadlines: Sendable, Equatable {
    /// The school deadline, "before" this day of this month.
    public let schoolMonth: Int, schoolDay: Int
    /// The secondary-to-post-16 deadline, "before" this day of this month.
    public let post16Month: Int, post16Day: Int
    /// Post-16 to post-16: this many months before the move.
    public let post16MoveMonths: Int

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August",
                             "September", "October", "November", "December"]

    /// "15 February"
    public var schoolDeadline: String { "\(schoolDay) \(Self.monthNames[schoolMonth - 1])" }
    /// "31 March"
    public var post16Deadline: String { "\(post16Day) \(Self.monthNames[post16Month - 1])" }

    /// The day before `day` `month`, in words ("14 February"), as in a year that is not a leap year.
    func dayBefore(month: Int, day: Int) -> String {
        let (_, m, d) = (Day(year: 2001, month: month, day: day).map { $0 - 1 } ?? Day(number: 0)).civil
        return "\(d) \(Self.monthNames[m - 1])"
    }
}

/// A measure's catalogue entry: what it checks, when its clock starts and stops, which
/// cases it counts, and where the law says so (statutory-timescales.md, "Measures").
/// `evaluation` is what the rules apply; the text fields are what the outputs say.
public struct MeasureDefinition: Sendable {
    public internal(set) var id: MeasureID
    /// What is timed, before the limit: "Decision whether to assess".
    let subject: String
    /// After the limit in the title: " of the meeting".
    let titleTail: String
    public let citation: String
    /// The day the clock starts, as the rule text names it: "request date".
    public let clockStart: String
    public let dueDate: DueDate
    /// What stops the clock, as the rule text puts it: "Decision notified".
    public let completion: String
    /// What stops the clock, as the README's table puts it: "decision notified (either way)".
    public let completedBy: String
    /// Which cases the measure counts (the README's "applies to").
    public let appliesTo: String
    /// The rest of the rule text after the due date: the scope, or a note.
    let ruleTail: String
    /// Which extract the measure reads, and its clock's start, completion, eligibility and
    /// exception column there.
    public let evaluation: MeasureEvaluation
    /// The statutory exception grounds the measure accepts: from a request measure's
    /// exception column, or from a reviews or transfers row's `exception_reason`.
    public let grounds: ExceptionGrounds

    /// `grounds`: by default every code for a request measure with an exception column,
    /// none for any other measure.
    public init(id: MeasureID, subject: String, titleTail: String = "", citation: String, clockStart: String,
                dueDate: DueDate, completion: String, completedBy: String, appliesTo: String, ruleTail: String,
                evaluation: MeasureEvaluation, grounds: ExceptionGrounds? = nil) {
        self.id = id; self.subject = subject; self.titleTail = titleTail; self.citation = citation
        self.clockStart = clockStart; self.dueDate = dueDate; self.completion = completion; self.completedBy = completedBy
        self.appliesTo = appliesTo; self.ruleTail = ruleTail; self.evaluation = evaluation
        if let grounds {
            self.grounds = grounds
        } else if case .requests(let m) = evaluation, m.exception != nil {
            self.grounds = .any
        } else {
            self.grounds = .none
        }
    }

    /// The canonical column whose statutory exception applies to this measure, if any.
    public var exceptionColumn: String? {
        if case .requests(let m) = evaluation { return m.exception?.column }
        return grounds.accepted.isEmpty ? nil : "exception_reason"
    }

    /// The statutory grounds its exception column may give, for a measure that has one.
    public var exceptionGrounds: ExceptionGrounds? { exceptionColumn == nil ? nil : grounds }

    /// Whether summary.csv's `short_representation` counts on this measure's rows (reg 13(1)(a)).
    public var countsShortRepresentation: Bool {
        if case .requests(let m) = evaluation { return m.countsShortRepresentation }
        return false
    }

    /// "Final EHC plan within 20 weeks"
    public var title: String {
        switch dueDate {
        case .weeks(let n): return "\(subject) within \(n) weeks\(titleTail)"
        case .days(let n): return "\(subject) within \(n) days\(titleTail)"
        case .twelveMonthPeriod: return "\(subject) within 12 months\(titleTail)"
        case .phaseTransfer: return subject + titleTail
        }
    }

    /// The due date in words: "request date + 140 days".
    public var dueText: String {
        switch dueDate {
        case .weeks, .days: return "\(clockStart) + \(dueDate.days ?? 0) days"
        case .twelveMonthPeriod: return "the period of 12 months starting with \(clockStart)"
        case .phaseTransfer(let t):
            return "before \(t.schoolDeadline) (\(t.post16Deadline) post-16; \(t.post16MoveMonths) months before for post-16 moves)"
        }
    }

    /// One sentence: what completes the measure, by when, for which cases.
    public var rule: String {
        switch dueDate {
        case .weeks, .days: return "\(completion) on or before \(dueText)\(ruleTail)"
        case .twelveMonthPeriod: return "\(completion) within \(dueText)\(ruleTail)"
        case .phaseTransfer: return "\(completion) \(dueText)\(ruleTail)"
        }
    }
}

/// The measure table: every measure of a run, in output order, and the one place a limit
/// is written. The rules apply each entry to the records of its extract
/// (`RequestRules`, `ReviewRules`, `TransferRules`), so a measure is added by adding an
/// entry: `MeasureTable.standard.adding(...)`, carried to the rules in `RuleSettings`.
public struct MeasureTable: Sendable, Equatable {
    /// Every measure, in output order: entry `i` has the id of order `i`.
    public let definitions: [MeasureDefinition]
    /// The entries of each extract, in table order, as the rules apply them.
    let requestEntries: [RequestEntry]
    /// The request eligibilities' `also` closures, by `RequestEntry.test`.
    let requestTests: [@Sendable (RequestRecord) -> Bool]
    /// The request measures' exception grounds, by `RequestEntry.grounds`.
    let requestGrounds: [ExceptionGrounds]
    let transferEntries: [TransferEntry]
    /// The entries of the reassessments and orders extracts, in table order.
    let reassessmentEntries: [ReassessmentEntry]
    let orderEntries: [OrderEntry]
    /// The review entries in the order their timings are made: the 12-month chain, then
    /// each pass over a plan's meetings (see `ReviewRules`).
    let reviewPasses: [[ReviewEntry]]

    public init(_ definitions: [MeasureDefinition]) {
        for (i, d) in definitions.enumerated() {
            precondition(d.id.order == i, "measure \(d.id) has order \(d.id.order) but is entry \(i) of its table")
        }
        self.definitions = definitions
        var requests: [RequestEntry] = [], tests: [@Sendable (RequestRecord) -> Bool] = [], transfers: [TransferEntry] = [], passes: [[ReviewEntry]] = []
        var grounds: [ExceptionGrounds] = []
        var reassessments: [ReassessmentEntry] = [], orders: [OrderEntry] = []
        for d in definitions {
            switch d.evaluation {
            case .requests(let m):
                if let also = m.counts.also { tests.append(also) }
                grounds.append(d.grounds)
                requests.append(RequestEntry(id: d.id, dueDate: d.dueDate, measure: m, grounds: grounds.count - 1,
                                             test: m.counts.also == nil ? -1 : tests.count - 1))
            case .transfers(let m):
                transfers.append(TransferEntry(d, m))
            case .reassessments(let m):
                reassessments.append(ReassessmentEntry(d, m))
            case .orders(let m):
                orders.append(OrderEntry(d, m))
            case .reviews(let m):
                let entry = ReviewEntry(d, m)
                // A measure whose clock starts when the one before it completes is timed with
                // it, meeting by meeting (the amended plan follows the amendment notice).
                if let previous = passes.last?.last, entry.follows(previous) {
                    passes[passes.count - 1].append(entry)
                } else {
                    passes.append([entry])
                }
            }
        }
        requestEntries = requests; requestTests = tests; requestGrounds = grounds; transferEntries = transfers; reviewPasses = passes
        reassessmentEntries = reassessments; orderEntries = orders
    }

    /// The statutory measures.
    public static let standard = MeasureTable(MeasureID.allCases.map(\.standardDefinition))

    /// The statutory measures, in output order.
    public static var all: [MeasureDefinition] { standard.definitions }

    /// The ids of the table, in output order.
    public var ids: [MeasureID] { definitions.map(\.id) }

    public var count: Int { definitions.count }

    /// The entry of `id`, which must be in this table.
    public subscript(id: MeasureID) -> MeasureDefinition {
        precondition(id.order < definitions.count && definitions[id.order].id == id, "measure \(id) is not in this table")
        return definitions[id.order]
    }

    /// This table with `definition` after its last entry. The id's order must be the
    /// table's count: `MeasureID("final-plan-26w", order: MeasureTable.standard.count)`.
    public func adding(_ definition: MeasureDefinition) -> MeasureTable {
        MeasureTable(definitions + [definition])
    }

    /// Two tables are the same when they hold the same measures in the same order.
    public static func == (lhs: MeasureTable, rhs: MeasureTable) -> Bool { lhs.ids == rhs.ids }
}

extension MeasureID {
    /// The catalogue entry of this measure, one of the statutory measures (the entry of
    /// any other is in the table that holds it: `table[id]`).
    public var definition: MeasureDefinition { MeasureTable.standard[self] }

    /// The entry of each statutory measure.
    fileprivate var standardDefinition: MeasureDefinition {
        switch self {
        case .decisionToAssess6w:
            return .init(id: self, subject: "Decision whether to assess", citation: "reg 5(1); CoP 9.14",
                         clockStart: "request date", dueDate: .weeks(6), completion: "Decision notified",
                         completedBy: "decision notified (either way)",
                         appliesTo: "every request, except a withdrawn one with no decision date",
                         ruleTail: "; every request except a withdrawn one with no decision date.",
                         evaluation: .requests(RequestMeasure(
                             start: .requestDate, completion: .assessmentDecisionDate,
                             counts: RequestEligibility(withdrawn: .countedWith(.assessmentDecisionDate)),
                             exception: .decisionExceptionReason)),
                         grounds: .decisionToAssess)
        case .noPlanDecision16w:
            return .init(id: self, subject: "Notice of no plan", citation: "reg 10(1)",
                         clockStart: "request date", dueDate: .weeks(16),
                         completion: "Notice that no plan will be issued sent", completedBy: "notice sent",
                         appliesTo: "requests decided `no_plan`, not withdrawn",
                         ruleTail: "; requests decided no_plan, not withdrawn.",
                         evaluation: .requests(RequestMeasure(
                             start: .requestDate, completion: .planDecisionDate,
                             counts: RequestEligibility(withdrawn: .notCounted, planDecision: .only(.noPlan)),
                             exception: .exceptionReason)),
                         grounds: .noPlanNotice)
        case .finalPlan20w:
            return .init(id: self, subject: "Final EHC plan", citation: "reg 13(2); CoP 9.40",
                         clockStart: "request date", dueDate: .weeks(20), completion: "Final plan issued",
                         completedBy: "final plan issued",
                         appliesTo: "requests not refused, not decided `no_plan`, not withdrawn",
                         ruleTail: "; requests not refused, not decided no_plan, not withdrawn.",
                         evaluation: .requests(RequestMeasure(
                             start: .requestDate, completion: .finalPlanDate,
                             counts: RequestEligibility(withdrawn: .notCounted, assessmentDecision: .not(.refuse),
                                                        planDecision: .not(.noPlan)),
                             exception: .exceptionReason, countsShortRepresentation: true)),
                         grounds: .finalPlan)
        case .annualReview12m:
            // Reg 15(5): the first review after a transfer in is due by the later of the
            // cycle's 12-month date and the end of this period starting with the transfer.
            let transferIn = TransferInReview(start: .transferInDate, months: 3)
            return .init(id: self, subject: "Annual review", citation: "CFA s.44(1); reg 15(5); SEN2 LastReview",
                         clockStart: "the plan date, then with each previous review's completion", dueDate: .twelveMonthPeriod,
                         completion: "Review completed", completedBy: "review complete (see `--review-clock`)",
                         appliesTo: "every plan: each review cycle, plus one open cycle unless the plan has ceased; "
                             + "for a plan transferred in, the cycles the new authority completes",
                         ruleTail: "; for a plan transferred in, the first review after the transfer is due by the later of "
                             + "that date and the end of the \(transferIn.months) months starting with the transfer date.",
                         evaluation: .reviews(.annualChain(transferIn: transferIn)), grounds: .covid2020)
        case .reviewDecision4w:
            return .init(id: self, subject: "Review decision", titleTail: " of the meeting",
                         citation: "regs 20 and 21 (paragraph numbers unverified); CoP 9.176",
                         clockStart: "meeting", dueDate: .weeks(4), completion: "Decision to maintain, amend or cease notified",
                         completedBy: "decision notified", appliesTo: "every review meeting (of a plan transferred in, from the transfer on)",
                         ruleTail: ".",
                         evaluation: .reviews(.afterMeeting(start: .meetingDate, completion: .decisionDate, decided: .any)),
                         grounds: .covid2020)
        case .amendmentNotice4w:
            return .init(id: self, subject: "Proposed amendments", titleTail: " of the meeting",
                         citation: "reg 22(2) read with reg 20; R (L, M, P) v Devon CC [2022] EWHC 493 (Admin)",
                         clockStart: "meeting", dueDate: .weeks(4), completion: "Amendment notice sent",
                         completedBy: "proposed amendments sent", appliesTo: "reviews decided `amend`",
                         ruleTail: ", for reviews decided amend.",
                         evaluation: .reviews(.afterMeeting(start: .meetingDate, completion: .amendmentNoticeDate,
                                                            decided: .only(.amend))),
                         grounds: .covid2020)
        case .amendedPlan8w:
            return .init(id: self, subject: "Final amended plan", titleTail: " of the notice", citation: "reg 22(3) and (4)",
                         clockStart: "amendment notice", dueDate: .weeks(8),
                         completion: "Final amended plan issued, or the decision not to amend notified",
                         completedBy: "final amended plan issued, or decision not to amend notified",
                         appliesTo: "reviews decided `amend`",
                         ruleTail: " (the decision date when the notice date is missing; neither: no clock, and a warning).",
                         evaluation: .reviews(.afterMeeting(start: .amendmentNoticeDate, orElse: .decisionDate,
                                                            completion: .amendedPlanDate, orCompletion: .noAmendmentDate,
                                                            decided: .only(.amend))),
                         grounds: .covid2020)
        case .transferInNotice6w:
            return .init(id: self, subject: "Notice of a plan transferred in", citation: "reg 15(4)",
                         clockStart: "transfer-in date", dueDate: .weeks(6),
                         completion: "Notice of the transfer, of any proposed assessment and of the review date sent",
                         completedBy: "notice of the transfer sent", appliesTo: "plans transferred in from another authority",
                         ruleTail: "; plans transferred in from another authority.",
                         evaluation: .reviews(.perPlan(start: .transferInDate, completion: .transferInNoticeDate)),
                         grounds: .covid2020)
        case .phaseTransfer:
            return .init(id: self, subject: "Plan amended before a phase transfer", citation: "reg 18",
                         clockStart: "the transfer",
                         dueDate: .phaseTransfer(PhaseTransferDeadlines(schoolMonth: 2, schoolDay: 15, post16Month: 3,
                                                                        post16Day: 31, post16MoveMonths: 5)),
                         completion: "Final amended plan naming the new setting",
                         completedBy: "final amended plan naming the new setting", appliesTo: "every phase transfer",
                         ruleTail: ".", evaluation: .transfers(TransferMeasure(completion: .amendedPlanDate)),
                         grounds: .covid2020)
        // Re-assessment of an existing plan (regs 25 and 27).
        case .reassessmentDecision15d:
            return .init(id: self, subject: "Decision whether to re-assess", citation: "reg 25(1)",
                         clockStart: "re-assessment request date", dueDate: .days(15), completion: "Decision notified",
                         completedBy: "decision notified (either way)", appliesTo: "every request to re-assess a plan",
                         ruleTail: "; every request to re-assess a plan.",
                         evaluation: .reassessments(ReassessmentMeasure(start: .requestDate, completion: .decisionDate)))
        case .reassessmentFinalPlan14w:
            return .init(id: self, subject: "Final amended or replacement plan", titleTail: " of a decision to re-assess",
                         citation: "reg 27(2)", clockStart: "decision to re-assess", dueDate: .weeks(14),
                         completion: "Final amended or replacement plan issued", completedBy: "final plan issued",
                         appliesTo: "re-assessment requests decided `reassess`",
                         ruleTail: "; requests decided reassess.",
                         evaluation: .reassessments(ReassessmentMeasure(start: .decisionDate, completion: .finalPlanDate,
                                                                        decided: .only(.reassess))),
                         grounds: .reassessmentFinalPlan)
        // First-tier Tribunal orders (reg 44(2)) and unopposed appeals (reg 45, as substituted
        // by SI 2015/359): every clock starts on the order date (or the day the authority told
        // the Tribunal it would not oppose).
        case .tribunalAssessNotice2w:
            return .init(id: self, subject: "Notice that the authority will assess", titleTail: " of the order",
                         citation: "reg 44(2)(b); reg 45(3)", clockStart: "order date", dueDate: .weeks(2),
                         completion: "Notice that the assessment or re-assessment will be made sent",
                         completedBy: "notice sent", appliesTo: "orders to assess or re-assess",
                         ruleTail: "; orders to assess or re-assess.",
                         evaluation: .orders(OrderMeasure(type: .assess, completion: .noticeDate)), grounds: .tribunalOrder)
        case .tribunalNoPlan10w:
            return .init(id: self, subject: "Notice of no plan", titleTail: " of the order",
                         citation: "reg 44(2)(b)(i); reg 45(3A)(a)", clockStart: "order date", dueDate: .weeks(10),
                         completion: "Notice of the decision not to issue a plan sent", completedBy: "notice sent",
                         appliesTo: "orders to assess that end in a decision not to issue a plan",
                         ruleTail: "; orders to assess with a no-plan notice.",
                         evaluation: .orders(OrderMeasure(type: .assess, completion: .noPlanDate, outcome: .noPlan)),
                         grounds: .tribunalOrder)
        case .tribunalFinalPlan14w:
            return .init(id: self, subject: "Final plan", titleTail: " of an order to assess",
                         citation: "reg 44(2)(b)(ii); reg 45(3A)(b)", clockStart: "order date", dueDate: .weeks(14),
                         completion: "Final plan issued", completedBy: "final plan issued",
                         appliesTo: "orders to assess without a no-plan notice",
                         ruleTail: "; orders to assess without a no-plan notice.",
                         evaluation: .orders(OrderMeasure(type: .assess, completion: .finalPlanDate, outcome: .plan)),
                         grounds: .tribunalOrder)
        case .tribunalDraftPlan5w:
            return .init(id: self, subject: "Draft plan", titleTail: " of an order to make a plan",
                         citation: "reg 44(2)(c)(i)", clockStart: "order date", dueDate: .weeks(5),
                         completion: "Draft plan issued", completedBy: "draft plan issued",
                         appliesTo: "orders to make and maintain a plan", ruleTail: "; orders to make and maintain a plan.",
                         evaluation: .orders(OrderMeasure(type: .makePlan, completion: .draftPlanDate)), grounds: .tribunalOrder)
        case .tribunalFinalPlan11w:
            return .init(id: self, subject: "Final plan", titleTail: " of an order to make a plan",
                         citation: "reg 44(2)(c)(ii)", clockStart: "order date", dueDate: .weeks(11),
                         completion: "Final plan issued", completedBy: "final plan issued",
                         appliesTo: "orders to make and maintain a plan", ruleTail: "; orders to make and maintain a plan.",
                         evaluation: .orders(OrderMeasure(type: .makePlan, completion: .finalPlanDate)), grounds: .tribunalOrder)
        case .tribunalAmendedPlan5w:
            return .init(id: self, subject: "Amended plan", titleTail: " of an order to amend the provision",
                         citation: "reg 44(2); reg 45(4)", clockStart: "order date", dueDate: .weeks(5),
                         completion: "Amended plan issued", completedBy: "amended plan issued",
                         appliesTo: "orders to amend the special educational provision (with or without the placement)",
                         ruleTail: "; orders to amend the special educational provision.",
                         evaluation: .orders(OrderMeasure(type: .amendProvision, completion: .amendedPlanDate)),
                         grounds: .tribunalOrder)
        case .tribunalPlacement2w:
            return .init(id: self, subject: "Amended plan naming the school", titleTail: " of the order",
                         citation: "reg 44(2); reg 45(5)", clockStart: "order date", dueDate: .weeks(2),
                         completion: "Amended plan naming the school or institution issued",
                         completedBy: "amended plan issued", appliesTo: "orders to amend only the name or type of school or institution",
                         ruleTail: "; orders to amend only the school or institution named.",
                         evaluation: .orders(OrderMeasure(type: .amendPlacement, completion: .amendedPlanDate)),
                         grounds: .tribunalOrder)
        default:
            preconditionFailure("\(self) is not a statutory measure")
        }
    }
}

extension ExceptionGrounds {
    /// Reg 5(4): the school closure (a), exceptional personal circumstances and absence
    /// from the area. No early-years ground: that is reg 10(4)(b) alone.
    public static let decisionToAssess = ExceptionGrounds(
        accepted: [.schoolClosure, .personalCircumstances, .absentFromArea, .covid2020, .unspecified],
        citation: "reg 5(4)", schoolClosureCitation: "reg 5(4)(a)")
    /// Reg 10(4)(a) to (d): the school closure, the early-years provider's closure,
    /// exceptional personal circumstances and absence from the area.
    public static let noPlanNotice = ExceptionGrounds(
        accepted: [.schoolClosure, .earlyYearsClosure, .personalCircumstances, .absentFromArea, .covid2020, .unspecified],
        citation: "reg 10(4)", schoolClosureCitation: "reg 10(4)(a)")
    /// Reg 13(3): "any of the reasons set out in regulation 10(4)(a) to (d)".
    public static let finalPlan = ExceptionGrounds(
        accepted: [.schoolClosure, .earlyYearsClosure, .personalCircumstances, .absentFromArea, .covid2020, .unspecified],
        citation: "reg 13(3) (the grounds of reg 10(4)(a) to (d))", schoolClosureCitation: "reg 13(3) with reg 10(4)(a)")
}

extension ExceptionGrounds {
    /// Reg 27(3): the grounds of reg 10(4)(a) to (d), for the final plan after a re-assessment.
    public static let reassessmentFinalPlan = ExceptionGrounds(
        accepted: [.schoolClosure, .earlyYearsClosure, .personalCircumstances, .absentFromArea, .covid2020, .unspecified],
        citation: "reg 27(3)", schoolClosureCitation: "reg 27(3)(a)")
    /// Reg 44(3), as GOV.UK's guidance on complying with a Tribunal order lists them:
    /// exceptional personal circumstances, absence from the area for 2 continuous weeks or
    /// more, and representations on the plan wished for after the 15-day period; and the
    /// coronavirus relaxation of SI 2020/471 in its window (the catalogue's reading).
    public static let tribunalOrder = ExceptionGrounds(
        accepted: [.personalCircumstances, .absentFromArea, .lateRepresentations, .covid2020],
        citation: "reg 44(3)", schoolClosureCitation: "")
}

/// The rule set's version, stated in every output.
public enum RuleSet {
    public static let version = "2"
}

/// One measure's verdict on a case: how a deadline and a completion date compare on the as-at date.
public enum Deadline {
    /// on time / late when completed; open in time / overdue otherwise.
    @inlinable public static func status(due: Day, completed: Day?, asAt: Day) -> CaseStatus {
        if let completed { return completed <= due ? .onTime : .late }
        return asAt <= due ? .openInTime : .openOverdue
    }
}
