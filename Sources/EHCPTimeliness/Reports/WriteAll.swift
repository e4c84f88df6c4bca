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

/// Lower-case hexadecimal, for digests and pseudonyms.
enum Hex {
    static func lowercase<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
