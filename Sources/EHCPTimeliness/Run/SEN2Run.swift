import EHCPRules
import EHCPStore
import EHCPIngest
import Synchronization

extension FileRun {
    /// Reads a SEN2 return (`--sen2`): each `<Requests>` is mapped onto a request record
    /// (`SEN2Mapper`) and goes through the requests rules as a requests row would; its
    /// `<ActivePlans>` gives the plan's review-decision-4w and annual-review-12m cases and a
    /// phase-transfer case due on the return's own date. A `<Requests>` counts as one row
    /// in the reconciliation. Streaming: one person is held at a time.
    package mutating func readSEN2(dates: DateParser, pseudonymiser: Pseudonymiser?, progress: Progress, run: inout Run) throws {
        let options = run.options
        let path = input.path
        let mapper = SEN2Mapper(file: path, asAt: options.asAt, dates: dates, pseudonymiser: pseudonymiser,
                                byCount: options.by.count)
        let collector = run.collector
        let number = self.number
        var parallel: (plan: SEN2ChunkPlan, prepass: SEN2Prepass)?
        // A large return is read in chunks on several threads (`SEN2ChunkPlan`); when the
        // chunks cannot be trusted (see there), or one of them fails, it is read again on one.
        if options.jobs > 1,
           let plan = SEN2ChunkPlan.make(path: path, minimumSize: options.parallelThreshold,
                                         weights: ParallelRead.chunkWeights.flatMap { Array(repeating: $0, count: options.jobs) }) {
            parallel = (plan, SEN2Prepass(path: path, cuts: plan.cuts))
        }
        var readsOnOneThread = false
        /// One read of the whole return; `resolution`: the copies of repeated cases to reject.
        func read(_ resolution: SEN2Duplicates?) throws -> [SEN2Batch] {
            func makeBatch() throws -> SEN2Batch {
                try SEN2Batch(mapper: mapper, options: options, fileNumber: number, collector: collector.makeChunk(),
                              resolution: resolution)
            }
            if let (plan, prepass) = parallel, !readsOnOneThread {
                if let batches = try Self.readSEN2Chunks(path: path, plan: plan, prepass: prepass, jobs: options.jobs,
                                                          progress: progress, makeBatch: makeBatch) {
                    return batches
                }
                readsOnOneThread = true  // a second read need not try the chunks again
            }
            var batch = try makeBatch()
            var reader = try SEN2Reader(path: path)
            func readAll() throws {
                try reader.read(onHeader: { _ in }, onPerson: { requests in
                    try batch.add(requests)
                    progress.update(file: path, rows: batch.rowsRead, position: 0, total: 0)
                })
            }
            if parallel != nil || !summary.sha256.isEmpty {
                try readAll()
            } else {
                // The file's SHA-256 is taken on a second thread while the return is read (it is
                // a pass of its own over the bytes); a read error still comes first, as before.
                let outcomes = Concurrent.map(2, threads: 2) { part -> String? in
                    if part == 0 { return try Analysis.sha256(of: path) }
                    try readAll()
                    return nil
                }
                _ = try outcomes[1].get()
                summary.sha256 = try outcomes[0].get() ?? ""
            }
            return [batch]
        }
        var batches = try read(nil)
        if let (_, prepass) = parallel { summary.sha256 = try prepass.totals().sha256 }
        // Copies of a case found: the return is read again with each copy's fate known
        // before it is met. The ids the second read notes confirm that the copies found
        // by hash are the same case; if any are not (it takes a 64-bit hash collision),
        // a third read rejects only the true copies.
        var finder = batches[0].duplicates
        for batch in batches.dropFirst() { try finder.absorb(batch.duplicates) }
        let hashed = try finder.groupsByHash().map { $0.map(\.ordinal) }
        if !hashed.isEmpty {
            let resolution = SEN2Duplicates(groups: hashed, policy: options.duplicates)
            batches = try read(resolution)
            var ids: [Int64: String] = [:]
            for batch in batches { ids.merge(batch.copyIDs) { a, _ in a } }
            let exact = SEN2Duplicates(groups: SEN2Duplicates.exactGroups(hashed, ids: ids), policy: options.duplicates)
            if exact != resolution { batches = try read(exact) }
        }
        for batch in batches {
            summary.rowsRead += batch.rowsRead
            summary.analysed += batch.analysed
            summary.rejected += batch.rejected
            try problems.absorb(batch.problems)
            try run.collector.absorb(batch.collector)
        }
    }

    /// Reads the chunks of `plan` on up to `jobs` threads, each into its own batch; nil when
    /// a chunk failed (malformed XML, or a cut that was not where it seemed) or the persons
    /// each read differ from the prepass's counts: the file is then for one thread to read.
    private static func readSEN2Chunks(path: String, plan: SEN2ChunkPlan, prepass: SEN2Prepass, jobs: Int, progress: Progress,
                                       makeBatch: () throws -> SEN2Batch) throws -> [SEN2Batch]? {
        var batches = try (0..<plan.chunkCount).map { _ in try makeBatch() }
        let failed = Atomic<Bool>(false)
        let rowsRead = Atomic<Int>(0)
        let outcomes = Concurrent.forEach(updating: &batches, threads: jobs) { (thread: Int, k: Int, batch: inout SEN2Batch) throws -> Int in
            guard !failed.load(ordering: .relaxed) else { throw StopReading() }
            do {
                let counts = k == 0 ? SEN2Prepass.Counts(lineFeeds: 0, persons: 0) : try prepass.counts(beforeCut: k - 1)
                let chunk = plan.chunk(k, firstLine: counts.lineFeeds + 1, personsBefore: counts.persons)
                var reader = try SEN2Reader(path: path, chunk: chunk)
                var counted = 0
                try reader.readChunk(chunk, onPerson: { requests in
                    try batch.add(requests)
                    if batch.rowsRead & 4095 == 0 {
                        if failed.load(ordering: .relaxed) { throw StopReading() }
                        let rows = rowsRead.add(batch.rowsRead - counted, ordering: .relaxed).newValue
                        counted = batch.rowsRead
                        if thread == 0 { progress.update(file: path, rows: rows, position: 0, total: 0) }
                    }
                })
                rowsRead.add(batch.rowsRead - counted, ordering: .relaxed)
                // What waits for the chunks before it goes to disk, not memory.
                try batch.releaseMemory()
                return reader.persons
            } catch {
                failed.store(true, ordering: .relaxed)
                throw error
            }
        }
        var persons: [Int] = []
        for outcome in outcomes {
            guard case .success(let n) = outcome else { return nil }
            persons.append(n)
        }
        let totals = try prepass.totals()
        guard !totals.loneCR else { return nil }
        let before = try [0] + plan.cuts.indices.map { try prepass.counts(beforeCut: $0).persons } + [totals.persons]
        for k in persons.indices where persons[k] != before[k + 1] - before[k] { return nil }
        return batches
    }

    /// backlog.csv's spans of a plan's cases (`SpanReplay`): `planTimings` run on the plan
    /// as a return taken on each of its dates would have held it (`SEN2Plan.asOf`).
    static func planSpans(_ plan: SEN2Plan, rules: RuleSettings, measures: Set<MeasureID>, into out: inout RuleTimings) {
        let days = [plan.received, plan.meeting, plan.lastReview, plan.planStart, plan.transferFinal].compactMap { $0 }
        var timings: [CaseTiming] = []
        SpanReplay.spans(days: days.isEmpty ? [rules.asAt] : days, asAt: rules.asAt, into: &out) { day, scratch in
            scratch.removeAll()
            guard let then = plan.asOf(day) else { return }
            // The table and the day, not settings copied for the day (each copy retained and
            // released every array of the measure table).
            planTimings(then, table: rules.measures, asAt: day, measures: measures, into: &timings)
            scratch.timings.append(contentsOf: timings)
        }
    }

    /// The cases of a plan's `<ActivePlans>`, in measure-table order, their limits read
    /// from the run's measure table: the review decision after the meeting (completed by
    /// `LastReview` on or after it), the open annual review cycle, and the phase transfer
    /// due on the return's own `PhaseTransferDueDate`.
    static func planTimings(_ plan: SEN2Plan, rules: RuleSettings, measures: Set<MeasureID>, into out: inout [CaseTiming]) {
        planTimings(plan, table: rules.measures, asAt: rules.asAt, measures: measures, into: &out)
    }

    /// `planTimings(_:rules:measures:into:)` with the measure table and as-at date given apart.
    static func planTimings(_ plan: SEN2Plan, table: MeasureTable, asAt: Day, measures: Set<MeasureID>,
                            into out: inout [CaseTiming]) {
        out.removeAll(keepingCapacity: true)
        if let start = plan.cycleStart, measures.contains(.annualReview12m) {
            out.append(CaseTiming(measure: .annualReview12m, start: start, due: table[.annualReview12m].dueDate.due(from: start),
                                  completed: nil, exception: nil, asAt: asAt))
        }
        if let meeting = plan.meeting, measures.contains(.reviewDecision4w) {
            out.append(CaseTiming(measure: .reviewDecision4w, start: meeting, due: table[.reviewDecision4w].dueDate.due(from: meeting),
                                  completed: plan.decision, exception: nil, asAt: asAt))
        }
        if let due = plan.transferDue, measures.contains(.phaseTransfer) {
            out.append(CaseTiming(measure: .phaseTransfer, start: nil, due: due, completed: plan.transferFinal, exception: nil,
                                  asAt: asAt))
        }
    }
}
