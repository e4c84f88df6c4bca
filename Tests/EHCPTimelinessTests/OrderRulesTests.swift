import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPTimeliness
@testable import EHCPOutputs

/// Tribunal orders (reg 44) and unopposed appeals (reg 45), and re-assessments (regs 25
/// and 27), worked by hand from the regulations' text at every boundary: "within N weeks
/// of the order" ends on order + 7N days, the day of the order not counted.
@Suite struct OrderRulesTests {
    static let cohort = Cohort(values: [], ageBandSlots: [])
    static let asAt = Day(iso: "2026-06-30")!
    static func day(_ iso: String) -> Day { Day(iso: iso)! }

    /// (measure, due, completed, status, exception) of each result, in table order.
    static func rows(_ o: OrderRecord, asAt: Day = asAt) -> [String] {
        OrderRules.evaluate(o, sequence: 0, asAt: asAt).results.map {
            "\($0.measure) \($0.due.iso) \($0.completed?.iso ?? "-") \($0.status.rawValue)\($0.exception.map { " " + $0.rawValue } ?? "")"
        }
    }

    static func rows(_ r: ReassessmentRecord, asAt: Day = asAt, closures: SchoolClosures? = nil) -> [String] {
        ReassessmentRules.evaluate(r, sequence: 0, asAt: asAt, closures: closures).results.map {
            "\($0.measure) \($0.due.iso) \($0.completed?.iso ?? "-") \($0.status.rawValue)\($0.exception.map { " " + $0.rawValue } ?? "")"
        }
    }

    // MARK: - Orders to assess (reg 44(2)(b))

    @Test func anOrderToAssessThatEndsInNoPlanIsTimedToTheNoticeAndTheNoPlanNotice() {
        // Order Monday 6 January 2025. 2 weeks: 20 January; 10 weeks: 17 March.
        let o = OrderRecord(caseID: "O1", line: 2, orderDate: Self.day("2025-01-06"), type: .assess,
                            noticeDate: Self.day("2025-01-20"), noPlanDate: Self.day("2025-03-18"), cohort: Self.cohort)
        #expect(Self.rows(o) == ["tribunal-assess-notice-2w 2025-01-20 2025-01-20 on_time",
                                 "tribunal-no-plan-10w 2025-03-17 2025-03-18 late"])
    }

    @Test func anOrderToAssessThatEndsInAPlanIsTimedToTheNoticeAndTheFinalPlan() {
        // 2 weeks: 20 January (notice on the 21st: late); 14 weeks: 14 April (plan that day: on time).
        let o = OrderRecord(caseID: "O2", line: 2, orderDate: Self.day("2025-01-06"), type: .assess,
                            noticeDate: Self.day("2025-01-21"), finalPlanDate: Self.day("2025-04-14"), cohort: Self.cohort)
        #expect(Self.rows(o) == ["tribunal-assess-notice-2w 2025-01-20 2025-01-21 late",
                                 "tribunal-final-plan-14w 2025-04-14 2025-04-14 on_time"])
    }

    @Test func anOrderToAssessWithNoOutcomeYetIsOpenOnTheFinalPlanOnly() {
        let o = OrderRecord(caseID: "O3", line: 2, orderDate: Self.day("2026-05-01"), type: .assess, cohort: Self.cohort)
        #expect(Self.rows(o) == ["tribunal-assess-notice-2w 2026-05-15 - open_overdue",
                                 "tribunal-final-plan-14w 2026-08-07 - open_in_time"])
    }

    // MARK: - Orders to make a plan, to amend, to maintain

    @Test func anOrderToMakeAPlanHasADraftAt5WeeksAndAFinalPlanAt11() {
        // Order 6 January 2025: 5 weeks 10 February, 11 weeks 24 March.
        let onTime = OrderRecord(caseID: "O4", line: 2, orderDate: Self.day("2025-01-06"), type: .makePlan,
                                 draftPlanDate: Self.day("2025-02-10"), finalPlanDate: Self.day("2025-03-24"), cohort: Self.cohort)
        #expect(Self.rows(onTime) == ["tribunal-draft-plan-5w 2025-02-10 2025-02-10 on_time",
                                      "tribunal-final-plan-11w 2025-03-24 2025-03-24 on_time"])
        var late = onTime
        late.draftPlanDate = Self.day("2025-02-11"); late.finalPlanDate = Self.day("2025-03-25")
        #expect(Self.rows(late) == ["tribunal-draft-plan-5w 2025-02-10 2025-02-11 late",
                                    "tribunal-final-plan-11w 2025-03-24 2025-03-25 late"])
    }

    @Test func anOrderToAmendTheProvisionHas5WeeksAndOneToAmendThePlacement2() {
        let provision = OrderRecord(caseID: "O5", line: 2, orderDate: Self.day("2025-01-06"), type: .amendProvision,
                                    amendedPlanDate: Self.day("2025-02-11"), cohort: Self.cohort)
        #expect(Self.rows(provision) == ["tribunal-amended-plan-5w 2025-02-10 2025-02-11 late"])
        let placement = OrderRecord(caseID: "O6", line: 2, orderDate: Self.day("2025-01-06"), type: .amendPlacement,
                                    amendedPlanDate: Self.day("2025-01-20"), cohort: Self.cohort)
        #expect(Self.rows(placement) == ["tribunal-placement-2w 2025-01-20 2025-01-20 on_time"])
    }

    @Test func anOrderDated31JanuaryIsDue14February() {
        // "Within 2 weeks of the order": 31 January + 14 days = 14 February.
        let o = OrderRecord(caseID: "O7", line: 2, orderDate: Self.day("2025-01-31"), type: .amendPlacement,
                            amendedPlanDate: Self.day("2025-02-14"), cohort: Self.cohort)
        #expect(Self.rows(o) == ["tribunal-placement-2w 2025-02-14 2025-02-14 on_time"])
        var late = o
        late.amendedPlanDate = Self.day("2025-02-15")
        #expect(Self.rows(late) == ["tribunal-placement-2w 2025-02-14 2025-02-15 late"])
    }

    @Test func anOrderToMaintainHasNoClock() {
        let o = OrderRecord(caseID: "O8", line: 2, orderDate: Self.day("2025-01-06"), type: .maintain, cohort: Self.cohort)
        #expect(Self.rows(o).isEmpty)
    }

    @Test func anUnopposedAppealRunsFromTheDayTheAuthorityToldTheTribunal() {
        // Reg 45(3), (3A)(b): 2 and 14 weeks "of the date it notified the First-tier Tribunal".
        let o = OrderRecord(caseID: "O9", line: 2, orderDate: Self.day("2025-03-03"), type: .assess, source: .unopposed,
                            noticeDate: Self.day("2025-03-17"), finalPlanDate: Self.day("2025-06-10"), cohort: Self.cohort)
        #expect(Self.rows(o) == ["tribunal-assess-notice-2w 2025-03-17 2025-03-17 on_time",
                                 "tribunal-final-plan-14w 2025-06-09 2025-06-10 late"])
    }

    // MARK: - Reg 44(3)

    @Test func theGroundsOfReg44_3ApplyAndOthersAreWarnings() {
        var o = OrderRecord(caseID: "O10", line: 5, orderDate: Self.day("2025-01-06"), type: .amendProvision,
                            amendedPlanDate: Self.day("2025-03-01"), exception: .code(.lateRepresentations), cohort: Self.cohort)
        #expect(Self.rows(o) == ["tribunal-amended-plan-5w 2025-02-10 2025-03-01 late late_representations"])
        for ground in [ExceptionCode.personalCircumstances, .absentFromArea] {
            o.exception = .code(ground)
            #expect(Self.rows(o) == ["tribunal-amended-plan-5w 2025-02-10 2025-03-01 late \(ground.rawValue)"])
        }
        o.exception = .code(.schoolClosure)
        let outcome = OrderRules.evaluate(o, sequence: 0, asAt: Self.asAt)
        #expect(outcome.results.map(\.exception) == [nil])
        #expect(outcome.warnings.map(\.message) == [
            "tribunal-amended-plan-5w: school_closure is not a ground that reg 44(3) gives for this limit (accepted: "
                + "personal_circumstances, absent_from_area, late_representations, covid_2020); the case is counted without an exception"])
        #expect(outcome.warnings.map(\.line) == [5])
    }

    @Test func lateRepresentationsIsReg44_3sAloneAndTheOtherExtractsDoNotListIt() {
        #expect(!ExceptionGrounds.finalPlan.accepted.contains(.lateRepresentations))
        #expect(!ExceptionGrounds.reassessmentFinalPlan.accepted.contains(.lateRepresentations))
        #expect(!ExceptionCode.general.contains(.lateRepresentations))
        #expect(!StatutoryExceptions.notApplied("staff", key: "staff").contains("late_representations"))
        #expect(MeasureReport.reportedGrounds(.finalPlan) == ExceptionCode.general)
        #expect(MeasureReport.reportedGrounds(.tribunalOrder) == ExceptionCode.general + [.lateRepresentations])
        for id in MeasureID.allCases {
            let def = id.definition
            if case .orders = def.evaluation { #expect(def.grounds == .tribunalOrder, "\(id)") }
        }
    }

    // MARK: - Re-assessments (regs 25 and 27)

    @Test func aReassessmentDecidedOnDay15IsOnTimeAndOnDay16Late() {
        let request = Self.day("2025-01-06")
        let onTime = ReassessmentRecord(caseID: "A1", line: 2, requestDate: request, decisionDate: request + 15, decision: .refuse,
                                        cohort: Self.cohort)
        #expect(Self.rows(onTime) == ["reassessment-decision-15d 2025-01-21 2025-01-21 on_time"])
        var late = onTime
        late.decisionDate = request + 16
        #expect(Self.rows(late) == ["reassessment-decision-15d 2025-01-21 2025-01-22 late"])
    }

    @Test func aDecisionToReassessStartsThe14WeekClock() {
        // Request 6 January, decision 20 January; 14 weeks of the decision: 28 April.
        let r = ReassessmentRecord(caseID: "A2", line: 2, requestDate: Self.day("2025-01-06"), decisionDate: Self.day("2025-01-20"),
                                   decision: .reassess, finalPlanDate: Self.day("2025-04-28"), cohort: Self.cohort)
        #expect(Self.rows(r) == ["reassessment-decision-15d 2025-01-21 2025-01-20 on_time",
                                 "reassessment-final-plan-14w 2025-04-28 2025-04-28 on_time"])
        var late = r
        late.finalPlanDate = Self.day("2025-04-29")
        #expect(Self.rows(late).last == "reassessment-final-plan-14w 2025-04-28 2025-04-29 late")
    }

    @Test func anUndecidedRequestIsOpenAndADecisionToReassessWithoutADateIsAWarning() {
        let open = ReassessmentRecord(caseID: "A3", line: 2, requestDate: Self.day("2026-06-20"), cohort: Self.cohort)
        #expect(Self.rows(open) == ["reassessment-decision-15d 2026-07-05 - open_in_time"])
        let undated = ReassessmentRecord(caseID: "A4", line: 7, requestDate: Self.day("2025-01-06"), decision: .reassess,
                                         cohort: Self.cohort)
        let outcome = ReassessmentRules.evaluate(undated, sequence: 0, asAt: Self.asAt)
        #expect(outcome.results.map(\.measure) == [.reassessmentDecision15d])
        #expect(outcome.warnings.map(\.field) == ["decision_date"])
        #expect(outcome.warnings.first?.message.hasPrefix("reassessment-final-plan-14w: the decision is reassess but decision_date is blank") == true)
    }

    @Test func theFinalPlanAfterAReassessmentTakesReg27_3sGroundsAndTheDecisionNone() {
        var r = ReassessmentRecord(caseID: "A5", line: 2, requestDate: Self.day("2025-01-06"), decisionDate: Self.day("2025-01-25"),
                                   decision: .reassess, finalPlanDate: Self.day("2025-06-01"), exception: .code(.personalCircumstances),
                                   cohort: Self.cohort)
        #expect(Self.rows(r) == ["reassessment-decision-15d 2025-01-21 2025-01-25 late",
                                 "reassessment-final-plan-14w 2025-05-03 2025-06-01 late personal_circumstances"])
        let decisionWarning = ReassessmentRules.evaluate(r, sequence: 0, asAt: Self.asAt).warnings.map(\.message)
        #expect(decisionWarning == ["reassessment-decision-15d: exception personal_circumstances not applied: this measure accepts no statutory exception; the case is counted without an exception"])
        r.exception = .code(.lateRepresentations)
        #expect(Self.rows(r).last == "reassessment-final-plan-14w 2025-05-03 2025-06-01 late")
    }

    @Test func anUnusableDecisionCostsOnlyTheFinalPlanMeasure() {
        var r = ReassessmentRecord(caseID: "A6", line: 2, requestDate: Self.day("2025-01-06"), decisionDate: Self.day("2025-01-10"),
                                   finalPlanDate: Self.day("2025-03-01"), cohort: Self.cohort)
        r.unusable = ["decision"]
        let outcome = ReassessmentRules.evaluate(r, sequence: 0, asAt: Self.asAt)
        #expect(outcome.results.map(\.measure) == [.reassessmentDecision15d])
        var out = RuleTimings()
        ReassessmentRules.evaluate(r, rules: RuleSettings(asAt: Self.asAt), into: &out)
        #expect(out.unmeasured == [Unmeasured(measure: .reassessmentFinalPlan14w, fields: ["decision"])])
    }

    @Test func anUnusableNoPlanDateLeavesBothOutcomesOfAnOrderToAssessUnmeasured() {
        var o = OrderRecord(caseID: "O11", line: 2, orderDate: Self.day("2025-01-06"), type: .assess,
                            noticeDate: Self.day("2025-01-10"), cohort: Self.cohort)
        o.unusable = ["no_plan_date"]
        var out = RuleTimings()
        OrderRules.evaluate(o, rules: RuleSettings(asAt: Self.asAt), into: &out)
        #expect(out.timings.map(\.measure) == [.tribunalAssessNotice2w])
        #expect(out.unmeasured.map(\.measure) == [.tribunalNoPlan10w, .tribunalFinalPlan14w])
    }
}
