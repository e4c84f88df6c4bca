/// What every row mapper needs to know about its file.
public struct ExtractContext: Sendable {
    /// The file as the user named it.
    public let file: String
    public let layout: ColumnLayout
    public let profile: MappingProfile
    public let dates: DateParser
    public let asAt: Day
    /// Replaces case and person ids when `--pseudonymise` is given.
    public var pseudonymiser: Pseudonymiser? = nil
}

/// Reads typed values from one CSV row, collecting the problems it finds, so that a
/// mapper yields either a record or the reasons it could not (never both silently).
struct RowReader {
    let context: ExtractContext
    let row: CSVRow
    private(set) var caseID: String = ""
    var problems: [DataQualityProblem] = []

    init(context: ExtractContext, row: CSVRow) {
        self.context = context
        self.row = row
    }

    /// True when an error was recorded: the row must be rejected.
    var hasErrors: Bool { problems.contains { $0.severity == .error } }

    /// Checks the field count against the header; a short or long row is a shifted row.
    mutating func checkShape() {
        let expected = context.layout.header.count
        guard row.count != expected else { return }
        // Trailing empty cells (a common spreadsheet artefact) are harmless.
        if row.count > expected, (expected..<row.count).allSatisfy({ row.field($0).isEmpty }) { return }
        error(column: "", value: "", "the row has \(row.count) field\(row.count == 1 ? "" : "s") but the header has \(expected); a delimiter or quote is probably missing or extra")
    }

    /// Reads `case_id`; a blank one rejects the row.
    mutating func readCaseID() {
        caseID = text("case_id")
        if let p = context.pseudonymiser { caseID = p.pseudonym(caseID, field: "case_id") }
        if caseID.isEmpty { error("case_id", "", "case_id is blank; every row needs the id of its case") }
    }

    /// The trimmed text of a canonical field ("" when the file lacks the column).
    func text(_ field: String) -> String {
        guard let i = context.layout.fieldIndex[field] else { return "" }
        return text(column: i)
    }

    /// The trimmed text of any column, by index.
    func text(column index: Int) -> String { String(decoding: Self.trim(row.field(index)), as: UTF8.self) }

    /// A date field: nil when blank. Unreadable dates, missing required dates and event
    /// dates after the as-at date reject the row.
    mutating func date(_ field: String, required: Bool = false, isEvent: Bool = true) -> Day? {
        guard let i = context.layout.fieldIndex[field] else {
            if required { error(field, "", "\(field) is blank; it is required") }
            return nil
        }
        let bytes = Self.trim(row.field(i))
        if bytes.isEmpty {
            if required { error(field, "", "\(field) is blank; it is required") }
            return nil
        }
        switch context.dates.parse(bytes) {
        case .success(let day):
            if isEvent && day > context.asAt {
                error(field, day.iso, "\(field) \(day.iso) is after the as-at date \(context.asAt.iso); an event cannot be in the future (check the date, or the --as-at date)")
                return nil
            }
            return day
        case .failure(let failure):
            error(field, String(decoding: bytes, as: UTF8.self), failure.description)
            return nil
        }
    }

    /// A coded field, read through the profile's value map: nil when blank; an unknown
    /// code rejects the row with the accepted values.
    mutating func code<C: RawRepresentable & CaseIterable>(_ field: String, as type: C.Type) -> C? where C.RawValue == String {
        guard let i = context.layout.fieldIndex[field] else { return nil }
        let bytes = Self.trim(row.field(i))
        if bytes.isEmpty { return nil }
        // Most cells hold the canonical code exactly: no string to build.
        if context.profile.values[field] == nil {
            for c in C.allCases where bytes.elementsEqual(c.rawValue.utf8) { return c }
        }
        let raw = text(field)
        if raw.isEmpty { return nil }
        let mapped = mapValue(raw, field: field)
        if let value = CodeLists.match(mapped, as: type) { return value }
        error(field, raw, "\"\(raw)\" is not a known \(field); accepted values are \(CodeLists.display(forField: field))\(context.profile.values[field] == nil ? "" : " (or a value the profile maps)")")
        return nil
    }

    /// An exception-reason field; an unrecognised reason is a warning, never an error.
    mutating func exception(_ field: String) -> ExceptionReading {
        guard let i = context.layout.fieldIndex[field], !Self.trim(row.field(i)).isEmpty else { return .none }
        let raw = text(field)
        let reading = ExceptionReading(mapValue(raw, field: field))
        if case .unrecognised = reading {
            let key = NameMatching.key(raw)
            let why = key.contains("missed") || key.contains("dna") || key.contains("appointment")
                ? "a missed appointment is an exception only for other bodies' advice (reg 8(2)), never for the authority's own time limits"
                : "it is not a statutory ground"
            warning(field, raw, "exception reason \"\(raw)\" not applied: \(why); the case is counted without an exception. Accepted: \(ExceptionCode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return reading
    }

    private func mapValue(_ raw: String, field: String) -> String {
        guard let map = context.profile.values[field] else { return raw }
        return map[NameMatching.key(raw)] ?? raw
    }

    mutating func error(_ field: String, _ value: String, _ problem: String) {
        error(column: context.layout.columnName(field), value: value, problem)
    }

    mutating func error(column: String, value: String, _ problem: String) {
        problems.append(DataQualityProblem(file: context.file, line: row.line, caseID: caseID, column: column,
                                           value: value, severity: .error, problem: problem))
    }

    mutating func warning(_ field: String, _ value: String, _ problem: String) {
        problems.append(DataQualityProblem(file: context.file, line: row.line, caseID: caseID,
                                           column: context.layout.columnName(field), value: value,
                                           severity: .warning, problem: problem))
    }

    /// Requires `later` to be on or after `earlier` (both known); otherwise an error on `laterField`.
    mutating func requireOrder(_ earlier: Day?, _ earlierField: String, _ later: Day?, _ laterField: String) {
        guard let e = earlier, let l = later, l < e else { return }
        error(laterField, l.iso, "\(laterField) \(l.iso) is before \(earlierField) \(e.iso)")
    }

    /// Warns when `later` is before `earlier`: an odd order that does not make the row unusable.
    mutating func warnOrder(_ earlier: Day?, _ earlierField: String, _ later: Day?, _ laterField: String) {
        guard let e = earlier, let l = later, l < e else { return }
        warning(laterField, l.iso, "\(laterField) \(l.iso) is before \(earlierField) \(e.iso); the row is kept, but check the dates")
    }

    static func trim(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var lo = 0, hi = bytes.count
        while lo < hi, bytes[lo] == 32 || bytes[lo] == 9 { lo += 1 }
        while hi > lo, bytes[hi - 1] == 32 || bytes[hi - 1] == 9 { hi -= 1 }
        if lo == 0 && hi == bytes.count { return bytes }
        return UnsafeBufferPointer(rebasing: bytes[lo..<hi])
    }
}
