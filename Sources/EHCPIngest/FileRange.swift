import EHCPRules
import EHCPStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes `start..<end` of an open file, read with `pread` (so several threads can read
/// one descriptor), optionally checked to be UTF-8 as they pass.
package struct FileRangeSource: CSVBytes {
    package let fileDescriptor: Int32
    package let path: String
    package let chunkSize: Int
    private var position: Int
    private let end: Int
    /// Checks UTF-8 without ever switching to Windows-1252: a chunk read on its own must
    /// not decide the file's encoding, so a non-UTF-8 byte stops it (`CSVError.encoding`).
    private var filter: EncodingFilter?
    private let raw: UnsafeMutableRawBufferPointer
    private var finished = false

    package init(fileDescriptor: Int32, path: String, start: Int, end: Int, checkUTF8: Bool, chunkSize: Int = CSVReader.defaultChunkSize) {
        self.fileDescriptor = fileDescriptor
        self.path = path
        self.chunkSize = chunkSize
        position = start
        self.end = end
        filter = checkUTF8 ? EncodingFilter(path: path, encoding: .utf8) : nil
        raw = checkUTF8 ? .allocate(byteCount: chunkSize, alignment: 16) : UnsafeMutableRawBufferPointer(start: nil, count: 0)
    }

    package func release() {
        if raw.baseAddress != nil { raw.deallocate() }
    }

    package mutating func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
        guard var filter else { return try readFile(into: buffer, capacity: min(capacity, chunkSize)) }
        defer { self.filter = filter }
        // The filter writes at most as many bytes as it reads when it only checks UTF-8.
        while true {
            guard !finished, let base = raw.baseAddress else { return 0 }
            // Room for up to 3 bytes of a UTF-8 sequence held back from the previous read.
            let n = try readFile(into: base, capacity: max(1, min(capacity, raw.count) - 4))
            if n == 0 { finished = true }
            let written = try filter.filter(UnsafeRawBufferPointer(rebasing: raw[0..<n]), into: buffer.assumingMemoryBound(to: UInt8.self))
            if written > 0 || finished { return written }
        }
    }

    private mutating func readFile(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
        let wanted = min(capacity, end - position)
        guard wanted > 0 else { return 0 }
        while true {
            let n = pread(fileDescriptor, buffer, wanted, off_t(position))
            if n >= 0 { position += n; return n }
            if errno == EINTR { continue }
            throw CSVError.readFailed(path: path, reason: CSVReader.systemMessage(errno))
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

        package mutating func add(_ bytes: UnsafePointer<UInt8>, _ n: Int) {
            guard n > 0 else { return }
            if memchr(bytes, 13, n) == nil {
                // The usual file: LF only, counted eight bytes at a time.
                ends += lineFeeds(bytes, n)
                if previousWasCR, bytes[0] == 10 { ends -= 1 }
            } else {
                // CRLF (Windows, Excel) or lone CRs: also eight bytes at a time.
                ends += lineEndsWithCR(bytes, n, previousWasCR: previousWasCR)
            }
            previousWasCR = bytes[n - 1] == 13
        }
    }

    /// The number of LF bytes in `bytes[0..<count]`.
    package static func lineFeeds(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int {
        var total = 0, i = 0
        let raw = UnsafeRawPointer(bytes)
        while i + 8 <= count {
            // One count per byte lane, added up every 255 words at most (before a lane can
            // overflow): cheaper than a popcount per word where the target has no POPCNT.
            let stop = min(count - 8, i + 254 * 8)
            var lanes: UInt64 = 0
            while i <= stop {
                lanes &+= lineFeedBits(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))) >> 7
                i += 8
            }
            total += laneSum(lanes)
        }
        while i < count { total += bytes[i] == 10 ? 1 : 0; i += 1 }
        return total
    }

    /// The sum of the eight byte lanes of `lanes`.
    @inline(__always)
    static func laneSum(_ lanes: UInt64) -> Int {
        let m: UInt64 = 0x00FF_00FF_00FF_00FF
        let pairs = (lanes & m) &+ ((lanes >> 8) & m)  // four lanes of 16 bits, each at most 510
        return Int((pairs &* 0x0001_0001_0001_0001) >> 48)
    }

    /// Eight bytes at once (the first in the lowest byte of `word`): the high bit of each
    /// byte that is an LF, every other bit clear.
    @inline(__always)
    package static func lineFeedBits(_ word: UInt64) -> UInt64 { byteBits(word, 0x0A0A_0A0A_0A0A_0A0A) }

    /// The high bit of each byte of `word` equal to the byte repeated in `pattern`, every
    /// other bit clear (exact: no false positives, unlike the usual has-zero-byte trick).
    @inline(__always)
    package static func byteBits(_ word: UInt64, _ pattern: UInt64) -> UInt64 {
        let x = word ^ pattern, low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        // High bit set exactly in the bytes of x that are zero.
        return ~(((x & low7) &+ low7) | x | low7)
    }

    /// The line ends of `bytes[0..<count]`: every CR, and every LF not just after a CR
    /// (a CRLF counts once, also when `previousWasCR` says its CR ended the bytes before),
    /// eight bytes at a time. Byte by byte, this once took 8 % of a 1M-row run's CPU on a
    /// CRLF file, six times what counting the LFs of an LF file takes.
    package static func lineEndsWithCR(_ bytes: UnsafePointer<UInt8>, _ count: Int, previousWasCR: Bool) -> Int {
        var total = 0, i = 0
        // The high bit of byte 0 when a CR came just before it.
        var carry: UInt64 = previousWasCR ? 0x80 : 0
        let raw = UnsafeRawPointer(bytes)
        while i + 8 <= count {
            let stop = min(count - 8, i + 254 * 8)  // as in lineFeeds: no lane overflows
            var lanes: UInt64 = 0
            while i <= stop {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let l = byteBits(word, 0x0A0A_0A0A_0A0A_0A0A), c = byteBits(word, 0x0D0D_0D0D_0D0D_0D0D)
                // A CR's high bit moved onto the next byte's: set on each LF that follows a CR.
                let afterCR = (c << 8) | carry
                lanes &+= (c | (l & ~afterCR)) >> 7
                carry = c >> 56
                i += 8
            }
            total += laneSum(lanes)
        }
        var afterCR = carry != 0
        while i < count {
            let b = bytes[i]
            if b == 13 || (b == 10 && !afterCR) { total += 1 }
            afterCR = b == 13
            i += 1
        }
        return total
    }

    /// Offsets just after a line feed near each of `parts − 1` evenly spaced points,
    /// increasing; fewer when the file has too few line feeds.
    package static func splitPoints(fileDescriptor fd: Int32, size: Int, parts: Int) -> [Int] {
        let window = 1 << 20
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: window)
        defer { buffer.deallocate() }
        var points: [Int] = []
        for k in 1..<max(parts, 1) {
            let target = max(size / parts * k, points.last ?? 0)
            let n = pread(fd, buffer, min(window, size - target), off_t(target))
            guard n > 0, let found = memchr(buffer, 10, n) else { continue }
            let point = target + UnsafeRawPointer(buffer).distance(to: UnsafeRawPointer(found)) + 1
            let previous = points.last ?? 0
            if point < size, point > previous { points.append(point) }
        }
        return points
    }
}
