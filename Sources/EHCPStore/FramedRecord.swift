/// Records in a temporary file, each framed by its length (4 bytes) and the ordinal of
/// its input row (8 bytes): cases.csv's rows and data-quality problems.
package enum FramedRecord {
    package static let frameSize = 12

    package static func append(_ record: UnsafeRawBufferPointer, ordinal: Int64, to spill: SpillFile) throws {
        var frame: (UInt32, Int64) = (UInt32(record.count), ordinal)
        try withUnsafeBytes(of: &frame.0) { try spill.append($0) }
        try withUnsafeBytes(of: &frame.1) { try spill.append($0) }
        try spill.append(record)
        spill.records += 1
    }

    /// Appends a record that `write` makes in at most `maximum` bytes of the file's buffer
    /// (returning how many it wrote), with no copy on the way; false, with nothing
    /// written, when `maximum` is more than the buffer holds.
    package static func append(ordinal: Int64, maximum: Int, to spill: SpillFile,
                       _ write: (UnsafeMutableRawPointer) throws -> Int) throws -> Bool {
        let appended = try spill.append(reserving: frameSize + maximum) { memory in
            let length = try write(memory + frameSize)
            memory.storeBytes(of: UInt32(length), as: UInt32.self)
            memory.storeBytes(of: ordinal, toByteOffset: 4, as: Int64.self)
            return frameSize + length
        } != nil
        if appended { spill.records += 1 }
        return appended
    }

    /// Visits every record of `spill` in order, its bytes valid during the call; with
    /// `releasing`, the file gives back its storage as it is read (see `SpillFile.release`).
    package static func forEach(in spill: SpillFile, releasing: Bool = false, bufferSize: Int = 1 << 20,
                        _ body: (Int64, UnsafeRawBufferPointer) throws -> Void) throws {
        var reader = try SpillReader(spill, releasing: releasing, bufferSize: bufferSize)
        var left = spill.byteCount
        while left > 0 {
            // Most records are whole in what the reader holds: taken there, in one step
            // (two calls to `next` a record were a third of reading the history's cases back).
            let ready = reader.buffered
            if ready.count >= frameSize {
                let length = Int(ready.loadUnaligned(as: UInt32.self))
                if ready.count - frameSize >= length {
                    let ordinal = ready.loadUnaligned(fromByteOffset: 4, as: Int64.self)
                    reader.skip(frameSize + length)
                    try body(ordinal, UnsafeRawBufferPointer(start: ready.baseAddress! + frameSize, count: length))
                    left -= frameSize + length
                    continue
                }
            }
            let frame = try reader.next(frameSize)
            let length = Int(frame.loadUnaligned(as: UInt32.self))
            let ordinal = frame.loadUnaligned(fromByteOffset: 4, as: Int64.self)
            try body(ordinal, try reader.next(length))
            left -= frameSize + length
        }
    }
}
