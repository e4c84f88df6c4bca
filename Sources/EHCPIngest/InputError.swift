/// Ingest's one error type: a problem with an input or the set-up that stops the run
/// before any output is written. Each message names the file and says what to change.
///
/// A problem with one row or cell is not an error: it is a `DataQualityProblem`, and the
/// row is analysed or listed as rejected. `DateParseError` is such a cell's reason.
public enum InputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file cannot be opened (it does not exist, or is not readable).
    case cannotOpen(path: String, reason: String)
    case isDirectory(path: String)
    /// Reading stopped part-way (an I/O error, the file shrank, a field too large to hold).
    case readFailed(path: String, reason: String)
    /// The bytes are not in the expected text encoding; `reason` says where and how to fix it.
    case encoding(path: String, reason: String)
    case unreadable(file: String, reason: String)
    case noHeader(file: String)
    /// The header record itself is malformed CSV (a stray quote, a NUL byte).
    case malformedHeader(file: String, line: Int, column: Int, problem: String)
    case missingColumns(file: String, kind: String, columns: [String], found: [String])
    /// A SEN2 return that is not well-formed XML (a truncated file, a tag left open):
    /// nothing after the fault can be read, so the run stops.
    case malformedXML(file: String, line: Int, column: Int, problem: String)
    case ambiguousColumns(file: String, field: String, headers: [String])
    /// A `--by` name matches more than one column of one file (`notes,notes`).
    case ambiguousByColumn(file: String, name: String, headers: [String], positions: [Int])
    case profileUnreadable(file: String, reason: String)
    case profileInvalid(file: String, reason: String)
    case unknownByColumn(name: String, available: [String])
    /// A profile entry names a header that the extract it applies to does not have: a
    /// mistake in the set-up, so the run stops rather than read the field as blank.
    /// `found` is the file's header, closest to `header` first.
    case profileHeaderMissing(file: String, profile: String, entry: String, header: String, found: [String])
    /// `--duplicates last` or `reject` on input that cannot be read twice (a pipe): a
    /// copy can be judged only once every row has been seen.
    case duplicatesNeedAFile(file: String, policy: String)
    /// A SEN2 return given as a pipe: it is read more than once (its head, then its persons,
    /// and again when it holds a case twice).
    case sen2NeedsAFile(file: String)
    /// A profile maps a dimension (`team = "Locality"`) to a header that no extract given has.
    case profileDimensionMissing(profile: String, entry: String, header: String, found: [String])

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            return "cannot open \(path): \(reason) — check the path"
        case let .isDirectory(path):
            return "cannot read \(path): it is a directory, not a CSV file — check the path"
        case let .readFailed(path, reason):
            return "cannot read \(path): \(reason) — check that the file is complete and readable"
        case let .encoding(path, reason):
            return "cannot read \(path): \(reason)"
        case let .unreadable(file, reason):
            return "\(file): \(reason)"
        case let .noHeader(file):
            return "\(file): the file is empty or has no header row. Export the extract again with column headings on the first line."
        case let .malformedHeader(file, line, column, problem):
            return "\(file): the header row (line \(line), column \(column)) is not valid CSV: \(problem). "
                + "Fix the header row in the export; without it no column can be read."
        case let .malformedXML(file, line, column, problem):
            return "\(file): line \(line), column \(column): \(problem). The return is not well-formed XML "
                + "(truncated, or a tag left open); nothing was analysed. Export the return again."
        case let .missingColumns(file, kind, columns, found):
            return "\(file): a \(kind) extract needs the column\(columns.count == 1 ? "" : "s") "
                + columns.joined(separator: ", ")
                + ", which the header does not have. The header has: " + Self.list(found)
                + ". Rename the columns in the export, or map them in a profile (--profile) under [columns]."
        case let .ambiguousColumns(file, field, headers):
            return "\(file): the columns " + headers.map { "\"\($0)\"" }.joined(separator: " and ")
                + " both mean \(field). Remove or rename one of them in the export (a profile cannot tell them apart:"
                + " headers are matched ignoring case, spaces and punctuation)."
        case let .ambiguousByColumn(file, name, headers, positions):
            return "--by \(name): \(file) has \(headers.count) columns of that name ("
                + zip(headers, positions).map { "\"\($0)\" in column \($1)" }.joined(separator: ", ")
                + "), so the cohorts would come from one of them arbitrarily. Rename one of them in the export."
        case let .profileUnreadable(file, reason):
            return "cannot read the profile \(file): \(reason). Check the path given to --profile."
        case let .profileInvalid(file, reason):
            return "the profile \(file) is not valid: \(reason)"
        case let .profileHeaderMissing(file, profile, entry, header, found):
            return "\(file): the profile \(profile) maps \(entry) to \"\(header)\", but this file has no such header. "
                + "Its headers, closest first: " + Self.list(found)
                + ". Correct the entry in the profile; if this export names the column differently from the others, "
                + "map it for this kind of extract alone (see the README, \"Mapping profiles\")."
        case let .profileDimensionMissing(profile, entry, header, found):
            return "the profile \(profile) maps \(entry) to \"\(header)\", but no input has such a header. "
                + "Their headers, closest first: " + Self.list(found)
                + ". Correct the entry in the profile, or remove it."
        case let .duplicatesNeedAFile(file, policy):
            return "\(file): --duplicates \(policy) needs a file that can be read twice, not a pipe; "
                + "save the extract to a file first, or use --duplicates first"
        case let .sen2NeedsAFile(file):
            return "\(file): a SEN2 return is read from a file, not a pipe (it is read more than once); "
                + "save the return to a file first"
        case let .unknownByColumn(name, available):
            return "--by \(name): no input has a column of that name. Available: "
                + Self.list(available)
        }
    }

    /// Column names for a message: blank ones shown as such, and at most 20, so that a
    /// header of 100,000 columns (or a line of commas read as one) gives a readable message.
    package static func list(_ names: [String]) -> String {
        let shown = names.prefix(20).map { $0.isEmpty ? "(blank)" : $0 }
        let more = names.count > shown.count ? ", … (\(names.count) columns in all)" : ""
        return shown.joined(separator: ", ") + more
    }
}
