/// Little-endian fields appended to a byte array: how records are laid out in
/// temporary files (action-list entries, data-quality problems).
package struct ByteWriter {
    package init() {}

    package var bytes: [UInt8] = []

    package mutating func put<T: FixedWidthInteger>(_ value: T) { put(value, specialised: ()) }

    /// Big-endian, so that byte order is numeric order (sort keys).
    package mutating func putBigEndian<T: FixedWidthInteger>(_ value: T) { putBigEndian(value, specialised: ()) }

    // Concrete overloads, which callers pick over the generic ones: a generic method
    // called from another module runs unspecialised and looks up type metadata on every
    // call (writing and reading the action list cost three times as much after the
    // split into modules).
    package mutating func put(_ value: UInt8) { put(value, specialised: ()) }
    package mutating func put(_ value: UInt32) { put(value, specialised: ()) }
    package mutating func put(_ value: Int32) { put(value, specialised: ()) }
    package mutating func put(_ value: Int64) { put(value, specialised: ()) }
    package mutating func putBigEndian(_ value: UInt32) { putBigEndian(value, specialised: ()) }
    package mutating func putBigEndian(_ value: UInt64) { putBigEndian(value, specialised: ()) }

    @inline(__always)
    private mutating func put<T: FixedWidthInteger>(_ value: T, specialised: Void) {
        var v = value.littleEndian
        withUnsafeBytes(of: &v) { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    private mutating func putBigEndian<T: FixedWidthInteger>(_ value: T, specialised: Void) {
        var v = value.bigEndian
        withUnsafeBytes(of: &v) { bytes.append(contentsOf: $0) }
    }

    /// A length (UInt32.max for nil), then the UTF-8 bytes.
    package mutating func put(_ text: String?) {
        guard var text else { put(UInt32.max); return }
        text.withUTF8 { utf8 in
            put(UInt32(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }
}

/// Reads back what a `ByteWriter` wrote, in the same order.
package struct ByteReader {
    package let bytes: UnsafeRawBufferPointer
    package private(set) var at = 0

    package init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    // Concrete overloads, for the reason given at `ByteWriter.put(_: UInt8)`.
    package mutating func take(_: UInt8.Type) -> UInt8 { take(UInt8.self, specialised: ()) }
    package mutating func take(_: UInt32.Type) -> UInt32 { take(UInt32.self, specialised: ()) }
    package mutating func take(_: Int32.Type) -> Int32 { take(Int32.self, specialised: ()) }
    package mutating func take(_: Int64.Type) -> Int64 { take(Int64.self, specialised: ()) }

    @inline(__always)
    private mutating func take<T: FixedWidthInteger>(_: T.Type, specialised: Void) -> T {
        defer { at += MemoryLayout<T>.size }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: T.self))
    }

    package mutating func take<T: FixedWidthInteger>(_: T.Type) -> T { take(T.self, specialised: ()) }

    /// The bytes of a text written by `put(_: String?)`, nil for nil, without making a String.
    package mutating func textBytes() -> UnsafeBufferPointer<UInt8>? {
        let n = take(UInt32.self)
        if n == .max { return nil }
        defer { at += Int(n) }
        // Bytes are bytes: viewing them as UInt8 needs no binding of typed memory.
        return UnsafeRawBufferPointer(rebasing: bytes[at..<(at + Int(n))]).assumingMemoryBound(to: UInt8.self)
    }

    package mutating func text() -> String? {
        let n = take(UInt32.self)
        if n == .max { return nil }
        defer { at += Int(n) }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[at..<(at + Int(n))]), as: UTF8.self)
    }
}

/// Bytes as a dictionary key, hashed in one pass over the buffer (an array of bytes as
/// `Hashable` would feed the hasher one byte at a time).
package struct ByteKey: Hashable, Sendable {
    package let bytes: [UInt8]

    package init(_ bytes: [UInt8]) { self.bytes = bytes }

    package func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
