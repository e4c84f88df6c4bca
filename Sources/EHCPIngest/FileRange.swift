import EHCPRules
import EHCPStore
import EHCPBindings

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes `start..<end` of an open file, read with `pread` (so several threads can read
/// one descriptor), optionally checked to be UTF-8 as they pass.
package struct FileRangeSource: CSVBytes {
    /// Asked before each read, with the position and how many bytes the source would read
    /// there; answers how many it may read (no more than that). Lets the parallel reader
    /// move the end of a chunk back while it is being read (`ChunkQueue`).
    package typealias Limit = (_ position: Int, _ wanted: Int) -> Int

    package let fileDescriptor: Int32
    package let path: String
    package let chunkSize: Int
    private var position: Int
    private let end: Int
    private let limit: Limit?
    /// Checks UTF-8 without ever switching to Windows-1252: a chunk read on its own must
    /// not decide the file's encoding, so a non-UTF-8 byte stops it (`InputError.encoding`).
    private var filter: EncodingFilter?
    /// Raw bytes as read, before the filter (empty when there is no filter).
    private var raw: [UInt8]
    private var finished = false

    package init(fileDescriptor: Int32, path: String, start: Int, end: Int, checkUTF8: Bool,
                 chunkSize: Int = CSVReader.defaultChunkSize, limit: Limit? = nil) {
        self.fileDescriptor = fileDescriptor
        self.path = path
        self.chunkSize = chunkSize
        position = start
        self.end = end
        self.limit = limit
        filter = checkUTF8 ? EncodingFilter(path: path, encoding: .utf8) : nil
        raw = checkUTF8 ? [UInt8](repeating: 0, count: chunkSize) : []
    }

    package mutating func read(into buffer: inout [UInt8], at offset: Int, capacity: Int) throws -> Int {
        guard var filter else {
            return try Self.readFile(fileDescriptor, path, position: &position, end: end, limit: limit, into: &buffer,
                                     at: offset, capacity: min(capacity, chunkSize))
        }
        defer { self.filter = filter }
        // The filter writes at most as many bytes as it reads when it only checks UTF-8.
        while true {
            guard !finished, !raw.isEmpty else { return 0 }
            // Room for up to 3 bytes of a UTF-8 sequence held back from the previous read.
            let n = try Self.readFile(fileDescriptor, path, position: &position, end: end, limit: limit, into: &raw,
                                      at: 0, capacity: max(1, min(capacity, raw.count) - 4))
            if n == 0 { finished = true }
            let written = try filter.filter(raw.span.extracting(0..<n), into: &buffer, at: offset)
            if written > 0 || finished { return written }
        }
    }

    /// Reads from `position` (moving it on), never past `end` nor more than `limit` allows.
    private static func readFile(_ fileDescriptor: Int32, _ path: String, position: inout Int, end: Int, limit: Limit?,
                                 into buffer: inout [UInt8], at offset: Int, capacity: Int) throws -> Int {
        var wanted = max(min(capacity, end - position), 0)
        if let limit { wanted = min(limit(position, wanted), wanted) }
        guard wanted > 0 else { return 0 }
        while true {
            let n = FileReads.pread(fileDescriptor, from: position, into: &buffer, at: offset, count: wanted)
            if n >= 0 { position += n; return n }
            if errno == EINTR { continue }
            throw InputError.readFailed(path: path, reason: CSVReader.systemMessage(errno))
        }
    }
}

/// Counting and finding line ends the way the scanner does (LF, CRLF, lone CR), so a
/// chunk that starts inside the file knows the line number of its first byte.
package enum LineEnds {
    /// Counts the line ends of bytes given piece after piece, a CRLF split between two
    /// pieces counting once. A CR that ends the bytes given so far counts as a line end:
    /// counts up to a point add up only when no cut falls between a CR and its LF (cuts
    /// are made just after an LF).
    package struct Counter {
        package init() {}

        package private(set) var ends = 0
        private var previousWasCR = false

        package mutating func add(_ bytes: Span<UInt8>) {
            let n = bytes.count
            guard n > 0 else { return }
            if Bytes.firstIndex(of: 13, in: bytes, 0..<n) == nil {
                // The usual file: LF only, counted eight bytes at a time.
                ends += InputScan.lineFeeds(bytes)
                if previousWasCR, bytes[0] == 10 { ends -= 1 }
            } else {
                // CRLF (Windows, Excel) or lone CRs: also eight bytes at a time.
                ends += InputScan.lineEndsWithCR(bytes, previousWasCR: previousWasCR)
            }
            previousWasCR = bytes[n - 1] == 13
        }
    }

    /// The number of LF bytes in `bytes`.
    package static func lineFeeds(_ bytes: Span<UInt8>) -> Int { InputScan.lineFeeds(bytes) }

    /// Offsets just after a line feed near each of `parts − 1` evenly spaced points,
    /// increasing; fewer when the file has too few line feeds.
    package static func splitPoints(fileDescriptor fd: Int32, size: Int, parts: Int) -> [Int] {
        splitPoints(fileDescriptor: fd, size: size, weights: Array(repeating: 1, count: max(parts, 1)))
    }

    /// The offset just after the first line feed at or after `offset`, if that is before
    /// `end`; nil when there is none or the file cannot be read there.
    package static func lineStart(fileDescriptor fd: Int32, from offset: Int, before end: Int) -> Int? {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var at = offset
        while at < end {
            let n = FileReads.pread(fd, from: at, into: &buffer, at: 0, count: min(buffer.count, end - at))
            guard n > 0 else { return nil }
            if let found = Bytes.firstIndex(of: 10, in: buffer.span, 0..<n) {
                let point = at + found + 1
                return point < end ? point : nil
            }
            at += n
        }
        return nil
    }

    /// The line ends of bytes `from..<to` of the file (`from` the start of a line), as
    /// `Counter` counts them; nil when the file cannot be read there.
    package static func count(fileDescriptor fd: Int32, from: Int, to: Int) -> Int? {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var counter = Counter()
        var at = from
        while at < to {
            let n = FileReads.pread(fd, from: at, into: &buffer, at: 0, count: min(buffer.count, to - at))
            guard n > 0 else { return nil }
            counter.add(buffer.span.extracting(0..<n))
            at += n
        }
        return counter.ends
    }

    /// The same for parts whose sizes are in proportion to `weights`.
    package static func splitPoints(fileDescriptor fd: Int32, size: Int, weights: [Int]) -> [Int] {
        var points: [Int] = []
        let total = max(weights.reduce(0, +), 1)
        var sum = 0
        for k in 1..<max(weights.count, 1) {
            sum += weights[k - 1]
            let target = max(Int((Double(size) * Double(sum) / Double(total)).rounded(.down)), points.last ?? 0)
            // A line feed within 1 MiB of the point, no further: a file without line feeds
            // (CR only) is not read through once for each cut.
            guard let point = lineStart(fileDescriptor: fd, from: target, before: min(size, target + (1 << 20) + 1))
            else { continue }
            if point > points.last ?? 0 { points.append(point) }
        }
        return points
    }
}
