#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `write(2)` of a byte array until every byte is out, for writers that hold their bytes
/// in plain arrays (the generator's `OutputFile`).
package enum FileOutput {
    /// Writes `bytes[range]`, retrying partial writes and EINTR. Returns nil, or the
    /// `errno` of the write that failed.
    package static func writeAll(_ fd: Int32, _ bytes: borrowing [UInt8], _ range: Range<Int>) -> Int32? {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "write out of bounds")
        return bytes.withUnsafeBytes { buffer -> Int32? in
            guard let base = buffer.baseAddress else { return nil }
            var offset = range.lowerBound
            while offset < range.upperBound {
                let n = write(fd, base + offset, range.upperBound - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return nil
        }
    }
}
