import EHCPStore

/// The strings of cells that repeat from row to row (a team, a caseworker, any `--by`
/// column), each made once and then shared: a String made for every cell of a million
/// rows was a tenth of the row's reading, and a long one allocated.
///
/// A direct-mapped cache: a slot is chosen from the cell's length and a few of its bytes
/// and holds the last cell seen there, its bytes and its string. A string is only reused
/// when the bytes are equal, so a collision costs a new string, never a wrong one.
package struct TextInterner {
    private static let slotCount = 256
    /// Longer cells are rarely repeated values: not worth keeping.
    private static let longest = 48
    package init() {}
    private var strings = [String](repeating: "", count: slotCount)
    /// Each slot's bytes, `longest` apart, and how many there are (0: an empty slot).
    private var keys = [UInt8](repeating: 0, count: slotCount * longest)
    private var lengths = [Int](repeating: 0, count: slotCount)

    /// The string of `bytes` (already trimmed), shared with earlier equal cells.
    package mutating func string(_ bytes: Span<UInt8>) -> String {
        let n = bytes.count
        if n == 0 { return "" }
        guard n <= Self.longest else { return Bytes.string(bytes) }
        // Values of one column differ at the start ("North", "South") or the end
        // ("Caseworker 07", "Caseworker 15"): those bytes and the length choose the slot.
        var h = UInt(n) &* 0x9E37_79B9
        h = (h ^ UInt(bytes[0])) &* 31
        h = (h ^ UInt(bytes[n - 1])) &* 31
        h = (h ^ UInt(bytes[(n - 1) / 2])) &* 31
        h = (h ^ UInt(bytes[max(0, n - 2)])) &* 31
        let slot = Int(h % UInt(Self.slotCount))
        let start = slot * Self.longest
        if lengths[slot] == n, Bytes.equal(bytes, keys.span.extracting(start ..< start + n)) { return strings[slot] }
        let made = Bytes.string(bytes)
        Bytes.copy(bytes, into: &keys, at: start)
        lengths[slot] = n
        strings[slot] = made
        return made
    }
}
