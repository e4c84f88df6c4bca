import EHCPRules
import TOMLKit

/// Which rate a KPI reads (summary.csv's columns of the same names).
public enum KPIRate: String, Sendable, CaseIterable {
    case exclExceptions = "excl_exceptions"
    case inclOverdue = "incl_overdue"
}

/// One key performance indicator of an improvement plan (`--kpis FILE`, outputs.md "KPIs").
public struct KPIDefinition: Sendable, Equatable {
    public var measure: MeasureID
    /// The name the board uses; nil for the measure's title.
    public var name: String?
    /// Percent.
    public var target: Double
    public var rate: KPIRate
    /// Given in the file; nil: the earliest run in the history.
    public var baseline: Double?
    /// Points below target that are still amber.
    public var amberWithin: Double

    public init(measure: MeasureID, name: String? = nil, target: Double, rate: KPIRate = .exclExceptions,
                baseline: Double? = nil, amberWithin: Double = 10) {
        self.measure = measure; self.name = name; self.target = target; self.rate = rate
        self.baseline = baseline; self.amberWithin = amberWithin
    }
}

/// A KPI file that cannot be used: the file and what to change.
public struct KPIFileError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let reason: String
    public var description: String { "\(file): the KPI file cannot be used: \(reason)" }
}

/// The `--kpis` file: `[[kpi]]` tables with measure, target and optional name, rate,
/// baseline and amber_within.
public enum KPIFile {
    public static func load(path: String) throws -> [KPIDefinition] {
        let text: String
        do { text = try FileBytes.readText(path: path) } catch {
            throw KPIFileError(file: path, reason: error.reason)
        }
        return try parse(toml: text, file: path)
    }

    static let keys = ["measure", "name", "target", "rate", "baseline", "amber_within"]

    public static func parse(toml: String, file: String) throws -> [KPIDefinition] {
        func fail(_ reason: String) -> KPIFileError { KPIFileError(file: file, reason: reason) }
        if let (line, column, reason) = MappingProfile.unsafeForTOMLKit(toml) {
            throw fail("TOML syntax error at line \(line), column \(column): \(reason)")
        }
        let table: TOMLTable
        do { table = try TOMLTable(string: toml) } catch let error as TOMLParseError {
            throw fail("TOML syntax error at line \(error.source.begin.line), column \(error.source.begin.column): \(error.description)")
        } catch {
            throw fail("TOML syntax error: \(error)")
        }
        for key in table.keys where key != "kpi" { throw fail("unknown key \"\(key)\"; the file holds [[kpi]] tables") }
        guard let array = table["kpi"]?.array, !array.isEmpty else {
            throw fail("no [[kpi]] table; write one per indicator, e.g. [[kpi]] measure = \"final-plan-20w\" target = 60")
        }
        var out: [KPIDefinition] = []
        for (i, item) in array.enumerated() {
            let n = i + 1
            guard let t = item.table else { throw fail("kpi \(n) is not a table; write [[kpi]] tables") }
            for key in t.keys where !keys.contains(key) {
                throw fail("kpi \(n): unknown key \"\(key)\"; accepted keys are " + keys.joined(separator: ", "))
            }
            func number(_ key: String) throws -> Double? {
                guard let v = t[key] else { return nil }
                if let d = v.double { return d }
                if let i = v.int { return Double(i) }
                throw fail("kpi \(n): \(key) must be a number, e.g. \(key) = 60")
            }
            guard let measureText = t["measure"]?.string else {
                throw fail("kpi \(n): measure is required, e.g. measure = \"final-plan-20w\"")
            }
            guard let measure = MeasureID(rawValue: measureText) else {
                throw fail("kpi \(n): \"\(measureText)\" is not a measure; use one of " + MeasureID.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard let target = try number("target") else { throw fail("kpi \(n): target is required, in percent, e.g. target = 60") }
            guard target.isFinite, (0...100).contains(target) else { throw fail("kpi \(n): target must be from 0 to 100 percent") }
            var rate = KPIRate.exclExceptions
            if let v = t["rate"] {
                guard let s = v.string, let r = KPIRate(rawValue: s) else {
                    throw fail("kpi \(n): rate must be \"excl_exceptions\" or \"incl_overdue\"")
                }
                rate = r
            }
            let baseline = try number("baseline")
            if let baseline, !(baseline.isFinite && (0...100).contains(baseline)) {
                throw fail("kpi \(n): baseline must be from 0 to 100 percent")
            }
            let amber = try number("amber_within") ?? 10
            guard amber.isFinite, amber >= 0 else { throw fail("kpi \(n): amber_within must be 0 or more points") }
            var name: String?
            if let v = t["name"] {
                guard let s = v.string, !s.isEmpty else { throw fail("kpi \(n): name must be text") }
                name = s
            }
            out.append(KPIDefinition(measure: measure, name: name, target: target, rate: rate, baseline: baseline, amberWithin: amber))
        }
        return out
    }
}
