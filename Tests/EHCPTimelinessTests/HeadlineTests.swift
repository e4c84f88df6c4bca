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

/// The final-plan limit in days, from the measure table (never written here).
private let limit = MeasureID.finalPlan20w.definition.dueDate.days!

/// A final-plan case completed on `completed`, on time or late, or open (nil) and due on `due`.
private func finalPlan(_ id: String, completed: String? = nil, late: Bool = false, due: String? = nil,
                       exception: ExceptionCode? = nil, line: Int = 2, asAt: Day) -> CaseResult {
    let done = completed.map(day)
    let dueDay = due.map(day) ?? (done.map { late ? $0 - 1 : $0 + 3 } ?? asAt + 10)
    let start = dueDay - limit
    return CaseResult(measure: .finalPlan20w, caseID: id, line: line, sequence: 0, start: start, due: dueDay, completed: done,
                      status: Deadline.status(due: dueDay, completed: done, asAt: asAt), exception: exception, dimensions: [])
}

/// A finished analysis built by hand, as ReportTests does: the cases go through a run's collector.
private func analysis(_ cases: [CaseResult], asAt: Day, configure: (inout AnalysisOptions) -> Void = { _ in }) throws -> AnalysisResult {
    var options = AnalysisOptions(inputs: [InputFile(kind: .requests, path: "requests.csv")], asAt: asAt)
    configure(&options)
    let input = InputSummary(kind: .requests, file: "requests.csv", rowsRead: cases.count, analysed: cases.count, rejected: 0,
                             sha256: String(repeating: "ab", count: 32))
    return try AnalysisResult(options: options, byColumns: options.by, cases: cases, problems: [], inputs: [input],
                              hasTeam: false, hasCaseworker: false)
}

private func headlineRow(_ model: ReportModel) throws -> Headline.Row {
    try #require(model.headline.rows.first { $0.measure == .finalPlan20w })
}

@Suite struct HeadlineMonthTests {
    @Test("as at the last day of a month, that month is the latest complete month; as at the first day of the next, it still is")
    func monthChoiceAtTheMonthBoundary() throws {
        let october = PeriodUnit.month.index(for: day("2025-10-15"))
        #expect(Headline.latestCompleteMonth(asAt: day("2025-10-31")) == october)
        #expect(Headline.latestCompleteMonth(asAt: day("2025-11-01")) == october)
        #expect(Headline.latestCompleteMonth(asAt: day("2025-11-29")) == october)
        #expect(Headline.latestCompleteMonth(asAt: day("2025-11-30")) == october + 1)
        #expect(Headline.latestCompleteMonth(asAt: day("2026-01-01")) == PeriodUnit.month.index(for: day("2025-12-01")))
        #expect(Headline.latestCompleteMonth(asAt: day("2024-02-29")) == PeriodUnit.month.index(for: day("2024-02-01")))
        #expect(Headline.latestCompleteMonth(asAt: day("2024-02-28")) == PeriodUnit.month.index(for: day("2024-01-01")))

        // The same extract as at 31 October and as at 1 November: October is the headline month
        // both times, and a plan issued on 1 November is not in it.
        for asAtText in ["2025-10-31", "2025-11-01"] {
            let asAt = day(asAtText)
            var cases = [finalPlan("oct", completed: "2025-10-31", asAt: asAt)]
            if asAtText == "2025-11-01" { cases.append(finalPlan("nov", completed: "2025-11-01", late: true, asAt: asAt)) }
            let model = ReportModel(try analysis(cases, asAt: asAt))
            #expect(model.headlineMonthWords == "October 2025")
            #expect(try headlineRow(model).latestMonth == Headline.Rate(completed: 1, onTime: 1, suppressed: false))
            #expect(MarkdownReport.render(model).contains("October 2025, the latest complete month, and the 12 months to October 2025 (November 2024 to October 2025)"))
        }
    }

    @Test("the 12 months run from the month eleven months before the headline month to it, both included")
    func twelveMonthWindow() throws {
        let asAt = day("2025-10-31")
        let model = ReportModel(try analysis([
            finalPlan("before", completed: "2024-10-31", asAt: asAt),               // one day before the window
            finalPlan("first", completed: "2024-11-01", late: true, asAt: asAt),    // its first day
            finalPlan("mid", completed: "2025-03-15", asAt: asAt),
            finalPlan("last", completed: "2025-10-31", asAt: asAt),                 // its last day
        ], asAt: asAt))
        #expect(model.headline.window == PeriodUnit.month.index(for: day("2024-11-01"))...PeriodUnit.month.index(for: day("2025-10-01")))
        let row = try headlineRow(model)
        #expect(row.twelveMonths == Headline.Rate(completed: 3, onTime: 2, suppressed: false))
        #expect(row.twelveMonths.rateTenths == 667)
        #expect(row.latestMonth == Headline.Rate(completed: 1, onTime: 1, suppressed: false))
        #expect(model.headlineWindowWords == "12 months to October 2025")
    }

    @Test("on time of completed and the rate leave out excepted and open cases, in both reports")
    func onTimeOfCompletedAndRate() throws {
        let asAt = day("2025-10-31")
        let result = try analysis([
            finalPlan("a", completed: "2025-10-02", asAt: asAt),
            finalPlan("b", completed: "2025-10-10", asAt: asAt),
            finalPlan("c", completed: "2025-10-20", asAt: asAt),
            finalPlan("d", completed: "2025-10-21", late: true, asAt: asAt),
            finalPlan("x", completed: "2025-10-22", late: true, exception: .personalCircumstances, asAt: asAt),
            finalPlan("open", due: "2025-11-20", asAt: asAt),
            finalPlan("sept", completed: "2025-09-30", late: true, asAt: asAt),
        ], asAt: asAt)
        let model = ReportModel(result)
        let row = try headlineRow(model)
        #expect(row.latestMonth == Headline.Rate(completed: 4, onTime: 3, suppressed: false))
        #expect(row.latestMonth.rateTenths == 750)
        #expect(row.twelveMonths == Headline.Rate(completed: 5, onTime: 3, suppressed: false))
        #expect(row.twelveMonths.rateTenths == 600)
        let cells = [row.title, "3 of 4", "75.0 %", "3 of 5", "60.0 %", "0", "–"]
        #expect(model.headlineTable.rows == [cells])
        #expect(MarkdownReport.render(model).contains("| " + cells.joined(separator: " | ") + " |"))
        let html = HTMLReport.render(model)
        #expect(html.contains("<td class=\"count\">3 of 4</td><td class=\"rate\">75.0 %</td><td class=\"count\">3 of 5</td><td class=\"rate\">60.0 %</td>"))
        // The headline comes before the caveats and the contents, in both reports.
        for text in [html, MarkdownReport.render(model)] {
            let headline = try #require(text.range(of: "Headline")?.lowerBound)
            let contents = try #require(text.range(of: "Contents")?.lowerBound)
            let caveats = try #require(text.range(of: "Read this first", range: contents..<text.endIndex)?.lowerBound)
            let whatRatesMean = try #require(text.range(of: "What the rates mean.")?.lowerBound)
            #expect(headline < contents && contents < caveats && caveats < whatRatesMean)
        }
    }

    @Test("the headline is by calendar month whatever --period is, and under --period month agrees with summary.csv's rows")
    func headlineMatchesSummaryRows() throws {
        let asAt = day("2025-10-31")
        var cases: [CaseResult] = []
        for i in 0..<40 {
            let completed = day("2024-06-03") + i * 13
            cases.append(finalPlan("p\(i)", completed: completed.iso, late: i % 3 == 0, asAt: asAt))
        }
        let monthly = try analysis(cases, asAt: asAt)
        let row = try headlineRow(ReportModel(monthly))
        let window = Set((0..<12).map { PeriodUnit.month.label(forIndex: ReportModel(monthly).headline.month - $0) })
        let rows = monthly.summary.filter { $0.measure == .finalPlan20w && window.contains($0.period) }
        #expect(row.twelveMonths.completed == rows.reduce(0) { $0 + $1.onTime + $1.late })
        #expect(row.twelveMonths.onTime == rows.reduce(0) { $0 + $1.onTime })
        let october = monthly.summary.first { $0.measure == .finalPlan20w && $0.period == "2025-10" }
        #expect(row.latestMonth.completed == (october.map { $0.onTime + $0.late } ?? 0))
        let quarterly = try analysis(cases, asAt: asAt) { $0.period = .quarter }
        #expect(try headlineRow(ReportModel(quarterly)) == row)
    }
}

@Suite struct HeadlineOverdueTests {
    @Test("open overdue counts every case past its deadline, exceptions included; the most overdue is named, first row first on a tie")
    func openOverdueAndOldest() throws {
        let asAt = day("2025-10-31")
        let result = try analysis([
            finalPlan("in-time", due: "2025-11-05", asAt: asAt),
            finalPlan("due-today", due: "2025-10-31", asAt: asAt),                        // not overdue yet
            finalPlan("r12", due: "2025-10-01", line: 12, asAt: asAt),                      // 30 days
            finalPlan("r13", due: "2025-03-05", line: 13, asAt: asAt),                      // 240 days
            finalPlan("r14", due: "2025-03-05", line: 14, asAt: asAt),                      // 240 days, a later row
            finalPlan("r15", due: "2025-06-01", exception: .absentFromArea, line: 15, asAt: asAt),
            finalPlan("done", completed: "2025-10-01", late: true, asAt: asAt),
        ], asAt: asAt)
        let model = ReportModel(result)
        let row = try headlineRow(model)
        #expect(row.openOverdue == 4)
        #expect(row.maxDaysOverdue == 240)
        #expect(row.oldest?.caseID == "r13")
        #expect(row.oldest?.line == 13)
        #expect(model.headlineTable.rows.first?.suffix(2) == ["4", "240 days (case r13)"])
        #expect(row.openOverdue == (try #require(model.measures.first)).backlog.total)

        // With --suppress-below the report is for publication: the case is not named.
        let published = ReportModel(try analysis([
            finalPlan("r13", due: "2025-03-05", asAt: asAt), finalPlan("r12", due: "2025-10-01", asAt: asAt),
        ] + (0..<5).map { finalPlan("ok\($0)", completed: "2025-10-01", asAt: asAt) }, asAt: asAt) { $0.suppressBelow = 3 })
        let hidden = try headlineRow(published)
        #expect(hidden.oldest == nil && hidden.maxDaysOverdue == 240)
        #expect(published.headlineTable.rows.first?.last == "240 days")
        #expect(hidden.latestMonth.suppressed == false && hidden.latestMonth.completed == 5)
    }

    @Test("with no case overdue the headline says so with a dash")
    func nothingOverdue() throws {
        let asAt = day("2025-10-31")
        let model = ReportModel(try analysis([finalPlan("a", completed: "2025-10-01", asAt: asAt)], asAt: asAt))
        let row = try headlineRow(model)
        #expect(row.openOverdue == 0 && row.maxDaysOverdue == nil && row.oldest == nil)
        #expect(model.headlineTable.rows.first?.suffix(2) == ["0", "–"])
    }

    /// An open final plan `days` overdue on `asAt`.
    private func overdue(_ days: Int, asAt: Day) -> CaseTiming {
        let due = asAt - days
        return CaseTiming(measure: .finalPlan20w, start: due - limit, due: due, completed: nil, status: .openOverdue, exception: nil)
    }

    @Test("the most overdue case is the same however the rows are split into chunks and merged, and in any order")
    func oldestIsChunkOrderIndependent() {
        let asAt = day("2025-10-31")
        var rng = SplitMix64(seed: 14)
        let rows: [(days: Int, ordinal: Int64)] = (0..<300).map { i in (Int.random(in: 1...60, using: &rng), Int64(i)) }
        func tallies(_ slice: ArraySlice<(days: Int, ordinal: Int64)>) -> MeasureTallies {
            var t = MeasureTallies()
            for r in slice {
                let timing = overdue(r.days, asAt: asAt)
                t.add(timing, asAt: asAt)
                t.noteOverdue(timing, caseID: "C\(r.ordinal)", line: Int(r.ordinal) + 2, ordinal: r.ordinal, asAt: asAt)
            }
            return t
        }
        let whole = tallies(rows[...])
        let expected = rows.filter { $0.days == 60 }.map(\.ordinal).min()
        #expect(whole.maxDaysOverdue == 60)
        #expect(whole.oldestOverdue?.ordinal == expected)
        for cut in [1, 77, 150, 299] {
            var forward = tallies(rows[..<cut]); forward.merge(tallies(rows[cut...]))
            var backward = tallies(rows[cut...]); backward.merge(tallies(rows[..<cut]))
            #expect(forward == whole)
            #expect(backward == whole)
            #expect(backward.oldestOverdue == whole.oldestOverdue)
        }
    }

    @Test("a most overdue row taken back as a repeat gives way to the next; days stay exact when the name is not known")
    func takenBackRows() throws {
        let asAt = day("2025-10-31")
        let options = AnalysisOptions(inputs: [InputFile(kind: .requests, path: "requests.csv")], asAt: asAt)
        var collector = CaseCollector(options: options, byColumns: [], sinks: [])
        let facts = { (id: String, line: Int) in CaseFacts(caseID: id, line: line, sequence: 0, dimensions: []) }
        let cohort = collector.cohortNumber([])
        try collector.add([overdue(90, asAt: asAt)], of: facts("A", 2), cohort: cohort, ordinal: 2)
        try collector.add([overdue(90, asAt: asAt)], of: facts("B", 3), cohort: cohort, ordinal: 3)
        try collector.add([overdue(20, asAt: asAt)], of: facts("C", 4), cohort: cohort, ordinal: 4)
        collector.takeBack(overdue(90, asAt: asAt), dimensions: [], ordinal: 2)
        var t = collector.tallies[MeasureID.finalPlan20w.order]
        #expect(t.maxDaysOverdue == 90 && t.oldestOverdue?.caseID == "B")
        collector.takeBack(overdue(90, asAt: asAt), dimensions: [], ordinal: 3)
        t = collector.tallies[MeasureID.finalPlan20w.order]
        #expect(t.maxDaysOverdue == 20 && t.oldestOverdue?.caseID == "C")

        // More of the most overdue rows taken back than the list keeps: the days are still
        // right, and no case is named rather than the wrong one.
        var many = MeasureTallies()
        let n = MeasureTallies.overdueCandidateLimit + 2
        for i in 0..<n {
            let timing = overdue(100 + i, asAt: asAt)
            many.add(timing, asAt: asAt)
            many.noteOverdue(timing, caseID: "M\(i)", line: i + 2, ordinal: Int64(i), asAt: asAt)
        }
        for i in 2..<n {
            many.add(overdue(100 + i, asAt: asAt), asAt: asAt, weight: -1)
            many.forgetOverdue(ordinal: Int64(i))
        }
        #expect(many.maxDaysOverdue == 101)
        #expect(many.oldestOverdue == nil)
        #expect(many.backlogWithout.reduce(0, +) == 2)
    }
}

@Suite struct HeadlineBenchmarkTests {
    @Test("DfE's latest published year is in the headline only when the analysis has a benchmark")
    func benchmarkOnlyWhenGiven() throws {
        let asAt = day("2025-10-31")
        var result = try analysis([finalPlan("a", completed: "2025-10-01", asAt: asAt)], asAt: asAt)
        let without = ReportModel(result)
        #expect(without.headline.benchmark == nil)
        #expect(without.headlineBenchmark.isEmpty)
        #expect(!MarkdownReport.render(without).contains("DfE published"))
        #expect(!HTMLReport.render(without).contains("class=\"benchmark\""))

        result.benchmark = BenchmarkTable(laCode: "351", laName: "Bury", regionName: "North West", source: "timeliness_20_week.csv", rows: [
            BenchmarkRow(year: 2023, ownPlans: 120, ownWithin20Weeks: 60, ownRate: 50, publishedRate: 52.3, regionRate: 55.1, englandRate: 50.3),
            BenchmarkRow(year: 2024, ownPlans: 10, ownWithin20Weeks: 4, ownRate: 40, publishedRate: 99, regionRate: nil, englandRate: 46.4),
            BenchmarkRow(year: 2025, ownPlans: 3, ownWithin20Weeks: 3, ownRate: 100, publishedRate: nil, regionRate: nil, englandRate: nil),
        ])
        let with = ReportModel(result)
        let b = try #require(with.headline.benchmark)
        #expect(b.year == 2024 && b.measure == .finalPlan20w && b.councilRate == 99 && b.regionRate == nil && b.ownRate == 40)
        let sentence = "Bury 99.0\u{A0}%, North West –, England 46.4\u{A0}%; this extract's 2024: 40.0\u{A0}%"
        #expect(with.headlineBenchmark.contains(sentence))
        #expect(with.headlineBenchmark.hasPrefix("DfE published, final EHC plan within \(limit / 7) weeks (excluding exceptions), calendar year 2024"))
        #expect(MarkdownReport.render(with).contains(sentence))
        #expect(HTMLReport.render(with).contains("<p class=\"benchmark\">DfE published"))
    }
}

@Suite struct FuturePeriodTests {
    @Test("periods after the as-at date's month are left out of the charts, key figures and figure tables, not out of summary.csv")
    func futurePeriodsLeftOut() throws {
        let asAt = day("2025-10-31")
        let result = try analysis([
            finalPlan("sep", completed: "2025-09-10", asAt: asAt),
            finalPlan("oct", completed: "2025-10-10", late: true, asAt: asAt),
            finalPlan("open-oct", due: "2025-10-31", asAt: asAt),       // due in the as-at date's month: kept
            finalPlan("open-nov", due: "2025-11-03", asAt: asAt),
            finalPlan("open-jan", due: "2026-01-20", asAt: asAt),
            finalPlan("open-jan-x", due: "2026-01-21", exception: .schoolClosure, asAt: asAt),
        ], asAt: asAt)
        #expect(result.summary.map(\.period).contains("2025-11") && result.summary.map(\.period).contains("2026-01"))
        let model = ReportModel(result)
        let m = try #require(model.measures.first)
        #expect(m.periods.map(\.label) == ["2025-09", "2025-10"])
        #expect(m.series.points.map(\.label) == ["2025-09", "2025-10"])
        #expect(m.laterCases == 3 && m.laterPeriods == 2)
        #expect(m.total.cases == 3 && m.total.openInTime == 1 && m.total.excepted == 0)
        #expect(m.total.rateExclTenths == 500)
        let key = try #require(model.keyFigures.rows.first)
        #expect(key[1] == "3" && key[4] == "1")
        #expect(model.keyFigures.caption.contains("all months to October 2025"))
        #expect(model.keyFigures.note.contains("Months after October 2025 are left out: 3 cases still open and due after it are only in summary.csv and cases.csv."))
        let md = MarkdownReport.render(model)
        #expect(!md.contains("| 2025-11 |") && !md.contains("| 2026-01 |"))
        let html = HTMLReport.render(model)
        #expect(!html.contains(">2025-11<") && !html.contains(">2026-01<"))
        // The exceptions section still counts every excepted case.
        #expect(m.exceptions.total.excepted == 1)
    }

    @Test("by cohort, the later periods are taken off each cohort and the total")
    func futurePeriodsLeftOutOfCohorts() throws {
        let asAt = day("2025-10-31")
        var cases = [
            finalPlan("n1", completed: "2025-10-10", asAt: asAt), finalPlan("n2", due: "2026-02-01", asAt: asAt),
            finalPlan("s1", completed: "2025-10-11", late: true, asAt: asAt), finalPlan("future-only", due: "2026-03-01", asAt: asAt),
        ]
        for (i, team) in ["North", "North", "South", "West"].enumerated() { cases[i].dimensions = [team] }
        let model = ReportModel(try analysis(cases, asAt: asAt) { $0.by = ["team"] })
        let m = try #require(model.measures.first)
        #expect(m.cohorts.map(\.values) == [["North"], ["South"]])
        #expect(m.cohorts.map(\.figures.cases) == [1, 1])
        #expect(m.total.cases == 2 && m.laterCases == 2)
        #expect(model.cohortTable(m)?.caption.hasSuffix("all months to October 2025") == true)
    }
}
