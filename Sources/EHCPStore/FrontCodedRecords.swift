/// Records of a fixed number of byte fields, each field written as the length of the
/// prefix it shares with the same field of the record before (one byte, at most 255),
/// the length of the rest (LEB128) and the rest. The run history keeps its cases and
/// action rows so: within a measure, in input order, an id mostly differs from the one
/// before in its last byte or two and a due date in its day, so a 1M-row run's cases take
/// a third of the bytes of text lines, which is a third of the writing for SQLite (once
/// to its log, once to the file). Any bytes may be in a field (tabs, line feeds).
///
/// Written through raw memory: 1.7M cases of three fields each, coded with arrays, cost
/// about 900 instructions a case (uniqueness checks, generic copies).
public final class FrontCodedRecords {
    public let fields: Int
    /// The coder, behind a constant pointer: a class's stored variables are checked for
    /// exclusive access at run time on every use, which cost more than the coding.
    private let coder: UnsafeMutablePointer<FrontCoder>

    public init(fields: Int, capacity: Int = 4096) {
        self.fields = fields
        coder = .allocate(capacity: 1)
        coder.initialize(to: FrontCoder(fields: fields, capacity: capacity))
    }

    deinit {
        coder.pointee.deallocate()
        coder.deallocate()
    }

    /// Records complete so far.
    public var count: Int { coder.pointee.count }
    public var byteCount: Int { coder.pointee.byteCount }

    /// The records' bytes.
    public var bytes: [UInt8] { Array(coder.pointee.bytes) }


    /// Field `field` of the record being written; a record is complete when its last
    /// field is appended (fields in order, each once).
    public func append(field: Int, _ value: Span<UInt8>) {
        value.withUnsafeBufferPointer { coder.pointee.append(field: field, $0) }
    }

    /// A whole record of three fields (the history's cases: id, status, due date), in one
    /// call: coding 1.7M cases a field at a time cost about 125 instructions a field.
    public func append(_ first: Span<UInt8>, _ second: Span<UInt8>, _ third: Span<UInt8>) {
        first.withUnsafeBufferPointer { a in
            second.withUnsafeBufferPointer { b in
                third.withUnsafeBufferPointer { c in coder.pointee.append(a, b, c) }
            }
        }
    }

    /// Starts again from no records (the next record's fields share nothing).
    public func removeAll() { coder.pointee.removeAll() }

    /// Calls `body` with each record of `bytes` (made with `fields` fields), or returns
    /// false at the first byte that does not follow the format (the records before it read).
    @discardableResult
    public static func forEach(_ bytes: [UInt8], fields: Int, _ body: (_ fields: [[UInt8]]) throws -> Void) rethrows -> Bool {
        var values = Array(repeating: [UInt8](), count: fields)
        var i = 0
        while i < bytes.count {
            for f in 0..<fields {
                guard i < bytes.count else { return false }
                let shared = Int(bytes[i])
                i += 1
                var rest = 0, shift = 0
                while true {
                    guard i < bytes.count, shift < 35 else { return false }
                    let b = bytes[i]
                    i += 1
                    rest |= Int(b & 0x7F) << shift
                    shift += 7
                    if b < 0x80 { break }
                }
                guard shared <= values[f].count, rest <= bytes.count - i else { return false }
                values[f].removeSubrange(shared...)
                values[f].append(contentsOf: bytes[i..<(i + rest)])
                i += rest
            }
            try body(values)
        }
        return true
    }
}

/// `FrontCodedRecords`' coding without the class: a value of raw pointers, so that many
/// can be kept in one block of memory (the history's blocks, one per measure and thread)
/// and used with no reference counting. Its owner calls `deallocate` once.
package struct FrontCoder {
    package let fields: Int
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    package private(set) var byteCount = 0
    package private(set) var count = 0
    /// The previous record's fields, their first 255 bytes (no more can be shared).
    private let previous: UnsafeMutablePointer<UInt8>
    private let previousCount: UnsafeMutablePointer<Int>

    package init(fields: Int, capacity: Int) {
        precondition(fields > 0)
        self.fields = fields
        self.capacity = max(capacity, 64)
        storage = .allocate(capacity: self.capacity)
        previous = .allocate(capacity: fields * 255)
        previousCount = .allocate(capacity: fields)
        previousCount.initialize(repeating: 0, count: fields)
    }

    package func deallocate() {
        storage.deallocate()
        previous.deallocate()
        previousCount.deallocate()
    }

    /// The records' bytes, valid until the next change.
    package var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage, count: byteCount) }

    package mutating func append(field: Int, _ value: UnsafeBufferPointer<UInt8>) {
        precondition(field >= 0 && field < fields, "no such field")
        reserve(value.count + 12)
        var at = byteCount
        Self.code(value, field: field, previous: previous, previousCount: previousCount, into: storage, at: &at)
        byteCount = at
        if field == fields - 1 { count += 1 }
    }

    @inline(__always)
    package mutating func append(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, _ c: UnsafeBufferPointer<UInt8>) {
        precondition(fields == 3, "a record of three fields")
        reserve(a.count + b.count + c.count + 36)
        var at = byteCount
        Self.code(a, field: 0, previous: previous, previousCount: previousCount, into: storage, at: &at)
        Self.code(b, field: 1, previous: previous, previousCount: previousCount, into: storage, at: &at)
        Self.code(c, field: 2, previous: previous, previousCount: previousCount, into: storage, at: &at)
        byteCount = at
        count += 1
    }

    /// `append(a, b, c)` for a second field of one byte (the history's status letter):
    /// the same bytes, its coding written out.
    @inline(__always)
    package mutating func append(_ a: UnsafeBufferPointer<UInt8>, byte: UInt8, _ c: UnsafeBufferPointer<UInt8>) {
        precondition(fields == 3, "a record of three fields")
        reserve(a.count + c.count + 36)
        var at = byteCount
        Self.code(a, field: 0, previous: previous, previousCount: previousCount, into: storage, at: &at)
        let last = previous + 255
        if previousCount[1] > 0, last[0] == byte {
            storage[at] = 1; storage[at + 1] = 0
            at += 2
        } else {
            storage[at] = 0; storage[at + 1] = 1; storage[at + 2] = byte
            at += 3
            last[0] = byte
        }
        previousCount[1] = 1
        Self.code(c, field: 2, previous: previous, previousCount: previousCount, into: storage, at: &at)
        byteCount = at
        count += 1
    }

    @inline(__always)
    private mutating func reserve(_ more: Int) {
        if byteCount + more > capacity { grow(to: byteCount + more) }
    }

    /// Codes `v` as field `field` at `out + at` (room made by the caller) and keeps its
    /// first 255 bytes as the field's previous value.
    @inline(__always)
    private static func code(_ v: UnsafeBufferPointer<UInt8>, field: Int, previous: UnsafeMutablePointer<UInt8>,
                             previousCount: UnsafeMutablePointer<Int>, into out: UnsafeMutablePointer<UInt8>, at: inout Int) {
        let n = v.count
        let last = previous + field * 255
        let limit = min(n, previousCount[field], 255)
        var shared = 0
        // Eight bytes at a time (an id or a date shares most of its bytes with the one
        // before): the first that differs found from their difference's low zero bits.
        if let base = v.baseAddress {
            while shared + 8 <= limit {
                let difference = UInt64(littleEndian: UnsafeRawPointer(base + shared).loadUnaligned(as: UInt64.self))
                    ^ UInt64(littleEndian: UnsafeRawPointer(last + shared).loadUnaligned(as: UInt64.self))
                if difference != 0 {
                    shared += difference.trailingZeroBitCount >> 3
                    break
                }
                shared += 8
            }
        }
        while shared < limit, v[shared] == last[shared] { shared += 1 }
        var w = at
        out[w] = UInt8(truncatingIfNeeded: shared)
        w += 1
        var rest = n - shared
        while rest >= 0x80 {
            out[w] = UInt8(truncatingIfNeeded: rest) | 0x80
            w += 1
            rest >>= 7
        }
        out[w] = UInt8(truncatingIfNeeded: rest)
        w += 1
        // Suffixes are a byte or two: copied by hand, not through memcpy.
        let keep = min(n, 255)
        var i = shared
        while i < keep {
            out[w] = v[i]
            last[i] = v[i]
            w += 1
            i += 1
        }
        while i < n {
            out[w] = v[i]
            w += 1
            i += 1
        }
        previousCount[field] = keep
        at = w
    }

    private mutating func grow(to minimum: Int) {
        let larger = max(minimum, capacity * 2)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        grown.update(from: storage, count: byteCount)
        storage.deallocate()
        storage = grown
        capacity = larger
    }

    /// Starts again from no records (the next record's fields share nothing).
    package mutating func removeAll() {
        byteCount = 0
        count = 0
        previousCount.update(repeating: 0, count: fields)
    }

    /// Gives back storage grown past `capacity` bytes (there are no records).
    package mutating func shrink(to capacity: Int) {
        precondition(byteCount == 0, "shrink an empty FrontCoder")
        guard self.capacity > capacity else { return }
        storage.deallocate()
        storage = .allocate(capacity: capacity)
        self.capacity = capacity
    }
}
