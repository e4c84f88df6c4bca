import EHCPRules
import EHCPStore
import EHCPIngest

/// The reporting period a case falls in (outputs.md, "Period of a case").
///
/// Labels sort chronologically as plain strings within one unit, for years 0–9999
/// (years are written with four digits).
public enum PeriodUnit: String, Sendable, CaseIterable {
    /// `2025-09`
    case month
    /// `2025-Q3` (calendar quarters: Q1 is January to March)
    case quarter
    /// `2025`
    case year
    /// `2025/26`, September to August
    case academicYear = "academic-year"
    /// `2025-26`, April to March
    case financialYear = "financial-year"
    /// `2025-26 Q2`: quarters of the financial year (Q1 April to June, Q4 January to March)
    case financialQuarter = "financial-quarter"

    /// The label of the period that contains `day`.
    public func label(for day: Day) -> String {
        var bytes: [UInt8] = []
        appendLabel(for: day, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the label's bytes (no String on the way: cases.csv writes one per row).
    package func appendLabel(for day: Day, to bytes: inout [UInt8]) {
        let (y, m, _) = self == .month ? (0, 0, 0) : day.civil  // a month is read whole from the ISO table
        switch self {
        case .month:
            day.appendISO(to: &bytes, length: 7)  // `yyyy-mm`
        case .quarter:
            Self.digits(y, 4, &bytes); bytes.append(UInt8(ascii: "-")); bytes.append(UInt8(ascii: "Q"))
            Self.digits((m - 1) / 3 + 1, 1, &bytes)
        case .year:
            Self.digits(y, 4, &bytes)
        case .academicYear:
            let start = m >= 9 ? y : y - 1
            Self.digits(start, 4, &bytes); bytes.append(UInt8(ascii: "/")); Self.digits(Self.mod100(start + 1), 2, &bytes)
        case .financialYear:
            let start = m >= 4 ? y : y - 1
            Self.digits(start, 4, &bytes); bytes.append(UInt8(ascii: "-")); Self.digits(Self.mod100(start + 1), 2, &bytes)
        case .financialQuarter:
            let start = m >= 4 ? y : y - 1
            Self.digits(start, 4, &bytes); bytes.append(UInt8(ascii: "-")); Self.digits(Self.mod100(start + 1), 2, &bytes)
            bytes.append(UInt8(ascii: " ")); bytes.append(UInt8(ascii: "Q")); Self.digits(Self.financialQuarter(month: m), 1, &bytes)
        }
    }

    /// At least `width` digits, zero-padded; a negative year (not reachable from a parsed
    /// date) as its plain number.
    private static func digits(_ value: Int, _ width: Int, _ bytes: inout [UInt8]) {
        if value < 0 { bytes.append(contentsOf: String(value).utf8); return }
        var divisor = 1, n = 1
        while n < width || value / divisor >= 10 { divisor *= 10; n += 1 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    /// The period containing `day` as a number that orders periods as their labels do:
    /// months since year 0, quarters since year 0 (financial quarters since April of year
    /// 0), or the (starting) year.
    public func index(for day: Day) -> Int {
        let (y, m, _) = day.civil
        switch self {
        case .month: return y * 12 + m - 1
        case .quarter: return y * 4 + (m - 1) / 3
        case .year: return y
        case .academicYear: return m >= 9 ? y : y - 1
        case .financialYear: return m >= 4 ? y : y - 1
        case .financialQuarter: return (m >= 4 ? y : y - 1) * 4 + Self.financialQuarter(month: m) - 1
        }
    }

    /// The first day of the period numbered `index`.
    public func firstDay(ofIndex index: Int) -> Day {
        let (year, month): (Int, Int)
        switch self {
        case .month: (year, month) = (index / 12, index % 12 + 1)
        case .quarter: (year, month) = (index / 4, index % 4 * 3 + 1)
        case .year: (year, month) = (index, 1)
        case .academicYear: (year, month) = (index, 9)
        case .financialYear: (year, month) = (index, 4)
        case .financialQuarter:
            let startMonth = index % 4 * 3 + 4  // 4, 7, 10 or 13 (January of the next year)
            (year, month) = startMonth > 12 ? (index / 4 + 1, startMonth - 12) : (index / 4, startMonth)
        }
        return Day(number: Int32(Day.daysFromCivil(year, month, 1)))
    }

    /// The label of the period numbered `index`.
    public func label(forIndex index: Int) -> String { label(for: firstDay(ofIndex: index)) }

    private static func mod100(_ v: Int) -> Int { ((v % 100) + 100) % 100 }

    /// 1 for April to June … 4 for January to March.
    private static func financialQuarter(month m: Int) -> Int { (m + 8) % 12 / 3 + 1 }

}
