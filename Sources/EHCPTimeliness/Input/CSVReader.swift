// INTERFACE STUB — to be implemented with libcsv (see helper task). Do not change signatures
// without telling the integrator.

/// One parsed CSV record, valid only inside the callback that receives it.
public struct CSVRow {
    /// Physical line where the record starts in the file (header = 1; blank lines count).
    public let line: Int
    /// Raw field bytes, concatenated; `ends[i]` is the end offset of field i.
    let bytes: UnsafeBufferPointer<UInt8>
    let ends: UnsafeBufferPointer<Int>

    public var count: Int { ends.count }
    /// The bytes of field `index` (empty when the row has fewer fields).
    public func field(_ index: Int) -> UnsafeBufferPointer<UInt8> { fatalError() }
    /// Field `index` decoded as UTF-8 (invalid bytes repaired), "" when absent.
    public func string(_ index: Int) -> String { fatalError() }
}

/// A malformed record: the reader reports it and carries on at the next line.
public struct CSVProblem: Sendable, Equatable {
    public let line: Int
    public let column: Int  // 1-based byte column within the line
    public let message: String
}

/// Fatal reading errors: the file cannot be read at all.
public enum CSVError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case isDirectory(path: String)
    case readFailed(path: String, reason: String)
    public var description: String { fatalError() }
}

/// Streams a CSV file through libcsv in fixed-size chunks.
public final class CSVReader {
    public let path: String
    /// The delimiter in use (detected from the header line unless given).
    public private(set) var delimiter: UInt8

    public init(path: String, delimiter: UInt8? = nil) throws(CSVError) { fatalError() }

    /// Calls `onRow` for every record in file order (the header first) and `onProblem`
    /// for every malformed record. Errors thrown by the callbacks stop reading and are rethrown.
    public func read(
        onRow: (CSVRow) throws -> Void,
        onProblem: (CSVProblem) throws -> Void
    ) throws { fatalError() }
}
