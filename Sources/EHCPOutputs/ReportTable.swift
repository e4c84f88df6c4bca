import EHCPRules
import EHCPStore
import EHCPIngest
import EHCPTimeliness

/// A table of the report, already formatted: report.html and report.md render the
/// same tables cell for cell.
public struct ReportTable: Sendable, Equatable {
    public struct Column: Sendable, Equatable {
        public var title: String
        /// Right-aligned figures.
        public var numeric: Bool
        public init(_ title: String, numeric: Bool = true) { self.title = title; self.numeric = numeric }
    }

    public var caption: String
    public var columns: [Column]
    /// Cells as text; the first cell of each row heads the row.
    public var rows: [[String]]
    /// A sentence under the table (definitions, sources); empty for none.
    public var note: String

    public init(caption: String, columns: [Column], rows: [[String]], note: String = "") {
        precondition(rows.allSatisfy { $0.count == columns.count }, "every row needs one cell per column")
        self.caption = caption; self.columns = columns; self.rows = rows
        var n = Substring(note)
        while n.last == " " { n = n.dropLast() }
        self.note = String(n)
    }
}

/// How the report writes numbers: like the CSVs (one decimal for rates), with a dash for
/// "none" and `c` for a suppressed figure.
public enum ReportFormat {
    /// A figure that does not exist (a rate with no completed case).
    public static let none = "–"
    /// A figure withheld by `--suppress-below`.
    public static let suppressed = "c"

    package static func count(_ n: Int, suppressed s: Bool = false) -> String { s ? suppressed : String(n) }

    package static func tenths(_ t: Int?, suppressed s: Bool = false) -> String {
        if s { return suppressed }
        return t.map(Rates.formatTenths) ?? none
    }

    package static func interval(_ low: Int?, _ high: Int?, suppressed s: Bool = false) -> String {
        if s { return suppressed }
        guard let low, let high else { return none }
        return Rates.formatTenths(low) + "–" + Rates.formatTenths(high)
    }

    package static func halves(_ h: Int?, suppressed s: Bool = false) -> String {
        if s { return suppressed }
        return h.map(Rates.formatHalves) ?? none
    }

    /// Twice a number of days as weeks with one decimal (rounded half up).
    package static func weeks(halfDays h: Int) -> String {
        let tenths = h >= 0 ? (h * 10 + 7) / 14 : -((-h * 10 + 7) / 14)
        return Rates.formatTenths(tenths)
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August",
                             "September", "October", "November", "December"]

    /// "31 October 2025".
    package static func longDate(_ d: Day) -> String {
        let (y, m, day) = d.civil
        return "\(day) \(monthNames[m - 1]) \(y)"
    }

    /// "October 2025", for a month numbered as `PeriodUnit.month.index(for:)` numbers it.
    package static func monthWords(_ index: Int) -> String {
        let (y, m, _) = PeriodUnit.month.firstDay(ofIndex: index).civil
        return "\(monthNames[m - 1]) \(y)"
    }

    /// "from 1 April 2025 to 30 September 2025", "from 1 April 2025 on", "up to 30 September 2025".
    package static func windowWords(_ w: DateWindow, date: (Day) -> String = longDate) -> String {
        switch (w.from, w.to) {
        case let (from?, to?): return "from \(date(from)) to \(date(to))"
        case let (from?, nil): return "from \(date(from)) on"
        case let (nil, to?): return "up to \(date(to))"
        case (nil, nil): return "on any date"
        }
    }

    /// "1 case", "3 cases".
    package static func plural(_ n: Int, _ one: String, _ many: String? = nil) -> String {
        "\(n) " + (n == 1 ? one : (many ?? one + "s"))
    }
}

extension PeriodUnit {
    /// The unit as a word: "month", "academic year".
    package var noun: String {
        switch self {
        case .month: return "month"
        case .quarter: return "quarter"
        case .year: return "year"
        case .academicYear: return "academic year"
        case .financialYear: return "financial year"
        case .financialQuarter: return "financial quarter"
        }
    }

    package var nounPlural: String { noun + "s" }

    /// The period numbered `index` for a sentence: "October 2025" for a month, else its label.
    package func words(forIndex index: Int) -> String {
        self == .month ? ReportFormat.monthWords(index) : label(forIndex: index)
    }

    /// The word with a capital letter, for column heads.
    package var heading: String { noun.prefix(1).uppercased() + noun.dropFirst() }
}

extension ExceptionCode {
    /// The ground in plain words.
    package var plainName: String {
        switch self {
        case .schoolClosure: return "School or college closed for 4 weeks or more"
        case .earlyYearsClosure: return "Early years provider closed for 4 weeks or more"
        case .personalCircumstances: return "Exceptional personal circumstances"
        case .absentFromArea: return "Child or family away from the area for 4 weeks or more"
        case .covid2020: return "Coronavirus relaxation (May to September 2020)"
        case .unspecified: return "Flagged as an exception, no reason given"
        case .lateRepresentations: return "Representations on the plan wished for after the 15-day period"
        }
    }

    /// The ground in plain words as `measure`'s regulation gives it: reg 44(3)'s absence
    /// from the area is of 2 weeks, the others' of 4.
    package func plainName(for measure: MeasureID) -> String {
        let standard = MeasureTable.standard.definitions
        if self == .absentFromArea, measure.order < standard.count, standard[measure.order].id == measure,
           standard[measure.order].grounds == .tribunalOrder {
            return "Child or family away from the area for 2 weeks or more"
        }
        return plainName
    }
}
