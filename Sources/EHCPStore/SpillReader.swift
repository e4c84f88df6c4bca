/// Reads a temporary file from its start, a given number of bytes at a time. It owns its
/// buffer, which goes with it: not copyable, so there is one owner to free it.
package struct SpillReader: ~Copyable {
    private let spill: SpillFile
    /// Give back the file's storage as it is read (see `SpillFile.release`).
    private let releasing: Bool
    private var buffer: UnsafeMutableRawBufferPointer
    private var start = 0, end = 0  // the unread bytes in `buffer`
    private var position = 0         // the file offset of `buffer[end]`

    package init(_ spill: SpillFile, releasing: Bool = false, bufferSize: Int = 1 << 20) throws {
        try spill.flush()
        self.spill = spill
        self.releasing = releasing
        buffer = .allocate(byteCount: bufferSize, alignment: 16)
    }

    /// The next `count` bytes, valid until the next call.
    package mutating func next(_ count: Int) throws -> UnsafeRawBufferPointer {
        if end - start < count {
            // Keep what is unread at the front, make room, and read more.
            if count > buffer.count {
                let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
                grown.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[start..<end]))
                buffer.deallocate()
                buffer = grown
            } else if start > 0 {
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[start..<end]))
            }
            end -= start
            start = 0
            while end < count {
                let n = try spill.read(at: position, into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
                guard n > 0 else { throw StorageError.cannotRead(directory: spill.directory, reason: "the file ended early") }
                end += n
                position += n
            }
            if releasing { spill.release(before: position) }
        }
        defer { start += count }
        return UnsafeRawBufferPointer(rebasing: buffer[start..<(start + count)])
    }

    /// The unread bytes already read into the buffer (perhaps none), valid until the next
    /// `next`; `skip` takes them. A record that is whole in them needs no call to `next`.
    package var buffered: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: buffer.baseAddress.map { UnsafeRawPointer($0) + start }, count: end - start)
    }

    /// Takes `count` bytes of `buffered`.
    package mutating func skip(_ count: Int) {
        precondition(count <= end - start, "skipped past the buffered bytes")
        start += count
    }

    deinit { buffer.deallocate() }
}

/// Bytes gathered into one plain buffer and handed on when it is full: rows copied one
/// by one into an array cost more than the copying itself. Not copyable: it owns its
/// memory, freed with it.
package struct OutputBuffer: ~Copyable {
    private let memory: UnsafeMutableRawBufferPointer
    private var used = 0
    private let emit: (UnsafeRawBufferPointer) throws -> Void

    package init(capacity: Int, emit: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        memory = .allocate(byteCount: capacity, alignment: 16)
        self.emit = emit
    }

    package mutating func append(_ bytes: UnsafeRawBufferPointer) throws {
        if used + bytes.count > memory.count { try flush() }
        guard bytes.count <= memory.count else { return try emit(bytes) }  // a huge row
        if let source = bytes.baseAddress, let target = memory.baseAddress {
            (target + used).copyMemory(from: source, byteCount: bytes.count)
            used += bytes.count
        }
    }

    /// Two pieces one after the other (a cell put back before a row).
    package mutating func append(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) throws {
        let count = first.count + second.count
        guard count <= memory.count, let target = memory.baseAddress else {
            try append(first)
            return try append(second)
        }
        if used + count > memory.count { try flush() }
        if let a = first.baseAddress { (target + used).copyMemory(from: a, byteCount: first.count) }
        if let b = second.baseAddress { (target + used + first.count).copyMemory(from: b, byteCount: second.count) }
        used += count
    }

    /// Lets `write` put up to `maximum` bytes at the end of the buffer and keeps as many as
    /// it says it wrote; false, with nothing written, when `maximum` is more than the buffer holds.
    package mutating func append(reserving maximum: Int, _ write: (UnsafeMutableRawPointer) throws -> Int) throws -> Bool {
        guard maximum <= memory.count, let target = memory.baseAddress else { return false }
        if used + maximum > memory.count { try flush() }
        let written = try write(target + used)
        precondition(written >= 0 && written <= maximum, "wrote more than reserved")
        used += written
        return true
    }

    package mutating func flush() throws {
        if used > 0 { try emit(UnsafeRawBufferPointer(rebasing: memory[..<used])) }
        used = 0
    }

    deinit { memory.deallocate() }
}
