import EHCPRules
import EHCPStore
import EHCPIngest

/// Data-quality problems as a run finds them, kept in an external sort so that memory
/// does not grow with their number (a tenth of a percent of ten million rows is still
/// ten thousand problems, each with its sentence).
///
/// They come back in data-quality.csv's order: by file, then line; within a line, the
/// file's own warnings (header, encoding: `fileLevel`) before the row's problems, each
/// group in the order found.
package struct ProblemLog {
    private var sorter: ExternalSorter
    private var sequence: UInt64 = 0
    private var key = ByteWriter(), payload = ByteWriter()
    /// Rows found to repeat an earlier one after they were read: their first problems are
    /// dropped, and those recorded as `replacement` stand instead.
    package private(set) var replacedRows = Set<Int64>()

    package init(directory: String) {
        sorter = ExternalSorter(directory: directory, memoryBudget: 1 << 20)
    }

    package var isEmpty: Bool { sorter.count == 0 }

    /// Records a problem of the file numbered `fileNumber`.
    package mutating func append(_ p: DataQualityProblem, fileNumber: Int64, fileLevel: Bool = false,
                         replacement: Bool = false) throws {
        // The writers keep their storage from problem to problem.
        key.bytes.removeAll(keepingCapacity: true)
        key.putBigEndian(UInt64(rowOrdinal(file: fileNumber, line: p.line)))
        key.put(UInt8(fileLevel ? 0 : 1))
        key.putBigEndian(sequence)
        sequence += 1
        payload.bytes.removeAll(keepingCapacity: true)
        payload.put(UInt8(replacement ? 1 : 0))
        payload.put(UInt8(fileLevel ? 1 : 0))
        ProblemCoding.encode(p, into: &payload)
        try sorter.add(key: key.bytes, payload: payload.bytes)
    }

    package mutating func append(contentsOf problems: [DataQualityProblem], fileNumber: Int64) throws {
        for p in problems { try append(p, fileNumber: fileNumber) }
    }

    /// Writes the problems held in memory to disk and gives the memory back.
    package mutating func releaseMemory() throws { try sorter.releaseMemory() }

    /// Marks the row at `ordinal` as replaced (see `replacedRows`).
    package mutating func replace(row ordinal: Int64) { replacedRows.insert(ordinal) }

    /// Takes over `other`'s problems, found after this log's.
    package mutating func absorb(_ other: ProblemLog) throws {
        try sorter.absorb(other.sorter)
        sequence = max(sequence, other.sequence)
        replacedRows.formUnion(other.replacedRows)
    }

    /// The problems in order, as a list kept in a temporary file. Call once.
    package func list(directory: String) throws -> ProblemList {
        ProblemList(ready: try content(directory: directory))
    }

    /// The same, made on a thread of its own: only the files that report problems wait
    /// for it, so cases.csv is written meanwhile instead of after it. Call once.
    package func listInBackground(directory: String) -> ProblemList {
        let log = self
        return ProblemList(building: BackgroundWork { try log.content(directory: directory) })
    }

    private func content(directory: String) throws -> ProblemList.Content {
        var list = try ProblemList.Builder(directory: directory)
        try sorter.forEachSortedRecord { key, payload in
            let replacement = payload.take(UInt8.self) == 1
            let fileLevel = payload.take(UInt8.self) == 1
            if !fileLevel, !replacement, !replacedRows.isEmpty,
               replacedRows.contains(Int64(bitPattern: key.takeBigEndian(UInt64.self))) {
                return
            }
            try list.append(encoded: payload.rest())
        }
        return try list.finish()
    }
}

/// A run's data-quality problems in their final order, in a temporary file: read them
/// with `forEach` as often as needed; counts are at hand. A list may still be being made
/// on another thread (`ProblemLog.listInBackground`): reading it waits, and `forEach` (or
/// `ready`) throws what went wrong in making it.
public struct ProblemList: Sendable {
    /// What a finished list holds.
    package struct Content: Sendable {
        package var counts = ProblemCounts()
        package var firstErrors: [DataQualityProblem] = []
        /// Nil only when making the list failed (`ready` throws why).
        package var file: SpillFile?
    }

    private enum Source: Sendable {
        case ready(Content)
        case building(BackgroundWork<Content>)
    }
    private let source: Source

    package init(ready content: Content) { source = .ready(content) }
    package init(building work: BackgroundWork<Content>) { source = .building(work) }

    /// Waits for the list if it is being made, and throws what went wrong in making it.
    public func ready() throws {
        if case .building(let work) = source { _ = try work.wait() }
    }

    private var content: Content {
        switch source {
        case .ready(let content): return content
        case .building(let work): return (try? work.wait()) ?? Content()  // `forEach` and `ready` throw the error
        }
    }

    /// Totals and kinds for the data-quality section.
    package var counts: ProblemCounts { content.counts }
    public var count: Int { errors + warnings }
    public var errors: Int { counts.errors }
    /// Errors that kept their row: a field read as blank, the measures needing it left out.
    public var keptRowErrors: Int { counts.keptRowErrors }
    /// Errors that rejected their row.
    public var rejectingErrors: Int { counts.errors - counts.keptRowErrors }
    public var warnings: Int { counts.warnings }
    /// The first rejected rows, for the console (`ConsoleSummary.rejections`).
    public var firstErrors: [DataQualityProblem] { content.firstErrors }
    package static let firstErrorsKept = 20

    /// A list of problems already in order (tests, and results built by hand).
    public init(_ problems: [DataQualityProblem]) throws {
        var builder = try Builder(directory: ScratchSpace.directory)
        for p in problems {
            var w = ByteWriter()
            ProblemCoding.encode(p, into: &w)
            try builder.append(encoded: w.bytes)
        }
        self.init(ready: try builder.finish())
    }

    /// Makes a list's content from encoded problems, in order.
    package struct Builder {
        private var content = Content()
        private let file: SpillFile

        package init(directory: String) throws {
            file = try SpillFile(directory: directory, bufferSize: 64 << 10)
        }

        package mutating func append(encoded: [UInt8]) throws {
            let problem = FramedRecord.reading(encoded) { ProblemCoding.decode(&$0) }
            content.counts.add(problem)
            if problem.severity == .error, content.firstErrors.count < ProblemList.firstErrorsKept {
                content.firstErrors.append(problem)
            }
            try FramedRecord.append(encoded, ordinal: 0, to: file)
        }

        package func finish() throws -> Content {
            try file.flush()
            var done = content
            done.file = file
            return done
        }
    }

    /// Visits every problem in order.
    public func forEach(_ body: (DataQualityProblem) throws -> Void) throws {
        try ready()
        guard let file = content.file else { return }
        try FramedRecord.forEachRecord(in: file) { _, record in try body(ProblemCoding.decode(&record)) }
    }

    /// Every problem, in memory (tests and small runs).
    public func all() throws -> [DataQualityProblem] {
        var out: [DataQualityProblem] = []
        try forEach { out.append($0) }
        return out
    }
}

/// A data-quality problem as bytes.
package enum ProblemCoding {
    package static func encode(_ p: DataQualityProblem, into w: inout ByteWriter) {
        w.put(UInt8(p.severity == .warning ? 1 : p.keepsRow ? 2 : 0))
        w.put(Int64(p.line))
        w.put(p.file)
        w.put(p.caseID)
        w.put(p.column)
        w.put(p.value)
        w.put(p.problem)
    }

    package static func decode(_ r: inout RecordReader) -> DataQualityProblem {
        let code = r.take(UInt8.self)
        let severity: Severity = code == 1 ? .warning : .error
        let line = Int(r.take(Int64.self))
        let file = r.text() ?? "", caseID = r.text() ?? "", column = r.text() ?? "", value = r.text() ?? ""
        let problem = r.text() ?? ""
        var p = DataQualityProblem(file: file, line: line, caseID: caseID, column: column, value: value,
                                   severity: severity, problem: problem)
        p.keepsRow = code == 2
        return p
    }
}
