import EHCPRules
import EHCPStore
import EHCPIngest

/// What the outputs show and how: cohorts, periods, the action list's horizon, and the
/// publication options. The run's third group of settings, beside `RuleSettings` and
/// `InputSettings`.
public struct OutputSettings: Sendable {
    public var by: [String] = []
    public var period: PeriodUnit = .month
    /// Open cases due within this many days of the as-at date join the action list.
    public var dueWithin: Int = 28
    /// Cohorts with fewer cases than this have their counts and rates blanked in
    /// summary.csv, summary.json and the reports (never in cases.csv or exceptions.csv).
    public var suppressBelow: Int?
    /// A target rate (percent) drawn on the report's charts.
    public var target: Double?
    /// LA code (old or new) whose published 20-week figures the report shows beside the tool's.
    public var benchmarkLA: String?
    /// A DfE `timeliness_20_week.csv` to use instead of the shipped copy.
    public var benchmarkFile: String?
    /// `--from` / `--to`: the cases summary.csv, summary.json, the report and the console
    /// count (never cases.csv or the action list).
    public var window = DateWindow()

    public init() {}
}

/// Everything an analysis run depends on, by layer: the same options give the same bytes.
/// The rules see only `rules`; reading sees `input`; the outputs see `output`.
public struct AnalysisOptions: Sendable {
    public var rules: RuleSettings
    public var input: InputSettings
    public var output = OutputSettings()

    /// The `--due-within` values accepted: ten years ahead is more than any clock needs,
    /// and keeps as-at + due-within a day that `Day` can hold (a huge value trapped).
    public static let dueWithinRange = 0...3660

    /// One thread per core, at most 8.
    public static var defaultJobs: Int { InputSettings.defaultJobs }

    public init(inputs: [InputFile], asAt: Day) {
        rules = RuleSettings(asAt: asAt)
        input = InputSettings(inputs: inputs)
    }

    // Each setting by its own name as well, for the code that still takes the whole set.
    public var inputs: [InputFile] { get { input.inputs } set { input.inputs = newValue } }
    public var asAt: Day { get { rules.asAt } set { rules.asAt = newValue } }
    public var reviewClock: ReviewClock { get { rules.reviewClock } set { rules.reviewClock = newValue } }
    public var transferDeadline: TransferDeadline { get { rules.transferDeadline } set { rules.transferDeadline = newValue } }
    public var profilePath: String? { get { input.profilePath } set { input.profilePath = newValue } }
    public var termDatesPath: String? { get { input.termDatesPath } set { input.termDatesPath = newValue } }
    public var pseudonymiseKeyPath: String? { get { input.pseudonymiseKeyPath } set { input.pseudonymiseKeyPath = newValue } }
    public var encoding: TextEncoding? { get { input.encoding } set { input.encoding = newValue } }
    public var delimiter: UInt8? { get { input.delimiter } set { input.delimiter = newValue } }
    public var jobs: Int { get { input.jobs } set { input.jobs = newValue } }
    package var parallelThreshold: Int { get { input.parallelThreshold } set { input.parallelThreshold = newValue } }
    package var minimumSplit: Int { get { input.minimumSplit } set { input.minimumSplit = newValue } }
    public var scratchDirectory: String { get { input.scratchDirectory } set { input.scratchDirectory = newValue } }
    public var showProgress: Bool { get { input.showProgress } set { input.showProgress = newValue } }
    public var duplicates: DuplicatePolicy { get { input.duplicates } set { input.duplicates = newValue } }
    public var by: [String] { get { output.by } set { output.by = newValue } }
    public var period: PeriodUnit { get { output.period } set { output.period = newValue } }
    public var dueWithin: Int { get { output.dueWithin } set { output.dueWithin = newValue } }
    public var suppressBelow: Int? { get { output.suppressBelow } set { output.suppressBelow = newValue } }
    public var target: Double? { get { output.target } set { output.target = newValue } }
    public var benchmarkLA: String? { get { output.benchmarkLA } set { output.benchmarkLA = newValue } }
    public var benchmarkFile: String? { get { output.benchmarkFile } set { output.benchmarkFile = newValue } }
    public var window: DateWindow { get { output.window } set { output.window = newValue } }

    /// The settings stated in every output. The publication options (benchmark,
    /// suppression, target) and the window's ends appear only when given, so outputs
    /// without them keep their bytes.
    public var settings: [(key: String, value: String)] {
        var list: [(key: String, value: String)] = [
            ("by", by.joined(separator: ",")), ("due_within_days", String(dueWithin)), ("period", period.rawValue),
            ("review_clock", reviewClock.rawValue), ("transfer_deadline", transferDeadline.rawValue)]
        if let benchmarkLA { list.append(("benchmark_la", benchmarkLA)) }
        if duplicates != .first { list.append(("duplicates", duplicates.rawValue)) }
        if let suppressBelow { list.append(("suppress_below", String(suppressBelow))) }
        if let target { list.append(("target", Self.format(target))) }
        if pseudonymiseKeyPath != nil { list.append(("pseudonymised", "case_id,person_id")) }
        if let from = window.from { list.append(("from", from.iso)) }
        if let to = window.to { list.append(("to", to.iso)) }
        if let termDatesPath { list.append(("term_dates", termDatesPath)) }
        return list.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }

    /// `90` for 90, `92.5` for 92.5: a percentage as the user would write it.
    package static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
    }
}

extension AnalysisOptions {
    /// True when `row` must be published with its counts and rates blanked.
    public func suppresses(_ row: SummaryRow) -> Bool {
        guard let n = suppressBelow else { return false }
        return row.cases < n
    }

    /// True when the council's own counts for a benchmark year must be published blanked:
    /// some, but fewer than `suppressBelow`, plans issued without an exception. A year
    /// with none (the extract does not reach it) discloses nothing and is not blanked.
    public func suppresses(_ row: BenchmarkRow) -> Bool {
        guard let n = suppressBelow else { return false }
        return row.ownPlans > 0 && row.ownPlans < n
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

