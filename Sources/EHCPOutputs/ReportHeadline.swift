import EHCPRules
import EHCPStore
import EHCPIngest
import EHCPTimeliness

/// The report's first screen: per measure, the latest complete month and the 12 months
/// to it (completed on time of completed, and the rate), the cases open past their
/// deadline on the as-at date and the most overdue of them, and DfE's published figure
/// when `--benchmark-la` was given.
///
/// Always by calendar month, whatever `--period` is: the counts come from the analysis'
/// tallies of completions per month (`MeasureTallies`), which are summary.csv's
/// `on_time` and `late` of each month under `--period month`.
public struct Headline: Sendable, Equatable {
    /// The latest complete month (`PeriodUnit.month.index(for:)`): the latest calendar
    /// month that ended on or before the as-at date. As at 31 October 2025 it is October
    /// 2025 (the extract holds every event of that day); as at 1 November 2025 it is
    /// still October 2025, since November has only begun. With `--to` before the as-at
    /// date, the latest month that ended on or before `--to`.
    public var month: Int
    /// One row per measure of the report, in the measure table's order.
    public var rows: [Row]
    /// DfE's latest published year, when the analysis has a benchmark.
    public var benchmark: Published?

    /// The number of months of the longer window, ending with `month`.
    public static let windowMonths = 12

    /// The months of the longer window: the 12 months to `month`, both ends included.
    public var window: ClosedRange<Int> { month - (Self.windowMonths - 1) ... month }

    /// The latest calendar month that ended on or before `asAt`.
    public static func latestCompleteMonth(asAt: Day) -> Int {
        let current = PeriodUnit.month.index(for: asAt)
        return (asAt + 1).dayOfMonth == 1 ? current : current - 1
    }

    /// Completed cases without a statutory exception in some months, and of them on time.
    public struct Rate: Sendable, Equatable {
        public var completed: Int
        public var onTime: Int
        /// Fewer than `--suppress-below` completions (but some): no figure is shown.
        public var suppressed: Bool
        /// On time ÷ completed in tenths of a percent; nil when none completed.
        public var rateTenths: Int? { Rates.percentTenths(onTime, of: completed) }
    }

    public struct Row: Sendable, Equatable {
        public var measure: MeasureID
        public var title: String
        public var latestMonth: Rate
        public var twelveMonths: Rate
        /// Open cases past their deadline on the as-at date, with or without a statutory
        /// exception (the backlog, and the overdue part of the action list).
        public var openOverdue: Int
        /// The backlog is suppressed with its measure.
        public var overdueSuppressed: Bool
        /// How many days the most overdue of them is overdue; nil when none is.
        public var maxDaysOverdue: Int?
        /// That case, when it is known and may be named: not with `--suppress-below`
        /// (the report is then for publication).
        public var oldest: OverdueCase?
    }

    /// DfE's published figures for one calendar year (the measure the benchmark is of).
    public struct Published: Sendable, Equatable {
        public var measure: MeasureID
        public var year: Int
        public var laName: String
        public var regionName: String
        public var councilRate: Double?
        public var regionRate: Double?
        public var englandRate: Double?
        /// The tool's own rate for that year from this extract; nil when it has no plan
        /// issued that year, or the count is suppressed.
        public var ownRate: Double?
    }

    package init(result: AnalysisResult, measures: [MeasureReport]) {
        let options = result.options
        let latest = Self.latestCompleteMonth(asAt: options.window.lastDay(asAt: options.asAt))
        month = latest
        let window = latest - (Self.windowMonths - 1) ... latest
        func rate(_ tallies: MeasureTallies, _ months: ClosedRange<Int>) -> Rate {
            let (completed, onTime) = tallies.completed(inMonths: months)
            let suppressed = options.suppressBelow.map { completed > 0 && completed < $0 } ?? false
            return Rate(completed: suppressed ? 0 : completed, onTime: suppressed ? 0 : onTime, suppressed: suppressed)
        }
        rows = measures.map { m in
            let tallies = result.tallies(m.id)
            let hidden = m.backlog.suppressed
            return Row(measure: m.id, title: m.title,
                       latestMonth: rate(tallies, latest ... latest), twelveMonths: rate(tallies, window),
                       openOverdue: hidden ? 0 : m.backlog.total, overdueSuppressed: hidden,
                       maxDaysOverdue: hidden ? nil : tallies.maxDaysOverdue,
                       oldest: hidden || options.suppressBelow != nil ? nil : tallies.oldestOverdue)
        }
        benchmark = result.benchmark.flatMap { b in
            let published = b.rows.filter { $0.publishedRate != nil || $0.regionRate != nil || $0.englandRate != nil }
            guard let latest = published.max(by: { $0.year < $1.year }) else { return nil }
            return Published(measure: .finalPlan20w, year: latest.year, laName: b.laName, regionName: b.regionName,
                             councilRate: latest.publishedRate, regionRate: latest.regionRate, englandRate: latest.englandRate,
                             ownRate: options.suppresses(latest) ? nil : latest.ownRate)
        }
    }
}

extension ReportModel {
    /// "October 2025"
    package var headlineMonthWords: String { ReportFormat.monthWords(headline.month) }

    /// "12 months to October 2025"
    package var headlineWindowWords: String { "\(Headline.windowMonths) months to \(headlineMonthWords)" }

    /// The headline as one table: cells shared by report.html (which groups the column
    /// heads) and report.md.
    package var headlineTable: ReportTable {
        let month = headlineMonthWords, window = headlineWindowWords, on = ReportFormat.longDate(asAt)
        let columns: [ReportTable.Column] = [
            .init("Measure", numeric: false),
            .init("\(month): on time of completed"), .init("\(month): on time %"),
            .init("\(window): on time of completed"), .init("\(window): on time %"),
            .init("Open overdue on \(on)"), .init("Most overdue"),
        ]
        let rows: [[String]] = headline.rows.map { r in
            [r.title] + Self.headlineRateCells(r.latestMonth) + Self.headlineRateCells(r.twelveMonths)
                + [ReportFormat.count(r.openOverdue, suppressed: r.overdueSuppressed), Self.mostOverdue(r)]
        }
        let first = ReportFormat.monthWords(headline.window.lowerBound)
        return ReportTable(
            caption: "\(month), the latest complete month, and the \(window) (\(first) to \(month))",
            columns: columns, rows: rows, note: headlineNote)
    }

    /// "41 of 52" and "78.8 %"; "0 of 0" and "–" for none.
    package static func headlineRateCells(_ r: Headline.Rate) -> [String] {
        if r.suppressed { return [ReportFormat.suppressed, ReportFormat.suppressed] }
        return ["\(r.onTime) of \(r.completed)", r.rateTenths.map { Rates.formatTenths($0) + " %" } ?? ReportFormat.none]
    }

    /// "212 days (case R000123)", "212 days", or "–" when no case is overdue.
    package static func mostOverdue(_ r: Headline.Row) -> String {
        if r.overdueSuppressed { return ReportFormat.suppressed }
        guard let days = r.maxDaysOverdue else { return ReportFormat.none }
        let text = ReportFormat.plural(days, "day")
        return r.oldest.map { text + " (case \(headlineID($0.caseID)))" } ?? text
    }

    /// The longest case id the headline shows whole; a longer one (a system's long
    /// reference, a UPN padded out) is cut with an ellipsis there, and only there: the
    /// outputs keep every id whole.
    package static let headlineIDLength = 32

    package static func headlineID(_ id: String) -> String {
        id.count <= headlineIDLength ? id : String(id.prefix(headlineIDLength - 1)) + "…"
    }

    /// DfE's latest published year beside the tool's own, in one sentence; empty without a benchmark.
    package var headlineBenchmark: String {
        guard let b = headline.benchmark else { return "" }
        let title = measures.first { $0.id == b.measure }?.title ?? b.measure.definition.title
        func rate(_ v: Double?) -> String { v == nil ? ReportFormat.none : Self.percent(v) + "\u{A0}%" }  // never "46.4 / %"
        return "DfE published, \(title.prefix(1).lowercased() + title.dropFirst()) (excluding exceptions), calendar year \(b.year): "
            + "\(b.laName) \(rate(b.councilRate)), \(b.regionName) \(rate(b.regionRate)), England \(rate(b.englandRate)); "
            + "this extract's \(b.year): \(rate(b.ownRate)). See Comparison with published figures."
    }

    package var headlineNote: String {
        var text = byColumns.isEmpty ? "" : "Totals across every \(byColumns.joined(separator: " and ")). "
        text += "On time of completed: cases completed without a statutory exception, and of them how many by their deadline. "
            + "Open overdue: cases still open past their deadline on \(ReportFormat.longDate(asAt)), statutory exceptions included "
            + (window.isRestricted ? "(only those due in the window; the action list, exceptions.csv, has every one)." : "(the action list, exceptions.csv).")
        if let n = suppressBelow {
            text += " \(ReportFormat.suppressed) = suppressed: fewer than \(n) cases completed. Cases are not named."
        }
        if !windowSentence.isEmpty { text += " " + windowSentence }
        return text
    }
}
