import EHCPRules
import EHCPStore
import EHCPIngest
import EHCPTimeliness

/// A minimal JSON value whose rendering is deterministic: object keys sorted by bytes,
/// two-space indentation, numbers as given.
public indirect enum JSONValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    /// A number already rounded for display (rates, medians).
    case number(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    /// The JSON text with a final newline.
    public func rendered() -> String {
        var out = ""
        render(into: &out, indent: 0)
        out.append("\n")
        return out
    }

    private func render(into out: inout String, indent: Int) {
        switch self {
        case .string(let s): Self.quote(s, into: &out)
        case .int(let i): out.append(String(i))
        case .number(let d):
            // Whole numbers print without a fraction; others with the shortest exact form.
            if d == d.rounded(), abs(d) < 1e15 { out.append(String(Int(d))) } else { out.append("\(d)") }
        case .bool(let b): out.append(b ? "true" : "false")
        case .null: out.append("null")
        case .array(let items):
            if items.isEmpty { out.append("[]"); return }
            out.append("[\n")
            for (i, item) in items.enumerated() {
                out.append(String(repeating: " ", count: indent + 2))
                item.render(into: &out, indent: indent + 2)
                out.append(i == items.count - 1 ? "\n" : ",\n")
            }
            out.append(String(repeating: " ", count: indent) + "]")
        case .object(let members):
            if members.isEmpty { out.append("{}"); return }
            out.append("{\n")
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (i, key) in keys.enumerated() {
                out.append(String(repeating: " ", count: indent + 2))
                Self.quote(key, into: &out)
                out.append(": ")
                members[key]?.render(into: &out, indent: indent + 2)
                out.append(i == keys.count - 1 ? "\n" : ",\n")
            }
            out.append(String(repeating: " ", count: indent) + "}")
        }
    }

    private static func quote(_ s: String, into out: inout String) {
        out.append("\"")
        // Nearly every string needs no escape: appended whole (a scalar at a time, the
        // summary's hundred thousand strings cost more than the rest of it).
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out.append(s)
            out.append("\"")
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append("\"")
    }
}
