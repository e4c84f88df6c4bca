import EHCPRules
import EHCPStore
import EHCPTimeliness

/// The run history's cases (`analyse --history`): each case of cases.csv as the history
/// keeps it, its id, status letter (S) and due date, taken as the cases arrive and kept
/// per measure in small temporary files as `S n due case_id` (n: the due date's length) (framed with the row's ordinal,
/// so a duplicate's retracted rows are left out as cases.csv leaves them out), then handed
/// to the history writer in blocks of about 64 KiB of one measure, in cases.csv's order,
/// as `FrontCodedRecords` of three fields (id, S, due).
/// Reading cases.csv back for this cost more than half of a 1M-row run's time again.
public final class HistoryCases: CaseSink {
    private let scratch: String
    private let measures: [MeasureID]
    /// Lines per measure: this sink's, then those of chunks absorbed, in input order.
    private var files: [[SpillFile]]
    /// Each measure's last file, the one written: `files` read per case (an array of
    /// arrays, checked for exclusive access at each use) cost more than the line's bytes.
    private var current: [SpillFile]
    private let table = CellTable.shared
    /// Each temporary file's buffer: the lines are short, and one file per measure and chunk.
    static let bufferSize = 16 << 10
    /// A block of the history's `run_cases`, and the buffer its temporary files are read
    /// through: the history is written while the outputs are, and every buffer it holds
    /// then adds to the run's peak memory (a 256 KiB block was copied three times on its way
    /// into SQLite).
    public static let blockSize = 64 * 1024

    public init(options: AnalysisOptions) throws {
        scratch = options.scratchDirectory
        measures = options.rules.measures.ids
        files = try measures.map { _ in [try SpillFile(directory: options.scratchDirectory, bufferSize: Self.bufferSize)] }
        current = files.map { $0[$0.count - 1] }
    }

    private init(like other: HistoryCases) throws {
        scratch = other.scratch
        measures = other.measures
        files = try measures.map { _ in [try SpillFile(directory: other.scratch, bufferSize: Self.bufferSize)] }
        current = files.map { $0[$0.count - 1] }
    }

    package func makeChunk() throws -> any CaseSink { try HistoryCases(like: self) }

    package func absorb(_ chunk: any CaseSink) throws {
        guard let chunk = chunk as? HistoryCases else { preconditionFailure("a HistoryCases absorbs only its own chunks") }
        for i in files.indices {
            // The chunk has finished writing: its buffers go to disk and back to the allocator.
            for file in chunk.files[i] { try file.releaseBuffer() }
            files[i].append(contentsOf: chunk.files[i])
        }
        current = files.map { $0[$0.count - 1] }
    }

    package func releaseMemory() throws {
        for list in files { for file in list { try file.releaseBuffer() } }
    }

    /// The letter of a status in the history (o on_time, l late, i open_in_time, v open_overdue).
    @inline(__always) static func letter(_ s: CaseStatus) -> UInt8 {
        switch s {
        case .onTime: return UInt8(ascii: "o")
        case .late: return UInt8(ascii: "l")
        case .openInTime: return UInt8(ascii: "i")
        case .openOverdue: return UInt8(ascii: "v")
        }
    }

    package func add(_ timings: [CaseTiming], of facts: CaseFacts, cohort: Int32, ordinal: Int64) throws {
        let text = table.bytes
        let current = self.current
        try Bytes.withUTF8(facts.caseID) { id in
            for c in timings {
                let file = current[c.measure.order]
                let status = Self.letter(c.status)
                let written = try FramedRecord.append(ordinal: ordinal, maximum: id.count + 32, to: file) { (w: inout RecordWriter) in
                    w.byte(status); w.byte(c.due.isoTableOffset != nil ? 10 : UInt8(min(10, c.due.iso.utf8.count)))
                    CellTable.day(c.due, in: text, &w, length: 10)
                    w.bytes(id)
                }
                if !written {
                    // An id longer than the buffer: made whole, then copied.
                    let due = Array(c.due.iso.utf8.prefix(10))
                    var line: [UInt8] = [status, UInt8(due.count)] + due
                    for i in id.indices { line.append(id[i]) }
                    try FramedRecord.append(line, ordinal: ordinal, to: file)
                }
            }
        }
    }

    /// Calls `body` with each block (measure, number of cases, its `FrontCodedRecords`' bytes), measure by measure
    /// in the table's order and in input order within one, without the rows `retracted`.
    /// The temporary files are emptied as they are read: call it once.
    public func forEachBlock(retracted: RetractedRows, _ body: (_ measure: String, _ count: Int, _ lines: [UInt8]) throws -> Void) throws {
        try handOver(retracted: retracted).forEach(body)
    }

    /// The cases as the history writer reads them, for its own thread (the sink is done with).
    public func handOver(retracted: RetractedRows) -> Blocks {
        Blocks(names: measures.map(\.rawValue), files: files, retracted: retracted)
    }

    /// The sink's temporary files, to be read once as blocks (`forEach`), on any one thread.
    public struct Blocks: Sendable {
        let names: [String]
        let files: [[SpillFile]]
        let retracted: RetractedRows

        /// See `HistoryCases.forEachBlock`.
        public func forEach(_ body: (_ measure: String, _ count: Int, _ lines: [UInt8]) throws -> Void) throws {
            let block = FrontCodedRecords(fields: 3, capacity: HistoryCases.blockSize + 4096)
            // Asked once, not per case (a call into another module each time).
            let noneRetracted = retracted.isEmpty
            for (m, list) in files.enumerated() {
                let name = names[m]
                for file in list {
                    var skip = RetractedRows.Cursor(retracted)
                    try FramedRecord.forEachByteSpan(in: file, releasing: true, bufferSize: HistoryCases.blockSize) { ordinal, row in
                        if !noneRetracted, skip.contains(ordinal) { return }
                        if block.byteCount >= HistoryCases.blockSize {
                            try body(name, block.count, block.bytes)
                            block.removeAll()
                        }
                        // S, n, due (n bytes), id
                        let idStart = 2 + Int(row[1])
                        block.append(row.extracting(idStart...), row.extracting(0..<1), row.extracting(2..<idStart))
                    }
                    try file.discard()
                }
                if block.count > 0 { try body(name, block.count, block.bytes) }
                block.removeAll()
            }
        }
    }
}
