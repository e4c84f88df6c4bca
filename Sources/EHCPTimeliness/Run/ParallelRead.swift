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
    /// Chunks per thread: more chunks than threads keep every thread busy to the end
    /// (a thread that finishes early takes the next chunk) however the threads are paced.
    /// They shrink towards the end of the file, as much as their weights say: the last to
    /// finish is then small, so no thread waits long for another (with equal chunks one
    /// thread worked alone for a quarter of the file's time when the input's hashing had
    /// slowed the other at the start). Three sizes rather than two: with [3, 1] one thread
    /// still worked alone for about a tenth of a second at the end of a 1M-row file. Each
    /// chunk costs memory only while it is read: a finished one's buffers are given back.
    package static let chunkWeights = [4, 2, 1]
    package static var chunksPerThread: Int { chunkWeights.count }
    /// No chunk smaller than this: each has its own parser, collector and temporary files.
    package static let minimumChunk = 4 << 20

    /// Where to cut a file of `size` bytes for `jobs` threads: just after line feeds near
    /// evenly spaced points. Empty when the file has too few line feeds to cut.
    package static func cuts(fileDescriptor fd: Int32, size: Int, jobs: Int) -> [Int] {
        let parts = max(jobs, min(jobs * chunksPerThread, size / minimumChunk))
        guard parts == jobs * chunksPerThread else { return LineEnds.splitPoints(fileDescriptor: fd, size: size, parts: parts) }
        let weights = chunkWeights.flatMap { Array(repeating: $0, count: jobs) }
        return LineEnds.splitPoints(fileDescriptor: fd, size: size, weights: weights)
    }

    /// Reads the file in the chunks `prepass.cuts` make, each numbering its lines from the
    /// line ends the prepass counts before its cut.
    package static func rows(of reader: CSVReader, size: Int, prepass: InputPrepass, jobs: Int, progress: Progress,
                     make: () throws -> RowBatch) throws -> RowBatch? {
        let fd = reader.fileDescriptor
        let points = prepass.cuts
        guard !points.isEmpty else { return nil }
        let starts = [0] + points, ends = points + [size]
        let count = starts.count
        var batches = try (0..<count).map { _ in try make() }
        let path = reader.path, delimiter = reader.delimiter
        // Each chunk's first line number. The first chunk starts on line 1 and is parsed at
        // once; the others wait for the prepass, which hashes the file on its own thread,
        // to count the line ends before their cut. It is never waiting for the readers, so
        // however the threads are scheduled no chunk waits for a count nobody makes.
        func firstLine(_ k: Int) throws -> Int {
            k == 0 ? 1 : 1 + (try prepass.lineEnds(beforeCut: k - 1))
        }
        // Each thread takes the next chunk not yet taken; rows and bytes read are added up
        // for the progress line, which the first thread draws.
        let rowsRead = Atomic<Int>(0), bytesRead = Atomic<Int>(0)
        let outcomes = Concurrent.forEach(updating: &batches, threads: jobs) { (thread: Int, k: Int, batch: inout RowBatch) throws -> Bool in
            let first = try firstLine(k)
            var source = FileRangeSource(fileDescriptor: fd, path: path, start: starts[k], end: ends[k], checkUTF8: true)
            var scanner = CSVScanner(path: path, delimiter: delimiter)
            var atHeader = k == 0  // the header was read already
            var counted = (rows: 0, offset: starts[k])
            try scanner.scan(&source, from: (starts[k], first), isLast: k == count - 1, onRow: { row in
                if atHeader { atHeader = false; return }
                try batch.add(row)
                if batch.rowsRead & 4095 == 0 {
                    let rows = rowsRead.add(batch.rowsRead - counted.rows, ordering: .relaxed).newValue
                    let bytes = bytesRead.add(row.offset - counted.offset, ordering: .relaxed).newValue
                    counted = (batch.rowsRead, row.offset)
                    if thread == 0 { progress.update(file: path, rows: rows & ~4095, position: bytes, total: size) }
                }
            }, onProblem: { try batch.addMalformed($0) })
            rowsRead.add(batch.rowsRead - counted.rows, ordering: .relaxed)
            bytesRead.add(ends[k] - counted.offset, ordering: .relaxed)
            // What waits for the chunks before it goes to disk, not memory.
            try batch.releaseMemory()
            return k == count - 1 || scanner.endedBetweenRecords
        }
        for outcome in outcomes {
            switch outcome {
            case .success(false): return nil
            case .failure(InputError.encoding): return nil
            case .failure(let error): throw error
            case .success(true): continue
            }
        }
        var joined = batches[0]
        for k in 1..<count { try joined.absorb(batches[k]) }
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
