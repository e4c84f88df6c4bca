/// Finds the later occurrences of repeated keys (such as case ids) among millions of
/// records, exactly and in bounded memory, so duplicate detection scales to 10-million-row
/// inputs without a hash set of every key.
///
/// Records are sorted externally by (64-bit hash of the key, ordinal). Records with equal
/// keys then sit next to each other, earliest first; keys are compared byte for byte within
/// each run of equal hashes, so a hash collision never makes two different keys duplicates.
struct DuplicateFinder: Sendable {
    private var sorter: ExternalSorter
    private let hash: @Sendable (UnsafeRawBufferPointer) -> UInt64

    init(directory: String, memoryBudget: Int = 8 << 20) {
        self.init(directory: directory, memoryBudget: memoryBudget, hash: DuplicateFinder.hash)
    }

    /// `hash` is replaceable only so tests can force collisions; finders that absorb one
    /// another must use the same function.
    init(directory: String, memoryBudget: Int, hash: @escaping @Sendable (UnsafeRawBufferPointer) -> UInt64) {
        sorter = ExternalSorter(directory: directory, memoryBudget: memoryBudget)
        self.hash = hash
    }

    /// Adds one record. `ordinal` is its position (unique across all finders that will be
    /// absorbed together, in any order); `extra` is given back with it if it is a duplicate.
    mutating func add(key: UnsafeRawBufferPointer, ordinal: Int64, extra: Int64) throws {
        // Sort key: hash then ordinal, both big-endian so byte order is numeric order
        // (the ordinal's sign bit flipped so negative ordinals sort first).
        let sortKey = (hash(key).bigEndian, (UInt64(bitPattern: ordinal) ^ (1 << 63)).bigEndian)
        try withUnsafeBytes(of: sortKey) { sortKeyBytes in
            try withUnsafeTemporaryAllocation(byteCount: 8 + key.count, alignment: 8) { payload in
                payload.storeBytes(of: extra, toByteOffset: 0, as: Int64.self)
                if let source = key.baseAddress, let target = payload.baseAddress {
                    (target + 8).copyMemory(from: source, byteCount: key.count)
                }
                try sorter.add(key: sortKeyBytes, payload: UnsafeRawBufferPointer(payload))
            }
        }
    }

    mutating func add(key: [UInt8], ordinal: Int64, extra: Int64) throws {
        try key.withUnsafeBytes { try add(key: $0, ordinal: ordinal, extra: extra) }
    }

    mutating func absorb(_ other: DuplicateFinder) throws {
        try sorter.absorb(other.sorter)
    }

    /// Every record whose key equals that of a record with a smaller ordinal, by ordinal.
    func duplicates() throws -> [(ordinal: Int64, extra: Int64)] {
        var found: [(ordinal: Int64, extra: Int64)] = []
        // The distinct keys seen in the current run of equal hashes (nearly always one).
        var groupHash: UInt64 = 0
        var seenBytes: [UInt8] = []
        var seenEnds: [Int] = []
        try sorter.forEachSorted { sortKey, payload in
            let keyHash = UInt64(bigEndian: sortKey.loadUnaligned(as: UInt64.self))
            let key = UnsafeRawBufferPointer(rebasing: payload[8...])
            if keyHash != groupHash || seenEnds.isEmpty {
                groupHash = keyHash
                seenBytes.removeAll(keepingCapacity: true)
                seenEnds.removeAll(keepingCapacity: true)
            }
            let seen = seenBytes.withUnsafeBytes { bytes in
                var start = 0
                for end in seenEnds {
                    if ExternalSorter.compare(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), key) == 0 { return true }
                    start = end
                }
                return false
            }
            if seen {
                let ordinal = Int64(bitPattern: UInt64(bigEndian: sortKey.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) ^ (1 << 63))
                found.append((ordinal, payload.loadUnaligned(as: Int64.self)))
            } else {
                seenBytes.append(contentsOf: key)
                seenEnds.append(seenBytes.count)
            }
        }
        found.sort { $0.ordinal < $1.ordinal }
        return found
    }

    /// A fixed-seed 64-bit hash (8 bytes at a time through the SplitMix64 finaliser), so runs
    /// are repeatable. Only speed depends on its quality: keys are compared exactly.
    @Sendable
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(bytes.count)
        var i = 0
        while i + 8 <= bytes.count {
            h = SplitMix64.mix(h ^ UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
            i += 8
        }
        var tail: UInt64 = 0
        while i < bytes.count {
            tail = tail << 8 | UInt64(bytes[i])
            i += 1
        }
        return SplitMix64.mix(h ^ tail)
    }
}
