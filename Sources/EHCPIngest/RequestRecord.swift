import EHCPRules
import EHCPStore

extension RowReader {
    /// Maps a requests row; nil when the row is rejected (its problems say why).
    package mutating func requestRecord(cohortColumns: CohortColumns) -> RequestRecord? {
        blanksUnusableFields = true
        checkShape()
        readCaseID()
        let request = date(.requestDate, required: true)
        var decisionDate = date(.assessmentDecisionDate)
        let decision = code(.assessmentDecision, as: AssessmentDecision.self)
        var planDecisionDate = date(.planDecisionDate)
        let planDecision = code(.planDecision, as: PlanDecision.self)
        var draft = date(.draftPlanDate)
        var final = date(.finalPlanDate)
        var withdrawn = date(.withdrawnDate)
        let reason = exception(.exceptionReason)
        let decisionReason = exception(.decisionExceptionReason)

        requireOrder(request, .requestDate, &decisionDate, .assessmentDecisionDate)
        requireOrder(request, .requestDate, &planDecisionDate, .planDecisionDate)
        requireOrder(request, .requestDate, &draft, .draftPlanDate)
        requireOrder(request, .requestDate, &final, .finalPlanDate)
        requireOrder(request, .requestDate, &withdrawn, .withdrawnDate)
        warnOrder(draft, .draftPlanDate, final, .finalPlanDate)
        warnOrder(decisionDate, .assessmentDecisionDate, final, .finalPlanDate)
        if let w = withdrawn, let p = planDecisionDate, p > w {
            warning(.planDecisionDate, p.iso, "plan_decision_date \(p.iso) is after withdrawn_date \(w.iso); the row is kept, but check the dates")
        }
        // Dates no measure times: the rules say which.
        RequestRules.unmeasuredDates(assessmentDecision: decision, planDecision: planDecision, finalPlanDate: final) {
            warning($0, $1, $2)
        }
        let cohort = cohort(cohortColumns)
        guard let request, !hasErrors else { return nil }
        return RequestRecord(caseID: caseID, line: row.line, requestDate: request, assessmentDecisionDate: decisionDate,
                             assessmentDecision: decision, planDecisionDate: planDecisionDate, planDecision: planDecision,
                             draftPlanDate: draft, finalPlanDate: final, withdrawnDate: withdrawn,
                             exception: reason, decisionException: decisionReason, cohort: cohort,
                             unusable: unusable.isEmpty ? [] : unusableFields)
    }
}
