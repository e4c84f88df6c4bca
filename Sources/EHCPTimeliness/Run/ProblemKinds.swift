import EHCPRules
import EHCPStore
import EHCPIngest

/// Data-quality problems alike but for their values: the same severity, column and
/// wording (`ProblemCounts.generalise`).
public struct ProblemKind: Sendable, Equatable {
    public var severity: Severity
    /// Errors of this kind blanked a field and kept the row (`DataQualityProblem.keepsRow`).
    public var keepsRow: Bool = false
    public var column: String
    /// The problem text with the row's own values replaced by "…".
    public var description: String
    public var count: Int
    /// Where the first one is.
    public var exampleFile: String
    public var exampleLine: Int
}

/// What the data-quality section counts, gathered one problem at a time as the run's
/// problems pass: totals per file, and the kinds in the order first seen.
package struct ProblemCounts: Sendable {
    package private(set) var errors = 0
    /// Errors that kept their row (a field blanked, some measures left out).
    package private(set) var keptRowErrors = 0
    package private(set) var warnings = 0
    /// Errors and warnings per file name.
    package private(set) var byFile: [String: (errors: Int, warnings: Int)] = [:]
    package private(set) var kinds: [ProblemKind] = []
    /// Each distinct exception reason not recognised (as written) and how many cells held
    /// it, in the order first seen: one line each, where the kinds merge them all.
    package private(set) var unrecognisedReasons: [(reason: String, count: Int)] = []
    private var reasonIndex: [String: Int] = [:]
    /// Distinct reasons kept; the rest are counted together.
    package static let reasonLimit = 200
    package private(set) var otherReasons = 0

    /// The unrecognised reasons, most frequent first (first seen first on a tie).
    package var reasonsByCount: [(reason: String, count: Int)] {
        unrecognisedReasons.enumerated().sorted { a, b in
            a.element.count != b.element.count ? a.element.count > b.element.count : a.offset < b.offset
        }.map(\.element)
    }
    /// Severity, column and text as bytes: hashing a String with "…" in it would
    /// normalise it to NFC first.
    private var index: [ByteKey: Int] = [:]

    package init() {}

    /// The problem without the row's own values: its value (where quoted, if it is
    /// quoted anywhere, so wording that happens to match stays), its case id and any date.
    /// Works on UTF-8 bytes: a run can have hundreds of thousands of problems.
    package static func generalise(_ p: DataQualityProblem) -> String {
        String(decoding: generalisedBytes(p), as: UTF8.self)
    }

    /// `generalise` as UTF-8 bytes: `add` keys the kinds by these and makes a string only
    /// for a kind not seen before.
    static func generalisedBytes(_ p: DataQualityProblem) -> [UInt8] {
        var text = Array(p.problem.utf8)
        if !p.value.isEmpty {
            let quoted = Array(("\"" + p.value + "\"").utf8)
            text = TextPattern.firstMatch(of: quoted, in: text) != nil
                ? TextPattern.replacingWord(quoted, in: text, with: quotedEllipsis)
                : TextPattern.replacingWord(Array(p.value.utf8), in: text, with: ellipsis)
        }
        if !p.caseID.isEmpty { text = TextPattern.replacingWord(Array(p.caseID.utf8), in: text, with: ellipsis) }
        return TextPattern.replacingISODates(in: text, with: ellipsis)
    }

    private static let ellipsis = Array("…".utf8)
    private static let quotedEllipsis = Array("\"…\"".utf8)

    package mutating func add(_ p: DataQualityProblem) {
        let isError = p.severity == .error
        if isError { errors += 1 } else { warnings += 1 }
        if isError && p.keepsRow { keptRowErrors += 1 }
        byFile[p.file, default: (0, 0)].errors += isError && !p.keepsRow ? 1 : 0
        byFile[p.file, default: (0, 0)].warnings += isError ? 0 : 1
        if p.severity == .warning, p.problem.utf8.starts(with: StatutoryExceptions.notAppliedPrefix.utf8) {
            if let i = reasonIndex[p.value] { unrecognisedReasons[i].count += 1 }
            else if unrecognisedReasons.count < Self.reasonLimit {
                reasonIndex[p.value] = unrecognisedReasons.count
                unrecognisedReasons.append((p.value, 1))
            } else { otherReasons += 1 }
        }
        let text = Self.generalisedBytes(p)
        var key: [UInt8] = []
        key.reserveCapacity(text.count + p.column.utf8.count + 8)
        key.append(contentsOf: p.severity.rawValue.utf8)
        if p.keepsRow { key.append(UInt8(ascii: "+")) }
        key.append(0x1F); key.append(contentsOf: p.column.utf8); key.append(0x1F); key.append(contentsOf: text)
        // One hash for a kind seen before (nearly every problem of a large run).
        let next = kinds.count
        let i = index[ByteKey(key), default: next]
        if i < next { kinds[i].count += 1; return }
        index[ByteKey(key)] = next
        kinds.append(ProblemKind(severity: p.severity, keepsRow: p.keepsRow, column: p.column,
                                 description: String(decoding: text, as: UTF8.self), count: 1,
                                 exampleFile: p.file, exampleLine: p.line))
    }
}

/// Replacements in UTF-8 text. A match of whole UTF-8 text always starts and ends on
/// scalar boundaries, so bytes can be compared directly; only the word test at the
/// edges of a match decodes a scalar.
package enum TextPattern {
    /// The byte offset of the first occurrence of `target` in `text`.
    /// Every problem of a run passes here (`ProblemCounts.generalise`): comparing
    /// slices element by element once took a sixth of writing data-quality.csv.
    package static func firstMatch(of target: [UInt8], in text: [UInt8], from start: Int = 0) -> Int? {
        ByteSearch.firstIndex(of: target, in: text, from: start)
    }

    /// Every occurrence of `target` that is not part of a longer word (letters or
    /// digits on either side) replaced, left to right.
    package static func replacingWord(_ target: [UInt8], in text: [UInt8], with replacement: [UInt8]) -> [UInt8] {
        guard !target.isEmpty, var at = firstMatch(of: target, in: text) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var copied = 0
        while true {
            let end = at + target.count
            let joinsBefore = at > 0 && isWordy(scalarEnding: at, in: text) && isWordy(scalarStarting: at, in: text)
            let joinsAfter = end < text.count && isWordy(scalarEnding: end, in: text) && isWordy(scalarStarting: end, in: text)
            var next = at + 1
            if !joinsBefore && !joinsAfter {
                out.append(contentsOf: text[copied..<at])
                out.append(contentsOf: replacement)
                copied = end
                next = end
            }
            guard let found = firstMatch(of: target, in: text, from: next) else { break }
            at = found
        }
        out.append(contentsOf: text[copied...])
        return out
    }

    /// `yyyy-mm-dd` dates (ASCII digits, not inside a longer run of digits) replaced.
    package static func replacingISODates(in text: [UInt8], with replacement: [UInt8]) -> [UInt8] {
        func digit(_ i: Int) -> Bool { i < text.count && text[i] >= 0x30 && text[i] <= 0x39 }
        // A date's first dash is at i + 4: look only where a dash is, and copy the text
        // between dates whole (a byte at a time took 5,000 instructions a problem).
        var out: [UInt8] = []
        var copied = 0
        var dash = 4
        while dash + 5 < text.count {
            guard text[dash] == UInt8(ascii: "-") else { dash += 1; continue }
            let i = dash - 4
            if i >= copied, digit(i), digit(i + 1), digit(i + 2), digit(i + 3),
               digit(i + 5), digit(i + 6), text[i + 7] == UInt8(ascii: "-"), digit(i + 8), digit(i + 9), !digit(i + 10),
               i == 0 || !digit(i - 1) {
                if out.isEmpty { out.reserveCapacity(text.count) }
                out.append(contentsOf: text[copied..<i])
                out.append(contentsOf: replacement)
                copied = i + 10
                dash = copied + 4
            } else {
                dash += 1
            }
        }
        if copied == 0 { return text }
        out.append(contentsOf: text[copied...])
        return out
    }

    /// Whether the scalar that starts at byte `i` is a letter or a digit.
    private static func isWordy(scalarStarting i: Int, in text: [UInt8]) -> Bool {
        var end = i + 1
        while end < text.count, text[end] & 0xC0 == 0x80 { end += 1 }
        return isWordy(text[i..<end])
    }

    /// Whether the scalar that ends just before byte `i` is a letter or a digit.
    private static func isWordy(scalarEnding i: Int, in text: [UInt8]) -> Bool {
        var start = i - 1
        while start > 0, text[start] & 0xC0 == 0x80 { start -= 1 }
        return isWordy(text[start..<i])
    }

    private static func isWordy(_ bytes: ArraySlice<UInt8>) -> Bool {
        if bytes.count == 1, let b = bytes.first {
            return (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A)
        }
        guard let scalar = String(decoding: bytes, as: UTF8.self).unicodeScalars.first else { return false }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }
}
