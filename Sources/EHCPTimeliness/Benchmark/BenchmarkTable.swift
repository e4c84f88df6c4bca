import EHCPRules
import EHCPStore
import EHCPIngest

// INTERFACE — shared by the benchmark, suppression and report work. Keep signatures.

/// One calendar year of the 20-week benchmark: the council's own rate computed by the
/// tool beside the published figures (DfE `timeliness_20_week.csv`).
public struct BenchmarkRow: Sendable, Equatable {
    public var year: Int
    /// The tool's own count for the council: final plans issued in the year, without an exception.
    public var ownPlans: Int
    /// … of which within 20 weeks.
    public var ownWithin20Weeks: Int
    /// The tool's own rate excluding exceptions (rounded to one decimal), nil when no plans.
    public var ownRate: Double?
    /// The council's published rate excluding exceptions, nil when missing (x, z, c).
    public var publishedRate: Double?
    public var regionRate: Double?
    public var englandRate: Double?

    public init(year: Int, ownPlans: Int, ownWithin20Weeks: Int, ownRate: Double?, publishedRate: Double?,
                regionRate: Double?, englandRate: Double?) {
        self.year = year; self.ownPlans = ownPlans; self.ownWithin20Weeks = ownWithin20Weeks; self.ownRate = ownRate
        self.publishedRate = publishedRate; self.regionRate = regionRate; self.englandRate = englandRate
    }
}

/// The benchmark table for one council.
public struct BenchmarkTable: Sendable, Equatable {
    /// The code as given (old three-digit or new nine-character).
    public var laCode: String
    public var laName: String
    public var regionName: String
    /// The benchmark file as named (the shipped copy's name when none was given).
    public var source: String
    /// One row per calendar year the file covers, ascending.
    public var rows: [BenchmarkRow]

    public init(laCode: String, laName: String, regionName: String, source: String, rows: [BenchmarkRow]) {
        self.laCode = laCode; self.laName = laName; self.regionName = regionName; self.source = source; self.rows = rows
    }
}
