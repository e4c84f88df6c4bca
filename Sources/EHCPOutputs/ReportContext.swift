import EHCPRules
import EHCPStore
import EHCPIngest
import EHCPTimeliness

/// The mustache context of both report templates: dictionaries and arrays of strings
/// and booleans, built from the model in one place. Only report.html asks for charts.
///
/// Every dictionary carries every key its template section reads (false or empty when
/// unused), because mustache looks a missing key up in the enclosing sections.
package enum ReportContext {
    /// The most measures the headline shows at its usual size on a 1280 x 800 screen.
    package static let fullSizeHeadlineRows = 9

    package static func make(_ model: ReportModel, charts: Bool) -> [String: Any] {
        var toc: [[String: Any]] = [["anchor": "headline", "title": "Headline"], ["anchor": "read-first", "title": "Read this first"],
                                    ["anchor": "key-figures", "title": "Key figures"]]
        toc += model.measures.map { ["anchor": anchor($0), "title": $0.title] }
        if model.benchmark != nil { toc.append(["anchor": "benchmark", "title": "Comparison with published figures"]) }
        toc += [["anchor": "data-quality", "title": "Data quality"], ["anchor": "method", "title": "Method"]]

        var context: [String: Any] = [
            "asAt": model.asAt.iso,
            "asAtLong": ReportFormat.longDate(model.asAt),
            "toolName": model.toolName,
            "toolVersion": model.toolVersion,
            "ruleSetVersion": model.ruleSetVersion,
            "toc": toc,
            "headline": headline(model),
            // More measures than a laptop's first screen holds at the usual size (the
            // re-assessment and order measures join the others'): the headline is set
            // smaller, one line a measure. Nine rows or fewer keep the page as it was.
            "compactHeadline": model.headline.rows.count > ReportContext.fullSizeHeadlineRows,
            "caveats": model.caveats.map { ["lead": $0.lead, "text": $0.text] },
            "terms": table(model.terms),
            "keyFigures": table(model.keyFigures),
            "hasMeasures": !model.measures.isEmpty,
            "measures": model.measures.map { measure($0, model: model, charts: charts) },
            "hasBenchmark": model.benchmark != nil,
            "benchmarkTable": model.benchmarkTable.map(table) ?? [:],
            "benchmarkCaveat": model.benchmarkCaveat,
            "dataQualitySummary": model.dataQualitySummary,
            "reconciliation": table(model.reconciliationTable),
            "hasProblems": model.problemsTable != nil,
            "problems": model.problemsTable.map(table) ?? [:],
            "hasReasons": model.reasonsTable != nil,
            "reasons": model.reasonsTable.map(table) ?? [:],
            "methodMeasures": table(model.methodMeasures),
            "settings": table(model.settingsTable),
            "inputs": table(model.inputsTable),
            "conventions": model.conventions,
            "provenance": model.provenance,
        ]
        context["style"] = ReportTemplates.htmlStyle
        if let kpis = model.kpis { context["kpiBoard"] = KPIReport.context(kpis, asAt: model.asAt, charts: charts) }
        return context
    }

    package static func anchor(_ m: MeasureReport) -> String { "measure-" + m.id.rawValue }

    /// The headline: its table for report.md, and the same cells for report.html, whose
    /// column heads are grouped (the month, the 12 months, the backlog).
    package static func headline(_ model: ReportModel) -> [String: Any] {
        let t = model.headlineTable
        let hasBenchmark = model.headline.benchmark != nil
        return [
            "table": table(t),
            "caption": t.caption,
            "month": model.headlineMonthWords,
            "window": model.headlineWindowWords,
            "asAtLong": ReportFormat.longDate(model.asAt),
            "hasBenchmark": hasBenchmark,
            "benchmark": model.headlineBenchmark,
            "compactHeadline": model.headline.rows.count > fullSizeHeadlineRows,
            "rows": t.rows.map { row in
                [
                    "title": row[0],
                    // Each cell says what it is, for the eye (rates bold) and for check_report.py.
                    "cells": row.dropFirst().enumerated().map { i, text in
                        ["text": text, "kind": ["count", "rate", "count", "rate", "overdue", "oldest"][i]] as [String: Any]
                    },
                ] as [String: Any]
            },
            "note": t.note,
        ]
    }

    package static func measure(_ m: MeasureReport, model: ReportModel, charts: Bool) -> [String: Any] {
        let id = anchor(m)
        let cohortTable = model.cohortTable(m)
        let issueTable = model.issueTable(m)
        let periodShares = model.exceptionShareTable(m, cohorts: false)
        let cohortShares = model.exceptionShareTable(m, cohorts: true)
        let unit = model.period
        let issueChartTitle = "Final plans issued without an exception, by time from request to issue"
        let backlogChartTitle = "\(m.title): cases open past their deadline on \(model.asAt.iso), by time overdue"
        var rateChart = ""
        if charts, !m.series.isEmpty {
            rateChart = SVGChart.rateChart(
                id: id + "-rate", title: "\(m.title): on time % each \(unit.noun)", desc: model.chartDescription(m),
                points: m.series.points, targetTenths: model.targetTenths,
                axisTitle: "\(unit.heading) completed (open cases: \(unit.noun) due)", seriesName: "On time % (excl. exceptions)")
        }
        var backlogChart = ""
        if charts, !m.backlog.suppressed, m.backlog.total > 0 {
            backlogChart = SVGChart.barChart(
                id: id + "-backlog", title: backlogChartTitle,
                desc: "Bar chart: " + m.backlog.bands.map { "\($0.label) \($0.total)" }.joined(separator: "; ") + ". The table gives the same numbers.",
                bars: m.backlog.bands.map { .init(label: $0.label, value: $0.total) }, colour: SVGChart.orange, unit: "")
        }
        var issueChart = ""
        if charts, let b = m.issueBands, !b.suppressed, b.completed > 0 {
            let bars = ReportModel.issueBandRows(b).map { SVGChart.Bar(label: $0.label, value: $0.plans) }
            issueChart = SVGChart.barChart(
                id: id + "-issue", title: issueChartTitle,
                desc: "Bar chart: " + bars.map { "\($0.label) \($0.value)" }.joined(separator: "; ") + " plans. The table gives the same numbers.",
                bars: bars, colour: SVGChart.blue, unit: "")
        }
        let warnings = model.exceptionWarnings(m)
        let dayCounting = m.issueBands != nil ? m.dayCountingSentence : m.dueDateSentence
        return [
            "anchor": id,
            "title": m.title,
            "id": m.id.rawValue,
            "rule": m.rule,
            "citation": m.citation,
            "warnings": warnings,
            "hasWarnings": !warnings.isEmpty,
            "unitNoun": unit.noun,
            "cohortNoun": model.byColumns.joined(separator: " and "),
            "seriesEmpty": m.series.isEmpty,
            "hasRateChart": !rateChart.isEmpty,
            "rateChart": rateChart,
            "rateChartCaption": model.chartDescription(m),
            "noRateChart": m.series.isEmpty ? "No \(unit.noun) has a completed case without an exception yet, so there is no rate to chart." : "",
            "periodTable": table(model.periodTable(m)),
            "hasCohortTable": cohortTable != nil,
            "cohortTable": cohortTable.map(table) ?? [:],
            "isFinalPlan": m.issueBands != nil,
            "issueSummary": model.issueSummary(m),
            "hasIssueChart": !issueChart.isEmpty,
            "issueChart": issueChart,
            "issueChartTitle": issueChartTitle,
            "issueTable": issueTable.map(table) ?? [:],
            "dayCounting": dayCounting,
            "hasDayCounting": !dayCounting.isEmpty,
            "backlogSummary": model.backlogSummary(m),
            "hasBacklog": !m.backlog.suppressed && m.backlog.total > 0,
            "hasBacklogChart": !backlogChart.isEmpty,
            "backlogChart": backlogChart,
            "backlogChartTitle": backlogChartTitle,
            "backlogTable": table(model.backlogTable(m)),
            "hasMonthEnds": model.hasMonthEnds(m),
            "monthEndSummary": model.monthEndSummary(m),
            "monthEndChart": charts && model.hasMonthEnds(m)
                ? SVGChart.monthEndChart(id: id + "-month-ends", title: "\(m.title): cases open at each month end",
                                         points: Array((model.monthEnds[m.id] ?? []).suffix(ReportModel.monthEndChartLimit))) : "",
            "exceptionSummary": model.exceptionSummary(m),
            "hasExceptions": !m.exceptions.suppressed && m.exceptions.excepted > 0,
            "exceptionReasons": table(model.exceptionReasonTable(m)),
            "hasExceptionPeriods": periodShares != nil,
            "exceptionPeriods": periodShares.map(table) ?? [:],
            "hasExceptionCohorts": cohortShares != nil,
            "exceptionCohorts": cohortShares.map(table) ?? [:],
        ]
    }

    package static func table(_ t: ReportTable) -> [String: Any] {
        // A column of short labels (periods, codes, names) never wraps; one of sentences does.
        let short = t.columns.indices.map { c in t.rows.allSatisfy { $0[c].count <= 14 } }
        return [
            "caption": t.caption,
            "columns": t.columns.map { ["title": $0.title, "numeric": $0.numeric] as [String: Any] },
            "rows": t.rows.map { row in
                ["cells": row.enumerated().map { i, text in
                    ["text": text, "header": i == 0, "numeric": t.columns[i].numeric, "short": short[i]] as [String: Any]
                }] as [String: Any]
            },
            // A long table may break across printed pages (its header repeats); others never do.
            "long": t.rows.count > 20,
            "hasNote": !t.note.isEmpty,
            "note": t.note,
        ]
    }
}
