import EHCPRules
import EHCPStore
import EHCPIngest

/// Rates, Wilson intervals and medians as outputs.md fixes them.
///
/// Rounded values are carried as whole tenths (`Int`) so that CSV, JSON and reports
/// print the same figure, and rates from counts are exact: no binary floating point
/// is involved, so 23/80 = 28.75 % rounds to 28.8 (a Double computation gives
/// 28.7499… and 28.7).
package enum Rates {
    /// The label written for "all periods" and for the total across cohorts.
    package static let allLabel = "all"

    /// 100·part/whole in tenths of a percent, rounded half away from zero;
    /// nil when `whole` is 0.
    package static func percentTenths(_ part: Int, of whole: Int) -> Int? {
        guard whole > 0 else { return nil }
        precondition(part >= 0 && part <= whole, "a rate needs 0 ≤ part ≤ whole")
        // round(1000·a/b) half up for a, b ≥ 0 = floor((2000·a + b) / (2·b)).
        return (2000 * part + whole) / (2 * whole)
    }

    /// A percentage in Double rounded half away from zero to tenths, clamped to 0…100 %.
    package static func tenths(ofPercent percent: Double) -> Int {
        let t = (percent * 10).rounded(.toNearestOrAwayFromZero)
        return Int(min(1000, max(0, t)))
    }

    /// Wilson score interval (z = 1.96) of `successes` out of `trials`, in tenths of a
    /// percent; nil when `trials` is 0. The bound is exactly 0 with no successes and
    /// exactly 100 % with no failures (floating point would give -0.0000000000003).
    package static func wilsonTenths(_ successes: Int, of trials: Int, z: Double = 1.96) -> (low: Int, high: Int)? {
        guard trials > 0 else { return nil }
        precondition(successes >= 0 && successes <= trials, "Wilson needs 0 ≤ successes ≤ trials")
        let n = Double(trials)
        let p = Double(successes) / n
        let z2 = z * z
        let denominator = 1 + z2 / n
        let centre = (p + z2 / (2 * n)) / denominator
        let half = z / denominator * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        let low = successes == 0 ? 0 : centre - half
        let high = successes == trials ? 1 : centre + half
        return (tenths(ofPercent: low * 100), tenths(ofPercent: high * 100))
    }

    /// `50.0`, `66.7`, `100.0`: always one decimal.
    package static func formatTenths(_ t: Int) -> String {
        let sign = t < 0 ? "-" : ""
        let a = t.magnitude
        return sign + String(a / 10) + "." + String(a % 10)
    }

    /// A median held as twice its value: `42` for 84, `42.5` for 85.
    package static func formatHalves(_ h: Int) -> String {
        if h % 2 == 0 { return String(h / 2) }
        let sign = h < 0 ? "-" : ""
        return sign + String(h.magnitude / 2) + ".5"
    }

    /// The exact median of a histogram (value → count) as twice its value (the sum of
    /// the two middle values; twice the middle value for an odd count); nil when empty.
    package static func medianHalves(_ histogram: [Int: Int]) -> Int? {
        medianHalves(ordered: histogram.sorted { $0.key < $1.key }.map { (value: $0.key, count: $0.value) })
    }

    /// `medianHalves(_:)` of counts already in increasing order of value (a histogram
    /// kept in order need not be made a dictionary and sorted: `DayHistogram`).
    package static func medianHalves(ordered counts: [(value: Int, count: Int)]) -> Int? {
        let n = counts.reduce(0) { $0 + $1.count }
        guard n > 0 else { return nil }
        let lowRank = (n - 1) / 2, highRank = n / 2   // 0-based ranks of the middle values
        var seen = 0
        var low: Int?
        for (value, count) in counts {
            seen += count
            if low == nil, seen > lowRank { low = value }
            if seen > highRank { return low! + value }
        }
        preconditionFailure("unreachable: ranks are below the total count")
    }
}
