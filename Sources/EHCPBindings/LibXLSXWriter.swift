// libxlsxwriter's Swift face: a workbook that owns its C handle, written in the library's
// constant-memory mode (each row goes to a temporary file as soon as the next row starts,
// so memory does not grow with the sheet). What the sheets hold and how each cell is typed
// is EHCPOutputs' business; this file only touches C.
import CLibXLSXWriter

/// What stopped a workbook being written: the file and libxlsxwriter's own words.
public struct XLSXError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot write the workbook \(path): \(reason)" }
}

/// A sheet of a workbook, by its place (valid only with the workbook that made it).
public struct XLSXSheet: Sendable, Equatable {
    package let index: Int
}

/// A cell format of a workbook, by its place.
public struct XLSXFormat: Sendable, Equatable {
    package let index: Int
}

/// One .xlsx file being written. Rows must be written in order (row 0 first) on each
/// sheet: the constant-memory mode flushes a row once a later one is started, and a cell
/// of a flushed row is an error. Nothing is written to `path` until `close()`; a workbook
/// dropped without `close()` frees its memory and temporary files and writes nothing.
/// Not copyable: exactly one owner frees the C workbook.
public struct XLSXWorkbook: ~Copyable {
    /// Excel's last row (0-based) and the most characters a cell holds.
    public static let maxRow = 1_048_575
    public static let maxCellCharacters = 32_767

    public let path: String
    private let workbook: UnsafeMutablePointer<lxw_workbook>
    private var sheets: [UnsafeMutablePointer<lxw_worksheet>]
    private var formats: [UnsafeMutablePointer<lxw_format>]
    private var closed: Bool

    /// Opens the workbook. `created` (seconds since 1970) is the document's creation time in
    /// its properties: libxlsxwriter otherwise writes the time of the run, and the same
    /// inputs must give the same bytes. Temporary files go to `temporaryDirectory`.
    public init(path: String, temporaryDirectory: String, created: Int64) throws(XLSXError) {
        var options = lxw_workbook_options()
        options.constant_memory = UInt8(LXW_TRUE.rawValue)
        options.use_zip64 = UInt8(LXW_TRUE.rawValue)
        let made: UnsafeMutablePointer<lxw_workbook>? = temporaryDirectory.withCString { tmp in
            // libxlsxwriter copies the tmpdir string (lxw_strdup) before this returns.
            options.tmpdir = UnsafeMutablePointer(mutating: tmp)
            return path.withCString { workbook_new_opt($0, &options) }
        }
        guard let made else { throw XLSXError(path: path, reason: "libxlsxwriter could not start it (out of memory or no temporary folder)") }
        var properties = lxw_doc_properties()
        properties.created = time_t(created)
        let status = workbook_set_properties(made, &properties)
        guard status == LXW_NO_ERROR else {
            lxw_workbook_free(made)
            throw XLSXError(path: path, reason: "the document properties: " + String(cString: lxw_strerror(status)))
        }
        self.path = path
        workbook = made
        sheets = []
        formats = []
        closed = false
    }

    deinit {
        if !closed { lxw_workbook_free(workbook) }
    }

    /// A new sheet, after the others. Names are at most 31 characters, without []:*?/\.
    public mutating func addSheet(_ name: String) throws(XLSXError) -> XLSXSheet {
        guard let sheet = name.withCString({ workbook_add_worksheet(workbook, $0) }) else {
            throw XLSXError(path: path, reason: "cannot add the sheet \"\(name)\"")
        }
        sheets.append(sheet)
        return XLSXSheet(index: sheets.count - 1)
    }

    /// A cell format: an Excel number format (e.g. `yyyy-mm-dd`), a solid fill colour
    /// (0xRRGGBB), bold.
    public mutating func addFormat(numberFormat: String? = nil, fill: UInt32? = nil, bold: Bool = false) -> XLSXFormat {
        let format = workbook_add_format(workbook)!
        if let numberFormat { numberFormat.withCString { format_set_num_format(format, $0) } }
        if let fill {
            format_set_pattern(format, UInt8(LXW_PATTERN_SOLID.rawValue))
            format_set_bg_color(format, lxw_color_t(fill))
        }
        if bold { format_set_bold(format) }
        formats.append(format)
        return XLSXFormat(index: formats.count - 1)
    }

    private func check(_ status: lxw_error, _ what: @autoclosure () -> String) throws(XLSXError) {
        guard status == LXW_NO_ERROR else {
            throw XLSXError(path: path, reason: what() + ": " + String(cString: lxw_strerror(status)))
        }
    }

    /// A text cell: always a string, never read as a formula or a number, whatever it
    /// begins with (`=`, `+`, `-`, `@`).
    public func write(_ text: String, sheet: XLSXSheet, row: Int, column: Int, format: XLSXFormat? = nil) throws(XLSXError) {
        let f = format.map { formats[$0.index] }
        let status = text.withCString { worksheet_write_string(sheets[sheet.index], lxw_row_t(row), lxw_col_t(column), $0, f) }
        try check(status, "row \(row + 1), column \(column + 1)")
    }

    /// A number cell (a date is its Excel serial number with a date format).
    public func write(_ number: Double, sheet: XLSXSheet, row: Int, column: Int, format: XLSXFormat? = nil) throws(XLSXError) {
        let f = format.map { formats[$0.index] }
        try check(worksheet_write_number(sheets[sheet.index], lxw_row_t(row), lxw_col_t(column), number, f),
                  "row \(row + 1), column \(column + 1)")
    }

    /// Keeps the first `rows` rows in view when scrolling.
    public func freezeRows(_ rows: Int, sheet: XLSXSheet) {
        worksheet_freeze_panes(sheets[sheet.index], lxw_row_t(rows), 0)
    }

    /// An autofilter on the header row over rows `0...lastRow` and columns `0...lastColumn`.
    public func autofilter(sheet: XLSXSheet, lastRow: Int, lastColumn: Int) throws(XLSXError) {
        try check(worksheet_autofilter(sheets[sheet.index], 0, 0, lxw_row_t(lastRow), lxw_col_t(lastColumn)), "the autofilter")
    }

    /// A column's width in characters (may be set after its cells are written).
    public func setWidth(_ width: Double, sheet: XLSXSheet, column: Int) throws(XLSXError) {
        try check(worksheet_set_column(sheets[sheet.index], lxw_col_t(column), lxw_col_t(column), width, nil),
                  "the width of column \(column + 1)")
    }

    /// Assembles the sheets and writes the file. The C workbook is freed whatever happens.
    public mutating func close() throws(XLSXError) {
        guard !closed else { return }
        closed = true
        try check(workbook_close(workbook), "writing the file")
    }
}
