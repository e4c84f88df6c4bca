/// How the `--by` columns are found in one extract.
public struct CohortColumns: Sendable {
    enum Source: Sendable { case column(Int), ageBand, absent, identifier(Int, field: String) }
    let sources: [Source]
    let dateOfBirth: Int?
    let team: Int?
    let caseworker: Int?

    /// The derived dimension `age_band` (outputs.md).
    public static let ageBand = "age_band"

    /// Resolves `by` against the layout; a name the file lacks reads as `unknown`.
    public init(by: [String], layout: ColumnLayout) {
        dateOfBirth = layout.dimensionIndex(named: "date_of_birth")
        team = layout.dimensionIndex(named: "team")
        caseworker = layout.dimensionIndex(named: "caseworker")
        sources = by.map { name in
            if NameMatching.key(name) == NameMatching.key(Self.ageBand) { return .ageBand }
            for field in Pseudonymiser.fields where NameMatching.key(name) == NameMatching.key(field) {
                if let i = layout.fieldIndex[field] ?? layout.dimensionIndex(named: field) { return .identifier(i, field: field) }
            }
            if let i = layout.dimensionIndex(named: name) { return .column(i) }
            // Any canonical column too (`--by assessment_decision`).
            if let field = layout.fieldIndex.keys.first(where: { NameMatching.key($0) == NameMatching.key(name) }),
               let i = layout.fieldIndex[field] {
                return .column(i)
            }
            return .absent
        }
    }

    var needsDateOfBirth: Bool { sources.contains { if case .ageBand = $0 { return true } else { return false } } }
}

/// One row's cohort: its `--by` values, with the age band filled in per measure.
public struct Cohort: Sendable, Equatable {
    /// The label of an unknown or blank value.
    public static let unknown = "unknown"

    var values: [String]
    var ageBandSlots: [Int]
    var dateOfBirth: Day?
    public var team: String?
    public var caseworker: String?

    /// The `--by` values when the measure's age reference date is `on`.
    public func values(on day: Day?) -> [String] {
        guard !ageBandSlots.isEmpty else { return values }
        var v = values
        let band = AgeBand.label(dateOfBirth: dateOfBirth, on: day)
        for slot in ageBandSlots { v[slot] = band }
        return v
    }
}

extension RowReader {
    /// Reads the row's cohort; an unreadable date of birth is a warning (age band unknown).
    mutating func cohort(_ columns: CohortColumns) -> Cohort {
        var values: [String] = []
        var slots: [Int] = []
        // `team` and `caseworker` as read for `--by`, so as not to read them twice.
        var team: String?, caseworker: String?
        for (n, source) in columns.sources.enumerated() {
            switch source {
            case .column(let i):
                let v = text(column: i)
                if i == columns.team { team = v } else if i == columns.caseworker { caseworker = v }
                values.append(v.isEmpty ? Cohort.unknown : v)
            case .identifier(let i, let field):
                let v = text(column: i)
                values.append(v.isEmpty ? Cohort.unknown : context.pseudonymiser?.pseudonym(v, field: field) ?? v)
            case .ageBand:
                values.append(Cohort.unknown)
                slots.append(n)
            case .absent:
                values.append(Cohort.unknown)
            }
        }
        var dob: Day?
        if columns.needsDateOfBirth, let i = columns.dateOfBirth {
            let bytes = Self.trim(row.field(i))
            if !bytes.isEmpty {
                switch context.dates.parse(bytes) {
                case .success(let d): dob = d
                case .failure(let f):
                    warning(column: context.layout.header[i], value: String(decoding: bytes, as: UTF8.self),
                            f.description + "; the age band is unknown")
                }
            }
        }
        if team == nil { team = columns.team.map { text(column: $0) } }
        if caseworker == nil { caseworker = columns.caseworker.map { text(column: $0) } }
        return Cohort(values: values, ageBandSlots: slots, dateOfBirth: dob, team: team, caseworker: caseworker)
    }
}

/// The DfE age bands (outputs.md, "Derived dimensions").
public enum AgeBand {
    public static func label(dateOfBirth: Day?, on day: Day?) -> String {
        guard let dob = dateOfBirth, let day, day >= dob else { return Cohort.unknown }
        let (y1, m1, d1) = dob.civil
        let (y2, m2, d2) = day.civil
        let age = y2 - y1 - ((m2, d2) < (m1, d1) ? 1 : 0)
        switch age {
        case ..<5: return "under 5"
        case 5...10: return "5 to 10"
        case 11...15: return "11 to 15"
        case 16...19: return "16 to 19"
        case 20...25: return "20 to 25"
        default: return "26 and over"
        }
    }
}
