import EHCPIngest

/// cases.csv read back for the history: each case's measure, id, status and due date,
/// packed as lines `case_id\tstatus\tdue` in blocks of one measure of about 256 KiB.
struct CasesBlocks {
    struct Block {
        var measure: String
        var count: Int
        var lines: [UInt8]
    }

    static let blockSize = 256 * 1024

    /// Calls `body` with each block, in file order. The file is the tool's own cases.csv:
    /// a header, then `measure,case_id,line,start_date,due_date,completed_date,status,…`,
    /// a cell quoted when it holds a comma, quote or line end.
    static func forEach(path: String, _ body: (Block) throws -> Void) throws {
        var current = Block(measure: "", count: 0, lines: [])
        var cell: [UInt8] = [], cells: [[UInt8]] = [], quoted = false, afterQuote = false, header = true
        func flush() throws {
            if current.count > 0 { try body(current) }
            current.count = 0; current.lines.removeAll(keepingCapacity: true)
        }
        func endRow() throws {
            cells.append(cell); cell.removeAll(keepingCapacity: true)
            defer { cells.removeAll(keepingCapacity: true) }
            if header { header = false; return }
            guard cells.count >= 7 else { return }
            let measure = String(decoding: cells[0], as: UTF8.self)
            if measure != current.measure || current.lines.count >= blockSize {
                try flush()
                current.measure = measure
            }
            current.lines.append(contentsOf: unneutralised(cells[1]))
            current.lines.append(0x09); current.lines.append(contentsOf: cells[6])
            current.lines.append(0x09); current.lines.append(contentsOf: cells[4])
            current.lines.append(0x0A)
            current.count += 1
        }
        try FileBytes.forEachBlock(path: path) { bytes in
            for b in bytes {
                if quoted {
                    if b == 0x22 { quoted = false; afterQuote = true } else { cell.append(b) }
                    continue
                }
                switch b {
                case 0x22:
                    if afterQuote { cell.append(0x22) }  // "" inside a quoted cell
                    quoted = true; afterQuote = false
                case 0x2C: cells.append(cell); cell.removeAll(keepingCapacity: true); afterQuote = false
                case 0x0A: try endRow(); afterQuote = false
                default: cell.append(b); afterQuote = false
                }
            }
        }
        if !cell.isEmpty || !cells.isEmpty { try endRow() }
        try flush()
    }

    /// The id as read: cases.csv writes `'=x` for an id `=x` (so a spreadsheet never runs it).
    static func unneutralised(_ cell: [UInt8]) -> ArraySlice<UInt8> {
        if cell.count >= 2, cell[0] == 0x27, [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D].contains(cell[1]) { return cell[1...] }
        return cell[...]
    }
}
