import EHCPRules
import EHCPStore

/// Why a date could not be read; `description` is a message for an analyst.
///
/// Each case carries the field's original text.
public enum DateParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text is not in any accepted format.
    case unrecognised(String)
    /// The text has the shape of an accepted format but a two-digit year (`06/01/25`).
    case twoDigitYear(String)
    /// The text has an accepted shape but names no real date (`31/02/2025`, month 13),
    /// or a year outside 1900...2999 (`9999-12-31` is a "no date" sentinel, not a date).
    case impossibleDate(String)
    /// An Excel serial below 61: before 1 March 1900, where Excel's calendar is wrong.
    case excelSerialTooSmall(String)

    public var description: String {
        switch self {
        case .unrecognised(let text):
            if text.isEmpty { return "the date is empty" }
            var message = "\"\(text)\" is not a recognised date; use yyyy-mm-dd or dd/mm/yyyy"
            if DateParseError.looksLikeExcelSerial(text) {
                message += " (if it is an Excel serial day number, add \"excel\" to the profile's [dates] formats,"
                    + " e.g. formats = [\"dd/MM/yyyy\", \"excel\"])"
            }
            return message
        case .twoDigitYear(let text):
            if let fixed = DateParseError.withFullYear(text) {
                return "\"\(text)\" has a two-digit year; write the year in full (\(fixed))"
            }
            return "\"\(text)\" has a two-digit year; write the year in full"
        case .impossibleDate(let text):
            if let year = DateParseError.firstFourDigitNumber(text), !DateParser.years.contains(year) {
                if year == 9999 || year == 0 {
                    return "\"\(text)\" is not a real date: year \(DateParseError.fourDigits(year)) is a "
                        + "placeholder for \"no date\", not a date; leave the cell blank when there is no date"
                }
                return "\"\(text)\" is not a real date: the year must lie between 1900 and 2999"
            }
            return "\"\(text)\" is not a real date"
        case .excelSerialTooSmall(let text):
            return "Excel serial \(text) is before 1 March 1900, where Excel's calendar is wrong; "
                + "check that the column holds dates"
        }
    }

    // MARK: Message helpers (error path only)

    private static func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }

    /// Digits with at most one decimal point, five or more digits before it.
    private static func looksLikeExcelSerial(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts[0].count >= 5 else { return false }
        return parts.allSatisfy { $0.allSatisfy(isDigit) }
    }

    /// Maximal runs of digits with their position, skipping those of a time of day
    /// (next to a colon).
    private static func dateNumberRuns(_ text: String) -> [Range<Int>] {
        let chars = Array(text)
        var runs: [Range<Int>] = []
        var i = 0
        while i < chars.count {
            guard isDigit(chars[i]) else { i += 1; continue }
            let start = i
            while i < chars.count, isDigit(chars[i]) { i += 1 }
            let before: Character? = start > 0 ? chars[start - 1] : nil
            let after: Character? = i < chars.count ? chars[i] : nil
            if before != ":" && after != ":" { runs.append(start..<i) }
        }
        return runs
    }

    /// The text with its two-digit year (the last two-digit number of the date part)
    /// written in full: 00–49 → 20xx, 50–99 → 19xx.
    private static func withFullYear(_ text: String) -> String? {
        let chars = Array(text)
        guard let run = dateNumberRuns(text).last(where: { $0.count == 2 }),
              let yy = Int(String(chars[run])) else { return nil }
        let full = String((yy < 50 ? 2000 : 1900) + yy)
        return String(chars[..<run.lowerBound]) + full + String(chars[run.upperBound...])
    }

    private static func firstFourDigitNumber(_ text: String) -> Int? {
        let chars = Array(text)
        guard let run = dateNumberRuns(text).first(where: { $0.count == 4 }) else { return nil }
        return Int(String(chars[run]))
    }

    private static func fourDigits(_ n: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }
}

/// A profile's `[dates] formats` entry could not be understood: a reason the run reports
/// as `InputError.profileInvalid`, not an error of its own.
public struct DateFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    public let format: String
    public let reason: String
    public var description: String { "date format \"\(format)\": \(reason)" }
}

/// Reads dates from field bytes into `Day`s.
///
/// `automatic` recognises every format of extract-format.md ("Dates"). A parser made
/// with `init(formats:)` accepts only the given formats, tried in order. Parsing works on
/// the field's bytes directly and allocates nothing unless it fails.
///
/// Every parser rejects years outside 1900...2999 as impossible dates: `9999-12-31` is a
/// sentinel for "no date", not a date. A time of day is read and ignored; the calendar
/// date is taken as written, whatever time zone follows it.
public struct DateParser: Sendable {
    /// The years any parser accepts.
    package static let years: ClosedRange<Int> = 1900...2999

    private enum Mode: Sendable {
        case automatic
        case pinned([CompiledFormat])
    }

    private let mode: Mode

    /// Every format extract-format.md recognises without configuration:
    /// - `2025-01-06`, optionally followed by `T` or a space and a time
    ///   (`2025-01-06T00:00:00`, `2025-01-06 00:00`, seconds, fractions, `Z` or an offset);
    /// - day first, never month first: `06/01/2025`, `6/1/2025`, `06-01-2025`, `06.01.2025`;
    /// - month names in any case, three-letter, `Sept` or full: `06-Jan-2025`, `6 Jan 2025`,
    ///   `06 January 2025`;
    /// - `2025-Jan-06 00:00:00` (SEN2 COLLECT);
    /// - the day-first formats followed by a space and a time (`06/01/2025 00:00`), as Excel writes.
    public static var automatic: DateParser { DateParser(mode: .automatic) }

    private init(mode: Mode) { self.mode = mode }

    /// Only the given formats (profile tokens or `excel`), tried in order.
    ///
    /// Tokens: `d` (day, 1–2 digits), `dd` (2 digits), `M` / `MM` (month number, 1–2 / 2
    /// digits), `MMM` (`Jan`, any case; `Sept` too), `MMMM` (`January`, any case), `yyyy`,
    /// and a time read and ignored: `H` / `HH` (hour, 1–2 / 2 digits), `mm`, `ss`. A `T`
    /// and any other non-letter stand for themselves; other letters go in single quotes
    /// (`'at'`). Spaces at either end of a format are dropped (fields are trimmed). A time
    /// in the field is accepted only where the format has one: `dd/MM/yyyy HH:mm`.
    ///
    /// `excel` reads Excel serial day numbers (1899-12-30 + serial; a fraction of a day
    /// is ignored); serials below 61 are errors.
    public init(formats: [String]) throws(DateFormatError) {
        guard !formats.isEmpty else {
            throw DateFormatError(
                format: "",
                reason: "no formats given; list at least one, or leave out [dates] formats to recognise the usual formats")
        }
        var compiled: [CompiledFormat] = []
        for format in formats { compiled.append(try CompiledFormat(format)) }
        self.mode = .pinned(compiled)
    }

    /// `bytes` is a non-empty field with surrounding spaces already trimmed.
    public func parse(_ bytes: Span<UInt8>) -> Result<Day, DateParseError> {
        let outcome: Outcome
        switch mode {
        case .automatic:
            if let day = Self.isoDay(bytes) { return .success(day) }
            outcome = Scan.automatic(bytes)
        case .pinned(let formats):
            outcome = Scan.pinned(formats, bytes)
        }
        if case .day(let day) = outcome { return .success(day) }
        return .failure(Self.error(outcome, bytes))
    }

    /// A valid `yyyy-mm-dd` of 1950–2099, the usual cell, read without the general scan
    /// (which then reads every other cell, and says why a bad one is bad).
    ///
    /// It may only be faster than `Scan.automatic`, never different: whatever it reads,
    /// the general scan reads as the same day (FastPathTests and fuzz-date-parser check).
    /// Every byte is taken as `UInt8 &- 48`, which wraps anything below "0" above 9, so
    /// no byte can make a negative digit or trap a conversion.
    @inline(__always)
    package static func isoDay(_ p: Span<UInt8>) -> Day? {
        guard p.count == 10, p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-") else { return nil }
        let zero = UInt8(ascii: "0")
        let d0 = p[0] &- zero, d1 = p[1] &- zero, d2 = p[2] &- zero, d3 = p[3] &- zero
        let m0 = p[5] &- zero, m1 = p[6] &- zero, a0 = p[8] &- zero, a1 = p[9] &- zero
        guard d0 < 10, d1 < 10, d2 < 10, d3 < 10, m0 < 10, m1 < 10, a0 < 10, a1 < 10 else { return nil }
        // Each digit is 0...9 here, so these sums are at most 9999, 99 and 99.
        let year = Int(d0) * 1000 + Int(d1) * 100 + Int(d2) * 10 + Int(d3)
        let month = Int(m0) * 10 + Int(m1), day = Int(a0) * 10 + Int(a1)
        guard (MonthStarts.firstYear..<MonthStarts.endYear).contains(year), (1...12).contains(month), day >= 1 else { return nil }
        // year and month are checked above, so i and i + 1 lie inside the table.
        let i = (year - MonthStarts.firstYear) * 12 + month - 1
        let start = MonthStarts.days[i]
        guard day <= Int(MonthStarts.days[i + 1] - start) else { return nil }
        return Day(number: start + Int32(day - 1))
    }

    public func parse(_ text: String) -> Result<Day, DateParseError> {
        Bytes.withUTF8(text) { parse($0) }
    }

    @inline(never)
    private static func error(_ outcome: Outcome, _ bytes: Span<UInt8>) -> DateParseError {
        let text = Bytes.string(bytes)
        switch outcome {
        case .day, .unrecognised: return .unrecognised(text)
        case .twoDigitYear: return .twoDigitYear(text)
        case .impossible: return .impossibleDate(text)
        case .serialTooSmall: return .excelSerialTooSmall(text)
        }
    }
}

// MARK: - Scanning

/// The result of one scan, before any text is copied for an error.
package enum Outcome {
    case day(Day)
    case unrecognised
    case twoDigitYear
    case impossible
    case serialTooSmall
}

/// One element of a compiled profile format.
package enum FormatToken: Equatable, Sendable {
    case day(exact: Bool)
    case monthNumber(exact: Bool)
    case monthAbbreviation
    case monthName
    case year
    case hour(exact: Bool)
    case minute
    case second
    case literal(UInt8)

    package var isNumber: Bool {
        switch self {
        case .monthAbbreviation, .monthName, .literal: return false
        default: return true
        }
    }

    package var hasVariableWidth: Bool {
        switch self {
        case .day(exact: false), .monthNumber(exact: false), .hour(exact: false): return true
        default: return false
        }
    }
}

/// A profile format compiled once, at `DateParser.init(formats:)`.
package enum CompiledFormat: Equatable, Sendable {
    case excel
    case pattern([FormatToken])

    private static let tokenList =
        "the tokens are d, dd, M, MM, MMM, MMMM, yyyy, H, HH, mm and ss; other letters go in single quotes, e.g. 'at'"

    package init(_ format: String) throws(DateFormatError) {
        func fail(_ reason: String) -> DateFormatError { DateFormatError(format: format, reason: reason) }

        var bytes = Array(format.utf8)
        while bytes.last == UInt8(ascii: " ") { bytes.removeLast() }
        while bytes.first == UInt8(ascii: " ") { bytes.removeFirst() }
        guard !bytes.isEmpty else { throw fail("the format is empty") }
        if String(decoding: bytes, as: UTF8.self).lowercased() == "excel" { self = .excel; return }

        var tokens: [FormatToken] = []
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "'") {
                // Quoted literal; '' is a quote mark.
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "'") { tokens.append(.literal(b)); i += 1; continue }
                guard let close = bytes[i...].firstIndex(of: UInt8(ascii: "'")) else {
                    throw fail("a quote (') is not closed")
                }
                tokens += bytes[i..<close].map { .literal($0) }
                i = close + 1
                continue
            }
            guard Scan.isLetter(b) else { tokens.append(.literal(b)); i += 1; continue }
            var j = i
            while j < bytes.count, bytes[j] == b { j += 1 }
            let run = String(decoding: bytes[i..<j], as: UTF8.self)
            let token: FormatToken
            switch (Character(Unicode.Scalar(b)), j - i) {
            case ("d", 1): token = .day(exact: false)
            case ("d", 2): token = .day(exact: true)
            case ("M", 1): token = .monthNumber(exact: false)
            case ("M", 2): token = .monthNumber(exact: true)
            case ("M", 3): token = .monthAbbreviation
            case ("M", 4): token = .monthName
            case ("y", 4): token = .year
            case ("H", 1): token = .hour(exact: false)
            case ("H", 2): token = .hour(exact: true)
            case ("m", 2): token = .minute
            case ("s", 2): token = .second
            case ("T", 1): token = .literal(b)
            case ("y", 2):
                throw fail("two-digit years (\"yy\") are not accepted; use yyyy")
            case ("y", _), ("Y", _):
                throw fail("unknown token \"\(run)\"; the year is yyyy (lower case)")
            case ("D", _), ("d", _):
                throw fail("unknown token \"\(run)\"; the day is d or dd (lower case)")
            case ("m", 1):
                throw fail("unknown token \"m\"; minutes are mm, and the month is M or MM (upper case)")
            case ("h", _):
                throw fail("unknown token \"\(run)\"; the hour is H or HH (upper case, 24-hour clock)")
            default:
                throw fail("unknown token \"\(run)\"; \(Self.tokenList)")
            }
            tokens.append(token)
            i = j
        }

        func count(_ matches: (FormatToken) -> Bool) -> Int { tokens.filter(matches).count }
        let parts: [(String, Int)] = [
            ("day (d or dd)", count { if case .day = $0 { true } else { false } }),
            ("month (M, MM, MMM or MMMM)", count {
                switch $0 {
                case .monthNumber, .monthAbbreviation, .monthName: true
                default: false
                }
            }),
            ("year (yyyy)", count { $0 == .year }),
        ]
        for (name, n) in parts {
            if n == 0 { throw fail("it has no \(name)") }
            if n > 1 { throw fail("it has more than one \(name)") }
        }
        let timeParts: [(String, Int)] = [
            ("hour", count { if case .hour = $0 { true } else { false } }),
            ("minute (mm)", count { $0 == .minute }),
            ("second (ss)", count { $0 == .second }),
        ]
        for (name, n) in timeParts where n > 1 { throw fail("it has more than one \(name)") }
        for (a, b) in zip(tokens, tokens.dropFirst()) where a.hasVariableWidth && b.isNumber {
            throw fail("a one-or-two-digit token (d, M or H) is followed directly by another number; "
                + "use dd, MM or HH, or put a separator between them")
        }
        self = .pattern(tokens)
    }
}

/// Byte-level scanners. Nothing here allocates.
package enum Scan {
    private static let zero = UInt8(ascii: "0")
    /// Day number of 1899-12-30, Excel's day zero (for serials from 61 on).
    package static let excelEpoch = -25_569
    /// Day number of 2999-12-31.
    package static let lastDay = 376_199

    @inline(__always) package static func isDigit(_ b: UInt8) -> Bool { b &- zero < 10 }
    @inline(__always) package static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) &- UInt8(ascii: "a") < 26 }
    @inline(__always) package static func lower(_ b: UInt8) -> UInt32 { UInt32(b | 0x20) }

    /// Reads up to `limit` digits from `i`; `count` is how many were read. The value
    /// wraps on absurd lengths, so callers check `count` first.
    @inline(__always)
    package static func number(_ p: Span<UInt8>, _ i: inout Int, limit: Int = .max) -> (value: Int, count: Int) {
        let start = i
        var value = 0
        while i < p.count, i - start < limit {
            let d = p[i] &- zero
            guard d < 10 else { break }
            value = value &* 10 &+ Int(d)
            i += 1
        }
        return (value, i - start)
    }

    /// Reads a run of letters as a month name: three-letter abbreviations and `Sept`
    /// when `abbreviated`, full names when `full`; any case. Returns 1–12, or 0.
    @inline(__always)
    package static func monthName(_ p: Span<UInt8>, _ i: inout Int, abbreviated: Bool, full: Bool) -> Int {
        let start = i
        while i < p.count, isLetter(p[i]) { i += 1 }
        let length = i - start
        guard length >= 3 else { return 0 }
        let key = lower(p[start]) << 16 | lower(p[start + 1]) << 8 | lower(p[start + 2])
        let month: Int
        switch key {
        case 0x6a616e: month = 1   // jan
        case 0x666562: month = 2   // feb
        case 0x6d6172: month = 3   // mar
        case 0x617072: month = 4   // apr
        case 0x6d6179: month = 5   // may
        case 0x6a756e: month = 6   // jun
        case 0x6a756c: month = 7   // jul
        case 0x617567: month = 8   // aug
        case 0x736570: month = 9   // sep
        case 0x6f6374: month = 10  // oct
        case 0x6e6f76: month = 11  // nov
        case 0x646563: month = 12  // dec
        default: return 0
        }
        if length == 3 { return abbreviated || (full && month == 5) ? month : 0 }
        if month == 9, length == 4, lower(p[start + 3]) == UInt32(UInt8(ascii: "t")) {
            return abbreviated ? 9 : 0
        }
        guard full else { return 0 }
        let name: StaticString
        switch month {
        case 1: name = "january"
        case 2: name = "february"
        case 3: name = "march"
        case 4: name = "april"
        case 5: name = "may"
        case 6: name = "june"
        case 7: name = "july"
        case 8: name = "august"
        case 9: name = "september"
        case 10: name = "october"
        case 11: name = "november"
        default: name = "december"
        }
        guard length == name.utf8CodeUnitCount else { return 0 }
        let expected = name.utf8Start
        for k in 3..<length where lower(p[start + k]) != UInt32(expected[k]) { return 0 }
        return month
    }

    /// A time of day from `i` to the end: `H[H]:mm[:ss[.fff]]`, then optionally `Z`,
    /// `±hh`, `±hhmm` or `±hh:mm`. Read and ignored; only its shape and ranges are checked.
    package static func timeOfDay(_ p: Span<UInt8>, from start: Int) -> Bool {
        var i = start
        let hour = number(p, &i)
        guard (1...2).contains(hour.count), hour.value <= 24, i < p.count, p[i] == UInt8(ascii: ":") else { return false }
        i += 1
        let minute = number(p, &i)
        guard minute.count == 2, minute.value <= 59 else { return false }
        if i < p.count, p[i] == UInt8(ascii: ":") {
            i += 1
            let second = number(p, &i)
            guard second.count == 2, second.value <= 60 else { return false }
            if i < p.count, p[i] == UInt8(ascii: ".") || p[i] == UInt8(ascii: ",") {
                i += 1
                guard number(p, &i).count >= 1 else { return false }
            }
        }
        guard i < p.count else { return true }
        if p[i] == UInt8(ascii: "Z") { return i + 1 == p.count }
        guard p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") else { return false }
        i += 1
        let offset = number(p, &i)
        if offset.count == 4 { return i == p.count }
        guard offset.count == 2 else { return false }
        guard i < p.count else { return true }
        guard p[i] == UInt8(ascii: ":") else { return false }
        i += 1
        return number(p, &i).count == 2 && i == p.count
    }

    /// The callers read each part with a bounded count of digits (the year checked
    /// here before any arithmetic), so nothing below can overflow.
    @inline(__always)
    package static func date(_ year: Int, _ month: Int, _ day: Int) -> Outcome {
        guard year >= 1900, year <= 2999, let d = Day(year: year, month: month, day: day) else { return .impossible }
        return .day(d)
    }

    // MARK: Automatic

    package static func automatic(_ p: Span<UInt8>) -> Outcome {
        let n = p.count
        var i = 0
        let first = number(p, &i)
        guard i < n else { return .unrecognised }

        if first.count == 4 {
            // yyyy-MM-dd or yyyy-MMM-dd, then an optional time after T or a space.
            guard p[i] == UInt8(ascii: "-") else { return .unrecognised }
            i += 1
            guard i < n else { return .unrecognised }
            let month: Int
            if isDigit(p[i]) {
                let m = number(p, &i)
                guard m.count <= 2 else { return .unrecognised }
                month = m.value
            } else {
                month = monthName(p, &i, abbreviated: true, full: true)
                guard month != 0 else { return .unrecognised }
            }
            guard i < n, p[i] == UInt8(ascii: "-") else { return .unrecognised }
            i += 1
            let day = number(p, &i)
            guard (1...2).contains(day.count) else { return .unrecognised }
            if i < n {
                guard p[i] == UInt8(ascii: "T") || p[i] == UInt8(ascii: " "),
                      timeOfDay(p, from: i + 1) else { return .unrecognised }
            }
            return date(first.value, month, day.value)
        }

        // Day first: d/M/yyyy with / - or . as separator, or d MMM yyyy with a month name
        // separated by a space, - / or . ; then an optional time after a space.
        guard (1...2).contains(first.count) else { return .unrecognised }
        let separator = p[i]
        i += 1
        guard i < n else { return .unrecognised }
        let month: Int
        if isDigit(p[i]) {
            guard separator == UInt8(ascii: "/") || separator == UInt8(ascii: "-") || separator == UInt8(ascii: ".")
            else { return .unrecognised }
            let m = number(p, &i)
            guard m.count <= 2 else { return .unrecognised }
            month = m.value
        } else {
            guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-")
                || separator == UInt8(ascii: "/") || separator == UInt8(ascii: ".")
            else { return .unrecognised }
            month = monthName(p, &i, abbreviated: true, full: true)
            guard month != 0 else { return .unrecognised }
        }
        guard i < n, p[i] == separator else { return .unrecognised }
        i += 1
        let year = number(p, &i)
        if i < n {
            guard p[i] == UInt8(ascii: " "), timeOfDay(p, from: i + 1) else { return .unrecognised }
        }
        if year.count == 2 { return .twoDigitYear }
        guard year.count == 4 else { return .unrecognised }
        return date(year.value, month, first.value)
    }

    // MARK: Pinned formats

    /// The first format that reads the field wins; otherwise the most specific failure
    /// (the first that is not merely "unrecognised").
    package static func pinned(_ formats: [CompiledFormat], _ p: Span<UInt8>) -> Outcome {
        var failure = Outcome.unrecognised
        for format in formats {
            let outcome: Outcome
            switch format {
            case .excel: outcome = excel(p)
            case .pattern(let tokens): outcome = pattern(tokens, p)
            }
            switch outcome {
            case .day: return outcome
            case .unrecognised: break
            default: if case .unrecognised = failure { failure = outcome }
            }
        }
        return failure
    }

    package static func excel(_ p: Span<UInt8>) -> Outcome {
        var i = 0
        let serial = number(p, &i)
        guard serial.count >= 1 else { return .unrecognised }
        if i < p.count {
            guard p[i] == UInt8(ascii: ".") else { return .unrecognised }
            i += 1
            _ = number(p, &i)
            guard i == p.count else { return .unrecognised }
        }
        guard serial.count <= 7 else { return .impossible }
        if serial.value < 61 { return .serialTooSmall }
        let number = excelEpoch + serial.value
        guard number <= lastDay else { return .impossible }
        // 61 <= serial < 10^7 and number <= lastDay: Int32 holds it.
        return .day(Day(number: Int32(number)))
    }

    package static func pattern(_ tokens: [FormatToken], _ p: Span<UInt8>) -> Outcome {
        var i = 0
        var year = 0, month = 0, day = 0
        var twoDigitYear = false
        for token in tokens {
            switch token {
            case .literal(let b):
                guard i < p.count, p[i] == b else { return .unrecognised }
                i += 1
            case .day(let exact):
                let d = number(p, &i, limit: 2)
                guard d.count == 2 || (!exact && d.count == 1) else { return .unrecognised }
                day = d.value
            case .monthNumber(let exact):
                let m = number(p, &i, limit: 2)
                guard m.count == 2 || (!exact && m.count == 1) else { return .unrecognised }
                month = m.value
            case .monthAbbreviation:
                month = monthName(p, &i, abbreviated: true, full: false)
                guard month != 0 else { return .unrecognised }
            case .monthName:
                month = monthName(p, &i, abbreviated: false, full: true)
                guard month != 0 else { return .unrecognised }
            case .year:
                let y = number(p, &i, limit: 4)
                if y.count == 2 {
                    twoDigitYear = true
                } else {
                    guard y.count == 4 else { return .unrecognised }
                }
                year = y.value
            case .hour(let exact):
                let h = number(p, &i, limit: 2)
                guard h.count == 2 || (!exact && h.count == 1), h.value <= 24 else { return .unrecognised }
            case .minute:
                let m = number(p, &i, limit: 2)
                guard m.count == 2, m.value <= 59 else { return .unrecognised }
            case .second:
                let s = number(p, &i, limit: 2)
                guard s.count == 2, s.value <= 60 else { return .unrecognised }
            }
        }
        guard i == p.count else { return .unrecognised }
        if twoDigitYear { return .twoDigitYear }
        return date(year, month, day)
    }
}

/// The day number of the first of every month of 1950–2099 (and of January 2100), for
/// `DateParser.isoDay`.
private enum MonthStarts {
    package static let firstYear = 1950, endYear = 2100
    package static let days: [Int32] = (0...((endYear - firstYear) * 12)).map { i in
        Int32(Day.daysFromCivil(firstYear + i / 12, i % 12 + 1, 1))
    }
}
