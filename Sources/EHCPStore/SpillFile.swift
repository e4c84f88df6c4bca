import CShims

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A temporary file could not be created, written or read back: which folder, why, and
/// what an analyst can do about it.
package enum StorageError: Error, CustomStringConvertible, Equatable {
    case cannotCreate(directory: String, reason: String)
    case cannotWrite(directory: String, reason: String)
    case cannotRead(directory: String, reason: String)
    /// An output file (not a temporary one) could not be opened or written.
    case cannotWriteFile(path: String, reason: String)
    /// Work handed to other threads did not run (a bug, never an input's fault).
    case workNotRun

    package var description: String {
        switch self {
        case let .cannotCreate(directory, reason):
            "cannot create a temporary file in \(directory): \(reason) — check that the folder exists and can be written, or pass a different --out folder"
        case let .cannotWrite(directory, reason):
            "cannot write a temporary file in \(directory): \(reason) — free some disk space or pass a different --out folder"
        case let .cannotRead(directory, reason):
            "cannot read back a temporary file in \(directory): \(reason) — free some disk space and run again, or pass a different --out folder"
        case let .cannotWriteFile(path, reason):
            "cannot write \(path): \(reason). Check that the --out folder can be written."
        case .workNotRun:
            "internal error: work given to another thread did not run; please report it"
        }
    }

    package static func reason(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}

/// An append-only temporary byte file behind an in-memory buffer.
///
/// Lets a 10-million-row analysis set data aside without holding it in memory. The file is
/// unlinked as soon as it is created, so nothing is left behind even if the run is killed,
/// and spills smaller than the buffer never touch the disk at all.
///
/// `@unchecked Sendable` so a worker can hand its spills over to another thread. Safe,
/// although it has mutable state: a spill file has one owner at a time and is never used
/// from two threads at once.
///
/// Its mutable properties are `@exclusivity(unchecked)`: every case of a run appends to
/// one, and the run-time check of each access to a class's stored property (two or three
/// a row) cost more than the append. Safe for the same reason as the `Sendable`: one
/// owner, one thread, and no method hands the file to code that could reach it again
/// while one of its properties is being changed.
package final class SpillFile: @unchecked Sendable {
    package let directory: String
    private let fd: Int32
    /// The buffer, once made (see `buffer`).
    @exclusivity(unchecked) private var storage: UnsafeMutableRawPointer?
    private let bufferSize: Int
    @exclusivity(unchecked) private var buffered = 0
    /// Bytes already on disk; they come before the buffered ones.
    @exclusivity(unchecked) package private(set) var bytesOnDisk = 0
    /// Bytes at the start whose storage was given back (see `release`).
    @exclusivity(unchecked) private var released = 0

    /// Everything appended so far.
    package var byteCount: Int { bytesOnDisk + buffered }
    /// Framed records appended so far (`FramedRecord` counts them): with `byteCount`, how
    /// many bytes the records are without their frames, known without reading them.
    @exclusivity(unchecked) package internal(set) var records = 0
    /// What the records stand for, as their writer counts it (cases.csv: the bytes its
    /// rows take as text), known without reading them.
    @exclusivity(unchecked) package private(set) var measuredBytes = 0

    /// Adds to `measuredBytes`. A method, not `+=` from another module: there the access
    /// was checked at run time, the property's `@exclusivity(unchecked)` unseen.
    package func measure(_ bytes: Int) { measuredBytes += bytes }

    package init(directory: String, bufferSize: Int = 1 << 20) throws {
        precondition(bufferSize > 0, "bufferSize must be positive")
        var template = Array((directory + "/ehcp-spill-XXXXXX").utf8CString)
        let fd = mkstemp(&template)  // mode 0600
        guard fd >= 0 else { throw StorageError.cannotCreate(directory: directory, reason: StorageError.reason(errno)) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        _ = unlink(template)
        self.directory = directory
        self.fd = fd
        self.bufferSize = bufferSize
    }

    deinit {
        _ = close(fd)
        storage?.deallocate()
    }

    /// The buffer, made when first written to: a parallel read's later chunks, made at
    /// the start, and a finished chunk's files (`releaseBuffer`) then hold no memory.
    private var buffer: UnsafeMutableRawPointer {
        if let storage { return storage }
        let made = UnsafeMutableRawPointer.allocate(byteCount: bufferSize, alignment: 16)
        storage = made
        return made
    }

    /// Whether the file holds a buffer now.
    package var holdsBuffer: Bool { storage != nil }

    /// Writes out what is buffered and gives the buffer back; the next append makes a new one.
    package func releaseBuffer() throws {
        try flush()
        storage?.deallocate()
        storage = nil
    }

    package func append(_ bytes: UnsafeRawBufferPointer) throws {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        if buffered + bytes.count > bufferSize {
            try flush()
            if bytes.count >= bufferSize { return try writeOut(source, bytes.count) }
        }
        (buffer + buffered).copyMemory(from: source, byteCount: bytes.count)
        buffered += bytes.count
    }

    /// Lets `write` put up to `maximum` bytes straight into the buffer (no copy on the
    /// way) and keeps as many as it says it wrote, which it returns. Nil, with nothing
    /// written, when `maximum` is more than the buffer holds.
    package func append(reserving maximum: Int, _ write: (UnsafeMutableRawPointer) throws -> Int) throws -> Int? {
        guard maximum <= bufferSize else { return nil }
        if buffered + maximum > bufferSize { try flush() }
        let written = try write(buffer + buffered)
        precondition(written >= 0 && written <= maximum, "wrote more than reserved")
        buffered += written
        return written
    }

    package func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try append($0) }
    }

    /// Calls `body` with every byte appended so far, from the start, in order, in blocks of
    /// `blockSize` (the last may be shorter). Do not append from inside `body`.
    package func forEachBlock(blockSize: Int = 1 << 20, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        precondition(blockSize > 0, "blockSize must be positive")
        if bytesOnDisk == 0 {  // never spilled: hand out the buffer itself
            var offset = 0
            while offset < buffered {
                let n = min(blockSize, buffered - offset)
                try body(UnsafeRawBufferPointer(start: buffer + offset, count: n))
                offset += n
            }
            return
        }
        try flush()
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 16)
        defer { block.deallocate() }
        var offset = 0
        while offset < bytesOnDisk {
            var filled = 0
            while filled < blockSize, offset + filled < bytesOnDisk {
                filled += try read(at: offset + filled, into: UnsafeMutableRawBufferPointer(rebasing: block[filled...]))
            }
            try body(UnsafeRawBufferPointer(rebasing: block[..<filled]))
            offset += filled
        }
    }

    /// Copies up to `target.count` bytes starting at `offset` into `target` and returns how
    /// many (0 at the end). Reads from disk or from the buffer, so no flush is needed; this is
    /// how several sorted runs in one file are read back side by side.
    package func read(at offset: Int, into target: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let destination = target.baseAddress, target.count > 0, offset < byteCount else { return 0 }
        if offset >= bytesOnDisk {
            let n = min(target.count, byteCount - offset)
            destination.copyMemory(from: buffer + (offset - bytesOnDisk), byteCount: n)
            return n
        }
        while true {
            let n = pread(fd, destination, min(target.count, bytesOnDisk - offset), off_t(offset))
            if n > 0 { return n }
            if n < 0, errno == EINTR { continue }
            let reason = n == 0 ? "the file ended early" : StorageError.reason(errno)
            throw StorageError.cannotRead(directory: directory, reason: reason)
        }
    }

    /// Empties the file: its pages go back to the system at once (a file of gigabytes,
    /// read for the last time, need not wait for the process to end, nor be written to disk).
    package func discard() throws {
        buffered = 0
        records = 0
        measuredBytes = 0
        bytesOnDisk = 0
        released = 0
        guard ftruncate(fd, 0) == 0 else { throw StorageError.cannotWrite(directory: directory, reason: StorageError.reason(errno)) }
    }

    /// Gives back the storage of the bytes before `offset` (whole pages of them), which
    /// will not be read again. On this machine's virtual memory, pages freed seconds ago
    /// cost ten times more to fill than pages freed just now: the output written while its
    /// temporary rows are released reuses their pages. Best effort: where holes cannot be
    /// punched, `discard` frees everything later. True when storage was given back.
    @discardableResult
    package func release(before offset: Int) -> Bool {
        let end = min(offset, bytesOnDisk) & ~4095
        guard end > released else { return false }
        guard ehcp_punch_hole(fd, Int64(released), Int64(end - released)) == 0 else { return false }
        released = end
        return true
    }

    /// The storage the file holds on disk or in the page cache (what `release` gives back).
    package var storedBytes: Int {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return 0 }
        return Int(info.st_blocks) * 512
    }

    /// Writes out what is buffered; afterwards `forEachBlock` only reads.
    package func flush() throws {
        guard buffered > 0, let storage else { return }
        try writeOut(storage, buffered)
        buffered = 0
    }

    private func writeOut(_ base: UnsafeRawPointer, _ count: Int) throws {
        var done = 0
        while done < count {
            let n = pwrite(fd, base + done, count - done, off_t(bytesOnDisk))
            if n > 0 {
                done += n
                bytesOnDisk += n
                continue
            }
            if n < 0, errno == EINTR { continue }
            let reason = n == 0 ? StorageError.reason(ENOSPC) : StorageError.reason(errno)
            throw StorageError.cannotWrite(directory: directory, reason: reason)
        }
    }
}
