import Foundation
import Testing
@testable import EHCPRules
@testable import EHCPOutputs

/// Each measure's report explains how its own due date is counted: "the day the clock
/// starts is not counted" is true of week limits only (a 12-month period includes its
/// first day; a transfer deadline is a calendar date).
@Suite struct DayCountingSentenceTests {
    @Test func aWeekLimitSaysDayZeroIsNotCountedWithItsOwnNumberOfDays() {
        for id in [MeasureID.decisionToAssess6w, .noPlanDecision16w, .reviewDecision4w, .amendedPlan8w] {
            let d = id.definition
            let days = d.dueDate.days ?? 0
            let text = d.dueDate.countingSentence(clockStart: d.clockStart, reading: .literal)
            #expect(text == "Day 0 is the \(d.clockStart), which is not counted: the limit ends \(days) days later, and a case completed on day \(days) is on time.")
        }
    }

    @Test func theTwelveMonthPeriodIncludesItsFirstDayAndNeverSaysTheStartIsNotCounted() {
        let d = MeasureID.annualReview12m.definition
        let text = d.dueDate.countingSentence(clockStart: d.clockStart, reading: .literal)
        #expect(text.contains("includes that day"))
        #expect(text.contains("1 January 2019 → 31 December 2019"))
        #expect(!text.contains("not counted"))
        // The worked example in the sentence is the rule's own answer.
        #expect(d.dueDate.due(from: Day(iso: "2019-01-01")!) == Day(iso: "2019-12-31")!)
    }

    @Test func aPhaseTransferDeadlineIsACalendarDateUnderEitherReading() {
        let d = MeasureID.phaseTransfer.definition
        let literal = d.dueDate.countingSentence(clockStart: d.clockStart, reading: .literal)
        let inclusive = d.dueDate.countingSentence(clockStart: d.clockStart, reading: .inclusive)
        #expect(literal.contains("makes 14 February the last day on time (30 March for a move from secondary school to post-16"))
        #expect(inclusive.contains("makes 15 February the last day on time (31 March for a move from secondary school to post-16"))
        #expect(!literal.contains("not counted") && !inclusive.contains("not counted"))
        // The days named are the rule's own due dates.
        #expect(TransferRules.due(.primaryToSecondary, transferDate: Day(iso: "2026-09-01")!, reading: .literal) == Day(iso: "2026-02-14")!)
        #expect(TransferRules.due(.secondaryToPost16, transferDate: Day(iso: "2026-09-01")!, reading: .inclusive) == Day(iso: "2026-03-31")!)
    }

    @Test func theSampleReportGivesEachMeasureItsOwnSentence() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let md = try String(contentsOf: root.appendingPathComponent("Reports/sample/report.md"), encoding: .utf8)
        #expect(!md.contains("because the day the clock starts is not counted"))
        #expect(md.contains("Day 0 is the meeting, which is not counted: the limit ends 28 days later"))
        #expect(md.contains("A period of 12 months starting with a day includes that day"))
        #expect(md.contains("makes 14 February the last day on time"))
    }
}
