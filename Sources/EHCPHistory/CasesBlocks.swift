import EHCPIngest
import EHCPStore
import EHCPTimeliness

/// The tool's own CSV outputs read back for the history, a line at a time without a
/// string or array per cell (a 1M-row run's cases.csv has about 1.7M lines): cases.csv
/// as `FrontCodedRecords` (case id, S: the status's letter, due date) in blocks of one
/// measure (`BlockCut.historyCases`), and exceptions.csv's (measure, case id, status, due
/// date) rows.
struct CasesBlocks {
    struct Block: Sendable {
        var measure: String
        var count: Int
        var lines: [UInt8]
    }

    /// The action list's blocks: cut once they reach this size.
    static let blockSize = 64 * 1024

    /// Calls `row` with the cells `fields` (by column number, ascending) of each data row
    /// of the CSV file at `path` (the header skipped), in one pass over its bytes that
    /// copies only the wanted cells (quotes removed, a doubled quote made one).
    static func forEachRow(path: String, fields: [Int], _ row: (_ cells: [[UInt8]]) throws -> Void) throws {
        try forEachRow({ try FileBytes.forEachBlock(path: path, $0) }, fields: fields, row)
    }

    /// The rows of the blocks `forEachBlock` gives.
    private static func forEachRow(_ forEachBlock: ((ArraySlice<UInt8>) throws -> Void) throws -> Void, fields: [Int],
                                   _ row: (_ cells: [[UInt8]]) throws -> Void) throws {
        var slot = Array(repeating: -1, count: (fields.max() ?? 0) + 1)
        for (i, f) in fields.enumerated() { slot[f] = i }
        var cells = Array(repeating: [UInt8](), count: fields.count)
        var field = 0, target = slot[0], inQuotes = false, afterQuote = false, header = true
        // `row` is called only while `forEachBlock` runs.
        try withoutActuallyEscaping(row) { row in try forEachBlock { block in
            // Read through a span (no reference counting per byte); the wanted cell's bytes
            // are copied a run at a time: from `run` to the next quote, comma or line end
            // (or the block's end). Most bytes are in cells not wanted, skipped by a
            // tighter loop.
            let bytes = block.span
            let base = block.startIndex
            var run = 0
            var i = 0
            let end = bytes.count
            while i < end {
                if inQuotes {
                    while i < end, bytes[i] != 0x22 { i += 1 }
                    if i == end { break }
                    if target >= 0 { cells[target].append(contentsOf: block[(base + run)..<(base + i)]) }
                    inQuotes = false; afterQuote = true
                    i += 1
                    run = i
                    continue
                }
                var b = bytes[i]
                if b != 0x22 && b != 0x2C && b != 0x0A {
                    afterQuote = false
                    i += 1
                    while i < end {
                        b = bytes[i]
                        if b == 0x22 || b == 0x2C || b == 0x0A { break }
                        i += 1
                    }
                    if i == end { break }
                }
                if target >= 0 { cells[target].append(contentsOf: block[(base + run)..<(base + i)]) }
                run = i + 1
                switch b {
                case 0x22:
                    if afterQuote, target >= 0 { cells[target].append(0x22) }  // "" inside a quoted cell
                    inQuotes = true; afterQuote = false
                case 0x2C:
                    field += 1
                    target = field < slot.count ? slot[field] : -1
                    afterQuote = false
                default:
                    if header { header = false } else { try row(cells) }
                    for c in cells.indices where !cells[c].isEmpty { cells[c].removeAll(keepingCapacity: true) }
                    field = 0; target = slot[0]; afterQuote = false
                }
                i += 1
            }
            if target >= 0, run < end { cells[target].append(contentsOf: block[(base + run)..<(base + end)]) }
        } }
        if field > 0 || cells.contains(where: { !$0.isEmpty }), !header { try row(cells) }
    }

    /// Calls `body` with each block of cases.csv (`measure,case_id,line,start_date,
    /// due_date,completed_date,status,…`), in file order, cut as `HistoryCases` cuts the
    /// cases it is handed (`BlockCut.historyCases`): the same blocks either way.
    static func forEach(path: String, _ body: (Block) throws -> Void) throws {
        let cut = BlockCut.historyCases
        let records = FrontCodedRecords(fields: 3, capacity: cut.maximumBytes + 4096)
        var measure: [UInt8] = []
        var name = ""
        func flush() throws {
            if records.count > 0 { try body(Block(measure: name, count: records.count, lines: records.bytes)) }
            records.removeAll()
        }
        // measure, case_id, due_date, status
        try forEachRow(path: path, fields: [0, 1, 4, 6]) { cells in
            let m = cells[0]
            if m != measure {
                try flush()
                measure = m
                name = String(decoding: m, as: UTF8.self)
            }
            let id = Array(unneutralised(cells[1][...]))
            let status = [statusLetter(cells[3])]
            let due = cells[2]
            records.append(id.span, status.span, due.span)
            if cut.ends(after: id.span, count: records.count, byteCount: records.byteCount) { try flush() }
        }
        try flush()
    }

    /// The status's letter in the history (half the bytes of a 1M-row run's cases).
    static func statusLetter(_ status: [UInt8]) -> UInt8 {
        // on_time, late, open_in_time, open_overdue: told apart by their first and sixth bytes.
        guard let first = status.first else { return UInt8(ascii: "v") }
        if first == UInt8(ascii: "l") { return UInt8(ascii: "l") }
        if status.count < 6 || status[1] == UInt8(ascii: "n") { return UInt8(ascii: "o") }
        return status[5] == UInt8(ascii: "i") ? UInt8(ascii: "i") : UInt8(ascii: "v")
    }

    /// The status a letter stands for.
    static func status(letter: String) -> String {
        switch letter {
        case "o": return "on_time"
        case "l": return "late"
        case "i": return "open_in_time"
        default: return "open_overdue"
        }
    }

    /// The id as read: the outputs write `'=x` for an id `=x` (so a spreadsheet never runs it).
    static func unneutralised(_ cell: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        if cell.count >= 2, cell[cell.startIndex] == 0x27 {
            let next = cell[cell.startIndex + 1]
            if next == 0x3D || next == 0x2B || next == 0x2D || next == 0x40 || next == 0x09 || next == 0x0D {
                return cell.dropFirst()
            }
        }
        return cell
    }
}
