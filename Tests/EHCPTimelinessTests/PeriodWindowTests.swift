import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

private func day(_ iso: String) -> Day {
    guard let d = Day(iso: iso) else { fatalError("bad test date \(iso)") }
    return d
}

/// A final-plan case (request 2025-01-06, due 2025-05-26) completed on `completed`, or
/// open and due on `due`.
private func finalPlan(_ id: String, completed: String? = nil, due: String = "2025-05-26", team: String = "North",
                       exception: ExceptionCode? = nil) -> CaseResult {
    let dueDay = completed == nil ? day(due) : day("2025-05-26")
    let done = completed.map(day)
    let asAt = day("2025-10-31")
    return CaseResult(measure: .finalPlan20w, caseID: id, line: 2, sequence: 0, start: dueDay - 140, due: dueDay,
                      completed: done, status: Deadline.status(due: dueDay, completed: done, asAt: asAt),
                      exception: exception, dimensions: [team])
}

/// The summary rows of `cases` analysed with `window`, by `--by team`.
private func summary(_ cases: [CaseResult], window: DateWindow, period: PeriodUnit = .month) throws -> [SummaryRow] {
    var options = AnalysisOptions(inputs: [], asAt: day("2025-10-31"))
    options.window = window
    options.period = period
    return try AnalysisResult(options: options, byColumns: ["team"], cases: cases, problems: [], inputs: [],
                              hasTeam: true, hasCaseworker: false).summary
}

private func total(_ rows: [SummaryRow]) -> SummaryRow? { rows.first { $0.isAllPeriods && $0.isCohortTotal } }

/// `--from` / `--to`: which cases summary.csv, summary.json, the report and the console count.
@Suite struct PeriodWindowTests {
    @Test("a window includes both of its ends and nothing beyond them; a missing end is open")
    func windowBoundsAreInclusive() {
        let w = DateWindow(from: day("2025-04-01"), to: day("2025-09-30"))
        #expect(w.contains(day("2025-04-01")) && w.contains(day("2025-09-30")))
        #expect(!w.contains(day("2025-03-31")) && !w.contains(day("2025-10-01")))
        #expect(DateWindow(from: day("2025-04-01")).contains(day("2999-12-31")))
        #expect(DateWindow(to: day("2025-09-30")).contains(day("1900-01-01")))
        #expect(!DateWindow().isRestricted && DateWindow().contains(day("2025-01-01")))
        // From after to is an empty window, not a trap (the command line refuses it first).
        #expect(!DateWindow(from: day("2025-10-01"), to: day("2025-09-30")).contains(day("2025-09-30")))
    }

    @Test("a case completed on --to counts and one completed the day after does not; likewise --from and the day before")
    func completedCasesAtTheEdges() throws {
        let cases = [finalPlan("before-from", completed: "2025-03-31"), finalPlan("on-from", completed: "2025-04-01"),
                     finalPlan("on-to", completed: "2025-09-30"), finalPlan("after-to", completed: "2025-10-01")]
        let rows = try summary(cases, window: DateWindow(from: day("2025-04-01"), to: day("2025-09-30")))
        #expect(total(rows)?.cases == 2)
        #expect(rows.filter { !$0.isAllPeriods && $0.isCohortTotal }.map(\.period) == ["2025-04", "2025-09"])
        let fromOnly = try summary(cases, window: DateWindow(from: day("2025-04-01")))
        #expect(total(fromOnly)?.cases == 3)
        let toOnly = try summary(cases, window: DateWindow(to: day("2025-09-30")))
        #expect(total(toOnly)?.cases == 3)
    }

    @Test("an open case counts by its due date: due on --to is in, due the day after is out")
    func openCasesByDueDate() throws {
        let cases = [finalPlan("due-on-to", due: "2025-09-30"), finalPlan("due-after", due: "2025-10-01")]
        let rows = try summary(cases, window: DateWindow(to: day("2025-09-30")))
        #expect(total(rows).map { [$0.cases, $0.openOverdue] } == [1, 1])
    }

    @Test("all-periods rows, cohort rows and the total across cohorts count only the cases in the window")
    func allPeriodsRowsCountOnlyTheWindow() throws {
        let cases = [finalPlan("n1", completed: "2025-05-01", team: "North"), finalPlan("n2", completed: "2025-11-01", team: "North"),
                     finalPlan("s1", completed: "2025-06-10", team: "South"), finalPlan("s2", completed: "2024-12-01", team: "South"),
                     finalPlan("s3", completed: "2025-07-01", team: "South", exception: .personalCircumstances)]
        for period in [PeriodUnit.month, .financialQuarter, .year] {
            let rows = try summary(cases, window: DateWindow(from: day("2025-04-01"), to: day("2025-09-30")), period: period)
            let all = rows.filter(\.isAllPeriods)
            #expect(all.map { $0.cohort + [String($0.cases), String($0.excepted)] } == [
                ["North", "1", "0"], ["South", "2", "1"], ["all", "3", "1"],
            ], "\(period)")
            // The period rows add up to the all-periods rows: nothing outside is left in a period.
            let periodTotal = rows.filter { !$0.isAllPeriods && $0.isCohortTotal }.reduce(0) { $0 + $1.cases }
            #expect(periodTotal == 3, "\(period)")
        }
    }

    @Test("the report's tallies leave out cases outside the window, but the benchmark's calendar years keep them")
    func talliesAndBenchmarkYears() throws {
        var options = AnalysisOptions(inputs: [], asAt: day("2025-10-31"))
        options.window = DateWindow(from: day("2025-04-01"), to: day("2025-09-30"))
        let cases = [finalPlan("in", completed: "2025-05-20"), finalPlan("out", completed: "2025-03-20"),
                     finalPlan("late-out", completed: "2025-10-20"), finalPlan("open-out", due: "2025-10-10")]
        let result = try AnalysisResult(options: options, byColumns: ["team"], cases: cases, problems: [], inputs: [],
                                        hasTeam: true, hasCaseworker: false)
        let tallies = result.tallies(.finalPlan20w)
        #expect(tallies.within20Weeks == 1 && tallies.over20To52Weeks == 0)
        #expect(tallies.completed(inMonths: PeriodUnit.month.index(for: day("2024-11-01"))...PeriodUnit.month.index(for: day("2025-10-01")))
                    == (completed: 1, onTime: 1))
        #expect(tallies.maxDaysOverdue == nil)
        #expect(tallies.completedByYear.mapValues { [$0.plans, $0.onTime] } == [2025: [3, 2]])
    }

    @Test("a window wider than the data gives the tallies and summary of no window at all")
    func wideWindowChangesNothing() throws {
        let cases = [finalPlan("a", completed: "2025-03-31"), finalPlan("b", completed: "2025-10-01"), finalPlan("c", due: "2025-10-20")]
        var options = AnalysisOptions(inputs: [], asAt: day("2025-10-31"))
        let plain = try AnalysisResult(options: options, byColumns: ["team"], cases: cases, problems: [], inputs: [],
                                       hasTeam: true, hasCaseworker: false)
        options.window = DateWindow(from: day("1900-01-01"), to: day("2999-12-31"))
        let wide = try AnalysisResult(options: options, byColumns: ["team"], cases: cases, problems: [], inputs: [],
                                      hasTeam: true, hasCaseworker: false)
        #expect(wide.summary == plain.summary)
        #expect(wide.measureTallies == plain.measureTallies)
    }
}
