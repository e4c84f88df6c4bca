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

    public init() {}

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
        if let (line, column, reason) = Self.unsafeForTOMLKit(toml) {
            throw .profileInvalid(file: file, reason: "TOML syntax error at line \(line), column \(column): \(reason)")
        }
        let table: TOMLTable
        do { table = try TOMLTable(string: toml) } catch let error as TOMLParseError {
            throw .profileInvalid(file: file, reason: "TOML syntax error at line \(error.source.begin.line), column \(error.source.begin.column): \(error.description)")
        } catch {
            throw .profileInvalid(file: file, reason: "TOML syntax error: \(error)")
        }
        let known = ["columns", "dates", "values", "csv"] + ExtractKind.allCases.map(\.rawValue)
        for key in table.keys where !known.contains(key) {
            throw .profileInvalid(file: file, reason: "unknown table [\(key)]; a profile has [columns], [requests.columns], [reviews.columns], [transfers.columns], [dates], [values.FIELD] and [csv]")
        }
        if let columns = table["columns"] {
            self.columns = try Self.columnTable(columns, name: "columns", file: file)
        }
        for kind in ExtractKind.allCases {
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
    /// - a table header whose `[` or `[[` is followed by anything but a name or `]`
    ///   (`[#x]`, `[=`, `[[[`, a `[` ending its line): the toml++ 3.4.0 inside TOMLKit
    ///   asserts and aborts the whole tool (found by fuzz-profile; fixed upstream in
    ///   toml++ after 3.4.0). Such a header is a syntax error anyway.
    /// Lines are checked as if each were outside any string or array, so a line inside a
    /// multi-line value that starts like a bad header is refused too; no profile needs one.
    static func unsafeForTOMLKit(_ toml: String) -> (line: Int, column: Int, reason: String)? {
        for (index, text) in toml.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let bytes = Array(text)
            if let nul = bytes.firstIndex(of: 0) {
                return (index + 1, nul + 1, "a NUL byte (0x00); a profile is plain text (UTF-8)")
            }
            func skipBlanks(_ i: inout Int) { while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 } }
            var i = 0
            skipBlanks(&i)
            guard i < bytes.count, bytes[i] == UInt8(ascii: "[") else { continue }
            i += 1
            let afterBracket = i
            skipBlanks(&i)
            if i < bytes.count, bytes[i] == UInt8(ascii: "[") {
                guard i == afterBracket else { continue }  // "[ [": toml++ reports that itself
                i += 1
                skipBlanks(&i)
            }
            let isNameStart = i < bytes.count && (Scan.isLetter(bytes[i]) || Scan.isDigit(bytes[i])
                || [UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "]")].contains(bytes[i]))
            if !isNameStart {
                return (index + 1, i + 1, "a table header needs a name after \"[\", such as [columns] or [values.plan_decision]")
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
