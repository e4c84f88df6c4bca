#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sorts (key, payload) byte records by key in bounded memory, so that 10-million-row inputs
/// can be grouped and ordered within a fixed memory limit.
///
/// Keys are ordered as unsigned bytes (a key that is a prefix of another comes first); equal
/// keys keep the order they were added in. Records are packed into one byte arena plus an
/// index; when the two together pass `memoryBudget`, they are sorted and written to a
/// temporary file as a sorted run, and at the end the runs are merged. If everything fits in
/// memory, nothing touches the disk.
///
/// A record is stored as `[key length: UInt32][payload length: UInt32][key][payload]`, in
/// memory and in the runs alike (native byte order: the files never leave this process).
package struct ExternalSorter: Sendable {
    /// One index entry: a `chunk` of the key and where the record is in the arena.
    private struct Entry {
        package var chunk: UInt64
        package var offset: Int
    }

    /// A sorted run in a temporary file (possibly another sorter's, after `absorb`).
    private struct Run {
        package let file: SpillFile
        package let start: Int
        package let end: Int
    }

    package let directory: String
    package let memoryBudget: Int
    package private(set) var count = 0
    private var arena: [UInt8] = []
    private var used = 0
    private var index: [Entry] = []
    private var runs: [Run] = []
    private var spill: SpillFile?

    /// Runs written to disk so far (tests check that a small budget really spills).
    package var spilledRuns: Int { runs.count }

    package init(directory: String, memoryBudget: Int = 8 << 20) {
        self.directory = directory
        self.memoryBudget = memoryBudget
    }

    package mutating func add(key: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer) throws {
        precondition(key.count <= Int(UInt32.max) && payload.count <= Int(UInt32.max), "record too large")
        let size = 8 + key.count + payload.count
        if used + size > arena.count {
            let grown = max(used + size, min(2 * arena.count, memoryBudget), 4096)
            arena.append(contentsOf: repeatElement(0, count: grown - arena.count))
        }
        let offset = used
        arena.withUnsafeMutableBytes { a in
            a.storeBytes(of: UInt32(key.count), toByteOffset: offset, as: UInt32.self)
            a.storeBytes(of: UInt32(payload.count), toByteOffset: offset + 4, as: UInt32.self)
            if let k = key.baseAddress, let base = a.baseAddress {
                (base + offset + 8).copyMemory(from: k, byteCount: key.count)
            }
            if let p = payload.baseAddress, let base = a.baseAddress {
                (base + offset + 8 + key.count).copyMemory(from: p, byteCount: payload.count)
            }
        }
        index.append(Entry(chunk: Self.chunk(key, from: 0), offset: offset))
        used += size
        count += 1
        if used + index.count * MemoryLayout<Entry>.stride >= memoryBudget { try spillArena() }
    }

    package mutating func add(key: [UInt8], payload: [UInt8]) throws {
        try key.withUnsafeBytes { k in try payload.withUnsafeBytes { p in try add(key: k, payload: p) } }
    }

    /// Takes over `other`'s records as if they had been added after all of `self`'s, so for
    /// equal keys `self`'s records come first. `other`'s runs are read from its own file.
    package mutating func absorb(_ other: ExternalSorter) throws {
        if !other.runs.isEmpty {
            try spillArena()
            runs += other.runs
        }
        try other.arena.withUnsafeBytes { a in
            var offset = 0
            while offset < other.used {
                let (key, payload) = Self.record(a, at: offset)
                try add(key: key, payload: payload)
                offset += 8 + key.count + payload.count
            }
        }
        count += other.count - other.index.count
    }

    /// Calls `body` with every record in key order. The buffers are valid only during the call.
    /// Call once: records still in memory are written as a last run if there are others.
    package func forEachSorted(_ body: (_ key: UnsafeRawBufferPointer, _ payload: UnsafeRawBufferPointer) throws -> Void) throws {
        var order = index
        try arena.withUnsafeBytes { a in
            Self.sort(&order, a)
            if runs.isEmpty {
                for entry in order {
                    let (key, payload) = Self.record(a, at: entry.offset)
                    try body(key, payload)
                }
                return
            }
            var all = runs
            if !order.isEmpty {
                let file = try spill ?? SpillFile(directory: directory, bufferSize: spillBufferSize)
                all.append(try Self.writeRun(order, a, to: file))
            }
            order = []
            try Self.merge(all, readBufferSize: max(4096, min(64 << 10, memoryBudget / all.count)), body)
        }
    }

    /// Writes what is in memory to disk as a run and gives the memory back: for a sorter
    /// that waits (a chunk read before others have finished).
    package mutating func releaseMemory() throws {
        try spillArena()
        try spill?.releaseBuffer()
        arena = []
        index = []
    }

    // MARK: - Runs

    private var spillBufferSize: Int { min(1 << 20, max(4096, memoryBudget / 8)) }

    /// Sorts what is in memory and writes it to this sorter's file as one run.
    private mutating func spillArena() throws {
        guard !index.isEmpty else { return }
        let file = try spill ?? SpillFile(directory: directory, bufferSize: spillBufferSize)
        spill = file
        var order = index
        index = []
        try arena.withUnsafeBytes { a in
            Self.sort(&order, a)
            runs.append(try Self.writeRun(order, a, to: file))
        }
        order.removeAll(keepingCapacity: true)
        index = order
        used = 0
    }

    private static func writeRun(_ order: [Entry], _ arena: UnsafeRawBufferPointer, to file: SpillFile) throws -> Run {
        let start = file.byteCount
        for entry in order {
            let (key, payload) = record(arena, at: entry.offset)
            try file.append(UnsafeRawBufferPointer(rebasing: arena[entry.offset ..< entry.offset + 8 + key.count + payload.count]))
        }
        return Run(file: file, start: start, end: file.byteCount)
    }

    /// K-way merge through a binary heap of cursors; ties go to the earlier run (stability).
    private static func merge(_ runs: [Run], readBufferSize: Int,
                              _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Void) throws {
        var heap: [RunCursor] = []
        for (order, run) in runs.enumerated() {
            let cursor = RunCursor(run.file, run.start, run.end, order: order, bufferSize: readBufferSize)
            if try cursor.advance() { heap.append(cursor) }
        }
        for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(&heap, i) }
        while let top = heap.first {
            try body(top.key, top.payload)
            if try !top.advance() {
                heap.swapAt(0, heap.count - 1)
                heap.removeLast()
            }
            if !heap.isEmpty { siftDown(&heap, 0) }
        }
    }

    private static func siftDown(_ heap: inout [RunCursor], _ start: Int) {
        var i = start
        while true {
            var smallest = i
            let left = 2 * i + 1, right = left + 1
            if left < heap.count, heap[left].precedes(heap[smallest]) { smallest = left }
            if right < heap.count, heap[right].precedes(heap[smallest]) { smallest = right }
            if smallest == i { return }
            heap.swapAt(i, smallest)
            i = smallest
        }
    }

    // MARK: - Records and keys

    @inline(__always)
    fileprivate static func record(_ a: UnsafeRawBufferPointer, at offset: Int) -> (key: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer) {
        let keyCount = Int(a.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        let payloadCount = Int(a.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
        return (UnsafeRawBufferPointer(rebasing: a[offset + 8 ..< offset + 8 + keyCount]),
                UnsafeRawBufferPointer(rebasing: a[offset + 8 + keyCount ..< offset + 8 + keyCount + payloadCount]))
    }

    /// Key bytes `depth ..< depth + 7` (zero-padded) then one byte: how many key bytes are
    /// left from `depth`, capped at 8. Chunks compare as integers exactly as the keys do up
    /// to `depth + 7`; equal chunks ending in 8 mean both keys go on.
    @inline(__always)
    fileprivate static func chunk(_ key: UnsafeRawBufferPointer, from depth: Int) -> UInt64 {
        let remaining = key.count - depth
        if remaining >= 8 {
            return UInt64(bigEndian: key.loadUnaligned(fromByteOffset: depth, as: UInt64.self)) & ~0xFF | 8
        }
        var value: UInt64 = 0
        for i in 0..<7 { value = value << 8 | UInt64(i < remaining ? key[depth + i] : 0) }
        return value << 8 | UInt64(max(remaining, 0))
    }

    /// Unsigned byte order: memcmp of the common part, then the shorter key first.
    @inline(__always)
    package static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let common = min(a.count, b.count)
        if common > 0, let pa = a.baseAddress, let pb = b.baseAddress {
            let c = memcmp(pa, pb, common)
            if c != 0 { return Int(c) }
        }
        return a.count - b.count
    }

    /// Sorts by key, then by arena offset, which is insertion order, so the sort is stable.
    ///
    /// Radix sort on 7-byte chunks of the keys, going deeper only in groups whose chunks are
    /// equal: keys with a long common prefix (case ids) cost no more than random ones.
    private static func sort(_ order: inout [Entry], _ arena: UnsafeRawBufferPointer) {
        var spare = [Entry](repeating: Entry(chunk: 0, offset: 0), count: order.count)
        var counts = [Int](repeating: 0, count: 8 * 256)
        order.withUnsafeMutableBufferPointer { items in
            spare.withUnsafeMutableBufferPointer { spare in
                counts.withUnsafeMutableBufferPointer { counts in
                    sortRange(items, spare, counts, 0 ..< items.count, depth: 0, arena)
                }
            }
        }
    }

    /// Sorts `items[range]`, whose chunks are taken at `depth`.
    private static func sortRange(_ items: UnsafeMutableBufferPointer<Entry>, _ spare: UnsafeMutableBufferPointer<Entry>,
                                  _ counts: UnsafeMutableBufferPointer<Int>, _ range: Range<Int>, depth: Int,
                                  _ arena: UnsafeRawBufferPointer) {
        if range.count < 256 || depth > 56 {  // small or deep (long shared prefix): compare
            var slice = UnsafeMutableBufferPointer(rebasing: items[range])
            slice.sort { x, y in
                if x.chunk != y.chunk { return x.chunk < y.chunk }
                if x.chunk & 0xFF == 8 {
                    let c = compare(key(arena, x.offset, from: depth + 7), key(arena, y.offset, from: depth + 7))
                    if c != 0 { return c < 0 }
                }
                return x.offset < y.offset
            }
            return
        }
        radixSort(items, spare, counts, range)
        var start = range.lowerBound
        while start < range.upperBound {
            var end = start + 1
            while end < range.upperBound, items[end].chunk == items[start].chunk { end += 1 }
            if end - start > 1, items[start].chunk & 0xFF == 8 {
                for i in start ..< end { items[i].chunk = chunk(key(arena, items[i].offset, from: 0), from: depth + 7) }
                sortRange(items, spare, counts, start ..< end, depth: depth + 7, arena)
            }
            start = end
        }
    }

    /// Stable LSD radix sort of `items[range]` by chunk, one byte at a time, skipping bytes
    /// that are the same in every entry.
    private static func radixSort(_ items: UnsafeMutableBufferPointer<Entry>, _ spare: UnsafeMutableBufferPointer<Entry>,
                                  _ counts: UnsafeMutableBufferPointer<Int>, _ range: Range<Int>) {
        counts.update(repeating: 0)
        for i in range {
            let chunk = items[i].chunk
            for byte in 0 ..< 8 { counts[byte << 8 | Int(truncatingIfNeeded: chunk >> (byte << 3)) & 0xFF] += 1 }
        }
        var source = items, target = spare
        for byte in 0 ..< 8 {
            let histogram = byte << 8
            if counts[histogram | Int(truncatingIfNeeded: items[range.lowerBound].chunk >> (byte << 3)) & 0xFF] == range.count { continue }
            var next = range.lowerBound
            for digit in 0 ..< 256 {
                let n = counts[histogram | digit]
                counts[histogram | digit] = next
                next += n
            }
            for i in range {
                let entry = source[i]
                let slot = histogram | Int(truncatingIfNeeded: entry.chunk >> (byte << 3)) & 0xFF
                target[counts[slot]] = entry
                counts[slot] += 1
            }
            swap(&source, &target)
        }
        if source.baseAddress != items.baseAddress {
            for i in range { items[i] = source[i] }
        }
    }

    @inline(__always)
    private static func key(_ arena: UnsafeRawBufferPointer, _ offset: Int, from depth: Int) -> UnsafeRawBufferPointer {
        let key = record(arena, at: offset).key
        return UnsafeRawBufferPointer(rebasing: key[min(depth, key.count)...])
    }
}

/// Reads one sorted run back record by record through a bounded buffer.
private final class RunCursor {
    package let file: SpillFile
    package var next: Int
    package let end: Int
    package let order: Int
    package var buffer: UnsafeMutableRawBufferPointer
    package var start = 0, filled = 0
    /// The current record; valid until the next `advance()`.
    package var key = UnsafeRawBufferPointer(start: nil, count: 0)
    package var payload = UnsafeRawBufferPointer(start: nil, count: 0)

    package init(_ file: SpillFile, _ start: Int, _ end: Int, order: Int, bufferSize: Int) {
        self.file = file
        next = start
        self.end = end
        self.order = order
        buffer = .allocate(byteCount: bufferSize, alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// The current key's first chunk, so most comparisons are one integer compare.
    package var head: UInt64 = 0

    /// Earlier key first; equal keys from an earlier run first.
    @inline(__always)
    package func precedes(_ other: RunCursor) -> Bool {
        if head != other.head { return head < other.head }
        if head & 0xFF == 8 {
            let c = ExternalSorter.compare(UnsafeRawBufferPointer(rebasing: key[7...]), UnsafeRawBufferPointer(rebasing: other.key[7...]))
            if c != 0 { return c < 0 }
        }
        return order < other.order
    }

    /// Moves to the next record; false at the end of the run.
    package func advance() throws -> Bool {
        guard try ensure(8) else { return false }
        let view = UnsafeRawBufferPointer(buffer)
        let keyCount = Int(view.loadUnaligned(fromByteOffset: start, as: UInt32.self))
        let payloadCount = Int(view.loadUnaligned(fromByteOffset: start + 4, as: UInt32.self))
        guard try ensure(8 + keyCount + payloadCount) else {
            throw StorageError.cannotRead(directory: file.directory, reason: "the file ended early")
        }
        (key, payload) = ExternalSorter.record(UnsafeRawBufferPointer(buffer), at: start)
        head = ExternalSorter.chunk(key, from: 0)
        start += 8 + keyCount + payloadCount
        return true
    }

    /// Makes `n` unread bytes available from `start`; false if the run has no bytes left at all.
    private func ensure(_ n: Int) throws -> Bool {
        if filled - start >= n { return true }
        let kept = filled - start
        if n > buffer.count {
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: max(n, 2 * buffer.count), alignment: 16)
            bigger.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[start ..< filled]))
            buffer.deallocate()
            buffer = bigger
        } else if kept > 0, start > 0, let base = buffer.baseAddress {
            memmove(base, base + start, kept)
        }
        start = 0
        filled = kept
        while filled < n, next < end {
            let room = UnsafeMutableRawBufferPointer(rebasing: buffer[filled ..< min(buffer.count, filled + end - next)])
            let got = try file.read(at: next, into: room)
            if got == 0 { break }
            filled += got
            next += got
        }
        if filled >= n { return true }
        if filled == 0 { return false }
        throw StorageError.cannotRead(directory: file.directory, reason: "the file ended early")
    }
}
