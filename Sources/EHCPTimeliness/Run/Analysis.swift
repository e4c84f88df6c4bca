import EHCPRules
import EHCPStore
import EHCPIngest
import Crypto

/// Rows read, analysed and rejected in one input file: the reconciliation line.
public struct InputSummary: Sendable, Equatable {
    public var kind: ExtractKind
    public var file: String
    public var rowsRead = 0
    public var analysed = 0
    public var rejected = 0
    /// Lower-case hex SHA-256 of the file's bytes.
    public var sha256 = ""

    /// "requests.csv: 3012 rows read = 2998 analysed + 14 rejected"
    public var reconciliation: String {
        "\(file): \(rowsRead) rows read = \(analysed) analysed + \(rejected) rejected"
    }
}

/// The finished analysis, ready for the writers: its counts, problems and inputs. The
/// cases themselves went to the run's `CaseSink`s.
public struct AnalysisResult {
    public var options: AnalysisOptions
    /// Column headers of the `--by` dimensions, as the user named them.
    public var byColumns: [String]
    public var summary: [SummaryRow]
    /// The report's tallies, one per measure in catalogue order.
    package var measureTallies: [MeasureTallies]
    /// Every rejected row and warning, in file order then line order.
    public var problems: ProblemList
    public var inputs: [InputSummary]
    /// Whether any input has `team` / `caseworker` columns (they join the action list).
    public var hasTeam: Bool
    public var hasCaseworker: Bool
    /// Rows analysed and then found to repeat an earlier case: the sinks' writers skip them.
    public var retracted: RetractedRows
    /// The 20-week benchmark, when `--benchmark-la` was given.
    public var benchmark: BenchmarkTable? = nil
    /// backlog.csv: the open caseload at every month end (`BacklogAccumulator`).
    public var backlog: [BacklogRow] = []

    package init(options: AnalysisOptions, byColumns: [String], collector: CaseCollector, problems: ProblemList,
                 inputs: [InputSummary], hasTeam: Bool, hasCaseworker: Bool) {
        self.options = options; self.byColumns = byColumns
        self.summary = collector.summary.rows()
        self.measureTallies = collector.tallies
        self.retracted = RetractedRows(collector.retracted)
        self.problems = problems; self.inputs = inputs; self.hasTeam = hasTeam; self.hasCaseworker = hasCaseworker
        // The measures the run counted (as summary.csv has them), every extract's.
        let counted = Set(summary.map(\.measure))
        let measures = options.rules.measures.ids.filter { counted.contains($0) }
        self.backlog = collector.backlog.rows(measures: measures, cohorts: collector.summary.cohorts.values,
                                              ranks: collector.summary.cohorts.ranks(), dimensionCount: byColumns.count)
    }

    /// A result from cases already evaluated (tests and tools that build cases by hand):
    /// they go through the same collector, and to `sinks`, as a run's.
    package init(options: AnalysisOptions, byColumns: [String], cases: [CaseResult], problems: [DataQualityProblem],
                 inputs: [InputSummary], hasTeam: Bool, hasCaseworker: Bool, sinks: [any CaseSink] = []) throws {
        var collector = CaseCollector(options: options, byColumns: byColumns, sinks: sinks)
        for (i, c) in cases.enumerated() { try collector.add(c, ordinal: Int64(i)) }
        self.init(options: options, byColumns: byColumns, collector: collector, problems: try ProblemList(problems), inputs: inputs,
                  hasTeam: hasTeam, hasCaseworker: hasCaseworker)
    }

    /// The report's tallies of one measure.
    package func tallies(_ measure: MeasureID) -> MeasureTallies { measureTallies[measure.order] }
}

/// Runs the whole analysis: read each extract, map rows to records, apply the rules, tally.
public enum Analysis {
    /// Analyses the extracts `options` names: the counts, problems and inputs only.
    public static func run(_ options: AnalysisOptions) throws -> AnalysisResult { try run(options, sinks: []) }

    /// Analyses the extracts `options` names, sending every case to `sinks`.
    package static func run(_ options: AnalysisOptions, sinks: [any CaseSink]) throws -> AnalysisResult {
        var options = options
        let profile = try options.profilePath.map { path throws(InputError) in try MappingProfile.load(path: path) } ?? MappingProfile()
        let dates: DateParser
        if let formats = profile.dateFormats {
            do { dates = try DateParser(formats: formats) } catch {
                throw InputError.profileInvalid(file: options.profilePath ?? "", reason: error.description)
            }
        } else {
            dates = .automatic
        }
        // Read the benchmark file and find the council first: a mistake there stops the run early.
        var published: PublishedTimeliness?
        if let code = options.benchmarkLA {
            let file = try Benchmark.load(file: options.benchmarkFile)
            _ = try file.authorityRows(code: code)
            published = file
        }
        let pseudonymiser = try options.pseudonymiseKeyPath.map(Pseudonymiser.load(path:))
        // Open every file first, so a missing one stops the run before any work.
        var readers: [(InputFile, CSVReader?)] = []
        for input in options.inputs {
            if input.kind == .sen2 {
                // XML, read by SEN2Reader: opened here only to stop early when it cannot be.
                _ = try SEN2Reader(path: input.path)
                guard FileBytes.isRegularFile(input.path) else { throw InputError.sen2NeedsAFile(file: input.path) }
                readers.append((input, nil))
                continue
            }
            do {
                readers.append((input, try CSVReader(path: input.path, delimiter: options.delimiter ?? profile.delimiter,
                                                     encoding: options.encoding ?? profile.encoding ?? .auto)))
            } catch {
                throw InputError.unreadable(file: input.path, reason: error.description)
            }
        }

        // The term dates before the extracts: the rules check school-closure claims against them.
        var termDates: (file: TermDatesFile, summary: InputSummary)?
        if let path = options.termDatesPath {
            let reader: CSVReader
            do {
                reader = try CSVReader(path: path, delimiter: options.delimiter ?? profile.delimiter,
                                       encoding: options.encoding ?? profile.encoding ?? .auto)
            } catch {
                throw InputError.unreadable(file: path, reason: error.description)
            }
            let file = try TermDatesFile.read(reader, path: path, profile: profile, dates: dates, asAt: options.asAt)
            options.rules.schoolClosures = file.closures
            termDates = (file, InputSummary(kind: .termDates, file: path, rowsRead: file.rowsRead, analysed: file.analysed,
                                            rejected: file.rejected, sha256: try sha256(of: path)))
        }

        var run = try Run(options: options, sinks: sinks)
        if let termDates {
            // File number 0, ahead of the extracts (whose numbers follow): its problems come first.
            run.inputs.append(termDates.summary)
            try run.problems.append(contentsOf: termDates.file.problems, fileNumber: run.fileNumber)
            run.fileNumber += 1
        }
        let progress = Progress(enabled: options.showProgress)
        defer { progress.finish() }
        for (input, reader) in readers {
            var file = try FileRun(input: input, number: run.fileNumber, scratch: options.scratchDirectory)
            if let reader {
                try file.read(reader, profile: profile, dates: dates, pseudonymiser: pseudonymiser, progress: progress, run: &run)
            } else {
                try file.readSEN2(dates: dates, pseudonymiser: pseudonymiser, progress: progress, run: &run)
            }
            try run.finish(file)
            run.fileNumber += 1
        }
        try run.checkProfileDimensions(profile)
        let available = run.availableDimensions
        if let missing = options.by.first(where: { name in !available.contains { NameMatching.key($0) == NameMatching.key(name) } }) {
            throw InputError.unknownByColumn(name: missing, available: available)
        }
        // Made while the outputs that do not report problems (cases.csv) are written.
        let problems = run.problems.listInBackground(directory: options.scratchDirectory)
        var result = AnalysisResult(options: options, byColumns: options.by, collector: run.collector, problems: problems,
                                    inputs: run.inputs, hasTeam: run.hasTeam, hasCaseworker: run.hasCaseworker)
        if let published, let code = options.benchmarkLA {
            result.benchmark = try Benchmark.table(code: code, published: published,
                                                   ownByYear: result.tallies(.finalPlan20w).completedByYear)
        }
        return result
    }

    /// SHA-256 of a file, streamed in fixed-size blocks.
    package static func sha256(of path: String) throws -> String {
        var hasher = SHA256()
        try FileBytes.forEachBlock(path: path) { hasher.update(data: $0) }
        return Hex.lowercase(hasher.finalize())
    }
}

/// What the run has gathered so far, across files.
package struct Run {
    package let options: AnalysisOptions
    package var collector: CaseCollector
    package var problems: ProblemLog
    package var inputs: [InputSummary] = []
    package var hasTeam = false
    package var hasCaseworker = false
    /// Dimension names that some input has, for `--by` checks and messages.
    package var dimensionNames: [String] = []
    /// The number of the file being read (part of each result's ordinal).
    package var fileNumber: Int64 = 0
    /// Profile dimensions some file lacked (name → header), and those some file had.
    package var unmatchedDimensions: [String: (header: String, entry: String)] = [:]
    package var matchedDimensions = Set<String>()
    /// Every file's header cells, for messages.
    package var headers: [String] = []

    package init(options: AnalysisOptions, sinks: [any CaseSink]) throws {
        self.options = options
        collector = CaseCollector(options: options, byColumns: options.by, sinks: sinks)
        problems = ProblemLog(directory: options.scratchDirectory)
    }

    /// The ordinal of a row of the file being read.
    package func ordinal(line: Int) -> Int64 { rowOrdinal(file: fileNumber, line: line) }

    package mutating func add(_ outcome: RuleOutcome) throws {
        for r in outcome.results { try collector.add(r, ordinal: ordinal(line: r.line)) }
    }

    package mutating func finish(_ file: FileRun) throws {
        inputs.append(file.summary)
        try problems.absorb(file.problems)
    }

    /// A dimension the profile maps must be in at least one input (extract-format.md,
    /// "Mapping profiles"): otherwise the profile is wrong, and the run stops.
    package func checkProfileDimensions(_ profile: MappingProfile) throws {
        for name in unmatchedDimensions.keys.sorted() where !matchedDimensions.contains(name) {
            let (header, entry) = unmatchedDimensions[name] ?? ("", name)
            var seen = Set<String>()
            let distinct = headers.filter { seen.insert($0).inserted }
            throw InputError.profileDimensionMissing(profile: profile.path, entry: entry, header: header,
                                                     found: NameMatching.closestFirst(distinct, to: header))
        }
    }

    /// Distinct by matching key, in first-seen order. Linear: a header of 100,000 columns
    /// must not make this quadratic (it once compared every name with every other).
    package var availableDimensions: [String] {
        var names: [String] = []
        var keys = Set<String>()
        for name in dimensionNames where keys.insert(NameMatching.key(name)).inserted {
            names.append(name)
        }
        if keys.contains("dateofbirth"), keys.insert(NameMatching.key(CohortColumns.ageBand)).inserted {
            names.append(CohortColumns.ageBand)
        }
        return names
    }
}

/// Reading one extract file.
package struct FileRun {
    package let input: InputFile
    /// The file's number in the run (part of each row's ordinal).
    package let number: Int64
    package var summary: InputSummary
    package var problems: ProblemLog

    package init(input: InputFile, number: Int64, scratch: String) throws {
        self.input = input
        self.number = number
        summary = InputSummary(kind: input.kind, file: input.path)
        problems = ProblemLog(directory: scratch)
    }

    package mutating func read(_ reader: CSVReader, profile: MappingProfile, dates: DateParser, pseudonymiser: Pseudonymiser?,
                       progress: Progress, run: inout Run) throws {
        let options = run.options
        let input = self.input
        var header: Header?
        func readHeader(_ row: CSVRow) throws {
            header = try Header(row, input: input, profile: profile, dates: dates, pseudonymiser: pseudonymiser, options: options)
        }
        // A malformed header is fatal: the next record must not be taken for the header.
        func malformedHeader(_ problem: CSVProblem) -> InputError {
            .malformedHeader(file: input.path, line: problem.line, column: problem.column, problem: problem.message)
        }

        // A regular file is hashed on another thread from the start, and when it is to be
        // read in chunks the same pass counts the line ends before each cut; a pipe is
        // hashed only once read (reading it twice at once would split its bytes).
        var prepass: InputPrepass?
        if let size = reader.regularFileSize {
            let inChunks = input.kind != .reviews && options.jobs > 1 && reader.encoding != .windows1252
                && size >= options.parallelThreshold
            let cuts = inChunks ? ParallelRead.cuts(fileDescriptor: reader.fileDescriptor, size: size, jobs: options.jobs) : []
            prepass = InputPrepass(path: input.path, cuts: cuts)
        }
        if input.kind == .reviews {
            do {
                try reader.read(onRow: { row in try readHeader(row); throw StopReading() }, onProblem: { throw malformedHeader($0) })
            } catch is StopReading {}
            guard let header else { throw InputError.noHeader(file: input.path) }
            try adopt(header, run: &run)
            try readReviews(reader, header: header, progress: progress, run: &run)
            summary.sha256 = try prepass?.sha256() ?? Analysis.sha256(of: input.path)
            return
        }

        var batch: RowBatch?
        if let prepass, !prepass.cuts.isEmpty, let size = reader.regularFileSize {
            // The header alone, then the rest in chunks on their own threads.
            do {
                try reader.read(onRow: { row in try readHeader(row); throw StopReading() },
                                onProblem: { throw malformedHeader($0) })
            } catch is StopReading {}
            guard let header else { throw InputError.noHeader(file: input.path) }
            try adopt(header, run: &run)
            let (context, columns) = (header.context, header.columns)
            let fileNumber = run.fileNumber
            let collector = run.collector
            batch = try ParallelRead.rows(of: reader, size: size, prepass: prepass, jobs: options.jobs,
                                         minimumSplit: options.minimumSplit, progress: progress) {
                try RowBatch(kind: input.kind, context: context, cohortColumns: columns, rules: options.rules,
                             scratch: options.scratchDirectory, fileNumber: fileNumber, canReread: true,
                             collector: try collector.makeChunk())
            }
        }
        if batch == nil {
            // One pass (or the parallel pass could not be used: see ParallelRead).
            let csv = reader
            var rows: RowBatch?
            let fileNumber = run.fileNumber
            let adopted = header != nil
            let collector = run.collector
            try reader.read(onRow: { row in
                guard rows != nil else {
                    if header == nil { try readHeader(row) }
                    guard let header else { return }
                    if csv.regularFileSize == nil, options.duplicates != .first, input.kind != .reviews {
                        throw InputError.duplicatesNeedAFile(file: input.path, policy: options.duplicates.rawValue)
                    }
                    rows = try RowBatch(kind: input.kind, context: header.context, cohortColumns: header.columns,
                                        rules: options.rules, scratch: options.scratchDirectory, fileNumber: fileNumber,
                                        canReread: csv.regularFileSize != nil, collector: try collector.makeChunk())
                    return
                }
                try rows?.add(row)
                progress.update(file: input.path, rows: rows?.rowsRead ?? 0, reader: csv)
            }, onProblem: { problem in
                guard rows != nil else { throw malformedHeader(problem) }
                try rows?.addMalformed(problem)
            })
            batch = rows
            if !adopted, let header { try adopt(header, run: &run) }
        }
        guard var rows = batch else { throw InputError.noHeader(file: input.path) }
        // Ahead of the row's own problems on its line, as it always was.
        try noteEncoding(reader, fileLevel: true)
        try rows.resolveDuplicates(policy: options.duplicates) { lines, body in try ParallelRead.reread(lines, of: reader, body: body) }
        summary.sha256 = try prepass?.sha256() ?? Analysis.sha256(of: input.path)
        summary.rowsRead = rows.rowsRead
        summary.analysed = rows.analysed
        summary.rejected = rows.rejected
        try problems.absorb(rows.problems)
        try run.collector.absorb(rows.collector)
    }

    private mutating func noteEncoding(_ reader: CSVReader, fileLevel: Bool) throws {
        if let line = reader.detectedWindows1252AtLine {
            try problems.append(.readAsWindows1252(file: input.path, line: line), fileNumber: number, fileLevel: fileLevel)
        }
    }

    /// Review rows are judged per plan once the whole file is read.
    /// What a file's header row gives the run: the layout, and the names it offers `--by`.
    package struct Header {
        package let context: ExtractContext
        package let columns: CohortColumns
        package let warnings: [String]

        package init(_ row: CSVRow, input: InputFile, profile: MappingProfile, dates: DateParser, pseudonymiser: Pseudonymiser?,
             options: AnalysisOptions) throws {
            let names = (0..<row.count).map { row.string($0) }
            let layout = try ColumnLayout(kind: input.kind, header: names, profile: profile, file: input.path)
            context = ExtractContext(file: input.path, layout: layout, profile: profile, dates: dates, asAt: options.asAt,
                                     pseudonymiser: pseudonymiser)
            // Two columns of one name (`notes,notes`) are both kept, but --by must name one.
            for name in options.by {
                let key = NameMatching.key(name)
                let matches = layout.dimensions.filter { NameMatching.key($0.name) == key }
                if matches.count > 1 {
                    throw InputError.ambiguousByColumn(file: input.path, name: name, headers: matches.map(\.name),
                                                       positions: matches.map { $0.index + 1 })
                }
            }
            columns = CohortColumns(by: options.by, layout: layout)
            warnings = layout.warnings
        }
    }

    private mutating func adopt(_ header: Header, run: inout Run) throws {
        let layout = header.context.layout
        run.dimensionNames.append(contentsOf: layout.dimensions.map(\.name))
        run.headers.append(contentsOf: layout.header)
        for (name, header, entry) in layout.unmatchedDimensions { run.unmatchedDimensions[name] = (header, entry) }
        for (name, _) in layout.dimensions { run.matchedDimensions.insert(name) }
        run.dimensionNames.append(contentsOf: input.kind.fields.map(\.name).filter { layout.fieldIndex[$0] != nil })
        run.hasTeam = run.hasTeam || layout.dimensionIndex(named: "team") != nil
        run.hasCaseworker = run.hasCaseworker || layout.dimensionIndex(named: "caseworker") != nil
        for w in header.warnings {
            try problems.append(DataQualityProblem(file: input.path, line: 1, caseID: "", column: "", value: "", severity: .warning, problem: w),
                                fileNumber: number, fileLevel: true)
        }
    }

    /// Review rows are judged per plan once the whole file is read. The rows wait in
    /// `ReviewPlans`, in external sorts, so memory stays flat however many plans there are;
    /// plans come back in order of first appearance, as cases.csv and `sequence` need.
    /// Problems found per plan are added plan by plan: the problem log orders them by line.
    private mutating func readReviews(_ reader: CSVReader, header: Header, progress: Progress, run: inout Run) throws {
        let options = run.options
        let csv = reader
        let (context, columns) = (header.context, header.columns)
        var reviewPlans = ReviewPlans(directory: options.scratchDirectory)
        var sawHeader = false
        // One reader for every row, as `RowBatch` keeps: a new one per row zeroed and freed
        // its cohort strings' cache (`TextInterner`, 18 kB) each time, 14 % of the run's
        // instructions.
        var kept: RowReader?
        try reader.read(onRow: { row in
            guard sawHeader else { sawHeader = true; return }
            summary.rowsRead += 1
            progress.update(file: input.path, rows: summary.rowsRead, reader: csv)
            var reader = kept.take() ?? RowReader(context: context, row: row)
            reader.read(row)
            if let review = reader.reviewRow(cohortColumns: columns) {
                try reviewPlans.add(review)
            } else {
                summary.rejected += 1
                try run.collector.addUnchecked(.rejectedRow(reader, columns: columns), ordinal: rowOrdinal(file: number, line: row.line))
            }
            try problems.append(contentsOf: reader.problems, fileNumber: number)
            kept = consume reader  // (after an error the run stops)
        }, onProblem: { problem in
            summary.rowsRead += 1
            summary.rejected += 1
            let p = DataQualityProblem.malformed(file: input.path, problem)
            try problems.append(p, fileNumber: number)
            try run.collector.addUnchecked(.malformed(p, columns: columns), ordinal: rowOrdinal(file: number, line: problem.line))
        })
        try noteEncoding(reader, fileLevel: false)

        var sequence = 0
        var timings = RuleTimings()  // reused from plan to plan
        var spanCohorts: [Int32] = []  // likewise
        try reviewPlans.forEachPlan { found in
            let checked = ReviewPlans.check(found, context: context)
            try problems.append(contentsOf: checked.problems, fileNumber: number)
            summary.rejected += checked.rejectedRows
            guard let plan = checked.plan else { return }
            summary.analysed += plan.rows.count
            ReviewRules.evaluate(plan, rules: options.rules, into: &timings)
            ReviewRules.openSpans(plan, rules: options.rules, into: &timings)
            if !timings.spans.isEmpty { run.collector.addSpans(timings.spans, of: plan.rows, cohorts: &spanCohorts) }
            if !timings.unmeasured.isEmpty { try Self.addUnmeasured(timings.unmeasured, of: plan, file: input.path, number: number, to: &run) }
            let outcome = RuleOutcome(timings, of: plan, sequence: &sequence)
            for w in outcome.warnings {
                try problems.append(DataQualityProblem(file: input.path, line: w.line, caseID: plan.caseID,
                                                       column: context.layout.columnName(w.field), value: w.value,
                                                       severity: .warning, problem: w.message), fileNumber: number)
            }
            try run.add(outcome)
        }
    }
}

extension FileRun {
    /// Counts a plan's measures that could not be measured (a field they need was
    /// unusable) and lists each row's on the action list as not checked.
    static func addUnmeasured(_ unmeasured: [Unmeasured], of plan: ReviewPlan, file: String, number: Int64, to run: inout Run) throws {
        var rows: [Int] = []
        for u in unmeasured where !rows.contains(u.row) { rows.append(u.row) }
        for i in rows {
            let row = plan.rows[i]
            let mine = unmeasured.filter { $0.row == i }
            let dimensions = row.cohort.values(on: row.meetingDate ?? row.planDate)
            run.collector.addUnmeasured(mine, cohort: run.collector.cohortNumber(dimensions))
            var fields: [String] = []
            for u in mine { for f in u.fields where !fields.contains(f) { fields.append(f) } }
            try run.collector.addUnchecked(
                UncheckedCase(caseID: plan.caseID, file: file, line: row.line, team: row.cohort.team, caseworker: row.cohort.caseworker,
                              dimensions: dimensions, measures: mine.map(\.measure),
                              reason: "the value of " + fields.joined(separator: ", ") + " could not be used (data-quality.csv, line \(row.line))"),
                ordinal: rowOrdinal(file: number, line: row.line))
        }
    }
}

/// Thrown by a callback to stop reading early (after the header, after one row).
package struct StopReading: Error {}
