import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

/// Bounded-memory building blocks: spill files, the external sorter and the duplicate finder.
@Suite struct StorageTests {
    /// Every record of a sorter, in the order it hands them out.
    static func sorted(_ sorter: ExternalSorter) throws -> [(key: [UInt8], payload: [UInt8])] {
        var out: [(key: [UInt8], payload: [UInt8])] = []
        try sorter.forEachSorted { out.append((Array($0), Array($1))) }
        return out
    }

    /// The expected order: unsigned byte order of keys (the shorter first if one is a prefix
    /// of the other), equal keys in insertion order. (memcmp: `lexicographicallyPrecedes` is
    /// too slow in debug builds for long keys.)
    static func reference(_ records: [(key: [UInt8], payload: [UInt8])]) -> [(key: [UInt8], payload: [UInt8])] {
        records.enumerated().sorted { a, b in
            let x = a.element.key, y = b.element.key
            let c = x.withUnsafeBytes { px in
                y.withUnsafeBytes { py in
                    guard let l = px.baseAddress, let r = py.baseAddress else { return Int32(0) }
                    return memcmp(l, r, min(x.count, y.count))
                }
            }
            if c != 0 { return c < 0 }
            return x.count != y.count ? x.count < y.count : a.offset < b.offset
        }.map(\.element)
    }

    static func same(_ a: [(key: [UInt8], payload: [UInt8])], _ b: [(key: [UInt8], payload: [UInt8])]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.payload == $1.payload }
    }

    /// What `DuplicateFinder.duplicates(keys:)` should return, worked out with a dictionary.
    static func expectedDuplicates(_ records: [(key: [UInt8], ordinal: Int64, extra: Int64)]) -> [(ordinal: Int64, extra: Int64)] {
        var first: [[UInt8]: Int64] = [:]
        for r in records { first[r.key] = min(first[r.key] ?? .max, r.ordinal) }
        return records.filter { first[$0.key] != $0.ordinal }.sorted { $0.ordinal < $1.ordinal }.map { ($0.ordinal, $0.extra) }
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// The duplicates a finder reports, its candidates' keys looked up as a caller reads
    /// them back from the rows.
    static func duplicates(_ finder: DuplicateFinder, _ records: [(key: [UInt8], ordinal: Int64, extra: Int64)],
                           asked: inout Int) throws -> [(ordinal: Int64, extra: Int64)] {
        let keyOf = Dictionary(uniqueKeysWithValues: records.map { ($0.ordinal, $0.key) })
        var count = 0
        let found = try finder.duplicates { candidates in
            count += candidates.count
            return candidates.map { keyOf[$0.ordinal] ?? [] }
        }
        asked = count
        return found
    }

    static func duplicates(_ finder: DuplicateFinder, _ records: [(key: [UInt8], ordinal: Int64, extra: Int64)]) throws -> [(ordinal: Int64, extra: Int64)] {
        var asked = 0
        return try duplicates(finder, records, asked: &asked)
    }

    // MARK: - SpillFile

    @Test func smallSpillRoundTripsWithoutTouchingDiskAndLeavesNoFileBehind() throws {
        let folder = try TemporaryFolder()
        let spill = try SpillFile(directory: folder.path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        try spill.append(Self.bytes("hello, "))
        try spill.append([])
        try spill.append(Self.bytes("world"))
        var blocks: [[UInt8]] = []
        try spill.forEachBlock(blockSize: 4) { blocks.append(Array($0)) }
        #expect(blocks.flatMap { $0 } == Self.bytes("hello, world"))
        #expect(blocks.map(\.count) == [4, 4, 4])
        #expect(spill.byteCount == 12)
        #expect(spill.bytesOnDisk == 0)
    }

    @Test func largeSpillReadsBackEveryByteInOrderInBlocks() throws {
        let folder = try TemporaryFolder()
        let spill = try SpillFile(directory: folder.path, bufferSize: 64 << 10)
        var rng = SplitMix64(seed: 7)
        var written: [UInt8] = []
        while written.count < 6 << 20 {
            // Mostly small appends, some bigger than the buffer (written straight through).
            let size = rng.chance(perMille: 20) ? rng.int(in: 64 << 10 ... 300 << 10) : rng.int(in: 0...5000)
            let chunk = (0..<size).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            try spill.append(chunk)
            written += chunk
        }
        #expect(spill.byteCount == written.count)
        var read: [UInt8] = []
        var blocks = 0
        try spill.forEachBlock(blockSize: 1 << 20) { block in
            #expect(block.count <= 1 << 20)
            read += block
            blocks += 1
        }
        #expect(blocks == (written.count + (1 << 20) - 1) >> 20)
        #expect(read == written)
        #expect(spill.bytesOnDisk == written.count)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    /// A chunk that waits for others gives its buffers back (`releaseBuffer`); what it
    /// wrote stays whole, and writing again makes a new buffer.
    @Test func releasedBufferKeepsEveryByteAndIsMadeAgainOnTheNextAppend() throws {
        let folder = try TemporaryFolder()
        let spill = try SpillFile(directory: folder.path, bufferSize: 4096)
        #expect(!spill.holdsBuffer)  // made on the first append, not before
        try spill.releaseBuffer()
        #expect(spill.byteCount == 0 && !spill.holdsBuffer)
        let first = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try spill.append(first)
        try spill.append(Self.bytes("tail of the first part"))
        #expect(spill.holdsBuffer)
        try spill.releaseBuffer()
        #expect(!spill.holdsBuffer)
        #expect(spill.bytesOnDisk == spill.byteCount)
        try spill.append(Self.bytes(" and the second"))
        #expect(spill.holdsBuffer)
        let expected = first + Self.bytes("tail of the first part and the second")
        var read: [UInt8] = []
        try spill.forEachBlock(blockSize: 3000) { read += $0 }
        #expect(read == expected)
        // A read that starts on disk and one inside the new buffer.
        var window = [UInt8](repeating: 0, count: 16)
        let n = try window.withUnsafeMutableBytes { try spill.read(at: 9_995, into: $0) }
        #expect(Array(window[..<n]) == Array(expected[9_995..<(9_995 + n)]))
    }

    /// A spill of 3 MiB of varied bytes, flushed to its file.
    static func writtenSpill(in folder: TemporaryFolder) throws -> (SpillFile, [UInt8]) {
        let spill = try SpillFile(directory: folder.path, bufferSize: 256 << 10)
        var rng = SplitMix64(seed: 11)
        let written = (0..<(3 << 20) + 123).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        try spill.append(written)
        try spill.flush()
        return (spill, written)
    }

    /// Whether files in `folder` can have holes punched (ext4, xfs, tmpfs can). Where they
    /// cannot, releasing gives nothing back, and only the bytes read can be checked.
    static func canPunchHoles(in folder: TemporaryFolder) throws -> Bool {
        let probe = try SpillFile(directory: folder.path)
        try probe.append(Array(repeating: 1, count: 64 << 10))
        try probe.flush()
        return probe.release(before: 64 << 10)
    }

    @Test func releasingReaderReturnsEveryByteAndFreesWhatItHasRead() throws {
        let folder = try TemporaryFolder()
        let (spill, written) = try Self.writtenSpill(in: folder)
        let stored = spill.storedBytes
        var reader = try SpillReader(spill, releasing: true)
        var read: [UInt8] = []
        var rng = SplitMix64(seed: 3)
        while read.count < written.count {
            let n = min(rng.int(in: 1...70_000), written.count - read.count)
            read += try reader.next(n)
        }
        #expect(read == written)
        if try Self.canPunchHoles(in: folder) {
            // Everything read into the reader's buffer has been given back.
            #expect(spill.storedBytes <= stored - (2 << 20))
        }
    }

    @Test func releaseGivesBackOnlyWholePagesAlreadyOnDisk() throws {
        let folder = try TemporaryFolder()
        let spill = try SpillFile(directory: folder.path, bufferSize: 64 << 10)
        try spill.append(Array(repeating: 7, count: 10_000))
        #expect(!spill.release(before: 10_000))  // still in the buffer: nothing on disk
        try spill.flush()
        #expect(!spill.release(before: 4095))     // less than a page
        var all: [UInt8] = []
        try spill.forEachBlock { all += $0 }
        #expect(all == Array(repeating: 7, count: 10_000))
    }

    @Test(arguments: [false, true])
    func caseRowsComeBackFramedInOrderWhateverTheirSizeAndPath(releasing: Bool) throws {
        let folder = try TemporaryFolder()
        let rows = try CaseRows(directory: folder.path)
        var rng = SplitMix64(seed: 21)
        var written: [(Int64, [UInt8])] = []
        for i in 0..<3000 {
            // Mostly short rows formatted in place; some through the general path, a few
            // longer than the file's buffer (a huge id), and some empty.
            let size = i % 997 == 5 ? rng.int(in: 300_000...600_000) : rng.int(in: 0...200)
            let row = (0..<size).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let ordinal = Int64(i) * 7 + 3
            if i % 3 == 0 || size > 1000 {
                try rows.append(row, ordinal: ordinal)
            } else {
                let done = try FramedRecord.append(ordinal: ordinal, maximum: row.count + 10, to: rows.file) {
                    (w: inout RecordWriter) in w.bytes(row.span)
                }
                #expect(done)
            }
            written.append((ordinal, row))
        }
        // Never fits: nothing written.
        #expect(try !FramedRecord.append(ordinal: 1, maximum: CaseRows.writeSize, to: rows.file) { (_: inout RecordWriter) in })
        var read: [(Int64, [UInt8])] = []
        try rows.forEachRecord(releasing: releasing) { ordinal, record in read.append((ordinal, record.rest())) }
        #expect(read.map(\.0) == written.map(\.0))
        #expect(read.map(\.1) == written.map(\.1))
    }

    @Test func recordWriterWritesEveryWholeNumberAsDecimalText() throws {
        // The ends, each power of ten and its neighbours (where the length changes), and a spread.
        var values: [Int] = [0, Int.max, Int.min, Int.min + 1]
        var p = 1
        while true {
            values += [p - 1, p, p + 1, -p, -(p - 1), -(p + 1)]
            if p > Int.max / 10 { break }
            p *= 10
        }
        var rng = SplitMix64(seed: 18)
        for _ in 0..<2000 { values.append(Int(truncatingIfNeeded: rng.next()) >> rng.int(in: 0...62)) }
        let folder = try TemporaryFolder()
        let rows = try CaseRows(directory: folder.path)
        for (i, v) in values.enumerated() {
            #expect(try FramedRecord.append(ordinal: Int64(i), maximum: 21, to: rows.file) { (w: inout RecordWriter) in w.int(v) })
        }
        var read: [String] = []
        try rows.forEachRecord { _, record in read.append(String(decoding: record.rest(), as: UTF8.self)) }
        #expect(read.count == values.count)
        for (text, v) in zip(read, values) where text != String(v) {
            Issue.record("\(v) written as \(text)")
        }
        // The length cases.csv counts for a number before writing it (`CaseRowCoding`).
        for v in values where RecordWriter.decimalLength(v) != String(v).utf8.count {
            Issue.record("\(v): decimalLength \(RecordWriter.decimalLength(v))")
        }
    }

    @Test func zigzagNumbersAndDaysComeBackAsWritten() throws {
        var values: [Int] = [0, 1, -1, 63, -64, 64, -65, 127, 128, 8191, -8192, Int.max, Int.min]
        var rng = SplitMix64(seed: 19)
        for _ in 0..<2000 { values.append(Int(truncatingIfNeeded: rng.next()) >> rng.int(in: 0...63)) }
        let folder = try TemporaryFolder()
        let rows = try CaseRows(directory: folder.path)
        for (i, v) in values.enumerated() {
            #expect(try FramedRecord.append(ordinal: Int64(i), maximum: 14, to: rows.file) { (w: inout RecordWriter) in
                w.zigzag(v)
                w.int32(Int32(truncatingIfNeeded: v))
            })
        }
        var read: [Int] = []
        try rows.forEachRecord { _, r in
            let v = r.zigzag()
            #expect(r.take(Int32.self) == Int32(truncatingIfNeeded: v))
            #expect(r.remaining == 0)
            read.append(v)
        }
        #expect(read == values)
        // One byte for a small number of either sign.
        #expect(try FramedRecord.append(ordinal: 0, maximum: 1, to: rows.file) { (w: inout RecordWriter) in w.zigzag(-64) })
    }

    @Test func missingTemporaryFolderIsAStorageErrorNamingIt() throws {
        let folder = try TemporaryFolder()
        let missing = folder.path + "/not-there"
        do {
            _ = try SpillFile(directory: missing)
            Issue.record("expected an error")
        } catch let error as StorageError {
            #expect(error.description.contains(missing))
            #expect(error.description.contains("No such file or directory"))
        }
        // A sorter only needs the folder once it spills, and then says the same.
        var sorter = ExternalSorter(directory: missing, memoryBudget: 64)
        #expect(throws: StorageError.cannotCreate(directory: missing, reason: "No such file or directory")) {
            for i in 0..<10 { try sorter.add(key: [UInt8(i)], payload: Array(repeating: 0, count: 32)) }
        }
    }

    // MARK: - ExternalSorter

    /// Budget (4 KiB: many runs; 8 MiB: all in memory) and the length of a prefix most keys share.
    @Test(arguments: [(4 << 10, 0), (8 << 20, 0), (4 << 10, 70), (8 << 20, 70)])
    func randomRecordsComeOutLikeAStableInMemorySort(memoryBudget: Int, sharedPrefix: Int) throws {
        let folder = try TemporaryFolder()
        var rng = SplitMix64(seed: 42)
        var sorter = ExternalSorter(directory: folder.path, memoryBudget: memoryBudget)
        var records: [(key: [UInt8], payload: [UInt8])] = []
        for n in 0..<20_000 {
            // Short tails over a few byte values (including ones above 0x7F) give many equal
            // keys and many keys that are prefixes of others.
            let key = Array(repeating: 0x41, count: max(0, sharedPrefix - rng.below(3)))
                + (0..<rng.int(in: 0...12)).map { _ in [0x00, 0x41, 0x42, 0x7F, 0x80, 0xFF][rng.below(6)] as UInt8 }
            let payload = withUnsafeBytes(of: Int64(n)) { Array($0) } + (0..<rng.below(40)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            records.append((key, payload))
            try sorter.add(key: key, payload: payload)
        }
        #expect(sorter.count == records.count)
        #expect(memoryBudget > 1 << 20 ? sorter.spilledRuns == 0 : sorter.spilledRuns > 50)
        #expect(Self.same(try Self.sorted(sorter), Self.reference(records)))
    }

    @Test(arguments: [64, 8 << 20])
    func keysThatArePrefixesOfOthersSortFirstAndBytesAreUnsigned(memoryBudget: Int) throws {
        let folder = try TemporaryFolder()
        var sorter = ExternalSorter(directory: folder.path, memoryBudget: memoryBudget)
        let keys: [[UInt8]] = [[0x61, 0x62, 0x63], [0x62], [0x61, 0x62, 0x00], [], [0xFF], [0x61],
                               [0x7F], [0x61, 0x62], Array(repeating: 0x61, count: 9), Array(repeating: 0x61, count: 8)]
        for key in keys { try sorter.add(key: key, payload: []) }
        let expected: [[UInt8]] = [[], [0x61], Array(repeating: 0x61, count: 8), Array(repeating: 0x61, count: 9),
                                   [0x61, 0x62], [0x61, 0x62, 0x00], [0x61, 0x62, 0x63], [0x62], [0x7F], [0xFF]]
        #expect(try Self.sorted(sorter).map(\.key) == expected)
    }

    @Test(arguments: [64, 8 << 20])
    func equalKeysKeepTheOrderTheyWereAddedIn(memoryBudget: Int) throws {
        let folder = try TemporaryFolder()
        var sorter = ExternalSorter(directory: folder.path, memoryBudget: memoryBudget)
        for n in 0..<3000 { try sorter.add(key: Self.bytes(["CASE-2", "CASE-1", "CASE-3"][n % 3]), payload: Self.bytes(String(n))) }
        let out = try Self.sorted(sorter)
        #expect(out.map { String(decoding: $0.key, as: UTF8.self) } == Array(repeating: "CASE-1", count: 1000)
            + Array(repeating: "CASE-2", count: 1000) + Array(repeating: "CASE-3", count: 1000))
        let payloads = out.map { Int(String(decoding: $0.payload, as: UTF8.self)) ?? -1 }
        #expect(payloads == (0..<1000).map { $0 * 3 + 1 } + (0..<1000).map { $0 * 3 } + (0..<1000).map { $0 * 3 + 2 })
    }

    @Test func emptySorterVisitsNothingAndNeedsNoFolder() throws {
        let sorter = ExternalSorter(directory: "/nonexistent-folder", memoryBudget: 64)
        #expect(sorter.count == 0)
        #expect(try Self.sorted(sorter).isEmpty)
    }

    /// Budgets for (self, other): both in memory, one or both spilled.
    @Test(arguments: [(8 << 20, 8 << 20), (128, 8 << 20), (8 << 20, 128), (128, 128)])
    func absorbedRecordsComeAfterOwnRecordsForEqualKeys(budgets: (Int, Int)) throws {
        let folder = try TemporaryFolder()
        var mine = ExternalSorter(directory: folder.path, memoryBudget: budgets.0)
        var theirs = ExternalSorter(directory: folder.path, memoryBudget: budgets.1)
        var records: [(key: [UInt8], payload: [UInt8])] = []
        for n in 0..<200 { records.append((Self.bytes("K\(n % 7)"), Self.bytes("mine \(n)"))) }
        for n in 0..<300 { records.append((Self.bytes("K\(n % 5)"), Self.bytes("theirs \(n)"))) }
        for r in records[..<200] { try mine.add(key: r.key, payload: r.payload) }
        for r in records[200...] { try theirs.add(key: r.key, payload: r.payload) }
        // Records added after the absorb count as later again.
        try mine.absorb(theirs)
        for n in 0..<50 {
            records.append((Self.bytes("K\(n % 3)"), Self.bytes("after \(n)")))
            try mine.add(key: Self.bytes("K\(n % 3)"), payload: Self.bytes("after \(n)"))
        }
        #expect(mine.count == 550)
        #expect(Self.same(try Self.sorted(mine), Self.reference(records)))
    }

    // MARK: - DuplicateFinder

    static func caseRecords(count: Int, distinctKeys: Int, seed: UInt64) -> [(key: [UInt8], ordinal: Int64, extra: Int64)] {
        var rng = SplitMix64(seed: seed)
        var records = (0..<count).map { n in
            (key: bytes("LA-\(rng.below(distinctKeys))"), ordinal: Int64(n + 2), extra: Int64(n) * 97)
        }
        // Keys that differ only by a trailing NUL or by length are different keys.
        records += [(bytes("LA-1\0"), Int64(count + 10), 1), (bytes(""), Int64(count + 11), 2), (bytes(""), Int64(count + 12), 3)]
        records.shuffle(using: &rng)
        return records
    }

    @Test func duplicatesAreFoundAcrossAbsorbedFindersWhateverOrderOrdinalsArrive() throws {
        let folder = try TemporaryFolder()
        let records = Self.caseRecords(count: 5000, distinctKeys: 3000, seed: 3)
        var first = DuplicateFinder(directory: folder.path)
        var second = DuplicateFinder(directory: folder.path)
        for (i, r) in records.enumerated() {
            if i % 2 == 0 { try first.add(key: r.key, ordinal: r.ordinal, extra: r.extra) }
            else { try second.add(key: r.key, ordinal: r.ordinal, extra: r.extra) }
        }
        try second.absorb(first)  // the order of absorbing must not matter
        var asked = 0
        let found = try Self.duplicates(second, records, asked: &asked)
        let expected = Self.expectedDuplicates(records)
        #expect(expected.count > 1000)
        // Only records whose hash another shares are read back: the repeated keys, not all.
        var uses: [[UInt8]: Int] = [:]
        for r in records { uses[r.key, default: 0] += 1 }
        #expect(asked == records.filter { (uses[$0.key] ?? 0) > 1 }.count)
        #expect(found.map(\.ordinal) == expected.map(\.ordinal))
        #expect(found.map(\.extra) == expected.map(\.extra))
    }

    @Test(arguments: [64, 4 << 10, 8 << 20])
    func hashCollisionsNeverMakeDifferentKeysDuplicates(memoryBudget: Int) throws {
        let folder = try TemporaryFolder()
        let records = Self.caseRecords(count: 800, distinctKeys: 300, seed: 9)
        var finder = DuplicateFinder(directory: folder.path, memoryBudget: memoryBudget, hash: { _ in 42 })
        for r in records { try finder.add(key: r.key, ordinal: r.ordinal, extra: r.extra) }
        let found = try Self.duplicates(finder, records)
        let expected = Self.expectedDuplicates(records)
        #expect(found.map(\.ordinal) == expected.map(\.ordinal))
        #expect(found.map(\.extra) == expected.map(\.extra))
    }

    @Test func tinyMemoryBudgetFindsTheSameDuplicates() throws {
        let folder = try TemporaryFolder()
        let records = Self.caseRecords(count: 30_000, distinctKeys: 20_000, seed: 11)
        var finders = (0..<3).map { _ in DuplicateFinder(directory: folder.path, memoryBudget: 4 << 10) }
        for (i, r) in records.enumerated() { try finders[i % 3].add(key: r.key, ordinal: r.ordinal, extra: r.extra) }
        var all = finders[0]
        try all.absorb(finders[1])
        try all.absorb(finders[2])
        let found = try Self.duplicates(all, records)
        let expected = Self.expectedDuplicates(records)
        #expect(found.map(\.ordinal) == expected.map(\.ordinal))
        #expect(found.map(\.extra) == expected.map(\.extra))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func noRepeatedKeysMeansNoDuplicates() throws {
        let folder = try TemporaryFolder()
        var finder = DuplicateFinder(directory: folder.path, memoryBudget: 256)
        for n in 0..<500 { try finder.add(key: Self.bytes("CASE-\(n)"), ordinal: Int64(500 - n), extra: 0) }
        var asked = 0
        #expect(try Self.duplicates(finder, [], asked: &asked).isEmpty)
        #expect(asked == 0)  // distinct hashes: no row is read again
        #expect(try Self.duplicates(DuplicateFinder(directory: folder.path), []).isEmpty)
    }
}
