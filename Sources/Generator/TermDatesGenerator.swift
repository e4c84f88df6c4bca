import EHCPOutputs
import EHCPStore
import EHCPRules

/// A synthetic council's term dates (`--term-dates`): the periods its schools are closed,
/// one row each, for every academic year from the one before the requests' first date to
/// the one after `asAt`, so every clock of the requests extract meets them. Fictional
/// dates with a realistic shape, fixed by `asAt` alone (no randomness):
///
/// - half-terms of 9 days (Saturday to the Sunday a week later) in October, February and
///   May, and Christmas and Easter holidays of 16 days: all shorter than 4 weeks, so they
///   support no `school_closure` claim;
/// - the summer holiday, from the Saturday on or after 18 July to the day before the
///   Tuesday on or after 1 September (6 to 7 weeks), then an INSET day on that Tuesday, a
///   row of its own: the schools are closed continuously, so the two rows are one
///   closure, and they re-open on the Wednesday;
/// - one row with an impossible date (an INSET day typed 31/09), which the analyser
///   rejects and lists, as it would in a real file.
public struct TermDatesGenerator: Sendable {
    public let asAt: Day
    /// The first request date the requests generator can write.
    package let firstRequestDate: Day

    public init(asAt: Day) {
        self.asAt = asAt
        firstRequestDate = asAt.addingMonths(-36) + 1
    }

    /// One row of the file.
    package struct Row: Sendable, Equatable {
        package var start: String
        package var end: String
        package var description: String
    }

    /// The academic years (by the calendar year they start in) the file covers.
    package var years: ClosedRange<Int> { (firstRequestDate.year - 1)...(asAt.year + 1) }

    /// Every row, in date order.
    package var rows: [Row] {
        var rows: [Row] = []
        func add(_ start: Day, days: Int, _ description: String) {
            rows.append(Row(start: start.iso, end: (start + days - 1).iso, description: description))
        }
        for y in years {
            let next = y + 1
            add(Self.saturday(onOrBefore: Self.day(y, 10, 25)), days: 9, "October half-term \(y)")
            add(Self.saturday(onOrAfter: Self.day(y, 12, 18)), days: 16, "Christmas holiday \(y)")
            add(Self.saturday(onOrBefore: Self.day(next, 2, 14)), days: 9, "February half-term \(next)")
            add(Self.saturday(onOrBefore: Self.day(next, 4, 5)), days: 16, "Easter holiday \(next)")
            add(Self.saturday(onOrBefore: Self.day(next, 5, 25)), days: 9, "May half-term \(next)")
            let summer = Self.summer(next)
            add(summer.start, days: summer.end - summer.start, "Summer holiday \(next)")
            add(summer.end, days: 1, "INSET day \(next)")
            if next == asAt.year {
                // A mistyped row: September has 30 days.
                rows.append(Row(start: "31/09/\(next)", end: "31/09/\(next)", description: "INSET day \(next) (typed wrongly)"))
            }
        }
        return rows
    }

    /// The summer closure of `year` as the analyser joins it: the holiday and the INSET day.
    package static func summer(_ year: Int) -> SchoolClosure {
        let start = saturday(onOrAfter: day(year, 7, 18))
        var end = day(year, 9, 1)
        while RequestGenerator.weekday(end) != 1 { end = end + 1 }  // the Tuesday on or after 1 September
        return SchoolClosure(start: start, end: end)
    }

    /// The closures the analyser will find in the file (rows joined, bad row left out).
    package var closures: SchoolClosures {
        SchoolClosures(file: SampleData.termDatesFile, periods: rows.compactMap { row in
            guard let s = Day(iso: row.start), let e = Day(iso: row.end) else { return nil }
            return SchoolClosure(start: s, end: e)
        })
    }

    /// The file's text.
    public var text: String {
        var w = CSVWriter(header: ["start_date", "end_date", "description"])
        for row in rows { w.appendRow([row.start, row.end, row.description]) }
        return w.text
    }

    public func write(to path: String) throws {
        try OutputFolder.writeFile(path, text)
    }

    static func day(_ y: Int, _ m: Int, _ d: Int) -> Day { Day(year: y, month: m, day: d) ?? Day(number: 0) }

    static func saturday(onOrBefore day: Day) -> Day {
        var d = day
        while RequestGenerator.weekday(d) != 5 { d = d - 1 }
        return d
    }

    static func saturday(onOrAfter day: Day) -> Day {
        var d = day
        while RequestGenerator.weekday(d) != 5 { d = d + 1 }
        return d
    }
}
