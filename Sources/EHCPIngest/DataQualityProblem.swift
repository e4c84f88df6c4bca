import EHCPRules
import EHCPStore

/// How serious a data-quality problem is.
public enum Severity: String, Sendable, Comparable {
    /// The row was rejected and is not analysed.
    case error
    /// The row was kept; something about it deserves a look.
    case warning

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .error && rhs == .warning }
}

/// One row of data-quality.csv: a rejected row or a warning, with enough detail to find
/// and fix it in the source system.
public struct DataQualityProblem: Sendable, Equatable {
    /// The file as the user named it.
    public var file: String
    /// Line in the file (header = 1); 0 when the problem concerns the whole file.
    public var line: Int
    /// The case id as read; empty when it could not be read.
    public var caseID: String
    /// The column as named in the file's header (or the canonical field name).
    public var column: String
    /// The offending value as read.
    public var value: String
    public var severity: Severity
    /// What is wrong and, where it helps, what to do.
    public var problem: String

    public init(file: String, line: Int, caseID: String, column: String, value: String,
                severity: Severity, problem: String) {
        self.file = file; self.line = line; self.caseID = caseID; self.column = column
        self.value = value; self.severity = severity; self.problem = problem
    }
}

extension DataQualityProblem {
    /// A record of `file` that is not valid CSV: rejected, with where and why.
    package static func malformed(file: String, _ problem: CSVProblem) -> DataQualityProblem {
        DataQualityProblem(file: file, line: problem.line, caseID: "", column: "", value: "", severity: .error,
                           problem: "malformed CSV at line \(problem.line), column \(problem.column): \(problem.message); the record is rejected")
    }
}

/// Where a result came from: its file's number, then its line. Spill files and the
/// action list use it to skip the results of a row taken back.
package func rowOrdinal(file: Int64, line: Int) -> Int64 { file << 40 | Int64(line) }

/// The line of a row ordinal.
package func rowLine(ordinal: Int64) -> Int { Int(ordinal & (1 << 40 - 1)) }

/// A problem that stops the run before any output is written.
public enum InputError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case noHeader(file: String)
    /// The header record itself is malformed CSV (a stray quote, a NUL byte).
    case malformedHeader(file: String, line: Int, column: Int, problem: String)
    case missingColumns(file: String, kind: String, columns: [String], found: [String])
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
    /// A profile maps a dimension (`team = "Locality"`) to a header that no extract given has.
    case profileDimensionMissing(profile: String, entry: String, header: String, found: [String])

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): \(reason)"
        case let .noHeader(file):
            return "\(file): the file is empty or has no header row. Export the extract again with column headings on the first line."
        case let .malformedHeader(file, line, column, problem):
            return "\(file): the header row (line \(line), column \(column)) is not valid CSV: \(problem). "
                + "Fix the header row in the export; without it no column can be read."
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
