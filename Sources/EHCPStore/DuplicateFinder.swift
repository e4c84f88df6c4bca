import Dispatch

/// Finds the later occurrences of repeated keys (such as case ids) among millions of
/// records, exactly and in bounded memory, so duplicate detection scales to 10-million-row
/// inputs without a hash set of every key.
///
/// Each record is kept as 24 bytes: a 64-bit hash of its key, its ordinal and an `extra`
/// value (the row's offset in its file). The records are spread over `bucketCount`
/// buckets by the top bits of the hash and written to a temporary file in blocks; at the
/// end each bucket is read back alone (a sixty-fourth of the records) and records of equal
/// hash are found with a small open-addressing table, buckets side by side on every core.
/// Only records whose hash is shared are candidates: their keys are fetched (the caller
/// reads those few rows again) and compared byte for byte, so a hash collision never makes
/// two different keys duplicates.
package struct DuplicateFinder: Sendable {
    package struct Record: Sendable {
        package var hash: UInt64
        package var ordinal: Int64
        package var extra: Int64
    }

    /// A record of the file: `count` records of `bucket` at `offset`.
    private struct Block: Sendable {
        package let file: SpillFile
        package let bucket: Int
        package let offset: Int
        package let count: Int
    }

    package static let bucketCount = 64
    package let directory: String
    private let blockRecords: Int
    private let hash: @Sendable (UnsafeRawBufferPointer) -> UInt64
    private var pending: [[Record]]
    private var blocks: [Block] = []
    private var spill: SpillFile?
    /// This finder's file and those of the finders it absorbed.
    private var files: [SpillFile] = []

    /// `memoryBudget` bounds the records held in memory before they go to disk.
    package init(directory: String, memoryBudget: Int = 4 << 20) {
        self.init(directory: directory, memoryBudget: memoryBudget, hash: DuplicateFinder.hash)
    }

    /// `hash` is replaceable only so tests can force collisions; finders that absorb one
    /// another must use the same function.
    package init(directory: String, memoryBudget: Int, hash: @escaping @Sendable (UnsafeRawBufferPointer) -> UInt64) {
        self.directory = directory
        self.hash = hash
        blockRecords = max(16, memoryBudget / (Self.bucketCount * MemoryLayout<Record>.stride))
        pending = Array(repeating: [], count: Self.bucketCount)
    }

    /// Adds one record. `ordinal` is its position (unique across all finders that will be
    /// absorbed together, in any order); `extra` is given back with it if it is a duplicate.
    package mutating func add(key: UnsafeRawBufferPointer, ordinal: Int64, extra: Int64) throws {
        let h = hash(key)
        let bucket = Int(truncatingIfNeeded: h >> 58)  // the top six bits: 64 buckets
        if pending[bucket].isEmpty { pending[bucket].reserveCapacity(blockRecords) }
        pending[bucket].append(Record(hash: h, ordinal: ordinal, extra: extra))
        if pending[bucket].count >= blockRecords { try writeBlock(bucket) }
    }

    package mutating func add(key: Span<UInt8>, ordinal: Int64, extra: Int64) throws {
        try key.withUnsafeBytes { try add(key: $0, ordinal: ordinal, extra: extra) }
    }

    package mutating func add(key: [UInt8], ordinal: Int64, extra: Int64) throws {
        try add(key: key.span, ordinal: ordinal, extra: extra)
    }

    private mutating func writeBlock(_ bucket: Int) throws {
        let file: SpillFile
        if let spill { file = spill } else {
            file = try SpillFile(directory: directory, bufferSize: 64 << 10)
            spill = file
            files.append(file)
        }
        let offset = file.byteCount
        try pending[bucket].withUnsafeBytes { try file.append($0) }
        blocks.append(Block(file: file, bucket: bucket, offset: offset, count: pending[bucket].count))
        pending[bucket].removeAll(keepingCapacity: true)
    }

    /// Writes the records held in memory to disk and gives the memory back.
    package mutating func releaseMemory() throws {
        for b in 0..<Self.bucketCount where !pending[b].isEmpty { try writeBlock(b) }
        try spill?.releaseBuffer()
        pending = Array(repeating: [], count: Self.bucketCount)
    }

    /// Takes over `other`'s records.
    package mutating func absorb(_ other: DuplicateFinder) throws {
        blocks += other.blocks
        files += other.files
        for b in 0..<Self.bucketCount {
            for r in other.pending[b] {
                pending[b].append(r)
                if pending[b].count >= blockRecords { try writeBlock(b) }
            }
        }
    }

    /// Every record whose key equals that of a record with a smaller ordinal, by ordinal.
    /// `keys` gives the keys of the candidate records (those sharing a hash), in the order asked.
    package func duplicates(keys: ([Record]) throws -> [[UInt8]]) throws -> [(ordinal: Int64, extra: Int64)] {
        try groups(keys: keys).flatMap { $0.dropFirst() }.sorted { $0.ordinal < $1.ordinal }
    }

    /// The records of each repeated hash, as `groups` gives them, for a caller that
    /// confirms the keys itself later (a SEN2 return's ids, noted on a second read).
    package func groupsByHash() throws -> [[(ordinal: Int64, extra: Int64)]] {
        try groups { records in records.map { r in withUnsafeBytes(of: r.hash.littleEndian) { Array($0) } } }
    }

    /// The records of each repeated key, in ordinal order (two or more a group), groups in
    /// the order of their first record. `keys` as for `duplicates`.
    package func groups(keys: ([Record]) throws -> [[UInt8]]) throws -> [[(ordinal: Int64, extra: Int64)]] {
        // Candidates per bucket, found side by side.
        for file in files { try file.flush() }  // afterwards only read, from several threads
        let found = Concurrent.map(Self.bucketCount, threads: Self.bucketCount) { (b: Int) throws -> [Record] in
            try self.candidates(inBucket: b)
        }
        var candidates: [Record] = []
        for r in found { candidates += try r.get() }
        guard !candidates.isEmpty else { return [] }

        // Groups of equal hash, each in ordinal order; within a group, a key seen at an
        // earlier ordinal makes a record a duplicate.
        candidates.sort { ($0.hash, $0.ordinal) < ($1.hash, $1.ordinal) }
        let candidateKeys = try keys(candidates)
        precondition(candidateKeys.count == candidates.count, "one key per candidate")
        var groups: [[(ordinal: Int64, extra: Int64)]] = []
        var start = 0
        while start < candidates.count {
            var end = start + 1
            while end < candidates.count, candidates[end].hash == candidates[start].hash { end += 1 }
            // Records of equal hash by key (already in ordinal order); only repeated keys are groups.
            var byKey: [[UInt8]: Int] = [:]
            var members: [[(ordinal: Int64, extra: Int64)]] = []
            for i in start..<end {
                let record = (ordinal: candidates[i].ordinal, extra: candidates[i].extra)
                if let g = byKey[candidateKeys[i]] { members[g].append(record) } else {
                    byKey[candidateKeys[i]] = members.count
                    members.append([record])
                }
            }
            groups += members.filter { $0.count > 1 }
            start = end
        }
        groups.sort { $0[0].ordinal < $1[0].ordinal }
        return groups
    }

    /// The records of bucket `b` whose hash another record of the bucket shares.
    private func candidates(inBucket b: Int) throws -> [Record] {
        var records: [Record] = []
        for block in blocks where block.bucket == b {
            let start = records.count
            records += repeatElement(Record(hash: 0, ordinal: 0, extra: 0), count: block.count)
            try records.withUnsafeMutableBytes { all in
                let target = UnsafeMutableRawBufferPointer(rebasing: all[(start * MemoryLayout<Record>.stride)...])
                var filled = 0
                while filled < target.count {
                    let n = try block.file.read(at: block.offset + filled, into: UnsafeMutableRawBufferPointer(rebasing: target[filled...]))
                    guard n > 0 else { throw StorageError.cannotRead(directory: directory, reason: "a temporary file ended early") }
                    filled += n
                }
            }
        }
        records += pending[b]
        guard records.count > 1 else { return [] }

        // Open addressing on the hash's low bits (the top bits chose the bucket): each slot
        // holds 1 + the index of the first record with that hash.
        var capacity = 16
        while capacity < 2 * records.count { capacity *= 2 }
        let mask = capacity - 1
        var slots = [Int32](repeating: 0, count: capacity)
        // Whether a second record has the hash of a slot's first, and each record's slot:
        // a set of the shared hashes, asked about every record, was hashed (SipHash) for each.
        var shared = [Bool](repeating: false, count: capacity)
        var slotOf = [Int32](repeating: 0, count: records.count)
        var anyShared = false
        for i in records.indices {
            let h = records[i].hash
            var s = Int(truncatingIfNeeded: h) & mask
            while slots[s] != 0 {
                if records[Int(slots[s]) - 1].hash == h { shared[s] = true; anyShared = true; break }
                s = (s + 1) & mask
            }
            if slots[s] == 0 { slots[s] = Int32(i + 1) }
            slotOf[i] = Int32(s)
        }
        guard anyShared else { return [] }
        var found: [Record] = []
        for i in records.indices where shared[Int(slotOf[i])] { found.append(records[i]) }
        return found
    }

    /// The SplitMix64 finaliser (Steele, Lea & Flood 2014), a bijective 64-bit mix; Store
    /// keeps its own copy so as to depend on no other module.
    @inline(__always)
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A fixed-seed 64-bit hash (8 bytes at a time through the SplitMix64 finaliser), so runs
    /// are repeatable. Only speed depends on its quality: keys are compared exactly.
    @Sendable
    package static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(bytes.count)
        var i = 0
        while i + 8 <= bytes.count {
            h = mix(h ^ UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
            i += 8
        }
        var tail: UInt64 = 0
        while i < bytes.count {
            tail = tail << 8 | UInt64(bytes[i])
            i += 1
        }
        return mix(h ^ tail)
    }
}
