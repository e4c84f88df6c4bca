#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Reading input into memory and scanning it a word at a time: the raw-memory half of
// EHCPIngest's readers, here because it is about input (general buffers are EHCPStore's).

/// `read(2)` and `pread(2)` into arrays: the only place input files are read into memory,
/// so that the readers above hold plain `[UInt8]` buffers. Each call fills
/// `buffer[at ..< at + count]`, which must exist (buffers are made once at their full
/// size and reused, so no read pays for clearing or growing one).
package enum FileReads {
    /// One `read(2)` into `buffer[at ..< at + count]`: the bytes read, 0 at end of file,
    /// or -1 with `errno` set.
    package static func read(_ fd: Int32, into buffer: inout [UInt8], at offset: Int, count: Int) -> Int {
        precondition(offset >= 0 && count >= 0 && offset + count <= buffer.count, "read out of bounds")
        return buffer.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress! + offset, count) }
    }

    /// One `pread(2)` of the file's bytes from `fileOffset` into `buffer[at ..< at + count]`:
    /// the bytes read, 0 at end of file, or -1 with `errno` set.
    package static func pread(_ fd: Int32, from fileOffset: Int, into buffer: inout [UInt8], at offset: Int, count: Int) -> Int {
        precondition(offset >= 0 && count >= 0 && offset + count <= buffer.count, "read out of bounds")
        return buffer.withUnsafeMutableBytes { systemPread(fd, $0.baseAddress! + offset, count, off_t(fileOffset)) }
    }
}

/// `read(2)` and `pread(2)`, named apart from `FileReads`'s.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }
private func systemPread(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int, _ offset: off_t) -> Int {
    pread(fd, buffer, count, offset)
}

/// Word-at-a-time scans of input bytes, where loading eight bytes at once needs raw memory.
package enum InputScan {
    /// Eight bytes at once (the first in the lowest byte of `word`): the high bit of each
    /// byte that is an LF, every other bit clear.
    @inline(__always)
    package static func lineFeedBits(_ word: UInt64) -> UInt64 {
        let x = word ^ 0x0A0A_0A0A_0A0A_0A0A, low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        // High bit set exactly in the bytes of x that are zero (the LFs).
        return ~(((x & low7) &+ low7) | x | low7)
    }

    /// The number of LF bytes in `bytes`.
    package static func lineFeeds(_ bytes: Span<UInt8>) -> Int {
        bytes.withUnsafeBufferPointer { p in
            let count = p.count
            guard let base = p.baseAddress else { return 0 }
            let raw = UnsafeRawPointer(base)
            var total = 0, i = 0
            while i + 8 <= count {
                total += lineFeedBits(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))).nonzeroBitCount
                i += 8
            }
            while i < count { total += base[i] == 10 ? 1 : 0; i += 1 }
            return total
        }
    }

    /// What `copyASCII` copied: up to where, and the line feeds among the bytes copied.
    package struct ASCIIRun {
        /// Index in the input just after the last byte copied.
        package var end: Int
        /// Bytes copied.
        package var count: Int
        /// Line feeds among them.
        package var lineFeeds: Int
        /// Bytes copied after the last of those line feeds (meaningful when there is one).
        package var afterLastLineFeed: Int
    }

    /// Copies `input[from...]` into `output[at...]` eight bytes at a time while every byte
    /// of the word is ASCII, stopping before the first word that is not (or fewer than
    /// eight bytes from the end). `output` must have room for `input.count - from` bytes
    /// from `at`. The rest, byte by byte, is the caller's.
    package static func copyASCII(_ input: Span<UInt8>, from start: Int, into output: inout [UInt8], at offset: Int) -> ASCIIRun {
        precondition(start >= 0 && start <= input.count && offset >= 0 && offset + (input.count - start) <= output.count,
                     "copy out of bounds")
        return input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                var run = ASCIIRun(end: start, count: 0, lineFeeds: 0, afterLastLineFeed: 0)
                guard let from = source.baseAddress, let to = target.baseAddress else { return run }
                let n = source.count
                var i = start, written = offset
                while i + 8 <= n {
                    let word = UnsafeRawPointer(from + i).loadUnaligned(as: UInt64.self)
                    if word & 0x8080_8080_8080_8080 != 0 { break }
                    UnsafeMutableRawPointer(to + written).storeBytes(of: word, as: UInt64.self)
                    let feeds = lineFeedBits(UInt64(littleEndian: word))
                    if feeds == 0 {
                        run.afterLastLineFeed += 8
                    } else {
                        run.lineFeeds += feeds.nonzeroBitCount
                        let last = (63 - feeds.leadingZeroBitCount) / 8  // little-endian: byte index
                        run.afterLastLineFeed = 7 - last
                    }
                    written += 8
                    i += 8
                }
                run.end = i
                run.count = i - start
                return run
            }
        }
    }
}
