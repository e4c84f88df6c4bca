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

/// A problem that stops the run before any output is written.
public enum InputError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case noHeader(file: String)
    case missingColumns(file: String, kind: String, columns: [String], found: [String])
    case ambiguousColumns(file: String, field: String, headers: [String])
    case profileUnreadable(file: String, reason: String)
    case profileInvalid(file: String, reason: String)
    case unknownByColumn(name: String, available: [String])

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): \(reason)"
        case let .noHeader(file):
            return "\(file): the file is empty or has no header row. Export the extract again with column headings on the first line."
        case let .missingColumns(file, kind, columns, found):
            return "\(file): a \(kind) extract needs the column\(columns.count == 1 ? "" : "s") "
                + columns.joined(separator: ", ")
                + ", which the header does not have. The header has: " + found.joined(separator: ", ")
                + ". Rename the columns in the export, or map them in a profile (--profile) under [columns]."
        case let .ambiguousColumns(file, field, headers):
            return "\(file): the columns " + headers.map { "\"\($0)\"" }.joined(separator: " and ")
                + " both mean \(field). Remove one from the export, or map \(field) to one of them in a profile."
        case let .profileUnreadable(file, reason):
            return "cannot read the profile \(file): \(reason). Check the path given to --profile."
        case let .profileInvalid(file, reason):
            return "the profile \(file) is not valid: \(reason)"
        case let .unknownByColumn(name, available):
            return "--by \(name): no input has a column of that name. Available: "
                + available.joined(separator: ", ")
        }
    }
}
