import EHCPRules
import EHCPStore
import EHCPIngest
import EHCPTimeliness
import Foundation

/// `exceptions --split-by COLUMN --out DIR`: one action list per value of the column, for
/// mailing each team (or caseworker, ...) only its own cases (outputs.md, "Excel workbook").
/// Each file holds that value's rows of exceptions.csv, in its columns and order; together
/// they are exactly exceptions.csv's rows. Files are named `<column>-<value>.csv` (or `.xlsx`),
/// the value made safe for any file system; cases with a blank value go to
/// `<column>-unassigned`.
///
/// The folder holds these files and nothing else. When it exists it may hold only files an
/// earlier split by the same column wrote (`<column>-*.csv`, `<column>-*.xlsx`): they are all
/// replaced at once, so a value gone since the last run leaves no stale list behind. Any other
/// entry is refused (`OutputError.splitFolderHoldsOtherFiles`) and nothing is written: a
/// mailing loop over the folder must never send a file the tool did not write.
public enum SplitActionLists {
    /// The file name part for a blank value.
    public static let unassigned = "unassigned"
    /// The longest value part of a file name, in bytes.
    static let maxNameLength = 100

    /// The files of `list` (built with `groupBy` the split column), in the order written:
    /// blank values first (so that they always get `-unassigned`), then by value.
    public static func files(_ list: ActionList, xlsx: Bool) -> [OutputEntry] {
        let column = list.groupColumn ?? ""
        let prefix = safeName(column)
        let ext = xlsx ? ".xlsx" : ".csv"
        // A blank value is `unknown` in a cohort (as for the summary's cohorts).
        let isBlank: (String) -> Bool = { $0 == Cohort.unknown || $0.isEmpty }
        var labels: [String] = []
        for e in list.entries where !labels.contains(e.group) { labels.append(e.group) }
        for u in list.unchecked where !labels.contains(u.group) { labels.append(u.group) }
        labels.sort { a, b in
            if isBlank(a) != isBlank(b) { return isBlank(a) }
            return a.utf8.lexicographicallyPrecedes(b.utf8)
        }
        var taken = Set<String>()
        var entries: [OutputEntry] = []
        for label in labels {
            let base = prefix + "-" + (isBlank(label) ? unassigned : safeName(label))
            var name = base, n = 1
            // Ignoring case: "North" and "north" are one file on a Mac or a Windows share.
            while taken.contains(name.lowercased()) { n += 1; name = base + "-\(n)" }
            taken.insert(name.lowercased())
            let items = list.entries.filter { $0.group == label }.map(\.item)
            let unchecked = list.unchecked.filter { $0.group == label }.map(\.item)
            let result = list.result
            if xlsx {
                entries.append(OutputEntry(name: name + ext) { sink in
                    sink.close()
                    try Workbook.writeActionList(result, items: items, unchecked: unchecked, to: sink.path)
                })
            } else {
                entries.append(OutputEntry(name: name + ext, text: {
                    let (header, rows) = OutputFiles.actionTable(result, items: items, unchecked: unchecked)
                    var w = CSVWriter(header: header)
                    for row in rows { w.appendRow(row) }
                    return w.text
                }))
            }
        }
        return entries
    }

    /// Writes the lists into `folder`, replacing an earlier split's files (see the type's
    /// comment). Returns the names written.
    @discardableResult
    public static func write(_ list: ActionList, to folder: String, xlsx: Bool) throws -> [String] {
        var trimmed = folder
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        let last = trimmed.split(separator: "/").last.map(String.init) ?? ""
        guard !last.isEmpty, last != ".", last != ".." else {
            throw OutputError.cannotWrite(path: folder, reason: "--split-by needs a folder of its own; name one, e.g. --out lists")
        }
        let prefix = safeName(list.groupColumn ?? "") + "-"
        var st = stat()
        if lstat(trimmed, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            let others = ((try? FileManager.default.contentsOfDirectory(atPath: trimmed)) ?? []).filter { entry in
                var est = stat()
                let isFile = lstat(trimmed + "/" + entry, &est) == 0 && (est.st_mode & S_IFMT) == S_IFREG
                return !(isFile && entry.hasPrefix(prefix) && (entry.hasSuffix(".csv") || entry.hasSuffix(".xlsx")))
            }.sorted()
            if !others.isEmpty { throw OutputError.splitFolderHoldsOtherFiles(folder: trimmed, files: others, prefix: prefix) }
        }
        let files = files(list, xlsx: xlsx)
        try OutputFolder.write(files, to: trimmed, keepingOtherFiles: false)
        return files.map(\.name)
    }

    /// A value as a file name part: ASCII letters, digits, `-` and `_` kept, every other run
    /// of characters one `_`, at most `maxNameLength` bytes; `_` for a value with nothing kept.
    public static func safeName(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            let v = scalar.value
            let kept = (0x30...0x39).contains(v) || (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v) || v == 0x2D || v == 0x5F
            if kept { out.unicodeScalars.append(scalar) } else if !out.hasSuffix("_") { out.append("_") }
            if out.utf8.count >= maxNameLength { break }
        }
        return out.isEmpty ? "_" : out
    }
}
