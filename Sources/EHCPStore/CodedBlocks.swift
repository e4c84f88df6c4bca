/// Where a stream of `FrontCodedRecords` (fields: id first) is cut into blocks: after a
/// record whose id hashes to a multiple of `period`, once the block holds `minimumRecords`;
/// or once it holds `maximumBytes`. The rule looks only at the block being made and the
/// record just added, so pieces of one stream coded apart (the chunks of a file read by
/// several threads) are joined into exactly the blocks one pass makes (`CodedBlockJoiner`):
/// after the first cut in a piece, its blocks are that pass's blocks, and only the records
/// before it are coded again. Block boundaries so do not depend on how the input was split.
package struct BlockCut: Sendable {
    /// A power of two: blocks of about this many records.
    package let period: UInt64
    package let minimumRecords: Int
    package let maximumBytes: Int

    package init(period: Int, minimumRecords: Int, maximumBytes: Int) {
        precondition(period > 0 && period & (period - 1) == 0, "period must be a power of two")
        self.period = UInt64(period)
        self.minimumRecords = minimumRecords
        self.maximumBytes = maximumBytes
    }

    /// The run history's cases (`HistoryCases`, and cases.csv read back): blocks of about
    /// 2,048 cases, 17 KB coded, at most 64 KiB (each block is held in memory per measure
    /// and thread while it is made, and the run's peak memory has a target).
    package static let historyCases = BlockCut(period: 2048, minimumRecords: 16, maximumBytes: 64 * 1024)

    /// Whether the block ends after a record with id `id`, the block now holding `count`
    /// records in `byteCount` bytes.
    @inline(__always)
    package func ends(after id: Span<UInt8>, count: Int, byteCount: Int) -> Bool {
        if byteCount >= maximumBytes { return true }
        return count >= minimumRecords && Self.hash(id) & (period - 1) == 0
    }

    /// A hash of an id's first and last eight bytes and its length: ids mostly differ in
    /// their last bytes (numbered), and a byte at a time cost more than the coding.
    @inline(__always)
    package static func hash(_ id: Span<UInt8>) -> UInt64 {
        let n = id.count
        var first: UInt64 = 0, last: UInt64 = 0
        id.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return }
            if n >= 8 {
                first = UnsafeRawPointer(base).loadUnaligned(as: UInt64.self)
                last = UnsafeRawPointer(base + (n - 8)).loadUnaligned(as: UInt64.self)
            } else {
                for i in 0 ..< n { first |= UInt64(p[i]) << (8 * UInt64(i)) }
            }
        }
        var h = (first &* 0x9E37_79B9_7F4A_7C15) ^ (last &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(n)
        h ^= h >> 29
        h &*= 0xBF58_476D_1CE4_E5B9
        h ^= h >> 32
        return h
    }
}

/// The blocks of three-field records (an id, a one-byte letter, a third field) being made
/// for several streams at once (the history's measures), with each record's row ordinal,
/// each written to its stream's temporary file whenever `BlockCut` ends it. In the file a
/// block is a header (records, bytes of ordinals, bytes of records, whether and how the
/// cut ended it (`End`): four `UInt32`), the ordinals (each the zigzag LEB128 difference
/// from the one before) and the records as `FrontCodedRecords` codes them. A block the
/// cut did not end (`.piece`: the piece of the stream ends) is joined to what follows.
///
/// The streams' state is one block of raw memory: a block per measure kept as an array
/// of objects cost a reference count taken and given back for every case.
package final class CodedBlockWriter {
    private let cut: BlockCut
    private struct Stream {
        var coder: FrontCoder
        var ordinals: UnsafeMutablePointer<UInt8>
        var ordinalCapacity: Int
        var ordinalBytes = 0
        var lastOrdinal: Int64 = 0
    }
    private let streams: UnsafeMutablePointer<Stream>
    package let streamCount: Int
    /// Where each stream's blocks go (read only when a block is written).
    private var files: [SpillFile]

    /// Writers for one stream per file of `files`.
    package init(cut: BlockCut, files: [SpillFile]) {
        self.cut = cut
        self.files = files
        streamCount = files.count
        streams = .allocate(capacity: max(1, files.count))
        for i in 0 ..< files.count {
            (streams + i).initialize(to: Stream(coder: FrontCoder(fields: 3, capacity: 4096),
                                                ordinals: .allocate(capacity: 1024), ordinalCapacity: 1024))
        }
    }

    deinit {
        for i in 0 ..< streamCount {
            streams[i].coder.deallocate()
            streams[i].ordinals.deallocate()
        }
        streams.deallocate()
    }

    /// Blocks go to `files` from now on (one per stream), after those written.
    package func retarget(to files: [SpillFile]) {
        precondition(files.count == streamCount, "one file per stream")
        self.files = files
    }

    /// Adds a record of row `ordinal` to stream `stream`; when the cut ends the block, it
    /// goes to the stream's file.
    @inline(__always)
    package func append(stream: Int, ordinal: Int64, _ id: Span<UInt8>, letter: UInt8, _ third: Span<UInt8>) throws {
        precondition(stream >= 0 && stream < streamCount, "no such stream")
        let s = streams + stream
        id.withUnsafeBufferPointer { a in
            third.withUnsafeBufferPointer { c in s.pointee.coder.append(a, byte: letter, c) }
        }
        Self.appendOrdinal(ordinal, to: s)
        let bytes = s.pointee.coder.byteCount
        if cut.ends(after: id, count: s.pointee.coder.count, byteCount: bytes) {
            try spill(stream, end: bytes >= cut.maximumBytes ? .size : .hash)
        }
    }

    @inline(__always)
    private static func appendOrdinal(_ ordinal: Int64, to s: UnsafeMutablePointer<Stream>) {
        if s.pointee.ordinalBytes + 10 > s.pointee.ordinalCapacity {
            let larger = s.pointee.ordinalCapacity * 2
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
            grown.update(from: s.pointee.ordinals, count: s.pointee.ordinalBytes)
            s.pointee.ordinals.deallocate()
            s.pointee.ordinals = grown
            s.pointee.ordinalCapacity = larger
        }
        var w = RecordWriter(s.pointee.ordinals + s.pointee.ordinalBytes, capacity: 10)
        w.zigzag(Int(ordinal &- s.pointee.lastOrdinal))
        s.pointee.ordinalBytes += w.count
        s.pointee.lastOrdinal = ordinal
    }

    /// How a block written to the file ended.
    package enum End: UInt32 {
        /// Not cut: the piece of the stream ended.
        case piece = 0
        /// Cut after an id whose hash is a multiple of the period.
        case hash = 1
        /// Cut as it reached the largest size.
        case size = 2
    }

    /// Writes stream `stream`'s block to its file (nothing when it is empty) and starts the
    /// next; `end` says why it ends.
    package func spill(_ stream: Int, end: End) throws {
        let s = streams + stream
        guard s.pointee.coder.count > 0 else { return }
        var header: (UInt32, UInt32, UInt32, UInt32) = (UInt32(s.pointee.coder.count), UInt32(s.pointee.ordinalBytes),
                                                         UInt32(s.pointee.coder.byteCount), end.rawValue)
        let file = files[stream]
        try withUnsafeBytes(of: &header) { try file.append($0) }
        try file.append(UnsafeRawBufferPointer(start: s.pointee.ordinals, count: s.pointee.ordinalBytes))
        try file.append(s.pointee.coder.bytes)
        s.pointee.coder.removeAll()
        s.pointee.ordinalBytes = 0
        s.pointee.lastOrdinal = 0
    }

    /// Writes every stream's block being made, as the end of a piece of its stream.
    package func spillAll() throws {
        for i in 0 ..< streamCount { try spill(i, end: .piece) }
    }

    /// Gives back the memory of grown blocks (the writer is idle: its piece is read).
    package func shrink() {
        for i in 0 ..< streamCount { streams[i].coder.shrink(to: 4096) }
    }
}

/// Joins the blocks `CodedBlockWriter`s wrote for the pieces of one stream, in order, into
/// the blocks one pass over the whole stream (less the records left out) makes with the
/// same `BlockCut`: a block the cut ended, met when no block is being made and with no
/// record left out, is handed on as it is; the records of any other are coded again.
package final class CodedBlockJoiner {
    private let cut: BlockCut
    private let records: FrontCodedRecords
    private let splicer: FrontCodedSplicer
    private let marks = DroppedMarks()

    package init(cut: BlockCut) {
        self.cut = cut
        records = FrontCodedRecords(fields: 3, capacity: cut.maximumBytes + 4096)
        splicer = FrontCodedSplicer(fields: 3, maximumBytes: cut.maximumBytes)
    }

    /// Reads the blocks of `file` (emptying it as it goes) and calls `emit` with each block
    /// made (its number of records and its bytes), leaving out the records of the row
    /// ordinals `leftOut` (ascending).
    package func add(_ file: SpillFile, bufferSize: Int, leftOut: [Int64],
                     emit: (_ count: Int, _ bytes: [UInt8]) throws -> Void) throws {
        var reader = try SpillReader(file, releasing: true, bufferSize: bufferSize)
        var left = file.byteCount
        while left > 0 {
            let header = try reader.next(16)
            let count = Int(header.loadUnaligned(as: UInt32.self))
            let ordinalBytes = Int(header.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
            let codedBytes = Int(header.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
            guard let end = CodedBlockWriter.End(rawValue: header.loadUnaligned(fromByteOffset: 12, as: UInt32.self)) else {
                preconditionFailure("a temporary block of the history's cases is damaged")
            }
            let body = try reader.next(ordinalBytes + codedBytes)
            left -= 16 + ordinalBytes + codedBytes
            let whole = leftOut.isEmpty || !marks.mark(UnsafeRawBufferPointer(rebasing: body[..<ordinalBytes]),
                                                       count: count, leftOut: leftOut)
            let dropped = UnsafeBufferPointer(start: marks.dropped, count: whole ? 0 : count)
            let codedPart = UnsafeRawBufferPointer(rebasing: body[ordinalBytes...])
            if records.count == 0, end != .piece {
                if whole {
                    try emit(count, Array(codedPart))
                    continue
                }
                // A few records left out of a block the cut ended: what one pass makes is
                // the block without them, when the cut still ends it at its last record.
                if end == .hash, let spliced = splicer.splice(codedPart, count: count, dropped: dropped),
                   spliced.count >= cut.minimumRecords {
                    try emit(spliced.count, spliced.bytes)
                    continue
                }
            }
            let coded = Array(codedPart)
            var i = 0
            let wellFormed = try FrontCodedRecords.forEach(coded, fields: 3) { f in
                defer { i += 1 }
                if !whole, dropped[i] { return }
                let id = f[0], second = f[1], third = f[2]
                records.append(id.span, second.span, third.span)
                if cut.ends(after: id.span, count: records.count, byteCount: records.byteCount) {
                    try emit(records.count, records.bytes)
                    records.removeAll()
                }
            }
            precondition(wellFormed && i == count, "a temporary block of the history's cases is damaged")
        }
    }

    /// Hands on the block being made, if any: the stream has ended.
    package func finish(emit: (_ count: Int, _ bytes: [UInt8]) throws -> Void) throws {
        if records.count > 0 { try emit(records.count, records.bytes) }
        records.removeAll()
    }
}

/// Which records of a block are of rows left out, from the block's ordinals; in memory
/// kept from block to block (an array per block, and a call per ordinal, cost more than
/// the rest of the join).
final class DroppedMarks {
    private(set) var dropped: UnsafeMutablePointer<Bool>
    private var ordinals: UnsafeMutablePointer<Int64>
    private var capacity = 4096

    init() {
        dropped = .allocate(capacity: capacity)
        ordinals = .allocate(capacity: capacity)
    }

    deinit {
        dropped.deallocate()
        ordinals.deallocate()
    }

    /// Marks each of the `count` records whose ordinal (coded in `bytes`) is in `leftOut`
    /// (ascending); true when any is.
    func mark(_ bytes: UnsafeRawBufferPointer, count: Int, leftOut: [Int64]) -> Bool {
        if count > capacity {
            dropped.deallocate(); ordinals.deallocate()
            capacity = count
            dropped = .allocate(capacity: capacity)
            ordinals = .allocate(capacity: capacity)
        }
        var n = 0
        var last: Int64 = 0, low = Int64.max, high = Int64.min
        var value: UInt64 = 0, shift: UInt64 = 0
        for b in bytes {
            value |= UInt64(b & 0x7F) << shift
            if b < 0x80 {
                precondition(n < count, "a block's ordinals and records differ in number")
                last &+= Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
                ordinals[n] = last
                low = min(low, last); high = max(high, last)
                n += 1
                value = 0
                shift = 0
            } else {
                shift += 7
            }
        }
        precondition(n == count, "a block's ordinals and records differ in number")
        // None left out within the block's range: the usual case, known without a walk.
        let first = SortedOrdinals.lowerBound(of: low, in: leftOut)
        guard first < leftOut.count, leftOut[first] <= high else { return false }
        var any = false
        // Walked together: a block's ordinals rise.
        var cursor = SortedOrdinals.Cursor(leftOut, from: first)
        for r in 0 ..< count {
            let hit = cursor.contains(ordinals[r])
            dropped[r] = hit
            any = any || hit
        }
        return any
    }
}

/// Takes records out of a block of `FrontCodedRecords` without coding the block again:
/// the records after a removed one are copied as they are, except the first, whose shared
/// prefix was counted against the removed one; it is coded again against the record now
/// before it. (A 1M-row run with a thousand repeated ids had a row to take out of most of
/// its blocks.)
package final class FrontCodedSplicer {
    private let fields: Int
    private let maximumBytes: Int
    /// Per field, the first 255 bytes of the last record read, and of the last one kept
    /// before a removed one (all a field can share).
    private let previous: UnsafeMutablePointer<UInt8>
    private let previousCount: UnsafeMutablePointer<Int>
    private let kept: UnsafeMutablePointer<UInt8>
    private let keptCount: UnsafeMutablePointer<Int>
    /// Per field of the record being read: its shared length, length and rest's start.
    private let shared: UnsafeMutablePointer<Int>
    private let length: UnsafeMutablePointer<Int>
    private let rest: UnsafeMutablePointer<Int>

    package init(fields: Int, maximumBytes: Int) {
        self.fields = fields
        self.maximumBytes = maximumBytes
        previous = .allocate(capacity: fields * 255)
        kept = .allocate(capacity: fields * 255)
        previousCount = .allocate(capacity: fields)
        keptCount = .allocate(capacity: fields)
        shared = .allocate(capacity: fields)
        length = .allocate(capacity: fields)
        rest = .allocate(capacity: fields)
    }

    deinit {
        previous.deallocate(); kept.deallocate(); previousCount.deallocate(); keptCount.deallocate()
        shared.deallocate(); length.deallocate(); rest.deallocate(); headers.deallocate()
    }

    /// The `count` records of `coded` less those `dropped` marks, as `FrontCodedRecords`
    /// codes them, and how many they are; nil when the last record is dropped (a cut after
    /// it no longer ends the block), when the result would reach `maximumBytes`, or when
    /// `coded` does not follow the format.
    package func splice(_ coded: UnsafeRawBufferPointer, count: Int, dropped: UnsafeBufferPointer<Bool>) -> (count: Int, bytes: [UInt8])? {
        precondition(dropped.count == count, "one mark per record")
        guard let lastDropped = dropped.lastIndex(of: true) else { return (count, Array(coded)) }
        guard lastDropped < count - 1, let base = coded.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        if fields == 3, let quick = quickSplice(base, end: coded.count, count: count, dropped: dropped, lastDropped: lastDropped) {
            return quick.bytes.count < maximumBytes ? (count - quick.dropped, quick.bytes) : nil
        }
        let end = coded.count
        var out: [UInt8] = []
        out.reserveCapacity(end)
        previousCount.update(repeating: 0, count: fields)
        var at = 0
        var recode = false
        var keptRecords = 0
        for i in 0 ... lastDropped + 1 {
            let start = at
            // Read the record's fields, bringing `previous` up to it.
            for f in 0 ..< fields {
                guard let (s, r) = Self.fieldHeader(base, at: &at, end: end), s <= previousCount[f] else { return nil }
                shared[f] = s; length[f] = s + r; rest[f] = at
                if dropped[i] && !recode && f == 0 {
                    // The first of a run of removed records: the one before is the one kept.
                    kept.update(from: previous, count: fields * 255)
                    keptCount.update(from: previousCount, count: fields)
                }
                let last = previous + f * 255
                let keep = min(s + r, 255)
                var k = s
                while k < keep { last[k] = base[at + k - s]; k += 1 }
                previousCount[f] = keep
                at += r
            }
            if dropped[i] {
                recode = true
                continue
            }
            keptRecords += 1
            if !recode {
                out.append(contentsOf: UnsafeRawBufferPointer(start: base + start, count: at - start))
                continue
            }
            recode = false
            for f in 0 ..< fields {
                let value = previous + f * 255, other = kept + f * 255
                let n = length[f]
                let limit = min(n, keptCount[f], 255)
                var s = 0
                while s < limit, value[s] == other[s] { s += 1 }
                out.append(UInt8(truncatingIfNeeded: s))
                Self.appendLength(n - s, to: &out)
                // The bytes from s: the first 255 are in `previous`, the others in the rest read.
                var k = s
                while k < min(n, 255) { out.append(value[k]); k += 1 }
                while k < n { out.append(base[rest[f] + k - shared[f]]); k += 1 }
            }
        }
        out.append(contentsOf: UnsafeRawBufferPointer(start: base + at, count: end - at))
        keptRecords += count - (lastDropped + 2)
        guard out.count < maximumBytes else { return nil }
        return (keptRecords, out)
    }

    /// Per record of the block being spliced and field: its shared length, the length of
    /// its rest and where the rest starts (`quickSplice`), kept from block to block.
    private var headers: UnsafeMutablePointer<Int> = .allocate(capacity: 3 * 3 * 4096)
    private var headerCapacity = 4096

    /// A field's header at `at` (the length it shares, the length of its rest), `at`
    /// moved to its rest; nil when the bytes do not follow the format or the rest runs
    /// past `end`.
    @inline(__always)
    private static func fieldHeader(_ base: UnsafePointer<UInt8>, at: inout Int, end: Int) -> (shared: Int, rest: Int)? {
        guard at < end else { return nil }
        let s = Int(base[at])
        at += 1
        var r = 0, shift = 0
        while true {
            guard at < end, shift < 35 else { return nil }
            let b = base[at]
            at += 1
            r |= Int(b & 0x7F) << shift
            shift += 7
            if b < 0x80 { break }
        }
        guard r <= end - at else { return nil }
        return (s, r)
    }

    /// Reads the field headers of record `i`, at `start`, into `headers`; the offset after
    /// the record, or nil when the bytes do not follow the format.
    @inline(__always)
    private func readRecord(_ i: Int, _ base: UnsafePointer<UInt8>, at start: Int, end: Int) -> Int? {
        var at = start
        let h = headers + 9 * i
        for f in 0 ..< 3 {
            guard let (s, r) = Self.fieldHeader(base, at: &at, end: end) else { return nil }
            h[3 * f] = s; h[3 * f + 1] = r; h[3 * f + 2] = at
            at += r
        }
        return at
    }

    /// Byte `p` of field `f` of record `j` (its headers read), nil past its end: taken from
    /// the rest of the last record up to `j` that did not share it.
    @inline(__always)
    private func byte(_ base: UnsafePointer<UInt8>, record j: Int, field f: Int, at p: Int) -> UInt8? {
        var j = j
        while j > 0, headers[9 * j + 3 * f] > p { j -= 1 }
        let h = headers + 9 * j + 3 * f
        let k = p - h[0]
        return k < h[1] ? base[h[2] + k] : nil
    }

    /// The splice without decoding the block, for blocks whose removed records stand alone
    /// (most): the record after a removed one (d) is coded against the one before d (c)
    /// from the records' own bytes, field by field. What it shares with c is the smaller of
    /// what it shares with d and what d shares with c, when these differ; when they are
    /// equal, that much and as much more as its rest and c's bytes from there agree. The
    /// bytes it no longer shares are the start of d's rest. Nil, for the full splice, when
    /// two removed records are neighbours or a shared length reaches 255 (the most one says).
    private func quickSplice(_ base: UnsafePointer<UInt8>, end: Int, count: Int, dropped: UnsafeBufferPointer<Bool>,
                             lastDropped: Int) -> (bytes: [UInt8], dropped: Int)? {
        if count > headerCapacity {
            headers.deallocate()
            headerCapacity = count
            headers = .allocate(capacity: 9 * count)
        }
        var out: [UInt8] = []
        out.reserveCapacity(end)
        var at = 0, copyFrom = 0, i = 0, droppedCount = 0
        while i <= lastDropped {
            guard dropped[i] else {
                guard let after = readRecord(i, base, at: at, end: end) else { return nil }
                at = after
                i += 1
                continue
            }
            guard i + 1 < count, !dropped[i + 1] else { return nil }
            guard let afterRemoved = readRecord(i, base, at: at, end: end),
                  let afterNext = readRecord(i + 1, base, at: afterRemoved, end: end) else { return nil }
            let removed = headers + 9 * i, next = headers + 9 * (i + 1)
            for f in 0 ..< 3 where removed[3 * f] >= 255 || next[3 * f] >= 255 { return nil }
            out.append(contentsOf: UnsafeBufferPointer(start: base + copyFrom, count: at - copyFrom))
            for f in 0 ..< 3 {
                let sd = removed[3 * f], sn = next[3 * f], rest = next[3 * f + 1], from = next[3 * f + 2]
                if sn < sd || (sn == sd && i == 0) {
                    // Shares with c what it shared with d (with no c, nothing): coded as it was.
                    out.append(UInt8(truncatingIfNeeded: sn))
                    Self.appendLength(rest, to: &out)
                    out.append(contentsOf: UnsafeBufferPointer(start: base + from, count: rest))
                } else if sn > sd {
                    out.append(UInt8(truncatingIfNeeded: sd))
                    Self.appendLength(rest + (sn - sd), to: &out)
                    out.append(contentsOf: UnsafeBufferPointer(start: base + removed[3 * f + 2], count: sn - sd))
                    out.append(contentsOf: UnsafeBufferPointer(start: base + from, count: rest))
                } else {
                    // As much as both share with d, and then its rest as far as c's bytes agree.
                    var t = 0
                    while sd + t < 255, t < rest, let b = byte(base, record: i - 1, field: f, at: sd + t), b == base[from + t] {
                        t += 1
                    }
                    out.append(UInt8(truncatingIfNeeded: sd + t))
                    Self.appendLength(rest - t, to: &out)
                    out.append(contentsOf: UnsafeBufferPointer(start: base + from + t, count: rest - t))
                }
            }
            droppedCount += 1
            at = afterNext
            copyFrom = afterNext
            i += 2
        }
        out.append(contentsOf: UnsafeBufferPointer(start: base + copyFrom, count: end - copyFrom))
        return (out, droppedCount)
    }

    @inline(__always)
    private static func appendLength(_ n: Int, to out: inout [UInt8]) {
        var r = n
        while r >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: r) | 0x80)
            r >>= 7
        }
        out.append(UInt8(truncatingIfNeeded: r))
    }

}
