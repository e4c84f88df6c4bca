import EHCPRules
import EHCPStore
import EHCPIngest

/// What the analysis gathers as the case results stream past, so that memory does not
/// grow with the number of cases: summary.csv's counts (`SummaryAccumulator`) and the
/// report's (`MeasureTallies`), and every timing handed on to the run's `CaseSink`s.
///
/// Each result carries an ordinal (file and line of its row). A row found to be a
/// duplicate only after it was analysed is taken back with `takeBack`: its counts are
/// subtracted here, and its ordinal joins `retracted` for the sinks' writers to skip.
/// Collectors of consecutive chunks of input combine with `absorb`, in chunk order.
///
/// The `--from`/`--to` window is applied here, once for both kinds of counts: a timing
/// whose period date is outside it is counted in neither (only in the benchmark's own
/// calendar years, see `MeasureTallies.addOutsideWindow`), yet still goes to every sink.
package struct CaseCollector {
    package let asAt: Day
    /// The window's ends as day numbers (`DateWindow.bounds`).
    private let window: (lower: Int32, upper: Int32)
    package let byColumns: [String]
    package private(set) var summary: SummaryAccumulator
    /// The report's tallies, one per measure of the run's table.
    package private(set) var tallies: [MeasureTallies]
    /// Ordinals of rows taken back.
    package private(set) var retracted = Set<Int64>()
    package let sinks: [any CaseSink]
    /// backlog.csv's counts: the open spans of every row (`OpenSpan`).
    package private(set) var backlog: BacklogAccumulator

    package init(options: AnalysisOptions, byColumns: [String], sinks: [any CaseSink]) {
        asAt = options.asAt
        window = options.window.bounds
        self.byColumns = byColumns
        summary = SummaryAccumulator(unit: options.period, dimensionCount: byColumns.count,
                                     measures: options.rules.measures.ids,
                                     countsShortRepresentation: options.rules.measures.definitions.map(\.countsShortRepresentation))
        tallies = Array(repeating: MeasureTallies(), count: options.rules.measures.count)
        self.sinks = sinks
        backlog = BacklogAccumulator(asAt: options.asAt, measureCount: options.rules.measures.count)
    }

    private init(empty other: CaseCollector) throws {
        asAt = other.asAt
        window = other.window
        byColumns = other.byColumns
        summary = SummaryAccumulator(unit: other.summary.unit, dimensionCount: other.summary.dimensionCount,
                                     measures: other.summary.measures,
                                     countsShortRepresentation: other.summary.countsShortRepresentation)
        tallies = Array(repeating: MeasureTallies(), count: other.tallies.count)
        sinks = try other.sinks.map { try $0.makeChunk() }
        backlog = BacklogAccumulator(asAt: other.asAt, measureCount: other.tallies.count)
    }

    /// An empty collector for a chunk of input, with sinks like this one's.
    package func makeChunk() throws -> CaseCollector { try CaseCollector(empty: self) }

    package mutating func add(_ r: CaseResult, ordinal: Int64) throws {
        try add([r.timing], of: r.facts, cohort: cohortNumber(r.dimensions), ordinal: ordinal)
    }

    /// The number of a cohort, found once for all the timings of a row that share it.
    package mutating func cohortNumber(_ dimensions: [String]) -> Int32 { summary.cohortNumber(dimensions) }

    /// Adds the timings of one row, of the case `facts` describes; `cohort` is the number
    /// of its dimensions.
    package mutating func add(_ timings: [CaseTiming], of facts: CaseFacts, cohort: Int32, ordinal: Int64) throws {
        for t in timings {
            guard inWindow(t) else {
                tallies[t.measure.order].addOutsideWindow(t)
                continue
            }
            summary.add(t, cohort: cohort, weight: 1)
            tallies[t.measure.order].add(t, asAt: asAt, caseID: facts.caseID, line: facts.line, ordinal: ordinal)
        }
        let sinks = self.sinks  // one reference for the row, not one per sink
        for i in sinks.indices { try sinks[i].add(timings, of: facts, cohort: cohort, ordinal: ordinal) }
    }

    /// Counts a row's open spans in backlog.csv (`weight` −1 takes back a duplicate's).
    package mutating func addSpans(_ spans: [OpenSpan], cohort: Int32, weight: Int32 = 1) {
        backlog.add(spans, cohort: cohort, weight: weight)
    }

    /// Counts a plan's open spans in backlog.csv, each in the cohort of its row
    /// (`OpenSpan.row`) on its clock's start, as that row's case would be. Without an age
    /// band a row's cohort is the same whatever the day, so its number is looked up once
    /// (by its first span, as before) and kept in `cohorts`, scratch reused from plan to
    /// plan: building and hashing the cohort's strings for every span cost more than
    /// counting the span, and so did a one-span array per call.
    package mutating func addSpans(_ spans: [OpenSpan], of rows: [ReviewRow], cohorts: inout [Int32]) {
        cohorts.removeAll(keepingCapacity: true)
        cohorts.append(contentsOf: repeatElement(-1, count: rows.count))
        for s in spans {
            let cohort: Int32
            if rows[s.row].cohort.ageBandSlots.isEmpty {
                if cohorts[s.row] < 0 { cohorts[s.row] = summary.cohortNumber(rows[s.row].cohort.values) }
                cohort = cohorts[s.row]
            } else {
                cohort = summary.cohortNumber(rows[s.row].cohort.values(on: s.clockStart ?? s.due))
            }
            backlog.add(s, cohort: cohort, weight: 1)
        }
    }

    /// Counts the measures a row's case could not be measured for (`RuleTimings.unmeasured`).
    package mutating func addUnmeasured(_ unmeasured: [Unmeasured], cohort: Int32) {
        for u in unmeasured { summary.addUnmeasured(u.measure, cohort: cohort) }
    }

    /// Hands a case that could not be checked to the sinks.
    package mutating func addUnchecked(_ u: UncheckedCase, ordinal: Int64) throws {
        for sink in sinks { try sink.addUnchecked(u, ordinal: ordinal) }
    }

    /// Takes back what `addUnmeasured` counted for a row found to be a duplicate.
    package mutating func takeBackUnmeasured(_ unmeasured: [Unmeasured], dimensions: [String]) {
        let cohort = cohortNumber(dimensions)
        for u in unmeasured { summary.addUnmeasured(u.measure, cohort: cohort, weight: -1) }
    }

    /// Takes back a timing added before under `ordinal`.
    package mutating func takeBack(_ t: CaseTiming, dimensions: [String], ordinal: Int64) {
        if inWindow(t) {
            summary.add(t, cohort: cohortNumber(dimensions), weight: -1)
            tallies[t.measure.order].add(t, asAt: asAt, weight: -1)
            tallies[t.measure.order].forgetOverdue(ordinal: ordinal)
        } else {
            tallies[t.measure.order].addOutsideWindow(t, weight: -1)
        }
        retracted.insert(ordinal)
    }

    /// True when the summaries and the report count `t` (its period date is within `--from`/`--to`).
    private func inWindow(_ t: CaseTiming) -> Bool {
        let day = t.periodDate.number
        return day >= window.lower && day <= window.upper
    }

    /// Moves what the sinks hold in memory to disk.
    package mutating func releaseMemory() throws {
        for sink in sinks { try sink.releaseMemory() }
    }

    /// Adds what `other` (made by `makeChunk`) collected from the input that follows this collector's.
    package mutating func absorb(_ other: CaseCollector) throws {
        summary.merge(other.summary)
        backlog.merge(other.backlog, renumber: other.summary.cohorts.values.map { summary.cohortNumber($0) })
        for i in tallies.indices { tallies[i].merge(other.tallies[i]) }
        for (mine, theirs) in zip(sinks, other.sinks) { try mine.absorb(theirs) }
        retracted.formUnion(other.retracted)
    }
}
