import EHCPRules
import EHCPStore
import EHCPIngest

/// The 20-week benchmark: the council's own rate, computed from this run's cases the way
/// DfE counts (plans by calendar year of issue, excluding exceptions), beside the rates
/// DfE published for the council, its region and England.
public enum Benchmark {
    /// The name the shipped copy goes by in outputs (`BenchmarkTable.source`).
    public static let shippedFileName = "timeliness_20_week.csv"

    /// Reads the benchmark file: `file` when given, else the shipped copy next to the program.
    public static func load(file: String?) throws -> PublishedTimeliness {
        if let file { return try PublishedTimeliness(path: file, file: file) }
        guard let path = ShippedBenchmark.locate() else {
            throw BenchmarkError.shippedCopyNotFound(looked: ShippedBenchmark.candidates())
        }
        return try PublishedTimeliness(path: path, file: shippedFileName)
    }

    /// The table for the council with `code` (old three-digit or new nine-character),
    /// one row per calendar year the file covers.
    public static func table(code: String, published: PublishedTimeliness, cases: [CaseResult]) throws -> BenchmarkTable {
        try table(code: code, published: published, ownByYear: ownFigures(cases).mapValues { ($0.plans, $0.within) })
    }

    /// Final plans issued in each calendar year without an applied exception, and how
    /// many within 20 weeks, counted by the same tallies as a run's.
    package static func ownFigures(_ cases: [CaseResult]) -> [Int: (plans: Int, within: Int)] {
        var tallies = MeasureTallies()
        for c in cases where c.measure == .finalPlan20w { tallies.add(c.timing, asAt: c.completed ?? c.due) }
        return tallies.completedByYear.mapValues { ($0.plans, $0.onTime) }
    }

    package static func table(code: String, published: PublishedTimeliness,
                      ownByYear own: [Int: (plans: Int, onTime: Int)]) throws -> BenchmarkTable {
        let rows = try published.authorityRows(code: code)
        let latest = rows.max { $0.year < $1.year }!
        var table: [BenchmarkRow] = []
        for year in published.years {
            let mine = rows.first { $0.year == year }
            let regionCode = mine?.regionCode ?? latest.regionCode
            // Final plans issued in the year without an applied exception, and how many within
            // 20 weeks. Open cases are not counted: DfE counts plans when issued.
            let counts = own[year] ?? (0, 0)
            table.append(BenchmarkRow(
                year: year, ownPlans: counts.plans, ownWithin20Weeks: counts.onTime,
                ownRate: Rates.percentTenths(counts.onTime, of: counts.plans).map { Double($0) / 10 },
                publishedRate: try published.rate(mine?.rate),
                regionRate: try published.rate(published.regions[regionCode]?[year]),
                englandRate: try published.rate(published.england[year])))
        }
        return BenchmarkTable(laCode: code, laName: latest.name, regionName: latest.regionName,
                              source: published.file, rows: table)
    }

}

extension PublishedTimeliness {
    /// Every row of the council with `code`, across years. A new code finds the council's
    /// old code, so a council whose new code changed between years (Buckinghamshire,
    /// E10000002 and E06000060, both 825) keeps all its years.
    package func authorityRows(code: String) throws -> [Authority] {
        let given = Self.key(code).uppercased()
        let matched = authorities.filter { $0.oldCode == given || $0.newCode == given }
        let oldCodes = Set(matched.map(\.oldCode).filter { !$0.isEmpty })
        var rows: [Authority] = []
        for row in authorities where matched.contains(row) || oldCodes.contains(row.oldCode) {
            if !rows.contains(where: { $0.year == row.year }) { rows.append(row) }   // first row of a year wins
        }
        guard !rows.isEmpty else {
            throw BenchmarkError.unknownAuthority(code: code, file: file, suggestions: suggestions(for: given))
        }
        return rows
    }

    /// A few councils the user may have meant: codes one character away, or names
    /// containing what was typed; "351 Bury (E08000002)".
    package func suggestions(for given: String, limit: Int = 5) -> [String] {
        var latest: [String: Authority] = [:]
        for a in authorities where latest[a.oldCode].map({ $0.year <= a.year }) ?? true { latest[a.oldCode] = a }
        let typedName = given.filter(\.isLetter).count >= 2   // a name, not a code like E08000002
        let matches = latest.values.filter { a in
            Self.distance(given, a.oldCode) <= 1 || Self.distance(given, a.newCode) <= 1
                || (typedName && a.name.uppercased().contains(given))
        }
        return matches
            .sorted { (Self.distance(given, $0.oldCode), $0.oldCode) < (Self.distance(given, $1.oldCode), $1.oldCode) }
            .prefix(limit)
            .map { "\($0.oldCode) \($0.name) (\($0.newCode))" }
    }

    /// Levenshtein distance between two short codes.
    package static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
