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
    package static func lineFeedBits(_ word: UInt64) -> UInt64 { byteBits(word, 0x0A0A_0A0A_0A0A_0A0A) }

    /// The high bit of each byte of `word` equal to the byte repeated in `pattern`, every
    /// other bit clear (exact: no false positives, unlike the usual has-zero-byte trick).
    @inline(__always)
    package static func byteBits(_ word: UInt64, _ pattern: UInt64) -> UInt64 {
        let x = word ^ pattern, low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        // High bit set exactly in the bytes of x that are zero.
        return ~(((x & low7) &+ low7) | x | low7)
    }

    /// The sum of the eight byte lanes of `lanes`.
    @inline(__always)
    static func laneSum(_ lanes: UInt64) -> Int {
        let m: UInt64 = 0x00FF_00FF_00FF_00FF
        let pairs = (lanes & m) &+ ((lanes >> 8) & m)  // four lanes of 16 bits, each at most 510
        return Int((pairs &* 0x0001_0001_0001_0001) >> 48)
    }

    /// The number of LF bytes in `bytes`.
    package static func lineFeeds(_ bytes: Span<UInt8>) -> Int {
        bytes.withUnsafeBufferPointer { p in
            let count = p.count
            guard let base = p.baseAddress else { return 0 }
            let raw = UnsafeRawPointer(base)
            var total = 0, i = 0
            // Sixteen bytes at a time (SSE2, in the baseline target): each lane counts its
            // LFs, added up every 255 vectors at most, before a lane can overflow.
            let lineFeed = SIMD16<UInt8>(repeating: 10), one = SIMD16<UInt8>(repeating: 1), zero = SIMD16<UInt8>()
            while i + 16 <= count {
                let stop = min(count - 16, i + 254 * 16)
                var lanes = SIMD16<UInt8>()
                while i <= stop {
                    let v = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
                    lanes &+= zero.replacing(with: one, where: v .== lineFeed)
                    i += 16
                }
                total += Int(SIMD16<UInt16>(truncatingIfNeeded: lanes).wrappedSum())
            }
            while i + 8 <= count {
                // One count per byte lane, added up every 255 words at most (before a lane
                // can overflow): cheaper than a popcount per word where the target has no
                // POPCNT (the baseline x86-64 target has none).
                let stop = min(count - 8, i + 254 * 8)
                var lanes: UInt64 = 0
                while i <= stop {
                    lanes &+= lineFeedBits(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))) >> 7
                    i += 8
                }
                total += laneSum(lanes)
            }
            while i < count { total += base[i] == 10 ? 1 : 0; i += 1 }
            return total
        }
    }

    /// The line ends of `bytes`: every CR, and every LF not just after a CR (a CRLF counts
    /// once, also when `previousWasCR` says its CR ended the bytes before), eight bytes at
    /// a time. Byte by byte, this once took 8 % of a 1M-row run's CPU on a CRLF file, six
    /// times what counting the LFs of an LF file takes.
    package static func lineEndsWithCR(_ bytes: Span<UInt8>, previousWasCR: Bool) -> Int {
        bytes.withUnsafeBufferPointer { p in
            let count = p.count
            guard let base = p.baseAddress else { return 0 }
            let raw = UnsafeRawPointer(base)
            var total = 0, i = 0
            // The high bit of byte 0 when a CR came just before it.
            var carry: UInt64 = previousWasCR ? 0x80 : 0
            while i + 8 <= count {
                let stop = min(count - 8, i + 254 * 8)  // as in lineFeeds: no lane overflows
                var lanes: UInt64 = 0
                while i <= stop {
                    let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                    let l = byteBits(word, 0x0A0A_0A0A_0A0A_0A0A), c = byteBits(word, 0x0D0D_0D0D_0D0D_0D0D)
                    // A CR's high bit moved onto the next byte's: set on each LF that follows a CR.
                    let afterCR = (c << 8) | carry
                    lanes &+= (c | (l & ~afterCR)) >> 7
                    carry = c >> 56
                    i += 8
                }
                total += laneSum(lanes)
            }
            var afterCR = carry != 0
            while i < count {
                let b = base[i]
                if b == 13 || (b == 10 && !afterCR) { total += 1 }
                afterCR = b == 13
                i += 1
            }
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
