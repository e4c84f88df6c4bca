import EHCPRules
import EHCPStore
import EHCPBindings

private let lineFeed: UInt8 = 0x0A
private let carriageReturn: UInt8 = 0x0D
private let quote: UInt8 = 0x22
private let space: UInt8 = 0x20
private let tab: UInt8 = 0x09

/// Where libcsv's strict state machine stands, as this scanner works it out from the
/// bytes it fed (libcsv's own state is private to it). The names are libcsv's.
package enum CSVParserState: Equatable {
    case rowNotBegun
    case fieldNotBegun
    case fieldBegun
    /// Just after a quote inside a quoted field: a closing quote, or the first of a doubled one.
    case fieldMightHaveEnded
}

/// Drives libcsv over a byte stream and keeps what libcsv does not: physical line
/// numbers, columns, and where a quoted field opened.
///
/// The input is cut into pieces that never cross a line end (LF, CRLF or lone CR), and
/// each piece goes to libcsv on its own. A record can therefore end only at the end of a
/// piece, so the line where a record starts is the line of the first piece fed while
/// the parser was between records.
///
/// Where the parser stands (between records, inside a quoted field, just after a quote)
/// is worked out from the bytes, never read from libcsv: a piece that completes a record
/// leaves it between records; any other piece is replayed through the same state
/// machine (`replay`). Those are the pieces that end a chunk mid-line, blank lines and
/// the lines inside a quoted field, so the replay costs next to nothing.
package struct CSVScanner: ~Copyable {
    package static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    package let path: String
    package let delimiter: UInt8
    package let trimsTabs: Bool
    private var parser: LibCSVParser

    /// Where the parser stands after the bytes fed so far.
    package private(set) var state = CSVParserState.rowNotBegun
    /// Whether the field begun (`state` `.fieldBegun` or `.fieldMightHaveEnded`) is quoted.
    package private(set) var quoted = false
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
        parser = LibCSVParser(delimiter: delimiter, trimsTabs: delimiter != tab)
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
        var chunk = [UInt8](repeating: 0, count: capacity)
        var offset = start.offset  // stream offset of chunk[0]
        line = start.line
        lastLine = start.line
        lineStart = start.offset
        var atStart = start.offset == 0
        while true {
            var count = try source.read(into: &chunk, at: 0, capacity: capacity)
            var position = 0
            if atStart {
                atStart = false
                // Enough bytes to recognise a byte-order mark.
                while count > 0, count < 3 {
                    let more = try source.read(into: &chunk, at: count, capacity: capacity - count)
                    if more == 0 { break }
                    count += more
                }
                if count >= 3, chunk[0] == 0xEF, chunk[1] == 0xBB, chunk[2] == 0xBF {
                    position = 3
                    lineStart = 3
                }
            }
            if count == 0 { break }
            try scanChunk(chunk.span.extracting(0..<count), from: position, offset: offset, onRow: onRow, onProblem: onProblem)
            offset += count
        }
        if isLast {
            try finish(at: offset, onRow: onRow, onProblem: onProblem)
        }
    }

    /// True when the bytes scanned so far end exactly where a record ends: the next
    /// byte starts a record, whatever came before it.
    package var endedBetweenRecords: Bool {
        !pendingCR && state == .rowNotBegun && parser.fieldCount == 0
    }

    /// Cuts `chunk[start...]` at line ends and feeds each piece.
    private mutating func scanChunk(
        _ chunk: Span<UInt8>,
        from start: Int,
        offset: Int,
        onRow: (CSVRow) throws -> Void,
        onProblem: (CSVProblem) throws -> Void
    ) throws {
        let count = chunk.count
        var position = start
        if pendingCR {
            pendingCR = false
            if position < count, chunk[position] == lineFeed {
                // The LF of a CRLF split across chunks belongs to the same line.
                try feed(chunk.extracting(position ..< position + 1), at: offset + position, onRow: onRow, onProblem: onProblem)
                position += 1
            }
            newLine(at: offset + position)
        }
        // Index of the next CR at or after `position` (count when none), searched lazily
        // so that LF-only files scan for CR once per chunk.
        var nextCR = -1
        while position < count {
            if nextCR < position {
                nextCR = Bytes.firstIndex(of: carriageReturn, in: chunk, position ..< count) ?? count
            }
            var end: Int
            var terminated = true
            if let lf = Bytes.firstIndex(of: lineFeed, in: chunk, position ..< count) {
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
            try feed(chunk.extracting(position ..< end), at: offset + position, onRow: onRow, onProblem: onProblem)
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
        _ piece: Span<UInt8>,
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
        let count = piece.count
        let nul = Bytes.firstIndex(of: 0, in: piece, 0 ..< count)
        let parsed = nul ?? count
        let (startState, startQuoted) = (state, quoted)
        if startState == .rowNotBegun { recordLine = line; recordOffset = offset }
        switch parser.parse(piece.extracting(0 ..< parsed)) {
        case .parsed:
            break
        case .outOfMemory:
            throw InputError.readFailed(path: path, reason: "a field on line \(line) is too large to hold in memory")
        case .malformed(let used):
            // Where the parser stood before the byte it refused says which mistake it is.
            let before = replay(piece.extracting(0 ..< used), from: startState, quoted: startQuoted)
            let message = before.state == .fieldMightHaveEnded
                ? "text after a closing quote"
                : "unexpected quote inside an unquoted field"
            let problem = CSVProblem(line: line, column: offset + used - lineStart + 1, message: message)
            discardRecord()
            skipping = true
            try onProblem(problem)
            return
        }
        if let nul {
            let problem = CSVProblem(
                line: line, column: offset + nul - lineStart + 1,
                message: "a NUL byte (0x00), which is not text: the file may be UTF-16 (save it again as \"CSV UTF-8\") or damaged")
            discardRecord()
            skipping = true
            try onProblem(problem)
            return
        }
        if parser.hasRecord {
            // A record ends only at a line end, which ends the piece: between records now.
            (state, quoted) = (.rowNotBegun, false)
            try parser.deliver(line: recordLine, offset: recordOffset, onRow)
            return
        }
        let after = replay(piece, from: startState, quoted: startQuoted)
        (state, quoted) = (after.state, after.quoted)
        if Self.inQuotedField(state, quoted), let opening = after.opening {
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
    private static func inQuotedField(_ state: CSVParserState, _ quoted: Bool) -> Bool {
        (state == .fieldBegun && quoted) || state == .fieldMightHaveEnded
    }

    /// Replays libcsv's strict state machine over `piece` (which parsed without error)
    /// from `state`: where it stands after the piece, and the index of the last quote in
    /// it that opened a quoted field, if any.
    private func replay(_ piece: Span<UInt8>, from state: CSVParserState, quoted: Bool)
        -> (state: CSVParserState, quoted: Bool, opening: Int?)
    {
        var state = state
        var quoted = quoted
        var opening: Int?
        for i in 0 ..< piece.count {
            let c = piece[i]
            let isTerminator = c == lineFeed || c == carriageReturn
            switch state {
            case .rowNotBegun, .fieldNotBegun:
                if c != delimiter, c == space || (trimsTabs && c == tab) { continue }
                if isTerminator {
                    state = .rowNotBegun
                } else if c == delimiter {
                    state = .fieldNotBegun
                } else if c == quote {
                    state = .fieldBegun
                    quoted = true
                    opening = i
                } else {
                    state = .fieldBegun
                    quoted = false
                }
            case .fieldBegun:
                if quoted {
                    if c == quote { state = .fieldMightHaveEnded }
                } else if c == delimiter {
                    state = .fieldNotBegun
                } else if isTerminator {
                    state = .rowNotBegun
                }
            case .fieldMightHaveEnded:
                if c == delimiter {
                    state = .fieldNotBegun
                    quoted = false
                } else if isTerminator {
                    state = .rowNotBegun
                    quoted = false
                } else if c == quote {
                    state = .fieldBegun  // a doubled quote
                }
            }
            if state == .rowNotBegun || state == .fieldNotBegun { quoted = false }
        }
        return (state, quoted, opening)
    }

    /// Drops the partial record and returns the parser to the start of a record.
    private mutating func discardRecord() {
        parser.discard()
        (state, quoted) = (.rowNotBegun, false)
    }

    /// End of input: an unterminated quoted field is a problem; anything else left in the
    /// parser (a last line without a line end) is a record. `scan` calls it unless told
    /// the source is not the last; a chunk learns it is last only once read (`ChunkQueue`).
    package mutating func finish(
        at offset: Int,
        onRow: (CSVRow) throws -> Void,
        onProblem: (CSVProblem) throws -> Void
    ) throws {
        if pendingCR {
            pendingCR = false
            newLine(at: offset)
        }
        if state == .fieldBegun, quoted {
            discardRecord()
            // Say how far it ran: every line after the quote was swallowed into this record.
            let extent = lastLine > quoteLine
                ? ", so it runs to the end of the file (lines \(quoteLine) to \(lastLine) are one record)" : ""
            try onProblem(CSVProblem(
                line: quoteLine, column: quoteColumn,
                message: "a quoted field opened on line \(quoteLine) is never closed" + extent))
            return
        }
        parser.finish()
        (state, quoted) = (.rowNotBegun, false)
        if parser.hasRecord {
            try parser.deliver(line: recordLine, offset: recordOffset, onRow)
        }
    }
}
