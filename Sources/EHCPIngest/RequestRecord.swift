import EHCPRules
import EHCPStore

extension RowReader {
    /// Maps a requests row; nil when the row is rejected (its problems say why).
    package mutating func requestRecord(cohortColumns: CohortColumns) -> RequestRecord? {
        var record = RequestRecord.blank
        return readRequest(cohortColumns: cohortColumns, into: &record) ? record : nil
    }

    /// Maps a requests row into `record`, reused from row to row so that its cohort keeps
    /// its storage (a record returned by value was copied and destroyed once per row);
    /// false when the row is rejected (its problems say why; `record` is then undefined).
    package mutating func readRequest(cohortColumns: CohortColumns, into record: inout RequestRecord) -> Bool {
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
        var schoolAdvice = date(.schoolAdviceDate)
        let reason = exception(.exceptionReason)
        let decisionReason = exception(.decisionExceptionReason)

        requireOrder(request, .requestDate, &decisionDate, .assessmentDecisionDate)
        requireOrder(request, .requestDate, &planDecisionDate, .planDecisionDate)
        requireOrder(request, .requestDate, &draft, .draftPlanDate)
        requireOrder(request, .requestDate, &final, .finalPlanDate)
        requireOrder(request, .requestDate, &withdrawn, .withdrawnDate)
        requireOrder(request, .requestDate, &schoolAdvice, .schoolAdviceDate)
        warnOrder(draft, .draftPlanDate, final, .finalPlanDate)
        warnOrder(decisionDate, .assessmentDecisionDate, final, .finalPlanDate)
        if let w = withdrawn, let p = planDecisionDate, p > w {
            warning(.planDecisionDate, p.iso, "plan_decision_date \(p.iso) is after withdrawn_date \(w.iso); the row is kept, but check the dates")
        }
        // Dates no measure times: the rules say which.
        RequestRules.unmeasuredDates(assessmentDecision: decision, planDecision: planDecision, finalPlanDate: final) {
            warning($0, $1, $2)
        }
        cohort(cohortColumns, into: &record.cohort)
        guard let request, !hasErrors else { return false }
        record.caseID = caseID; record.line = row.line; record.requestDate = request
        record.assessmentDecisionDate = decisionDate; record.assessmentDecision = decision
        record.planDecisionDate = planDecisionDate; record.planDecision = planDecision
        record.draftPlanDate = draft; record.finalPlanDate = final; record.withdrawnDate = withdrawn
        record.schoolAdviceDate = schoolAdvice
        record.exception = reason; record.decisionException = decisionReason
        record.unusable = unusable.isEmpty ? [] : unusableFields
        return true
    }
}
