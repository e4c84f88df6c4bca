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
    /// An error that did not reject its row: an optional field's value could not be used,
    /// so the field was read as blank and the case left out of the measures that need it
    /// (the problem names them); the row's other measures were analysed.
    public var keepsRow: Bool = false

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

    /// `file` held a byte that is not UTF-8 first on `line`, and was read as Windows-1252.
    package static func readAsWindows1252(file: String, line: Int) -> DataQualityProblem {
        DataQualityProblem(file: file, line: line, caseID: "", column: "", value: "", severity: .warning,
                           problem: "the file is not UTF-8 (first non-UTF-8 byte on line \(line)) and was read as Windows-1252, as Excel saves plain CSV; pass --encoding to say so explicitly")
    }
}

/// Where a result came from: its file's number, then its line. Spill files and the
/// action list use it to skip the results of a row taken back.
package func rowOrdinal(file: Int64, line: Int) -> Int64 { file << 40 | Int64(line) }

/// The line of a row ordinal.
package func rowLine(ordinal: Int64) -> Int { Int(ordinal & (1 << 40 - 1)) }
