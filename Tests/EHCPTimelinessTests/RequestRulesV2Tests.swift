import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness

/// Rule set version 2 for requests (issue 15), at every boundary, worked by hand:
/// the grounds each measure's regulation gives (reg 5(4) has no early-years ground), the
/// school-closure window of regs 5(4)(a) and 10(4)(a), and the 15-day representation
/// period of reg 13(1)(a). The dates are in docs/rules/requests.md.
@Suite struct RequestRulesV2Tests {
    static func day(_ iso: String) -> Day { Day(iso: iso)! }

    /// The 2025 summer holiday: closed Saturday 19 July to Tuesday 2 September (46 days),
    /// re-opening Wednesday 3 September. Its window: 12 July to 27 August.
    static let summer = SchoolClosure(start: day("2025-07-19"), end: day("2025-09-02"))
    /// October half-term: 9 days, no window.
    static let halfTerm = SchoolClosure(start: day("2025-10-25"), end: day("2025-11-02"))
    static let closures = SchoolClosures(file: "term-dates.csv", periods: [halfTerm, summer])

    static func record(request: String, decision: String? = nil, draft: String? = nil, final: String? = nil,
                       advice: String? = nil, exception: ExceptionReading = .none,
                       decisionException: ExceptionReading = .none) -> RequestRecord {
        RequestRecord(caseID: "R1", line: 7, requestDate: day(request), assessmentDecisionDate: decision.map(day),
                      assessmentDecision: decision == nil ? nil : .assess, draftPlanDate: draft.map(day),
                      finalPlanDate: final.map(day), schoolAdviceDate: advice.map(day), exception: exception,
                      decisionException: decisionException, cohort: Cohort(values: [], ageBandSlots: []))
    }

    /// The timings by measure, and the rules' warnings.
    static func evaluate(_ r: RequestRecord, closures: SchoolClosures? = nil,
                         asAt: String = "2026-06-30") -> (timings: [MeasureID: CaseTiming], warnings: [RuleWarning]) {
        var out = RuleTimings()
        RequestRules.evaluate(r, rules: RuleSettings(asAt: day(asAt), schoolClosures: closures), into: &out)
        var timings: [MeasureID: CaseTiming] = [:]
        for t in out.timings { timings[t.measure] = t }
        return (timings, out.warnings)
    }

    // MARK: Which grounds each measure accepts (the measure table)

    @Test func theMeasureTableSaysWhichGroundsEachRequestMeasureAccepts() {
        #expect(MeasureID.decisionToAssess6w.definition.exceptionGrounds?.citation == "reg 5(4)")
        #expect(MeasureID.decisionToAssess6w.definition.exceptionGrounds?.accepted.contains(.earlyYearsClosure) == false)
        #expect(MeasureID.noPlanDecision16w.definition.exceptionGrounds?.accepted.contains(.earlyYearsClosure) == true)
        #expect(MeasureID.finalPlan20w.definition.exceptionGrounds?.accepted.contains(.earlyYearsClosure) == true)
        for id in [MeasureID.decisionToAssess6w, .noPlanDecision16w, .finalPlan20w] {
            let accepted = id.definition.exceptionGrounds?.accepted ?? []
            for code in [ExceptionCode.schoolClosure, .personalCircumstances, .absentFromArea] {
                #expect(accepted.contains(code), "\(id) \(code)")
            }
        }
        // The review measures accept only SI 2020/471's relaxation, from their row's exception_reason.
        #expect(MeasureID.annualReview12m.definition.exceptionGrounds == .covid2020)
        #expect(MeasureID.annualReview12m.definition.exceptionColumn == "exception_reason")
    }

    @Test func earlyYearsClosureOnTheSixWeekDecisionIsAWarningCitingReg5_4AndIsNotApplied() {
        // Decided on day 50 (due 2025-02-17): late, and it stays late.
        let r = Self.record(request: "2025-01-06", decision: "2025-02-25", decisionException: .code(.earlyYearsClosure))
        let (timings, warnings) = Self.evaluate(r)
        #expect(timings[.decisionToAssess6w]?.exception == nil)
        #expect(timings[.decisionToAssess6w]?.status == .late)
        #expect(warnings == [RuleWarning(
            line: 7, field: "decision_exception_reason", value: "early_years_closure",
            message: "decision-to-assess-6w: early_years_closure is not a ground that reg 5(4) gives for this limit "
                + "(accepted: school_closure, personal_circumstances, absent_from_area, covid_2020, unspecified); "
                + "the case is counted without an exception")])
    }

    @Test func earlyYearsClosureOnTheTwentyWeekPlanIsApplied() {
        let r = Self.record(request: "2025-01-06", decision: "2025-02-10", final: "2025-07-01", exception: .code(.earlyYearsClosure))
        let (timings, warnings) = Self.evaluate(r)
        #expect(timings[.finalPlan20w]?.exception == .earlyYearsClosure)
        #expect(timings[.finalPlan20w]?.status == .late)  // the status stands; the case leaves the rate
        #expect(warnings.isEmpty)
    }

    @Test func earlyYearsClosureOnTheSixteenWeekNoticeIsApplied() {
        var r = Self.record(request: "2025-01-06", decision: "2025-02-10", exception: .code(.earlyYearsClosure))
        r.planDecision = .noPlan; r.planDecisionDate = Self.day("2025-05-01")
        let (timings, warnings) = Self.evaluate(r)
        #expect(timings[.noPlanDecision16w]?.exception == .earlyYearsClosure)
        #expect(warnings.isEmpty)
    }

    // MARK: `none`

    @Test(arguments: ["none", "None", "NONE", " none "])
    func noneMeansNoException(text: String) {
        #expect(ExceptionReading(text) == ExceptionReading.none)
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        #expect(Bytes.withUTF8(trimmed) { ExceptionReading.canonical($0) } == ExceptionReading.none)
    }

    // MARK: The school-closure window (regs 5(4)(a), 10(4)(a))

    @Test func aClosureOf28DaysHasAWindowAndOneOf27DaysHasNone() {
        let days27 = SchoolClosure(start: Self.day("2025-07-19"), end: Self.day("2025-08-14"))
        let days28 = SchoolClosure(start: Self.day("2025-07-19"), end: Self.day("2025-08-15"))
        #expect(days27.days == 27 && !days27.isLongEnough)
        #expect(days28.days == 28 && days28.isLongEnough)
        #expect(SchoolClosures(file: "t.csv", periods: [days27]).qualifying.isEmpty)
        #expect(SchoolClosures(file: "t.csv", periods: [days28]).qualifying == [days28])
        // 28 days from Saturday 19 July: re-opens Saturday 16 August; the window ends 9 August.
        #expect(days28.window == Self.day("2025-07-12")...Self.day("2025-08-09"))
    }

    @Test func theSummerWindowRunsFromAWeekBeforeTheClosureToAWeekBeforeReopening() {
        #expect(Self.summer.days == 46)
        #expect(Self.summer.reopens == Self.day("2025-09-03"))
        #expect(Self.summer.window == Self.day("2025-07-12")...Self.day("2025-08-27"))
        #expect(Self.closures.qualifying == [Self.summer])  // the half-term has no window
    }

    @Test func adjacentAndOverlappingRowsAreOneContinuousClosure() {
        // 27 days of holiday then an INSET day: closed 28 days running.
        let holiday = SchoolClosure(start: Self.day("2025-07-19"), end: Self.day("2025-08-14"))
        let inset = SchoolClosure(start: Self.day("2025-08-15"), end: Self.day("2025-08-15"))
        #expect(SchoolClosures(file: "t.csv", periods: [inset, holiday]).qualifying
                == [SchoolClosure(start: Self.day("2025-07-19"), end: Self.day("2025-08-15"))])
        // A gap of one open day: two closures, neither of 4 weeks.
        let later = SchoolClosure(start: Self.day("2025-08-16"), end: Self.day("2025-08-20"))
        #expect(SchoolClosures(file: "t.csv", periods: [holiday, later]).qualifying.isEmpty)
    }

    @Test func aClockPeriodTouchingTheWindowByOneDayIsSupportedAndOneMissingItByOneDayIsNot() {
        // Request 22 February 2025: the 20-week clock ends 12 July, the window's first day.
        #expect(Self.closures.check(clockStart: Self.day("2025-02-22"), due: Self.day("2025-07-12"), adviceDate: nil) == .supported(Self.summer))
        // Request 21 February: the clock ends 11 July, a day before the window.
        #expect(Self.closures.check(clockStart: Self.day("2025-02-21"), due: Self.day("2025-07-11"), adviceDate: nil)
                == .clockMissesEveryWindow(from: Self.day("2025-02-21"), to: Self.day("2025-07-11"), nearest: Self.summer))
        // The other end: a clock starting on the window's last day, 27 August, and on the day after.
        #expect(Self.closures.check(clockStart: Self.day("2025-08-27"), due: Self.day("2026-01-14"), adviceDate: nil) == .supported(Self.summer))
        #expect(Self.closures.check(clockStart: Self.day("2025-08-28"), due: Self.day("2026-01-15"), adviceDate: nil)
                == .clockMissesEveryWindow(from: Self.day("2025-08-28"), to: Self.day("2026-01-15"), nearest: Self.summer))
    }

    @Test(arguments: [("2025-07-12", true), ("2025-08-27", true), ("2025-07-11", false), ("2025-08-28", false)])
    func theAdviceDateMustFallInAWindow(advice: String, supported: Bool) {
        // The clock (6 January to 26 May) overlaps no window: only the advice date counts.
        let verdict = Self.closures.check(clockStart: Self.day("2025-01-06"), due: Self.day("2025-05-26"), adviceDate: Self.day(advice))
        if supported {
            #expect(verdict == .supported(Self.summer))
        } else {
            #expect(verdict == .adviceOutsideEveryWindow(advice: Self.day(advice), nearest: Self.summer))
        }
    }

    @Test func withoutAClosureOf4WeeksEveryClaimFails() {
        let short = SchoolClosures(file: "t.csv", periods: [Self.halfTerm])
        #expect(short.check(clockStart: Self.day("2025-10-01"), due: Self.day("2026-02-18"), adviceDate: nil) == .noQualifyingClosure)
        #expect(short.reason(.noQualifyingClosure, citation: "reg 5(4)(a)")
                == "t.csv has no closure of at least 4 continuous weeks (28 days), so no school-closure window exists (reg 5(4)(a))")
    }

    // MARK: The claim in the rules

    @Test func aTwentyWeekClaimWhoseClockTouchesTheWindowIsApplied() {
        let r = Self.record(request: "2025-02-22", decision: "2025-03-20", final: "2025-08-01", exception: .code(.schoolClosure))
        let (timings, warnings) = Self.evaluate(r, closures: Self.closures)
        #expect(timings[.finalPlan20w]?.due == Self.day("2025-07-12"))
        #expect(timings[.finalPlan20w]?.exception == .schoolClosure)
        #expect(warnings.isEmpty)
    }

    @Test func aTwentyWeekClaimWhoseClockMissesTheWindowByOneDayIsAWarningAndNotApplied() {
        let r = Self.record(request: "2025-02-21", decision: "2025-03-20", final: "2025-08-01", exception: .code(.schoolClosure))
        let (timings, warnings) = Self.evaluate(r, closures: Self.closures)
        #expect(timings[.finalPlan20w]?.due == Self.day("2025-07-11"))
        #expect(timings[.finalPlan20w]?.exception == nil)
        #expect(timings[.finalPlan20w]?.status == .late)
        #expect(warnings == [RuleWarning(
            line: 7, field: "exception_reason", value: "school_closure",
            message: "final-plan-20w: school_closure not applied: no school-closure window of term-dates.csv overlaps the clock "
                + "period 2025-02-21 to 2025-07-11; the nearest is the window 2025-07-12 to 2025-08-27 of the closure 2025-07-19 "
                + "to 2025-09-02, and it begins after the clock period (reg 13(3) with reg 10(4)(a)); the case is counted without an exception")])
    }

    @Test func theSameClaimWithoutTermDatesIsAppliedAsBefore() {
        let r = Self.record(request: "2025-02-21", decision: "2025-03-20", final: "2025-08-01", exception: .code(.schoolClosure))
        let (timings, warnings) = Self.evaluate(r)
        #expect(timings[.finalPlan20w]?.exception == .schoolClosure)
        #expect(warnings.isEmpty)
    }

    @Test func aSixWeekClaimIsCheckedAgainstTheSixWeekClock() {
        // Request 31 May: due 12 July, the window's first day. Request 30 May: due 11 July.
        let touching = Self.record(request: "2025-05-31", decision: "2025-07-20", decisionException: .code(.schoolClosure))
        #expect(Self.evaluate(touching, closures: Self.closures).timings[.decisionToAssess6w]?.exception == .schoolClosure)
        let missing = Self.record(request: "2025-05-30", decision: "2025-07-20", decisionException: .code(.schoolClosure))
        let (timings, warnings) = Self.evaluate(missing, closures: Self.closures)
        #expect(timings[.decisionToAssess6w]?.exception == nil)
        #expect(warnings.map(\.field) == ["decision_exception_reason"])
        #expect(warnings.first?.message.hasPrefix("decision-to-assess-6w: school_closure not applied: no school-closure window") == true)
        #expect(warnings.first?.message.contains("(reg 5(4)(a))") == true)
    }

    @Test(arguments: [("2025-07-12", true), ("2025-08-27", true), ("2025-07-11", false)])
    func aClaimWithAnAdviceDateStandsOnlyWhenTheDateIsInAWindow(advice: String, applied: Bool) {
        // Request 12 May: the 20-week clock (to 29 September) overlaps the window, but the
        // advice date decides.
        let r = Self.record(request: "2025-05-12", decision: "2025-06-10", final: "2025-10-20", advice: advice,
                            exception: .code(.schoolClosure))
        let (timings, warnings) = Self.evaluate(r, closures: Self.closures)
        #expect(timings[.finalPlan20w]?.exception == (applied ? .schoolClosure : nil))
        if applied {
            #expect(warnings.isEmpty)
        } else {
            #expect(warnings.map(\.message) == [
                "final-plan-20w: school_closure not applied: school_advice_date 2025-07-11 is in no school-closure window of "
                    + "term-dates.csv; the nearest is the window 2025-07-12 to 2025-08-27 of the closure 2025-07-19 to 2025-09-02, "
                    + "and it begins after that date (reg 13(3) with reg 10(4)(a)); the case is counted without an exception"])
        }
    }

    @Test func anUnusableAdviceDateCostsTheClaimedMeasureOnlyWhenTermDatesAreGiven() {
        var r = Self.record(request: "2025-02-21", decision: "2025-03-20", final: "2025-08-01", exception: .code(.schoolClosure))
        r.unusable = ["school_advice_date"]
        var out = RuleTimings()
        RequestRules.evaluate(r, rules: RuleSettings(asAt: Self.day("2026-06-30"), schoolClosures: Self.closures), into: &out)
        #expect(out.timings.map(\.measure) == [.decisionToAssess6w])
        #expect(out.unmeasured == [Unmeasured(measure: .finalPlan20w, fields: ["school_advice_date"])])
        RequestRules.evaluate(r, rules: RuleSettings(asAt: Self.day("2026-06-30")), into: &out)
        #expect(out.timings.map(\.measure) == [.decisionToAssess6w, .finalPlan20w])
        #expect(out.unmeasured.isEmpty)
    }

    // MARK: The 15-day representation period (reg 13(1)(a))

    @Test func aFinalPlan14DaysAfterItsDraftIsAWarningAndCountedAsShort() {
        let r = Self.record(request: "2025-01-06", decision: "2025-02-10", draft: "2025-05-01", final: "2025-05-15")
        let (timings, warnings) = Self.evaluate(r)
        #expect(timings[.finalPlan20w]?.shortRepresentation == true)
        #expect(timings[.finalPlan20w]?.status == .onTime)
        #expect(timings[.decisionToAssess6w]?.shortRepresentation == false)
        #expect(warnings == [RuleWarning(line: 7, field: "final_plan_date", value: "2025-05-15",
                                         message: "final plan 14 days after the draft; at least 15 days are required, reg 13(1)(a) (draft_plan_date 2025-05-01)")])
    }

    @Test func aFinalPlan15DaysAfterItsDraftIsFine() {
        let r = Self.record(request: "2025-01-06", decision: "2025-02-10", draft: "2025-05-01", final: "2025-05-16")
        let (timings, warnings) = Self.evaluate(r)
        #expect(timings[.finalPlan20w]?.shortRepresentation == false)
        #expect(warnings.isEmpty)
    }

    @Test func theShortfallIsCountedFromTheDraftsDay() {
        #expect(RepresentationPeriod.minimumDays == 15)
        #expect(RepresentationPeriod.shortfall(draft: Self.day("2025-05-01"), final: Self.day("2025-05-01")) == 0)
        #expect(RepresentationPeriod.shortfall(draft: Self.day("2025-05-01"), final: Self.day("2025-05-10")) == 9)
        #expect(RepresentationPeriod.shortfall(draft: Self.day("2025-05-01"), final: Self.day("2025-05-16")) == nil)
        // A final plan before its draft is an odd order (warned about when read), not a short period.
        #expect(RepresentationPeriod.shortfall(draft: Self.day("2025-05-10"), final: Self.day("2025-05-01")) == nil)
        #expect(RepresentationPeriod.shortfall(draft: nil, final: Self.day("2025-05-01")) == nil)
        #expect(RepresentationPeriod.message(days: 9) == "final plan 9 days after the draft; at least 15 days are required, reg 13(1)(a)")
        #expect(RepresentationPeriod.message(days: 1) == "final plan 1 day after the draft; at least 15 days are required, reg 13(1)(a)")
    }

    @Test func onlyTheFinalPlanMeasureCountsShortRepresentation() {
        #expect(MeasureTable.standard.definitions.filter(\.countsShortRepresentation).map(\.id) == [.finalPlan20w])
    }
}
