import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

/// The annual review chain and post-review measures (statutory-timescales.md).
@Suite struct ReviewRulesTests {
    static func day(_ iso: String) -> Day { Day(iso: iso)! }

    static func row(_ line: Int, plan: String? = "2024-01-15", meeting: String? = nil, decisionDate: String? = nil,
                    decision: ReviewDecision? = nil, notice: String? = nil, amended: String? = nil, ceased: String? = nil) -> ReviewRow {
        ReviewRow(caseID: "P1", line: line, planDate: plan.map(day), meetingDate: meeting.map(day),
                  decisionDate: decisionDate.map(day), decision: decision, amendmentNoticeDate: notice.map(day),
                  amendedPlanDate: amended.map(day), ceasedDate: ceased.map(day),
                  cohort: Cohort(values: [], ageBandSlots: [], dateOfBirth: nil))
    }

    static func evaluate(_ rows: [ReviewRow], clock: ReviewClock = .decision, asAt: String = "2026-06-30") -> RuleOutcome {
        var sequence = 0
        return ReviewRules.evaluate(ReviewPlan(caseID: "P1", rows: rows), clock: clock, asAt: day(asAt), sequence: &sequence)
    }

    static func cycles(_ outcome: RuleOutcome) -> [CaseResult] { outcome.results.filter { $0.measure == .annualReview12m } }

    @Test(arguments: [("2019-01-01", "2019-12-31"), ("2024-03-31", "2025-03-30"), ("2024-02-29", "2025-02-28"), ("2023-02-28", "2024-02-27")])
    func firstReviewIsDueAtTheEndOfTwelveMonthsStartingWithThePlanDate(plan: String, due: String) {
        let c = Self.cycles(Self.evaluate([Self.row(2, plan: plan)], asAt: "2019-06-01"))
        #expect(c.count == 1)
        #expect(c.first?.due == Self.day(due))
        #expect(c.first?.status == .openInTime)
    }

    @Test func reviewOnTheDueDateIsOnTimeAndTheDayAfterIsLate() {
        // Plan 15 Jan 2024 → due 14 Jan 2025.
        let onTime = Self.cycles(Self.evaluate([Self.row(2, meeting: "2025-01-01", decisionDate: "2025-01-14", decision: .maintain)]))
        #expect(onTime.first?.status == .onTime)
        let late = Self.cycles(Self.evaluate([Self.row(2, meeting: "2025-01-01", decisionDate: "2025-01-15", decision: .maintain)]))
        #expect(late.first?.status == .late)
    }

    @Test func eachCycleStartsWithThePreviousCompletionAndOneCycleStaysOpen() {
        let c = Self.cycles(Self.evaluate([
            Self.row(3, meeting: "2025-12-01", decisionDate: "2025-12-20", decision: .maintain),
            Self.row(2, meeting: "2024-12-01", decisionDate: "2024-12-20", decision: .maintain),
        ]))
        #expect(c.map(\.start) == [Self.day("2024-01-15"), Self.day("2024-12-20"), Self.day("2025-12-20")])
        #expect(c.map(\.due) == [Self.day("2025-01-14"), Self.day("2025-12-19"), Self.day("2026-12-19")])
        #expect(c.map(\.status) == [.onTime, .late, .openInTime])
        #expect(c.map(\.line) == [2, 3, 3])
    }

    @Test func meetingClockCompletesAtTheMeeting() {
        let c = Self.cycles(Self.evaluate([Self.row(2, meeting: "2025-01-14", decisionDate: "2025-02-20", decision: .maintain)], clock: .meeting))
        #expect(c[0].completed == Self.day("2025-01-14"))
        #expect(c[0].status == .onTime)
        #expect(c[1].start == Self.day("2025-01-14"))
        let decisionClock = Self.cycles(Self.evaluate([Self.row(2, meeting: "2025-01-14", decisionDate: "2025-02-20", decision: .maintain)]))
        #expect(decisionClock[0].status == .late)
    }

    @Test func lastMeetingWithoutADecisionLeavesItsCycleOpenUnderTheDecisionClock() {
        let c = Self.cycles(Self.evaluate([Self.row(2, meeting: "2025-01-10")], asAt: "2025-02-01"))
        #expect(c.count == 1)
        #expect(c[0].status == .openOverdue)
        #expect(c[0].due == Self.day("2025-01-14"))
        // Under the meeting clock the meeting completes it, and the next cycle is open.
        let m = Self.cycles(Self.evaluate([Self.row(2, meeting: "2025-01-10")], clock: .meeting, asAt: "2025-02-01"))
        #expect(m.map(\.status) == [.onTime, .openInTime])
    }

    @Test func meetingWithoutADecisionFollowedByAnotherWarnsAndRunsOn() {
        let outcome = Self.evaluate([
            Self.row(2, meeting: "2024-12-01"),
            Self.row(3, meeting: "2025-02-01", decisionDate: "2025-02-10", decision: .maintain),
        ])
        let c = Self.cycles(outcome)
        #expect(c.count == 2)
        #expect(c[0].completed == Self.day("2025-02-10"))
        #expect(c[0].status == .late)
        #expect(outcome.warnings.contains { $0.line == 2 && $0.message.contains("no decision") })
        // Both meetings still get their decision rows.
        #expect(outcome.results.filter { $0.measure == .reviewDecision4w }.count == 2)
    }

    @Test func ceasedPlanHasNoOpenCycle() {
        let byDecision = Self.cycles(Self.evaluate([Self.row(2, meeting: "2025-01-01", decisionDate: "2025-01-10", decision: .cease)]))
        #expect(byDecision.count == 1)
        let byDate = Self.evaluate([Self.row(2, meeting: "2025-01-01", decisionDate: "2025-01-10", decision: .maintain, ceased: "2025-03-01")])
        #expect(Self.cycles(byDate).count == 1)
        #expect(byDate.results.contains { $0.measure == .reviewDecision4w })
        let neverReviewed = Self.cycles(Self.evaluate([Self.row(2, ceased: "2024-06-01")]))
        #expect(neverReviewed.isEmpty)
    }

    @Test func leapDayStartIsWarnedOncePerPlan() {
        let outcome = Self.evaluate([Self.row(2, plan: "2024-02-29")], asAt: "2024-06-01")
        #expect(outcome.warnings.count == 1)
        #expect(outcome.warnings[0].message.contains("2025-02-28"))
        #expect(Self.evaluate([Self.row(2, plan: "2024-02-28")], asAt: "2024-06-01").warnings.isEmpty)
    }

    @Test(arguments: [(27, CaseStatus.onTime), (28, .onTime), (29, .late)])
    func reviewDecisionIsDueFourWeeksAfterTheMeeting(days: Int, status: CaseStatus) {
        let meeting = Self.day("2025-01-06")
        let outcome = Self.evaluate([Self.row(2, meeting: meeting.iso, decisionDate: (meeting + days).iso, decision: .maintain)])
        let r = outcome.results.first { $0.measure == .reviewDecision4w }
        #expect(r?.due == Self.day("2025-02-03"))
        #expect(r?.status == status)
        #expect(outcome.results.first { $0.measure == .amendmentNotice4w } == nil)
    }

    @Test(arguments: [(28, CaseStatus.onTime), (29, .late)])
    func amendmentNoticeIsDueFourWeeksAfterTheMeeting(days: Int, status: CaseStatus) {
        let meeting = Self.day("2025-01-06")
        let outcome = Self.evaluate([Self.row(2, meeting: meeting.iso, decisionDate: (meeting + 20).iso, decision: .amend,
                                              notice: (meeting + days).iso)])
        #expect(outcome.results.first { $0.measure == .amendmentNotice4w }?.status == status)
    }

    @Test(arguments: [(56, CaseStatus.onTime), (57, .late)])
    func amendedPlanIsDueEightWeeksAfterTheNotice(days: Int, status: CaseStatus) {
        let notice = Self.day("2025-02-01")
        let outcome = Self.evaluate([Self.row(2, meeting: "2025-01-06", decisionDate: "2025-01-30", decision: .amend,
                                              notice: notice.iso, amended: (notice + days).iso)])
        let r = outcome.results.first { $0.measure == .amendedPlan8w }
        #expect(r?.start == notice)
        #expect(r?.due == notice + 56)
        #expect(r?.status == status)
    }

    @Test func amendedPlanClockFallsBackToTheDecisionDate() {
        let outcome = Self.evaluate([Self.row(2, meeting: "2025-01-06", decisionDate: "2025-01-30", decision: .amend)], asAt: "2025-03-01")
        let r = outcome.results.first { $0.measure == .amendedPlan8w }
        #expect(r?.start == Self.day("2025-01-30"))
        #expect(r?.status == .openInTime)
        #expect(outcome.results.first { $0.measure == .amendmentNotice4w }?.status == .openOverdue)
    }
}

@Suite struct TransferRulesTests {
    static func day(_ iso: String) -> Day { Day(iso: iso)! }
    static let schoolTypes: [TransferType] = [.eyToSchool, .infantToJunior, .primaryToMiddle, .primaryToSecondary, .middleToSecondary]

    @Test func schoolTransfersAreDueBefore15FebruaryOfTheYearOfTransfer() {
        for type in Self.schoolTypes {
            #expect(TransferRules.due(type, transferDate: Self.day("2026-09-01"), reading: .literal) == Self.day("2026-02-14"))
            #expect(TransferRules.due(type, transferDate: Self.day("2026-09-01"), reading: .inclusive) == Self.day("2026-02-15"))
        }
    }

    @Test func post16TransfersAreDueBefore31March() {
        #expect(TransferRules.due(.secondaryToPost16, transferDate: Self.day("2026-09-01"), reading: .literal) == Self.day("2026-03-30"))
        #expect(TransferRules.due(.secondaryToPost16, transferDate: Self.day("2026-09-01"), reading: .inclusive) == Self.day("2026-03-31"))
    }

    @Test(arguments: [TransferDeadline.literal, .inclusive])
    func post16ToPost16IsDueFiveMonthsBeforeTheTransferWhateverTheReading(reading: TransferDeadline) {
        #expect(TransferRules.due(.post16ToPost16, transferDate: Self.day("2026-07-31"), reading: reading) == Self.day("2026-02-28"))
        #expect(TransferRules.due(.post16ToPost16, transferDate: Self.day("2024-07-31"), reading: reading) == Self.day("2024-02-29"))
        #expect(TransferRules.due(.post16ToPost16, transferDate: Self.day("2026-01-15"), reading: reading) == Self.day("2025-08-15"))
    }

    static func status(_ type: TransferType, amended: String, reading: TransferDeadline, transfer: String = "2026-09-01") -> CaseStatus? {
        let record = TransferRecord(caseID: "T", line: 2, type: type, transferDate: day(transfer), amendedPlanDate: day(amended),
                                    cohort: Cohort(values: [], ageBandSlots: [], dateOfBirth: nil))
        return TransferRules.evaluate(record, reading: reading, sequence: 0, asAt: day("2026-06-30")).results.first?.status
    }

    @Test func amendedOn14FebruaryIsOnTimeAndOn15FebruaryOnlyUnderTheInclusiveReading() {
        #expect(Self.status(.primaryToSecondary, amended: "2026-02-14", reading: .literal) == .onTime)
        #expect(Self.status(.primaryToSecondary, amended: "2026-02-15", reading: .literal) == .late)
        #expect(Self.status(.primaryToSecondary, amended: "2026-02-15", reading: .inclusive) == .onTime)
        #expect(Self.status(.primaryToSecondary, amended: "2026-02-16", reading: .inclusive) == .late)
        #expect(Self.status(.secondaryToPost16, amended: "2026-03-30", reading: .literal) == .onTime)
        #expect(Self.status(.secondaryToPost16, amended: "2026-03-31", reading: .literal) == .late)
        #expect(Self.status(.secondaryToPost16, amended: "2026-03-31", reading: .inclusive) == .onTime)
        #expect(Self.status(.post16ToPost16, amended: "2026-02-28", reading: .literal, transfer: "2026-07-31") == .onTime)
        #expect(Self.status(.post16ToPost16, amended: "2026-03-01", reading: .inclusive, transfer: "2026-07-31") == .late)
    }

    @Test func openTransferIsJudgedOnTheAsAtDateAndHasNoStart() {
        let record = TransferRecord(caseID: "T", line: 2, type: .primaryToSecondary, transferDate: Self.day("2027-09-01"), amendedPlanDate: nil,
                                    cohort: Cohort(values: [], ageBandSlots: [], dateOfBirth: nil))
        let r = TransferRules.evaluate(record, reading: .literal, sequence: 0, asAt: Self.day("2027-02-14")).results[0]
        #expect(r.status == .openInTime)
        #expect(r.start == nil)
        #expect(TransferRules.evaluate(record, reading: .literal, sequence: 0, asAt: Self.day("2027-02-15")).results[0].status == .openOverdue)
        #expect(TransferRules.evaluate(record, reading: .inclusive, sequence: 0, asAt: Self.day("2027-02-15")).results[0].status == .openInTime)
    }
}
