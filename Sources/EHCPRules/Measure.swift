/// A measure's catalogue entry: what it checks and where the law says so
/// (statutory-timescales.md, "Measures (version 1)").
public struct MeasureDefinition: Sendable {
    public let id: MeasureID
    public let title: String
    public let rule: String
    public let citation: String
}

extension MeasureID {
    /// The catalogue entry of this measure.
    public var definition: MeasureDefinition {
        switch self {
        case .decisionToAssess6w:
            return .init(id: self, title: "Decision whether to assess within 6 weeks",
                         rule: "Decision notified on or before request date + 42 days; every request except a withdrawn one with no decision date.",
                         citation: "reg 5(1); CoP 9.14")
        case .noPlanDecision16w:
            return .init(id: self, title: "Notice of no plan within 16 weeks",
                         rule: "Notice that no plan will be issued sent on or before request date + 112 days; requests decided no_plan, not withdrawn.",
                         citation: "reg 10(1)")
        case .finalPlan20w:
            return .init(id: self, title: "Final EHC plan within 20 weeks",
                         rule: "Final plan issued on or before request date + 140 days; requests not refused, not decided no_plan, not withdrawn.",
                         citation: "reg 13(2); CoP 9.40")
        case .annualReview12m:
            return .init(id: self, title: "Annual review within 12 months",
                         rule: "Review completed within the period of 12 months starting with the plan date, then with each previous review's completion.",
                         citation: "CFA s.44(1); SEN2 LastReview")
        case .reviewDecision4w:
            return .init(id: self, title: "Review decision within 4 weeks of the meeting",
                         rule: "Decision to maintain, amend or cease notified on or before meeting + 28 days.",
                         citation: "regs 20 and 21 (paragraph numbers unverified); CoP 9.176")
        case .amendmentNotice4w:
            return .init(id: self, title: "Proposed amendments within 4 weeks of the meeting",
                         rule: "Amendment notice sent on or before meeting + 28 days, for reviews decided amend.",
                         citation: "reg 22(2) read with reg 20; R (L, M, P) v Devon CC [2022] EWHC 493 (Admin)")
        case .amendedPlan8w:
            return .init(id: self, title: "Final amended plan within 8 weeks of the notice",
                         rule: "Final amended plan issued on or before amendment notice + 56 days (the decision date when the notice date is missing).",
                         citation: "reg 22(3)")
        case .phaseTransfer:
            return .init(id: self, title: "Plan amended before a phase transfer",
                         rule: "Final amended plan naming the new setting before 15 February (31 March post-16; 5 months before for post-16 moves).",
                         citation: "reg 18")
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
    public static func status(due: Day, completed: Day?, asAt: Day) -> CaseStatus {
        if let completed { return completed <= due ? .onTime : .late }
        return asAt <= due ? .openInTime : .openOverdue
    }
}
