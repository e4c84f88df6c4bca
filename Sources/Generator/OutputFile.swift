import EHCPTimeliness
import EHCPOutputs
import EHCPStore
import EHCPRules
import EHCPStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing a generated file failed: which file, and why.
public struct GeneratorError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot write \(path): \(reason)" }
}

/// A write-only file behind a 1 MiB buffer, written with write(2).
///
/// Rows are appended to a byte array whose capacity `reserve(_:)` keeps ahead of them, so
/// the generator can stream millions of rows while holding only the buffer, and no
/// append ever grows it.
package final class OutputFile {
    package static let capacity = 1 << 20

    package let path: String
    private var fd: Int32
    private var buffer: [UInt8] = []

    package init(path: String) throws(GeneratorError) {
        self.path = path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw GeneratorError(path: path, reason: OutputFile.lastError()) }
        self.fd = fd
        buffer.reserveCapacity(OutputFile.capacity)
    }

    deinit {
        if fd >= 0 { _ = systemClose(fd) }
    }

    /// Makes room for `count` more bytes, flushing the buffer when needed.
    @inline(__always)
    package func reserve(_ count: Int) throws(GeneratorError) {
        precondition(count <= OutputFile.capacity)
        if buffer.count + count > OutputFile.capacity { try flush() }
    }

    @inline(__always)
    package func append(_ byte: UInt8) {
        buffer.append(byte)
    }

    @inline(__always)
    package func append(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
    }

    /// `value` in decimal, left-padded with zeros to at least `width` digits (value >= 0).
    @inline(__always)
    package func appendDigits(_ value: Int, width: Int) {
        var digits = 1
        var probe = value
        while probe >= 10 { probe /= 10; digits += 1 }
        let n = max(width, digits)
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: n))
        var v = value
        var i = start + n - 1
        while i >= start {
            buffer[i] = UInt8(truncatingIfNeeded: 48 + v % 10)
            v /= 10
            i -= 1
        }
    }

    package func flush() throws(GeneratorError) {
        if let failure = FileOutput.writeAll(fd, buffer, 0 ..< buffer.count) {
            throw GeneratorError(path: path, reason: String(cString: strerror(failure)))
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes; the file is complete only when this returns.
    package func close() throws(GeneratorError) {
        try flush()
        let result = closeDescriptor()
        if result != 0 { throw GeneratorError(path: path, reason: OutputFile.lastError()) }
    }

    /// Abandons the file after a failure: closes it and removes what was written.
    package func discard() {
        buffer.removeAll(keepingCapacity: true)
        _ = closeDescriptor()
        _ = unlink(path)
    }

    private func closeDescriptor() -> Int32 {
        guard fd >= 0 else { return 0 }
        let result = systemClose(fd)
        fd = -1
        return result
    }

    private static func lastError() -> String {
        guard let message = strerror(errno) else { return "error \(errno)" }
        return String(cString: message)
    }
}

/// `close(2)`, named apart from `OutputFile.close()`.
@inline(__always)
private func systemClose(_ fd: Int32) -> Int32 { close(fd) }
