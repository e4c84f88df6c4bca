import EHCPRules
import EHCPStore

/// A first mapping profile drafted from one extract (`profile init`, issue 14), so that
/// nobody has to read the README and the header side by side to write one: each canonical
/// field matched to the file's closest header, the date formats the file needs, and for
/// every code column each value with its count and a guess of its code. A starting point
/// for a person to check; a run never guesses.
///
/// The file is read once, through the CSV reader. Memory does not grow with the file: a
/// count per candidate format for each date column, and at most `distinctLimit` distinct
/// values for each code column (further values are counted, not kept).
public struct ProfileDraft: Sendable {
    /// How a field found its header.
    public enum Match: Sendable, Equatable {
        /// The header is the field by the tool's own rule (case, spaces and punctuation ignored).
        case exact(column: Int)
        /// The closest header, not the same name: `score` from 0.5 to 1 (`HeaderCloseness`).
        case close(column: Int, score: Double)
        /// Nothing close enough; `note` says what is closest, or what the column held.
        case none(note: String)
    }

    /// A canonical field of the kind, or a dimension the tool reads by name (team,
    /// caseworker, date of birth), and the header it was matched to.
    public struct FieldMatch: Sendable, Equatable {
        public let name: String
        public let required: Bool
        public let isDate: Bool
        public let isDimension: Bool
        public var match: Match

        /// The matched column, nil when none.
        public var column: Int? {
            switch match {
            case .exact(let c), .close(let c, _): return c
            case .none: return nil
            }
        }
    }

    /// One distinct value of a code column.
    public struct ValueCount: Sendable, Equatable {
        public let value: String
        public let count: Int
        /// The code the tool reads it as without a profile, nil when it needs mapping.
        public let readAsIs: String?
        /// The likely code (`CodeGuess`), when it needs mapping and one fits.
        public let guess: String?
    }

    /// A code column's values, most frequent first (then by value).
    public struct CodeColumn: Sendable, Equatable {
        public let field: String
        public let header: String
        public let values: [ValueCount]
        public let blank: Int
        /// Cells not counted because `distinctLimit` distinct values were already kept.
        public let uncounted: Int
    }

    /// A date format found in the date columns, with how many cells it read first.
    public struct FormatCount: Sendable, Equatable {
        public let format: String
        public let count: Int
    }

    public let file: String
    public let kind: ExtractKind
    /// How the kind was chosen, when it was guessed from the header; nil when given.
    public let kindGuess: String?
    /// The header as read (byte-order mark removed).
    public let header: [String]
    /// Data records read (the header not counted).
    public let rows: Int
    /// Records skipped as malformed CSV.
    public let malformedRows: Int
    /// The kind's canonical fields in extract-format.md's order, then the known dimensions.
    public let fields: [FieldMatch]
    /// Formats found in the date columns, in the order a `[dates]` list tries them.
    public let dateFormats: [FormatCount]
    /// Whether the file needs a `[dates] formats` list: some dates are read only by a
    /// format that the tool does not recognise without one (Excel serials, `yyyy/MM/dd`).
    public let needsDateFormats: Bool
    /// Date cells that the dates as drafted do not read, and a few of them.
    public let unreadableDates: Int
    public let unreadableDateExamples: [String]
    public let codes: [CodeColumn]
    public let delimiter: UInt8
    /// The file is Windows-1252, not UTF-8.
    public let isWindows1252: Bool
    public let distinctLimit: Int

    /// Formats a date column may use, most specific first: a cell is counted under the
    /// first that reads it. Month-first is never offered (extract-format.md, "Dates").
    package static let candidateFormats = [
        "yyyy-MM-dd", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm",
        "dd/MM/yyyy", "d/M/yyyy", "dd/MM/yyyy HH:mm:ss", "dd/MM/yyyy HH:mm", "d/M/yyyy H:mm:ss", "d/M/yyyy H:mm",
        "dd-MM-yyyy", "d-M-yyyy", "dd.MM.yyyy", "d.M.yyyy",
        "dd-MMM-yyyy", "d-MMM-yyyy", "d MMM yyyy", "d MMMM yyyy", "yyyy-MMM-dd HH:mm:ss",
        "yyyy/MM/dd", "yyyy/M/d", "yyyyMMdd", "excel",
    ]

    /// The names the tool reads by name besides the canonical fields (`ExtractKind.knownDimensions`).
    private static let dimensionFields = [
        FieldSpec(name: "team", required: false, isDate: false),
        FieldSpec(name: "caseworker", required: false, isDate: false),
        FieldSpec(name: "date_of_birth", required: false, isDate: true),
    ]

    /// Drafts a profile for the extract at `path`; `kind` nil guesses it from the header.
    /// Every problem is an `InputError` naming the file.
    public static func draft(path: String, kind: ExtractKind? = nil, distinctLimit: Int = 200) throws(InputError) -> ProfileDraft {
        let reader = try CSVReader(path: path)
        let candidates = candidateFormats.compactMap { f in (try? DateParser(formats: [f])).map { (f, $0) } }
        var header: [String]?
        var chosenKind = kind ?? .requests, guessNote: String?
        var fields: [FieldMatch] = []
        var dateTallies: [(column: Int, tally: DateTally)] = []
        var valueTallies: [(field: String, column: Int, tally: ValueTally)] = []
        var rows = 0, malformed = 0

        func start(_ names: [String]) {
            if let kind { chosenKind = kind } else { (chosenKind, guessNote) = guessKind(names) }
            fields = match(chosenKind, names)
            var columns: [Int] = []
            for f in fields { if let c = f.column, !columns.contains(c) { columns.append(c) } }
            dateTallies = columns.sorted().map { ($0, DateTally(formats: candidates.count)) }
            for f in fields where !f.isDate && CodeLists.codes(forField: f.name) != nil {
                if let c = f.column { valueTallies.append((f.name, c, ValueTally())) }
            }
        }
        do {
            try reader.read(onRow: { row in
                guard header != nil else {
                    let names = (0..<row.count).map { i in i == 0 ? dropBOM(row.string(i)) : row.string(i) }
                    header = names
                    start(names)
                    return
                }
                rows += 1
                for i in dateTallies.indices {
                    RowReader.withTrimmed(row, column: dateTallies[i].column) { dateTallies[i].tally.add($0, candidates) }
                }
                for i in valueTallies.indices {
                    RowReader.withTrimmed(row, column: valueTallies[i].column) { valueTallies[i].tally.add($0, limit: distinctLimit) }
                }
            }, onProblem: { problem in
                guard header != nil else {
                    throw InputError.malformedHeader(file: path, line: problem.line, column: problem.column, problem: problem.message)
                }
                malformed += 1
            })
        } catch let error as InputError {
            throw error
        } catch {
            throw .readFailed(path: path, reason: "\(error)")
        }
        guard let header else { throw .noHeader(file: path) }

        // What the columns hold overrules a guessed header (never the tool's own match):
        // a date field's column must hold dates, another field's must not hold only dates.
        func tally(_ column: Int) -> DateTally? { dateTallies.first { $0.column == column }?.tally }
        for i in fields.indices {
            guard case .close(let column, _) = fields[i].match, let t = tally(column), t.nonBlank > 0 else { continue }
            let name = tomlString(header[column])
            if fields[i].isDate, t.readByAny == 0 {
                fields[i].match = .none(note: "the closest header, \(name), holds no dates (e.g. \(t.unreadableExamples.prefix(2).map(tomlString).joined(separator: ", ")))")
            } else if !fields[i].isDate, t.readByText == t.nonBlank {
                fields[i].match = .none(note: "the closest header, \(name), holds only dates")
            }
        }

        // Dates: the formats found in the columns read as dates.
        var counts = [Int](repeating: 0, count: candidates.count)
        var total = DateTally(formats: candidates.count)
        for f in fields where f.isDate {
            guard let c = f.column, let t = tally(c) else { continue }
            for k in counts.indices { counts[k] += t.counts[k] }
            total.absorb(t)
        }
        let found = counts.indices.filter { counts[$0] > 0 }.map { FormatCount(format: candidates[$0].0, count: counts[$0]) }
        let needed = total.readOnlyByFormats > 0
        let unreadable = needed ? total.readByNone + total.readOnlyAutomatically : total.readByNone
        let examples = needed ? total.unreadableExamples + total.automaticOnlyExamples : total.unreadableExamples

        var codes: [CodeColumn] = []
        for v in valueTallies {
            guard let f = fields.first(where: { $0.name == v.field }), f.column == v.column else { continue }
            let values = v.tally.counts.map { value, count in
                let asIs = CodeGuess.readAsIs(value, field: v.field)
                return ValueCount(value: value, count: count, readAsIs: asIs,
                                  guess: asIs == nil ? CodeGuess.guess(value, field: v.field) : nil)
            }.sorted { ($1.count, $0.value) < ($0.count, $1.value) }
            codes.append(CodeColumn(field: v.field, header: header[v.column], values: values, blank: v.tally.blank,
                                    uncounted: v.tally.uncounted))
        }

        return ProfileDraft(file: path, kind: chosenKind, kindGuess: guessNote, header: header, rows: rows,
                            malformedRows: malformed, fields: fields, dateFormats: found, needsDateFormats: needed,
                            unreadableDates: unreadable, unreadableDateExamples: Array(examples.prefix(3)), codes: codes,
                            delimiter: reader.delimiter, isWindows1252: reader.detectedWindows1252AtLine != nil,
                            distinctLimit: distinctLimit)
    }

    // MARK: Headers

    /// Matches the kind's fields and the known dimensions to headers: first every header
    /// that is a field by the tool's own rule, then the closest pairs, best first (ties in
    /// field order, then column order), each field and header used once. Two headers with
    /// one matching key are one header: a profile naming either would read both.
    package static func match(_ kind: ExtractKind, _ header: [String]) -> [FieldMatch] {
        let specs = kind.fields.map { ($0, false) } + dimensionFields.map { ($0, true) }
        let keys = header.map(NameMatching.key)
        var pairs: [(score: Double, exact: Bool, field: Int, column: Int)] = []
        for (f, spec) in specs.enumerated() {
            let key = NameMatching.key(spec.0.name)
            for c in header.indices where !keys[c].isEmpty {
                if keys[c] == key { pairs.append((1, true, f, c)); continue }
                let s = HeaderCloseness.score(spec.0.name, header[c])
                if s >= HeaderCloseness.threshold { pairs.append((s, false, f, c)) }
            }
        }
        pairs.sort { a, b in
            if a.exact != b.exact { return a.exact }
            if a.score != b.score { return a.score > b.score }
            return (a.field, a.column) < (b.field, b.column)
        }
        var matches = [Match?](repeating: nil, count: specs.count)
        var usedKeys = Set<String>()
        for p in pairs where matches[p.field] == nil && !usedKeys.contains(keys[p.column]) {
            matches[p.field] = p.exact ? .exact(column: p.column) : .close(column: p.column, score: p.score)
            usedKeys.insert(keys[p.column])
        }
        return specs.enumerated().map { f, spec in
            let match = matches[f] ?? {
                let free = header.indices.filter { !usedKeys.contains(keys[$0]) }.map { header[$0] }
                let closest = NameMatching.closestFirst(free, to: spec.0.name).prefix(3).map(tomlString)
                return .none(note: closest.isEmpty ? "no header left to match" : "no header close enough; closest: " + closest.joined(separator: ", "))
            }()
            return FieldMatch(name: spec.0.name, required: spec.0.required, isDate: spec.0.isDate, isDimension: spec.1, match: match)
        }
    }

    /// The kind whose fields the header matches best (required fields twice over); ties
    /// go to requests, then reviews. The note gives each kind's count for the comment.
    package static func guessKind(_ header: [String]) -> (ExtractKind, String) {
        var best: (kind: ExtractKind, score: Double) = (.requests, -1)
        var parts: [String] = []
        for kind in ExtractKind.caseExtracts {
            let canonical = match(kind, header).filter { !$0.isDimension }
            var score = 0.0, matched = 0
            for f in canonical {
                let s: Double
                switch f.match {
                case .exact: s = 1
                case .close(_, let value): s = value
                case .none: continue
                }
                score += f.required ? 2 * s : s
                matched += 1
            }
            parts.append("\(kind.rawValue) \(matched) of \(canonical.count)")
            if score > best.score { best = (kind, score) }
        }
        return (best.kind, "fields matched: " + parts.joined(separator: ", "))
    }

    private static func dropBOM(_ text: String) -> String {
        text.unicodeScalars.first?.value == 0xFEFF ? String(text.unicodeScalars.dropFirst()) : text
    }

    // MARK: Tallies

    /// What one column's cells are as dates, counted, not kept.
    struct DateTally {
        /// Cells read first by each candidate format.
        var counts: [Int]
        var nonBlank = 0
        /// Cells a candidate reads: any, or one that is not `excel` (numbers may be ids).
        var readByAny = 0, readByText = 0
        /// Cells only a listed format reads (the tool's usual formats do not), only the
        /// usual formats read, and neither.
        var readOnlyByFormats = 0, readOnlyAutomatically = 0, readByNone = 0
        var unreadableExamples: [String] = [], automaticOnlyExamples: [String] = []

        init(formats: Int) { counts = [Int](repeating: 0, count: formats) }

        mutating func add(_ bytes: Span<UInt8>, _ candidates: [(String, DateParser)]) {
            guard !bytes.isEmpty else { return }
            nonBlank += 1
            var first: Int?
            for (k, candidate) in candidates.enumerated() {
                if case .success = candidate.1.parse(bytes) { first = k; break }
            }
            var automatic = false
            if case .success = DateParser.automatic.parse(bytes) { automatic = true }
            if let first {
                counts[first] += 1
                readByAny += 1
                if candidates[first].0 != "excel" { readByText += 1 }
                if !automatic { readOnlyByFormats += 1 }
            } else if automatic {
                readOnlyAutomatically += 1
                Self.keep(Bytes.string(bytes), in: &automaticOnlyExamples)
            } else {
                readByNone += 1
                Self.keep(Bytes.string(bytes), in: &unreadableExamples)
            }
        }

        /// Up to three different examples, for the comment.
        private static func keep(_ example: String, in list: inout [String]) {
            if list.count < 3, !list.contains(example) { list.append(example) }
        }

        mutating func absorb(_ other: DateTally) {
            nonBlank += other.nonBlank
            readByAny += other.readByAny; readByText += other.readByText
            readOnlyByFormats += other.readOnlyByFormats
            readOnlyAutomatically += other.readOnlyAutomatically
            readByNone += other.readByNone
            for e in other.unreadableExamples { Self.keep(e, in: &unreadableExamples) }
            for e in other.automaticOnlyExamples { Self.keep(e, in: &automaticOnlyExamples) }
        }
    }

    /// A code column's distinct values and their counts, at most `limit` of them.
    struct ValueTally {
        var counts: [String: Int] = [:]
        var blank = 0
        var uncounted = 0

        mutating func add(_ bytes: Span<UInt8>, limit: Int) {
            guard !bytes.isEmpty else { blank += 1; return }
            let value = Bytes.string(bytes)
            if let n = counts[value] {
                counts[value] = n + 1
            } else if counts.count < limit {
                counts[value] = 1
            } else {
                uncounted += 1
            }
        }
    }
}

// MARK: - The profile text

extension ProfileDraft {
    /// The draft as a TOML profile that `MappingProfile` reads as it stands; every guess
    /// says so in a comment, and what could not be guessed is a commented line.
    public var toml: String {
        var out = TOMLLines()
        out.comment("Mapping profile drafted by `ehcp-timeliness profile init` from \(tomlString(file))")
        out.comment("(\(grouped(rows)) row\(rows == 1 ? "" : "s")). A starting point: check every line against the export, then")
        out.comment("use it with --profile. Remove the \"#\" before a commented line to use it.")
        out.comment("[columns] applies to every kind of extract: where another export names a field")
        out.comment("differently, move the entry to [\(kind.rawValue).columns]. See the README, \"Mapping profiles\".")
        if let kindGuess {
            out.comment("Kind: \(kind.rawValue), guessed from the header (\(kindGuess)); give --kind to choose.")
        } else {
            out.comment("Kind: \(kind.rawValue) (--kind).")
        }
        if malformedRows > 0 {
            out.comment("\(grouped(malformedRows)) malformed record\(malformedRows == 1 ? " was" : "s were") skipped; a run lists them.")
        }
        out.blank()

        out.line("[columns]", "canonical or dimension name = \"header in the file\"")
        for f in fields {
            let required = f.required ? "required; " : ""
            switch f.match {
            case .exact(let c):
                out.line("\(f.name) = \(tomlString(header[c]))",
                         header[c] == f.name ? "the same name" : "the same name, but for case, spaces or punctuation")
            case .close(let c, let score):
                out.line("\(f.name) = \(tomlString(header[c]))", "\(required)guessed (likeness \(Int((score * 100).rounded())) %)")
            case .none(let note):
                out.line("# \(f.name) = \"\"", "\(required)\(note)")
            }
        }
        let used = Set(fields.compactMap(\.column).map { NameMatching.key(header[$0]) })
        let others = header.filter { !used.contains(NameMatching.key($0)) }
        if !others.isEmpty {
            out.comment("Other columns, kept as dimensions for --by under their own names: " + others.map(tomlString).joined(separator: ", "))
        }
        out.blank()

        let foundText = dateFormats.map { "\($0.format): \(grouped($0.count))" }.joined(separator: "; ")
        if dateFormats.isEmpty {
            out.comment("[dates]: no date found in the date columns.")
        } else if needsDateFormats {
            out.line("[dates]", "only these formats are accepted, tried in order")
            out.line("formats = [" + dateFormats.map { tomlString($0.format) }.joined(separator: ", ") + "]", "cells: \(foundText)")
        } else {
            out.comment("[dates] formats: not needed; every date is in a format read without it")
            out.comment("(cells: \(foundText)).")
        }
        if unreadableDates > 0 {
            out.comment("\(grouped(unreadableDates)) date cell\(unreadableDates == 1 ? " is" : "s are") not a date in "
                + (needsDateFormats ? "these formats" : "any format the tool reads") + ", e.g. "
                + unreadableDateExamples.map(tomlString).joined(separator: ", ") + ": a run rejects or warns about them.")
        }

        for column in codes {
            out.blank()
            let accepted = CodeLists.display(forField: column.field)
            let table = "[values.\(column.field)]"
            let distinct = column.values.count
            var about = "\(tomlString(column.header)): \(distinct)\(column.uncounted > 0 ? "+" : "") distinct value\(distinct == 1 ? "" : "s")"
            if column.blank > 0 { about += ", \(grouped(column.blank)) blank cell\(column.blank == 1 ? "" : "s")" }
            let mapped = column.values.filter { $0.readAsIs == nil && $0.guess != nil }
            out.line(mapped.isEmpty ? "# " + table : table, about)
            if column.field.hasSuffix("exception_reason") {
                out.comment("A reason left unmapped is not applied: the case counts without an exception, with a warning.")
            }
            for v in column.values {
                let cells = "\(grouped(v.count)) cell\(v.count == 1 ? "" : "s")"
                if let code = v.readAsIs {
                    out.line("# \(tomlString(v.value)) = \(tomlString(code))", "\(cells); read as \(code) without mapping")
                } else if let guess = v.guess {
                    out.line("\(tomlString(v.value)) = \(tomlString(guess))", "\(cells); guessed")
                } else {
                    out.line("# \(tomlString(v.value)) = \"\"", "\(cells); no guess: one of \(accepted)")
                }
            }
            if column.uncounted > 0 {
                out.comment("More than \(distinctLimit) distinct values: \(grouped(column.uncounted)) further cell\(column.uncounted == 1 ? "" : "s") not counted. Is this a code column?")
            }
        }

        out.blank()
        var csv: [(String, String)] = []
        if delimiter != UInt8(ascii: ",") {
            csv.append((delimiter == 9 ? "delimiter = \"tab\"" : "delimiter = \(tomlString(String(Unicode.Scalar(delimiter))))", "detected from the header line"))
        }
        if isWindows1252 { csv.append(("encoding = \"windows-1252\"", "not UTF-8: as Excel saves plain CSV")) }
        if csv.isEmpty {
            out.comment("[csv]: not needed; the file is comma-separated UTF-8.")
        } else {
            out.line("[csv]", "")
            for (line, note) in csv { out.line(line, note) }
        }
        return out.text
    }

    /// 12,345.
    private func grouped(_ n: Int) -> String {
        var digits = Array(String(n)), out: [Character] = []
        while digits.count > 3 { out = [","] + digits.suffix(3) + out; digits.removeLast(3) }
        return String(digits + out)
    }
}

/// `text` as a TOML basic string: quotes, backslashes and control characters escaped, so
/// that a header or value holding them (a quoted line break) is still one valid line.
package func tomlString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

/// Lines of TOML with their comments lined up.
private struct TOMLLines {
    private var lines: [(text: String, note: String)] = []

    mutating func line(_ text: String, _ note: String) { lines.append((text, note)) }
    mutating func comment(_ text: String) { lines.append(("# " + text, "")) }
    mutating func blank() { lines.append(("", "")) }

    var text: String {
        let width = min(40, lines.filter { !$0.note.isEmpty }.map(\.text.count).max() ?? 0)
        return lines.map { l in
            guard !l.note.isEmpty else { return l.text }
            let pad = max(1, width - l.text.count + 1)
            return l.text + String(repeating: " ", count: pad) + "# " + l.note
        }.joined(separator: "\n") + "\n"
    }
}
