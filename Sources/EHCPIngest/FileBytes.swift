import EHCPRules
import EHCPStore
import EHCPBindings

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small POSIX file helpers, so input errors carry the system's reason.
package enum FileBytes {
    package struct Failure: Error {
        package let reason: String
        package init(reason: String) { self.reason = reason }
    }

    /// Whether `path` names a regular file (which can be read again), not a pipe or device.
    package static func isRegularFile(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    /// Reads a whole (small) file as UTF-8 text.
    package static func readText(path: String) throws(Failure) -> String {
        var bytes = try readBytes(path: path)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads a whole (small) file.
    package static func readBytes(path: String) throws(Failure) -> [UInt8] {
        var st = stat()
        if stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            throw Failure(reason: "it is a folder, not a file")
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = FileReads.read(fd, into: &buffer, at: 0, count: buffer.count)
            if n < 0 { throw Failure(reason: String(cString: strerror(errno))) }
            if n == 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        return bytes
    }
}

extension FileBytes {
    /// Calls `body` with successive blocks of the input file (streaming, constant memory).
    /// A block is a slice of one reused buffer: it is valid only during the call. The
    /// file's own failures are `InputError`s naming it.
    package static func forEachBlock(path: String, _ body: (ArraySlice<UInt8>) throws -> Void) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw InputError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        try forEachBlock(fileDescriptor: fd, named: path, body)
    }

    /// The same for a file already open for reading, from where its offset is, to its end;
    /// a failure to read names the file as `name`.
    package static func forEachBlock(fileDescriptor fd: Int32, named name: String,
                                     _ body: (ArraySlice<UInt8>) throws -> Void) throws {
        let size = 1 << 20
        var buffer = [UInt8](repeating: 0, count: size)
        while true {
            let n = FileReads.read(fd, into: &buffer, at: 0, count: size)
            if n < 0 { throw InputError.readFailed(path: name, reason: String(cString: strerror(errno))) }
            if n == 0 { return }
            try body(buffer[0..<n])
        }
    }
}
