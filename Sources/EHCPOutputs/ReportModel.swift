import EHCPRules
import EHCPStore
import EHCPIngest
import EHCPTimeliness

/// The evidence pack's figures: plain values computed once from an analysis, which
/// both report.html and report.md render, so the two always show the same numbers.
///
/// Suppression (`--suppress-below`) is applied here: a suppressed figure is zero or nil
/// in the model and flagged, so no renderer can print it by mistake.
public struct ReportModel: Sendable, Equatable {
    /// The improvement board's KPIs (`--kpis`), shown before everything else; nil without.
    public var kpis: [KPIRow]? = nil
    public var toolName: String
    public var toolVersion: String
    public var ruleSetVersion: String
    public var asAt: Day
    public var period: PeriodUnit
    public var byColumns: [String]
    public var dueWithin: Int
    public var reviewClock: ReviewClock
    public var transferDeadline: TransferDeadline
    /// Target rate in tenths of a percent, when `--target` was given.
    public var targetTenths: Int?
    public var suppressBelow: Int?
    /// Measures with at least one case, in catalogue order.
    public var measures: [MeasureReport]
    public var dataQuality: DataQualityReport
    public var benchmark: BenchmarkTable?
    /// The first screen: the latest complete month, the 12 months to it, the backlog now.
    public var headline: Headline
    /// backlog.csv's totals by measure (`MonthEndBacklog.swift`).
    public var monthEnds: [MeasureID: [MonthEndPoint]] = [:]
    /// The as-at date's period (`PeriodUnit.index(for:)`), or `--to`'s when that is
    /// earlier: the charts and the figure tables stop there. A later period holds only
    /// cases still open and due after it.
    public var lastPeriod: Int
    /// `--from`/`--to`: which cases the figures count (every case when unrestricted).
    public var window: DateWindow
    /// `--term-dates`: the file, and its closures of 4 weeks or more (the only ones with a
    /// school-closure window); nil when not given.
    public var termDates: TermDatesUse?
    /// The SEN2 returns among the inputs (`--sen2`): the report then says which of its
    /// figures are the ones DfE publishes from a return.
    public var sen2Returns: [String] = []

    /// An exception share above this percentage of a cohort's cases draws a warning.
    public static let exceptionShareWarningPercent = 20
    /// The most problem kinds the data-quality section lists.
    public static let topProblemKinds = 10
    /// The most periods a rate chart shows (the latest ones); the table lists all.
    public static let chartPeriodLimit = 36

    public init(_ result: AnalysisResult) {
        let o = result.options
        toolName = Tool.name
        toolVersion = Tool.version
        ruleSetVersion = RuleSet.version
        asAt = o.asAt
        period = o.period
        byColumns = result.byColumns
        dueWithin = o.dueWithin
        reviewClock = o.reviewClock
        transferDeadline = o.transferDeadline
        targetTenths = o.target.map { Rates.tenths(ofPercent: $0) }
        suppressBelow = o.suppressBelow
        benchmark = result.benchmark
        window = o.window
        termDates = o.rules.schoolClosures.map { TermDatesUse(file: o.termDatesPath ?? $0.file, qualifying: $0.qualifying) }
        sen2Returns = o.inputs.filter { $0.kind == .sen2 }.map(\.path)

        var rowsByMeasure: [MeasureID: [SummaryRow]] = [:]
        for r in result.summary { rowsByMeasure[r.measure, default: []].append(r) }
        measures = o.rules.measures.ids.compactMap { id in
            guard let rows = rowsByMeasure[id], !rows.isEmpty else { return nil }
            return MeasureReport(id: id, rows: rows, tallies: result.tallies(id), options: o,
                                 dimensionCount: result.byColumns.count)
        }
        dataQuality = DataQualityReport(inputs: result.inputs, problems: result.problems)
        dataQuality.notMeasured = result.summary.filter { $0.isAllPeriods && $0.isCohortTotal(in: result.byColumns.count) }
            .reduce(0) { $0 + $1.notMeasured }
        headline = Headline(result: result, measures: measures)
        monthEnds = Self.monthEnds(result.backlog)
        lastPeriod = o.period.index(for: o.window.lastDay(asAt: o.asAt))
    }

    /// The final-plan measure, when the extract has it (the day-140 caveat comes from it).
    public var finalPlan: MeasureReport? { measures.first { $0.id == .finalPlan20w } }
}

/// The term dates a run checked `school_closure` claims against (`--term-dates`).
public struct TermDatesUse: Sendable, Equatable {
    /// The file as the user named it.
    public var file: String
    /// Its closures of 4 weeks or more: the only ones with a window.
    public var qualifying: [SchoolClosure]
}

/// Counts and rates of one summary row. When `suppressed`, every count is 0 and every
/// rate nil: the figures are not in the model at all.
public struct ReportFigures: Sendable, Equatable {
    public var suppressed: Bool
    public var cases = 0
    public var onTime = 0
    public var late = 0
    public var openInTime = 0
    public var openOverdue = 0
    public var excepted = 0
    /// Rates in tenths of a percent; nil when the denominator is 0 (or suppressed).
    public var rateExclTenths: Int?
    public var ciLowTenths: Int?
    public var ciHighTenths: Int?
    public var rateInclExceptionsTenths: Int?
    public var rateInclOverdueTenths: Int?
    /// Twice the median days elapsed (so a half day is exact).
    public var medianHalfDays: Int?
    /// Final plans less than 15 days after their draft, on a measure that counts them.
    public var shortRepresentation: Int?

    package init(_ row: SummaryRow, suppressed: Bool) {
        self.suppressed = suppressed
        guard !suppressed else { return }
        shortRepresentation = row.shortRepresentation
        cases = row.cases; onTime = row.onTime; late = row.late
        openInTime = row.openInTime; openOverdue = row.openOverdue; excepted = row.excepted
        rateExclTenths = row.rateExclExceptionsTenths
        let wilson = row.wilsonTenths
        ciLowTenths = wilson?.low; ciHighTenths = wilson?.high
        rateInclExceptionsTenths = row.rateInclExceptionsTenths
        rateInclOverdueTenths = row.rateInclOverdueTenths
        medianHalfDays = row.medianHalfDays
    }
}

/// One period of a measure (the total across cohorts).
public struct PeriodFigures: Sendable, Equatable {
    public var label: String
    public var figures: ReportFigures
}

/// One cohort of a measure over all periods.
public struct CohortFigures: Sendable, Equatable {
    /// The `--by` values, in the order of the columns.
    public var values: [String]
    public var figures: ReportFigures
}

/// One point of a rate chart: a period on a continuous axis. `rateTenths` is nil when
/// the period has no completed case without an exception, or is suppressed.
public struct RatePoint: Sendable, Equatable {
    public var label: String
    public var rateTenths: Int?
    public var lowTenths: Int?
    public var highTenths: Int?
    public var suppressed: Bool
}

/// The periods a rate chart shows: every period from the first to the last with a
/// rate (at most `ReportModel.chartPeriodLimit`, the latest), gaps included.
public struct RateSeries: Sendable, Equatable {
    public var points: [RatePoint]
    /// Periods with a rate before the chart's first period (they are in the table).
    public var earlierPeriodsWithRate: Int

    /// True when there is nothing to draw.
    public var isEmpty: Bool { !points.contains { $0.rateTenths != nil } }
}


/// How many cases of a period or cohort have a statutory exception.
public struct ExceptionShare: Sendable, Equatable {
    /// A period label, or the cohort's `--by` values.
    public var labels: [String]
    public var excepted: Int
    public var cases: Int
    public var suppressed: Bool

    /// Share of cases excepted, in tenths of a percent.
    public var shareTenths: Int? { Rates.percentTenths(excepted, of: cases) }
    /// More than `ReportModel.exceptionShareWarningPercent` % of the cases are excepted.
    public var isHigh: Bool {
        !suppressed && cases > 0 && excepted * 100 > ReportModel.exceptionShareWarningPercent * cases
    }
}

/// Use of statutory exceptions on one measure.
public struct ExceptionUse: Sendable, Equatable {
    public var suppressed: Bool
    public struct Reason: Sendable, Equatable {
        public var code: ExceptionCode
        public var count: Int
    }

    /// Every exception ground with its number of cases (catalogue order, zeros included).
    public var byReason: [Reason]
    /// Periods with at least one excepted case.
    public var byPeriod: [ExceptionShare]
    /// Every cohort (when there are `--by` columns).
    public var byCohort: [ExceptionShare]
    public var total: ExceptionShare

    public var excepted: Int { byReason.reduce(0) { $0 + $1.count } }
}

/// Everything the report says about one measure.
public struct MeasureReport: Sendable, Equatable {
    public var id: MeasureID
    public var title: String
    public var rule: String
    public var citation: String
    /// All cohorts, every period up to the as-at date's (see `ReportModel.lastPeriod`).
    public var total: ReportFigures
    /// Every period of the total across cohorts up to the as-at date's, in order.
    public var periods: [PeriodFigures]
    public var series: RateSeries
    /// Every cohort over the periods up to the as-at date's; empty without `--by`.
    public var cohorts: [CohortFigures]
    /// Cases in periods after the as-at date's, left out of `total`, `periods` and
    /// `cohorts` (all still open: a completion after the as-at date is rejected), and
    /// how many such periods (summary.csv and cases.csv keep them).
    public var laterCases: Int
    public var laterPeriods: Int
    /// Completed cases without an exception finished exactly on their due date (day 140
    /// for final plans); 0 when suppressed.
    public var completedOnDueDate: Int
    /// The rate excluding exceptions if those cases counted as late (tenths).
    public var rateIfDueDayLateTenths: Int?
    /// Final plans only.
    public var issueBands: IssueBands?
    /// How this measure's due date is counted, from its own limit (`DueDate.countingSentence`).
    public var countingRule: String
    /// Whether the measure counts final plans issued less than 15 days after the draft
    /// (reg 13(1)(a)): its period table shows them.
    public var countsShortRepresentation: Bool
    public var backlog: Backlog
    public var exceptions: ExceptionUse

    package init(id: MeasureID, rows: [SummaryRow], tallies: MeasureTallies, options: AnalysisOptions, dimensionCount: Int) {
        self.id = id
        let def = options.rules.measures[id]
        title = def.title; rule = def.rule; citation = def.citation
        countingRule = def.dueDate.countingSentence(clockStart: def.clockStart, reading: options.transferDeadline)
        countsShortRepresentation = def.countsShortRepresentation

        // Periods after the as-at date's hold only open cases due then: they stay in
        // summary.csv, but the charts and figure tables stop at the as-at date's period
        // (or `--to`'s, when earlier: no case is counted after it).
        let lastPeriod = options.period.index(for: options.window.lastDay(asAt: options.asAt))
        let isLater = { (r: SummaryRow) in !r.isAllPeriods && (r.periodIndex ?? Int.min) > lastPeriod }
        let totals = rows.filter { $0.isCohortTotal(in: dimensionCount) }
        let allPeriodsRow = totals.first { $0.isAllPeriods }
            ?? SummaryRow(measure: id, period: Rates.allLabel, cohort: [], isCohortTotal: true)
        let laterRows = totals.filter(isLater)
        let totalRow = allPeriodsRow.less(laterRows)
        laterCases = allPeriodsRow.cases - totalRow.cases
        laterPeriods = laterRows.count
        let totalSuppressed = options.suppresses(totalRow)
        total = ReportFigures(totalRow, suppressed: totalSuppressed)
        let periodRows = totals.filter { !$0.isAllPeriods && !isLater($0) }
        periods = periodRows.map { PeriodFigures(label: $0.period, figures: ReportFigures($0, suppressed: options.suppresses($0))) }
        let allPeriodsCohortRows = dimensionCount == 0 ? [] : rows.filter { $0.isAllPeriods && !$0.isCohortTotal }
        let laterCohortRows = dimensionCount == 0 ? [:] : Dictionary(grouping: rows.filter { !$0.isCohortTotal && isLater($0) }, by: \.cohort)
        let cohortRows = allPeriodsCohortRows.map { $0.less(laterCohortRows[$0.cohort] ?? []) }.filter { $0.cases > 0 }
        cohorts = cohortRows.map { CohortFigures(values: $0.cohort, figures: ReportFigures($0, suppressed: options.suppresses($0))) }
        series = Self.series(periods: periods, indices: periodRows.map(\.periodIndex), unit: options.period)

        // Completions on the due date, and DfE's bands, tallied from the cases as they streamed past.
        var onDueDate = tallies.completedOnDueDate
        var bands = IssueBands(suppressed: totalSuppressed, within20Weeks: tallies.within20Weeks,
                               over20To52Weeks: tallies.over20To52Weeks, over52Weeks: tallies.over52Weeks)
        var backlogCounts = Array(zip(tallies.backlogWithout, tallies.backlogWith))
        var reasons: [ExceptionCode: Int] = [:]
        for (code, count) in zip(ExceptionCode.allCases, tallies.reasons) where count != 0 { reasons[code] = count }
        bands.medianHalfDays = totalRow.medianHalfDays
        if totalSuppressed {
            onDueDate = 0
            bands = IssueBands(suppressed: true)
            backlogCounts = backlogCounts.map { _ in (0, 0) }
            reasons = [:]
        }
        completedOnDueDate = onDueDate
        rateIfDueDayLateTenths = totalSuppressed ? nil
            : Rates.percentTenths(totalRow.onTime - onDueDate, of: totalRow.onTime + totalRow.late)
        issueBands = id == .finalPlan20w ? bands : nil
        backlog = Backlog(suppressed: totalSuppressed, bands: zip(Backlog.labels, backlogCounts).map {
            Backlog.Band(label: $0.0, withoutException: $0.1.0, withException: $0.1.1)
        })

        func share(_ labels: [String], _ row: SummaryRow) -> ExceptionShare {
            let s = options.suppresses(row)
            return ExceptionShare(labels: labels, excepted: s ? 0 : row.excepted, cases: s ? 0 : row.cases, suppressed: s)
        }
        exceptions = ExceptionUse(
            suppressed: totalSuppressed,
            byReason: Self.reportedGrounds(options.rules.measures[id].grounds).map { ExceptionUse.Reason(code: $0, count: reasons[$0] ?? 0) },
            byPeriod: periodRows.filter { $0.excepted > 0 }.map { share([$0.period], $0) },
            byCohort: allPeriodsCohortRows.map { share($0.cohort, $0) },
            total: share([Rates.allLabel], allPeriodsRow))
    }

    /// The grounds a measure's exception table lists: the general ones (every measure's
    /// table had these rows before reg 44(3)'s ground existed), then any other its
    /// regulation gives.
    package static func reportedGrounds(_ grounds: ExceptionGrounds) -> [ExceptionCode] {
        ExceptionCode.general + grounds.accepted.filter { !ExceptionCode.general.contains($0) }
    }

    /// The chart's periods: a continuous run of labels from the first to the last
    /// period with a rate, so a month with no completed case shows as a gap. `indices`
    /// are the periods' numbers (`PeriodUnit.index(for:)`), parallel to `periods`.
    package static func series(periods: [PeriodFigures], indices: [Int?], unit: PeriodUnit) -> RateSeries {
        let ratedIndexed = zip(periods, indices).filter { $0.0.figures.rateExclTenths != nil }
        let rated = ratedIndexed.map(\.0)
        guard let first = ratedIndexed.first, let last = ratedIndexed.last else {
            return RateSeries(points: [], earlierPeriodsWithRate: 0)
        }
        var labels: [String] = []
        if let from = first.1, let to = last.1, from <= to {
            labels = (from...to).map { unit.label(forIndex: $0) }
        } else {
            labels = rated.map(\.label)
        }
        let byLabel = Dictionary(periods.map { ($0.label, $0.figures) }, uniquingKeysWith: { a, _ in a })
        let shown = Array(labels.suffix(ReportModel.chartPeriodLimit))
        let shownSet = Set(shown)
        let earlier = rated.filter { !shownSet.contains($0.label) }.count
        return RateSeries(points: shown.map { label in
            let f = byLabel[label]
            return RatePoint(label: label, rateTenths: f?.rateExclTenths, lowTenths: f?.ciLowTenths,
                             highTenths: f?.ciHighTenths, suppressed: f?.suppressed ?? false)
        }, earlierPeriodsWithRate: earlier)
    }

    /// Periods and cohorts where more than the warning share of cases is excepted.
    public var highExceptionPeriods: [ExceptionShare] { exceptions.byPeriod.filter(\.isHigh) }
    public var highExceptionCohorts: [ExceptionShare] { exceptions.byCohort.filter(\.isHigh) }
}

extension SummaryRow {
    /// This row less the counts of `rows`: the same cases counted again in some of this
    /// row's periods. The median is this row's: it is over completed cases, and the rows
    /// taken off (periods after the as-at date's) hold none.
    package func less(_ rows: [SummaryRow]) -> SummaryRow {
        var r = self
        for o in rows {
            r.onTime -= o.onTime; r.late -= o.late; r.openInTime -= o.openInTime; r.openOverdue -= o.openOverdue
            r.exceptedOnTime -= o.exceptedOnTime; r.exceptedLate -= o.exceptedLate; r.exceptedOpen -= o.exceptedOpen
            if let n = o.shortRepresentation { r.shortRepresentation = (r.shortRepresentation ?? 0) - n }
        }
        return r
    }
}

/// Reconciliation and the most frequent problems.
public struct DataQualityReport: Sendable, Equatable {
    public struct File: Sendable, Equatable {
        public var name: String
        public var rowsRead: Int
        public var analysed: Int
        public var rejected: Int
        public var errors: Int
        public var warnings: Int
        public var sha256: String
        public var reconciles: Bool { rowsRead == analysed + rejected }
    }

    /// Problems alike but for their values (see `ProblemKind`).
    public typealias Kind = ProblemKind

    public var files: [File]
    /// The most frequent kinds, most frequent first (errors before warnings on a tie,
    /// then the earliest example).
    public var topKinds: [Kind]
    public var kindCount: Int
    public var errors: Int
    /// Errors that kept their row: an optional field read as blank.
    public var keptRowErrors = 0
    /// Case-measures left out because a field they need held an unusable value.
    public var notMeasured = 0
    /// Each exception reason not recognised, as written, with its count, most frequent first.
    public var unrecognisedReasons: [ReasonCount] = []
    public struct ReasonCount: Sendable, Equatable {
        public var reason: String
        public var count: Int
    }
    public var warnings: Int

    package init(inputs: [InputSummary], problems: [DataQualityProblem]) {
        var counts = ProblemCounts()
        for p in problems { counts.add(p) }
        self.init(inputs: inputs, counts: counts)
    }

    package init(inputs: [InputSummary], problems: ProblemList) {
        self.init(inputs: inputs, counts: problems.counts)
    }

    private init(inputs: [InputSummary], counts: ProblemCounts) {
        files = inputs.map { i in
            let (e, w) = counts.byFile[i.file] ?? (0, 0)
            return File(name: i.file, rowsRead: i.rowsRead, analysed: i.analysed, rejected: i.rejected,
                        errors: e, warnings: w, sha256: i.sha256)
        }
        errors = counts.errors
        keptRowErrors = counts.keptRowErrors
        unrecognisedReasons = counts.reasonsByCount.map { ReasonCount(reason: $0.reason, count: $0.count) }
        warnings = counts.warnings
        kindCount = counts.kinds.count
        // Stable: ties keep first-seen order within the same severity.
        topKinds = Array(counts.kinds.enumerated().sorted { a, b in
            if a.element.count != b.element.count { return a.element.count > b.element.count }
            if a.element.severity != b.element.severity { return a.element.severity < b.element.severity }
            return a.offset < b.offset
        }.map(\.element).prefix(ReportModel.topProblemKinds))
    }

}
