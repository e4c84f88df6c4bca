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

/// The block of three-field records (id first) being made for one stream, with each
/// record's row ordinal, written to a temporary file whenever `BlockCut` ends it. In the
/// file a block is a header (records, bytes of ordinals, bytes of records, whether the
/// cut ended it, and how (`End`): four `UInt32`), the ordinals (each the zigzag LEB128
/// difference from the one before) and the records as `FrontCodedRecords` codes them. A
/// block the cut did not end (`.piece`: the piece of the stream ends) is joined to what follows.
package final class CodedBlockWriter {
    private let cut: BlockCut
    private let records: FrontCodedRecords
    /// The ordinals, behind a constant pointer: a class's stored variables are checked for
    /// exclusive access at run time on every use.
    private struct Ordinals {
        var storage: UnsafeMutablePointer<UInt8>
        var capacity: Int
        var byteCount = 0
        var last: Int64 = 0
    }
    private let ordinals: UnsafeMutablePointer<Ordinals>

    package init(cut: BlockCut) {
        self.cut = cut
        records = FrontCodedRecords(fields: 3, capacity: 4096)
        ordinals = .allocate(capacity: 1)
        ordinals.initialize(to: Ordinals(storage: .allocate(capacity: 1024), capacity: 1024))
    }

    deinit {
        ordinals.pointee.storage.deallocate()
        ordinals.deallocate()
    }

    /// Records in the block being made.
    package var count: Int { records.count }

    /// Adds a record of row `ordinal`; when the cut ends the block, it goes to `file`.
    @inline(__always)
    package func append(ordinal: Int64, _ id: Span<UInt8>, _ second: Span<UInt8>, _ third: Span<UInt8>,
                        spillingTo file: SpillFile) throws {
        records.append(id, second, third)
        appendOrdinal(ordinal)
        if records.byteCount >= cut.maximumBytes {
            try spill(to: file, end: .size)
        } else if cut.ends(after: id, count: records.count, byteCount: records.byteCount) {
            try spill(to: file, end: .hash)
        }
    }

    @inline(__always)
    private func appendOrdinal(_ ordinal: Int64) {
        if ordinals.pointee.byteCount + 10 > ordinals.pointee.capacity {
            let larger = ordinals.pointee.capacity * 2
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
            grown.update(from: ordinals.pointee.storage, count: ordinals.pointee.byteCount)
            ordinals.pointee.storage.deallocate()
            ordinals.pointee.storage = grown
            ordinals.pointee.capacity = larger
        }
        let difference = ordinal &- ordinals.pointee.last
        var zigzag = UInt64(bitPattern: (difference << 1) ^ (difference >> 63))
        let out = ordinals.pointee.storage
        var at = ordinals.pointee.byteCount
        while zigzag >= 0x80 {
            out[at] = UInt8(truncatingIfNeeded: zigzag) | 0x80
            at += 1
            zigzag >>= 7
        }
        out[at] = UInt8(truncatingIfNeeded: zigzag)
        ordinals.pointee.byteCount = at + 1
        ordinals.pointee.last = ordinal
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

    /// Writes the block to `file` (nothing when it is empty) and starts the next; `end`
    /// says why it ends (`.piece`: the piece of the stream ends here, the cut did not end it).
    package func spill(to file: SpillFile, end: End) throws {
        guard records.count > 0 else { return }
        var header: (UInt32, UInt32, UInt32, UInt32) = (UInt32(records.count), UInt32(ordinals.pointee.byteCount),
                                                         UInt32(records.byteCount), end.rawValue)
        try withUnsafeBytes(of: &header) { try file.append($0) }
        try file.append(UnsafeRawBufferPointer(start: ordinals.pointee.storage, count: ordinals.pointee.byteCount))
        try records.withBytes { try file.append($0) }
        records.removeAll()
        ordinals.pointee.byteCount = 0
        ordinals.pointee.last = 0
    }

    /// Gives back the memory of a grown block (the writer is idle: its piece is read).
    package func shrink() {
        records.shrink(to: 4096)
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
        // The ordinals left out within the block's range: mostly none or a few.
        let first = Self.lowerBound(of: low, in: leftOut, from: 0)
        let end = Self.lowerBound(of: high &+ 1, in: leftOut, from: first)
        guard first < end else { return false }
        var any = false
        for r in 0 ..< count {
            let o = ordinals[r]
            let i = Self.lowerBound(of: o, in: leftOut, from: first, to: end)
            let hit = i < end && leftOut[i] == o
            dropped[r] = hit
            any = any || hit
        }
        return any
    }

    static func lowerBound(of value: Int64, in sorted: [Int64], from: Int, to: Int? = nil) -> Int {
        var low = from, high = to ?? sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
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
        shared.deallocate(); length.deallocate(); rest.deallocate()
    }

    /// The `count` records of `coded` less those `dropped` marks, as `FrontCodedRecords`
    /// codes them, and how many they are; nil when the last record is dropped (a cut after
    /// it no longer ends the block), when the result would reach `maximumBytes`, or when
    /// `coded` does not follow the format.
    package func splice(_ coded: UnsafeRawBufferPointer, count: Int, dropped: UnsafeBufferPointer<Bool>) -> (count: Int, bytes: [UInt8])? {
        precondition(dropped.count == count, "one mark per record")
        guard let lastDropped = dropped.lastIndex(of: true) else { return (count, Array(coded)) }
        guard lastDropped < count - 1, let base = coded.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
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
                guard s <= previousCount[f], r <= end - at else { return nil }
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
                var r = n - s
                while r >= 0x80 {
                    out.append(UInt8(truncatingIfNeeded: r) | 0x80)
                    r >>= 7
                }
                out.append(UInt8(truncatingIfNeeded: r))
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
}
