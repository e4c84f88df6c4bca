import EHCPRules
import EHCPStore
import EHCPTimeliness

/// The run history's cases (`analyse --history`): each case of cases.csv as the history
/// keeps it, its id, status letter (S) and due date, coded as the cases arrive into
/// `FrontCodedRecords` blocks of one measure (`CodedBlockWriter`, cut by
/// `BlockCut.historyCases`), which go to a small temporary file per measure and chunk as
/// each is made; each case's row ordinal is kept beside them, so that a duplicate's
/// retracted rows are left out as cases.csv leaves them out. The history writer is handed
/// the blocks, per measure in cases.csv's order, as one pass over cases.csv would cut
/// them (`CodedBlockJoiner`): only blocks at the chunks' joins, or with a retracted row,
/// are coded again.
/// Reading cases.csv back for this cost more than half of a 1M-row run's time again, and
/// framing each case in a temporary file to code it after the analysis, on the history's
/// own thread, most of what --history added to the run's time.
public final class HistoryCases: CaseSink {
    private let scratch: String
    private let measures: [MeasureID]
    /// Blocks per measure: this sink's, then those of chunks absorbed, in input order.
    private var files: [[SpillFile]]
    /// Each measure's block being made, written to the measure's last file.
    private let open: CodedBlockWriter
    /// Every day's `yyyy-mm-dd` (`CellTable`), where a due date's text is copied from.
    private let dayText = CellTable.shared.bytes
    /// Each temporary file's buffer: one file per measure and chunk.
    static let bufferSize = 16 << 10
    /// The largest block of the history's `run_cases`, and the buffer its temporary files
    /// are read through: the history is written while the outputs are, and every buffer it
    /// holds then adds to the run's peak memory.
    public static let blockSize = BlockCut.historyCases.maximumBytes

    public init(options: AnalysisOptions) throws {
        scratch = options.scratchDirectory
        measures = options.rules.measures.ids
        files = try measures.map { _ in [try SpillFile(directory: options.scratchDirectory, bufferSize: Self.bufferSize)] }
        open = CodedBlockWriter(cut: .historyCases, files: files.map { $0[$0.count - 1] })
    }

    private init(like other: HistoryCases) throws {
        scratch = other.scratch
        measures = other.measures
        files = try measures.map { _ in [try SpillFile(directory: other.scratch, bufferSize: Self.bufferSize)] }
        open = CodedBlockWriter(cut: .historyCases, files: files.map { $0[$0.count - 1] })
    }

    package func makeChunk() throws -> any CaseSink { try HistoryCases(like: self) }

    /// Writes each measure's block being made to its file, as a piece the next is joined to.
    private func spillOpenBlocks() throws {
        try open.spillAll()
    }

    package func absorb(_ chunk: any CaseSink) throws {
        guard let chunk = chunk as? HistoryCases else { preconditionFailure("a HistoryCases absorbs only its own chunks") }
        // This sink's blocks come before the chunk's.
        try spillOpenBlocks()
        try chunk.spillOpenBlocks()
        for i in files.indices {
            // The chunk has finished writing: its buffers go to disk and back to the allocator.
            for file in chunk.files[i] { try file.releaseBuffer() }
            files[i].append(contentsOf: chunk.files[i])
        }
        open.retarget(to: files.map { $0[$0.count - 1] })
    }

    package func releaseMemory() throws {
        try spillOpenBlocks()
        open.shrink()
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
        var id = facts.caseID
        try id.withUTF8 { id in try append(timings, id: id.span, ordinal: ordinal) }
    }

    /// The row's cases, each to its measure's stream. The table and the writer are read
    /// where they are kept, not copied into locals a closure captures: the copies cost a
    /// reference count taken and given back for each, for every row.
    @inline(__always)
    private func append(_ timings: [CaseTiming], id: Span<UInt8>, ordinal: Int64) throws {
        let table = dayText
        let text = table.span
        for i in timings.indices {
            let c = timings[i]
            if let offset = c.due.isoTableOffset {
                try open.append(stream: c.measure.order, ordinal: ordinal, id, letter: Self.letter(c.status),
                                text.extracting(offset ..< offset + 10))
            } else {
                let due = Array(c.due.iso.utf8.prefix(10))
                try open.append(stream: c.measure.order, ordinal: ordinal, id, letter: Self.letter(c.status), due.span)
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
    public func handOver(retracted: RetractedRows) throws -> Blocks {
        try spillOpenBlocks()
        return Blocks(names: measures.map(\.rawValue), files: files, retracted: retracted)
    }

    /// The sink's temporary files, to be read once as blocks (`forEach`), on any one thread.
    public struct Blocks: Sendable {
        let names: [String]
        let files: [[SpillFile]]
        let retracted: RetractedRows

        /// See `HistoryCases.forEachBlock`.
        public func forEach(_ body: (_ measure: String, _ count: Int, _ lines: [UInt8]) throws -> Void) throws {
            let joiner = CodedBlockJoiner(cut: .historyCases)
            for (m, list) in files.enumerated() {
                let name = names[m]
                func emit(_ count: Int, _ bytes: [UInt8]) throws { try body(name, count, bytes) }
                for file in list {
                    try joiner.add(file, bufferSize: HistoryCases.blockSize, leftOut: retracted.ordinals, emit: emit)
                    try file.discard()
                }
                try joiner.finish(emit: emit)
            }
        }
    }
}
