import EHCPRules
import EHCPStore

/// What every row mapper needs to know about its file. A class: every row's reader
/// points at the one context rather than copying (and retaining) each of its parts.
public final class ExtractContext: Sendable {
    /// The file as the user named it.
    public let file: String
    public let layout: ColumnLayout
    public let profile: MappingProfile
    public let dates: DateParser
    public let asAt: Day
    /// Replaces case and person ids when `--pseudonymise` is given.
    public let pseudonymiser: Pseudonymiser?
    /// Per `Field`: its column, or -1 when the file lacks it.
    package let columns: [Int]
    /// Per `Field`: the header text to name in messages.
    package let columnNames: [String]
    /// Per `Field`: the profile's value map, if it has one.
    package let valueMaps: [[String: String]?]

    public init(file: String, layout: ColumnLayout, profile: MappingProfile, dates: DateParser, asAt: Day,
                pseudonymiser: Pseudonymiser? = nil) {
        self.file = file; self.layout = layout; self.profile = profile; self.dates = dates; self.asAt = asAt
        self.pseudonymiser = pseudonymiser
        columns = Field.allCases.map { layout.fieldIndex[$0.name] ?? -1 }
        columnNames = Field.allCases.map { layout.columnName($0.name) }
        valueMaps = Field.allCases.map { profile.values[$0.name] }
    }
}

/// Reads typed values from one CSV row, collecting the problems it finds, so that a
/// mapper yields either a record or the reasons it could not (never both silently).
package struct RowReader {
    package let context: ExtractContext
    package private(set) var row: CSVRow
    package private(set) var caseID: String = ""
    package var problems: [DataQualityProblem] = []
    /// Whether an unusable optional field is blanked, leaving out only the measures that
    /// need it (requests and transfers), rather than rejecting the row (reviews, whose
    /// chain of meetings one bad date breaks).
    package var blanksUnusableFields = false
    /// The optional fields blanked in this row, by canonical name, and the index in
    /// `problems` of the error that says why.
    package private(set) var unusable: [(field: String, problem: Int)] = []

    package init(context: ExtractContext, row: CSVRow) {
        self.context = context
        self.row = row
    }

    /// Goes on to read `next` as a new reader would, keeping the buffers (a reader of
    /// millions of rows reuses one).
    package mutating func read(_ next: CSVRow) {
        row.become(next)
        caseID = ""
        // Most rows have none: emptying an empty array still cost a call each.
        if !problems.isEmpty { problems.removeAll(keepingCapacity: true) }
        if !unusable.isEmpty { unusable.removeAll(keepingCapacity: true) }
        rowErrors = 0
    }

    /// Errors that reject the row (not those of unusable optional fields).
    private var rowErrors = 0
    /// The cohort columns' strings, kept from row to row (`cohort`).
    private var interned = TextInterner()

    /// True when an error that rejects the row was recorded (not only unusable optional fields).
    package var hasErrors: Bool { rowErrors > 0 }

    /// The names of the fields blanked in this row.
    package var unusableFields: [String] { unusable.map(\.field) }

    /// Completes the message of each blanked field with the measures it left out for this
    /// case (`unmeasured`, from the rules); a field no measure of the case needed is only
    /// a warning, since nothing was lost.
    package mutating func noteUnmeasured(_ unmeasured: [Unmeasured]) {
        for (field, i) in unusable {
            let lost = unmeasured.filter { $0.fields.contains(field) }.map(\.measure.rawValue)
            if lost.isEmpty {
                problems[i].severity = .warning
                problems[i].problem += "; the field is read as blank, and no measure of this case needs it"
            } else {
                problems[i].problem += "; the field is read as blank, and this case is not measured for "
                    + lost.joined(separator: ", ") + " (its other measures are)"
            }
        }
    }

    /// Checks the field count against the header; a short or long row is a shifted row.
    package mutating func checkShape() {
        let expected = context.layout.header.count
        guard row.count != expected else { return }
        // Trailing empty cells (a common spreadsheet artefact) are harmless.
        if row.count > expected, (expected..<row.count).allSatisfy({ row.fieldLength($0) == 0 }) { return }
        error(column: "", value: "", "the row has \(row.count) field\(row.count == 1 ? "" : "s") but the header has \(expected); a delimiter or quote is probably missing or extra")
    }

    /// Reads `case_id`; a blank one rejects the row.
    package mutating func readCaseID() {
        caseID = text(.caseID)
        if let p = context.pseudonymiser { caseID = p.pseudonym(caseID, field: "case_id") }
        if caseID.isEmpty { error(.caseID, "", "case_id is blank; every row needs the id of its case") }
    }

    /// The column of a canonical field, nil when the file lacks it.
    package func column(_ field: Field) -> Int? {
        let i = context.columns[field.rawValue]
        return i < 0 ? nil : i
    }

    /// Calls `body` with the trimmed bytes of a canonical field (empty when the file
    /// lacks the column). A closure, not a returned span: the bytes are the row's.
    @inline(__always)
    package func withBytes<R>(_ field: Field, _ body: (Span<UInt8>) -> R) -> R {
        Self.withTrimmed(row, column: column(field) ?? -1, body)
    }

    /// Calls `body` with the trimmed bytes of column `index` of `row` (empty when absent).
    @inline(__always)
    package static func withTrimmed<R>(_ row: CSVRow, column index: Int, _ body: (Span<UInt8>) -> R) -> R {
        row.withField(index) { cell in body(cell.extracting(trimmed(cell))) }
    }

    /// The trimmed text of a canonical field ("" when the file lacks the column).
    package func text(_ field: Field) -> String { withBytes(field) { Bytes.string($0) } }

    /// The trimmed text of any column, by index.
    package func text(column index: Int) -> String { Self.withTrimmed(row, column: index) { Bytes.string($0) } }

    /// The same for a column whose values repeat from row to row (a team, a `--by`
    /// column): each value's string is made once.
    package mutating func repeatedText(column index: Int) -> String {
        Self.repeatedText(row, column: index, interned: &interned)
    }

    /// Static, so that the row is borrowed while the interner changes (a method copied
    /// and retained the row for every cell).
    private static func repeatedText(_ row: borrowing CSVRow, column index: Int, interned: inout TextInterner) -> String {
        withTrimmed(row, column: index) { interned.string($0) }
    }

    /// The trimmed text of every column of the row, in order (to compare two rows cell by cell).
    package var cells: [String] { (0..<row.count).map(text(column:)) }

    /// A date field: nil when blank. Unreadable dates, missing required dates and event
    /// dates after the as-at date are unusable (`unusable`).
    /// `rejectsRow`: an unusable value rejects the row even though a blank is allowed (a
    /// review's plan and meeting dates, which the chain of reviews is built on).
    package mutating func date(_ field: Field, required: Bool = false, isEvent: Bool = true, rejectsRow: Bool = false) -> Day? {
        switch readDate(field, isEvent: isEvent) {
        case .day(let day):
            return day
        case .blank:
            if required { error(field, "", "\(field.name) is blank; it is required") }
            return nil
        case .future(let day):
            future(field, day, rejectsRow: required || rejectsRow)
            return nil
        case .unreadable:
            unreadable(field, rejectsRow: required || rejectsRow)
            return nil
        }
    }

    private enum DateCell { case blank, day(Day), future(Day), unreadable }

    /// What a date cell holds, with no text made: the common case costs a parse and no
    /// reference count (messages are made out of line, reading the cell again).
    @inline(__always)
    private func readDate(_ field: Field, isEvent: Bool) -> DateCell {
        let context = self.context
        return withBytes(field) { bytes in
            if bytes.isEmpty { return .blank }
            switch context.dates.parse(bytes) {
            case .success(let day): return isEvent && day > context.asAt ? .future(day) : .day(day)
            case .failure: return .unreadable
            }
        }
    }

    @inline(never)
    private mutating func future(_ field: Field, _ day: Day, rejectsRow: Bool) {
        unusable(field, rejectsRow: rejectsRow, text(field),
                 "\(field.name) \(day.iso) is after the as-at date \(context.asAt.iso); an event cannot be in the future (check the date, or the --as-at date)")
    }

    @inline(never)
    private mutating func unreadable(_ field: Field, rejectsRow: Bool) {
        let text = self.text(field)
        let message: String
        switch context.dates.parse(text) {
        case .failure(let failure): message = failure.description
        case .success: message = "\"\(text)\" could not be read as a date"  // the bytes read otherwise than the text: never seen
        }
        unusable(field, rejectsRow: rejectsRow, text, message)
    }

    /// A value of `field` that cannot be used: an error that rejects the row when
    /// `rejectsRow` (a required field, a review's plan or meeting date) or when the
    /// extract's rows are rejected whole, otherwise an error that blanks the field
    /// (`noteUnmeasured` names the measures it cost).
    package mutating func unusable(_ field: Field, rejectsRow: Bool, _ value: String, _ problem: String) {
        let blanks = blanksUnusableFields && !rejectsRow
        if blanks { unusable.append((field.name, problems.count)) }
        error(field, value, problem)
        if blanks {
            problems[problems.count - 1].keepsRow = true
            rowErrors -= 1
        }
    }

    /// A coded field, read through the profile's value map: nil when blank; an unknown
    /// code rejects the row with the accepted values.
    package mutating func code<C: CanonicalCodes>(_ field: Field, as type: C.Type, required: Bool = false) -> C? {
        // Only whether there is a map: the map itself, copied out, was retained and released for every cell.
        let unmapped = context.valueMaps[field.rawValue] == nil
        // Most cells hold the canonical code exactly: no string to build.
        let read: (code: C?, raw: String?) = withBytes(field) { bytes in
            if bytes.isEmpty { return (nil, nil) }
            if unmapped {
                if let c = C.canonical(bytes) { return (c, nil) }
                if let c = CodeLists.matchASCII(bytes, as: type) { return (c, nil) }  // `Assess`, `No Plan`
            }
            return (nil, Bytes.string(bytes))
        }
        guard let raw = read.raw else { return read.code }
        if let value = CodeLists.match(mapped(raw, field), as: type) { return value }
        unusable(field, rejectsRow: required, raw, "\"\(raw)\" is not a known \(field.name); accepted values are \(CodeLists.display(forField: field.name))\(unmapped ? "" : " (or a value the profile maps)")")
        return nil
    }

    /// An exception-reason field; an unrecognised reason is a warning, never an error.
    /// `accepted`: the codes the warning for an unrecognised reason lists (every code when
    /// nil; optional rather than defaulted, so that the list is made only for a warning and
    /// not for every row).
    package mutating func exception(_ field: Field, accepted: [ExceptionCode]? = nil) -> ExceptionReading {
        let unmapped = context.valueMaps[field.rawValue] == nil
        // The canonical codes themselves need no string.
        let read: (reading: ExceptionReading?, raw: String?) = withBytes(field) { bytes in
            if bytes.isEmpty { return (ExceptionReading.none, nil) }
            if unmapped, let code = ExceptionReading.canonical(bytes) { return (code, nil) }
            return (nil, Bytes.string(bytes))
        }
        guard let raw = read.raw else { return read.reading ?? .none }
        let reading = ExceptionReading(mapped(raw, field))
        if case .unrecognised = reading {
            warning(field, raw, StatutoryExceptions.notApplied(raw, key: NameMatching.key(raw), accepted: accepted ?? ExceptionCode.general))
        }
        return reading
    }

    /// `raw` through the profile's value map for `field`, or as it is when none maps it.
    private func mapped(_ raw: String, _ field: Field) -> String {
        context.valueMaps[field.rawValue].flatMap { $0[NameMatching.key(raw)] } ?? raw
    }

    package mutating func error(_ field: Field, _ value: String, _ problem: String) {
        error(column: context.columnNames[field.rawValue], value: value, problem)
    }

    package mutating func error(column: String, value: String, _ problem: String) {
        rowErrors += 1
        problems.append(DataQualityProblem(file: context.file, line: row.line, caseID: caseID, column: column,
                                           value: value, severity: .error, problem: problem))
    }

    package mutating func warning(_ field: Field, _ value: String, _ problem: String) {
        warning(column: context.columnNames[field.rawValue], value: value, problem)
    }

    /// A rule's warning, which names its field as text.
    package mutating func warning(_ field: String, _ value: String, _ problem: String) {
        warning(column: context.layout.columnName(field), value: value, problem)
    }

    package mutating func warning(column: String, value: String, _ problem: String) {
        problems.append(DataQualityProblem(file: context.file, line: row.line, caseID: caseID, column: column,
                                           value: value, severity: .warning, problem: problem))
    }

    /// Requires `later` to be on or after `earlier` (both known); otherwise `later` is
    /// unusable (blanked, when the reader blanks such fields).
    /// `rejectsRow` as for `date`.
    @inline(__always)
    package mutating func requireOrder(_ earlier: Day?, _ earlierField: Field, _ later: inout Day?, _ laterField: Field,
                                       rejectsRow: Bool = false) {
        guard let e = earlier, let l = later, l < e else { return }
        outOfOrder(e, earlierField, l, laterField, rejectsRow: rejectsRow)
        if blanksUnusableFields && !rejectsRow { later = nil }
    }

    @inline(never)
    private mutating func outOfOrder(_ e: Day, _ earlierField: Field, _ l: Day, _ laterField: Field, rejectsRow: Bool) {
        unusable(laterField, rejectsRow: rejectsRow, text(laterField), "\(laterField.name) \(l.iso) is before \(earlierField.name) \(e.iso)")
    }

    /// Completes the message of each field blanked in a reviews row: which measures it costs
    /// is known only when the whole plan is timed, so the message says where to look.
    package mutating func noteUnusableInReview() {
        for (_, i) in unusable {
            problems[i].problem += "; the field is read as blank, and the measures of this review that need it are "
                + "not measured (the action list lists them as not checked); the row's other measures are"
        }
    }

    /// Warns when `later` is before `earlier`: an odd order that does not make the row unusable.
    package mutating func warnOrder(_ earlier: Day?, _ earlierField: Field, _ later: Day?, _ laterField: Field) {
        guard let e = earlier, let l = later, l < e else { return }
        warning(laterField, l.iso, "\(laterField.name) \(l.iso) is before \(earlierField.name) \(e.iso); the row is kept, but check the dates")
    }

    /// The bytes of `cell` without the spaces and tabs around them.
    @inline(__always)
    package static func trimmed(_ bytes: Span<UInt8>) -> Range<Int> {
        var lo = 0, hi = bytes.count
        while lo < hi, bytes[lo] == 32 || bytes[lo] == 9 { lo += 1 }
        while hi > lo, bytes[hi - 1] == 32 || bytes[hi - 1] == 9 { hi -= 1 }
        return lo ..< hi
    }
}
