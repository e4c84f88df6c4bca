import EHCPRules
import EHCPStore

extension RowReader {
    /// Maps a reassessments row; nil when the row is rejected. As for requests, an
    /// unusable optional field (an unreadable date, one after the as-at date or before the
    /// request date, an unknown decision) is read as blank and costs the case only the
    /// measures that need it.
    package mutating func reassessmentRecord(cohortColumns: CohortColumns) -> ReassessmentRecord? {
        blanksUnusableFields = true
        checkShape()
        readCaseID()
        let request = date(.requestDate, required: true)
        var decisionDate = date(.decisionDate)
        let decision = code(.decision, as: ReassessmentDecision.self)
        var final = date(.finalPlanDate)
        let reason = exception(.exceptionReason, accepted: ExceptionGrounds.reassessmentFinalPlan.accepted)
        requireOrder(request, .requestDate, &decisionDate, .decisionDate)
        requireOrder(request, .requestDate, &final, .finalPlanDate)
        warnOrder(decisionDate, .decisionDate, final, .finalPlanDate)
        if decision == .refuse, let final {
            warning(.finalPlanDate, final.iso, "final_plan_date is given but the decision is refuse; no re-assessment measure times it")
        }
        let cohort = cohort(cohortColumns)
        guard let request, !hasErrors else { return nil }
        var record = ReassessmentRecord(caseID: caseID, line: row.line, requestDate: request, decisionDate: decisionDate,
                                        decision: decision, finalPlanDate: final, exception: reason, cohort: cohort)
        if !unusable.isEmpty { record.unusable = unusableFields }
        return record
    }

    /// Maps an orders row; nil when the row is rejected (a blank or unknown `order_type`,
    /// or an unusable `order_date`). An unusable optional date (unreadable, after the as-at
    /// date, before the order date) is read as blank and costs the measures that need it.
    package mutating func orderRecord(cohortColumns: CohortColumns) -> OrderRecord? {
        blanksUnusableFields = true
        checkShape()
        readCaseID()
        let orderDate = date(.orderDate, required: true)
        let type = code(.orderType, as: OrderType.self, required: true)
        if type == nil, text(.orderType).isEmpty {
            error(.orderType, "", "order_type is blank; it is required (one of \(CodeLists.display(forField: "order_type")))")
        }
        let source = code(.orderSource, as: OrderSource.self)
        var dates: [Day?] = [date(.noticeDate), date(.noPlanDate), date(.draftPlanDate), date(.finalPlanDate), date(.amendedPlanDate)]
        let fields: [Field] = [.noticeDate, .noPlanDate, .draftPlanDate, .finalPlanDate, .amendedPlanDate]
        for i in dates.indices { requireOrder(orderDate, .orderDate, &dates[i], fields[i]) }
        let reason = exception(.exceptionReason, accepted: ExceptionGrounds.tribunalOrder.accepted)
        if let type {
            // Dates the order's type does not time: kept, and said.
            let timed: Set<Field> = switch type {
            case .assess: [.noticeDate, .noPlanDate, .finalPlanDate, .draftPlanDate]
            case .makePlan: [.draftPlanDate, .finalPlanDate]
            case .amendProvision, .amendPlacement: [.amendedPlanDate]
            case .maintain: []
            }
            for (i, f) in fields.enumerated() where !timed.contains(f) {
                guard let d = dates[i] else { continue }
                warning(f, d.iso, type == .maintain
                        ? "an order to maintain the plan acts at once and has no clock; \(f.name) is not timed"
                        : "\(f.name) is not timed for an order of type \(type.rawValue)")
            }
            if type == .assess, let noPlan = dates[1], let final = dates[3] {
                warning(.finalPlanDate, final.iso, "the order to assess has both a no_plan_date (\(noPlan.iso)) and a final_plan_date; "
                            + "it is timed as ending in no plan (\(MeasureID.tribunalNoPlan10w.rawValue)), check the dates")
            }
        }
        let cohort = cohort(cohortColumns)
        guard let orderDate, let type, !hasErrors else { return nil }
        var record = OrderRecord(caseID: caseID, line: row.line, orderDate: orderDate, type: type, source: source ?? .tribunal,
                                 noticeDate: dates[0], noPlanDate: dates[1], draftPlanDate: dates[2], finalPlanDate: dates[3],
                                 amendedPlanDate: dates[4], exception: reason, cohort: cohort)
        if !unusable.isEmpty { record.unusable = unusableFields }
        return record
    }
}
