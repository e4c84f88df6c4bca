import EHCPRules
import EHCPStore
import EHCPIngest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `write(2)` until every byte is out: partial writes and EINTR are retried.
public enum WriteAll {
    /// Returns nil, or the `errno` of the write that failed.
    public static func bytes(_ fd: Int32, _ base: UnsafeRawPointer?, _ count: Int) -> Int32? {
        guard let base else { return nil }
        var offset = 0
        while offset < count {
            let n = write(fd, base + offset, count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += n
        }
        return nil
    }

    /// Writes `text` as UTF-8; nil or the failing `errno`.
    @discardableResult
    public static func text(_ fd: Int32, _ text: String) -> Int32? {
        var t = text
        return t.withUTF8 { bytes(fd, $0.baseAddress, $0.count) }
    }
}
