/// The safe faces of Store's records for the modules above it: a writer and a reader
/// that Store lends for the length of one call and that cannot outlive it. Both are
/// not copyable and have no public initialiser, so the memory they point into (a
/// temporary file's buffer, a sorted run's block) is never reached after it has moved on,
/// and every access is checked against the record's bounds.

/// Writes one record straight into memory reserved for it (see
/// `FramedRecord.append(ordinal:maximum:to:_:)`): cases.csv has a row per case and
/// measure, millions in a large run, and this is where their bytes are made with no copy.
/// Each write is checked against the space reserved.
///
/// Public, where `package` would do, for one reason: this toolchain inlines an
/// `@inlinable` body into another module only when the declaration is `public`, and
/// these are called a dozen times for each of millions of rows.
public struct RecordWriter: ~Copyable {
    @usableFromInline let base: UnsafeMutablePointer<UInt8>
    @usableFromInline let capacity: Int
    @usableFromInline var written = 0
    /// Bytes written so far.
    public var count: Int { written }

    @usableFromInline init(_ base: UnsafeMutableRawPointer, capacity: Int) {
        self.base = base.bindMemory(to: UInt8.self, capacity: capacity)
        self.capacity = capacity
    }

    @inlinable @inline(__always)
    public mutating func byte(_ b: UInt8) {
        precondition(written < capacity, "a record is longer than the space reserved for it")
        base[written] = b
        written += 1
    }

    @inlinable @inline(__always)
    public mutating func bytes(_ span: Span<UInt8>) {
        let n = span.count
        precondition(n <= capacity - written, "a record is longer than the space reserved for it")
        span.withUnsafeBufferPointer { source in
            if let from = source.baseAddress { Bytes.copy(from: from, to: base + written, count: n) }
        }
        written += n
    }

    /// The bytes `range` of `table` (a cached cell, a code's name, a date's text).
    @inlinable @inline(__always)
    public mutating func bytes(_ table: [UInt8], _ range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= table.count)
        let n = range.count
        precondition(n <= capacity - written, "a record is longer than the space reserved for it")
        table.withUnsafeBufferPointer { source in
            if let from = source.baseAddress { Bytes.copy(from: from + range.lowerBound, to: base + written, count: n) }
        }
        written += n
    }

    /// A whole number in decimal, at most 20 bytes.
    ///
    /// Two digits a step (a division by 100, made a multiplication by the compiler, and
    /// the pair's digits from it), and the length found four digits a step: cases.csv
    /// writes three numbers a row, and one digit a step with a loop per digit to count
    /// them cost 72 instructions a number (1.5 % of a run).
    @inlinable
    public mutating func int(_ value: Int) {
        if value < 0 { byte(UInt8(ascii: "-")) }
        var v = value.magnitude
        let digits = Self.digits(v)
        precondition(digits <= capacity - written, "a record is longer than the space reserved for it")
        var at = written + digits
        written = at
        let zero = UInt8(ascii: "0")
        while v >= 100 {
            let q = v / 100, pair = v &- q &* 100
            at &-= 2
            base[at] = zero &+ UInt8(truncatingIfNeeded: pair / 10)
            base[at &+ 1] = zero &+ UInt8(truncatingIfNeeded: pair % 10)
            v = q
        }
        if v >= 10 {
            base[at &- 2] = zero &+ UInt8(truncatingIfNeeded: v / 10)
            base[at &- 1] = zero &+ UInt8(truncatingIfNeeded: v % 10)
        } else {
            base[at &- 1] = zero &+ UInt8(truncatingIfNeeded: v)
        }
    }

    /// How many decimal digits `v` has (four at a step).
    @inlinable @inline(__always)
    public static func digits(_ v: UInt) -> Int {
        var digits = 1
        var t = v
        while t >= 10_000 { t /= 10_000; digits += 4 }
        if t >= 100 { t /= 100; digits += 2 }
        if t >= 10 { digits += 1 }
        return digits
    }

    /// How many bytes `int(value)` writes.
    @inlinable @inline(__always)
    public static func decimalLength(_ value: Int) -> Int {
        (value < 0 ? 1 : 0) + digits(value.magnitude)
    }

    /// A day number (or any 32-bit value), four bytes little-endian.
    @inlinable @inline(__always)
    public mutating func int32(_ value: Int32) {
        precondition(4 <= capacity - written, "a record is longer than the space reserved for it")
        UnsafeMutableRawPointer(base + written).storeBytes(of: value.littleEndian, as: Int32.self)
        written += 4
    }

    /// A whole number as zigzag LEB128: small ones of either sign in one byte.
    @inlinable @inline(__always)
    public mutating func zigzag(_ value: Int) {
        var v = UInt(bitPattern: (value << 1) ^ (value >> (Int.bitWidth - 1)))
        while v >= 0x80 {
            byte(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        byte(UInt8(truncatingIfNeeded: v))
    }

    /// The next `count` bytes of `reader`, copied.
    @inlinable @inline(__always)
    public mutating func bytes(from reader: inout RecordReader, count: Int) {
        precondition(count <= capacity - written, "a record is longer than the space reserved for it")
        reader.copy(count, to: base + written)
        written += count
    }
}

/// Reads back, in order, what a `ByteWriter` wrote into a record; each read is checked
/// against the record's length.
///
/// Public, with `@inlinable` reads, for the reason `RecordWriter` is: cases.csv's rows
/// are read back from their compact records a few fields at a time, millions of them.
public struct RecordReader: ~Copyable {
    @usableFromInline let bytes: UnsafeRawBufferPointer
    /// The offset of the next read.
    @usableFromInline var at = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Bytes not yet read.
    @inlinable public var remaining: Int { bytes.count - at }

    @inlinable @inline(__always)
    mutating func take<T: FixedWidthInteger>(_: T.Type, size: Int) -> T {
        precondition(size <= remaining, "a record ends before its last field")
        defer { at += size }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: T.self))
    }

    @inlinable @inline(__always) public mutating func take(_: UInt8.Type) -> UInt8 { take(UInt8.self, size: 1) }
    package mutating func take(_: UInt32.Type) -> UInt32 { take(UInt32.self, size: 4) }
    @inlinable @inline(__always) public mutating func take(_: Int32.Type) -> Int32 { take(Int32.self, size: 4) }
    package mutating func take(_: Int64.Type) -> Int64 { take(Int64.self, size: 8) }

    /// A number written by `RecordWriter.zigzag`.
    @inlinable @inline(__always)
    public mutating func zigzag() -> Int {
        var v: UInt = 0, shift: UInt = 0
        while true {
            let b = take(UInt8.self)
            v |= UInt(b & 0x7F) << shift
            if b < 0x80 { break }
            shift += 7
            precondition(shift < 64, "a number in a record is too long")
        }
        return Int(bitPattern: v >> 1) ^ -Int(bitPattern: v & 1)
    }

    /// Copies the next `count` bytes to `target` (a `RecordWriter`'s reserved space).
    @inlinable @inline(__always)
    @usableFromInline mutating func copy(_ count: Int, to target: UnsafeMutablePointer<UInt8>) {
        precondition(count >= 0 && count <= remaining, "a record ends before its last field")
        if count > 0, let from = bytes.baseAddress { Bytes.copy(from: from + at, to: target, count: count) }
        at += count
    }

    /// A big-endian number (sort keys are written so, to compare as bytes).
    package mutating func takeBigEndian(_: UInt64.Type) -> UInt64 {
        UInt64(bigEndian: UInt64(littleEndian: take(UInt64.self, size: 8)))
    }

    /// A text written by `ByteWriter.put(_: String?)`; nil for nil.
    package mutating func text() -> String? {
        let n = take(UInt32.self)
        if n == .max { return nil }
        precondition(Int(n) <= remaining, "a record ends inside a text")
        defer { at += Int(n) }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[at..<(at + Int(n))]), as: UTF8.self)
    }

    /// A text written by `ByteWriter.put(_: String?)`, appended to `buffer` as UTF-8
    /// without making a String; where it is in `buffer`, nil for nil.
    package mutating func text(appendingTo buffer: inout [UInt8]) -> Range<Int>? {
        let n = take(UInt32.self)
        if n == .max { return nil }
        precondition(Int(n) <= remaining, "a record ends inside a text")
        defer { at += Int(n) }
        let start = buffer.count
        buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[at..<(at + Int(n))]))
        return start..<buffer.count
    }

    /// The bytes not yet read, valid while the record is.
    mutating func takeRest() -> UnsafeRawBufferPointer {
        defer { at = bytes.count }
        return UnsafeRawBufferPointer(rebasing: bytes[at...])
    }

    /// The bytes not yet read, copied.
    package mutating func rest() -> [UInt8] { Array(takeRest()) }

    /// Lends a reader over `bytes` to `body`.
    static func reading<T>(_ bytes: UnsafeRawBufferPointer, _ body: (inout RecordReader) throws -> T) rethrows -> T {
        var reader = RecordReader(bytes)
        return try body(&reader)
    }
}

extension FramedRecord {
    /// Appends a record that `write` makes in at most `maximum` bytes of the file's
    /// buffer, with no copy on the way; false, with nothing written, when `maximum` is
    /// more than the buffer holds (the caller then formats the record another way).
    package static func append(ordinal: Int64, maximum: Int, to spill: SpillFile,
                               _ write: (inout RecordWriter) throws -> Void) throws -> Bool {
        try append(ordinal: ordinal, maximum: maximum, to: spill) { (memory: UnsafeMutableRawPointer) throws -> Int in
            var writer = RecordWriter(memory, capacity: maximum)
            try write(&writer)
            return writer.count
        }
    }

    /// Appends a record already made, of any length.
    package static func append(_ record: [UInt8], ordinal: Int64, to spill: SpillFile) throws {
        try record.withUnsafeBytes { try append($0, ordinal: ordinal, to: spill) }
    }

    /// Reads `bytes` (a record made by a `ByteWriter`) through a `RecordReader`.
    package static func reading<T>(_ bytes: [UInt8], _ body: (inout RecordReader) throws -> T) rethrows -> T {
        try bytes.withUnsafeBytes { raw in try RecordReader.reading(raw, body) }
    }

    /// Visits every record of `spill` in order, read through a `RecordReader`; with
    /// `releasing`, the file gives back its storage as it is read.
    package static func forEachRecord(in spill: SpillFile, releasing: Bool = false,
                                      _ body: (Int64, inout RecordReader) throws -> Void) throws {
        try forEach(in: spill, releasing: releasing) { ordinal, bytes in
            try RecordReader.reading(bytes) { reader in try body(ordinal, &reader) }
        }
    }
}

extension ExternalSorter {
    /// Adds a record given as bytes made by `ByteWriter`s.
    package mutating func add(key: ByteWriter, payload: ByteWriter) throws {
        try add(key: key.bytes, payload: payload.bytes)
    }

    /// Every record in key order, its key and payload read through `RecordReader`s.
    package func forEachSortedRecord(_ body: (inout RecordReader, inout RecordReader) throws -> Void) throws {
        try forEachSorted { key, payload in
            try RecordReader.reading(key) { k in
                try RecordReader.reading(payload) { p in try body(&k, &p) }
            }
        }
    }
}

extension OutputBuffer {
    /// A buffer that hands each full piece to `emitting` as a span.
    package init(capacity: Int, emitting: @escaping (RawSpan) throws -> Void) {
        self.init(capacity: capacity) { (bytes: UnsafeRawBufferPointer) throws -> Void in
            try emitting(RawSpan(_unsafeBytes: bytes))
        }
    }

    /// `first`, then the bytes of `reader` not yet read (a cell put back before a row kept as text).
    package mutating func append(_ first: Span<UInt8>, rest reader: inout RecordReader) throws {
        let rest = reader.takeRest()
        try first.withUnsafeBytes { a in try append(a, rest) }
    }
}

extension OutputBuffer {
    /// Lets `write` make up to `maximum` bytes straight into the buffer (a row formatted
    /// where it is written); false, with nothing written, when `maximum` is more than the
    /// buffer holds.
    package mutating func append(reserving maximum: Int, _ write: (inout RecordWriter) throws -> Void) throws -> Bool {
        try append(reserving: maximum) { (memory: UnsafeMutableRawPointer) throws -> Int in
            var writer = RecordWriter(memory, capacity: maximum)
            try write(&writer)
            return writer.count
        }
    }
}

extension Array where Element == UInt8 {
    /// Appends the bytes of `span` (an output piece gathered in memory: tests, small files).
    package mutating func append(_ span: RawSpan) {
        span.withUnsafeBytes { append(contentsOf: $0) }
    }
}
