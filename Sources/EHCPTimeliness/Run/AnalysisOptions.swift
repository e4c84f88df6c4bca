import EHCPRules
import EHCPStore
import EHCPIngest

/// One input file and the extract kind it holds.
public struct InputFile: Sendable, Equatable {
    public var kind: ExtractKind
    /// The path as the user gave it (outputs name files this way, never absolutely).
    public var path: String
    public init(kind: ExtractKind, path: String) { self.kind = kind; self.path = path }
}

/// Everything an analysis run depends on: the same options give the same bytes.
public struct AnalysisOptions: Sendable {
    public var inputs: [InputFile]
    public var asAt: Day
    public var profilePath: String?
    public var by: [String] = []
    public var period: PeriodUnit = .month
    /// Open cases due within this many days of the as-at date join the action list.
    public var dueWithin: Int = 28
    /// The `--due-within` values accepted: ten years ahead is more than any clock needs,
    /// and keeps as-at + due-within a day that `Day` can hold (a huge value trapped).
    public static let dueWithinRange = 0...3660
    /// When an annual review counts as complete.
    public var reviewClock: ReviewClock = .decision
    /// How "before 15 February" is read for phase transfers.
    public var transferDeadline: TransferDeadline = .literal
    /// Cohorts with fewer cases than this have their counts and rates blanked in
    /// summary.csv, summary.json and the reports (never in cases.csv or exceptions.csv).
    public var suppressBelow: Int?
    /// A target rate (percent) drawn on the report's charts.
    public var target: Double?
    /// LA code (old or new) whose published 20-week figures the report shows beside the tool's.
    public var benchmarkLA: String?
    /// A DfE `timeliness_20_week.csv` to use instead of the shipped copy.
    public var benchmarkFile: String?
    /// A key file: when given, `case_id` and `person_id` are replaced by keyed hashes in every output.
    public var pseudonymiseKeyPath: String?
    /// Text encoding of the extracts; nil takes the profile's, else `.auto`.
    public var encoding: TextEncoding?
    /// Show a progress line on stderr (the command line sets this when stderr is a terminal).
    public var showProgress = false
    /// Pinned delimiter; nil detects it from each header line (or takes the profile's).
    public var delimiter: UInt8?
    /// Threads that read one large extract in parallel; 1 reads every file in one pass.
    /// The outputs are the same bytes either way.
    public var jobs: Int = AnalysisOptions.defaultJobs
    /// Extracts of at least this many bytes are read in parallel (tests lower it).
    package var parallelThreshold = 8 << 20
    /// Where temporary files of a run go (cases and the action list wait there until written).
    public var scratchDirectory: String = ScratchSpace.directory

    /// One thread per core, at most 8.
    public static var defaultJobs: Int { max(1, min(8, ProcessorCount.online)) }

    public init(inputs: [InputFile], asAt: Day) {
        self.inputs = inputs
        self.asAt = asAt
    }

    /// The settings stated in every output. The publication options (benchmark,
    /// suppression, target) appear only when given, so outputs without them keep their bytes.
    public var settings: [(key: String, value: String)] {
        var list: [(key: String, value: String)] = [
            ("by", by.joined(separator: ",")), ("due_within_days", String(dueWithin)), ("period", period.rawValue),
            ("review_clock", reviewClock.rawValue), ("transfer_deadline", transferDeadline.rawValue)]
        if let benchmarkLA { list.append(("benchmark_la", benchmarkLA)) }
        if let suppressBelow { list.append(("suppress_below", String(suppressBelow))) }
        if let target { list.append(("target", Self.format(target))) }
        if pseudonymiseKeyPath != nil { list.append(("pseudonymised", "case_id,person_id")) }
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

/// The number of processors available to this process.
package enum ProcessorCount {
    package static var online: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}
