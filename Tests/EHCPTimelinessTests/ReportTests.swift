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

private let asAt = day("2025-10-31")

/// A final-plan case received on `start`: issued after `days` days, or open when nil.
private func plan(_ id: String, start: String = "2025-01-06", days: Int?, exception: ExceptionCode? = nil,
                  team: String? = nil) -> CaseResult {
    let s = day(start)
    let due = s + 140
    let completed = days.map { s + $0 }
    return CaseResult(measure: .finalPlan20w, caseID: id, line: 2, sequence: 0, start: s, due: due, completed: completed,
                      status: Deadline.status(due: due, completed: completed, asAt: asAt), exception: exception,
                      dimensions: team.map { [$0] } ?? [])
}

/// An open final-plan case `overdue` days past its due date on the as-at date.
private func overdue(_ id: String, by overdue: Int, exception: ExceptionCode? = nil) -> CaseResult {
    let due = asAt - overdue
    return CaseResult(measure: .finalPlan20w, caseID: id, line: 2, sequence: 0, start: due - 140, due: due, completed: nil,
                      status: Deadline.status(due: due, completed: nil, asAt: asAt), exception: exception, dimensions: [])
}

/// A finished analysis built by hand: the cases go through the same collector as a run's.
private func analysis(_ cases: [CaseResult], by: [String] = [], problems: [DataQualityProblem] = [],
                      configure: (inout AnalysisOptions) -> Void = { _ in }) throws -> AnalysisResult {
    var options = AnalysisOptions(inputs: [InputFile(kind: .requests, path: "requests.csv")], asAt: asAt)
    options.by = by
    configure(&options)
    let rejected = Set(problems.filter { $0.severity == .error }.map(\.line)).count
    let input = InputSummary(kind: .requests, file: "requests.csv", rowsRead: cases.count + rejected,
                             analysed: cases.count, rejected: rejected, sha256: String(repeating: "ab", count: 32))
    return try AnalysisResult(options: options, byColumns: by, cases: cases, problems: problems,
                          inputs: [input], hasTeam: by.contains("team"), hasCaseworker: false)
}

private func finalPlan(_ result: AnalysisResult) throws -> MeasureReport {
    try #require(ReportModel(result).measures.first { $0.id == .finalPlan20w })
}

/// Table lines of a Markdown text whose first cell is `label`.
private func markdownRows(_ md: String, startingWith label: String) -> [String] {
    md.split(separator: "\n").map(String.init).filter { $0.hasPrefix("| " + label + " |") }
}

/// Cells of a Markdown table line, split at pipes that are not escaped.
private func markdownCells(_ line: String) -> [String] {
    var cells: [String] = [], cell = "", escaped = false
    for c in line {
        if escaped { cell.append(c); escaped = false; continue }
        if c == "\\" { cell.append(c); escaped = true; continue }
        if c == "|" { cells.append(cell.trimmingCharacters(in: .whitespaces)); cell = "" } else { cell.append(c) }
    }
    return Array(cells.dropFirst())
}

@Suite struct ReportModelTests {
    @Test("DfE bands split completed plans without exception at day 140 and day 364")
    func issueBandsAtTheirBoundaries() throws {
        let m = try finalPlan(try analysis([
            plan("a", days: 139), plan("b", days: 140), plan("c", days: 141), plan("d", days: 364), plan("e", days: 365),
            plan("x", days: 100, exception: .personalCircumstances), plan("o", start: "2025-09-01", days: nil),
        ]))
        let bands = try #require(m.issueBands)
        #expect(bands.within20Weeks == 2)
        #expect(bands.over20To52Weeks == 2)
        #expect(bands.over52Weeks == 1)
        #expect(bands.completed == 5)
        #expect(bands.medianHalfDays == 282)  // 141 days
        #expect(ReportModel(try analysis([plan("a", days: 10)])).measures.map(\.id) == [.finalPlan20w])
        #expect(ReportModel(try analysis([plan("a", days: 10)])).measures.first?.issueBands != nil)
    }

    @Test("plans issued exactly on day 140 are counted, excepted ones are not, and the rate under the other reading is shown")
    func day140Count() throws {
        let m = try finalPlan(try analysis([
            plan("a", days: 140), plan("b", days: 140), plan("c", days: 139), plan("d", days: 150),
            plan("e", days: 140, exception: .schoolClosure),
        ]))
        #expect(m.completedOnDueDate == 2)
        #expect(m.total.rateExclTenths == 750)
        #expect(m.rateIfDueDayLateTenths == 250)
        #expect(m.dayCountingSentence.contains("2 plans issued on day 140 would be late under that reading"))
        #expect(m.dayCountingSentence.contains("25.0 % instead of 75.0 %"))
        let md = MarkdownReport.render(try analysis([plan("a", days: 140), plan("b", days: 100)]))
        #expect(md.contains("1 plan issued on day 140 would be late under that reading"))
    }

    @Test("the backlog bands start at exactly 4, 12 and 26 weeks overdue")
    func backlogBandBoundaries() throws {
        #expect([1, 27, 28, 83, 84, 181, 182, 1000].map { Backlog.band(daysOverdue: $0) } == [0, 0, 1, 1, 2, 2, 3, 3])
        let m = try finalPlan(try analysis([
            overdue("a", by: 1), overdue("b", by: 27), overdue("c", by: 28), overdue("d", by: 83),
            overdue("e", by: 84), overdue("f", by: 181), overdue("g", by: 182), overdue("h", by: 400, exception: .unspecified),
            overdue("not-yet", by: 0), plan("done", days: 200),
        ]))
        #expect(m.backlog.bands.map(\.withoutException) == [2, 2, 2, 1])
        #expect(m.backlog.bands.map(\.withException) == [0, 0, 0, 1])
        #expect(m.backlog.total == 8)
        #expect(m.backlog.bands.map(\.label) == ["Under 4 weeks", "4 to under 12 weeks", "12 to under 26 weeks", "26 weeks or more"])
        // The summary's open overdue count leaves the excepted case out; the backlog keeps it.
        #expect(m.total.openOverdue == 7)
    }

    @Test("an exception share above 20 % of a period or cohort warns; exactly 20 % does not")
    func exceptionShareThreshold() throws {
        // January: 2 of 10 excepted (20 %); March: 3 of 10 (30 %).
        var cases: [CaseResult] = []
        for i in 0..<10 {
            cases.append(plan("j\(i)", start: "2024-08-20", days: 140, exception: i < 2 ? .personalCircumstances : nil, team: "North"))
            cases.append(plan("m\(i)", start: "2024-10-20", days: 140, exception: i < 3 ? .absentFromArea : nil, team: i < 5 ? "South" : "North"))
        }
        let result = try analysis(cases, by: ["team"])
        let model = ReportModel(result)
        let m = try #require(model.measures.first)
        #expect(m.exceptions.byPeriod.map(\.labels) == [["2025-01"], ["2025-03"]])
        #expect(m.exceptions.byPeriod.map(\.isHigh) == [false, true])
        #expect(m.highExceptionPeriods.map(\.labels) == [["2025-03"]])
        // South: 3 of 5 excepted; North: 2 of 15.
        #expect(m.highExceptionCohorts.map(\.labels) == [["South"]])
        // 5 of all 20 cases: 25 %.
        #expect(m.exceptions.total.isHigh)
        let warnings = model.exceptionWarnings(m)
        #expect(warnings.contains { $0.contains("More than 20 % of all cases of this measure have a statutory exception (5 of 20)") })
        #expect(warnings.contains { $0.contains("in 1 month: 2025-03 (3 of 10)") })
        #expect(warnings.contains { $0.contains("South (3 of 5)") })
        #expect(ExceptionShare(labels: ["x"], excepted: 1, cases: 5, suppressed: false).isHigh == false)
        #expect(ExceptionShare(labels: ["x"], excepted: 2, cases: 9, suppressed: false).isHigh == true)
        #expect(ExceptionShare(labels: ["x"], excepted: 9, cases: 9, suppressed: true).isHigh == false)
        let html = HTMLReport.render(result)
        #expect(html.contains("<div class=\"warning\" role=\"note\"><strong>Warning: high use of statutory exceptions.</strong>"))
        #expect(MarkdownReport.render(result).contains("> **Warning: high use of statutory exceptions.**"))
    }

    @Test("the chart runs over every period from the first to the last with a rate, gaps included")
    func chartPeriodsAreContinuous() throws {
        let m = try finalPlan(try analysis([plan("a", start: "2024-08-20", days: 140), plan("b", start: "2024-10-20", days: 150),
                                        plan("open", start: "2025-09-01", days: nil)]))
        #expect(m.series.points.map(\.label) == ["2025-01", "2025-02", "2025-03"])
        #expect(m.series.points.map(\.rateTenths) == [1000, nil, 0])
        // The open case is due after the as-at date's month: in summary.csv, not in the
        // report's table or chart (it is counted in the note under them).
        #expect(m.periods.map(\.label) == ["2025-01", "2025-03"])
        #expect(m.laterCases == 1)
    }

    @Test("problems alike but for their values are counted as one kind, most frequent first")
    func problemKinds() {
        func p(_ line: Int, _ value: String, _ severity: Severity = .error, _ text: String? = nil) -> DataQualityProblem {
            DataQualityProblem(file: "requests.csv", line: line, caseID: "C\(line)", column: "request_date", value: value,
                               severity: severity, problem: text ?? "\"\(value)\" is not a real date")
        }
        let q = DataQualityReport(inputs: [], problems: [
            p(5, "2025-02-31"), p(9, "2025-02-30"), p(12, "31/02/2025"),
            p(3, "x", .warning, "exception reason \"missed appointment\" not applied: a missed appointment is not a ground"),
        ])
        #expect(q.kindCount == 2)
        #expect(q.topKinds.first?.description == "\"…\" is not a real date")
        #expect(q.topKinds.first?.count == 3)
        #expect(q.topKinds.first?.exampleLine == 5)
        #expect(q.topKinds.last?.description == "exception reason \"missed appointment\" not applied: a missed appointment is not a ground")
    }
}

@Suite struct ReportRenderingTests {
    static func sampleLike() throws -> AnalysisResult {
        var cases: [CaseResult] = []
        for i in 0..<40 {
            cases.append(plan("p\(i)", start: i < 20 ? "2024-09-02" : "2024-11-04", days: 120 + i * 3,
                              exception: i % 9 == 0 ? .schoolClosure : nil, team: i % 2 == 0 ? "North" : "South"))
        }
        cases.append(plan("open", start: "2025-03-03", days: nil, team: "North"))
        return try analysis(cases, by: ["team"], problems: [
            DataQualityProblem(file: "requests.csv", line: 7, caseID: "Z", column: "request_date", value: "",
                               severity: .error, problem: "request_date is blank; it is required"),
        ]) { $0.target = 60 }
    }

    @Test("report.html is one self-contained page: a CSP, no script, no URL to fetch")
    func htmlIsSelfContained() throws {
        let html = HTMLReport.render(try Self.sampleLike())
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("http:") && !html.contains("https:"))
        #expect(!html.contains("@import") && !html.contains("url("))
        #expect(!html.contains("<link") && !html.contains("<img") && !html.contains("<iframe"))
        // Every src/href is an in-page anchor.
        let refs = try Regex(#"(?:src|href)\s*=\s*"([^"]*)""#)
        let values = html.matches(of: refs).map { String($0.output[1].substring ?? "") }
        #expect(!values.isEmpty)
        #expect(values.allSatisfy { $0.hasPrefix("#") && !$0.contains("//") })
        // Charts are accessible inline SVG, and tables have captions and scoped headers.
        #expect(html.contains("<svg class=\"chart\" role=\"img\""))
        #expect(html.contains("<title id=\"measure-final-plan-20w-rate-title\">"))
        #expect(html.contains("<desc id=\"measure-final-plan-20w-rate-desc\">"))
        #expect(html.components(separatedBy: "<table").count == html.components(separatedBy: "<caption>").count)
        #expect(html.contains("<th scope=\"col\"") && html.contains("<th scope=\"row\""))
        #expect(html.contains("@page{size:A4;margin:15mm}"))
        #expect(html.contains("Target 60.0 %") && html.contains("stroke-dasharray=\"7 4\""))
    }

    @Test("no render date, path or host name: two renders of one result are byte-identical")
    func deterministic() throws {
        let result = try Self.sampleLike()
        #expect(HTMLReport.render(result) == HTMLReport.render(result))
        #expect(MarkdownReport.render(result) == MarkdownReport.render(result))
        #expect(ReportModel(result) == ReportModel(result))
        let html = HTMLReport.render(result)
        #expect(!html.contains(FileManager.default.currentDirectoryPath))
        #expect(!html.contains(ProcessInfo.processInfo.hostName))
    }

    @Test("hostile cohort names are escaped in HTML and Markdown, and pipes keep Markdown tables intact")
    func hostileNamesAreEscaped() throws {
        let names = ["<script>alert(1)</script>", "\"&'", "a|b", "*x* [y](z)\nnext"]
        var cases: [CaseResult] = []
        for (n, name) in names.enumerated() {
            for i in 0..<3 { cases.append(plan("\(n)-\(i)", days: 130 + i * 10, exception: i == 0 ? .unspecified : nil, team: name)) }
        }
        let result = try analysis(cases, by: ["team"])
        let html = HTMLReport.render(result)
        #expect(!html.contains("<script"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("&quot;&amp;&#39;"))
        #expect(!html.contains("\"&'"))
        let md = MarkdownReport.render(result)
        #expect(!md.contains("<script>"))
        #expect(md.contains("\\<script\\>alert(1)\\</script\\>"))
        #expect(md.contains("a\\|b"))
        #expect(md.contains("\\*x\\* \\[y\\](z) next"))
        #expect(MarkdownReport.escape("\"&'") == "\"\\&'")
        // Every row of a by-team table has as many cells as one of the by-team headers.
        let widths = Set(markdownRows(md, startingWith: "team").map { markdownCells($0).count })
        #expect(widths == [11, 5])
        for name in ["\\<script\\>alert(1)\\</script\\>", "\"\\&'", "a\\|b"] {
            let rows = markdownRows(md, startingWith: name)
            #expect(rows.count == 2, "no rows for \(name)")
            for row in rows { #expect(widths.contains(markdownCells(row).count), "\(row)") }
        }
    }

    @Test("suppression blanks small cohorts in tables and charts of both reports")
    func suppressionBlanksSmallCohorts() throws {
        var cases: [CaseResult] = []
        // Big: 6 plans in 2024-10 and 12 in 2024-12; Tiny: 2 plans, the whole of 2024-11.
        for i in 0..<6 { cases.append(plan("big\(i)", start: "2024-06-01", days: 130 + i, team: "Big")) }
        for i in 0..<12 { cases.append(plan("big-\(i)", start: "2024-08-05", days: 130 + i, team: "Big")) }
        for i in 0..<2 { cases.append(plan("tiny\(i)", start: "2024-06-20", days: 150 + i, team: "Tiny")) }
        let result = try analysis(cases, by: ["team"]) { $0.suppressBelow = 5 }
        let model = ReportModel(result)
        let m = try #require(model.measures.first)
        let tiny = try #require(m.cohorts.first { $0.values == ["Tiny"] })
        #expect(tiny.figures.suppressed && tiny.figures.cases == 0 && tiny.figures.rateExclTenths == nil)
        #expect(m.cohorts.first { $0.values == ["Big"] }?.figures.cases == 18)
        // Tiny's month (2024-11, 2 cases) is blank in the period table and a gap on the chart.
        #expect(m.periods.first { $0.label == "2024-11" }?.figures.suppressed == true)
        #expect(m.series.points.map(\.label) == ["2024-10", "2024-11", "2024-12"])
        #expect(m.series.points.map(\.suppressed) == [false, true, false])
        #expect(m.series.points[1].rateTenths == nil)
        let md = MarkdownReport.render(result)
        let tinyRows = markdownRows(md, startingWith: "Tiny")
        #expect(!tinyRows.isEmpty)
        for row in tinyRows { #expect(markdownCells(row).dropFirst().allSatisfy { $0 == "c" || $0.isEmpty }, "\(row)") }
        #expect(markdownRows(md, startingWith: "2024-11").allSatisfy { markdownCells($0).dropFirst().allSatisfy { $0 == "c" } })
        #expect(md.contains("fewer than 5 cases is suppressed"))
        let html = HTMLReport.render(result)
        #expect(html.contains("<th scope=\"row\" class=\"nw\">Tiny</th><td class=\"num\">c</td><td class=\"num\">c</td>"))
        #expect(!html.contains("2024-11: "))  // no point (and no tooltip) for the suppressed month
    }

    @Test("the benchmark table renders when present, with its caveat, and not otherwise")
    func benchmarkTable() throws {
        var result = try Self.sampleLike()
        #expect(!HTMLReport.render(result).contains("Comparison with published figures"))
        result.benchmark = BenchmarkTable(laCode: "351", laName: "Bury", regionName: "North West", source: "timeliness_20_week.csv", rows: [
            BenchmarkRow(year: 2023, ownPlans: 120, ownWithin20Weeks: 60, ownRate: 50, publishedRate: 52.3, regionRate: 55.1, englandRate: 50.3),
            BenchmarkRow(year: 2024, ownPlans: 0, ownWithin20Weeks: 0, ownRate: nil, publishedRate: 99, regionRate: nil, englandRate: 46.4),
        ])
        let html = HTMLReport.render(result)
        #expect(html.contains("<section id=\"benchmark\">"))
        #expect(html.contains("Bury (351)") && html.contains("North West %"))
        #expect(html.contains("<th scope=\"row\" class=\"nw\">2023</th><td class=\"num\">120</td><td class=\"num\">60</td><td class=\"num\">50.0</td><td class=\"num\">52.3</td><td class=\"num\">55.1</td><td class=\"num\">50.3</td>"))
        let md = MarkdownReport.render(result)
        #expect(md.contains("## Comparison with published figures"))
        #expect(markdownRows(md, startingWith: "2024").map(markdownCells) == [["2024", "0", "0", "–", "99.0", "–", "46.4"]])
        #expect(md.contains("will differ from the published figures"))
    }

    @Test("HTML and Markdown show the same key figures")
    func sameNumbersInBothReports() throws {
        let result = try Self.sampleLike()
        let model = ReportModel(result)
        let md = MarkdownReport.render(model)
        let html = HTMLReport.render(model)
        for row in model.keyFigures.rows {
            #expect(markdownRows(md, startingWith: row[0]).contains { markdownCells($0) == row })
            #expect(html.contains(row.dropFirst().map { "<td class=\"num\">\($0)</td>" }.joined()))
        }
    }

    @Test("analyse writes report.html and report.md beside the other outputs")
    func outputFilesIncludeTheReports() throws {
        let result = try Self.sampleLike()
        #expect(OutputFiles.names.suffix(2) == ["report.html", "report.md"])
        let run = AnalysedRun(result: result, cases: try CasesFile(options: result.options),
                              actions: ActionListStore(options: result.options))
        #expect(OutputFiles.all(run).map(\.name) == OutputFiles.names)
    }

    @Test("analyse --target draws the target on report.html; a target outside 0 to 100 is a usage error")
    func targetThroughTheCLI() throws {
        let folder = try TemporaryFolder()
        try folder.write("r.csv", "case_id,request_date,final_plan_date\nA1,2025-01-06,2025-05-26\nA2,2025-01-06,2025-05-27\n")
        let run = try CLI.run(["analyse", "--requests", "r.csv", "--as-at", "2025-06-30", "--out", "out", "--target", "65.5"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let html = try folder.read("out/report.html")
        #expect(html.contains("Target 65.5 %") || html.contains(">65.5 %</text>"))
        #expect(try folder.read("out/report.md").contains("| Target (--target) | 65.5 % |"))
        let bad = try CLI.run(["analyse", "--requests", "r.csv", "--as-at", "2025-06-30", "--out", "out", "--target", "150"], in: folder.path)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--target"))
    }

    @Test("an analysis with nothing to measure still renders both reports")
    func emptyAnalysis() throws {
        let result = try analysis([])
        #expect(HTMLReport.render(result).contains("No case could be measured"))
        #expect(MarkdownReport.render(result).contains("No case could be measured"))
    }

    @Test("chart texts are escaped")
    func svgEscaping() {
        #expect(SVGChart.escape("<a & \"b\" 'c'>") == "&lt;a &amp; &quot;b&quot; &#39;c&#39;&gt;")
        let svg = SVGChart.barChart(id: "x", title: "<t>", desc: "d&", bars: [.init(label: "<b>", value: 3)], colour: SVGChart.orange, unit: "")
        #expect(svg.contains("<title id=\"x-title\">&lt;t&gt;</title>") && svg.contains("&lt;b&gt;") && svg.contains("d&amp;"))
    }
}
