import EHCPRules
import EHCPStore

/// Where each canonical field and dimension sits in one extract's header.
public struct ColumnLayout: Sendable {
    public let kind: ExtractKind
    /// The header cells as read (byte-order mark removed).
    public let header: [String]
    /// Canonical field name → column index.
    public let fieldIndex: [String: Int]
    /// Dimension name (a profile's name, or the header text) → column index.
    public let dimensions: [(name: String, index: Int)]
    /// Problems worth a warning (a profile dimension not found in this file, though
    /// perhaps in another).
    public let warnings: [String]
    /// Dimensions the profile maps (name, header text) that this file does not have; the
    /// run stops when no file given has one (`InputError.profileDimensionMissing`).
    public let unmatchedDimensions: [(name: String, header: String, entry: String)]

    /// Matches a header against the canonical fields of `kind`, with the profile's renames.
    public init(kind: ExtractKind, header rawHeader: [String], profile: MappingProfile, file: String) throws(InputError) {
        self.kind = kind
        let header = rawHeader.enumerated().map { $0.offset == 0 ? Self.dropBOM($0.element) : $0.element }
        self.header = header
        let keys = header.map(NameMatching.key)
        let columns = profile.columns(for: kind)
        let canonical = Set(kind.fields.map(\.name))
        var fieldIndex: [String: Int] = [:]
        var used = Set<Int>()
        var missing: [String] = []
        var warnings: [String] = []

        for field in kind.fields {
            let wanted = columns[field.name] ?? field.name
            let wantedKey = NameMatching.key(wanted)  // once, not once per column
            let matches = wantedKey.isEmpty ? [] : keys.indices.filter { keys[$0] == wantedKey }
            if matches.count > 1 {
                throw .ambiguousColumns(file: file, field: field.name, headers: matches.map { header[$0] })
            }
            if let i = matches.first {
                fieldIndex[field.name] = i
                used.insert(i)
            } else if let mapped = columns[field.name], let entry = profile.entry(for: field.name, kind: kind) {
                // A mapping that cannot apply is a set-up mistake: reading the field as
                // blank would count every final plan as open.
                throw .profileHeaderMissing(file: file, profile: profile.path, entry: entry, header: mapped,
                                            found: NameMatching.closestFirst(header, to: mapped))
            } else if field.required {
                missing.append(field.name)
            }
        }
        if !missing.isEmpty {
            throw .missingColumns(file: file, kind: kind.rawValue, columns: missing, found: header)
        }

        // Profile renames of non-canonical columns become named dimensions.
        var dimensions: [(name: String, index: Int)] = []
        var unmatched: [(name: String, header: String, entry: String)] = []
        for name in columns.keys.sorted() where !canonical.contains(name) && !Self.isCanonicalElsewhere(name) {
            let target = NameMatching.key(columns[name] ?? "")
            if let i = keys.indices.first(where: { keys[$0] == target && !used.contains($0) }) {
                dimensions.append((name, i))
                used.insert(i)
            } else {
                unmatched.append((name, columns[name] ?? "", profile.entry(for: name, kind: kind) ?? "[columns] \(name)"))
                warnings.append("the profile maps \(name) to \"\(columns[name] ?? "")\", which this file does not have")
            }
        }
        for i in header.indices where !used.contains(i) {
            dimensions.append((header[i], i))
        }
        self.fieldIndex = fieldIndex
        self.dimensions = dimensions
        self.warnings = warnings
        self.unmatchedDimensions = unmatched
    }

    /// A field of another extract kind in a shared profile is not a dimension here.
    private static func isCanonicalElsewhere(_ name: String) -> Bool {
        ExtractKind.allCases.contains { $0.fields.contains { $0.name == name } }
    }

    /// Column index of the dimension whose name matches `name`, or nil.
    public func dimensionIndex(named name: String) -> Int? {
        let key = NameMatching.key(name)
        return dimensions.first { NameMatching.key($0.name) == key }?.index
    }

    /// The header text of a canonical field, for messages.
    public func columnName(_ field: String) -> String {
        fieldIndex[field].map { header[$0] } ?? field
    }

    private static func dropBOM(_ text: String) -> String {
        text.unicodeScalars.first?.value == 0xFEFF ? String(text.unicodeScalars.dropFirst()) : text
    }
}
