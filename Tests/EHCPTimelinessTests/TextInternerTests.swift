import Testing
@testable import EHCPIngest
import Generator

/// The cohort columns' strings are made once per value and shared: whatever the cache
/// keeps, each cell reads as exactly the string of its own bytes.
@Suite struct TextInternerTests {
    private func read(_ interner: inout TextInterner, _ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { interner.string($0.span) }
    }

    @Test func manyValuesThatShareSlotsEachReadAsTheirOwnText() {
        // Far more values than slots, alike at the start and the end, so slots collide.
        let values = (0..<3000).map { "Caseworker \($0 % 7) \($0)" } + ["North", "South", "Central", "Early Years (0-5)"]
        var interner = TextInterner()
        var order = SplitMix64(seed: 7)
        for _ in 0..<4 {
            for v in values.shuffled(using: &order) { #expect(read(&interner, Array(v.utf8)) == v) }
        }
    }

    @Test func aRepeatedValueComesBackAsTheSameText() {
        var interner = TextInterner()
        let first = read(&interner, Array("Morgan, Jo".utf8))
        _ = read(&interner, Array("Roberts, Priya".utf8))
        #expect(read(&interner, Array("Morgan, Jo".utf8)) == first)
        #expect(read(&interner, Array("Morgan, Jó".utf8)) == "Morgan, Jó")
    }

    @Test func bytesThatAreNotUTF8AreRepairedAsEverywhereElse() {
        var interner = TextInterner()
        let bad: [UInt8] = [0x4E, 0x6F, 0x72, 0xFF, 0x74, 0x68]
        let repaired = String(decoding: bad, as: UTF8.self)
        #expect(read(&interner, bad) == repaired)
        #expect(read(&interner, bad) == repaired)  // and not mistaken for its repaired text's bytes
        #expect(read(&interner, Array(repaired.utf8)) == repaired)
    }

    @Test func emptyAndLongCellsReadAsThemselves() {
        var interner = TextInterner()
        #expect(read(&interner, []) == "")
        let long = String(repeating: "Special Educational Needs Team ", count: 4)
        #expect(read(&interner, Array(long.utf8)) == long)
        #expect(read(&interner, Array(long.utf8)) == long)
    }
}
