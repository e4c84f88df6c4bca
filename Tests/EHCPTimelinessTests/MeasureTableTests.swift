import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPTimeliness
@testable import EHCPOutputs

/// The measure table is the one place a limit is written: these tests take every
/// boundary from it (the last on-time day and the first late day of each measure), and
/// check that the README's measure table and the report's prose are made from it.
@Suite struct MeasureTableTests {
    static let start = Day(iso: "2025-01-06")!  // a Monday
    static let asAt = Day(iso: "2030-06-30")!
    static let cohort = Cohort(values: [], ageBandSlots: [])

    /// The status the rules give a case of `measure` whose clock starts on `start` and
    /// stops `offset` days after the table's last on-time day (0: on it; 1: the day after).
    static func status(_ measure: MeasureID, completedAtDueDatePlus offset: Int) -> CaseStatus? {
        let def = measure.definition
        func results(_ outcome: RuleOutcome) -> CaseStatus? { outcome.results.first { $0.measure == measure }?.status }
        switch def.dueDate {
        case .weeks, .days:
            let done = def.dueDate.due(from: start) + offset
            switch measure {
            case .decisionToAssess6w, .noPlanDecision16w, .finalPlan20w:
                let r = RequestRecord(
                    caseID: "R1", line: 2, requestDate: start,
                    assessmentDecisionDate: measure == .decisionToAssess6w ? done : start + 1, assessmentDecision: .assess,
                    planDecisionDate: measure == .noPlanDecision16w ? done : nil,
                    planDecision: measure == .noPlanDecision16w ? .noPlan : nil,
                    finalPlanDate: measure == .finalPlan20w ? done : nil,
                    exception: .none, decisionException: .none, cohort: cohort)
                return results(RequestRules.evaluate(r, sequence: 0, asAt: asAt))
            case .reviewDecision4w, .amendmentNotice4w, .amendedPlan8w:
                // The meeting (or, for the amended plan, the notice) is `start`.
                let row = ReviewRow(
                    caseID: "P1", line: 2, planDate: start - 300, meetingDate: start - (measure == .amendedPlan8w ? 1 : 0),
                    decisionDate: measure == .reviewDecision4w ? done : start, decision: .amend,
                    amendmentNoticeDate: measure == .amendmentNotice4w ? done : start,
                    amendedPlanDate: measure == .amendedPlan8w ? done : nil, cohort: cohort)
                var sequence = 0
                return results(ReviewRules.evaluate(ReviewPlan(caseID: "P1", rows: [row]), clock: .decision, asAt: asAt,
                                                    sequence: &sequence))
            case .transferInNotice6w:
                // The transfer in is `start`.
                let row = ReviewRow(caseID: "P1", line: 2, planDate: start - 300, transferInDate: start,
                                    transferInNoticeDate: done, cohort: cohort)
                var sequence = 0
                return results(ReviewRules.evaluate(ReviewPlan(caseID: "P1", rows: [row]), clock: .decision, asAt: asAt,
                                                    sequence: &sequence))
            case .reassessmentDecision15d, .reassessmentFinalPlan14w:
                // The request (or, for the final plan, the decision to re-assess) is `start`.
                let decided = measure == .reassessmentFinalPlan14w
                let r = ReassessmentRecord(caseID: "A1", line: 2, requestDate: decided ? start - 10 : start,
                                           decisionDate: decided ? start : done, decision: .reassess,
                                           finalPlanDate: decided ? done : nil, cohort: cohort)
                return results(ReassessmentRules.evaluate(r, sequence: 0, asAt: asAt))
            case .tribunalAssessNotice2w, .tribunalNoPlan10w, .tribunalFinalPlan14w:
                let o = OrderRecord(caseID: "O1", line: 2, orderDate: start, type: .assess,
                                    noticeDate: measure == .tribunalAssessNotice2w ? done : start + 1,
                                    noPlanDate: measure == .tribunalNoPlan10w ? done : nil,
                                    finalPlanDate: measure == .tribunalFinalPlan14w ? done : nil, cohort: cohort)
                return results(OrderRules.evaluate(o, sequence: 0, asAt: asAt))
            case .tribunalDraftPlan5w, .tribunalFinalPlan11w:
                let o = OrderRecord(caseID: "O1", line: 2, orderDate: start, type: .makePlan,
                                    draftPlanDate: measure == .tribunalDraftPlan5w ? done : start + 1,
                                    finalPlanDate: measure == .tribunalFinalPlan11w ? done : nil, cohort: cohort)
                return results(OrderRules.evaluate(o, sequence: 0, asAt: asAt))
            case .tribunalAmendedPlan5w, .tribunalPlacement2w:
                let o = OrderRecord(caseID: "O1", line: 2, orderDate: start,
                                    type: measure == .tribunalAmendedPlan5w ? .amendProvision : .amendPlacement,
                                    amendedPlanDate: done, cohort: cohort)
                return results(OrderRules.evaluate(o, sequence: 0, asAt: asAt))
            default:
                return nil
            }
        case .twelveMonthPeriod:
            let done = def.dueDate.due(from: start) + offset
            let row = ReviewRow(caseID: "P1", line: 2, planDate: start, meetingDate: done, decisionDate: done,
                                decision: .maintain, cohort: cohort)
            var sequence = 0
            return results(ReviewRules.evaluate(ReviewPlan(caseID: "P1", rows: [row]), clock: .decision, asAt: asAt,
                                                sequence: &sequence))
        case .phaseTransfer:
            let move = Day(iso: "2026-09-01")!
            let due = TransferRules.due(.primaryToSecondary, transferDate: move, reading: .literal)
            let t = TransferRecord(caseID: "T1", line: 2, type: .primaryToSecondary, transferDate: move,
                                   amendedPlanDate: due + offset, cohort: cohort)
            return results(TransferRules.evaluate(t, reading: .literal, sequence: 0, asAt: asAt))
        }
    }

    @Test(arguments: MeasureID.allCases)
    func theLastOnTimeDayOfTheTableIsOnTimeAndTheNextDayIsLate(measure: MeasureID) {
        #expect(Self.status(measure, completedAtDueDatePlus: 0) == .onTime)
        #expect(Self.status(measure, completedAtDueDatePlus: 1) == .late)
    }

    @Test func aLimitInWeeksIsSevenDaysAWeekAndTheStartIsNotCounted() {
        for def in MeasureTable.all {
            guard case .weeks(let n) = def.dueDate else { continue }
            #expect(def.dueDate.days == 7 * n)
            #expect(def.dueDate.due(from: Self.start) - Self.start == 7 * n)
            #expect(def.title.contains("within \(n) weeks"), "\(def.title)")
            #expect(def.rule.contains("+ \(7 * n) days"), "\(def.rule)")
        }
    }

    @Test func theTableHoldsEveryMeasureOnceInOutputOrder() {
        #expect(MeasureTable.all.map(\.id) == MeasureID.allCases)
        #expect(MeasureTable.all.map(\.id.order) == Array(0..<MeasureID.allCases.count))
    }

    @Test func theSchoolTransferDeadlineIsTheDayBeforeTheTablesDate() throws {
        guard case .phaseTransfer(let d) = MeasureID.phaseTransfer.definition.dueDate else {
            Issue.record("phase-transfer has no transfer deadline"); return
        }
        let move = try #require(Day(iso: "2026-09-01"))
        let before = try #require(Day(year: 2026, month: d.schoolMonth, day: d.schoolDay))
        #expect(TransferRules.due(.primaryToSecondary, transferDate: move, reading: .literal) == before - 1)
        #expect(TransferRules.due(.primaryToSecondary, transferDate: move, reading: .inclusive) == before)
        #expect(TransferRules.due(.post16ToPost16, transferDate: move, reading: .literal) == move.addingMonths(-d.post16MoveMonths))
    }

    /// The README's table, as the measure table renders it.
    static var readmeTable: String {
        var lines = ["| measure | applies to | due | completed by | citation |", "|---|---|---|---|---|"]
        for def in MeasureTable.all {
            lines.append("| `\(def.id.rawValue)` | \(def.appliesTo) | \(def.dueText) | \(def.completedBy) | \(def.citation) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func theReadmeMeasureTableIsTheMeasureTable() throws {
        let readme = try String(contentsOfFile: Repo.root + "/README.md", encoding: .utf8)
        #expect(readme.contains(Self.readmeTable), "README.md should hold this table:\n\(Self.readmeTable)")
    }

    @Test func theReportsDayCountingSentenceNamesTheFinalPlanLimit() throws {
        let days = try #require(MeasureID.finalPlan20w.definition.dueDate.days)
        #expect(IssueBands.within20WeeksDays == days)
        let rows = ReportModel.issueBandRows(IssueBands(suppressed: false))
        #expect(rows[0].days == "up to \(days)")
        #expect(rows[1].days == "\(days + 1) to 364")
    }
}
