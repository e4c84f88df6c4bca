#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the standard library does not yet offer on `Span<UInt8>`, done with raw memory
/// here so that the modules above work on spans and arrays only: turning a span into a
/// string or an array, copying it into an array, comparing two, and finding a byte.
public enum Bytes {
    /// Copies `n` bytes; up to 16 with two loads and two stores that may overlap, never
    /// touching a byte outside either range. Most cells are this short (dates, codes,
    /// ids), and a call to memmove for each cost more than the copy. libcsv's fields and
    /// cases.csv's rows are both copied through here.
    @inlinable @inline(__always)
    public static func copy(from source: UnsafeRawPointer, to target: UnsafeMutableRawPointer, count n: Int) {
        if n > 16 {
            target.copyMemory(from: source, byteCount: n)
        } else if n >= 8 {
            let head = source.loadUnaligned(as: UInt64.self), tail = source.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            target.storeBytes(of: head, as: UInt64.self)
            target.storeBytes(of: tail, toByteOffset: n - 8, as: UInt64.self)
        } else if n >= 4 {
            let head = source.loadUnaligned(as: UInt32.self), tail = source.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
            target.storeBytes(of: head, as: UInt32.self)
            target.storeBytes(of: tail, toByteOffset: n - 4, as: UInt32.self)
        } else {
            for i in 0 ..< n { target.storeBytes(of: source.load(fromByteOffset: i, as: UInt8.self), toByteOffset: i, as: UInt8.self) }
        }
    }

    /// The bytes as UTF-8 text, invalid sequences repaired (as `String(decoding:as:)`).
    @inlinable
    package static func string(_ bytes: Span<UInt8>) -> String {
        bytes.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
    }

    /// A copy of the bytes.
    package static func array(_ bytes: Span<UInt8>) -> [UInt8] {
        bytes.withUnsafeBufferPointer { Array($0) }
    }

    /// Appends the bytes to `array`.
    package static func append(_ bytes: Span<UInt8>, to array: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { array.append(contentsOf: $0) }
    }

    /// Copies the bytes into `array` from index `at`, which must leave room for them.
    package static func copy(_ bytes: Span<UInt8>, into array: inout [UInt8], at offset: Int) {
        precondition(offset >= 0 && offset <= array.count - bytes.count, "copy out of bounds")
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBufferPointer { source in
            array.withUnsafeMutableBufferPointer { target in
                target.baseAddress!.advanced(by: offset).update(from: source.baseAddress!, count: source.count)
            }
        }
    }

    /// Whether the two hold the same bytes (memcmp).
    package static func equal(_ a: Span<UInt8>, _ b: Span<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard !a.isEmpty else { return true }
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in memcmp(pa.baseAddress!, pb.baseAddress!, pa.count) == 0 }
        }
    }

    /// Calls `body` with the UTF-8 bytes of `text`. Not `text.utf8.span`: for a small
    /// string held in registers that span pointed at nothing (a 200k-row run crashed on it).
    @inlinable
    public static func withUTF8<R>(_ text: String, _ body: (Span<UInt8>) throws -> R) rethrows -> R {
        var text = text
        return try text.withUTF8 { try body($0.span) }
    }

    /// Whether `a` holds the UTF-8 bytes of `text` (codes of a few bytes: a loop, not memcmp).
    @inlinable @inline(__always)
    package static func equal(_ a: Span<UInt8>, _ text: String) -> Bool {
        var text = text
        return text.withUTF8 { t in
            guard t.count == a.count else { return false }
            return a.withUnsafeBufferPointer { p in
                for i in 0 ..< t.count where p[i] != t[i] { return false }
                return true
            }
        }
    }

    // Little-endian integers, one concrete function per type: generic ones, called from
    // another module, ran unspecialised and looked up type metadata on every call (they
    // showed in the profile of a review run).

    /// Appends `value`'s 8 bytes, least significant first.
    @inlinable
    package static func appendLittleEndian(_ value: UInt64, to array: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { array.append(contentsOf: $0) }
    }

    /// Appends `value`'s 4 bytes, least significant first.
    @inlinable
    package static func appendLittleEndian(_ value: UInt32, to array: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { array.append(contentsOf: $0) }
    }

    /// The `UInt64` stored least significant byte first at `bytes[at ..< at + 8]`, which
    /// must be in bounds.
    @inlinable
    package static func loadUInt64(littleEndianFrom bytes: Span<UInt8>, at offset: Int) -> UInt64 {
        precondition(offset >= 0 && offset <= bytes.count - 8, "load out of bounds")
        return bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
    }

    /// The `UInt32` stored least significant byte first at `bytes[at ..< at + 4]`, which
    /// must be in bounds.
    @inlinable
    package static func loadUInt32(littleEndianFrom bytes: Span<UInt8>, at offset: Int) -> UInt32 {
        precondition(offset >= 0 && offset <= bytes.count - 4, "load out of bounds")
        return bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
    }

    /// Index of the first `byte` in `bytes[range]` (memchr), nil when there is none.
    @inlinable @inline(__always)
    package static func firstIndex(of byte: UInt8, in bytes: Span<UInt8>, _ range: Range<Int>) -> Int? {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "search out of bounds")
        guard !range.isEmpty else { return nil }
        return bytes.withUnsafeBufferPointer { p in
            let base = p.baseAddress! + range.lowerBound
            guard let found = memchr(base, Int32(byte), range.count) else { return nil }
            return range.lowerBound + UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
        }
    }
}
