import EHCPRules
import EHCPStore
import EHCPIngest

/// The analysis of the persons of a SEN2 return, or of one chunk of it read by its own
/// thread: each `<Requests>` is mapped onto a request record (`SEN2Mapper`) and goes
/// through the requests rules as a requests row would; its `<ActivePlans>` gives the
/// plan's review-decision-4w and annual-review-12m cases and a phase-transfer case due on
/// the return's own date. A `<Requests>` counts as one row in the reconciliation. Batches
/// of consecutive chunks are joined in chunk order, as `RowBatch`es are.
struct SEN2Batch {
    let mapper: SEN2Mapper
    let rules: RuleSettings
    let measures: Set<MeasureID>
    let fileNumber: Int64
    let dimensions: [String]
    var collector: CaseCollector
    var problems: ProblemLog
    var rowsRead = 0
    var analysed = 0
    var rejected = 0
    /// Each analysed request's case id, to find those the return holds twice (a first read).
    var duplicates: DuplicateFinder
    /// The copies to reject (a second read, once they are known); nil on a first read.
    let resolution: SEN2Duplicates?
    /// The case ids of the copies `resolution` names, as this read found them.
    var copyIDs: [Int64: String] = [:]
    /// Buffers kept from one request to the next.
    private var timings = RuleTimings()
    private var planTimings: [CaseTiming] = []
    /// The facts of the case being added, changed in place: a new one each time retained and
    /// released its dimensions.
    private var facts = CaseFacts(caseID: "", line: 0, sequence: 0, dimensions: [])

    init(mapper: SEN2Mapper, options: AnalysisOptions, fileNumber: Int64, collector: CaseCollector,
         resolution: SEN2Duplicates? = nil) {
        self.mapper = mapper
        self.resolution = resolution
        // A chunk's records go to disk when it is done (`releaseMemory`): 1 MB a batch is enough.
        duplicates = DuplicateFinder(directory: options.scratchDirectory, memoryBudget: resolution == nil ? 1 << 20 : 0)
        rules = options.rules
        measures = Set(options.rules.measures.ids)
        self.fileNumber = fileNumber
        dimensions = Array(repeating: Cohort.unknown, count: options.by.count)
        facts.dimensions = dimensions
        self.collector = collector
        problems = ProblemLog(directory: options.scratchDirectory)
    }

    /// One person's `<Requests>`, in document order.
    mutating func add(_ requests: [SEN2Request]) throws {
        // One by one, not through `forEachCase`: its closure, changing the batch, made the
        // batch copy its mapper for every person.
        var seen: [String: Int] = [:]
        for k in requests.indices { try add(mapper.map(requests, at: k, seen: &seen)) }
    }

    /// One `<Requests>` mapped.
    private mutating func add(_ c: SEN2Case) throws {
        let path = mapper.file
        rowsRead += 1
        guard let record = c.request else {
            rejected += 1
            try problems.append(contentsOf: c.problems, fileNumber: fileNumber)
            let reasons = c.problems.filter { $0.severity == .error }
                .map { "\($0.column) \"\($0.value)\": \($0.problem)" }
            try collector.addUnchecked(
                UncheckedCase(caseID: c.caseID, file: path, line: c.line, team: nil, caseworker: nil, dimensions: dimensions,
                              measures: [], reason: reasons.joined(separator: "; ")),
                ordinal: rowOrdinal(file: fileNumber, line: c.line))
            return
        }
        let ordinal = rowOrdinal(file: fileNumber, line: c.line)
        if let resolution {
            if resolution.copies.contains(ordinal) { copyIDs[ordinal] = c.caseID }
            if let drop = resolution.drops[ordinal] {
                try reject(c, drop)
                return
            }
        } else {
            try Bytes.withUTF8(c.caseID) { try duplicates.add(key: $0, ordinal: ordinal, extra: 0) }
        }
        analysed += 1
        RequestRules.evaluate(record, rules: rules, into: &timings)
        // Usually nothing is left out: the timings are taken as they are.
        var kept = c.leftOut.isEmpty ? timings.timings : timings.timings.filter { !c.leftOut.contains($0.measure) }
        if c.exported { kept.removeAll { $0.completed == nil } }
        if timings.warnings.isEmpty, c.problems.count <= 1 {
            // The usual request: nothing to merge or sort (and no copy of the list made).
            if !c.problems.isEmpty { try problems.append(contentsOf: c.problems, fileNumber: fileNumber) }
        } else {
            var all = c.problems
            for w in timings.warnings {
                all.append(DataQualityProblem(file: path, line: w.line, caseID: c.caseID,
                                              column: SEN2Mapper.elementOfField[w.field] ?? w.field, value: w.value,
                                              severity: .warning, problem: w.message))
            }
            all.sort { $0.line < $1.line }
            try problems.append(contentsOf: all, fileNumber: fileNumber)
        }
        let cohort = collector.cohortNumber(dimensions)
        if !kept.isEmpty {
            facts.caseID = c.caseID; facts.line = c.line; facts.sequence = c.line
            try collector.add(kept, of: facts, cohort: cohort, ordinal: ordinal)
        }
        // backlog.csv: the request's spans as a requests row's, of the measures the
        // return reports; an exported request's open cases are not counted on any day.
        if !c.exported {
            RequestRules.openSpans(record, rules: rules, into: &timings)
            if !c.leftOut.isEmpty { timings.spans.removeAll { c.leftOut.contains($0.measure) } }
            if !timings.spans.isEmpty { collector.addSpans(timings.spans, cohort: cohort) }
        }
        guard let plan = c.plan else { return }
        FileRun.planTimings(plan, rules: rules, measures: measures, into: &planTimings)
        if !planTimings.isEmpty {
            // The plan's cases as a return taken on each of its dates would have
            // made them (the mapping's choices and these rules run again).
            timings.spans.removeAll(keepingCapacity: true)
            FileRun.planSpans(plan, rules: rules, measures: measures, into: &timings)
            if !timings.spans.isEmpty { collector.addSpans(timings.spans, cohort: cohort) }
            facts.caseID = c.caseID; facts.line = plan.line; facts.sequence = plan.line
            try collector.add(planTimings, of: facts, cohort: cohort, ordinal: rowOrdinal(file: fileNumber, line: plan.line))
        }
    }

    /// Rejects a copy of a repeated case: its mapping's own problems stand, with the
    /// rejection; under `--duplicates reject` the case is listed as not checked, once.
    private mutating func reject(_ c: SEN2Case, _ drop: SEN2Duplicates.Drop) throws {
        rejected += 1
        let message = drop.message(caseID: c.caseID)
        var all = c.problems
        all.append(DataQualityProblem(file: mapper.file, line: c.line, caseID: c.caseID, column: SEN2Duplicates.element,
                                      value: c.caseID, severity: .error, problem: message))
        all.sort { $0.line < $1.line }
        try problems.append(contentsOf: all, fileNumber: fileNumber)
        if drop.listsUnchecked {
            try collector.addUnchecked(
                UncheckedCase(caseID: c.caseID, file: mapper.file, line: c.line, team: nil, caseworker: nil, dimensions: dimensions,
                              measures: [], reason: "\(SEN2Duplicates.element) \"\(c.caseID)\": \(message)"),
                ordinal: rowOrdinal(file: fileNumber, line: c.line))
        }
    }

    /// Moves what the batch holds in memory for later to disk: a chunk read in parallel
    /// waits there until the chunks before it are done.
    mutating func releaseMemory() throws {
        try collector.releaseMemory()
        try problems.releaseMemory()
        if resolution == nil { try duplicates.releaseMemory() }
    }
}
