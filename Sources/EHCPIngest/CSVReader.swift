import EHCPRules
import EHCPStore
import EHCPBindings

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One parsed CSV record (assembled by libcsv in EHCPBindings), valid only inside the
/// callback that receives it.
public typealias CSVRow = EHCPBindings.CSVRow

/// A malformed record: the reader reports it and carries on at the next line.
public struct CSVProblem: Sendable, Equatable {
    public let line: Int
    public let column: Int  // 1-based byte column within the line
    public let message: String
}

/// Streams a CSV file through libcsv in fixed-size chunks.
///
/// - Memory stays constant: the file is read with `read(2)` into one reusable chunk
///   buffer and each record is assembled in reusable byte and offset buffers.
/// - A leading UTF-8 byte-order mark is skipped; columns in problems do not count it.
/// - Line ends are LF, CRLF or a lone CR; blank lines are skipped but counted.
/// - Spaces (and tabs, unless tab is the delimiter) around unquoted fields are trimmed.
/// - Malformed records (a stray quote, a NUL byte) are reported through `onProblem` and
///   skipped up to the end of the line where the problem was found; reading then carries on.
public final class CSVReader {
    public let path: String
    /// The delimiter in use (detected from the header line unless given).
    public private(set) var delimiter: UInt8

    /// Bytes read from the file at a time.
    package static let defaultChunkSize = 256 * 1024
    /// The chunk size in use (tests shrink it to put chunk boundaries everywhere).
    package var chunkSize = CSVReader.defaultChunkSize

    package let fileDescriptor: Int32
    /// The encoding asked for.
    public let encoding: TextEncoding
    /// Set after `read` when `.auto` found the file to be Windows-1252: the line where it knew.
    public private(set) var detectedWindows1252AtLine: Int?
    /// Bytes consumed from a non-seekable input while detecting the delimiter.
    package var prefix: [UInt8] = []
    /// Whether the descriptor has moved past what `prefix` holds, so a read must rewind.
    package var needsRewind = false

    /// Opens `path` and, when `delimiter` is nil, detects the delimiter from the header line.
    public init(path: String, delimiter: UInt8? = nil, encoding: TextEncoding = .auto) throws(InputError) {
        self.path = path
        self.encoding = encoding
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            throw .cannotOpen(path: path, reason: CSVReader.systemMessage(errno))
        }
        var status = stat()
        if fstat(fd, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw .isDirectory(path: path)
        }
        self.fileDescriptor = fd
        self.delimiter = delimiter ?? UInt8(ascii: ",")
        if delimiter == nil {
            self.delimiter = try detectDelimiter()
        }
    }

    deinit {
        close(fileDescriptor)
    }

    /// The file's size when it is a regular file (which can be read again at any offset);
    /// nil for a pipe or device.
    public var regularFileSize: Int? {
        var status = stat()
        guard fstat(fileDescriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(status.st_size)
    }

    /// Calls `onRow` for every record in file order (the header first) and `onProblem`
    /// for every malformed record. Errors thrown by the callbacks stop reading and are rethrown.
    public func read(
        onRow: (CSVRow) throws -> Void,
        onProblem: (CSVProblem) throws -> Void
    ) throws {
        if needsRewind {
            guard lseek(fileDescriptor, 0, SEEK_SET) == 0 else {
                throw InputError.readFailed(
                    path: path,
                    reason: "the input cannot be rewound to be read again (\(CSVReader.systemMessage(errno)))")
            }
            prefix = []
        }
        needsRewind = true
        var source = CSVByteSource(reader: self)
        var scanner = CSVScanner(path: path, delimiter: delimiter)
        try scanner.scan(&source, onRow: onRow, onProblem: onProblem)
        detectedWindows1252AtLine = encoding == .auto ? source.filter.switchedAtLine : nil
    }

    /// The C library's text for an `errno` value, e.g. "No such file or directory".
    package static func systemMessage(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// Reads up to `capacity` bytes into `buffer[at...]`: first whatever `prefix` still
    /// holds, then the file. Returns 0 at end of file.
    package func readBytes(into buffer: inout [UInt8], at offset: Int, capacity: Int, prefixOffset: inout Int) throws(InputError) -> Int {
        if prefixOffset < prefix.count {
            let n = min(capacity, prefix.count - prefixOffset)
            let prefix = self.prefix  // a span of a class's property must come from a local copy
            Bytes.copy(prefix.span.extracting(prefixOffset ..< prefixOffset + n), into: &buffer, at: offset)
            prefixOffset += n
            return n
        }
        return try readFromFile(into: &buffer, at: offset, capacity: capacity)
    }

    /// One `read(2)` from the descriptor, retried when interrupted. Returns 0 at end of file.
    private func readFromFile(into buffer: inout [UInt8], at offset: Int, capacity: Int) throws(InputError) -> Int {
        while true {
            let n = FileReads.read(fileDescriptor, into: &buffer, at: offset, count: capacity)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw .readFailed(path: path, reason: CSVReader.systemMessage(errno))
        }
    }

    /// Counts `,` `;` and tab outside quotes in the first record and picks the most
    /// frequent (ties in that order); comma when none occurs. Scans at most 1 MiB.
    private func detectDelimiter() throws(InputError) -> UInt8 {
        let limit = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var counts = (comma: 0, semicolon: 0, tab: 0)
        var inQuotes = false
        var scanned = 0
        var bomChecked = false
        var done = false
        while !done, scanned < limit {
            let n = try readFromFile(into: &buffer, at: 0, capacity: chunkSize)
            if n == 0 { break }
            prefix.append(contentsOf: buffer[0..<n])
            var bytes = prefix[scanned...]
            if !bomChecked {
                if prefix.count < 3 && prefix.starts(with: CSVScanner.byteOrderMark.prefix(prefix.count)) {
                    continue  // too short to tell yet
                }
                bomChecked = true
                if prefix.starts(with: CSVScanner.byteOrderMark) { bytes = prefix[3...] }
            }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\""): inQuotes.toggle()
                case UInt8(ascii: ",") where !inQuotes: counts.comma += 1
                case UInt8(ascii: ";") where !inQuotes: counts.semicolon += 1
                case 0x09 where !inQuotes: counts.tab += 1
                case 0x0A, 0x0D: if !inQuotes { done = true }
                default: break
                }
                if done { break }
            }
            scanned = prefix.count
        }
        // A regular file is simply read again from the start; anything else keeps the prefix.
        if lseek(fileDescriptor, 0, SEEK_SET) == 0 {
            prefix = []
        }
        var best: UInt8 = UInt8(ascii: ",")
        var bestCount = counts.comma
        if counts.semicolon > bestCount { best = UInt8(ascii: ";"); bestCount = counts.semicolon }
        if counts.tab > bestCount { best = 0x09 }
        return best
    }
}

/// Where the scanner takes its bytes from, one chunk at a time.
package protocol CSVBytes {
    /// The most bytes the scanner asks for at once.
    var chunkSize: Int { get }
    /// Fills `buffer[at ..< at + n]` with the next `n` bytes, `n` at most `capacity`
    /// (the buffer has room for that many); returns `n`, 0 at the end.
    mutating func read(into buffer: inout [UInt8], at offset: Int, capacity: Int) throws -> Int
}

/// Feeds the reader's input to the scanner one chunk at a time, as valid UTF-8.
package struct CSVByteSource: CSVBytes {
    package var chunkSize: Int { reader.chunkSize }
    package let reader: CSVReader
    package var prefixOffset = 0
    package var filter: EncodingFilter
    /// Raw bytes as read from the file (a reusable buffer).
    private var raw: [UInt8]
    /// Filtered bytes, of which `decodedStart..<decodedEnd` are not yet handed to the scanner.
    private var decoded: [UInt8]
    private var decodedStart = 0
    private var decodedEnd = 0
    private var finished = false

    package init(reader: CSVReader) {
        self.reader = reader
        filter = EncodingFilter(path: reader.path, encoding: reader.encoding)
        let size = max(reader.chunkSize, 4)
        raw = [UInt8](repeating: 0, count: size)
        decoded = [UInt8](repeating: 0, count: EncodingFilter.maxExpansion * (size + 4))
    }

    /// Fills `buffer[at...]` with up to `capacity` bytes of UTF-8; 0 at end of file.
    package mutating func read(into buffer: inout [UInt8], at offset: Int, capacity: Int) throws(InputError) -> Int {
        while decodedStart == decodedEnd {
            guard !finished else { return 0 }
            let n = try reader.readBytes(into: &raw, at: 0, capacity: raw.count, prefixOffset: &prefixOffset)
            if n == 0 { finished = true }
            decodedStart = 0
            let input = raw  // a copy to read while `decoded` is written (the same storage, not copied)
            decodedEnd = try filter.filter(input.span.extracting(0..<n), into: &decoded, at: 0)
        }
        let count = min(capacity, decodedEnd - decodedStart)
        let output = decoded
        Bytes.copy(output.span.extracting(decodedStart ..< decodedStart + count), into: &buffer, at: offset)
        decodedStart += count
        return count
    }
}
