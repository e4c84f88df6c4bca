import EHCPRules

/// `--from` / `--to`: the days whose cases the summaries, the report and the console
/// count. A case is in the window when its period date (`CaseTiming.periodDate`: the
/// completed date, or the due date while open) lies within [from, to], both ends
/// included; a missing end is open.
///
/// Cases are chosen by their own date rather than by whole periods, so a window that
/// starts mid-month still counts that month's cases from the start day on. cases.csv
/// and the action list never look at the window.
public struct DateWindow: Sendable, Equatable {
    public var from: Day?
    public var to: Day?

    public init(from: Day? = nil, to: Day? = nil) {
        self.from = from; self.to = to
    }

    /// True when an end is given (otherwise every case counts and the outputs are as without it).
    public var isRestricted: Bool { from != nil || to != nil }

    /// True when `day` is on or after `from` and on or before `to`.
    public func contains(_ day: Day) -> Bool {
        (from.map { day >= $0 } ?? true) && (to.map { day <= $0 } ?? true)
    }

    /// The window's ends as day numbers, the open ones at the limits of `Day`: two
    /// comparisons per case in the row loop, with no optional to unwrap. (A tuple, not a
    /// range: `from` after `to` is an empty window, not a trap.)
    package var bounds: (lower: Int32, upper: Int32) { (from?.number ?? Int32.min, to?.number ?? Int32.max) }

    /// The last day the figures can reach: the as-at date, or `to` when it is earlier.
    /// The report's charts and headline stop there.
    public func lastDay(asAt: Day) -> Day { to.map { min($0, asAt) } ?? asAt }
}
