import EHCPRules
import EHCPStore
import EHCPIngest
import EHCPTimeliness

/// The short summary a person reads at the end of a run.
public enum ConsoleSummary {
    /// `actionListCount`: the cases on the action list (`AnalysedRun.actionListCount`).
    /// `notChecked`: the cases that could not be checked (`AnalysedRun.uncheckedCount`).
    public static func text(_ result: AnalysisResult, actionListCount: Int, notChecked: Int = 0, outputFolder: String?,
                            workbook: Bool = false) -> String {
        var lines: [String] = []
        lines.append("\(Tool.name) \(Tool.version), rules v\(RuleSet.version), as at \(result.options.asAt.iso)")
        let o = result.options
        lines.append("  settings: period \(o.period.rawValue), review clock \(o.reviewClock.rawValue), transfer deadline \(o.transferDeadline.rawValue)"
                     + " (\(o.transferDeadline == .literal ? "before 15 February = by 14 February" : "by 15 February")), due within \(o.dueWithin) days")
        if o.window.isRestricted {
            lines.append("  window: the figures below, summary.csv, summary.json and the report count cases completed, or due while open, "
                         + ReportFormat.windowWords(o.window) { $0.iso } + "; cases.csv and the action list hold every case")
        }
        if let closures = o.rules.schoolClosures {
            lines.append("  term dates: \(o.termDatesPath ?? closures.file), \(closures.qualifying.count) closure\(closures.qualifying.count == 1 ? "" : "s") "
                         + "of 4 weeks or more; school_closure claims checked against their windows (regs 5(4)(a), 10(4)(a))")
        }
        for input in result.inputs {
            lines.append("  " + input.reconciliation)
        }
        let errors = result.problems.rejectingErrors, blanked = result.problems.keptRowErrors
        let warnings = result.problems.warnings
        if errors + blanked + warnings > 0 {
            lines.append("  data quality: \(errors) rejected row problem\(errors == 1 ? "" : "s"), "
                         + (blanked == 0 ? "" : "\(blanked) unusable field\(blanked == 1 ? "" : "s") read as blank, ")
                         + "\(warnings) warning\(warnings == 1 ? "" : "s")"
                         + (outputFolder.map { " (see \($0)/data-quality.csv)" } ?? ""))
        }
        let reasons = result.problems.counts.reasonsByCount
        if !reasons.isEmpty {
            let shown = reasons.prefix(10).map { "\"\($0.reason)\" \($0.count)" }.joined(separator: ", ")
            let more = reasons.count - min(reasons.count, 10) + (result.problems.counts.otherReasons > 0 ? 1 : 0)
            lines.append("  exception reasons not recognised, counted without an exception (map each under [values.exception_reason] "
                         + "in a profile; `profile init` drafts one): " + shown + (more > 0 ? ", and more in data-quality.csv" : ""))
        }
        lines.append("")
        let header = ["measure", "cases", "excl. exceptions", "incl. exceptions", "open", "overdue"]
        var table: [[String]] = [header]
        for row in result.summary where row.isAllPeriods && row.isCohortTotal(in: result.byColumns.count) {
            table.append([row.measure.rawValue, String(row.cases), percent(row.rateExclExceptions),
                          percent(row.rateInclExceptions), String(row.openInTime + row.openOverdue + row.exceptedOpen),
                          String(row.openOverdue)])
        }
        if table.count == 1 { lines.append("  no cases to measure") }
        lines.append(contentsOf: aligned(table))
        let notMeasured = result.summary.filter { $0.isAllPeriods && $0.isCohortTotal(in: result.byColumns.count) && $0.notMeasured > 0 }
        if !notMeasured.isEmpty {
            lines.append("  not measured (a field the measure needs is unusable; data-quality.csv names each"
                         + (o.window.isRestricted ? "; such a case has no date, so the window does not apply" : "") + "): "
                         + notMeasured.map { "\($0.measure.rawValue) \($0.notMeasured)" }.joined(separator: ", "))
        }
        let short = result.summary.filter { $0.isAllPeriods && $0.isCohortTotal(in: result.byColumns.count) && ($0.shortRepresentation ?? 0) > 0 }
        if !short.isEmpty {
            lines.append("  final plans issued less than \(RepresentationPeriod.minimumDays) days after the draft (\(RepresentationPeriod.citation)): "
                         + short.map { "\($0.measure.rawValue) \($0.shortRepresentation ?? 0)" }.joined(separator: ", "))
        }
        if let n = o.suppressBelow {
            lines.append("  suppression below \(n) applied to published outputs (summary.csv, summary.json); the figures above are unsuppressed")
        }
        if let benchmark = result.benchmark {
            lines.append("")
            lines.append(contentsOf: benchmarkLines(benchmark))
            if o.window.isRestricted {
                lines.append("  (own figures for whole calendar years, whatever the window: part of a year would not compare with a published year)")
            }
        }
        lines.append("")
        lines.append("  \(actionListCount) case\(actionListCount == 1 ? "" : "s") on the action list (overdue, or due within \(result.options.dueWithin) days)")
        if notChecked > 0 {
            lines.append("  \(notChecked) case\(notChecked == 1 ? "" : "s") could not be checked (a rejected row, or measures left out): "
                         + "listed at the end of exceptions.csv as not_checked")
        }
        if let outputFolder {
            lines.append("  outputs written to \(outputFolder)/: "
                         + (OutputFiles.names + (workbook ? [Workbook.fileName] : [])).joined(separator: ", "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The benchmark as a short table: year, the tool's own figure, the published ones.
    package static func benchmarkLines(_ table: BenchmarkTable) -> [String] {
        var lines = ["  20-week benchmark, excluding exceptions: \(table.laName) (\(table.laCode)), \(table.regionName); source \(table.source)"]
        let header = ["year", "own plans", "own rate", "published", "region", "England"]
        var rows: [[String]] = [header]
        for r in table.rows {
            rows.append([String(r.year), String(r.ownPlans), percent(r.ownRate), percent(r.publishedRate),
                         percent(r.regionRate), percent(r.englandRate)])
        }
        lines.append(contentsOf: aligned(rows))
        return lines
    }

    /// Rows as columns: the first left-aligned, the others right-aligned.
    private static func aligned(_ table: [[String]]) -> [String] {
        let widths = table[0].indices.map { c in table.map { $0[c].count }.max() ?? 0 }
        return table.map { row in
            "  " + row.enumerated().map { c, cell in
                c == 0 ? cell.padding(widths[c]) : String(repeating: " ", count: widths[c] - cell.count) + cell
            }.joined(separator: "  ")
        }
    }

    private static func percent(_ value: Double?) -> String {
        guard let value else { return "-" }
        return Rates.formatTenths(Int((value * 10).rounded())) + " %"
    }
}

extension SummaryRow {
    /// True for the row that totals all cohorts (or the only cohort when there is no `--by`).
    package func isCohortTotal(in dimensionCount: Int) -> Bool { dimensionCount == 0 || isCohortTotal }
}

extension String {
    package func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}

extension OutputFiles {
    public static let names = ["cases.csv", "summary.csv", "exceptions.csv", "data-quality.csv", "backlog.csv", "summary.json",
                               "report.html", "report.md"]
}

extension ConsoleSummary {
    /// The first rejected rows as `file:line: column "value": problem`, for stderr, so
    /// an analyst sees at once what to fix; the rest are in data-quality.csv.
    public static func rejections(_ result: AnalysisResult, limit: Int = 5) -> String {
        let errors = result.problems.errors
        guard errors > 0 else { return "" }
        var lines = result.problems.firstErrors.prefix(limit).map { p in
            "\(p.file):\(p.line): " + (p.column.isEmpty ? "" : "\(p.column) \"\(p.value)\": ") + p.problem
                + (p.keepsRow ? "" : " (row rejected)")
        }
        if errors > limit { lines.append("… and \(errors - limit) more in data-quality.csv") }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Standard output and standard error for the command line: all of the text is written
/// (nothing at all for the empty string, so a quiet cron job stays quiet).
public enum Console {
    public static func stdout(_ text: String) { WriteAll.text(1, text) }
    public static func stderr(_ text: String) { WriteAll.text(2, text) }
}
