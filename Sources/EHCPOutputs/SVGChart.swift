import EHCPRules
import EHCPStore
import EHCPIngest
import EHCPTimeliness

/// Inline SVG charts drawn by the project: no library, no script, no external
/// resource. Every text is escaped; every number is written with one decimal, so the
/// same figures always give the same bytes.
///
/// Colours are Okabe–Ito (colour-blind safe), and nothing relies on colour alone: the
/// line is solid, the target dashed, the band shaded, and every bar carries its label.
package enum SVGChart {
    package static let blue = "#0072B2"
    package static let skyBlue = "#56B4E9"
    package static let orange = "#E69F00"
    package static let vermillion = "#D55E00"
    package static let green = "#009E73"
    package static let ink = "#1a1a1a"
    package static let grid = "#d0d0d0"

    /// Text for an SVG text node or attribute.
    package static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A coordinate with one decimal, the same on every platform.
    package static func n(_ v: Double) -> String { Rates.formatTenths(Int((v * 10).rounded(.toNearestOrAwayFromZero))) }

    /// The opening tag with its accessible name and description.
    private static func open(id: String, width: Int, height: Int, title: String, desc: String) -> String {
        "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(width) \(height)\" "
            + "width=\"\(width)\" height=\"\(height)\" aria-labelledby=\"\(id)-title \(id)-desc\">\n"
            + "<title id=\"\(id)-title\">\(escape(title))</title>\n"
            + "<desc id=\"\(id)-desc\">\(escape(desc))</desc>\n"
    }

    // MARK: Line chart of a rate with its interval

    /// The rate per period (0–100 %), the Wilson band, and an optional target line.
    package static func rateChart(id: String, title: String, desc: String, points: [RatePoint], targetTenths: Int?,
                          axisTitle: String, seriesName: String) -> String {
        let width = 880, height = 360
        // The target's label sits in the right margin, clear of the data.
        let left = 64.0, right = Double(width) - (targetTenths == nil ? 24 : 92), top = 48.0, bottom = Double(height) - 64
        let plotW = right - left, plotH = bottom - top
        let count = max(points.count, 1)
        let step = plotW / Double(count)
        func x(_ i: Int) -> Double { left + step * (Double(i) + 0.5) }
        func y(_ tenths: Int) -> Double { bottom - plotH * Double(tenths) / 1000 }

        var s = open(id: id, width: width, height: height, title: title, desc: desc)
        s += "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>\n"

        // Legend: a sample of each mark with its words.
        var lx = left
        s += "<g class=\"legend\" font-size=\"13\" fill=\"\(ink)\">\n"
        s += "<line x1=\"\(n(lx))\" y1=\"20\" x2=\"\(n(lx + 28))\" y2=\"20\" stroke=\"\(blue)\" stroke-width=\"3\"/>"
            + "<circle cx=\"\(n(lx + 14))\" cy=\"20\" r=\"4\" fill=\"\(blue)\" stroke=\"#ffffff\" stroke-width=\"1.5\"/>"
            + "<text x=\"\(n(lx + 36))\" y=\"24\">\(escape(seriesName))</text>\n"
        lx += 36 + Double(seriesName.count) * 7.2 + 24
        s += "<rect x=\"\(n(lx))\" y=\"12\" width=\"28\" height=\"16\" fill=\"\(skyBlue)\" fill-opacity=\"0.4\" stroke=\"\(blue)\" stroke-width=\"0.8\" stroke-dasharray=\"2 2\"/>"
            + "<text x=\"\(n(lx + 36))\" y=\"24\">95 % interval</text>\n"
        lx += 36 + 13 * 7.2 + 24
        if let t = targetTenths {
            s += "<line x1=\"\(n(lx))\" y1=\"20\" x2=\"\(n(lx + 28))\" y2=\"20\" stroke=\"\(vermillion)\" stroke-width=\"2.5\" stroke-dasharray=\"7 4\"/>"
                + "<text x=\"\(n(lx + 36))\" y=\"24\">Target \(Rates.formatTenths(t)) %</text>\n"
        }
        s += "</g>\n"

        // Axes and grid: always 0 to 100 %, never truncated.
        s += "<g class=\"axis\" font-size=\"13\" fill=\"\(ink)\">\n"
        for v in stride(from: 0, through: 1000, by: 200) {
            let yy = n(y(v))
            s += "<line x1=\"\(n(left))\" y1=\"\(yy)\" x2=\"\(n(right))\" y2=\"\(yy)\" stroke=\"\(v == 0 ? "#888888" : grid)\" stroke-width=\"1\"/>"
                + "<text x=\"\(n(left - 8))\" y=\"\(n(y(v) + 4.5))\" text-anchor=\"end\">\(v / 10) %</text>\n"
        }
        // Label every k-th period so that labels never overlap; the latest is always labelled.
        let labelEvery = max(1, Int((64.0 / step).rounded(.up)))
        for (i, p) in points.enumerated() {
            s += "<line x1=\"\(n(x(i)))\" y1=\"\(n(bottom))\" x2=\"\(n(x(i)))\" y2=\"\(n(bottom + ((points.count - 1 - i) % labelEvery == 0 ? 6 : 3)))\" stroke=\"#888888\"/>"
            if (points.count - 1 - i) % labelEvery == 0 {
                s += "<text x=\"\(n(x(i)))\" y=\"\(n(bottom + 22))\" text-anchor=\"middle\">\(escape(p.label))</text>"
            }
            s += "\n"
        }
        s += "<text x=\"\(n(left + plotW / 2))\" y=\"\(n(bottom + 50))\" text-anchor=\"middle\">\(escape(axisTitle))</text>\n"
        s += "<text transform=\"translate(16 \(n(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">On time %</text>\n"
        s += "</g>\n"

        // Runs of consecutive periods with a rate: a gap breaks the band and the line.
        var runs: [[Int]] = []
        for (i, p) in points.enumerated() where p.rateTenths != nil {
            if let last = runs.last?.last, last == i - 1 { runs[runs.count - 1].append(i) } else { runs.append([i]) }
        }
        s += "<g class=\"band\" fill=\"\(skyBlue)\" fill-opacity=\"0.4\">\n"
        for run in runs {
            let withBand = run.filter { points[$0].lowTenths != nil && points[$0].highTenths != nil }
            if run.count == 1, let i = withBand.first {
                let top = y(points[i].highTenths!), low = y(points[i].lowTenths!)
                s += "<rect x=\"\(n(x(i) - 5))\" y=\"\(n(top))\" width=\"10\" height=\"\(n(low - top))\"/>\n"
            } else if withBand.count == run.count {
                let upper = run.map { "\(n(x($0))),\(n(y(points[$0].highTenths!)))" }
                let lower = run.reversed().map { "\(n(x($0))),\(n(y(points[$0].lowTenths!)))" }
                s += "<polygon points=\"\((upper + lower).joined(separator: " "))\"/>\n"
            }
        }
        s += "</g>\n"

        if let t = targetTenths {
            let yy = y(t)
            s += "<g class=\"target\"><line x1=\"\(n(left))\" y1=\"\(n(yy))\" x2=\"\(n(right))\" y2=\"\(n(yy))\" "
                + "stroke=\"\(vermillion)\" stroke-width=\"2.5\" stroke-dasharray=\"7 4\"/>"
                + "<text x=\"\(n(right + 8))\" y=\"\(n(yy - 3))\" font-size=\"13\" font-weight=\"600\" fill=\"\(ink)\">Target</text>"
                + "<text x=\"\(n(right + 8))\" y=\"\(n(yy + 13))\" font-size=\"13\" font-weight=\"600\" fill=\"\(ink)\">\(Rates.formatTenths(t)) %</text></g>\n"
        }

        s += "<g class=\"line\" fill=\"none\" stroke=\"\(blue)\" stroke-width=\"2.5\" stroke-linejoin=\"round\">\n"
        for run in runs where run.count > 1 {
            s += "<polyline points=\"\(run.map { "\(n(x($0))),\(n(y(points[$0].rateTenths!)))" }.joined(separator: " "))\"/>\n"
        }
        s += "</g>\n<g class=\"points\" fill=\"\(blue)\" stroke=\"#ffffff\" stroke-width=\"1.5\">\n"
        for run in runs {
            for i in run {
                let p = points[i]
                s += "<circle cx=\"\(n(x(i)))\" cy=\"\(n(y(p.rateTenths!)))\" r=\"4\"><title>\(escape(p.label)): "
                    + "\(Rates.formatTenths(p.rateTenths!)) % (95 % interval \(ReportFormat.interval(p.lowTenths, p.highTenths)) %)</title></circle>\n"
            }
        }
        s += "</g>\n</svg>"
        return s
    }

    // MARK: Horizontal bar chart of counts

    package struct Bar {
        package var label: String
        package var value: Int
    }

    /// One labelled bar per row, its count written at its end.
    package static func barChart(id: String, title: String, desc: String, bars: [Bar], colour: String, unit: String) -> String {
        let width = 880
        let rowH = 40.0, top = 12.0
        let height = Int(top * 2 + rowH * Double(bars.count))
        let labelRight = 250.0, plotLeft = 262.0, plotRight = Double(width) - 120
        let maxValue = max(bars.map(\.value).max() ?? 0, 1)
        var s = open(id: id, width: width, height: height, title: title, desc: desc)
        s += "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>\n"
        s += "<line x1=\"\(n(plotLeft))\" y1=\"\(n(top - 4))\" x2=\"\(n(plotLeft))\" y2=\"\(n(top + rowH * Double(bars.count) + 4))\" stroke=\"#888888\"/>\n"
        s += "<g font-size=\"14\" fill=\"\(ink)\">\n"
        for (i, b) in bars.enumerated() {
            let y0 = top + rowH * Double(i)
            let length = (plotRight - plotLeft) * Double(b.value) / Double(maxValue)
            s += "<text x=\"\(n(labelRight))\" y=\"\(n(y0 + rowH / 2 + 5))\" text-anchor=\"end\">\(escape(b.label))</text>"
            s += "<rect x=\"\(n(plotLeft))\" y=\"\(n(y0 + 7))\" width=\"\(n(length))\" height=\"\(n(rowH - 14))\" fill=\"\(colour)\"/>"
            s += "<text x=\"\(n(plotLeft + length + 8))\" y=\"\(n(y0 + rowH / 2 + 5))\" font-weight=\"600\">\(b.value) \(escape(unit))</text>\n"
        }
        s += "</g>\n</svg>"
        return s
    }
}
