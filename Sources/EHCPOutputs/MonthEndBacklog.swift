import EHCPRules
import EHCPTimeliness

/// backlog.csv in the report: each measure's open caseload at every month end (the
/// totals across cohorts), as a small stacked column chart in report.html and a
/// sentence in report.md pointing to the file.
public struct MonthEndPoint: Sendable, Equatable {
    public var day: Day
    public var openInTime: Int
    public var openOverdue: Int
}

extension ReportModel {
    /// The most month ends a chart shows (the latest); backlog.csv has all.
    public static let monthEndChartLimit = 24

    /// backlog.csv's totals across cohorts, by measure, oldest month end first.
    static func monthEnds(_ rows: [BacklogRow]) -> [MeasureID: [MonthEndPoint]] {
        var out: [MeasureID: [MonthEndPoint]] = [:]
        for r in rows where r.cohort.allSatisfy({ $0 == Rates.allLabel }) {
            out[r.measure, default: []].append(MonthEndPoint(day: r.asAt, openInTime: r.openInTime, openOverdue: r.openOverdue))
        }
        return out
    }

    /// The sentence under the chart (and report.md's only word on it): the latest month
    /// ends' counts, and where the rest are.
    package func monthEndSummary(_ m: MeasureReport) -> String {
        guard let points = monthEnds[m.id], let first = points.first else { return "" }
        let last = points.suffix(4).map { p in
            "\(ReportFormat.longDate(p.day)): \(p.openInTime) in time, \(p.openOverdue) overdue"
        }
        return "Cases open at each month end, as an extract taken that day would have shown them: "
            + last.joined(separator: "; ") + ". backlog.csv has every month end since \(ReportFormat.longDate(first.day))"
            + (byColumns.isEmpty ? "." : ", also by " + byColumns.joined(separator: ", ") + ".")
    }

    /// Whether the measure's month-end chart is drawn: some case open at some month end,
    /// and the measure's figures not suppressed.
    package func hasMonthEnds(_ m: MeasureReport) -> Bool {
        guard !m.backlog.suppressed, let points = monthEnds[m.id] else { return false }
        return points.contains { $0.openInTime + $0.openOverdue > 0 }
    }
}

extension SVGChart {
    /// Stacked columns, one per month end: open in time (blue, below) and overdue
    /// (orange, above, hatched so that it is told apart without colour); each column's
    /// counts in its tooltip, the axis from 0.
    package static func monthEndChart(id: String, title: String, points: [MonthEndPoint]) -> String {
        let width = 880, height = 240
        let left = 56.0, right = Double(width) - 16, top = 40.0, bottom = Double(height) - 40
        let plotW = right - left, plotH = bottom - top
        let maxValue = max(points.map { $0.openInTime + $0.openOverdue }.max() ?? 0, 1)
        // A round axis top: 1, 2 or 5 times a power of ten.
        var scale = 1
        while scale * 10 < maxValue { scale *= 10 }
        let axisTop = [1, 2, 5, 10].map { $0 * scale }.first { $0 >= maxValue } ?? maxValue
        let step = plotW / Double(max(points.count, 1))
        func y(_ v: Int) -> Double { bottom - plotH * Double(v) / Double(axisTop) }
        let desc = "Stacked columns: " + points.map { "\($0.day.iso) \($0.openInTime) in time, \($0.openOverdue) overdue" }
            .joined(separator: "; ") + "."
        var s = "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" "
            + "aria-labelledby=\"\(id)-title \(id)-desc\">\n<title id=\"\(id)-title\">\(escape(title))</title>\n"
            + "<desc id=\"\(id)-desc\">\(escape(desc))</desc>\n"
            + "<defs><pattern id=\"\(id)-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
            + "<rect width=\"6\" height=\"6\" fill=\"\(orange)\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"\(ink)\" stroke-width=\"1.2\"/></pattern></defs>\n"
            + "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>\n"
        s += "<g class=\"legend\" font-size=\"13\" fill=\"\(ink)\">"
            + "<rect x=\"\(n(left))\" y=\"12\" width=\"16\" height=\"14\" fill=\"\(blue)\"/><text x=\"\(n(left + 22))\" y=\"24\">Open in time</text>"
            + "<rect x=\"\(n(left + 130))\" y=\"12\" width=\"16\" height=\"14\" fill=\"url(#\(id)-hatch)\" stroke=\"\(ink)\" stroke-width=\"0.6\"/>"
            + "<text x=\"\(n(left + 152))\" y=\"24\">Open overdue</text></g>\n"
        s += "<g class=\"axis\" font-size=\"12\" fill=\"\(ink)\">\n"
        for v in [0, axisTop / 2, axisTop] {
            s += "<line x1=\"\(n(left))\" y1=\"\(n(y(v)))\" x2=\"\(n(right))\" y2=\"\(n(y(v)))\" stroke=\"\(v == 0 ? "#888888" : grid)\"/>"
                + "<text x=\"\(n(left - 6))\" y=\"\(n(y(v) + 4))\" text-anchor=\"end\">\(v)</text>\n"
        }
        // Label every k-th month end so that labels never overlap; the latest always.
        let labelEvery = max(1, Int((70.0 / step).rounded(.up)))
        for (i, p) in points.enumerated() where (points.count - 1 - i) % labelEvery == 0 {
            s += "<text x=\"\(n(left + step * (Double(i) + 0.5)))\" y=\"\(n(bottom + 18))\" text-anchor=\"middle\">\(p.day.iso)</text>\n"
        }
        s += "</g>\n<g class=\"columns\">\n"
        let barW = max(step * 0.7, 1)
        for (i, p) in points.enumerated() {
            let x = left + step * Double(i) + (step - barW) / 2
            let inTop = y(p.openInTime), allTop = y(p.openInTime + p.openOverdue)
            s += "<g><title>\(p.day.iso): \(p.openInTime) open in time, \(p.openOverdue) open overdue</title>"
            if p.openInTime > 0 {
                s += "<rect x=\"\(n(x))\" y=\"\(n(inTop))\" width=\"\(n(barW))\" height=\"\(n(bottom - inTop))\" fill=\"\(blue)\"/>"
            }
            if p.openOverdue > 0 {
                s += "<rect x=\"\(n(x))\" y=\"\(n(allTop))\" width=\"\(n(barW))\" height=\"\(n(inTop - allTop))\" fill=\"url(#\(id)-hatch)\"/>"
            }
            s += "</g>\n"
        }
        s += "</g>\n</svg>"
        return s
    }
}
