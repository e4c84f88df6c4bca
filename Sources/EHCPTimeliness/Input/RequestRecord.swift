/// One request for an EHC needs assessment, as read from a requests extract.
public struct RequestRecord: Sendable, Equatable {
    public var caseID: String
    public var line: Int
    public var requestDate: Day
    public var assessmentDecisionDate: Day?
    public var assessmentDecision: AssessmentDecision?
    public var planDecisionDate: Day?
    public var planDecision: PlanDecision?
    public var draftPlanDate: Day?
    public var finalPlanDate: Day?
    public var withdrawnDate: Day?
    /// Applies to the 16- and 20-week measures.
    public var exception: ExceptionReading
    /// Applies to the 6-week measure.
    public var decisionException: ExceptionReading
    public var cohort: Cohort
}

extension RowReader {
    /// Maps a requests row; nil when the row is rejected (its problems say why).
    mutating func requestRecord(cohortColumns: CohortColumns) -> RequestRecord? {
        checkShape()
        readCaseID()
        let request = date("request_date", required: true)
        let decisionDate = date("assessment_decision_date")
        let decision = code("assessment_decision", as: AssessmentDecision.self)
        let planDecisionDate = date("plan_decision_date")
        let planDecision = code("plan_decision", as: PlanDecision.self)
        let draft = date("draft_plan_date")
        let final = date("final_plan_date")
        let withdrawn = date("withdrawn_date")
        let reason = exception("exception_reason")
        let decisionReason = exception("decision_exception_reason")

        for (day, field) in [(decisionDate, "assessment_decision_date"), (planDecisionDate, "plan_decision_date"),
                             (draft, "draft_plan_date"), (final, "final_plan_date"), (withdrawn, "withdrawn_date")] {
            requireOrder(request, "request_date", day, field)
        }
        warnOrder(draft, "draft_plan_date", final, "final_plan_date")
        warnOrder(decisionDate, "assessment_decision_date", final, "final_plan_date")
        if let w = withdrawn, let p = planDecisionDate, p > w {
            warning("plan_decision_date", p.iso, "plan_decision_date \(p.iso) is after withdrawn_date \(w.iso); the row is kept, but check the dates")
        }
        if decision == .refuse, let f = final {
            warning("final_plan_date", f.iso, "the request was refused at the assessment decision but has a final plan date; it is not counted in final-plan-20w")
        }
        if planDecision == .noPlan, let f = final {
            warning("final_plan_date", f.iso, "the plan decision is no_plan but the request has a final plan date; it is counted in no-plan-decision-16w only")
        }
        let cohort = cohort(cohortColumns)
        guard let request, !hasErrors else { return nil }
        return RequestRecord(caseID: caseID, line: row.line, requestDate: request, assessmentDecisionDate: decisionDate,
                             assessmentDecision: decision, planDecisionDate: planDecisionDate, planDecision: planDecision,
                             draftPlanDate: draft, finalPlanDate: final, withdrawnDate: withdrawn,
                             exception: reason, decisionException: decisionReason, cohort: cohort)
    }
}
