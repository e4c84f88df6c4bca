// libcsv's Swift face. Only what must touch C or raw memory is here: the C parser, the
// callbacks that copy fields into a reusable record, and lending a field as a span. Where
// lines, records and quoted fields start, and what a malformed record is called, is
// EHCPIngest's `CSVScanner`, which feeds this parser pieces of a line at a time.
import CLibCSV
import EHCPStore

/// The record libcsv is assembling: field bytes back to back and the end offset of each
/// field. Both buffers are reused for every record and only grow. Reached by libcsv's
/// callbacks through a plain pointer (no reference counting, no exclusivity checks: they
/// run for every cell).
@usableFromInline
struct CSVRecordStorage {
    @usableFromInline var bytes: UnsafeMutablePointer<UInt8>
    var byteCount = 0
    var byteCapacity: Int
    @usableFromInline var ends: UnsafeMutablePointer<Int>
    @usableFromInline var fieldCount = 0
    var fieldCapacity: Int
    /// Set by libcsv's end-of-record callback.
    @usableFromInline var complete = false
    /// Counts the records handed out, so that a `CSVRow` kept past its callback is caught.
    @usableFromInline var generation = 0

    init() {
        byteCapacity = 4096
        bytes = .allocate(capacity: byteCapacity)
        fieldCapacity = 64
        ends = .allocate(capacity: fieldCapacity)
    }

    @inline(__always)
    mutating func append(_ field: UnsafeRawPointer?, _ length: Int) {
        if fieldCount == fieldCapacity { growFields() }
        if length > 0, let field {
            if byteCount + length > byteCapacity { growBytes(toHold: byteCount + length) }
            Bytes.copy(from: field, to: UnsafeMutableRawPointer(bytes + byteCount), count: length)
            byteCount += length
        }
        ends[fieldCount] = byteCount
        fieldCount += 1
    }

    mutating func reset() {
        byteCount = 0
        fieldCount = 0
        complete = false
        generation &+= 1
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

    func deallocate() {
        bytes.deallocate()
        ends.deallocate()
    }
}

/// Owns the record storage and frees it in `deinit`. A class rather than a `~Copyable`
/// owner, because ownership is shared: every `CSVRow` handed out holds it too, so a row
/// kept past its callback still reads live memory (and traps on the generation check)
/// however long the parser lives. The parser itself, sole owner of the C state, is `~Copyable`.
@usableFromInline
final class CSVRecordSink {
    @usableFromInline let storage: UnsafeMutablePointer<CSVRecordStorage>

    init() {
        storage = .allocate(capacity: 1)
        storage.initialize(to: CSVRecordStorage())
    }

    deinit {
        storage.pointee.deallocate()
        storage.deinitialize(count: 1)
        storage.deallocate()
    }
}

/// One parsed CSV record, valid only inside the callback that receives it: the parser
/// reuses its storage for the next record. Reading it later is still memory-safe (the
/// storage lives as long as the row), but traps rather than return another record's bytes.
public struct CSVRow {
    /// Physical line where the record starts in the file (header = 1; blank lines count).
    public internal(set) var line: Int
    /// Offset of the record's first line in the (UTF-8) byte stream: the file offset
    /// unless the file was transcoded.
    public internal(set) var offset: Int
    /// The number of fields.
    public internal(set) var count: Int
    @usableFromInline let sink: CSVRecordSink
    @usableFromInline var generation: Int

    init(sink: CSVRecordSink) {
        line = 0
        offset = 0
        self.sink = sink
        count = 0
        generation = -1
    }

    /// Points the row at the record now in the sink (the parser keeps one row and moves
    /// it on, so handing a record out costs no reference counting).
    mutating func describe(line: Int, offset: Int) {
        self.line = line
        self.offset = offset
        count = sink.storage.pointee.fieldCount
        generation = sink.storage.pointee.generation
    }

    /// Becomes `next`: a reader reused from row to row keeps one row. When both come from
    /// the same parser (always, within a file) only the numbers change, so moving on to the
    /// next record costs no reference counting.
    public mutating func become(_ next: CSVRow) {
        if sink === next.sink {
            line = next.line
            offset = next.offset
            count = next.count
            generation = next.generation
        } else {
            self = next
        }
    }

    /// Calls `body` with the bytes of field `index` (empty when the row has fewer fields).
    @inlinable @inline(__always)
    public func withField<R, E: Error>(_ index: Int, _ body: (Span<UInt8>) throws(E) -> R) throws(E) -> R {
        let s = sink.storage
        precondition(s.pointee.generation == generation, "a CSVRow was read after its callback returned")
        guard index >= 0, index < count else { return try body(UnsafeBufferPointer<UInt8>(start: nil, count: 0).span) }
        let start = index == 0 ? 0 : s.pointee.ends[index - 1]
        let field = UnsafeBufferPointer(start: s.pointee.bytes + start, count: s.pointee.ends[index] - start)
        return try body(field.span)
    }

    /// The length in bytes of field `index` (0 when the row has fewer fields).
    @inlinable
    public func fieldLength(_ index: Int) -> Int {
        withField(index) { $0.count }
    }

    /// A copy of the bytes of field `index` (empty when the row has fewer fields).
    public func field(_ index: Int) -> [UInt8] {
        withField(index) { field in Bytes.array(field) }
    }

    /// Field `index` decoded as UTF-8 (invalid bytes repaired), "" when absent.
    public func string(_ index: Int) -> String {
        withField(index) { Bytes.string($0) }
    }
}

/// Where a quote inside a field broke the format (libcsv's strict mode).
public enum CSVParseOutcome: Equatable {
    /// Every byte was taken.
    case parsed
    /// The byte at this index of the piece is not allowed where it stands.
    case malformed(at: Int)
    /// libcsv could not grow its field buffer.
    case outOfMemory
}

// libcsv callbacks: plain functions (no captures, no actor isolation). They only copy
// bytes and set a flag, so nothing can fail or throw inside C.

/// Field callback: append the field to the record being assembled. The context is the
/// storage itself, so a field costs no reference counting (it runs for every cell).
private func csvFieldEnded(_ field: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?) {
    context?.assumingMemoryBound(to: CSVRecordStorage.self).pointee.append(field, length)
}

/// Record callback: the record is complete; the parser's owner delivers it once `parse` returns.
private func csvRecordEnded(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
    context?.assumingMemoryBound(to: CSVRecordStorage.self).pointee.complete = true
}

/// Space test for tab-delimited files: only spaces are trimmed, so a tab is always a
/// delimiter (libcsv's default trims tabs too).
private func csvIsSpaceOnly(_ c: UInt8) -> Int32 {
    c == 0x20 ? 1 : 0
}

/// libcsv's parser in strict mode, with the record it assembles. It owns the C parser
/// and frees it when it goes away (hence not copyable). Nothing here reads libcsv's
/// private state: where a record stands is for the caller to tell from the bytes.
package struct LibCSVParser: ~Copyable {
    private let parser: UnsafeMutablePointer<csv_parser>
    @usableFromInline let sink: CSVRecordSink
    private let context: UnsafeMutableRawPointer
    /// The row handed to `deliver`'s callback, moved on to each record in turn.
    private var row: CSVRow

    /// `trimsTabs` false: only spaces around unquoted fields are trimmed (for tab-delimited files).
    package init(delimiter: UInt8, trimsTabs: Bool) {
        parser = .allocate(capacity: 1)
        parser.initialize(to: csv_parser())
        csv_init(parser, UInt8(CSV_STRICT))
        csv_set_delim(parser, delimiter)
        if !trimsTabs { csv_set_space_func(parser, csvIsSpaceOnly) }
        sink = CSVRecordSink()
        context = UnsafeMutableRawPointer(sink.storage)  // owned by `sink`, which lives as long as self
        row = CSVRow(sink: sink)
    }

    deinit {
        csv_free(parser)
        parser.deinitialize(count: 1)
        parser.deallocate()
        // libcsv reached the sink through an unretained pointer: keep it alive until here.
        withExtendedLifetime(sink) {}
    }

    /// Feeds `piece` to the parser.
    package mutating func parse(_ piece: Span<UInt8>) -> CSVParseOutcome {
        let used = piece.withUnsafeBufferPointer { p in
            csv_parse(parser, p.baseAddress, p.count, csvFieldEnded, csvRecordEnded, context)
        }
        if used == piece.count { return .parsed }
        return csv_error(parser) == CSV_EPARSE ? .malformed(at: used) : .outOfMemory
    }

    /// Whether the bytes parsed so far ended a record that is not yet delivered.
    @inlinable
    package var hasRecord: Bool { sink.storage.pointee.complete }

    /// The fields of the record being assembled so far.
    @inlinable
    package var fieldCount: Int { sink.storage.pointee.fieldCount }

    /// Calls `body` with the record that the bytes parsed so far completed, then starts the next.
    package mutating func deliver(line: Int, offset: Int, _ body: (CSVRow) throws -> Void) rethrows {
        defer { sink.storage.pointee.reset() }
        row.describe(line: line, offset: offset)
        try body(row)
    }

    /// Drops the partial record and returns the parser to the start of a record.
    package mutating func discard() {
        sink.storage.pointee.reset()
        csv_fini(parser, nil, nil, nil)
    }

    /// End of input: whatever field and record are open are ended (see `hasRecord`).
    package mutating func finish() {
        csv_fini(parser, csvFieldEnded, csvRecordEnded, context)
    }
}
