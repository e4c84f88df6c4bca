import EHCPRules
import EHCPStore
import EHCPIngest

extension FileRun {
    /// Reads a SEN2 return (`--sen2`): each `<Requests>` is mapped onto a request record
    /// (`SEN2Mapper`) and goes through the requests rules as a requests row would; its
    /// `<ActivePlans>` gives the plan's review-decision-4w and annual-review-12m cases and a
    /// phase-transfer case due on the return's own date. A `<Requests>` counts as one row
    /// in the reconciliation. Streaming: one person is held at a time.
    package mutating func readSEN2(dates: DateParser, pseudonymiser: Pseudonymiser?, progress: Progress, run: inout Run) throws {
        let options = run.options
        let path = input.path
        let number = self.number
        let mapper = SEN2Mapper(file: path, asAt: options.asAt, dates: dates, pseudonymiser: pseudonymiser,
                                byCount: options.by.count)
        let dimensions = Array(repeating: Cohort.unknown, count: options.by.count)
        var reader = try SEN2Reader(path: path)
        let measures = Set(options.rules.measures.ids)
        var timings = RuleTimings()
        var planTimings: [CaseTiming] = []
        var summary = self.summary
        var problems = self.problems
        defer { self.summary = summary; self.problems = problems }
        // The file's SHA-256 is taken on a second thread while the return is read (it is a
        // pass of its own over the bytes); a read error still comes first, as before.
        let outcomes = Concurrent.map(2, threads: 2) { part -> String? in
            if part == 0 { return try Analysis.sha256(of: path) }
            try reader.read(onHeader: { _ in }, onPerson: { requests in
            for c in mapper.map(requests) {
                summary.rowsRead += 1
                guard let record = c.request else {
                    summary.rejected += 1
                    try problems.append(contentsOf: c.problems, fileNumber: number)
                    let reasons = c.problems.filter { $0.severity == .error }
                        .map { "\($0.column) \"\($0.value)\": \($0.problem)" }
                    try run.collector.addUnchecked(
                        UncheckedCase(caseID: c.caseID, file: path, line: c.line, team: nil, caseworker: nil, dimensions: dimensions,
                                      measures: [], reason: reasons.joined(separator: "; ")),
                        ordinal: rowOrdinal(file: number, line: c.line))
                    continue
                }
                summary.analysed += 1
                RequestRules.evaluate(record, rules: options.rules, into: &timings)
                var kept = timings.timings.filter { !c.leftOut.contains($0.measure) }
                if c.exported { kept.removeAll { $0.completed == nil } }
                var all = c.problems
                for w in timings.warnings {
                    all.append(DataQualityProblem(file: path, line: w.line, caseID: c.caseID,
                                                  column: SEN2Mapper.elementOfField[w.field] ?? w.field, value: w.value,
                                                  severity: .warning, problem: w.message))
                }
                all.sort { $0.line < $1.line }
                try problems.append(contentsOf: all, fileNumber: number)
                let cohort = run.collector.cohortNumber(dimensions)
                if !kept.isEmpty {
                    let facts = CaseFacts(caseID: c.caseID, line: c.line, sequence: c.line, dimensions: dimensions)
                    try run.collector.add(kept, of: facts, cohort: cohort, ordinal: rowOrdinal(file: number, line: c.line))
                }
                // backlog.csv: the request's spans as a requests row's, of the measures the
                // return reports; an exported request's open cases are not counted on any day.
                if !c.exported {
                    RequestRules.openSpans(record, rules: options.rules, into: &timings)
                    if !c.leftOut.isEmpty { timings.spans.removeAll { c.leftOut.contains($0.measure) } }
                    if !timings.spans.isEmpty { run.collector.addSpans(timings.spans, cohort: cohort) }
                }
                guard let plan = c.plan else { continue }
                Self.planTimings(plan, rules: options.rules, measures: measures, into: &planTimings)
                if !planTimings.isEmpty {
                    // The plan's cases as a return taken on each of its dates would have
                    // made them (the mapping's choices and these rules run again).
                    timings.spans.removeAll(keepingCapacity: true)
                    Self.planSpans(plan, rules: options.rules, measures: measures, into: &timings)
                    if !timings.spans.isEmpty { run.collector.addSpans(timings.spans, cohort: cohort) }
                    let facts = CaseFacts(caseID: c.caseID, line: plan.line, sequence: plan.line, dimensions: dimensions)
                    try run.collector.add(planTimings, of: facts, cohort: cohort, ordinal: rowOrdinal(file: number, line: plan.line))
                }
            }
            progress.update(file: path, rows: summary.rowsRead, position: 0, total: 0)
            })
            return nil
        }
        _ = try outcomes[1].get()
        summary.sha256 = try outcomes[0].get() ?? ""
    }

    /// backlog.csv's spans of a plan's cases (`SpanReplay`): `planTimings` run on the plan
    /// as a return taken on each of its dates would have held it (`SEN2Plan.asOf`).
    static func planSpans(_ plan: SEN2Plan, rules: RuleSettings, measures: Set<MeasureID>, into out: inout RuleTimings) {
        let days = [plan.received, plan.meeting, plan.lastReview, plan.planStart, plan.transferFinal].compactMap { $0 }
        var timings: [CaseTiming] = []
        SpanReplay.spans(days: days.isEmpty ? [rules.asAt] : days, asAt: rules.asAt, into: &out) { day, scratch in
            scratch.removeAll()
            guard let then = plan.asOf(day) else { return }
            var settings = rules
            settings.asAt = day
            planTimings(then, rules: settings, measures: measures, into: &timings)
            scratch.timings.append(contentsOf: timings)
        }
    }

    /// The cases of a plan's `<ActivePlans>`, in measure-table order, their limits read
    /// from the run's measure table: the review decision after the meeting (completed by
    /// `LastReview` on or after it), the open annual review cycle, and the phase transfer
    /// due on the return's own `PhaseTransferDueDate`.
    static func planTimings(_ plan: SEN2Plan, rules: RuleSettings, measures: Set<MeasureID>, into out: inout [CaseTiming]) {
        out.removeAll(keepingCapacity: true)
        let table = rules.measures
        if let start = plan.cycleStart, measures.contains(.annualReview12m) {
            out.append(CaseTiming(measure: .annualReview12m, start: start, due: table[.annualReview12m].dueDate.due(from: start),
                                  completed: nil, exception: nil, asAt: rules.asAt))
        }
        if let meeting = plan.meeting, measures.contains(.reviewDecision4w) {
            out.append(CaseTiming(measure: .reviewDecision4w, start: meeting, due: table[.reviewDecision4w].dueDate.due(from: meeting),
                                  completed: plan.decision, exception: nil, asAt: rules.asAt))
        }
        if let due = plan.transferDue, measures.contains(.phaseTransfer) {
            out.append(CaseTiming(measure: .phaseTransfer, start: nil, due: due, completed: plan.transferFinal, exception: nil,
                                  asAt: rules.asAt))
        }
    }
}
