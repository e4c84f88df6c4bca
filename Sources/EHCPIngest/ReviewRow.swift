import EHCPRules
import EHCPStore

extension RowReader {
    /// Maps a reviews row; nil when the row is rejected. Checks that need the whole plan
    /// (a meeting before the plan date, conflicting plan dates) happen in `ReviewPlans`.
    package mutating func reviewRow(cohortColumns: CohortColumns) -> ReviewRow? {
        checkShape()
        readCaseID()
        // The plan and meeting dates carry the chain of reviews: unusable, they reject the
        // row. Any other field unusable costs only the measures that need it.
        blanksUnusableFields = true
        let planDate = date(.planDate, rejectsRow: true)
        var meeting = date(.reviewMeetingDate, rejectsRow: true)
        var decisionDate = date(.reviewDecisionDate)
        let decision = code(.reviewDecision, as: ReviewDecision.self)
        let notice = date(.amendmentNoticeDate)
        var amended = date(.amendedPlanDate)
        var noAmendment = date(.noAmendmentDate)
        let ceased = date(.ceasedDate)
        // The transfer in decides which of the plan's reviews are this authority's, as the
        // meeting dates do which cycle each completes: unusable, it rejects the row.
        let transferIn = date(.transferInDate, rejectsRow: true)
        var transferNotice = date(.transferInNoticeDate)
        let reason = exception(.exceptionReason, accepted: ExceptionGrounds.covid2020.accepted)

        requireOrder(planDate, .planDate, &meeting, .reviewMeetingDate, rejectsRow: true)
        requireOrder(meeting, .reviewMeetingDate, &decisionDate, .reviewDecisionDate)
        requireOrder(notice, .amendmentNoticeDate, &amended, .amendedPlanDate)
        requireOrder(notice, .amendmentNoticeDate, &noAmendment, .noAmendmentDate)
        var transferInChecked = transferIn
        requireOrder(planDate, .planDate, &transferInChecked, .transferInDate, rejectsRow: true)
        requireOrder(transferIn, .transferInDate, &transferNotice, .transferInNoticeDate)
        if meeting == nil, let d = decisionDate {
            error(.reviewDecisionDate, d.iso, "review_decision_date is given but review_meeting_date is blank; a decision follows a meeting")
        }
        // Dates no measure times, or times otherwise than they seem: the rules say which.
        ReviewRules.unmeasuredDates(decision: decision, decisionDateBlank: withBytes(.reviewDecisionDate) { $0.isEmpty },
                                    decisionText: text(.reviewDecision), amendmentNoticeDate: notice, amendedPlanDate: amended,
                                    noAmendmentDate: noAmendment) {
            warning($0, $1, $2)
        }
        warnOrder(meeting, .reviewMeetingDate, notice, .amendmentNoticeDate)
        let cohort = cohort(cohortColumns)
        guard !hasErrors else { return nil }
        var record = ReviewRow(caseID: caseID, line: row.line, planDate: planDate, meetingDate: meeting,
                               decisionDate: decisionDate, decision: decision,
                               amendmentNoticeDate: notice, amendedPlanDate: amended, noAmendmentDate: noAmendment,
                               ceasedDate: ceased, transferInDate: transferIn, transferInNoticeDate: transferNotice,
                               exception: reason.code.map(ExceptionReading.code) ?? .none, cohort: cohort)
        if !unusable.isEmpty {
            record.unusable = unusableFields
            noteUnusableInReview()
        }
        return record
    }

    /// Maps a transfers row; nil when the row is rejected.
    package mutating func transferRecord(cohortColumns: CohortColumns) -> TransferRecord? {
        blanksUnusableFields = true
        checkShape()
        readCaseID()
        let type = code(.transferType, as: TransferType.self, required: true)
        if type == nil, text(.transferType).isEmpty {
            error(.transferType, "", "transfer_type is blank; it is required (one of \(CodeLists.display(forField: "transfer_type")))")
        }
        let transfer = date(.transferDate, required: true, isEvent: false)
        let amended = date(.amendedPlanDate)
        let reason = exception(.exceptionReason, accepted: ExceptionGrounds.covid2020.accepted)
        let cohort = cohort(cohortColumns)
        guard let type, let transfer, !hasErrors else { return nil }
        var record = TransferRecord(caseID: caseID, line: row.line, type: type, transferDate: transfer,
                                    amendedPlanDate: amended, exception: reason, cohort: cohort)
        if !unusable.isEmpty { record.unusable = unusableFields }
        return record
    }
}
