import EHCPRules
import EHCPStore
import CLibCSV

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// libcsv's parser states (csv_parser.pstate); they are private to libcsv.c.
private let rowNotBegun: Int32 = 0
private let fieldNotBegun: Int32 = 1
private let fieldBegun: Int32 = 2
private let fieldMightHaveEnded: Int32 = 3

private let lineFeed: UInt8 = 0x0A
private let carriageReturn: UInt8 = 0x0D
private let quote: UInt8 = 0x22
private let space: UInt8 = 0x20
private let tab: UInt8 = 0x09

/// The record being assembled: field bytes back to back and the end offset of each
/// field. Both buffers are reused for every record and only grow.
package struct CSVRecordStorage {
    package var bytes: UnsafeMutablePointer<UInt8>
    package var byteCount = 0
    package var byteCapacity: Int
    package var ends: UnsafeMutablePointer<Int>
    package var fieldCount = 0
    package var fieldCapacity: Int
    /// Set by libcsv's end-of-record callback.
    package var complete = false

    package init() {
        byteCapacity = 4096
        bytes = .allocate(capacity: byteCapacity)
        fieldCapacity = 64
        ends = .allocate(capacity: fieldCapacity)
    }

    @inline(__always)
    package mutating func append(_ field: UnsafeRawPointer?, _ length: Int) {
        if fieldCount == fieldCapacity { growFields() }
        if length > 0, let field {
            if byteCount + length > byteCapacity { growBytes(toHold: byteCount + length) }
            UnsafeMutableRawPointer(bytes + byteCount).copyMemory(from: field, byteCount: length)
            byteCount += length
        }
        ends[fieldCount] = byteCount
        fieldCount += 1
    }

    package mutating func reset() {
        byteCount = 0
        fieldCount = 0
        complete = false
    }

    package var row: (bytes: UnsafeBufferPointer<UInt8>, ends: UnsafeBufferPointer<Int>) {
        (UnsafeBufferPointer(start: bytes, count: byteCount), UnsafeBufferPointer(start: ends, count: fieldCount))
    }

    private mutating func growBytes(toHold needed: Int) {
        var capacity = byteCapacity * 2
        while capacity < needed { capacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.update(from: bytes, count: byteCount)
        bytes.deallocate()
        bytes = grown
        byteCapacity = capacity
    }

    private mutating func growFields() {
        let capacity = fieldCapacity * 2
        let grown = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
        grown.update(from: ends, count: fieldCount)
        ends.deallocate()
        ends = grown
        fieldCapacity = capacity
    }

    package func deallocate() {
        bytes.deallocate()
        ends.deallocate()
    }
}

/// The state libcsv's callbacks reach through their `void *` argument (via `Unmanaged`).
/// The storage sits behind a pointer so the callbacks mutate it without reference
/// counting or exclusivity checks.
package final class CSVRecordSink {
    package let storage: UnsafeMutablePointer<CSVRecordStorage>

    package init() {
        storage = .allocate(capacity: 1)
        storage.initialize(to: CSVRecordStorage())
    }

    deinit {
        storage.pointee.deallocate()
        storage.deinitialize(count: 1)
        storage.deallocate()
    }
}

// libcsv callbacks: plain functions (no captures, no actor isolation). They only copy
// bytes and set a flag, so nothing can fail or throw inside C.

/// Field callback: append the field to the record being assembled. The context is the
/// storage itself, so a field costs no reference counting (it runs for every cell).
private func csvFieldEnded(_ field: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?) {
    context?.assumingMemoryBound(to: CSVRecordStorage.self).pointee.append(field, length)
}

/// Record callback: the record is complete; the scanner delivers it once `csv_parse` returns.
private func csvRecordEnded(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
    context?.assumingMemoryBound(to: CSVRecordStorage.self).pointee.complete = true
}

/// Space test for tab-delimited files: only spaces are trimmed, so a tab is always a
/// delimiter (libcsv's default trims tabs too).
private func csvIsSpaceOnly(_ c: UInt8) -> Int32 {
    c == space ? 1 : 0
}

/// Drives libcsv over a byte stream and keeps what libcsv does not: physical line
/// numbers, columns, and where a quoted field opened.
///
/// The input is cut into pieces that never cross a line end (LF, CRLF or lone CR), and
/// each piece goes to `csv_parse` on its own. A record can therefore end only at the end
/// of a piece, so the line where a record starts is the line of the first piece fed while
/// the parser was between records.
package struct CSVScanner {
    package static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    package let path: String
    package let delimiter: UInt8
    package let trimsTabs: Bool
    package let parser: UnsafeMutablePointer<csv_parser>
    package let sink: CSVRecordSink
    package let storage: UnsafeMutablePointer<CSVRecordStorage>
    package let context: UnsafeMutableRawPointer

    /// Physical line (1-based) of the next byte fed.
    package var line = 1
    /// File offset of the first byte of `line` (after the byte-order mark on line 1).
    package var lineStart = 0
    /// Line where the record being assembled started.
    package var recordLine = 1
    /// Offset in the byte stream of the first piece of the record being assembled.
    package var recordOffset = 0
    /// After a malformed record: ignore input up to the end of the line.
    package var skipping = false
    /// The last line that held any input (for the extent of an unterminated quote).
    package var lastLine = 1
    /// A chunk ended with CR; the next chunk tells whether it was CRLF.
    package var pendingCR = false
    /// Where the quoted field the parser is inside opened.
    package var quoteLine = 0
    package var quoteColumn = 0

    package init(path: String, delimiter: UInt8) {
        self.path = path
        self.delimiter = delimiter
        self.trimsTabs = delimiter != tab
        parser = .allocate(capacity: 1)
        parser.initialize(to: csv_parser())
        csv_init(parser, UInt8(CSV_STRICT))
        csv_set_delim(parser, delimiter)
        if !trimsTabs { csv_set_space_func(parser, csvIsSpaceOnly) }
        sink = CSVRecordSink()
        storage = sink.storage
        context = UnsafeMutableRawPointer(storage)  // the sink, kept by `sink`, owns it
    }

    /// Frees libcsv's buffer and the parser; call once when done.
    package func release() {
        csv_free(parser)
        parser.deinitialize(count: 1)
        parser.deallocate()
        // libcsv reached the sink through an unretained pointer: keep it alive until here.
        withExtendedLifetime(sink) {}
    }

    /// Scans `source` to its end. A source that starts inside the file (a chunk read in
    /// parallel, a row read again) gives its offset and line in `start`; only a source
    /// that starts at the beginning of the file can have a byte-order mark.
    ///
    /// A chunk that is not the last (`isLast` false) is not finished off: whatever record
    /// it leaves open stays open, and `endedBetweenRecords` says whether there is one.
    package mutating func scan<Source: CSVBytes>(
        _ source: inout Source,
        from start: (offset: Int, line: Int) = (0, 1),
        isLast: Bool = true,
        onRow: (CSVRow) throws -> Void,
        onProblem: (CSVProblem) throws -> Void
    ) throws {
        // At least enough room to recognise a byte-order mark.
        let capacity = max(source.chunkSize, 4)
        let chunk = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { chunk.deallocate() }
        var offset = start.offset  // stream offset of chunk[0]
        line = start.line
        lastLine = start.line
        lineStart = start.offset
        var atStart = start.offset == 0
        while true {
            var count = try source.read(into: chunk, capacity: capacity)
            var position = 0
            if atStart {
                atStart = false
                // Enough bytes to recognise a byte-order mark.
                while count > 0, count < 3 {
                    let more = try source.read(into: chunk + count, capacity: capacity - count)
                    if more == 0 { break }
                    count += more
                }
                if count >= 3, chunk[0] == 0xEF, chunk[1] == 0xBB, chunk[2] == 0xBF {
                    position = 3
                    lineStart = 3
                }
            }
            if count == 0 { break }
            try scanChunk(chunk, from: position, count: count, offset: offset, onRow: onRow, onProblem: onProblem)
            offset += count
        }
        if isLast {
            try finish(at: offset, onRow: onRow, onProblem: onProblem)
        }
    }

    /// True when the bytes scanned so far end exactly where a record ends: the next
    /// byte starts a record, whatever came before it.
    package var endedBetweenRecords: Bool {
        !pendingCR && parser.pointee.pstate == rowNotBegun && storage.pointee.fieldCount == 0
    }

    /// Cuts `chunk[position..<count]` at line ends and feeds each piece.
    private mutating func scanChunk(
        _ chunk: UnsafeMutablePointer<UInt8>,
        from start: Int,
        count: Int,
        offset: Int,
        onRow: (CSVRow) throws -> Void,
        onProblem: (CSVProblem) throws -> Void
    ) throws {
        var position = start
        if pendingCR {
            pendingCR = false
            if position < count, chunk[position] == lineFeed {
                // The LF of a CRLF split across chunks belongs to the same line.
                try feed(chunk + position, count: 1, at: offset + position, onRow: onRow, onProblem: onProblem)
                position += 1
            }
            newLine(at: offset + position)
        }
        // Index of the next CR at or after `position` (count when none), searched lazily
        // so that LF-only files scan for CR once per chunk.
        var nextCR = -1
        while position < count {
            if nextCR < position {
                nextCR = chunk.index(of: carriageReturn, from: position, to: count) ?? count
            }
            var end: Int
            var terminated = true
            if let lf = chunk.index(of: lineFeed, from: position, to: count) {
                // A CR before the one just ahead of the LF is a lone CR: a line end of its own.
                end = nextCR < lf - 1 ? nextCR + 1 : lf + 1
            } else if nextCR < count {
                end = nextCR + 1
                if end == count {
                    // CR at the chunk's end: a line end either way, but an LF may follow.
                    terminated = false
                    pendingCR = true
                }
            } else {
                end = count
                terminated = false
            }
            try feed(chunk + position, count: end - position, at: offset + position, onRow: onRow, onProblem: onProblem)
            if terminated { newLine(at: offset + end) }
            position = end
        }
    }

    private mutating func newLine(at offset: Int) {
        line += 1
        lineStart = offset
        skipping = false
    }

    /// Parses one piece of a single line; delivers the record or the problem it completes.
    private mutating func feed(
        _ piece: UnsafeMutablePointer<UInt8>,
        count: Int,
        at offset: Int,
        onRow: (CSVRow) throws -> Void,
        onProblem: (CSVProblem) throws -> Void
    ) throws {
        lastLine = line
        if skipping { return }
        // CSV text never holds a NUL byte (RFC 4180): one means a UTF-16 file or damage.
        // Passed on, it would reach the outputs and cut cells short in whatever reads them.
        // Only the bytes before it are parsed, so that whichever problem comes first in the
        // line is the one reported, wherever the chunks end.
        let nul = piece.index(of: 0, from: 0, to: count)
        let parsed = nul ?? count
        let startState = parser.pointee.pstate
        let startQuoted = parser.pointee.quoted
        if startState == rowNotBegun { recordLine = line; recordOffset = offset }
        let used = csv_parse(parser, piece, parsed, csvFieldEnded, csvRecordEnded, context)
        if used == parsed, let nul {
            let problem = CSVProblem(
                line: line, column: offset + nul - lineStart + 1,
                message: "a NUL byte (0x00), which is not text: the file may be UTF-16 (save it again as \"CSV UTF-8\") or damaged")
            discardRecord()
            skipping = true
            try onProblem(problem)
            return
        }
        if used < parsed {
            guard csv_error(parser) == CSV_EPARSE else {
                throw CSVError.readFailed(
                    path: path, reason: "a field on line \(line) is too large to hold in memory")
            }
            let message = parser.pointee.pstate == fieldMightHaveEnded
                ? "text after a closing quote"
                : "unexpected quote inside an unquoted field"
            let problem = CSVProblem(line: line, column: offset + used - lineStart + 1, message: message)
            discardRecord()
            skipping = true
            try onProblem(problem)
            return
        }
        if storage.pointee.complete {
            let row = storage.pointee.row
            defer { storage.pointee.reset() }
            try onRow(CSVRow(line: recordLine, offset: recordOffset, bytes: row.bytes, ends: row.ends))
        } else if Self.inQuotedField(parser.pointee.pstate, parser.pointee.quoted),
                  let opening = openingQuote(in: piece, count: count, state: startState, quoted: startQuoted != 0)
        {
            // The last quoted field opened in this piece is the one still open; when none
            // opened here, it opened in an earlier piece and is already recorded.
            quoteLine = line
            quoteColumn = offset + opening - lineStart + 1
        }
    }

    /// Whether the parser is inside a quoted field, counting the state just after a quote
    /// in it (which a doubled quote in the next piece continues). Not counting that state
    /// once left an unterminated quote that opened in such a piece at "line 0, column 0",
    /// and skipping pieces that started in it placed a field opened after it at the old
    /// field's quote, depending on where a chunk ended (both found by fuzz-csv-reader).
    private static func inQuotedField(_ state: Int32, _ quoted: Int32) -> Bool {
        (state == fieldBegun && quoted != 0) || state == fieldMightHaveEnded
    }

    /// Replays libcsv's state machine over `piece` (which parsed without error) and
    /// returns the index of the last quote that opened a quoted field, if any.
    private func openingQuote(in piece: UnsafeMutablePointer<UInt8>, count: Int, state: Int32, quoted: Bool) -> Int? {
        var state = state
        var quoted = quoted
        var opening: Int?
        for i in 0..<count {
            let c = piece[i]
            let isTerminator = c == lineFeed || c == carriageReturn
            switch state {
            case rowNotBegun, fieldNotBegun:
                if c != delimiter, c == space || (trimsTabs && c == tab) { continue }
                if isTerminator {
                    state = rowNotBegun
                } else if c == delimiter {
                    state = fieldNotBegun
                } else if c == quote {
                    state = fieldBegun
                    quoted = true
                    opening = i
                } else {
                    state = fieldBegun
                    quoted = false
                }
            case fieldBegun:
                if quoted {
                    if c == quote { state = fieldMightHaveEnded }
                } else if c == delimiter {
                    state = fieldNotBegun
                } else if isTerminator {
                    state = rowNotBegun
                }
            default:  // after a quote inside a quoted field
                if c == delimiter {
                    state = fieldNotBegun
                } else if isTerminator {
                    state = rowNotBegun
                } else if c == quote {
                    state = fieldBegun  // a doubled quote
                }
            }
        }
        return opening
    }

    /// Drops the partial record and returns the parser to the start of a record.
    private mutating func discardRecord() {
        storage.pointee.reset()
        csv_fini(parser, nil, nil, nil)
    }

    /// End of input: an unterminated quoted field is a problem; anything else left in the
    /// parser (a last line without a line end) is a record.
    private mutating func finish(
        at offset: Int,
        onRow: (CSVRow) throws -> Void,
        onProblem: (CSVProblem) throws -> Void
    ) throws {
        if pendingCR {
            pendingCR = false
            newLine(at: offset)
        }
        if parser.pointee.pstate == fieldBegun, parser.pointee.quoted != 0 {
            discardRecord()
            // Say how far it ran: every line after the quote was swallowed into this record.
            let extent = lastLine > quoteLine
                ? ", so it runs to the end of the file (lines \(quoteLine) to \(lastLine) are one record)" : ""
            try onProblem(CSVProblem(
                line: quoteLine, column: quoteColumn,
                message: "a quoted field opened on line \(quoteLine) is never closed" + extent))
            return
        }
        csv_fini(parser, csvFieldEnded, csvRecordEnded, context)
        if storage.pointee.complete {
            let row = storage.pointee.row
            defer { storage.pointee.reset() }
            try onRow(CSVRow(line: recordLine, offset: recordOffset, bytes: row.bytes, ends: row.ends))
        }
    }
}

extension UnsafeMutablePointer<UInt8> {
    /// Index of the first `byte` in `self[from..<to]` (memchr).
    @inline(__always)
    fileprivate func index(of byte: UInt8, from: Int, to: Int) -> Int? {
        guard from < to, let found = memchr(self + from, Int32(byte), to - from) else { return nil }
        return UnsafeRawPointer(self).distance(to: UnsafeRawPointer(found))
    }
}
