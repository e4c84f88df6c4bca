/// A record in a temporary file (a data-quality problem): its length
/// (4 bytes), the ordinal of its input row (8 bytes), then its bytes.
enum FramedRecord {
    static func append(_ row: UnsafeRawBufferPointer, ordinal: Int64, to spill: SpillFile) throws {
        var header: (UInt32, Int64) = (UInt32(row.count), ordinal)
        try withUnsafeBytes(of: &header.0) { try spill.append($0) }
        try withUnsafeBytes(of: &header.1) { try spill.append($0) }
        try spill.append(row)
    }

    /// Visits every framed row of `spill` in order.
    static func forEach(in spill: SpillFile, _ body: (Int64, UnsafeRawBufferPointer) throws -> Void) throws {
        var carry: [UInt8] = []
        try spill.forEachBlock { block in
            // A frame may straddle two blocks: its start waits in `carry`.
            if carry.isEmpty {
                let used = try frames(in: block, body)
                carry = Array(block[used...])
            } else {
                carry.append(contentsOf: block)
                let used = try carry.withUnsafeBytes { try frames(in: $0, body) }
                carry.removeFirst(used)
            }
        }
    }

    /// Visits the whole frames at the start of `bytes`; returns how many bytes they take.
    private static func frames(in bytes: UnsafeRawBufferPointer, _ body: (Int64, UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        var at = 0
        while bytes.count - at >= 12 {
            let length = Int(bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self))
            guard bytes.count - at - 12 >= length else { break }
            let ordinal = bytes.loadUnaligned(fromByteOffset: at + 4, as: Int64.self)
            try body(ordinal, UnsafeRawBufferPointer(rebasing: bytes[(at + 12)..<(at + 12 + length)]))
            at += 12 + length
        }
        return at
    }
}
