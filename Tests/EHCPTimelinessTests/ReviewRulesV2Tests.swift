import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness

/// Rule set version 2 for reviews and transfers (statutory-timescales.md, "Version 2"):
/// the cease fix, an amend decision with no clock, the decision not to amend (reg 22(4)),
/// plans transferred in (reg 15(3)-(5)) and the coronavirus exception of SI 2020/471. Every
/// example is worked by hand in docs/rules/reviews.md.
@Suite struct ReviewRulesV2Tests {
    static func day(_ iso: String) -> Day { Day(iso: iso)! }

    static func row(_ line: Int, plan: String? = "2024-01-15", meeting: String? = nil, decisionDate: String? = nil,
                    decision: ReviewDecision? = nil, notice: String? = nil, amended: String? = nil, noAmendment: String? = nil,
                    ceased: String? = nil, transferIn: String? = nil, transferNotice: String? = nil,
                    exception: ExceptionReading = .none) -> ReviewRow {
        ReviewRow(caseID: "P1", line: line, planDate: plan.map(day), meetingDate: meeting.map(day),
                  decisionDate: decisionDate.map(day), decision: decision, amendmentNoticeDate: notice.map(day),
                  amendedPlanDate: amended.map(day), noAmendmentDate: noAmendment.map(day), ceasedDate: ceased.map(day),
                  transferInDate: transferIn.map(day), transferInNoticeDate: transferNotice.map(day), exception: exception,
                  cohort: Cohort(values: [], ageBandSlots: [], dateOfBirth: nil))
    }

    static func evaluate(_ rows: [ReviewRow], clock: ReviewClock = .decision, asAt: String = "2026-06-30") -> RuleOutcome {
        var sequence = 0
        return ReviewRules.evaluate(ReviewPlan(caseID: "P1", rows: rows), clock: clock, asAt: day(asAt), sequence: &sequence)
    }

    static func results(_ outcome: RuleOutcome, _ measure: MeasureID) -> [CaseResult] {
        outcome.results.filter { $0.measure == measure }
    }

    // MARK: - Cease, then a review that keeps the plan

    @Test func aCeaseFollowedByAMaintainDoesNotStopTheChainAndTheOpenCycleIsWritten() {
        // Plan 10 Jan 2023. Review decided cease on 20 Dec 2023 (due 9 Jan 2024: on time);
        // the cease was reversed and the next review maintained the plan on 20 Nov 2024
        // (due 19 Dec 2024: on time); the open cycle runs from 20 Nov 2024 to 19 Nov 2025.
        let outcome = Self.evaluate([
            Self.row(3, plan: "2023-01-10", meeting: "2024-11-01", decisionDate: "2024-11-20", decision: .maintain),
            Self.row(2, plan: "2023-01-10", meeting: "2023-12-01", decisionDate: "2023-12-20", decision: .cease),
        ], asAt: "2025-06-30")
        let cycles = Self.results(outcome, .annualReview12m)
        #expect(cycles.map(\.start) == [Self.day("2023-01-10"), Self.day("2023-12-20"), Self.day("2024-11-20")])
        #expect(cycles.map(\.due) == [Self.day("2024-01-09"), Self.day("2024-12-19"), Self.day("2025-11-19")])
        #expect(cycles.map(\.completed) == [Self.day("2023-12-20"), Self.day("2024-11-20"), nil])
        #expect(cycles.map(\.status) == [.onTime, .onTime, .openInTime])
        #expect(cycles.map(\.line) == [2, 3, 3])
        // The later meeting is timed normally: its decision 19 days after it.
        let decisions = Self.results(outcome, .reviewDecision4w)
        #expect(decisions.map(\.due) == [Self.day("2023-12-29"), Self.day("2024-11-29")])
        #expect(decisions.map(\.status) == [.onTime, .onTime])
        #expect(outcome.warnings.isEmpty)
    }

    @Test func aCeaseThatIsTheLastCompletedReviewStillEndsTheChainAndALaterUndecidedMeetingIsAWarning() {
        let outcome = Self.evaluate([
            Self.row(2, plan: "2023-01-10", meeting: "2023-12-01", decisionDate: "2023-12-20", decision: .cease),
            Self.row(3, plan: "2023-01-10", meeting: "2024-11-01"),
        ], asAt: "2025-06-30")
        let cycles = Self.results(outcome, .annualReview12m)
        #expect(cycles.map(\.status) == [.onTime])
        #expect(cycles.map(\.completed) == [Self.day("2023-12-20")])
        // The undecided meeting's decision is still due, and open overdue.
        #expect(Self.results(outcome, .reviewDecision4w).map(\.status) == [.onTime, .openOverdue])
        #expect(outcome.warnings.contains { $0.line == 3 && $0.field == "review_meeting_date" && $0.message.contains("cease") })
        // Under the meeting clock the later meeting completes the last review, which did
        // not decide to cease: the chain runs on.
        let meeting = Self.results(Self.evaluate([
            Self.row(2, plan: "2023-01-10", meeting: "2023-12-01", decisionDate: "2023-12-20", decision: .cease),
            Self.row(3, plan: "2023-01-10", meeting: "2024-11-01"),
        ], clock: .meeting, asAt: "2025-06-30"), .annualReview12m)
        #expect(meeting.map(\.start) == [Self.day("2023-01-10"), Self.day("2023-12-01"), Self.day("2024-11-01")])
        #expect(meeting.last?.status == .openInTime)
    }

    @Test func anUnusableDecisionOnlyHidesTheOpenCycleWhenItIsTheLastCompletedReview() {
        var first = Self.row(2, plan: "2023-01-10", meeting: "2023-12-01", decisionDate: "2023-12-20")
        first.unusable = ["review_decision"]
        let middle = Self.evaluate([first, Self.row(3, plan: "2023-01-10", meeting: "2024-11-01", decisionDate: "2024-11-20",
                                                   decision: .maintain)], asAt: "2025-06-30")
        #expect(Self.results(middle, .annualReview12m).map(\.status) == [.onTime, .onTime, .openInTime])
        let last = Self.evaluate([first], asAt: "2025-06-30")
        #expect(Self.results(last, .annualReview12m).map(\.status) == [.onTime])
        var out = RuleTimings()
        ReviewRules.evaluate(ReviewPlan(caseID: "P1", rows: [first]), rules: RuleSettings(asAt: Self.day("2025-06-30")), into: &out)
        #expect(out.unmeasured.contains { $0.measure == .annualReview12m && $0.fields == ["review_decision"] })
    }

    // MARK: - Amend decisions

    @Test func anAmendWithNeitherANoticeNorADecisionDateHasNoEightWeekRowAndAWarning() {
        let outcome = Self.evaluate([Self.row(7, meeting: "2025-01-06", decision: .amend)], asAt: "2025-03-01")
        #expect(Self.results(outcome, .amendedPlan8w).isEmpty)
        let warning = outcome.warnings.first { $0.field == "amendment_notice_date" }
        #expect(warning?.line == 7)
        #expect(warning?.value == "")
        #expect(warning?.message.contains(MeasureID.amendedPlan8w.rawValue) == true)
        #expect(warning?.message.contains("review_decision_date") == true)
        // The proposed amendments are still due 4 weeks after the meeting: 3 Feb 2025.
        #expect(Self.results(outcome, .amendmentNotice4w).map(\.due) == [Self.day("2025-02-03")])
        #expect(Self.results(outcome, .amendmentNotice4w).map(\.status) == [.openOverdue])
        // With the decision date, the clock falls back to it and there is no warning.
        let dated = Self.evaluate([Self.row(7, meeting: "2025-01-06", decisionDate: "2025-01-30", decision: .amend)], asAt: "2025-03-01")
        #expect(Self.results(dated, .amendedPlan8w).map(\.start) == [Self.day("2025-01-30")])
        #expect(!dated.warnings.contains { $0.field == "amendment_notice_date" })
    }

    @Test(arguments: [("2025-03-29", CaseStatus.onTime), ("2025-03-30", .late)])
    func aDecisionNotToAmendCompletesTheEightWeekMeasure(noAmendment: String, status: CaseStatus) {
        // Notice 1 Feb 2025 + 56 days = 29 Mar 2025.
        let outcome = Self.evaluate([Self.row(2, meeting: "2025-01-06", decisionDate: "2025-01-30", decision: .amend,
                                              notice: "2025-02-01", noAmendment: noAmendment)])
        let r = Self.results(outcome, .amendedPlan8w)
        #expect(r.map(\.start) == [Self.day("2025-02-01")])
        #expect(r.map(\.due) == [Self.day("2025-03-29")])
        #expect(r.map(\.completed) == [Self.day(noAmendment)])
        #expect(r.map(\.status) == [status])
    }

    @Test func bothAnAmendedPlanAndADecisionNotToAmendUseTheEarlierAndWarn() {
        let outcome = Self.evaluate([Self.row(2, meeting: "2025-01-06", decisionDate: "2025-01-30", decision: .amend,
                                              notice: "2025-02-01", amended: "2025-04-10", noAmendment: "2025-03-20")])
        let r = Self.results(outcome, .amendedPlan8w)
        #expect(r.map(\.completed) == [Self.day("2025-03-20")])
        #expect(r.map(\.status) == [.onTime])
        var warnings: [(String, String, String)] = []
        ReviewRules.unmeasuredDates(decision: .amend, decisionDateBlank: false, decisionText: "amend",
                                    amendmentNoticeDate: Self.day("2025-02-01"), amendedPlanDate: Self.day("2025-04-10"),
                                    noAmendmentDate: Self.day("2025-03-20")) { warnings.append(($0, $1, $2)) }
        #expect(warnings.count == 1)
        #expect(warnings.first?.0 == "no_amendment_date" && warnings.first?.1 == "2025-03-20")
        #expect(warnings.first?.2.contains("the earlier, 2025-03-20") == true)
    }

    @Test func anUnusableDecisionNotToAmendLeavesTheEightWeekMeasureUnmeasured() {
        var row = Self.row(2, meeting: "2025-01-06", decisionDate: "2025-01-30", decision: .amend, notice: "2025-02-01")
        row.unusable = ["no_amendment_date"]
        var out = RuleTimings()
        ReviewRules.evaluate(ReviewPlan(caseID: "P1", rows: [row]), rules: RuleSettings(asAt: Self.day("2026-06-30")), into: &out)
        #expect(out.unmeasured.contains { $0.measure == .amendedPlan8w && $0.fields == ["no_amendment_date"] })
        #expect(!out.timings.contains { $0.measure == .amendedPlan8w })
        #expect(out.timings.contains { $0.measure == .amendmentNotice4w })
    }

    // MARK: - Plans transferred in (reg 15)

    @Test(arguments: [("2025-05-26", CaseStatus.onTime), ("2025-05-27", .late)])
    func theTransferNoticeIsDueSixWeeksAfterTheTransfer(notice: String, status: CaseStatus) {
        // Transfer 14 Apr 2025 + 42 days = 26 May 2025.
        let outcome = Self.evaluate([Self.row(2, plan: "2024-07-01", transferIn: "2025-04-14", transferNotice: notice)])
        let r = Self.results(outcome, .transferInNotice6w)
        #expect(r.count == 1)
        #expect(r.first?.start == Self.day("2025-04-14"))
        #expect(r.first?.due == Self.day("2025-05-26"))
        #expect(r.first?.completed == Self.day(notice))
        #expect(r.first?.status == status)
    }

    @Test func anOpenTransferNoticeIsInTimeOnItsLastDayAndOverdueTheNext() {
        let rows = [Self.row(2, plan: "2024-07-01", transferIn: "2025-04-14")]
        #expect(Self.results(Self.evaluate(rows, asAt: "2025-05-26"), .transferInNotice6w).map(\.status) == [.openInTime])
        #expect(Self.results(Self.evaluate(rows, asAt: "2025-05-27"), .transferInNotice6w).map(\.status) == [.openOverdue])
        // A plan not transferred in has no such measure.
        #expect(Self.results(Self.evaluate([Self.row(2)]), .transferInNotice6w).isEmpty)
    }

    @Test func rowsThatDisagreeOnTheTransferUseTheEarliestTransferAndNotice() {
        let outcome = Self.evaluate([
            Self.row(2, plan: "2024-07-01", meeting: "2025-06-20", decisionDate: "2025-07-01", decision: .maintain,
                     transferIn: "2025-04-20", transferNotice: "2025-05-30"),
            Self.row(3, plan: "2024-07-01", transferIn: "2025-04-14", transferNotice: "2025-05-20"),
        ])
        let r = Self.results(outcome, .transferInNotice6w)
        #expect(r.map(\.start) == [Self.day("2025-04-14")])
        #expect(r.map(\.completed) == [Self.day("2025-05-20")])
        #expect(r.map(\.line) == [3])
    }

    /// Plan 1 Jul 2023; the old authority reviewed it (meeting 10 Jun 2024, decision 1 Jul
    /// 2024); the plan moved on 14 Apr 2025. The cycle open then started 1 Jul 2024, so its
    /// 12-month date is 30 Jun 2025; 3 months starting with 14 Apr 2025 end 13 Jul 2025,
    /// the later: the new authority's first review is due 13 Jul 2025.
    @Test(arguments: [("2025-07-13", CaseStatus.onTime), ("2025-07-14", .late)])
    func theFirstReviewAfterATransferIsDueAtTheEndOfThreeMonthsWhenThatIsLater(decision: String, status: CaseStatus) {
        let outcome = Self.evaluate([
            Self.row(2, plan: "2023-07-01", meeting: "2024-06-10", decisionDate: "2024-07-01", decision: .maintain,
                     transferIn: "2025-04-14"),
            Self.row(3, plan: "2023-07-01", meeting: "2025-07-01", decisionDate: decision, decision: .maintain,
                     transferIn: "2025-04-14"),
        ], asAt: "2025-10-31")
        let cycles = Self.results(outcome, .annualReview12m)
        // The old authority's cycle (1 Jul 2023 to 1 Jul 2024) anchors the chain, unmeasured.
        #expect(cycles.map(\.start) == [Self.day("2024-07-01"), Self.day(decision)])
        #expect(cycles.map(\.due) == [Self.day("2025-07-13"), Self.day(decision).endOfTwelveMonthPeriod])
        #expect(cycles.map(\.status) == [status, .openInTime])
        // The old authority's meeting has no decision row of its own.
        #expect(Self.results(outcome, .reviewDecision4w).map(\.start) == [Self.day("2025-07-01")])
    }

    /// Plan 1 Sep 2023, reviewed by the old authority on 1 Sep 2024; transfer 10 Jan 2025.
    /// The cycle open then ends 31 Aug 2025 (12 months starting with 1 Sep 2024); 3 months
    /// starting with 10 Jan 2025 end 9 Apr 2025: the 12-month date is the later.
    @Test(arguments: [("2025-08-31", CaseStatus.onTime), ("2025-09-01", .late)])
    func theFirstReviewAfterATransferIsDueAtTheTwelveMonthDateWhenThatIsLater(decision: String, status: CaseStatus) {
        let outcome = Self.evaluate([
            Self.row(2, plan: "2023-09-01", meeting: "2024-08-20", decisionDate: "2024-09-01", decision: .maintain,
                     transferIn: "2025-01-10", transferNotice: "2025-02-01"),
            Self.row(3, plan: "2023-09-01", meeting: "2025-08-15", decisionDate: decision, decision: .maintain),
        ], asAt: "2025-10-31")
        let cycles = Self.results(outcome, .annualReview12m)
        #expect(cycles.first?.start == Self.day("2024-09-01"))
        #expect(cycles.first?.due == Self.day("2025-08-31"))
        #expect(cycles.first?.status == status)
        #expect(Self.results(outcome, .transferInNotice6w).map(\.status) == [.onTime])
    }

    /// Plan 1 May 2024 (12-month date 30 Apr 2025); the old authority held the review
    /// meeting on 1 Apr 2025; the plan moved on 14 Apr 2025; the new authority notified
    /// the decision on 20 Apr 2025.
    @Test func aMeetingBeforeTheTransferWithItsDecisionAfterItIsTheOldAuthoritysButTheCycleIsTheNewOnes() {
        let rows = [Self.row(2, plan: "2024-05-01", meeting: "2025-04-01", decisionDate: "2025-04-20", decision: .maintain,
                             transferIn: "2025-04-14")]
        let outcome = Self.evaluate(rows, asAt: "2025-10-31")
        // The meeting's 4-week row is the old authority's: not written.
        #expect(Self.results(outcome, .reviewDecision4w).isEmpty)
        // The cycle the decision completes is the new authority's first: due the later of
        // 30 Apr 2025 and 13 Jul 2025.
        let cycles = Self.results(outcome, .annualReview12m)
        #expect(cycles.map(\.start) == [Self.day("2024-05-01"), Self.day("2025-04-20")])
        #expect(cycles.map(\.due) == [Self.day("2025-07-13"), Self.day("2026-04-19")])
        #expect(cycles.map(\.completed) == [Self.day("2025-04-20"), nil])
        #expect(cycles.map(\.status) == [.onTime, .openInTime])
        // Under the meeting clock the meeting completed that cycle before the transfer: the
        // old authority's. The open cycle is the new authority's first: the later of
        // 31 Mar 2026 and 13 Jul 2025.
        let meeting = Self.results(Self.evaluate(rows, clock: .meeting, asAt: "2025-10-31"), .annualReview12m)
        #expect(meeting.map(\.start) == [Self.day("2025-04-01")])
        #expect(meeting.map(\.due) == [Self.day("2026-03-31")])
    }

    @Test func aPlanTransferredInWithNoReviewYetIsDueByTheLaterDateOnItsOpenCycle() {
        // Plan 1 Jun 2024 (12-month date 31 May 2025), transfer 30 Apr 2025: the 3 months
        // end 29 Jul 2025.
        let outcome = Self.evaluate([Self.row(2, plan: "2024-06-01", transferIn: "2025-04-30")], asAt: "2025-07-29")
        let cycles = Self.results(outcome, .annualReview12m)
        #expect(cycles.map(\.due) == [Self.day("2025-07-29")])
        #expect(cycles.map(\.status) == [.openInTime])
        // 30 Nov 2024: 3 months end 28 Feb 2025 (no 30 February).
        #expect(Self.day("2024-11-30").endOfPeriod(months: 3) == Self.day("2025-02-28"))
        #expect(Self.day("2025-04-14").endOfPeriod(months: 3) == Self.day("2025-07-13"))
    }

    @Test func amendmentMeasuresOfAMeetingBeforeTheTransferAreTheOldAuthoritys() {
        let outcome = Self.evaluate([
            Self.row(2, plan: "2024-05-01", meeting: "2025-03-01", decisionDate: "2025-03-10", decision: .amend,
                     notice: "2025-04-20", transferIn: "2025-04-14"),
            Self.row(3, plan: "2024-05-01", meeting: "2025-04-14", decisionDate: "2025-04-30", decision: .amend,
                     notice: "2025-04-30", amended: "2025-06-01", transferIn: "2025-04-14"),
        ], asAt: "2025-10-31")
        // The meeting on the transfer day is the new authority's.
        #expect(Self.results(outcome, .reviewDecision4w).map(\.line) == [3])
        #expect(Self.results(outcome, .amendmentNotice4w).map(\.line) == [3])
        #expect(Self.results(outcome, .amendedPlan8w).map(\.line) == [3])
    }

    // MARK: - Coronavirus (SI 2020/471)

    @Test func covid2020OnAReviewDecisionDueInTheWindowIsAppliedAndKeepsItsStatus() {
        // Meeting 1 Jun 2020: decision due 29 Jun 2020, in the window; notified late.
        let outcome = Self.evaluate([Self.row(2, plan: "2019-11-01", meeting: "2020-06-01", decisionDate: "2020-07-10",
                                              decision: .maintain, exception: .code(.covid2020))], asAt: "2021-06-30")
        let r = Self.results(outcome, .reviewDecision4w)
        #expect(r.map(\.due) == [Self.day("2020-06-29")])
        #expect(r.map(\.status) == [.late])
        #expect(r.map(\.exception) == [.covid2020])
        // The cycle the decision completes is due 31 Oct 2020, outside the window: a
        // warning, not applied.
        let cycle = Self.results(outcome, .annualReview12m).first
        #expect(cycle?.due == Self.day("2020-10-31"))
        #expect(cycle?.exception == nil)
        #expect(outcome.warnings.contains { $0.field == "exception_reason" && $0.value == "covid_2020"
            && $0.message.hasPrefix("annual-review-12m: covid_2020 applies only to deadlines from 1 May 2020 to 25 September 2020") })
        #expect(!outcome.warnings.contains { $0.message.hasPrefix("review-decision-4w") })
    }

    @Test(arguments: [("2020-04-02", false), ("2020-04-03", true), ("2020-08-28", true), ("2020-08-29", false)])
    func covid2020AppliesOnlyToDeadlinesFromTheFirstOfMayToTheTwentyFifthOfSeptember2020(meeting: String, applied: Bool) {
        // Due 28 days after the meeting: 2 Apr → 30 Apr, 3 Apr → 1 May, 28 Aug → 25 Sep, 29 Aug → 26 Sep.
        let outcome = Self.evaluate([Self.row(2, plan: "2019-11-01", meeting: meeting, decisionDate: "2020-10-30",
                                              decision: .maintain, exception: .code(.covid2020))], asAt: "2021-06-30")
        let r = Self.results(outcome, .reviewDecision4w).first
        #expect(r?.exception == (applied ? .covid2020 : nil))
        #expect(r?.status == .late)
        #expect(outcome.warnings.contains { $0.message.hasPrefix("review-decision-4w: covid_2020 applies only") } == !applied)
    }

    @Test func covid2020OutsideTheWindowIsAWarningAndNotApplied() {
        let outcome = Self.evaluate([Self.row(4, meeting: "2025-01-06", decisionDate: "2025-03-01", decision: .maintain,
                                              exception: .code(.covid2020))])
        let r = Self.results(outcome, .reviewDecision4w)
        #expect(r.map(\.exception) == [nil])
        #expect(r.map(\.status) == [.late])
        #expect(outcome.warnings.contains { $0.line == 4 && $0.field == "exception_reason"
            && $0.message == "review-decision-4w: covid_2020 applies only to deadlines from 1 May 2020 to 25 September 2020 (SI 2020/471); this deadline is 2025-02-03, so the case is counted without an exception" })
    }

    @Test func anotherGroundOnAReviewIsAWarningNamingItAndIsNotApplied() {
        let outcome = Self.evaluate([Self.row(2, plan: "2019-11-01", meeting: "2020-06-01", decisionDate: "2020-07-10",
                                              decision: .maintain, exception: .code(.schoolClosure))], asAt: "2021-06-30")
        #expect(outcome.results.allSatisfy { $0.exception == nil })
        let w = outcome.warnings.first { $0.message.hasPrefix("review-decision-4w") }
        #expect(w?.value == "school_closure")
        #expect(w?.message == "review-decision-4w: exception school_closure not applied: this measure accepts only covid_2020 (SI 2020/471); the case is counted without an exception")
    }

    @Test func covid2020OnATransferIsAppliedOnlyWhenReg18sDeadlineFallsInTheWindow() {
        let cohort = Cohort(values: [], ageBandSlots: [])
        // Post-16 to post-16 on 15 Dec 2020: due 15 Jul 2020 (5 months before), in the window.
        let post16 = TransferRules.evaluate(
            TransferRecord(caseID: "T1", line: 2, type: .post16ToPost16, transferDate: Self.day("2020-12-15"),
                           amendedPlanDate: Self.day("2020-08-01"), exception: .code(.covid2020), cohort: cohort),
            reading: .literal, sequence: 0, asAt: Self.day("2021-06-30"))
        #expect(post16.results.map(\.due) == [Self.day("2020-07-15")])
        #expect(post16.results.map(\.status) == [.late])
        #expect(post16.results.map(\.exception) == [.covid2020])
        #expect(post16.warnings.isEmpty)
        // A school transfer in September 2020 was due by 14 Feb 2020: before the window.
        let school = TransferRules.evaluate(
            TransferRecord(caseID: "T2", line: 3, type: .primaryToSecondary, transferDate: Self.day("2020-09-01"),
                           amendedPlanDate: Self.day("2020-05-01"), exception: .code(.covid2020), cohort: cohort),
            reading: .literal, sequence: 0, asAt: Self.day("2021-06-30"))
        #expect(school.results.map(\.exception) == [nil])
        #expect(school.warnings.map(\.message) == ["phase-transfer: covid_2020 applies only to deadlines from 1 May 2020 to 25 September 2020 (SI 2020/471); this deadline is 2020-02-14, so the case is counted without an exception"])
        #expect(school.warnings.map(\.line) == [3])
    }

    @Test func everyReviewAndTransferMeasureAcceptsOnlyCovid2020AndTheRequestMeasuresAreUnchanged() {
        for def in MeasureTable.all {
            switch def.evaluation {
            case .reviews, .transfers:
                #expect(def.grounds == .covid2020, "\(def.id)")
                #expect(def.exceptionColumn == "exception_reason")
            case .requests:
                // The request measures keep their regulations' own grounds (regs 5(4),
                // 10(4), 13(3)), held on the measure like the others'.
                let own: [MeasureID: ExceptionGrounds] = [.decisionToAssess6w: .decisionToAssess, .noPlanDecision16w: .noPlanNotice,
                                                          .finalPlan20w: .finalPlan]
                #expect(def.grounds == own[def.id], "\(def.id)")
                #expect(def.exceptionGrounds == own[def.id], "\(def.id)")
            case .reassessments, .orders:
                // Their own regulations' grounds (regs 27(3), 44(3)): OrderRulesTests.
                continue
            }
        }
    }

    @Test func theTransferInMeasureSitsAfterTheAmendedPlanAndBeforeThePhaseTransfer() {
        #expect(MeasureID.transferInNotice6w.order == MeasureID.amendedPlan8w.order + 1)
        #expect(MeasureID.phaseTransfer.order == MeasureID.transferInNotice6w.order + 1)
        let def = MeasureID.transferInNotice6w.definition
        #expect(def.dueDate == .weeks(6))
        #expect(def.citation == "reg 15(4)")
        #expect(def.title == "Notice of a plan transferred in within 6 weeks")
        #expect(MeasureID(rawValue: "transfer-in-notice-6w") == .transferInNotice6w)
        guard case .reviews(.annualChain(let rule?)) = MeasureID.annualReview12m.definition.evaluation else {
            Issue.record("the annual review entry has no reg 15(5) rule"); return
        }
        #expect(rule.months == 3)
        #expect(MeasureID.annualReview12m.definition.rule.contains("3 months starting with the transfer date"))
    }
}
