/// A warning raised by a rule (not by reading a row): the line it concerns, the
/// canonical field, the value and what the analyst should know.
public struct RuleWarning: Sendable, Equatable {
    public var line: Int
    public var field: String
    public var value: String
    public var message: String
}

/// A rule's results for one record, and the warnings the rule itself raised.
public struct RuleOutcome: Sendable {
    public var results: [CaseResult] = []
    public var warnings: [RuleWarning] = []
}

/// A rule's timings for one record (its results without the case's facts), and the
/// warnings the rule raised: what a reader of millions of rows reuses from row to row.
package struct RuleTimings {
    package init() {}

    package var timings: [CaseTiming] = []
    package var warnings: [RuleWarning] = []

    package mutating func removeAll() {
        timings.removeAll(keepingCapacity: true)
        warnings.removeAll(keepingCapacity: true)
    }
}

/// The three request-stage measures (statutory-timescales.md).
public enum RequestRules {
    /// Evaluates `decision-to-assess-6w`, `no-plan-decision-16w` and `final-plan-20w`.
    public static func evaluate(_ r: RequestRecord, sequence: Int, asAt: Day) -> RuleOutcome {
        var out = RuleTimings()
        evaluate(r, asAt: asAt, into: &out)
        let facts = CaseFacts(caseID: r.caseID, line: r.line, sequence: sequence, dimensions: r.cohort.values(on: ageReference(r)),
                              team: r.cohort.team, caseworker: r.cohort.caseworker)
        return RuleOutcome(results: out.timings.map { CaseResult($0, facts) }, warnings: out.warnings)
    }

    /// The day a request's age band is reckoned on, for every measure: the request date.
    package static func ageReference(_ r: RequestRecord) -> Day { r.requestDate }

    /// The same, as timings into `out` (emptied first).
    package static func evaluate(_ r: RequestRecord, asAt: Day, into out: inout RuleTimings) {
        out.removeAll()
        let withdrawn = r.withdrawnDate != nil

        // 6 weeks: every request, except a withdrawn one that never got a decision (reg 5(1)).
        if !(withdrawn && r.assessmentDecisionDate == nil) {
            add(.decisionToAssess6w, r, completed: r.assessmentDecisionDate,
                reading: r.decisionException, asAt: asAt, to: &out)
        }
        // Withdrawn requests leave the 16- and 20-week measures.
        guard !withdrawn else { return }
        if r.planDecision == .noPlan {
            add(.noPlanDecision16w, r, completed: r.planDecisionDate,
                reading: r.exception, asAt: asAt, to: &out)
        } else if r.assessmentDecision != .refuse {
            add(.finalPlan20w, r, completed: r.finalPlanDate,
                reading: r.exception, asAt: asAt, to: &out)
        }
    }

    private static func add(_ measure: MeasureID, _ r: RequestRecord, completed: Day?,
                            reading: ExceptionReading, asAt: Day, to out: inout RuleTimings) {
        let due = measure.definition.dueDate.due(from: r.requestDate)
        let (exception, warning) = StatutoryExceptions.applied(reading, due: due)
        if let warning { out.warnings.append(RuleWarning(line: r.line, field: measure.definition.exceptionColumn ?? "", value: "covid_2020", message: "\(measure.rawValue): " + warning)) }
        out.timings.append(CaseTiming(measure: measure, start: r.requestDate, due: due, completed: completed,
                                      exception: exception, asAt: asAt))
    }
}
