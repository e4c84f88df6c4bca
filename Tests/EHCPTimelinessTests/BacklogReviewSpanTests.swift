import Testing
@testable import EHCPRules
@testable import EHCPTimeliness

/// The reviews' open spans at their boundaries, worked by hand: the 12-month chain is
/// found in one walk over the plan's days, carrying what each day knows (the meetings
/// held, the last review completed, a cycle completed after a transfer in) to the next.
@Suite struct BacklogReviewSpanTests {
    static func day(_ iso: String) -> Day { Day(iso: iso)! }

    static func row(_ line: Int, plan: String = "2020-01-15", meeting: String? = nil, decisionDate: String? = nil,
                    decision: ReviewDecision? = nil, transferIn: String? = nil) -> ReviewRow {
        ReviewRow(caseID: "P1", line: line, planDate: day(plan), meetingDate: meeting.map(day), decisionDate: decisionDate.map(day),
                  decision: decision, transferInDate: transferIn.map(day), cohort: Cohort(values: [], ageBandSlots: [], dateOfBirth: nil))
    }

    /// The spans of `measure`, as "from until due row".
    static func spans(_ rows: [ReviewRow], _ measure: MeasureID, asAt: String, clock: ReviewClock = .decision) -> [String] {
        var out = RuleTimings()
        ReviewRules.openSpans(ReviewPlan(caseID: "P1", rows: rows), rules: RuleSettings(asAt: day(asAt), reviewClock: clock), into: &out)
        return out.spans.filter { $0.measure == measure }.map { "\($0.from?.iso ?? "-") \($0.until?.iso ?? "-") \($0.due.iso) \($0.row)" }
    }

    /// Four yearly meetings, the second decided late (due 2021-12-19, decided 2022-01-20)
    /// and the last undecided: a new span on each meeting day (its row counts the cycle
    /// from then) and on each decision (the next cycle starts).
    @Test func theChainOfAPlanWithManyMeetingsMovesOnEachMeetingAndDecision() {
        let rows = [Self.row(2, meeting: "2020-12-01", decisionDate: "2020-12-20", decision: .maintain),
                    Self.row(3, meeting: "2021-12-01", decisionDate: "2022-01-20", decision: .maintain),
                    Self.row(4, meeting: "2022-12-10", decisionDate: "2023-01-05", decision: .amend),
                    Self.row(5, meeting: "2023-12-01")]
        #expect(Self.spans(rows, .annualReview12m, asAt: "2024-06-30") == [
            "2020-01-15 2020-12-20 2021-01-14 0",
            "2020-12-20 2021-12-01 2021-12-19 0",
            "2021-12-01 2022-01-20 2021-12-19 1",
            "2022-01-20 2022-12-10 2023-01-19 1",
            "2022-12-10 2023-01-05 2023-01-19 2",
            "2023-01-05 2023-12-01 2024-01-04 2",
            "2023-12-01 - 2024-01-04 3",
        ])
        // With the meeting clock each meeting completes its cycle on the day it is held.
        #expect(Self.spans(rows, .annualReview12m, asAt: "2024-06-30", clock: .meeting) == [
            "2020-01-15 2020-12-01 2021-01-14 0",
            "2020-12-01 2021-12-01 2021-11-30 0",
            "2021-12-01 2022-12-10 2022-11-30 1",
            "2022-12-10 2023-12-01 2023-12-09 2",
            "2023-12-01 - 2024-11-30 3",
        ])
    }

    /// The first cycle is due 2024-12-31, the day of the meeting: decided that day (the
    /// last on-time day) the next cycle starts on it; decided the day after (the first
    /// late day), the first cycle runs to then and the next starts a day later. The
    /// decision's own 4-week clock, from the meeting, is open only when not decided on it.
    @Test(arguments: [("2024-12-31", ["2024-01-01 2024-12-31 2024-12-31 0", "2024-12-31 - 2025-12-30 0"], [String]()),
                      ("2025-01-01", ["2024-01-01 2025-01-01 2024-12-31 0", "2025-01-01 - 2025-12-31 0"],
                       ["2024-12-31 2025-01-01 2025-01-28 0"])])
    func aReviewDecidedOnItsDueDateOrTheDayAfter(decided: String, chain: [String], decision: [String]) {
        let rows = [Self.row(2, plan: "2024-01-01", meeting: "2024-12-31", decisionDate: decided, decision: .maintain)]
        #expect(Self.spans(rows, .annualReview12m, asAt: "2025-06-30") == chain)
        #expect(Self.spans(rows, .reviewDecision4w, asAt: "2025-06-30") == decision)
    }

    /// A cycle open on the month end of its due date is in time there and overdue on the
    /// next month end.
    @Test func aCycleIsInTimeOnItsDueDateAndOverdueFromTheDayAfter() {
        var out = RuleTimings()
        let asAt = Self.day("2025-01-31")
        ReviewRules.openSpans(ReviewPlan(caseID: "P1", rows: [Self.row(2, plan: "2024-01-01")]), rules: RuleSettings(asAt: asAt),
                              into: &out)
        var backlog = BacklogAccumulator(asAt: asAt, measureCount: MeasureTable.standard.ids.count)
        backlog.add(out.spans, cohort: 0)
        let rows = backlog.rows(measures: [.annualReview12m], cohorts: [[]], ranks: [0], dimensionCount: 0)
        let counts = rows.filter { $0.asAt >= Self.day("2024-11-30") }.map { "\($0.asAt.iso) \($0.openInTime) \($0.openOverdue)" }
        #expect(counts == ["2024-11-30 1 0", "2024-12-31 1 0", "2025-01-31 0 1"])
    }

    /// Transferred in on 2024-11-20: from that day the open cycle is due at the end of the
    /// 3 months starting with the transfer (reg 15(5), later than its 12-month date), until
    /// a review is completed after the transfer; the next cycle has its 12 months.
    @Test func theCycleOpenAtATransferInIsDueAsReg15Says() {
        let rows = [Self.row(2, plan: "2024-01-10", meeting: "2025-02-01", decisionDate: "2025-02-10", decision: .maintain,
                             transferIn: "2024-11-20")]
        #expect(Self.spans(rows, .annualReview12m, asAt: "2025-06-30") == [
            "2024-01-10 2024-11-20 2025-01-09 0",
            "2024-11-20 2025-02-10 2025-02-19 0",
            "2025-02-10 - 2026-02-09 0",
        ])
    }
}
