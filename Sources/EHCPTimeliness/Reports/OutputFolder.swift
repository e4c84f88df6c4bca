#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A problem writing outputs: the message names the path and the system's reason.
public struct OutputError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "cannot write \(path): \(reason). Check that the --out folder can be written." }
}

/// Writes a set of files into a folder so that none is left half-written: every file
/// goes to a temporary name first and is renamed into place only when all are complete.
public enum OutputFolder {
    // Untyped `throws` on purpose: Swift 6.3 crashes (-O, cross-module optimisation)
    // compiling a caller in another module of a public typed-throws function.
    public static func write(_ files: [(name: String, contents: String)], to folder: String) throws {
        try makeFolders(folder)
        var temporary: [(String, String)] = []
        defer { for (tmp, _) in temporary { unlink(tmp) } }
        for file in files {
            let final = folder + "/" + file.name
            let tmp = folder + "/." + file.name + ".tmp"
            try writeFile(tmp, file.contents)
            temporary.append((tmp, final))
        }
        for (tmp, final) in temporary where rename(tmp, final) != 0 {
            throw OutputError(path: final, reason: String(cString: strerror(errno)))
        }
        temporary.removeAll()
    }

    /// `mkdir -p` with mode 0700 for the folders it creates (outputs hold children's data).
    static func makeFolders(_ path: String) throws(OutputError) {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            var st = stat()
            if stat(current, &st) == 0 {
                guard (st.st_mode & S_IFMT) == S_IFDIR else { throw OutputError(path: current, reason: "it exists and is not a folder") }
                continue
            }
            if mkdir(current, 0o700) != 0 && errno != EEXIST {
                throw OutputError(path: current, reason: String(cString: strerror(errno)))
            }
        }
    }

    /// Writes one file with mode 0600.
    static func writeFile(_ path: String, _ contents: String) throws(OutputError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw OutputError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var text = contents
        let failure: Int32? = text.withUTF8 { buffer -> Int32? in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 { if errno == EINTR { continue }; return errno }
                offset += n
            }
            return nil
        }
        if let failure { throw OutputError(path: path, reason: String(cString: strerror(failure))) }
    }
}
