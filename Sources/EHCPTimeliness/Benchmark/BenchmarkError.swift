import EHCPRules
import EHCPStore
import EHCPIngest

/// A problem with `--benchmark-la` or the benchmark file: it stops the run before any
/// output is written, like an unreadable extract.
public enum BenchmarkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The shipped copy of the DfE file is not next to the program (a binary copied elsewhere).
    case shippedCopyNotFound(looked: [String])
    case unreadable(file: String, reason: String)
    case noHeader(file: String)
    case missingColumns(file: String, columns: [String])
    case malformed(file: String, line: Int, column: Int, message: String)
    /// A value that is neither a number nor one of DfE's codes (x, z, c) or blank.
    case invalidValue(file: String, line: Int, column: String, value: String)
    /// The file has no calendar-year rows for "All EHC plans issued".
    case noRows(file: String)
    /// No local authority in the file has this code.
    case unknownAuthority(code: String, file: String, suggestions: [String])

    package static let howToFindCodes = "LA codes are in the old_la_code (three digits, e.g. 351 for Bury) and new_la_code "
        + "(nine characters, e.g. E08000002) columns of the DfE file."
    package static let whereToGetTheFile = "Download timeliness_20_week.csv from the \"Education, health and care plans\" release "
        + "on explore-education-statistics.service.gov.uk and pass it with --benchmark-file FILE."

    public var description: String {
        switch self {
        case let .shippedCopyNotFound(looked):
            return "--benchmark-la: the shipped copy of DfE's timeliness_20_week.csv is not next to the program "
                + "(looked for " + looked.joined(separator: ", ") + "); a program copied on its own leaves it behind. "
                + Self.whereToGetTheFile
        case let .unreadable(file, reason):
            return "the benchmark file \(file) cannot be read: \(reason)"
        case let .noHeader(file):
            return "the benchmark file \(file) is empty or has no header row. " + Self.whereToGetTheFile
        case let .missingColumns(file, columns):
            return "the benchmark file \(file) has no column" + (columns.count == 1 ? " " : "s ")
                + columns.joined(separator: ", ")
                + ": it is not DfE's timeliness_20_week.csv (or a release with renamed columns). " + Self.whereToGetTheFile
        case let .malformed(file, line, column, message):
            return "the benchmark file \(file) is not valid CSV at line \(line), column \(column): \(message)"
        case let .invalidValue(file, line, column, value):
            return "the benchmark file \(file), line \(line), column \(column): \"\(value)\" is neither a number "
                + "nor a DfE code (x, z, c)"
        case let .noRows(file):
            return "the benchmark file \(file) has no calendar-year rows for \"All EHC plans issued\" "
                + "(breakdown_topic and breakdown): it is not DfE's timeliness_20_week.csv. " + Self.whereToGetTheFile
        case let .unknownAuthority(code, file, suggestions):
            return "--benchmark-la \(code): no local authority in \(file) has that code. "
                + (suggestions.isEmpty ? "" : "Close matches: " + suggestions.joined(separator: "; ") + ". ")
                + Self.howToFindCodes
        }
    }
}
