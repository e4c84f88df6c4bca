import EHCPRules
import EHCPIngest
import EHCPTimeliness

/// The report's first section with `--kpis`: the board's table (KPI, baseline, previous,
/// this month, target, RAG, direction) and, with `--history`, a small trend line per KPI.
enum KPIReport {
    static func table(_ rows: [KPIRow], asAt: Day) -> ReportTable {
        func pct(_ v: Double?) -> String { v.map { SVGChart.n($0) + " %" } ?? ReportFormat.none }
        let arrows = ["up": "↑ up", "down": "↓ down", "same": "→ same"]
        return ReportTable(
            caption: "Key performance indicators as at \(ReportFormat.longDate(asAt)): each rate over the cases of the 12 months to "
                + "the end of \(ReportFormat.longDate(asAt).split(separator: " ").dropFirst().joined(separator: " "))",
            columns: [.init("KPI", numeric: false), .init("Rate", numeric: false), .init("Baseline"), .init("Previous"),
                      .init("This run"), .init("Target"), .init("RAG", numeric: false), .init("Direction", numeric: false)],
            rows: rows.map { r in
                [r.name, r.rate == .exclExceptions ? "excluding exceptions" : "including overdue", pct(r.baseline), pct(r.previous),
                 pct(r.value), pct(r.target), r.rag ?? ReportFormat.none, r.direction.flatMap { arrows[$0] } ?? ReportFormat.none]
            },
            note: "RAG: green at or above target; amber below it by no more than the KPI's amber_within points (10 unless set); "
                + "red below that. Previous: the last run in the history with an earlier as-at date; baseline: as the KPI file "
                + "gives it, or the earliest run in the history.")
    }

    static func context(_ rows: [KPIRow], asAt: Day, charts: Bool) -> [String: Any] {
        var trends: [[String: Any]] = []
        if charts {
            for (i, r) in rows.enumerated() where r.trend.count >= 2 {
                let points = r.trend.compactMap { p in p.value.map { (p.asAt, $0) } }
                let text = r.trend.map { "\($0.asAt) " + ($0.value.map { SVGChart.n($0) + " %" } ?? ReportFormat.none) }
                    .joined(separator: ", ")
                trends.append(["name": r.name, "text": text, "svg": sparkline(id: "kpi-\(i)", points: points, target: r.target)])
            }
        }
        return ["kpiTable": ReportContext.table(table(rows, asAt: asAt)), "kpiTrends": trends]
    }

    /// A small line of a KPI across the runs, with its target dashed; 0 to 100 %.
    static func sparkline(id: String, points: [(String, Double)], target: Double) -> String {
        let w = 220.0, h = 48.0, pad = 4.0
        func x(_ i: Int) -> Double { points.count < 2 ? w / 2 : pad + Double(i) * (w - 2 * pad) / Double(points.count - 1) }
        func y(_ v: Double) -> Double { h - pad - v / 100 * (h - 2 * pad) }
        var svg = "<svg id=\"\(id)\" role=\"img\" width=\"\(Int(w))\" height=\"\(Int(h))\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" "
            + "xmlns=\"http://www.w3.org/2000/svg\"><title>Trend across the recorded runs</title>"
        svg += "<line x1=\"\(pad)\" x2=\"\(w - pad)\" y1=\"\(SVGChart.n(y(target)))\" y2=\"\(SVGChart.n(y(target)))\" "
            + "stroke=\"#6b6b6b\" stroke-dasharray=\"3 3\"/>"
        let path = points.enumerated().map { i, p in "\(SVGChart.n(x(i))),\(SVGChart.n(y(p.1)))" }.joined(separator: " ")
        svg += "<polyline fill=\"none\" stroke=\"#1d70b8\" stroke-width=\"2\" points=\"\(path)\"/>"
        for (i, p) in points.enumerated() {
            svg += "<circle cx=\"\(SVGChart.n(x(i)))\" cy=\"\(SVGChart.n(y(p.1)))\" r=\"2.5\" fill=\"#1d70b8\"/>"
        }
        return svg + "</svg>"
    }
}
