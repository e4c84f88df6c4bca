import EHCPRules
import EHCPStore
import TOMLKit

/// How one system's export maps onto the canonical extracts, written once by a
/// performance team and reused every month (extract-format.md, "Mapping profiles").
///
/// ```toml
/// [columns]                 # canonical or dimension name = "header in the file"
/// case_id = "Involvement ID"
/// team = "Locality"
/// [dates]
/// formats = ["dd/MM/yyyy", "dd-MMM-yyyy"]
/// [values.assessment_decision]
/// "Agreed" = "assess"
/// [csv]
/// delimiter = ";"           # optional: ",", ";" or "tab"
/// encoding = "windows-1252" # optional: "utf-8", "windows-1252" or "auto" (default)
/// ```
public struct MappingProfile: Sendable, Equatable {
    /// Canonical (or dimension) name → header text in the file, for every extract.
    public var columns: [String: String] = [:]
    /// Per-extract overrides (`[reviews.columns]`), for systems that name one field
    /// differently in different exports.
    public var kindColumns: [ExtractKind: [String: String]] = [:]

    /// The column mapping for one kind of extract.
    public func columns(for kind: ExtractKind) -> [String: String] {
        columns.merging(kindColumns[kind] ?? [:]) { _, specific in specific }
    }
    /// Pinned date formats; nil means every format recognised without configuration.
    public var dateFormats: [String]?
    /// Canonical field → (matching key of the file's value → canonical value).
    public var values: [String: [String: String]] = [:]
    /// Delimiter pinned by the profile.
    public var delimiter: UInt8?
    /// Text encoding pinned by the profile.
    public var encoding: TextEncoding?

    /// The profile's file, for messages that name one of its entries ("profile.toml").
    public var path = "the profile"

    public init() {}

    /// Where `field` is mapped for `kind`: the kind's own table wins over `[columns]`.
    public func entry(for field: String, kind: ExtractKind) -> String? {
        if kindColumns[kind]?[field] != nil { return "[\(kind.rawValue).columns] \(field)" }
        return columns[field] != nil ? "[columns] \(field)" : nil
    }

    /// Reads a profile file; every problem is an `InputError` naming the file.
    public static func load(path: String) throws(InputError) -> MappingProfile {
        let text: String
        do { text = try FileBytes.readText(path: path) } catch {
            throw .profileUnreadable(file: path, reason: error.reason)
        }
        return try MappingProfile(toml: text, file: path)
    }

    /// Parses profile text; `file` names it in messages.
    public init(toml: String, file: String) throws(InputError) {
        path = file
        if let (line, column, reason) = Self.unsafeForTOMLKit(toml) {
            throw .profileInvalid(file: file, reason: "TOML syntax error at line \(line), column \(column): \(reason)")
        }
        let table: TOMLTable
        do { table = try TOMLTable(string: toml) } catch let error as TOMLParseError {
            throw .profileInvalid(file: file, reason: "TOML syntax error at line \(error.source.begin.line), column \(error.source.begin.column): \(error.description)")
        } catch {
            throw .profileInvalid(file: file, reason: "TOML syntax error: \(error)")
        }
        let known = ["columns", "dates", "values", "csv"] + ExtractKind.allCases.filter { $0 != .sen2 }.map(\.rawValue)
        for key in table.keys where !known.contains(key) {
            throw .profileInvalid(file: file, reason: "unknown table [\(key)]; a profile has [columns], [requests.columns], [reviews.columns], [transfers.columns], [term_dates.columns], [reassessments.columns], [orders.columns], [dates], [values.FIELD] and [csv]")
        }
        if let columns = table["columns"] {
            self.columns = try Self.columnTable(columns, name: "columns", file: file)
        }
        for kind in ExtractKind.allCases where kind != .sen2 {
            guard let section = table[kind.rawValue] else { continue }
            guard let t = section.table, t.keys.allSatisfy({ $0 == "columns" }), let columns = t["columns"] else {
                throw .profileInvalid(file: file, reason: "[\(kind.rawValue)] may only hold [\(kind.rawValue).columns]")
            }
            kindColumns[kind] = try Self.columnTable(columns, name: kind.rawValue + ".columns", file: file)
        }
        for kind in ExtractKind.allCases {
            try Self.checkNoTwoFieldsShareAHeader(self.columns(for: kind), file: file)
        }
        if let dates = table["dates"] {
            guard let t = dates.table else { throw .profileInvalid(file: file, reason: "[dates] must be a table") }
            for key in t.keys where key != "formats" {
                throw .profileInvalid(file: file, reason: "unknown key \"\(key)\" in [dates]; only formats is accepted")
            }
            if let formats = t["formats"] {
                guard let array = formats.array else {
                    throw .profileInvalid(file: file, reason: "[dates] formats must be a list such as [\"dd/MM/yyyy\"]")
                }
                var list: [String] = []
                for item in array {
                    guard let s = item.string else {
                        throw .profileInvalid(file: file, reason: "[dates] formats must hold quoted formats")
                    }
                    list.append(s)
                }
                do { _ = try DateParser(formats: list) } catch {
                    throw .profileInvalid(file: file, reason: error.description)
                }
                dateFormats = list
            }
        }
        if let values = table["values"] {
            guard let t = values.table else { throw .profileInvalid(file: file, reason: "[values.FIELD] tables map file values to canonical codes") }
            for (field, mapping) in t {
                guard let accepted = CodeLists.accepted(forField: field) else {
                    throw .profileInvalid(file: file, reason: "[values.\(field)]: \(field) has no codes to map; fields with codes are \(CodeLists.fieldsWithCodes.joined(separator: ", "))")
                }
                guard let m = mapping.table else { throw .profileInvalid(file: file, reason: "[values.\(field)] must be a table") }
                var map: [String: String] = [:]
                for (from, to) in m {
                    guard let target = to.string else {
                        throw .profileInvalid(file: file, reason: "[values.\(field)] \"\(from)\" must map to a quoted code")
                    }
                    guard accepted.contains(NameMatching.key(target)) else {
                        throw .profileInvalid(file: file, reason: "[values.\(field)] \"\(from)\" = \"\(target)\": \"\(target)\" is not a code of \(field); use one of \(CodeLists.display(forField: field))")
                    }
                    map[NameMatching.key(from)] = target
                }
                self.values[field] = map
            }
        }
        if let csv = table["csv"] {
            guard let t = csv.table else { throw .profileInvalid(file: file, reason: "[csv] must be a table") }
            for key in t.keys where key != "delimiter" && key != "encoding" {
                throw .profileInvalid(file: file, reason: "unknown key \"\(key)\" in [csv]; delimiter and encoding are accepted")
            }
            if let e = t["encoding"] {
                guard let s = e.string, let value = TextEncoding(name: s) else {
                    throw .profileInvalid(file: file, reason: "[csv] encoding must be \"utf-8\", \"windows-1252\" or \"auto\"")
                }
                encoding = value
            }
            if let d = t["delimiter"] {
                guard let s = d.string, let byte = Delimiter.parse(s) else {
                    throw .profileInvalid(file: file, reason: "[csv] delimiter must be \",\", \";\" or \"tab\"")
                }
                delimiter = byte
            }
        }
    }

    /// Text that TOMLKit 0.6.0 cannot be given safely, found before it sees it:
    /// - a NUL byte: TOMLKit passes the text as a C string, so everything after the NUL
    ///   would be dropped silently;
    /// - input on which the toml++ 3.4.0 inside TOMLKit fails an assertion and aborts the
    ///   whole tool (found by fuzz-profile): a table header whose `[` or `[[` is followed
    ///   by anything but a name or `]` (`[#x]`, `[=`, `[[[`, a `[` ending its line; fixed
    ///   upstream after 3.4.0), and a `}` where an array expects a value (`[}`, `[1, }`).
    /// Both are syntax errors anyway. The scan knows strings and comments, so text inside
    /// them is never refused; it stops at the first finding.
    package static func unsafeForTOMLKit(_ toml: String) -> (line: Int, column: Int, reason: String)? {
        let bytes = Array(toml.utf8)
        let n = bytes.count
        var line = 1, lineStart = 0
        func at(_ i: Int) -> (line: Int, column: Int) { (line, i - lineStart + 1) }
        if let nul = bytes.firstIndex(of: 0) {
            for k in 0..<nul where bytes[k] == 0x0A { line += 1; lineStart = k + 1 }
            return (at(nul).line, at(nul).column, "a NUL byte (0x00); a profile is plain text (UTF-8)")
        }
        let (newline, blank, tab, cr, hash, quote, apostrophe, backslash) =
            (UInt8(0x0A), UInt8(0x20), UInt8(0x09), UInt8(0x0D), UInt8(ascii: "#"), UInt8(ascii: "\""),
             UInt8(ascii: "'"), UInt8(ascii: "\\"))
        let (open, close, openBrace, closeBrace, comma) =
            (UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: ","))
        func isNameStart(_ c: UInt8) -> Bool {
            Scan.isLetter(c) || Scan.isDigit(c) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
                || c == quote || c == apostrophe || c == close
        }
        var depth = 0            // open arrays and inline tables
        var atLineStart = true   // only blanks so far on this line, outside any array or table
        var last: UInt8 = 0      // the last byte that counts, outside strings and comments
        var i = 0
        while i < n {
            let c = bytes[i]
            switch c {
            case newline:
                line += 1
                lineStart = i + 1
                atLineStart = depth == 0
                i += 1
            case blank, tab, cr:
                i += 1
            case hash:
                while i < n, bytes[i] != newline { i += 1 }
            case quote, apostrophe:
                if i + 2 < n, bytes[i + 1] == c, bytes[i + 2] == c {
                    // Multi-line: it ends at a run of three or more quotes (up to two more
                    // belong to the text).
                    i += 3
                    while i < n {
                        if c == quote, bytes[i] == backslash { i += 2; continue }
                        if bytes[i] == newline { line += 1; lineStart = i + 1 }
                        guard bytes[i] == c else { i += 1; continue }
                        var run = 0
                        while i < n, bytes[i] == c { run += 1; i += 1 }
                        if run >= 3 { break }
                    }
                } else {
                    // One line: it ends at its quote (a line end is toml++'s error to report).
                    i += 1
                    while i < n, bytes[i] != c, bytes[i] != newline {
                        i += c == quote && bytes[i] == backslash ? 2 : 1
                    }
                    if i < n, bytes[i] == c { i += 1 }
                }
                last = c
                atLineStart = false
            case open where atLineStart:
                // A table header: `[` or `[[` (no blank between), blanks, then a name or `]`.
                var j = i + 1
                func skipBlanks() { while j < n, bytes[j] == blank || bytes[j] == tab { j += 1 } }
                skipBlanks()
                var spaced = false  // "[ [": toml++ reports that itself
                if j < n, bytes[j] == open {
                    if j > i + 1 { spaced = true } else { j += 1; skipBlanks() }
                }
                if !spaced, j >= n || !isNameStart(bytes[j]) {
                    let (l, col) = at(j)
                    return (l, col, "a table header needs a name after \"[\", such as [columns] or [values.plan_decision]")
                }
                i = j
                last = 0
                atLineStart = false
            case open, openBrace:
                depth += 1
                last = c
                atLineStart = false
                i += 1
            case close, closeBrace:
                if c == closeBrace, last == open || last == comma {
                    let (l, col) = at(i)
                    return (l, col, "\"}\" where the list expects a value or \"]\"")
                }
                depth = max(0, depth - 1)
                last = c
                atLineStart = false
                i += 1
            default:
                last = c
                atLineStart = false
                i += 1
            }
        }
        return nil
    }

    private static func columnTable(_ value: TOMLValueConvertible, name: String, file: String) throws(InputError) -> [String: String] {
        guard let t = value.table else { throw .profileInvalid(file: file, reason: "[\(name)] must be a table of name = \"header\"") }
        var out: [String: String] = [:]
        for (field, header) in t {
            guard let h = header.string else {
                throw .profileInvalid(file: file, reason: "[\(name)] \(field) must be a quoted header name")
            }
            out[field] = h
        }
        return out
    }

    /// Two names mapped to one header would read one column twice, silently.
    private static func checkNoTwoFieldsShareAHeader(_ columns: [String: String], file: String) throws(InputError) {
        var seen: [String: String] = [:]
        for name in columns.keys.sorted() {
            let key = NameMatching.key(columns[name] ?? "")
            if let other = seen[key] {
                throw .profileInvalid(file: file, reason: "[columns] maps both \(other) and \(name) to the header \"\(columns[name] ?? "")\"; each header can feed one field")
            }
            seen[key] = name
        }
    }
}

/// The delimiters an extract may use.
public enum Delimiter {
    /// `,` `;` or `tab` (also a literal tab character).
    public static func parse(_ text: String) -> UInt8? {
        switch text.lowercased() {
        case ",", "comma": return UInt8(ascii: ",")
        case ";", "semicolon": return UInt8(ascii: ";")
        case "\t", "tab", "\\t": return 9
        default: return nil
        }
    }
}
