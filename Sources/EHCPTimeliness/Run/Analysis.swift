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

/// The finished analysis, ready for the writers.
public struct AnalysisResult: Sendable {
    public var options: AnalysisOptions
    /// Column headers of the `--by` dimensions, as the user named them.
    public var byColumns: [String]
    /// Sorted by measure, then input order.
    public var cases: [CaseResult]
    public var summary: [SummaryRow]
    /// Every rejected row and warning, in file order then line order.
    public var problems: [DataQualityProblem]
    public var inputs: [InputSummary]
    /// Whether any input has `team` / `caseworker` columns (they join the action list).
    public var hasTeam: Bool
    public var hasCaseworker: Bool

    /// The action list: open overdue cases, and open cases due within `dueWithin` days.
    public var actionList: [CaseResult] {
        let horizon = options.asAt + options.dueWithin
        return cases
            .filter { $0.status == .openOverdue || ($0.status == .openInTime && $0.due <= horizon) }
            .sorted { a, b in
                if a.due != b.due { return a.due < b.due }
                if a.measure != b.measure { return a.measure < b.measure }
                if a.caseID != b.caseID { return a.caseID.utf8.lexicographicallyPrecedes(b.caseID.utf8) }
                return a.sequence < b.sequence
            }
    }
}

/// Runs the whole analysis: read each extract, map rows to records, apply the rules, tally.
public enum Analysis {
    public static func run(_ options: AnalysisOptions) throws -> AnalysisResult {
        let profile = try options.profilePath.map { path throws(InputError) in try MappingProfile.load(path: path) } ?? MappingProfile()
        let dates: DateParser
        if let formats = profile.dateFormats {
            do { dates = try DateParser(formats: formats) } catch {
                throw InputError.profileInvalid(file: options.profilePath ?? "", reason: error.description)
            }
        } else {
            dates = .automatic
        }
        // Open every file first, so a missing one stops the run before any work.
        var readers: [(InputFile, CSVReader)] = []
        for input in options.inputs {
            do {
                readers.append((input, try CSVReader(path: input.path, delimiter: options.delimiter ?? profile.delimiter)))
            } catch {
                throw InputError.unreadable(file: input.path, reason: error.description)
            }
        }

        var cases: [CaseResult] = []
        var problems: [DataQualityProblem] = []
        var inputs: [InputSummary] = []
        var accumulator = SummaryAccumulator(unit: options.period, dimensionCount: options.by.count)
        var byFound = Set<String>()
        var hasTeam = false, hasCaseworker = false

        for (input, reader) in readers {
            var summary = InputSummary(kind: input.kind, file: input.path)
            var layout: ColumnLayout?
            var context: ExtractContext?
            var cohortColumns: CohortColumns?
            var seenIDs = Set<String>()
            var sequence = 0
            var fileProblems: [DataQualityProblem] = []

            try reader.read(onRow: { row in
                guard let ctx = context, let columns = cohortColumns else {
                    let header = (0..<row.count).map { row.string($0) }
                    let l = try ColumnLayout(kind: input.kind, header: header, profile: profile, file: input.path)
                    layout = l
                    context = ExtractContext(file: input.path, layout: l, profile: profile, dates: dates, asAt: options.asAt)
                    cohortColumns = CohortColumns(by: options.by, layout: l)
                    for name in options.by where NameMatching.key(name) == NameMatching.key(CohortColumns.ageBand)
                        ? l.dimensionIndex(named: "date_of_birth") != nil : l.dimensionIndex(named: name) != nil {
                        byFound.insert(name)
                    }
                    hasTeam = hasTeam || l.dimensionIndex(named: "team") != nil
                    hasCaseworker = hasCaseworker || l.dimensionIndex(named: "caseworker") != nil
                    for w in l.warnings {
                        fileProblems.append(DataQualityProblem(file: input.path, line: 1, caseID: "", column: "",
                                                               value: "", severity: .warning, problem: w))
                    }
                    return
                }
                summary.rowsRead += 1
                var reader = RowReader(context: ctx, row: row)
                var outcome: RuleOutcome?
                switch input.kind {
                case .requests:
                    if let record = reader.requestRecord(cohortColumns: columns) {
                        if seenIDs.contains(record.caseID) {
                            reader.error("case_id", record.caseID, "case_id \(record.caseID) appears earlier in the file; the first row is kept and this one is rejected")
                        } else {
                            seenIDs.insert(record.caseID)
                            outcome = RequestRules.evaluate(record, sequence: sequence, asAt: options.asAt)
                        }
                    }
                case .reviews, .transfers:
                    reader.error(column: "", value: "", "\(input.kind.rawValue) extracts are not analysed yet")
                }
                if let outcome {
                    summary.analysed += 1
                    sequence += 1
                    for w in outcome.warnings { reader.warning(w.field, w.value, w.message) }
                    for r in outcome.results { accumulator.add(r) }
                    cases.append(contentsOf: outcome.results)
                } else {
                    summary.rejected += 1
                }
                fileProblems.append(contentsOf: reader.problems)
            }, onProblem: { problem in
                summary.rowsRead += 1
                summary.rejected += 1
                fileProblems.append(DataQualityProblem(
                    file: input.path, line: problem.line, caseID: "", column: "", value: "",
                    severity: .error, problem: "malformed CSV at line \(problem.line), column \(problem.column): \(problem.message); the record is rejected"))
            })
            guard layout != nil else { throw InputError.noHeader(file: input.path) }
            summary.sha256 = try sha256(of: input.path)
            inputs.append(summary)
            // Stable: line order, the order found within a line.
            problems.append(contentsOf: fileProblems.enumerated().sorted { a, b in
                a.element.line != b.element.line ? a.element.line < b.element.line : a.offset < b.offset
            }.map(\.element))
        }

        if let missing = options.by.first(where: { !byFound.contains($0) }) {
            var available = Set<String>()
            // Name what the user could have asked for.
            for (input, _) in readers { _ = input }
            available.insert(CohortColumns.ageBand)
            throw InputError.unknownByColumn(name: missing, available: available.sorted())
        }

        cases.sort { a, b in a.measure != b.measure ? a.measure < b.measure : a.sequence < b.sequence }
        return AnalysisResult(options: options, byColumns: options.by, cases: cases, summary: accumulator.rows(),
                              problems: problems, inputs: inputs, hasTeam: hasTeam, hasCaseworker: hasCaseworker)
    }

    /// SHA-256 of a file, streamed in fixed-size blocks.
    static func sha256(of path: String) throws -> String {
        var hasher = SHA256()
        try FileBytes.forEachBlock(path: path) { hasher.update(bufferPointer: $0) }
        return hasher.finalize().map { b in
            let hex = Array("0123456789abcdef".utf8)
            return String(decoding: [hex[Int(b >> 4)], hex[Int(b & 15)]], as: UTF8.self)
        }.joined()
    }
}
