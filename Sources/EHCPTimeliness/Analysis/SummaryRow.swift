import EHCPRules
import EHCPStore
import EHCPIngest

/// One row of summary.csv: a measure, a period and a cohort with its counts, rates,
/// Wilson interval and median (outputs.md, "summary.csv").
///
/// Rates are derived from the counts when read, already rounded half away from zero
/// to one decimal, so JSON writers that use the `Double` values print exactly what
/// `cells()` writes to CSV.
public struct SummaryRow: Sendable, Equatable {
    public var measure: MeasureID
    /// A period label of the accumulator's unit, or `all` for all periods together.
    public var period: String
    /// The `--by` values in order; every value is `all` in the total across cohorts.
    public var cohort: [String]
    /// True for the total across cohorts (every `--by` column `all`), which tells it
    /// apart from a cohort whose input values happen to read `all`.
    public var isCohortTotal: Bool

    /// Cases without an applied exception, by status.
    public var onTime: Int
    public var late: Int
    public var openInTime: Int
    public var openOverdue: Int
    /// Cases with an applied exception, by status (they count in `excepted` and in
    /// `rate_incl_exceptions`).
    public var exceptedOnTime: Int
    public var exceptedLate: Int
    public var exceptedOpen: Int
    /// Twice the median of days elapsed over completed cases without an exception
    /// (so a half day is exact); nil when there are none.
    package var medianHalfDays: Int?
    /// The period's number (`PeriodUnit.index(for:)`); nil for `all`.
    package var periodIndex: Int? = nil
    /// Cases the measure would count but could not measure, because a field it needs
    /// held an unusable value (data-quality.csv names each). They have no period, so
    /// only an all-periods row counts them; they are not in `cases` or any rate.
    public var notMeasured: Int = 0
    /// Final plans issued less than 15 days after their draft (reg 13(1)(a)), with or
    /// without an exception, on the rows of a measure that counts them (final-plan-20w);
    /// nil (a blank cell) on other measures' rows.
    public var shortRepresentation: Int? = nil

    /// True when this row covers all periods together.
    public var isAllPeriods: Bool { period == Rates.allLabel }

    /// All cases.
    public var cases: Int { onTime + late + openInTime + openOverdue + excepted }
    /// Cases with an applied statutory exception.
    public var excepted: Int { exceptedOnTime + exceptedLate + exceptedOpen }

    /// on time ÷ (on time + late), without exceptions, as a rounded percentage.
    public var rateExclExceptions: Double? { Self.value(rateExclExceptionsTenths) }
    /// completed on time ÷ completed, with or without an exception.
    public var rateInclExceptions: Double? { Self.value(rateInclExceptionsTenths) }
    /// on time ÷ (on time + late + open overdue), without exceptions.
    public var rateInclOverdue: Double? { Self.value(rateInclOverdueTenths) }
    /// Wilson score interval (z = 1.96) of `rateExclExceptions`, rounded the same way.
    public var ci95Low: Double? { Self.value(wilsonTenths?.low) }
    public var ci95High: Double? { Self.value(wilsonTenths?.high) }
    /// Median days elapsed (whole or .5); nil when no completed case without an
    /// exception has a start date.
    public var medianDays: Double? { medianHalfDays.map { Double($0) / 2 } }

    package var rateExclExceptionsTenths: Int? { Rates.percentTenths(onTime, of: onTime + late) }
    package var rateInclExceptionsTenths: Int? {
        Rates.percentTenths(onTime + exceptedOnTime, of: onTime + late + exceptedOnTime + exceptedLate)
    }
    package var rateInclOverdueTenths: Int? { Rates.percentTenths(onTime, of: onTime + late + openOverdue) }
    package var wilsonTenths: (low: Int, high: Int)? { Rates.wilsonTenths(onTime, of: onTime + late) }

    package init(measure: MeasureID, period: String, cohort: [String], isCohortTotal: Bool,
         onTime: Int = 0, late: Int = 0, openInTime: Int = 0, openOverdue: Int = 0,
         exceptedOnTime: Int = 0, exceptedLate: Int = 0, exceptedOpen: Int = 0,
         medianHalfDays: Int? = nil, periodIndex: Int? = nil, notMeasured: Int = 0, shortRepresentation: Int? = nil) {
        self.measure = measure; self.period = period; self.cohort = cohort
        self.isCohortTotal = isCohortTotal
        self.onTime = onTime; self.late = late; self.openInTime = openInTime; self.openOverdue = openOverdue
        self.exceptedOnTime = exceptedOnTime; self.exceptedLate = exceptedLate; self.exceptedOpen = exceptedOpen
        self.medianHalfDays = medianHalfDays
        self.periodIndex = periodIndex
        self.notMeasured = notMeasured
        self.shortRepresentation = shortRepresentation
    }

    /// The summary.csv header: `measure,period`, the `--by` columns, then the counts,
    /// rates, interval and median.
    public static func header(byColumns: [String]) -> [String] {
        ["measure", "period"] + byColumns + valueColumns
    }

    /// The whole row as summary.csv cells in header order; blank cells for rates with
    /// a zero denominator and for a missing median. Not yet CSV-escaped.
    public func cells() -> [String] {
        let wilson = wilsonTenths
        return [measure.rawValue, period] + cohort + [
            String(cases), String(onTime), String(late), String(openInTime), String(openOverdue),
            String(excepted),
            Self.text(rateExclExceptionsTenths), Self.text(rateInclExceptionsTenths),
            Self.text(rateInclOverdueTenths), Self.text(wilson?.low), Self.text(wilson?.high),
            medianHalfDays.map(Rates.formatHalves) ?? "",
            isAllPeriods ? String(notMeasured) : "",
            shortRepresentation.map(String.init) ?? "",
        ]
    }

    /// The count, rate, interval and median columns: blank when the row is suppressed.
    public static let valueColumns = [
        "cases", "on_time", "late", "open_in_time", "open_overdue", "excepted",
        "rate_excl_exceptions", "rate_incl_exceptions", "rate_incl_overdue",
        "ci95_low", "ci95_high", "median_days", "not_measured", "short_representation",
    ]

    /// `cells()`, or for a suppressed row the measure, period and cohort with every
    /// count and rate cell blank.
    public func cells(suppressed: Bool) -> [String] {
        guard suppressed else { return cells() }
        return [measure.rawValue, period] + cohort + Array(repeating: "", count: Self.valueColumns.count)
    }

    private static func value(_ tenths: Int?) -> Double? { tenths.map { Double($0) / 10 } }
    private static func text(_ tenths: Int?) -> String { tenths.map(Rates.formatTenths) ?? "" }
}
