import EHCPRules
import EHCPStore
import EHCPIngest

/// Positions by 64-bit key, for the summary's cells: open addressing with linear
/// probing and a multiplicative hash. Every case looks up its cell, and the standard
/// dictionary's seeded SipHash cost more than the counting itself.
package struct CellIndex: Sendable, Equatable {
    private var keys: [UInt64] = Array(repeating: 0, count: 16)
    /// 1 + the position, 0 for an empty slot.
    private var slots: [Int32] = Array(repeating: 0, count: 16)
    package private(set) var count = 0

    package subscript(key: UInt64) -> Int? {
        var s = Self.slot(key, mask: slots.count - 1)
        while slots[s] != 0 {
            if keys[s] == key { return Int(slots[s]) - 1 }
            s = (s + 1) & (slots.count - 1)
        }
        return nil
    }

    /// Records `position` for a key not yet present.
    package mutating func insert(_ key: UInt64, position: Int) {
        if 2 * (count + 1) > slots.count { grow() }
        var s = Self.slot(key, mask: slots.count - 1)
        while slots[s] != 0 { s = (s + 1) & (slots.count - 1) }
        keys[s] = key
        slots[s] = Int32(position + 1)
        count += 1
    }

    private mutating func grow() {
        let old = (keys, slots)
        keys = Array(repeating: 0, count: old.1.count * 2)
        slots = Array(repeating: 0, count: old.1.count * 2)
        count = 0
        for (k, s) in zip(old.0, old.1) where s != 0 { insert(k, position: Int(s) - 1) }
    }

    private static func slot(_ key: UInt64, mask: Int) -> Int {
        // Fibonacci hashing: the high bits of the product depend on every bit of the key.
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    package static func == (a: CellIndex, b: CellIndex) -> Bool {
        a.count == b.count && zip(a.keys, a.slots).allSatisfy { k, s in s == 0 || b[k] == Int(s) - 1 }
    }
}
