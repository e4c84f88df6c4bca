import EHCPRules
import EHCPStore
import EHCPIngest

/// The evidence pack's figures: plain values computed once from an analysis, which
/// both report.html and report.md render, so the two always show the same numbers.
///
/// Suppression (`--suppress-below`) is applied here: a suppressed figure is zero or nil
/// in the model and flagged, so no renderer can print it by mistake.
public struct ReportModel: Sendable, Equatable {
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

        var rowsByMeasure: [MeasureID: [SummaryRow]] = [:]
        for r in result.summary { rowsByMeasure[r.measure, default: []].append(r) }
        measures = MeasureID.allCases.compactMap { id in
            guard let rows = rowsByMeasure[id], !rows.isEmpty else { return nil }
            return MeasureReport(id: id, rows: rows, tallies: result.tallies(id), options: o,
                                 dimensionCount: result.byColumns.count)
        }
        dataQuality = DataQualityReport(inputs: result.inputs, problems: result.problems)
    }

    /// The final-plan measure, when the extract has it (the day-140 caveat comes from it).
    public var finalPlan: MeasureReport? { measures.first { $0.id == .finalPlan20w } }
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

    package init(_ row: SummaryRow, suppressed: Bool) {
        self.suppressed = suppressed
        guard !suppressed else { return }
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

/// DfE's bands of time to issue a final plan, over completed cases without an exception.
public struct IssueBands: Sendable, Equatable {
    public var suppressed: Bool
    /// Issued on or before the final-plan limit (within 20 weeks).
    public var within20Weeks = 0
    /// After the limit, up to day 364 (over 20 weeks, up to 52 weeks).
    public var over20To52Weeks = 0
    /// Day 365 or later (over 52 weeks).
    public var over52Weeks = 0
    /// Twice the median days from request to final plan.
    public var medianHalfDays: Int?

    public var completed: Int { within20Weeks + over20To52Weeks + over52Weeks }

    /// Last day of each band: within 20 weeks (the final-plan limit of the measure
    /// table), then up to 52 weeks (DfE's band, not a statutory limit).
    public static let within20WeeksDays = MeasureID.finalPlan20w.definition.dueDate.days ?? 0
    public static let upTo52WeeksDays = 52 * 7
}

/// Open overdue cases by how long they are overdue on the as-at date.
public struct Backlog: Sendable, Equatable {
    public struct Band: Sendable, Equatable {
        public var label: String
        public var withoutException: Int
        public var withException: Int
        public var total: Int { withoutException + withException }
    }

    public var suppressed: Bool
    /// Four bands: under 4 weeks, 4 to under 12, 12 to under 26, 26 weeks or more.
    public var bands: [Band]

    public var total: Int { bands.reduce(0) { $0 + $1.total } }
    public var withException: Int { bands.reduce(0) { $0 + $1.withException } }

    /// Band edges in weeks overdue: a case exactly 4 weeks (28 days) overdue is in "4 to under 12 weeks".
    public static let edgesWeeks = [4, 12, 26]
    public static let labels = ["Under 4 weeks", "4 to under 12 weeks", "12 to under 26 weeks", "26 weeks or more"]

    /// The band of a case `daysOverdue` days past its due date (1 or more).
    public static func band(daysOverdue: Int) -> Int {
        edgesWeeks.firstIndex { daysOverdue < $0 * 7 } ?? edgesWeeks.count
    }
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
    /// All periods, all cohorts.
    public var total: ReportFigures
    /// Every period of the total across cohorts, in order.
    public var periods: [PeriodFigures]
    public var series: RateSeries
    /// Every cohort over all periods; empty without `--by`.
    public var cohorts: [CohortFigures]
    /// Completed cases without an exception finished exactly on their due date (day 140
    /// for final plans); 0 when suppressed.
    public var completedOnDueDate: Int
    /// The rate excluding exceptions if those cases counted as late (tenths).
    public var rateIfDueDayLateTenths: Int?
    /// Final plans only.
    public var issueBands: IssueBands?
    public var backlog: Backlog
    public var exceptions: ExceptionUse

    package init(id: MeasureID, rows: [SummaryRow], tallies: MeasureTallies, options: AnalysisOptions, dimensionCount: Int) {
        self.id = id
        let def = id.definition
        title = def.title; rule = def.rule; citation = def.citation

        let totals = rows.filter { $0.isCohortTotal(in: dimensionCount) }
        let totalRow = totals.first { $0.isAllPeriods }
            ?? SummaryRow(measure: id, period: Rates.allLabel, cohort: [], isCohortTotal: true)
        let totalSuppressed = options.suppresses(totalRow)
        total = ReportFigures(totalRow, suppressed: totalSuppressed)
        let periodRows = totals.filter { !$0.isAllPeriods }
        periods = periodRows.map { PeriodFigures(label: $0.period, figures: ReportFigures($0, suppressed: options.suppresses($0))) }
        let cohortRows = dimensionCount == 0 ? [] : rows.filter { $0.isAllPeriods && !$0.isCohortTotal }
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
            byReason: ExceptionCode.allCases.map { ExceptionUse.Reason(code: $0, count: reasons[$0] ?? 0) },
            byPeriod: periodRows.filter { $0.excepted > 0 }.map { share([$0.period], $0) },
            byCohort: cohortRows.map { share($0.cohort, $0) },
            total: share([Rates.allLabel], totalRow))
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

    /// Problems alike but for their values: the same severity, column and wording.
    public struct Kind: Sendable, Equatable {
        public var severity: Severity
        public var column: String
        /// The problem text with the row's own values replaced by "…".
        public var description: String
        public var count: Int
        /// Where the first one is.
        public var exampleFile: String
        public var exampleLine: Int
    }

    public var files: [File]
    /// The most frequent kinds, most frequent first (errors before warnings on a tie,
    /// then the earliest example).
    public var topKinds: [Kind]
    public var kindCount: Int
    public var errors: Int
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
        warnings = counts.warnings
        kindCount = counts.kinds.count
        // Stable: ties keep first-seen order within the same severity.
        topKinds = Array(counts.kinds.enumerated().sorted { a, b in
            if a.element.count != b.element.count { return a.element.count > b.element.count }
            if a.element.severity != b.element.severity { return a.element.severity < b.element.severity }
            return a.offset < b.offset
        }.map(\.element).prefix(ReportModel.topProblemKinds))
    }

    /// The problem without the row's own values: its value (where quoted, if it is
    /// quoted anywhere, so wording that happens to match stays), its case id and any date.
    /// Works on UTF-8 bytes: a run can have hundreds of thousands of problems.
    package static func generalise(_ p: DataQualityProblem) -> String {
        var text = Array(p.problem.utf8)
        let ellipsis = Array("…".utf8)
        if !p.value.isEmpty {
            let quoted = Array(("\"" + p.value + "\"").utf8)
            text = TextPattern.firstMatch(of: quoted, in: text) != nil
                ? TextPattern.replacingWord(quoted, in: text, with: Array("\"…\"".utf8))
                : TextPattern.replacingWord(Array(p.value.utf8), in: text, with: ellipsis)
        }
        if !p.caseID.isEmpty { text = TextPattern.replacingWord(Array(p.caseID.utf8), in: text, with: ellipsis) }
        return String(decoding: TextPattern.replacingISODates(in: text, with: ellipsis), as: UTF8.self)
    }
}

/// What the data-quality section counts, gathered one problem at a time as the run's
/// problems pass: totals per file, and the kinds in the order first seen.
package struct ProblemCounts: Sendable {
    package private(set) var errors = 0
    package private(set) var warnings = 0
    /// Errors and warnings per file name.
    package private(set) var byFile: [String: (errors: Int, warnings: Int)] = [:]
    package private(set) var kinds: [DataQualityReport.Kind] = []
    /// Severity, column and text as bytes: hashing a String with "…" in it would
    /// normalise it to NFC first.
    private var index: [ByteKey: Int] = [:]

    package mutating func add(_ p: DataQualityProblem) {
        let isError = p.severity == .error
        if isError { errors += 1 } else { warnings += 1 }
        byFile[p.file, default: (0, 0)].errors += isError ? 1 : 0
        byFile[p.file, default: (0, 0)].warnings += isError ? 0 : 1
        let text = DataQualityReport.generalise(p)
        var key = Array(p.severity.rawValue.utf8)
        key.append(0x1F); key.append(contentsOf: p.column.utf8); key.append(0x1F); key.append(contentsOf: text.utf8)
        if let i = index[ByteKey(key)] { kinds[i].count += 1; return }
        index[ByteKey(key)] = kinds.count
        kinds.append(DataQualityReport.Kind(severity: p.severity, column: p.column, description: text, count: 1,
                                            exampleFile: p.file, exampleLine: p.line))
    }
}

/// Replacements in UTF-8 text. A match of whole UTF-8 text always starts and ends on
/// scalar boundaries, so bytes can be compared directly; only the word test at the
/// edges of a match decodes a scalar.
package enum TextPattern {
    /// The byte offset of the first occurrence of `target` in `text`.
    /// Every problem of a run passes here (`DataQualityReport.generalise`): comparing
    /// slices element by element once took a sixth of writing data-quality.csv.
    package static func firstMatch(of target: [UInt8], in text: [UInt8], from start: Int = 0) -> Int? {
        ByteSearch.firstIndex(of: target, in: text, from: start)
    }

    /// Every occurrence of `target` that is not part of a longer word (letters or
    /// digits on either side) replaced, left to right.
    package static func replacingWord(_ target: [UInt8], in text: [UInt8], with replacement: [UInt8]) -> [UInt8] {
        guard !target.isEmpty, var at = firstMatch(of: target, in: text) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var copied = 0
        while true {
            let end = at + target.count
            let joinsBefore = at > 0 && isWordy(scalarEnding: at, in: text) && isWordy(scalarStarting: at, in: text)
            let joinsAfter = end < text.count && isWordy(scalarEnding: end, in: text) && isWordy(scalarStarting: end, in: text)
            var next = at + 1
            if !joinsBefore && !joinsAfter {
                out.append(contentsOf: text[copied..<at])
                out.append(contentsOf: replacement)
                copied = end
                next = end
            }
            guard let found = firstMatch(of: target, in: text, from: next) else { break }
            at = found
        }
        out.append(contentsOf: text[copied...])
        return out
    }

    /// `yyyy-mm-dd` dates (ASCII digits, not inside a longer run of digits) replaced.
    package static func replacingISODates(in text: [UInt8], with replacement: [UInt8]) -> [UInt8] {
        func digit(_ i: Int) -> Bool { i < text.count && text[i] >= 0x30 && text[i] <= 0x39 }
        guard text.contains(UInt8(ascii: "-")) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            if i + 10 <= text.count, digit(i), digit(i + 1), digit(i + 2), digit(i + 3), text[i + 4] == UInt8(ascii: "-"),
               digit(i + 5), digit(i + 6), text[i + 7] == UInt8(ascii: "-"), digit(i + 8), digit(i + 9), !digit(i + 10),
               i == 0 || !digit(i - 1) {
                out.append(contentsOf: replacement)
                i += 10
            } else {
                out.append(text[i]); i += 1
            }
        }
        return out
    }

    /// Whether the scalar that starts at byte `i` is a letter or a digit.
    private static func isWordy(scalarStarting i: Int, in text: [UInt8]) -> Bool {
        var end = i + 1
        while end < text.count, text[end] & 0xC0 == 0x80 { end += 1 }
        return isWordy(text[i..<end])
    }

    /// Whether the scalar that ends just before byte `i` is a letter or a digit.
    private static func isWordy(scalarEnding i: Int, in text: [UInt8]) -> Bool {
        var start = i - 1
        while start > 0, text[start] & 0xC0 == 0x80 { start -= 1 }
        return isWordy(text[start..<i])
    }

    private static func isWordy(_ bytes: ArraySlice<UInt8>) -> Bool {
        if bytes.count == 1, let b = bytes.first {
            return (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A)
        }
        guard let scalar = String(decoding: bytes, as: UTF8.self).unicodeScalars.first else { return false }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }
}
