import EHCPStore
import EHCPIngest
import Synchronization

/// The chunks of a file read on several threads (`ParallelRead`), handed out in file order
/// as threads ask. Once every chunk is taken, a thread that asks is given the back half of
/// what is still unread in the chunk with the most left, cut just after a line feed, so
/// that the threads finish together. With fixed chunks the threads each took the same
/// share, and the one that started later (its first chunk waits for the prepass to count
/// the line ends before it) worked alone at the end: 60 to 100 ms of a 1M-row run, one
/// core idle (perf timelines, session 15).
///
/// A chunk's reader asks before each read how far it may go (`reserve`); a split never
/// cuts before what its reader has asked for, so no byte is read twice or missed. The
/// part split off starts a line, whose number the splitting thread counts from the last
/// record the chunk's reader told of (`LineEnds.Counter`, as the scanner counts). Whether
/// the cut fell between two records (a quoted field can hold a line feed) is checked as
/// for any cut: the chunk before it must end between records, or the parallel read is
/// given up.
package final class ChunkQueue: Sendable {
    package struct Chunk: Sendable, Equatable {
        package var start: Int
        /// Where the chunk ends: moved back when its rest is split off.
        package var end: Int
        /// How far its reader has asked to read; the chunk is never cut before this.
        package var reserved: Int
        /// The line number of its first byte, once known.
        package var firstLine: Int?
        package var taken: Bool
        /// Where the last record its reader told of starts, and its line (at first the
        /// chunk's start): a split counts line ends from there, not from the chunk's start.
        package var lastRecord: Mark?

        package struct Mark: Sendable, Equatable {
            package var offset: Int
            package var line: Int
        }

        package init(start: Int, end: Int, reserved: Int, firstLine: Int?, taken: Bool) {
            (self.start, self.end, self.reserved, self.firstLine, self.taken) = (start, end, reserved, firstLine, taken)
            lastRecord = firstLine.map { Mark(offset: start, line: $0) }
        }
    }

    private let state: Mutex<[Chunk]>
    private let fileDescriptor: Int32
    /// A chunk's unread rest is split only when at least this long (`InputSettings.minimumSplit`):
    /// each part split off has its own batch (two dozen temporary files) and its lines counted.
    package let minimumSplit: Int

    /// Chunks from 0 to `size` cut at `cuts` (each just after a line feed, increasing).
    package init(fileDescriptor: Int32, size: Int, cuts: [Int], minimumSplit: Int) {
        self.fileDescriptor = fileDescriptor
        self.minimumSplit = max(minimumSplit, 2)
        let starts = [0] + cuts, ends = cuts + [size]
        state = Mutex(starts.indices.map { k in
            Chunk(start: starts[k], end: ends[k], reserved: starts[k], firstLine: k == 0 ? 1 : nil, taken: false)
        })
    }

    /// Every chunk as it stands, in the order they were made (not file order).
    package var chunks: [Chunk] { state.withLock { $0 } }

    package func chunk(_ k: Int) -> Chunk { state.withLock { $0[k] } }

    /// The next chunk for a thread to read, taken; nil when none is left and nothing
    /// unread is worth splitting.
    package func next() -> Int? {
        let untaken = state.withLock { chunks -> Int? in
            guard let k = chunks.firstIndex(where: { !$0.taken }) else { return nil }
            chunks[k].taken = true
            return k
        }
        return untaken ?? split()
    }

    /// Records the line number of chunk `k`'s first byte (known once the prepass has
    /// counted up to it); a chunk is split only once it is known.
    package func setFirstLine(_ k: Int, _ line: Int) {
        state.withLock { chunks in
            chunks[k].firstLine = line
            chunks[k].lastRecord = chunks[k].lastRecord ?? Chunk.Mark(offset: chunks[k].start, line: line)
        }
    }

    /// Chunk `k`'s reader has read a record that starts at `offset` on `line`.
    package func recordRead(_ k: Int, offset: Int, line: Int) {
        state.withLock { $0[k].lastRecord = Chunk.Mark(offset: offset, line: line) }
    }

    /// How many of `wanted` bytes from `position` chunk `k`'s reader may read; they are
    /// its from now on.
    package func reserve(_ k: Int, from position: Int, wanted: Int) -> Int {
        state.withLock { chunks in
            let n = max(0, min(wanted, chunks[k].end - position))
            chunks[k].reserved = max(chunks[k].reserved, position + n)
            return n
        }
    }

    /// Chunk `k` is read no further (its reader stopped on an error): nothing of it is split off.
    package func abandon(_ k: Int) {
        state.withLock { $0[k].reserved = $0[k].end }
    }

    /// Splits off the back half of the unread rest of the chunk with the most left, as a
    /// new chunk taken by the caller.
    private func split() -> Int? {
        while true {
            let all = chunks
            let rest = { (k: Int) in all[k].end - all[k].reserved }
            let found = all.indices.filter { all[$0].taken && all[$0].lastRecord != nil && rest($0) >= minimumSplit }
                .max { rest($0) < rest($1) }
                .map { (victim: $0, chunk: all[$0]) }
            guard let (victim, chunk) = found, let from = chunk.lastRecord?.offset, let line = chunk.lastRecord?.line else {
                return nil
            }
            let middle = chunk.reserved + (chunk.end - chunk.reserved) / 2
            // A read that fails here is left for the chunk's own reader to meet and report.
            guard let cut = LineEnds.lineStart(fileDescriptor: fileDescriptor, from: middle, before: chunk.end),
                  let ends = LineEnds.count(fileDescriptor: fileDescriptor, from: from, to: cut) else { return nil }
            let made = state.withLock { chunks -> Int? in
                // The reader has not asked for bytes past the cut, and nobody split it since.
                guard chunks[victim].end == chunk.end, chunks[victim].reserved <= cut else { return nil }
                chunks[victim].end = cut
                chunks.append(Chunk(start: cut, end: chunk.end, reserved: cut, firstLine: line + ends, taken: true))
                return chunks.count - 1
            }
            if let made { return made }
            // The reader went past the cut, or another thread split the chunk first: look again.
        }
    }
}
