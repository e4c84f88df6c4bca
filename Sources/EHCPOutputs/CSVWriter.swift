import EHCPRules
import EHCPStore
import EHCPIngest
import EHCPTimeliness

/// Builds RFC 4180 CSV text the way outputs.md fixes it: comma-separated, `\n` line
/// ends, fields quoted only when needed, and text that a spreadsheet would run as a
/// formula prefixed with `'`.
public struct CSVWriter: Sendable {
    /// The CSV so far, as UTF-8 bytes (writers of large files drain it as they go).
    public var bytes: [UInt8] = []
    private var atRowStart = true

    public init(header: [String]) {
        bytes.reserveCapacity(1 << 16)
        appendRow(header)
    }

    /// A writer without a header row, for rows formatted one at a time.
    public init() {}

    /// Hands the rows so far to `emit` once they reach `limit` bytes and starts again
    /// empty: how a file of millions of rows is written in pieces, never whole in memory.
    package mutating func emitIfFull(_ emit: ([UInt8]) throws -> Void, limit: Int = 1 << 20) rethrows {
        guard bytes.count >= limit else { return }
        try emit(bytes)
        bytes.removeAll(keepingCapacity: true)
    }

    /// Appends cells already escaped and joined with commas (a cached piece of a row).
    package mutating func appendEscaped(_ cells: ArraySlice<UInt8>) {
        separate()
        bytes.append(contentsOf: cells)
    }

    /// The CSV so far as text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Appends one row; every cell is neutralised and quoted as needed.
    public mutating func appendRow(_ cells: [String]) {
        for cell in cells { append(cell) }
        endRow()
    }

    /// Appends one text cell, neutralised and quoted as needed.
    public mutating func append(_ cell: String) {
        separate()
        Bytes.withUTF8(cell) { appendCell($0) }
    }

    /// Appends one text cell given as UTF-8 bytes, neutralised and quoted as needed.
    package mutating func append(cell utf8: Span<UInt8>) {
        separate()
        appendCell(utf8)
    }

    /// Appends one cell given as UTF-8, neutralised and quoted as needed.
    /// The bytes go in as runs, one copy each: an `append` a byte (a capacity and
    /// uniqueness check each) was most of the cost of writing data-quality.csv's long
    /// messages and the action list's names.
    package mutating func appendCell(_ utf8: Span<UInt8>) {
        if Self.isPlainCell(utf8) {
            Bytes.append(utf8, to: &bytes)
            return
        }
        var needsQuotes = false
        for i in utf8.indices {
            let u = utf8[i]
            if u == UInt8(ascii: ",") || u == UInt8(ascii: "\"") || u == 10 || u == 13 { needsQuotes = true; break }
        }
        if needsQuotes { bytes.append(UInt8(ascii: "\"")) }
        if Self.startsLikeFormula(utf8) { bytes.append(UInt8(ascii: "'")) }
        // Each quote doubled: the run up to and including it, then the quote again.
        var run = 0
        for i in utf8.indices where utf8[i] == UInt8(ascii: "\"") {
            Bytes.append(utf8.extracting(run ..< i + 1), to: &bytes)
            bytes.append(UInt8(ascii: "\""))
            run = i + 1
        }
        Bytes.append(utf8.extracting(run ..< utf8.count), to: &bytes)
        if needsQuotes { bytes.append(UInt8(ascii: "\"")) }
    }

    /// Appends the label of the period of `unit` that contains `day`.
    package mutating func append(periodOf day: Day, in unit: PeriodUnit) {
        separate()
        unit.appendLabel(for: day, to: &bytes)
    }

    /// True when the text goes into a cell as it is: no formula-like start, nothing to quote.
    @inline(__always)
    package static func isPlainCell(_ utf8: Span<UInt8>) -> Bool {
        if !utf8.isEmpty {
            let first = utf8[0]
            if first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-")
                || first == UInt8(ascii: "@") || first == 9 || first == 13 {
                return false
            }
        }
        for i in utf8.indices {
            let u = utf8[i]
            if u == UInt8(ascii: ",") || u == UInt8(ascii: "\"") || u == 10 || u == 13 { return false }
        }
        return true
    }

    /// Appends a whole number (never neutralised: `-12` stays a number).
    public mutating func append(_ value: Int) {
        separate()
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        var divisor: UInt = 1
        while magnitude / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude / divisor % 10))
            divisor /= 10
        }
    }

    /// Appends an ISO date, or an empty cell for nil.
    public mutating func append(_ day: Day?) {
        separate()
        guard let day else { return }
        day.appendISO(to: &bytes)
    }

    /// Appends an empty cell.
    public mutating func appendEmpty() { separate() }

    /// Ends the current row.
    public mutating func endRow() {
        bytes.append(10)
        atRowStart = true
    }

    private mutating func separate() {
        if atRowStart { atRowStart = false } else { bytes.append(UInt8(ascii: ",")) }
    }

    /// One cell as it must appear in the file.
    public static func escape(_ cell: String) -> String {
        var w = CSVWriter()
        w.append(cell)
        return w.text
    }

    /// Prefixes `'` to text that starts like a formula (`=`, `+`, `-`, `@`, tab, CR),
    /// leaving numbers such as `-12` or `-3.5` alone.
    public static func neutralise(_ cell: String) -> String {
        Bytes.withUTF8(cell) { startsLikeFormula($0) } ? "'" + cell : cell
    }

    /// True when a spreadsheet would run the text as a formula: it starts with `=`, `@`,
    /// tab or CR, or with a sign that does not begin a plain number.
    package static func startsLikeFormula(_ utf8: Span<UInt8>) -> Bool {
        guard !utf8.isEmpty else { return false }
        let first = utf8[0]
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "@"), 9, 13:
            return true
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            return !isPlainNumber(utf8)
        default:
            return false
        }
    }

    /// A sign followed by digits with at most one decimal point.
    package static func isPlainNumber(_ utf8: Span<UInt8>) -> Bool {
        var sawDigit = false, sawPoint = false
        for i in utf8.indices {
            let u = utf8[i]
            if i == 0, u == UInt8(ascii: "-") || u == UInt8(ascii: "+") { continue }
            if u >= UInt8(ascii: "0"), u <= UInt8(ascii: "9") { sawDigit = true; continue }
            if u == UInt8(ascii: "."), !sawPoint { sawPoint = true; continue }
            return false
        }
        return sawDigit
    }
}

extension String {
    /// Replaces every occurrence of `target` (no Foundation needed).
    package func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
