import EHCPRules
import EHCPStore
import EHCPBindings

/// The text encoding of an extract.
public enum TextEncoding: String, Sendable, CaseIterable {
    /// UTF-8, switching to Windows-1252 only when that is certain: the file's non-ASCII
    /// bytes never form UTF-8 (Excel's "CSV" is Windows-1252 on English systems).
    case auto
    case utf8 = "utf-8"
    case windows1252 = "windows-1252"

    /// Reads `utf-8`, `utf8`, `windows-1252`, `cp1252`, `auto` (any case).
    public init?(name: String) {
        switch NameMatching.key(name) {
        case "auto": self = .auto
        case "utf8": self = .utf8
        case "windows1252", "cp1252", "win1252": self = .windows1252
        default: return nil
        }
    }
}

/// Checks UTF-8 as the bytes stream past, or transcodes Windows-1252 to UTF-8, so that
/// the CSV scanner and everything after it only ever sees valid UTF-8.
package struct EncodingFilter {
    package let path: String
    package let requested: TextEncoding
    /// True once the input is being read as Windows-1252.
    package private(set) var transcoding: Bool
    /// Line where auto-detection switched to Windows-1252.
    package private(set) var switchedAtLine: Int?
    /// Whether a valid multi-byte UTF-8 sequence has been seen (then Windows-1252 is not certain).
    private var sawUTF8 = false
    /// Bytes of a UTF-8 sequence not yet complete at the end of a chunk.
    private var pending: [UInt8] = []
    private var line = 1
    private var column = 1

    package init(path: String, encoding: TextEncoding) {
        self.path = path
        self.requested = encoding
        self.transcoding = encoding == .windows1252
    }

    /// Largest expansion of one input byte (Windows-1252 → UTF-8 is at most 3 bytes).
    package static let maxExpansion = 3

    /// Filters `input` (the next bytes of the file; empty at end of file) into `output`
    /// from index `at`, which leaves room for at least `maxExpansion × (input.count + 3)`
    /// bytes. Returns the bytes written.
    package mutating func filter(_ input: Span<UInt8>, into output: inout [UInt8], at start: Int) throws(InputError) -> Int {
        var written = start
        if input.isEmpty {
            // End of file inside a UTF-8 sequence (or, read as Windows-1252, what began like one).
            if !pending.isEmpty {
                if !transcoding { try invalid(pending[0]) }
                written += flushPendingAsWindows1252(into: &output, at: written)
            }
            return written - start
        }
        var i = 0
        let n = input.count
        while i < n {
            if transcoding {
                // Watch for real UTF-8 in a file read as Windows-1252: that is a mix, not certain.
                // A sequence is gathered in `pending` byte by byte, so one cut by the end of a
                // chunk is still seen (it used to be missed, and read silently as Windows-1252).
                let b = input[i]
                if requested == .auto {
                    if !pending.isEmpty {
                        guard Self.continues(pending, with: b) else {
                            written += flushPendingAsWindows1252(into: &output, at: written)
                            continue  // not UTF-8 after all: reprocess this byte
                        }
                        pending.append(b)
                        i += 1
                        if pending.count == Self.leadLength(pending[0]) {
                            throw .encoding(path: path, reason: "line \(line) holds UTF-8 text, but earlier lines are Windows-1252 (from line \(switchedAtLine ?? 1)); the file mixes encodings. Save it again as \"CSV UTF-8\", or pass --encoding windows-1252 to read it all as Windows-1252")
                        }
                        continue
                    }
                    if Self.leadLength(b) > 1 {
                        pending.append(b)
                        i += 1
                        continue
                    }
                }
                written += Self.windows1252(b, into: &output, at: written)
                track(b)
                i += 1
                continue
            }
            // ASCII fast path, eight bytes at a time; line and column as `track` would
            // leave them.
            if pending.isEmpty {
                let run = InputScan.copyASCII(input, from: i, into: &output, at: written)
                if run.lineFeeds == 0 {
                    column += run.count
                } else {
                    line += run.lineFeeds
                    column = run.afterLastLineFeed + 1
                }
                written += run.count
                i = run.end
                if i >= n { break }
            }
            let b = input[i]
            if pending.isEmpty {
                if b < 0x80 { output[written] = b; written += 1; track(b); i += 1; continue }
                guard Self.leadLength(b) > 1 else {
                    try invalid(b)
                    continue  // now transcoding: reprocess this byte
                }
                pending.append(b)
                i += 1
                continue
            }
            // Inside a multi-byte sequence.
            if Self.continues(pending, with: b) {
                pending.append(b)
                i += 1
                if pending.count == Self.leadLength(pending[0]) {
                    for p in pending { output[written] = p; written += 1 }
                    column += 1
                    sawUTF8 = true
                    pending.removeAll(keepingCapacity: true)
                }
            } else {
                try invalid(pending[0])
                written += flushPendingAsWindows1252(into: &output, at: written)
            }
        }
        return written - start
    }

    /// An invalid UTF-8 byte: switch to Windows-1252 when that is certain, otherwise stop.
    private mutating func invalid(_ byte: UInt8) throws(InputError) {
        let hex = "0x" + String(byte, radix: 16, uppercase: true)
        let position = "line \(line), column \(column)"
        switch requested {
        case .auto where !sawUTF8:
            transcoding = true
            switchedAtLine = line
        case .auto:
            throw .encoding(path: path, reason: "the byte \(hex) at \(position) is not UTF-8, but earlier lines are UTF-8: the file mixes encodings or is damaged. Save it again as \"CSV UTF-8\", or pass --encoding windows-1252 if it was saved from Excel as plain CSV")
        case .utf8:
            throw .encoding(path: path, reason: "the byte \(hex) at \(position) is not UTF-8. If the file was saved from Excel as plain \"CSV\", pass --encoding windows-1252, or save it again as \"CSV UTF-8\"")
        case .windows1252:
            break
        }
    }

    private mutating func flushPendingAsWindows1252(into output: inout [UInt8], at start: Int) -> Int {
        var written = 0
        for p in pending { written += Self.windows1252(p, into: &output, at: start + written); track(p) }
        pending.removeAll(keepingCapacity: true)
        return written
    }

    private mutating func track(_ b: UInt8) {
        if b == 0x0A { line += 1; column = 1 } else { column += 1 }
    }

    /// Length of the UTF-8 sequence a lead byte starts (1 for ASCII, 0 for an invalid lead).
    package static func leadLength(_ b: UInt8) -> Int {
        switch b {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: return 2
        case 0xE0...0xEF: return 3
        case 0xF0...0xF4: return 4
        default: return 0
        }
    }

    /// Whether `b` can follow the bytes in `sequence` (rejects overlongs and surrogates).
    package static func continues(_ sequence: [UInt8], with b: UInt8) -> Bool {
        guard b & 0xC0 == 0x80 else { return false }
        guard sequence.count == 1 else { return true }
        switch sequence[0] {
        case 0xE0: return b >= 0xA0
        case 0xED: return b <= 0x9F
        case 0xF0: return b >= 0x90
        case 0xF4: return b <= 0x8F
        default: return true
        }
    }

    /// Windows-1252 byte → UTF-8; the five undefined bytes become U+FFFD.
    package static func windows1252(_ b: UInt8, into out: inout [UInt8], at i: Int) -> Int {
        let scalar: UInt32
        if b < 0x80 {
            out[i] = b
            return 1
        } else if b >= 0xA0 {
            scalar = UInt32(b)
        } else {
            // 0x80 <= b < 0xA0 here: the subtraction cannot wrap and the index is 0..<32.
            scalar = high[Int(b - 0x80)]
        }
        if scalar < 0x800 {
            out[i] = UInt8(0xC0 | (scalar >> 6))
            out[i + 1] = UInt8(0x80 | (scalar & 0x3F))
            return 2
        }
        out[i] = UInt8(0xE0 | (scalar >> 12))
        out[i + 1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
        out[i + 2] = UInt8(0x80 | (scalar & 0x3F))
        return 3
    }

    /// Windows-1252 0x80–0x9F.
    private static let high: [UInt32] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
        0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
    ]
}
