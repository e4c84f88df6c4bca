import EHCPRules
import EHCPStore
import EHCPIngest

/// The analysis of the rows of a requests, transfers, reassessments or orders extract, or of one chunk of it
/// read by its own thread: each row is mapped, judged and handed to a `CaseCollector`
/// at once, so nothing per row is kept.
///
/// A repeated case (the same `case_id`, or for transfers the same case, type and date)
/// is found only once every row has been seen, without a set of every id in memory: the
/// ids go to a `DuplicateFinder`, and `resolveDuplicates` reads each later occurrence
/// again, takes its results back and rejects it, leaving exactly what a reader that had
/// known all along would have produced.
package struct RowBatch {
    package let kind: ExtractKind
    package let context: ExtractContext
    package let cohortColumns: CohortColumns
    /// All the rules need of the run's settings (the outputs' and the reading's stay out
    /// of the row loop).
    package let rules: RuleSettings
    /// The input file's number, the high bits of every ordinal.
    package let fileNumber: Int64
    package var collector: CaseCollector
    /// Ids of a file that can be read again go to disk; those of a pipe stay in a set.
    /// Not optional, though unused for a pipe: a row's `duplicates?.add` copied the
    /// optional finder out and destroyed it again.
    package var duplicates: DuplicateFinder
    /// Whether `duplicates` is in use.
    private let findsDuplicatesLater: Bool
    private var seen: Set<[UInt8]> = []
    package var problems: ProblemLog
    package var rowsRead = 0
    package var analysed = 0
    package var rejected = 0
    private var key: [UInt8] = []
    /// The last row's reader and rule timings, kept for their buffers.
    private var reader: RowReader?
    private var outcome = RuleTimings()
    /// The last requests row's record, kept for its cohort's storage and read into in
    /// place (taken out and put back, its bytes were copied several times a row).
    private var request = RequestRecord.blank
    /// The last row's facts, kept likewise.
    private var facts = CaseFacts(caseID: "", line: 0, sequence: 0, dimensions: [])

    /// `canReread`: the file's rows can be read again by offset (a regular file).
    /// `collector`: an empty one for this batch (`CaseCollector.makeChunk`).
    package init(kind: ExtractKind, context: ExtractContext, cohortColumns: CohortColumns, rules: RuleSettings,
                 scratch: String, fileNumber: Int64, canReread: Bool, collector: CaseCollector) throws {
        self.kind = kind; self.context = context; self.cohortColumns = cohortColumns
        self.rules = rules; self.fileNumber = fileNumber
        self.collector = collector
        problems = ProblemLog(directory: scratch)
        duplicates = DuplicateFinder(directory: scratch, memoryBudget: canReread ? 4 << 20 : 0)
        findsDuplicatesLater = canReread
    }

    /// The ordinal of the row on `line`: its file, then its line.
    package func ordinal(line: Int) -> Int64 { rowOrdinal(file: fileNumber, line: line) }

    package mutating func add(_ row: CSVRow) throws {
        rowsRead += 1
        // The reused reader is taken out of `self` while `judge` and the collector run.
        var reader = self.reader.take() ?? RowReader(context: context, row: row)
        reader.read(row)
        // The record, facts and timings are changed where they are kept (stored properties
        // apart from those read beside them): taken out and put back, they were made,
        // copied and destroyed for every row.
        // Let go of the last row's share of the record's cohort, so the record reuses it.
        facts.dimensions = []
        // Static, with the parts it needs: a method on `self` here made the compiler copy
        // the whole batch for every row.
        if let identity = Self.judge(&reader, kind: kind, cohortColumns: cohortColumns, rules: rules,
                                     record: &request, facts: &facts, into: &outcome),
           try note(identity, row: row, reader: &reader) {
            analysed += 1
            for w in outcome.warnings { reader.warning(w.field, w.value, w.message) }
            let rowOrdinal = ordinal(line: row.line)
            if !outcome.timings.isEmpty || !outcome.spans.isEmpty {
                let cohort = collector.cohortNumber(facts.dimensions)
                if !outcome.timings.isEmpty { try collector.add(outcome.timings, of: facts, cohort: cohort, ordinal: rowOrdinal) }
                // backlog.csv's open spans (a request refused later has spans and may have no timing of that measure).
                if !outcome.spans.isEmpty { collector.addSpans(outcome.spans, cohort: cohort) }
            }
            if !outcome.unmeasured.isEmpty {
                collector.addUnmeasured(outcome.unmeasured, cohort: collector.cohortNumber(facts.dimensions))
                let u = UncheckedCase(caseID: facts.caseID, file: context.file, line: row.line, team: facts.team,
                                      caseworker: facts.caseworker, dimensions: facts.dimensions,
                                      measures: outcome.unmeasured.map(\.measure),
                                      reason: UncheckedCase.reason(reader.problems) { $0.keepsRow })
                try collector.addUnchecked(u, ordinal: rowOrdinal)
            }
        } else {
            rejected += 1
            if reader.hasErrors { try addUnchecked(reader: reader) }
        }
        if !reader.problems.isEmpty { try problems.append(contentsOf: reader.problems, fileNumber: fileNumber) }
        self.reader = consume reader  // (after an error the next row makes new ones)
    }

    /// A record that is not valid CSV: rejected, with where and why.
    package mutating func addMalformed(_ problem: CSVProblem) throws {
        rowsRead += 1
        rejected += 1
        let p = DataQualityProblem.malformed(file: context.file, problem)
        try problems.append(p, fileNumber: fileNumber)
        try collector.addUnchecked(.malformed(p, columns: cohortColumns), ordinal: ordinal(line: problem.line))
    }

    /// A row rejected by its own errors (not as a duplicate) goes to the end of the action
    /// list: its case was not checked at all.
    private mutating func addUnchecked(reader: RowReader) throws {
        try collector.addUnchecked(.rejectedRow(reader, columns: cohortColumns), ordinal: ordinal(line: reader.row.line))
    }

    /// What makes two rows the same case: the case id, and for a transfer its type and date.
    package struct Identity {
        package var caseID: String
        package var transfer: (type: TransferType, date: Day)?
    }

    /// Maps and evaluates one row; nil when the row is rejected (its problems say why).
    /// The timings go into `outcome`, reused from row to row; the facts returned are what
    /// they share.
    private func judge(_ reader: inout RowReader, into outcome: inout RuleTimings) -> (Identity, CaseFacts)? {
        var record = RequestRecord.blank, facts = CaseFacts(caseID: "", line: 0, sequence: 0, dimensions: [])
        guard let identity = Self.judge(&reader, kind: kind, cohortColumns: cohortColumns, rules: rules, record: &record,
                                        facts: &facts, into: &outcome) else { return nil }
        return (identity, facts)
    }

    /// What `add` does to each row before the collector: the row loop's mapping and rules
    /// (package, so a test can run a table of its own through them). A requests row is
    /// read into `record`, and what its timings share into `facts`, both reused from row
    /// to row for their storage: returned by value, they were copied and destroyed.
    package static func judge(_ reader: inout RowReader, kind: ExtractKind, cohortColumns: CohortColumns, rules: RuleSettings,
                              record: inout RequestRecord, facts: inout CaseFacts,
                              into outcome: inout RuleTimings) -> Identity? {
        let line = reader.row.line
        switch kind {
        case .requests:
            guard reader.readRequest(cohortColumns: cohortColumns, into: &record) else { return nil }
            let ageReference = RequestRules.evaluateWithSpans(record, rules: rules, into: &outcome)
            if !record.unusable.isEmpty { reader.noteUnmeasured(outcome.unmeasured) }
            // The record's cohort read in place: a copy of it retained each of its parts.
            facts.caseID = record.caseID; facts.line = line; facts.sequence = line
            facts.dimensions = record.cohort.values(on: ageReference)
            facts.team = record.cohort.team; facts.caseworker = record.cohort.caseworker
            return Identity(caseID: record.caseID)
        case .transfers:
            guard let record = reader.transferRecord(cohortColumns: cohortColumns) else { return nil }
            TransferRules.evaluate(record, rules: rules, into: &outcome)
            TransferRules.openSpans(record, into: &outcome)
            if !record.unusable.isEmpty { reader.noteUnmeasured(outcome.unmeasured) }
            // One timing per transfer: its due date is the age band's day.
            facts = CaseFacts(caseID: record.caseID, line: line, sequence: line, cohort: record.cohort,
                              ageReference: outcome.timings.first.map(TransferRules.ageReference))
            return Identity(caseID: record.caseID, transfer: (record.type, record.transferDate))
        case .reassessments:
            guard let record = reader.reassessmentRecord(cohortColumns: cohortColumns) else { return nil }
            ReassessmentRules.evaluate(record, rules: rules, into: &outcome)
            ReassessmentRules.openSpans(record, rules: rules, into: &outcome)
            if !record.unusable.isEmpty { reader.noteUnmeasured(outcome.unmeasured) }
            facts = CaseFacts(caseID: record.caseID, line: line, sequence: line, cohort: record.cohort,
                              ageReference: ReassessmentRules.ageReference(record))
            return Identity(caseID: record.caseID)
        case .orders:
            guard let record = reader.orderRecord(cohortColumns: cohortColumns) else { return nil }
            OrderRules.evaluate(record, rules: rules, into: &outcome)
            OrderRules.openSpans(record, rules: rules, into: &outcome)
            if !record.unusable.isEmpty { reader.noteUnmeasured(outcome.unmeasured) }
            facts = CaseFacts(caseID: record.caseID, line: line, sequence: line, cohort: record.cohort,
                              ageReference: OrderRules.ageReference(record))
            return Identity(caseID: record.caseID)
        case .reviews:
            preconditionFailure("review rows are judged per plan, not one at a time")
        case .termDates:
            preconditionFailure("term dates are read before the extracts (TermDatesFile)")
        case .sen2:
            preconditionFailure("a SEN2 return is read by FileRun.readSEN2, not by rows")
        }
    }

    /// Records the row's identity; false when it is already known to repeat an earlier row
    /// (then the row is rejected at once).
    @inline(__always)
    private mutating func note(_ identity: Identity, row: CSVRow, reader: inout RowReader) throws -> Bool {
        if findsDuplicatesLater, identity.transfer == nil {
            // A case id is its own key (`appendKey`): its bytes are hashed where they are.
            let ordinal = ordinal(line: row.line)
            try Bytes.withUTF8(identity.caseID) { try duplicates.add(key: $0, ordinal: ordinal, extra: Int64(row.offset)) }
            return true
        }
        key.removeAll(keepingCapacity: true)
        Self.appendKey(of: identity, to: &key)
        if findsDuplicatesLater {
            let ordinal = ordinal(line: row.line)
            try duplicates.add(key: key, ordinal: ordinal, extra: Int64(row.offset))
            return true
        }
        if seen.insert(key).inserted { return true }
        reject(identity, &reader)
        return false
    }

    /// The bytes two rows share exactly when they are the same case.
    private static func appendKey(of identity: Identity, to key: inout [UInt8]) {
        key.append(contentsOf: identity.caseID.utf8)
        if let t = identity.transfer {
            key.append(0x1F)
            key.append(contentsOf: t.type.rawValue.utf8)
            key.append(0x1F)
            key.append(contentsOf: t.date.iso.utf8)
        }
    }

    /// Rejects a copy of a repeated case (read from a pipe: a later copy, compared with nothing).
    private func reject(_ identity: Identity, _ reader: inout RowReader) {
        reject(identity, &reader, policy: .first, copies: 2, other: nil, differing: nil)
    }

    /// Rejects a copy of a repeated case. `other`: the line of the copy it was compared
    /// with; `differing`: the columns in which they differ (nil when not compared).
    private func reject(_ identity: Identity, _ reader: inout RowReader, policy: DuplicatePolicy, copies: Int, other: Int?,
                        differing: [String]?) {
        let caseID = identity.caseID
        let what = identity.transfer.map { "the transfer \(caseID), \($0.type.rawValue), \($0.date.iso)" } ?? "case_id \(caseID)"
        var message: String
        switch policy {
        case .first: message = "\(what) appears earlier in the file; the first row is kept and this one is rejected"
        case .last: message = "\(what) appears again later in the file; the last row is kept and this one is rejected (--duplicates last)"
        case .reject: message = "\(what) appears \(copies) times in the file; every copy is rejected (--duplicates reject)"
        }
        if let differing, let other {
            message += differing.isEmpty ? "; it is identical to line \(other)"
                : "; it differs from line \(other) in " + differing.joined(separator: ", ")
        }
        reader.error(.caseID, caseID, message)
    }

    /// Moves what the batch holds in memory for later (sorts, duplicate records, problems)
    /// to disk: a chunk read in parallel waits there until the chunks before it are done.
    package mutating func releaseMemory() throws {
        try collector.releaseMemory()
        if findsDuplicatesLater { try duplicates.releaseMemory() }
        try problems.releaseMemory()
    }

    /// Adds what `other` found in the chunk that follows this one.
    package mutating func absorb(_ other: RowBatch) throws {
        try collector.absorb(other.collector)
        if findsDuplicatesLater && other.findsDuplicatesLater { try duplicates.absorb(other.duplicates) }
        seen.formUnion(other.seen)
        try problems.absorb(other.problems)
        rowsRead += other.rowsRead
        analysed += other.analysed
        rejected += other.rejected
    }

    /// Rejects the copies of each repeated case that `policy` does not keep, reading rows
    /// again through `reread` (given the lines and stream offsets of the rows, in line
    /// order): first the few rows whose key hashes alike, to compare their keys exactly;
    /// then the row each rejection is compared with; then the rows rejected, whose results
    /// are taken back. Each rejection names the fields in which the copies differ.
    package mutating func resolveDuplicates(
        policy: DuplicatePolicy = .first,
        reread: (_ rows: [(line: Int, offset: Int)], _ body: (CSVRow) throws -> Void) throws -> Void
    ) throws {
        guard findsDuplicatesLater else { return }
        let finder = duplicates
        let groups = try finder.groups { candidates in
            // Read in file order; hand the keys back in the order asked.
            let order = candidates.indices.sorted { candidates[$0].ordinal < candidates[$1].ordinal }
            // A row that cannot be read again (it always can) keeps a key no text has: 0xFF is
            // never a byte of UTF-8, so it matches nothing.
            var keys = candidates.indices.map { i -> [UInt8] in
                var key = ByteWriter()
                key.put(UInt8(0xFF))
                key.put(Int64(i))
                return key.bytes
            }
            var next = 0
            try reread(order.map { (line: rowLine(ordinal: candidates[$0].ordinal), offset: Int(candidates[$0].extra)) }) { row in
                defer { next += 1 }
                var reader = RowReader(context: context, row: row)
                var outcome = RuleTimings()
                guard next < order.count, let (identity, _) = judge(&reader, into: &outcome) else { return }
                var key: [UInt8] = []
                Self.appendKey(of: identity, to: &key)
                keys[order[next]] = key
            }
            return keys
        }
        guard !groups.isEmpty else { return }

        // Which copies go, and the copy each is compared with: the one kept, or (none kept)
        // the first, itself compared with the second.
        var dropped: [(ordinal: Int64, offset: Int, group: Int, reference: Int64)] = []
        var references: [Int64: Int] = [:]  // ordinal → offset
        for (g, copies) in groups.enumerated() {
            let kept = policy.kept(of: copies.count)
            for (i, c) in copies.enumerated() where i != kept {
                let reference = copies[policy.reference(for: i, of: copies.count)]
                dropped.append((c.ordinal, Int(c.extra), g, reference.ordinal))
                references[reference.ordinal] = Int(reference.extra)
            }
        }
        // The cells of each reference copy: one row a group, or two when none is kept.
        var cells: [Int64: [String]] = [:]
        let referenceRows = references.sorted { $0.key < $1.key }.map { (line: rowLine(ordinal: $0.key), offset: $0.value) }
        try reread(referenceRows) { row in
            cells[ordinal(line: row.line)] = RowReader(context: context, row: row).cells
        }

        dropped.sort { $0.ordinal < $1.ordinal }
        let byOrdinal = Dictionary(uniqueKeysWithValues: dropped.map { ($0.ordinal, $0) })
        // The row's own warnings are replaced by what reading it alone gives, plus the rejection.
        for r in dropped { problems.replace(row: r.ordinal) }
        try reread(dropped.map { (line: rowLine(ordinal: $0.ordinal), offset: $0.offset) }) { row in
            var reader = RowReader(context: context, row: row)
            var outcome = RuleTimings()
            let rowOrdinal = ordinal(line: row.line)
            guard let r = byOrdinal[rowOrdinal], let (identity, facts) = judge(&reader, into: &outcome) else { return }  // it was valid when first read
            for t in outcome.timings { collector.takeBack(t, dimensions: facts.dimensions, ordinal: rowOrdinal) }
            collector.takeBackUnmeasured(outcome.unmeasured, dimensions: facts.dimensions)
            collector.addSpans(outcome.spans, cohort: collector.cohortNumber(facts.dimensions), weight: -1)
            let differing = Self.differing(reader.cells, cells[r.reference] ?? [], header: context.layout.header)
            reject(identity, &reader, policy: policy, copies: groups[r.group].count, other: rowLine(ordinal: r.reference),
                   differing: differing)
            if policy == .reject, rowOrdinal == groups[r.group][0].ordinal {
                // No copy was analysed: the case was not checked at all (listed once, at its first copy).
                var u = UncheckedCase(caseID: facts.caseID, file: context.file, line: row.line, team: facts.team,
                                      caseworker: facts.caseworker, dimensions: facts.dimensions, measures: [],
                                      reason: UncheckedCase.reason(reader.problems) { $0.column == context.columnNames[Field.caseID.rawValue] })
                u.outlivesRetraction = true
                try collector.addUnchecked(u, ordinal: rowOrdinal)
            }
            for p in reader.problems { try problems.append(p, fileNumber: fileNumber, replacement: true) }
            analysed -= 1
            rejected += 1
        }
    }

    /// The header names of the columns in which two copies of a row differ.
    static func differing(_ a: [String], _ b: [String], header: [String]) -> [String] {
        header.indices.filter { i in (i < a.count ? a[i] : "") != (i < b.count ? b[i] : "") }.map { header[$0] }
    }
}
