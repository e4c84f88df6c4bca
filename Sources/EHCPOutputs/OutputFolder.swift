import EHCPRules
import EHCPStore
import EHCPIngest
import EHCPTimeliness
import CShims
import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One file of an output set: its name and how its bytes are produced.
public struct OutputEntry {
    public let name: String
    package let produce: (FileSink) throws -> Void

    /// A file whose whole text `text` makes, when the file is written (so that the files
    /// of a set are made side by side, each on the thread that writes it).
    public init(name: String, text: @escaping () throws -> String) {
        self.name = name
        produce = { sink in try sink.write(Array(try text().utf8)) }
    }

    /// A file written in pieces (large CSVs), so it is never held whole in memory.
    public init(name: String, produce: @escaping (FileSink) throws -> Void) {
        self.name = name
        self.produce = produce
    }
}

/// The outputs layer's one error type: what stopped the outputs being written or the
/// action list being listed, in words an analyst can act on. Every case stops the run
/// with exit status 2 and writes nothing.
public enum OutputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A file or folder of `--out` could not be written: the path and the system's reason.
    case cannotWrite(path: String, reason: String)
    /// A `--group-by` or `--where` column that no input has.
    case unknownColumn(option: String, name: String, available: [String])
    /// A `--where` value that no analysed case has.
    case noCaseHasValue(column: String, value: String, seen: [String])
    /// `exceptions --split-by --out DIR`: DIR holds entries that an earlier split by the same
    /// column did not write (those starting `prefix`), so replacing it could lose them.
    case splitFolderHoldsOtherFiles(folder: String, files: [String], prefix: String)

    public var description: String {
        switch self {
        case let .cannotWrite(path, reason):
            return "cannot write \(path): \(reason). Check that the --out folder can be written."
        case let .unknownColumn(option, name, available):
            return "\(option) \(name): no input has a column of that name. Available: "
                + (available.isEmpty ? "none (the extracts have only the standard columns)" : available.joined(separator: ", "))
        case let .noCaseHasValue(column, value, seen):
            let shown = seen.prefix(20).joined(separator: ", ") + (seen.count > 20 ? ", …" : "")
            return "--where \(column)=\(value): no analysed case has \(column) \"\(value)\". Values in the extracts: "
                + (seen.isEmpty ? "none (no case was analysed)" : shown) + ". Check the spelling."
        case let .splitFolderHoldsOtherFiles(folder, files, prefix):
            let shown = files.prefix(5).joined(separator: ", ") + (files.count > 5 ? ", … (\(files.count) in all)" : "")
            return "--out \(folder) holds entries that are not lists of this split (\(prefix)*.csv or \(prefix)*.xlsx): \(shown). "
                + "The folder is replaced as a whole, so give an empty or new folder, used only for these lists. Nothing was written."
        }
    }
}

/// Writes a run's files so that a killed or failed run never leaves a half-written set:
/// everything goes into a temporary folder beside `--out`, which then replaces the old
/// folder in one atomic exchange. Folders are created 0700 and files 0600, because the
/// outputs hold children's data.
public enum OutputFolder {
    // Untyped `throws` on purpose: Swift 6.3 crashes (-O, cross-module optimisation)
    // compiling a caller in another module of a public typed-throws function.
    /// With `keepingOtherFiles` false, the folder afterwards holds exactly `files` (the old
    /// folder's other files go with it; the caller has checked they may). Files named in
    /// `dropping` are never kept: outputs of an earlier run that this run does not write
    /// (a workbook left beside newer CSVs would show last month's list).
    public static func write(_ files: [OutputEntry], to folder: String, keepingOtherFiles: Bool = true,
                             dropping: Set<String> = []) throws {
        var trimmed = folder
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        let name = String(parts.last ?? "")
        guard !name.isEmpty, name != ".", name != ".." else {
            // `--out .` or `/`: there is no folder to swap, so replace file by file.
            try writeInPlace(files, to: trimmed)
            for name in dropping.sorted() { unlink(trimmed + "/" + name) }
            return
        }
        let parent = parts.count > 1 ? parts.dropLast().joined(separator: "/") : "."
        try makeFolders(parent.isEmpty ? "/" : parent)
        let prefix = (parent.isEmpty ? "" : parent) + "/." + name + ".tmp-"
        removeStaleTemporaries(parent: parent.isEmpty ? "/" : parent, prefix: "." + name + ".tmp-")
        let temporary = prefix + String(getpid())
        removeTree(temporary)
        guard mkdir(temporary, 0o700) == 0 else {
            // Name the folder the user gave, not the hidden temporary one beside it (a
            // read-only place such as /proc says "No such file or directory" for the latter).
            let reason = errnoText()
            throw OutputError.cannotWrite(path: trimmed, reason: "cannot create a folder in \(parent.isEmpty ? "/" : parent) (\(reason))")
        }
        var swapped = false
        defer { if !swapped { removeTree(temporary) } }
        try writeConcurrently(files.map { (temporary + "/" + $0.name, $0) })

        var st = stat()
        if lstat(trimmed, &st) != 0 {
            guard rename(temporary, trimmed) == 0 else { throw OutputError.cannotWrite(path: trimmed, reason: errnoText()) }
            swapped = true
            return
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { throw OutputError.cannotWrite(path: trimmed, reason: "it exists and is not a folder") }
        // Keep what else the old folder holds (a rendered PDF, a note): hard links are
        // made before the swap, so nothing is lost if the run dies here.
        let written = Set(files.map(\.name)).union(dropping)
        var folders: [String] = []
        for entry in keepingOtherFiles ? (try? FileManager.default.contentsOfDirectory(atPath: trimmed)) ?? [] : []
        where !written.contains(entry) {
            var est = stat()
            guard lstat(trimmed + "/" + entry, &est) == 0 else { continue }
            if (est.st_mode & S_IFMT) == S_IFDIR { folders.append(entry); continue }
            if link(trimmed + "/" + entry, temporary + "/" + entry) != 0 {
                throw OutputError.cannotWrite(path: trimmed + "/" + entry, reason: "cannot keep it in the new outputs: " + errnoText())
            }
        }
        guard ehcp_rename_exchange(temporary, trimmed) == 0 else {
            throw OutputError.cannotWrite(path: trimmed, reason: errnoText())
        }
        swapped = true
        // The old outputs are now at `temporary`; sub-folders move across, the rest goes.
        for entry in folders.sorted() {
            _ = rename(temporary + "/" + entry, trimmed + "/" + entry)
        }
        removeTree(temporary)
    }

    /// Replaces files one by one (each complete or not at all) when `--out` names no swappable folder.
    package static func writeInPlace(_ files: [OutputEntry], to folder: String) throws {
        try makeFolders(folder)
        var temporary = files.map { (folder + "/." + $0.name + ".tmp-" + String(getpid()), folder + "/" + $0.name) }
        defer { for (tmp, _) in temporary { unlink(tmp) } }
        try writeConcurrently(zip(temporary, files).map { ($0.0, $1) })
        for (tmp, final) in temporary where rename(tmp, final) != 0 {
            throw OutputError.cannotWrite(path: final, reason: errnoText())
        }
        temporary.removeAll()
    }

    /// Temporary folders of runs that were killed (their process is gone).
    package static func removeStaleTemporaries(parent: String, prefix: String) {
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] where entry.hasPrefix(prefix) {
            guard let pid = Int32(entry.dropFirst(prefix.count)), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { removeTree(parent + "/" + entry) }
        }
    }

    package static func removeTree(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// `mkdir -p` with mode 0700 for the folders it creates (outputs hold children's data).
    package static func makeFolders(_ path: String) throws(OutputError) {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            var st = stat()
            if stat(current, &st) == 0 {
                guard (st.st_mode & S_IFMT) == S_IFDIR else { throw OutputError.cannotWrite(path: current, reason: "it exists and is not a folder") }
                continue
            }
            if mkdir(current, 0o700) != 0 && errno != EEXIST {
                throw OutputError.cannotWrite(path: current, reason: errnoText())
            }
        }
    }

    /// Writes one file with mode 0600.
    package static func writeFile(_ path: String, _ contents: String) throws {
        try writeFile(path, OutputEntry(name: path, text: { contents }))
    }

    /// Writes each file to its path, several at once: a large run's cases.csv is copied
    /// out on one core while the other writes the rest. The first failure, in list
    /// order, is thrown once all have stopped.
    package static func writeConcurrently(_ files: [(path: String, entry: OutputEntry)]) throws {
        try Concurrent.run(files.count, threads: files.count) { i in try writeFile(files[i].path, files[i].entry) }
    }

    package static func writeFile(_ path: String, _ file: OutputEntry) throws {
        do {
            let sink = try FileSink(path: path)
            defer { sink.close() }
            try file.produce(sink)
        } catch let StorageError.cannotWriteFile(path, reason) {
            throw OutputError.cannotWrite(path: path, reason: reason)
        }
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
