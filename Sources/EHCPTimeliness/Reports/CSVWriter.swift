/// Builds RFC 4180 CSV text the way outputs.md fixes it: comma-separated, `\n` line
/// ends, fields quoted only when needed, and text that a spreadsheet would run as a
/// formula prefixed with `'`.
public struct CSVWriter: Sendable {
    public private(set) var text: String = ""

    public init(header: [String]) {
        appendRow(header)
    }

    /// Appends one row; every cell is neutralised and quoted as needed.
    public mutating func appendRow(_ cells: [String]) {
        var first = true
        for cell in cells {
            if !first { text.append(",") }
            first = false
            text.append(CSVWriter.escape(cell))
        }
        text.append("\n")
    }

    /// One cell as it must appear in the file.
    public static func escape(_ cell: String) -> String {
        let safe = neutralise(cell)
        var needsQuotes = false
        for u in safe.utf8 where u == UInt8(ascii: ",") || u == UInt8(ascii: "\"") || u == 10 || u == 13 {
            needsQuotes = true
            break
        }
        guard needsQuotes else { return safe }
        return "\"" + safe.replacingAll("\"", with: "\"\"") + "\""
    }

    /// Prefixes `'` to text that starts like a formula (`=`, `+`, `-`, `@`, tab, CR),
    /// leaving numbers such as `-12` or `-3.5` alone.
    public static func neutralise(_ cell: String) -> String {
        guard let first = cell.utf8.first else { return cell }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "@"), 9, 13:
            return "'" + cell
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            return isPlainNumber(cell) ? cell : "'" + cell
        default:
            return cell
        }
    }

    /// A sign followed by digits with at most one decimal point.
    static func isPlainNumber(_ cell: String) -> Bool {
        var sawDigit = false, sawPoint = false
        for (i, u) in cell.utf8.enumerated() {
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
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
