/// A calendar date as a whole number of days since 1970-01-01 (proleptic Gregorian).
///
/// Every statutory deadline is whole-date arithmetic, so dates never carry a time
/// or a time zone. Conversions use Howard Hinnant's civil-date algorithms.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before it).
    public let number: Int32

    @inlinable public init(number: Int32) { self.number = number }

    // @inlinable: other modules compare and add days in their row loops, and a call for
    // each would cost more than the arithmetic.
    @inlinable public static func == (lhs: Day, rhs: Day) -> Bool { lhs.number == rhs.number }
    @inlinable public func hash(into hasher: inout Hasher) { hasher.combine(number) }

    /// The day with this civil date, or nil when the date does not exist (31 February).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= Day.daysIn(month: month, year: year) else { return nil }
        self.number = Int32(Day.daysFromCivil(year, month, day))
    }

    @inlinable public static func < (lhs: Day, rhs: Day) -> Bool { lhs.number < rhs.number }
    // These trap on overflow, and may: every day read from input lies in 1900...2999
    // (DateParser), and what is added is a rule's limit or --due-within (0...3660), so
    // the sum stays far inside Int32's ±5.8 million years.
    @inlinable public static func + (lhs: Day, rhs: Int) -> Day { Day(number: lhs.number + Int32(rhs)) }
    @inlinable public static func - (lhs: Day, rhs: Int) -> Day { Day(number: lhs.number - Int32(rhs)) }
    /// The number of days from `rhs` to `lhs`.
    @inlinable public static func - (lhs: Day, rhs: Day) -> Int { Int(lhs.number) - Int(rhs.number) }

    /// Year, month (1–12) and day of month. Not inlinable on purpose: inlined into
    /// another module, reading the table went through its lazy initialiser (and a
    /// reference count on it) for every date; called, it reads it directly.
    public var civil: (year: Int, month: Int, day: Int) {
        let i = Int(number) - Int(CivilTable.first)
        if i >= 0, i < CivilTable.count {
            let packed = CivilTable.packed[i]
            return (Int(packed >> 9), Int(packed >> 5 & 0xF), Int(packed & 0x1F))
        }
        return computedCivil
    }

    /// Appends `yyyy-mm-dd` as UTF-8, or its first `length` bytes (7: `yyyy-mm`).
    package func appendISO(to bytes: inout [UInt8], length: Int = 10) {
        if let offset = isoTableOffset {
            bytes.append(contentsOf: Day.isoTable[offset ..< offset + length])
        } else {
            bytes.append(contentsOf: iso.utf8.prefix(length))
        }
    }

    /// `yyyy-mm-dd` of every day of 1950–2099, ten bytes a day: writers copy a date's
    /// text from `isoTableOffset` instead of formatting it.
    public static var isoTable: [UInt8] { CivilTable.iso }

    /// Where this day's text starts in `isoTable`, or nil outside 1950–2099.
    @inlinable
    public var isoTableOffset: Int? {
        let i = Int(number) - Int(CivilTable.first)
        return i >= 0 && i < CivilTable.count ? i * 10 : nil
    }

    /// Hinnant's `civil_from_days`.
    @usableFromInline var computedCivil: (year: Int, month: Int, day: Int) {
        let z = Int(number) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public var year: Int { civil.year }
    public var month: Int { civil.month }
    public var dayOfMonth: Int { civil.day }

    /// ISO 8601 `yyyy-mm-dd`.
    public var iso: String {
        let (y, m, d) = civil
        return Day.isoText(y, m, d)
    }

    fileprivate static func isoText(_ y: Int, _ m: Int, _ d: Int) -> String {
        var bytes = [UInt8](repeating: 0, count: 10)
        Day.writeDigits(y, 4, into: &bytes, at: 0)
        bytes[4] = UInt8(ascii: "-")
        Day.writeDigits(m, 2, into: &bytes, at: 5)
        bytes[7] = UInt8(ascii: "-")
        Day.writeDigits(d, 2, into: &bytes, at: 8)
        return String(decoding: bytes, as: UTF8.self)
    }

    public var description: String { iso }

    /// Reads a strict `yyyy-mm-dd` (used for command-line options and tests).
    public init?(iso text: String) {
        let u = Array(text.utf8)
        guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"),
              let y = Day.digits(u[0..<4]), let m = Day.digits(u[5..<7]), let d = Day.digits(u[8..<10])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public static func isLeap(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// True for 29 February.
    public var isLeapDay: Bool { let c = civil; return c.month == 2 && c.day == 29 }

    /// The corresponding date `months` later (earlier when negative), or the last day of
    /// that month when it has no such day: 31 Jul 2026 − 5 months → 28 Feb 2026.
    public func addingMonths(_ months: Int) -> Day {
        correspondingDate(months: months).0
    }

    /// The last day of the "period of 12 months starting with" this day (CFA s.44(1)).
    ///
    /// The period includes this day, so it ends the day before the corresponding date a
    /// year later; when that date does not exist (29 February) it ends on the last day of
    /// the month: 1 Jan 2019 → 31 Dec 2019, 31 Mar 2024 → 30 Mar 2025, 29 Feb 2024 → 28 Feb 2025.
    public var endOfTwelveMonthPeriod: Day { endOfPeriod(months: 12) }

    /// The last day of "the period of `months` months starting with" this day, by the
    /// same convention as `endOfTwelveMonthPeriod`: 14 Apr 2025, 3 months → 13 Jul 2025;
    /// 30 Nov 2024, 3 months → 28 Feb 2025 (no 30 February: the last day of the month).
    public func endOfPeriod(months: Int) -> Day {
        let (target, exact) = correspondingDate(months: months)
        return exact ? target - 1 : target
    }

    /// The date `months` away with the same day of month, clamped to the month's end;
    /// `exact` says whether the same day of month existed.
    private func correspondingDate(months: Int) -> (Day, exact: Bool) {
        let (y, m, d) = civil
        let index = y * 12 + (m - 1) + months
        let ny = index >= 0 ? index / 12 : (index - 11) / 12
        let nm = index - ny * 12 + 1
        let last = Day.daysIn(month: nm, year: ny)
        let nd = min(d, last)
        return (Day(number: Int32(Day.daysFromCivil(ny, nm, nd))), nd == d)
    }

    package static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    fileprivate static func writeDigits(_ value: Int, _ width: Int, into bytes: inout [UInt8], at start: Int) {
        var v = value
        for i in stride(from: start + width - 1, through: start, by: -1) {
            bytes[i] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
        }
    }

    private static func digits(_ slice: ArraySlice<UInt8>) -> Int? {
        var v = 0
        for b in slice {
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
            v = v * 10 + Int(b - UInt8(ascii: "0"))
        }
        return v
    }
}

/// The civil dates and ISO texts of 1950–2099 worked out once: cases.csv writes three or
/// four dates per case, and every period label needs a year and month.
@usableFromInline enum CivilTable {
    // Literals, not `daysFromCivil(1950, 1, 1)` and `daysFromCivil(2100, 1, 1) - first`
    // (a test checks they are those): a computed static is reached through a one-time
    // initialiser on every use from another module, twice for each date written.
    /// 1950-01-01.
    @inlinable static var first: Int32 { -7305 }
    /// The days of 1950–2099.
    @inlinable static var count: Int { 54_787 }
    /// year << 9 | month << 5 | day.
    @usableFromInline package static let packed: [UInt32] = (0..<count).map { i in
        let (y, m, d) = Day(number: first + Int32(i)).computedCivil
        return UInt32(y) << 9 | UInt32(m) << 5 | UInt32(d)
    }
    /// Ten bytes per day, written by counting the calendar forward from 1 January 1950
    /// (a string per day made this table a fifth of a 200k-row run's formatting cost).
    package static let iso: [UInt8] = {
        var bytes = [UInt8](repeating: UInt8(ascii: "-"), count: count * 10)
        var (y, m, d) = (1950, 1, 1)
        for i in 0..<count {
            Day.writeDigits(y, 4, into: &bytes, at: i * 10)
            Day.writeDigits(m, 2, into: &bytes, at: i * 10 + 5)
            Day.writeDigits(d, 2, into: &bytes, at: i * 10 + 8)
            d += 1
            if d > Day.daysIn(month: m, year: y) {
                d = 1; m += 1
                if m > 12 { m = 1; y += 1 }
            }
        }
        return bytes
    }()
}
