import EHCPRules
import EHCPStore
import EHCPIngest
import Dispatch
import Synchronization

/// Reading one large extract on several threads.
///
/// The file is cut just after line feeds near evenly spaced points, each chunk is parsed
/// by its own libcsv parser into its own `RowBatch`, and the batches are joined in chunk
/// order, so the outputs are the bytes of a one-pass read. A cut is only trusted when the
/// chunk before it ends exactly between two records (a quoted field can hold a line
/// feed); when one does not, or a chunk finds a byte that is not UTF-8 (the whole file's
/// encoding is then for a one-pass read to settle), the parallel read is given up and
/// `rows` returns nil.
package enum ParallelRead {
    /// Chunks per thread for a reader that cannot split a chunk once it has started (the
    /// SEN2 return's, `SEN2Run`): more chunks than threads keep every thread busy to the
    /// end however the threads are paced, and they shrink towards the end of the file, so
    /// the last to finish is small and no thread waits long for another (with equal chunks
    /// one thread worked alone for a quarter of the file's time when the input's hashing
    /// had slowed the other at the start; with [3, 1], for about a tenth of a second).
    package static let chunkWeights = [4, 2, 1]

    /// Where to cut a CSV file of `size` bytes for `jobs` threads: one chunk each, just
    /// after line feeds near evenly spaced points. Empty when the file has too few line
    /// feeds to cut. The chunks need not shrink towards the end of the file (they did,
    /// as `chunkWeights`): a thread that runs out takes half of another's unread rest
    /// (`ChunkQueue`). Fewer chunks, fewer batches: each has two dozen temporary files
    /// and its own tallies, kept until the chunks are joined (a 1M-row run peaked at 55
    /// to 58 MB with one chunk a thread, 60 to 63 MB with three).
    package static func cuts(fileDescriptor fd: Int32, size: Int, jobs: Int) -> [Int] {
        LineEnds.splitPoints(fileDescriptor: fd, size: size, parts: max(jobs, 1))
    }

    /// Reads the file in the chunks `prepass.cuts` make, each numbering its lines from the
    /// line ends the prepass counts before its cut; a thread with no chunk left takes the
    /// back half of another's unread rest of at least `minimumSplit` bytes (`ChunkQueue`).
    package static func rows(of reader: CSVReader, size: Int, prepass: InputPrepass, jobs: Int, minimumSplit: Int,
                             progress: Progress,
                             make: () throws -> RowBatch) throws -> RowBatch? {
        let fd = reader.fileDescriptor
        guard !prepass.cuts.isEmpty else { return nil }
        let queue = ChunkQueue(fileDescriptor: fd, size: size, cuts: prepass.cuts, minimumSplit: minimumSplit)
        let path = reader.path, delimiter = reader.delimiter
        // A chunk's first line number. The first chunk starts on line 1 and is parsed at
        // once; the others wait for the prepass, which hashes the file on its own thread,
        // to count the line ends before their cut. It is never waiting for the readers, so
        // however the threads are scheduled no chunk waits for a count nobody makes. Parts
        // split off know theirs from the start.
        func firstLine(_ k: Int) throws -> Int {
            if let known = queue.chunk(k).firstLine { return known }
            let line = 1 + (try prepass.lineEnds(beforeCut: k - 1))
            queue.setFirstLine(k, line)
            return line
        }
        // Each thread takes chunks until none is left; rows and bytes read are added up
        // for the progress line, which the first thread draws.
        let rowsRead = Atomic<Int>(0), bytesRead = Atomic<Int>(0)
        func read(_ k: Int, thread: Int) throws -> (batch: RowBatch, endedBetweenRecords: Bool) {
            // The first line before the batch: a chunk can be split once it is known.
            let first = try firstLine(k)
            let start = queue.chunk(k).start
            var source = FileRangeSource(fileDescriptor: fd, path: path, start: start, end: size, checkUTF8: true) {
                queue.reserve(k, from: $0, wanted: $1)
            }
            var scanner = CSVScanner(path: path, delimiter: delimiter)
            // The chunk's state in one struct, reached from closures written where they are
            // passed: a local function that captured the batch and its counts made the
            // compiler box them and check every access to them at run time, three a row.
            var chunk = ChunkRows(batch: try make(), atHeader: start == 0, counted: (0, start))  // the header was read already
            let note = { (chunk: inout ChunkRows, row: CSVRow) in
                let rows = rowsRead.add(chunk.batch.rowsRead - chunk.counted.rows, ordering: .relaxed).newValue
                let bytes = bytesRead.add(row.offset - chunk.counted.offset, ordering: .relaxed).newValue
                chunk.counted = (chunk.batch.rowsRead, row.offset)
                queue.recordRead(k, offset: row.offset, line: row.line)
                if thread == 0 { progress.update(file: path, rows: rows & ~4095, position: bytes, total: size) }
            }
            // Whether the chunk is the file's last is known only once it is read: until its
            // reader has asked for its last byte, its rest can still be split off.
            try scanner.scan(&source, from: (start, first), isLast: false,
                             onRow: { row in try chunk.add(row, every: 4096, note) },
                             onProblem: { try chunk.batch.addMalformed($0) })
            let end = queue.chunk(k).end
            if end == size {
                try scanner.finish(at: size, onRow: { row in try chunk.add(row, every: 4096, note) },
                                   onProblem: { try chunk.batch.addMalformed($0) })
            }
            rowsRead.add(chunk.batch.rowsRead - chunk.counted.rows, ordering: .relaxed)
            bytesRead.add(end - chunk.counted.offset, ordering: .relaxed)
            // What waits for the chunks before it goes to disk, not memory.
            try chunk.batch.releaseMemory()
            return (chunk.batch, end == size || scanner.endedBetweenRecords)
        }
        let perThread = Concurrent.map(jobs, threads: jobs) { thread in
            var done: [(start: Int, outcome: Result<(batch: RowBatch, endedBetweenRecords: Bool), any Error>)] = []
            while let k = queue.next() {
                let outcome = Result { try read(k, thread: thread) }
                if case .failure = outcome { queue.abandon(k) }
                done.append((queue.chunk(k).start, outcome))
            }
            return done
        }
        // In file order, the chunks must cover the file end to end.
        let chunks = perThread.flatMap { (try? $0.get()) ?? [] }.sorted { $0.start < $1.start }
        let spans = queue.chunks.sorted { $0.start < $1.start }
        guard chunks.count == spans.count, spans.first?.start == 0, spans.last?.end == size,
              zip(spans, spans.dropFirst()).allSatisfy({ $0.end == $1.start }) else {
            throw InputError.readFailed(path: path, reason: "the chunks read on several threads did not cover the file (a bug; please report it)")
        }
        var batches: [RowBatch] = []
        for chunk in chunks {
            switch chunk.outcome {
            case .success(let read) where !read.endedBetweenRecords: return nil
            case .failure(InputError.encoding): return nil
            case .failure(let error): throw error
            case .success(let read): batches.append(read.batch)
            }
        }
        var joined = batches[0]
        for batch in batches.dropFirst() { try joined.absorb(batch) }
        return joined
    }

    /// Reads the rows at `rows` (lines and offsets from a first read, in line order) again.
    package static func reread(_ rows: [(line: Int, offset: Int)], of reader: CSVReader, body: (CSVRow) throws -> Void) throws {
        guard reader.encoding != .windows1252, reader.detectedWindows1252AtLine == nil, let size = reader.regularFileSize else {
            // Offsets are in the transcoded text: read the whole file again instead.
            let wanted = Set(rows.map(\.line))
            try reader.read(onRow: { row in if wanted.contains(row.line) { try body(row) } }, onProblem: { _ in })
            return
        }
        for (line, offset) in rows {
            var source = FileRangeSource(fileDescriptor: reader.fileDescriptor, path: reader.path, start: offset, end: size,
                                         checkUTF8: false, chunkSize: 2 << 10)  // a row or two: rows read again are few and scattered
            var scanner = CSVScanner(path: reader.path, delimiter: reader.delimiter)
            do {
                try scanner.scan(&source, from: (offset, line), onRow: { row in
                    try body(row)
                    throw StopReading()
                }, onProblem: { _ in })
            } catch is StopReading {}
        }
    }
}

/// A chunk's batch as its rows are read, and the rows and offset last counted for the
/// progress line.
private struct ChunkRows {
    var batch: RowBatch
    var atHeader: Bool
    var counted: (rows: Int, offset: Int)

    /// Analyses `row` (unless it is the header) and, every `every` rows (a power of two),
    /// calls `note` to count the rows read so far.
    @inline(__always)
    mutating func add(_ row: CSVRow, every: Int, _ note: (inout ChunkRows, CSVRow) -> Void) throws {
        if atHeader { atHeader = false; return }
        try batch.add(row)
        if batch.rowsRead & (every - 1) == 0 { note(&self, row) }
    }
}
