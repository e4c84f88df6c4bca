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

    /// The label of the period that contains `day`.
    public func label(for day: Day) -> String {
        let (y, m, _) = day.civil
        switch self {
        case .month:
            return PeriodUnit.fourDigits(y) + "-" + PeriodUnit.twoDigits(m)
        case .quarter:
            return PeriodUnit.fourDigits(y) + "-Q" + String((m - 1) / 3 + 1)
        case .year:
            return PeriodUnit.fourDigits(y)
        case .academicYear:
            let start = m >= 9 ? y : y - 1
            return PeriodUnit.fourDigits(start) + "/" + PeriodUnit.twoDigits(PeriodUnit.mod100(start + 1))
        case .financialYear:
            let start = m >= 4 ? y : y - 1
            return PeriodUnit.fourDigits(start) + "-" + PeriodUnit.twoDigits(PeriodUnit.mod100(start + 1))
        }
    }

    /// The period containing `day` as a number that orders periods as their labels do:
    /// months since year 0, quarters since year 0, or the (starting) year.
    public func index(for day: Day) -> Int {
        let (y, m, _) = day.civil
        switch self {
        case .month: return y * 12 + m - 1
        case .quarter: return y * 4 + (m - 1) / 3
        case .year: return y
        case .academicYear: return m >= 9 ? y : y - 1
        case .financialYear: return m >= 4 ? y : y - 1
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
        }
        return Day(number: Int32(Day.daysFromCivil(year, month, 1)))
    }

    /// The label of the period numbered `index`.
    public func label(forIndex index: Int) -> String { label(for: firstDay(ofIndex: index)) }

    private static func mod100(_ v: Int) -> Int { ((v % 100) + 100) % 100 }

    private static func twoDigits(_ v: Int) -> String { v < 10 ? "0" + String(v) : String(v) }

    /// Zero-padded to four digits for years 0–9999; outside that range (not reachable
    /// from a parsed date) the plain number.
    private static func fourDigits(_ v: Int) -> String {
        guard v >= 0 else { return String(v) }
        let s = String(v)
        return s.count >= 4 ? s : String(repeating: "0", count: 4 - s.count) + s
    }
}
