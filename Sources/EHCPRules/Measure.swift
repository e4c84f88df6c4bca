/// How a measure's due date follows from the day its clock starts.
///
/// Each limit is written once, in `MeasureTable`: the rules, the report's prose, the
/// README's measure table and the tests' boundary cases all read it from there.
public enum DueDate: Sendable, Equatable {
    /// "Within N weeks of X": on or before X + 7N days (the day of X is not counted).
    case weeks(Int)
    /// The last day of "the period of 12 months starting with" the start (CFA s.44(1)):
    /// the period includes its first day.
    case twelveMonthPeriod
    /// A calendar date set by the kind of phase transfer (reg 18).
    case phaseTransfer(PhaseTransferDeadlines)

    /// Days from the clock's start to the last on-time day, when the limit is a number
    /// of days.
    public var days: Int? {
        if case .weeks(let n) = self { return n * 7 }
        return nil
    }

    /// The last on-time day for a clock starting on `start`, for `weeks` and
    /// `twelveMonthPeriod` (a transfer's due date needs its type: `TransferRules.due`).
    @inline(__always)
    public func due(from start: Day) -> Day {
        switch self {
        case .weeks(let n): return start + n * 7
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
}

/// A measure's catalogue entry: what it checks, when its clock starts and stops, which
/// cases it counts, and where the law says so (statutory-timescales.md, "Measures").
public struct MeasureDefinition: Sendable {
    public let id: MeasureID
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
    /// The canonical column whose statutory exception applies to this measure, if any.
    public let exceptionColumn: String?

    /// "Final EHC plan within 20 weeks"
    public var title: String {
        switch dueDate {
        case .weeks(let n): return "\(subject) within \(n) weeks\(titleTail)"
        case .twelveMonthPeriod: return "\(subject) within 12 months\(titleTail)"
        case .phaseTransfer: return subject + titleTail
        }
    }

    /// The due date in words: "request date + 140 days".
    public var dueText: String {
        switch dueDate {
        case .weeks: return "\(clockStart) + \(dueDate.days ?? 0) days"
        case .twelveMonthPeriod: return "the period of 12 months starting with \(clockStart)"
        case .phaseTransfer(let t):
            return "before \(t.schoolDeadline) (\(t.post16Deadline) post-16; \(t.post16MoveMonths) months before for post-16 moves)"
        }
    }

    /// One sentence: what completes the measure, by when, for which cases.
    public var rule: String {
        switch dueDate {
        case .weeks: return "\(completion) on or before \(dueText)\(ruleTail)"
        case .twelveMonthPeriod: return "\(completion) within \(dueText)\(ruleTail)"
        case .phaseTransfer: return "\(completion) \(dueText)\(ruleTail)"
        }
    }
}

/// The measure table: every measure of the rule set, in output order. The one place a
/// limit is written.
public enum MeasureTable {
    public static let all: [MeasureDefinition] = MeasureID.allCases.map(\.definition)
}

extension MeasureID {
    /// The catalogue entry of this measure.
    public var definition: MeasureDefinition {
        switch self {
        case .decisionToAssess6w:
            return .init(id: self, subject: "Decision whether to assess", titleTail: "", citation: "reg 5(1); CoP 9.14",
                         clockStart: "request date", dueDate: .weeks(6), completion: "Decision notified",
                         completedBy: "decision notified (either way)",
                         appliesTo: "every request, except a withdrawn one with no decision date",
                         ruleTail: "; every request except a withdrawn one with no decision date.",
                         exceptionColumn: "decision_exception_reason")
        case .noPlanDecision16w:
            return .init(id: self, subject: "Notice of no plan", titleTail: "", citation: "reg 10(1)",
                         clockStart: "request date", dueDate: .weeks(16),
                         completion: "Notice that no plan will be issued sent", completedBy: "notice sent",
                         appliesTo: "requests decided `no_plan`, not withdrawn",
                         ruleTail: "; requests decided no_plan, not withdrawn.", exceptionColumn: "exception_reason")
        case .finalPlan20w:
            return .init(id: self, subject: "Final EHC plan", titleTail: "", citation: "reg 13(2); CoP 9.40",
                         clockStart: "request date", dueDate: .weeks(20), completion: "Final plan issued",
                         completedBy: "final plan issued",
                         appliesTo: "requests not refused, not decided `no_plan`, not withdrawn",
                         ruleTail: "; requests not refused, not decided no_plan, not withdrawn.", exceptionColumn: "exception_reason")
        case .annualReview12m:
            return .init(id: self, subject: "Annual review", titleTail: "", citation: "CFA s.44(1); SEN2 LastReview",
                         clockStart: "the plan date, then with each previous review's completion", dueDate: .twelveMonthPeriod,
                         completion: "Review completed", completedBy: "review complete (see `--review-clock`)",
                         appliesTo: "every plan: each review cycle, plus one open cycle unless the plan has ceased",
                         ruleTail: ".", exceptionColumn: nil)
        case .reviewDecision4w:
            return .init(id: self, subject: "Review decision", titleTail: " of the meeting",
                         citation: "regs 20 and 21 (paragraph numbers unverified); CoP 9.176",
                         clockStart: "meeting", dueDate: .weeks(4), completion: "Decision to maintain, amend or cease notified",
                         completedBy: "decision notified", appliesTo: "every review meeting", ruleTail: ".", exceptionColumn: nil)
        case .amendmentNotice4w:
            return .init(id: self, subject: "Proposed amendments", titleTail: " of the meeting",
                         citation: "reg 22(2) read with reg 20; R (L, M, P) v Devon CC [2022] EWHC 493 (Admin)",
                         clockStart: "meeting", dueDate: .weeks(4), completion: "Amendment notice sent",
                         completedBy: "proposed amendments sent", appliesTo: "reviews decided `amend`",
                         ruleTail: ", for reviews decided amend.", exceptionColumn: nil)
        case .amendedPlan8w:
            return .init(id: self, subject: "Final amended plan", titleTail: " of the notice", citation: "reg 22(3)",
                         clockStart: "amendment notice", dueDate: .weeks(8), completion: "Final amended plan issued",
                         completedBy: "final amended plan issued", appliesTo: "reviews decided `amend`",
                         ruleTail: " (the decision date when the notice date is missing).", exceptionColumn: nil)
        case .phaseTransfer:
            return .init(id: self, subject: "Plan amended before a phase transfer", titleTail: "", citation: "reg 18",
                         clockStart: "the transfer",
                         dueDate: .phaseTransfer(PhaseTransferDeadlines(schoolMonth: 2, schoolDay: 15, post16Month: 3,
                                                                        post16Day: 31, post16MoveMonths: 5)),
                         completion: "Final amended plan naming the new setting",
                         completedBy: "final amended plan naming the new setting", appliesTo: "every phase transfer",
                         ruleTail: ".", exceptionColumn: nil)
        }
    }
}

/// The rule set's version, stated in every output.
public enum RuleSet {
    public static let version = "1"
}

/// One measure's verdict on a case: how a deadline and a completion date compare on the as-at date.
public enum Deadline {
    /// on time / late when completed; open in time / overdue otherwise.
    @inlinable public static func status(due: Day, completed: Day?, asAt: Day) -> CaseStatus {
        if let completed { return completed <= due ? .onTime : .late }
        return asAt <= due ? .openInTime : .openOverdue
    }
}
