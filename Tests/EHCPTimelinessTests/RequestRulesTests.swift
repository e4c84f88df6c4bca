import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

/// The request-stage measures at their boundaries (statutory-timescales.md).
@Suite struct RequestRulesTests {
    static func day(_ iso: String) -> Day { Day(iso: iso)! }
    static let received = day("2025-01-06")  // a Monday

    static func record(
        request: Day = received, decisionDate: Day? = nil, decision: AssessmentDecision? = nil,
        planDecisionDate: Day? = nil, planDecision: PlanDecision? = nil, final: Day? = nil,
        withdrawn: Day? = nil, exception: ExceptionReading = .none, decisionException: ExceptionReading = .none
    ) -> RequestRecord {
        RequestRecord(caseID: "R1", line: 2, requestDate: request, assessmentDecisionDate: decisionDate,
                      assessmentDecision: decision, planDecisionDate: planDecisionDate, planDecision: planDecision,
                      draftPlanDate: nil, finalPlanDate: final, withdrawnDate: withdrawn, exception: exception,
                      decisionException: decisionException,
                      cohort: Cohort(values: [], ageBandSlots: [], dateOfBirth: nil))
    }

    static func evaluate(_ r: RequestRecord, asAt: String = "2026-06-30") -> [MeasureID: CaseResult] {
        var out: [MeasureID: CaseResult] = [:]
        for result in RequestRules.evaluate(r, sequence: 0, asAt: day(asAt)).results { out[result.measure] = result }
        return out
    }

    @Test func requestReceivedMonday6January2025IsDueMonday26May2025() {
        let r = Self.evaluate(Self.record())
        #expect(r[.finalPlan20w]?.due == Self.day("2025-05-26"))
        #expect(r[.decisionToAssess6w]?.due == Self.day("2025-02-17"))
    }

    @Test func finalPlanOnDay140IsOnTimeAndDay141IsLate() {
        let onTime = Self.evaluate(Self.record(decisionDate: Self.received + 30, decision: .assess, final: Self.received + 140))
        #expect(onTime[.finalPlan20w]?.status == .onTime)
        let late = Self.evaluate(Self.record(decisionDate: Self.received + 30, decision: .assess, final: Self.received + 141))
        #expect(late[.finalPlan20w]?.status == .late)
    }

    @Test func decisionOnDay42IsOnTimeAndDay43IsLate() {
        #expect(Self.evaluate(Self.record(decisionDate: Self.received + 42, decision: .assess))[.decisionToAssess6w]?.status == .onTime)
        #expect(Self.evaluate(Self.record(decisionDate: Self.received + 43, decision: .assess))[.decisionToAssess6w]?.status == .late)
    }

    @Test func noPlanNoticeOnDay112IsOnTimeAndDay113IsLate() {
        let onTime = Self.evaluate(Self.record(decisionDate: Self.received + 20, decision: .assess,
                                               planDecisionDate: Self.received + 112, planDecision: .noPlan))
        #expect(onTime[.noPlanDecision16w]?.status == .onTime)
        #expect(onTime[.noPlanDecision16w]?.due == Self.received + 112)
        #expect(onTime[.finalPlan20w] == nil)
        let late = Self.evaluate(Self.record(decisionDate: Self.received + 20, decision: .assess,
                                             planDecisionDate: Self.received + 113, planDecision: .noPlan))
        #expect(late[.noPlanDecision16w]?.status == .late)
    }

    @Test func openCaseIsInTimeOnItsDueDateAndOverdueTheDayAfter() {
        let r = Self.record(decisionDate: Self.received + 10, decision: .assess)
        #expect(Self.evaluate(r, asAt: "2025-05-26")[.finalPlan20w]?.status == .openInTime)
        #expect(Self.evaluate(r, asAt: "2025-05-27")[.finalPlan20w]?.status == .openOverdue)
        #expect(Self.evaluate(Self.record(), asAt: "2025-02-17")[.decisionToAssess6w]?.status == .openInTime)
        #expect(Self.evaluate(Self.record(), asAt: "2025-02-18")[.decisionToAssess6w]?.status == .openOverdue)
    }

    @Test func refusedRequestHasOnlyTheSixWeekMeasure() {
        let r = Self.evaluate(Self.record(decisionDate: Self.received + 40, decision: .refuse))
        #expect(Set(r.keys) == [.decisionToAssess6w])
    }

    @Test func undecidedRequestIsInTheSixAndTwentyWeekMeasures() {
        let r = Self.evaluate(Self.record(), asAt: "2025-01-20")
        #expect(Set(r.keys) == [.decisionToAssess6w, .finalPlan20w])
    }

    @Test func withdrawnRequestWithoutDecisionLeavesEveryMeasure() {
        #expect(Self.evaluate(Self.record(withdrawn: Self.received + 10)).isEmpty)
    }

    @Test func withdrawnRequestWithDecisionStaysInTheSixWeekMeasureOnly() {
        let r = Self.evaluate(Self.record(decisionDate: Self.received + 42, decision: .assess, withdrawn: Self.received + 90))
        #expect(Set(r.keys) == [.decisionToAssess6w])
        #expect(r[.decisionToAssess6w]?.status == .onTime)
    }

    @Test func withdrawnNoPlanRequestLeavesTheSixteenWeekMeasure() {
        let r = Self.evaluate(Self.record(decisionDate: Self.received + 42, decision: .assess,
                                          planDecisionDate: Self.received + 100, planDecision: .noPlan, withdrawn: Self.received + 101))
        #expect(r[.noPlanDecision16w] == nil)
    }

    @Test func exceptionKeepsDueDateAndStatusAndIsFlagged() {
        let r = Self.evaluate(Self.record(decisionDate: Self.received + 50, decision: .assess, final: Self.received + 200,
                                          exception: .code(.personalCircumstances), decisionException: .code(.absentFromArea)))
        #expect(r[.finalPlan20w]?.status == .late)
        #expect(r[.finalPlan20w]?.due == Self.day("2025-05-26"))
        #expect(r[.finalPlan20w]?.exception == .personalCircumstances)
        #expect(r[.decisionToAssess6w]?.exception == .absentFromArea)
        #expect(r[.decisionToAssess6w]?.status == .late)
    }

    @Test func exceptionReasonDoesNotApplyToTheSixWeekMeasure() {
        let r = Self.evaluate(Self.record(decisionDate: Self.received + 50, decision: .assess, exception: .code(.schoolClosure)))
        #expect(r[.decisionToAssess6w]?.exception == nil)
        #expect(r[.finalPlan20w]?.exception == .schoolClosure)
    }

    @Test func unrecognisedReasonIsCountedWithoutAnException() {
        let r = Self.evaluate(Self.record(exception: .unrecognised("missed appointment")), asAt: "2025-01-10")
        #expect(r[.finalPlan20w]?.exception == nil)
    }

    @Test(arguments: [
        ("2020-05-01", true), ("2020-04-30", false), ("2020-09-25", true), ("2020-09-26", false),
    ])
    func covidExceptionAppliesOnlyToDeadlinesFrom1Mayto25September2020(due: String, applies: Bool) {
        let request = Self.day(due) - 140
        let outcome = RequestRules.evaluate(Self.record(request: request, exception: .code(.covid2020)),
                                            sequence: 0, asAt: Self.day("2021-01-01"))
        let final = outcome.results.first { $0.measure == .finalPlan20w }
        #expect(final?.exception == (applies ? .covid2020 : nil))
        #expect(outcome.warnings.isEmpty == applies)
        // The 6-week deadline (request + 42) is outside the window for every one of these.
        #expect(outcome.results.first { $0.measure == .decisionToAssess6w }?.exception == nil)
    }

    @Test func daysAreCountedFromTheRequestDate() {
        let r = Self.evaluate(Self.record(decisionDate: Self.received + 42, decision: .assess), asAt: "2025-03-01")
        #expect(r[.finalPlan20w]?.start == Self.received)
        #expect(r[.finalPlan20w]?.periodDate == Self.day("2025-05-26"))
        #expect(r[.decisionToAssess6w]?.periodDate == Self.received + 42)
    }
}

@Suite struct ExceptionReadingTests {
    @Test(arguments: ["school_closure", "School Closure", "SCHOOL-CLOSURE", "schoolclosure"])
    func canonicalCodesMatchIgnoringCaseSpacesHyphensAndUnderscores(text: String) {
        #expect(ExceptionReading(text) == .code(.schoolClosure))
    }

    @Test(arguments: ["1", "yes", "Y", "true", "unspecified", "TRUE"])
    func sen2FlagsMeanAnUnspecifiedException(text: String) {
        #expect(ExceptionReading(text) == .code(.unspecified))
    }

    @Test(arguments: ["", "0", "no", "N", "false"])
    func blankAndNoMeanNoException(text: String) {
        #expect(ExceptionReading(text) == ExceptionReading.none)
    }

    @Test func otherReasonsAreUnrecognised() {
        #expect(ExceptionReading("missed appointment") == .unrecognised("missed appointment"))
    }
}
