import EHCPRules
import EHCPStore

/// How the `--by` columns are found in one extract.
public struct CohortColumns: Sendable {
    package enum Source: Sendable { case column(Int), ageBand, absent, identifier(Int, field: String) }
    package let sources: [Source]
    package let dateOfBirth: Int?
    package let team: Int?
    package let caseworker: Int?

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

    package var needsDateOfBirth: Bool { sources.contains { if case .ageBand = $0 { return true } else { return false } } }
}

extension RowReader {
    /// Reads the row's cohort; an unreadable date of birth is a warning (age band unknown).
    /// The cohort of a rejected row, read again (its warnings dropped: the row has its own).
    package func rejectedRowCohort(_ columns: CohortColumns) -> Cohort {
        var copy = self
        return copy.cohort(columns)
    }

    package mutating func cohort(_ columns: CohortColumns) -> Cohort {
        var cohort = Cohort(values: [], ageBandSlots: [])
        self.cohort(columns, into: &cohort)
        return cohort
    }

    /// The same into `cohort`, whose arrays keep their storage from row to row.
    package mutating func cohort(_ columns: CohortColumns, into cohort: inout Cohort) {
        // The values are written over the last row's in place: emptying and refilling the
        // arrays cost more than reading the cells.
        let sources = columns.sources
        if cohort.values.count != sources.count {
            cohort.values = Array(repeating: Cohort.unknown, count: sources.count)
        }
        if !cohort.ageBandSlots.isEmpty { cohort.ageBandSlots.removeAll(keepingCapacity: true) }
        // `team` and `caseworker` as read for `--by`, so as not to read them twice.
        var team: String?, caseworker: String?
        for n in sources.indices {
            switch sources[n] {
            case .column(let i):
                let v = repeatedText(column: i)
                if i == columns.team { team = v } else if i == columns.caseworker { caseworker = v }
                cohort.values[n] = v.isEmpty ? Cohort.unknown : v
            case .identifier(let i, let field):
                let v = text(column: i)
                cohort.values[n] = v.isEmpty ? Cohort.unknown : context.pseudonymiser?.pseudonym(v, field: field) ?? v
            case .ageBand:
                cohort.values[n] = Cohort.unknown
                cohort.ageBandSlots.append(n)
            case .absent:
                cohort.values[n] = Cohort.unknown
            }
        }
        var dob: Day?
        if columns.needsDateOfBirth, let i = columns.dateOfBirth {
            let dates = context.dates
            let read: (result: Result<Day, DateParseError>, text: String)? = Self.withTrimmed(row, column: i) { bytes in
                if bytes.isEmpty { return nil }
                let result = dates.parse(bytes)
                if case .success = result { return (result, "") }
                return (result, Bytes.string(bytes))
            }
            switch read?.result {
            case .success(let d): dob = d
            case .failure(let f):
                warning(column: context.layout.header[i], value: read?.text ?? "", f.description + "; the age band is unknown")
            case nil: break
            }
        }
        if team == nil, let i = columns.team { team = repeatedText(column: i) }
        if caseworker == nil, let i = columns.caseworker { caseworker = repeatedText(column: i) }
        cohort.dateOfBirth = dob; cohort.team = team; cohort.caseworker = caseworker
    }
}

