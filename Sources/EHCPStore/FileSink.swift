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

/// A new file opened 0600 for writing (outputs hold children's data); bytes go straight
/// to it, and a failure names the file (`StorageError.cannotWriteFile`).
public final class FileSink {
    package let path: String
    private var fd: Int32

    package init(path: String) throws(StorageError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StorageError.cannotWriteFile(path: path, reason: String(cString: strerror(errno))) }
    }

    // Untyped `throws`: typed-throws closures crash Swift 6.3's IR generation here.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    public func write(_ bytes: RawSpan) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        if let failure = WriteAll.bytes(fd, bytes.baseAddress, bytes.count) {
            throw StorageError.cannotWriteFile(path: path, reason: String(cString: strerror(failure)))
        }
    }

    /// Writes `bytes` at `offset`, leaving the file's other bytes as they are: writers on
    /// several threads can fill their own ranges of one file at once.
    public func write(_ bytes: RawSpan, at offset: Int) throws {
        try bytes.withUnsafeBytes { raw in
            guard var base = raw.baseAddress else { return }
            var left = raw.count, at = offset
            while left > 0 {
                let n = pwrite(fd, base, left, off_t(at))
                if n < 0, errno == EINTR { continue }
                guard n > 0 else {
                    let code = n == 0 ? ENOSPC : errno
                    throw StorageError.cannotWriteFile(path: path, reason: String(cString: strerror(code)))
                }
                base += n; left -= n; at += n
            }
        }
    }

    package func close() {
        if fd >= 0 { _ = Glibc.close(fd); fd = -1 }
    }

    deinit { close() }
}
