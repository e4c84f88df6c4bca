import EHCPStore
import EHCPRules
import EHCPIngest
import EHCPTimeliness

/// The counts a KPI's value is read from: per measure, the cases without an applied
/// exception whose period month (completed date, or due date while open) is one of the
/// 12 months ending with the as-at date's month. A sink of its own, so the value does
/// not depend on `--period`, `--from` or `--to`.
package final class KPITally: CaseSink {
    package let firstDay: Day
    package let lastDay: Day
    package private(set) var onTime: [Int]
    package private(set) var late: [Int]
    package private(set) var overdue: [Int]
    /// Each counted timing's row (ordinal) and what it added (measure × 3 + kind), so
    /// that a row taken back as a duplicate is taken out again (`subtract`).
    private var counted: [(ordinal: Int64, code: Int32)] = []

    package init(asAt: Day, measureCount: Int) {
        let c = asAt.civil
        lastDay = Day(year: c.year, month: c.month, day: Day.daysIn(month: c.month, year: c.year)) ?? asAt
        let m = c.year * 12 + c.month - 1 - 11
        firstDay = Day(year: m / 12, month: m % 12 + 1, day: 1) ?? asAt
        onTime = Array(repeating: 0, count: measureCount)
        late = onTime; overdue = onTime
    }

    package func add(_ timings: [CaseTiming], of facts: CaseFacts, cohort: Int32, ordinal: Int64) throws {
        for t in timings where t.exception == nil {
            let d = t.periodDate
            guard d >= firstDay, d <= lastDay else { continue }
            switch t.status {
            case .onTime: onTime[t.measure.order] += 1; counted.append((ordinal, Int32(t.measure.order * 3)))
            case .late: late[t.measure.order] += 1; counted.append((ordinal, Int32(t.measure.order * 3 + 1)))
            case .openOverdue: overdue[t.measure.order] += 1; counted.append((ordinal, Int32(t.measure.order * 3 + 2)))
            case .openInTime: break
            }
        }
    }

    package func makeChunk() throws -> any CaseSink { KPITally(copyingWindowOf: self) }

    private init(copyingWindowOf other: KPITally) {
        firstDay = other.firstDay; lastDay = other.lastDay
        onTime = Array(repeating: 0, count: other.onTime.count)
        late = onTime; overdue = onTime
    }

    package func absorb(_ chunk: any CaseSink) throws {
        guard let other = chunk as? KPITally else { return }
        for i in onTime.indices { onTime[i] += other.onTime[i]; late[i] += other.late[i]; overdue[i] += other.overdue[i] }
        counted.append(contentsOf: other.counted)
    }

    /// Takes out what the rows the run took back (repeated cases) added.
    package func subtract(_ retracted: RetractedRows) {
        guard !retracted.isEmpty else { return }
        for c in counted where retracted.contains(c.ordinal) {
            let m = Int(c.code / 3)
            switch c.code % 3 {
            case 0: onTime[m] -= 1
            case 1: late[m] -= 1
            default: overdue[m] -= 1
            }
        }
        counted.removeAll()
    }

    package func releaseMemory() throws {}

    package func rate(_ measure: MeasureID, _ rate: KPIRate) -> Double? {
        let i = measure.order
        let whole = rate == .exclExceptions ? onTime[i] + late[i] : onTime[i] + late[i] + overdue[i]
        return Rates.percentTenths(onTime[i], of: whole).map { Double($0) / 10 }
    }
}

/// A KPI as the board reads it: summary.json's `kpis` and the report's first table.
public struct KPIRow: Sendable, Equatable {
    public var measure: MeasureID
    public var name: String
    public var rate: KPIRate
    public var target: Double
    public var value: Double?
    public var baseline: Double?
    public var previous: Double?
    /// green, amber or red; nil when there is no value.
    public var rag: String?
    /// up, down or same against `previous`; nil without one.
    public var direction: String?
    /// The recorded runs' values and this run's, oldest first (with `--history`).
    public var trend: [(asAt: String, value: Double?)]

    public static func == (a: KPIRow, b: KPIRow) -> Bool {
        a.measure == b.measure && a.name == b.name && a.rate == b.rate && a.target == b.target && a.value == b.value
            && a.baseline == b.baseline && a.previous == b.previous && a.rag == b.rag && a.direction == b.direction
            && a.trend.map(\.asAt) == b.trend.map(\.asAt) && a.trend.map(\.value) == b.trend.map(\.value)
    }
}

/// What the run history says of a KPI: its value in every earlier run, oldest first.
public typealias KPIHistory = (_ measure: MeasureID, _ rate: KPIRate) throws -> [(asAt: String, value: Double?)]

public enum KPIs {
    /// The board's rows: each KPI's value this run, its baseline (given, or the earliest
    /// run's), the previous run's value, RAG and direction. `earlier`: the runs recorded
    /// before this one's as-at date (none without `--history`).
    public static func rows(_ definitions: [KPIDefinition], run: AnalysedRun, tally: any KPIValues,
                            earlier: KPIHistory?) throws -> [KPIRow] {
        let table = run.result.options.rules.measures
        return try definitions.map { d in
            let value = tally.kpiRate(d.measure, d.rate)
            let before = try earlier?(d.measure, d.rate) ?? []
            let previous = before.last?.value
            let baseline = d.baseline ?? (before.first.map { $0.value } ?? value)
            return KPIRow(measure: d.measure, name: d.name ?? table[d.measure].title, rate: d.rate, target: d.target,
                          value: value, baseline: baseline, previous: previous, rag: rag(value, d),
                          direction: direction(value, previous),
                          trend: earlier == nil ? [] : before + [(run.result.options.asAt.iso, value)])
        }
    }

    static func rag(_ value: Double?, _ d: KPIDefinition) -> String? {
        guard let value else { return nil }
        if value >= d.target { return "green" }
        return value >= d.target - d.amberWithin ? "amber" : "red"
    }

    static func direction(_ value: Double?, _ previous: Double?) -> String? {
        guard let value, let previous else { return nil }
        let a = Int((value * 10).rounded()), b = Int((previous * 10).rounded())
        return a > b ? "up" : a < b ? "down" : "same"
    }

    /// summary.json's `kpis`.
    static func json(_ rows: [KPIRow]) -> JSONValue {
        func number(_ v: Double?) -> JSONValue { v.map(JSONValue.number) ?? .null }
        return .array(rows.map { r in
            .object(["measure": .string(r.measure.rawValue), "name": .string(r.name), "rate": .string(r.rate.rawValue),
                     "target": .number(r.target), "value": number(r.value), "baseline": number(r.baseline),
                     "previous": number(r.previous), "rag": r.rag.map(JSONValue.string) ?? .null,
                     "direction": r.direction.map(JSONValue.string) ?? .null])
        })
    }
}

/// The rates a KPI is read from (the tally sink).
public protocol KPIValues: AnyObject {
    func kpiRate(_ measure: MeasureID, _ rate: KPIRate) -> Double?
}

extension KPITally: KPIValues {
    public func kpiRate(_ measure: MeasureID, _ rate: KPIRate) -> Double? { self.rate(measure, rate) }
}

extension AnalysedRun {
    /// `analyse`, with the KPI tally among the sinks when KPIs are asked for.
    /// `historyCases`: the run history's sink (`--history`), fed with the other sinks.
    public static func analyse(_ options: AnalysisOptions, kpis: Bool, historyCases: HistoryCases? = nil) throws
        -> (run: AnalysedRun, kpis: (any KPIValues)?) {
        guard kpis || historyCases != nil else { return (try analyse(options), nil) }
        let cases = try CasesFile(options: options), actions = ActionListStore(options: options)
        let tally = kpis ? KPITally(asAt: options.asAt, measureCount: options.rules.measures.count) : nil
        let sinks: [any CaseSink] = [cases, actions] + (tally.map { [$0] } ?? []) + (historyCases.map { [$0] } ?? [])
        let run = AnalysedRun(result: try Analysis.run(options, sinks: sinks), cases: cases, actions: actions)
        // The history's SQLite is opened next and written beside the outputs: what the
        // analysis freed goes back first (a 1M-row run's peak went over 64 MB without it).
        if historyCases != nil { FreedMemory.giveBack() }
        guard let tally else { return (run, nil) }
        tally.subtract(run.result.retracted)
        return (run, tally)
    }
}
