import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

private func day(_ year: Int, _ month: Int, _ dayOfMonth: Int) -> Day {
    Day(year: year, month: month, day: dayOfMonth)!
}

@Test func everyDayFrom1900To2100RoundTripsThroughCivil() {
    var expected = day(1900, 1, 1)
    var count = 0
    for year in 1900...2100 {
        for month in 1...12 {
            for dayOfMonth in 1...Day.daysIn(month: month, year: year) {
                let d = Day(year: year, month: month, day: dayOfMonth)
                #expect(d == expected, "\(year)-\(month)-\(dayOfMonth)")
                let civil = expected.civil
                if civil.year != year || civil.month != month || civil.day != dayOfMonth {
                    Issue.record("civil of \(expected.number) is \(civil), expected \(year)-\(month)-\(dayOfMonth)")
                }
                expected = expected + 1
                count += 1
            }
        }
    }
    #expect(count == 73_414)  // 201 years, 49 of them leap (2000 leap; 1900 and 2100 not)
}

@Test func dayNumbersAreDaysSince1970() {
    #expect(day(1970, 1, 1).number == 0)
    #expect(day(1969, 12, 31).number == -1)
    #expect(day(2000, 3, 1).number == 11_017)
    #expect(day(1900, 1, 1).number == -25_567)
    #expect(day(2999, 12, 31).number == 376_199)
    #expect(Day(number: 0).civil == (1970, 1, 1))
}

@Test func civilRoundTripsAtTheEdgesOfTheSupportedYears() {
    for d in [day(1, 1, 1), day(9999, 12, 31), day(1600, 2, 29), day(400, 3, 1)] {
        let c = d.civil
        #expect(Day(year: c.year, month: c.month, day: c.day) == d)
    }
}

@Test func nonexistentDatesAreNil() {
    #expect(Day(year: 2025, month: 2, day: 29) == nil)
    #expect(Day(year: 2025, month: 2, day: 31) == nil)
    #expect(Day(year: 2025, month: 4, day: 31) == nil)
    #expect(Day(year: 2025, month: 13, day: 1) == nil)
    #expect(Day(year: 2025, month: 0, day: 1) == nil)
    #expect(Day(year: 2025, month: 1, day: 0) == nil)
    #expect(Day(year: 0, month: 1, day: 1) == nil)
    #expect(Day(year: 10_000, month: 1, day: 1) == nil)
}

@Test func leapYearsFollowTheGregorianRule() {
    #expect(!Day.isLeap(1900))
    #expect(Day.isLeap(2000))
    #expect(Day.isLeap(2024))
    #expect(!Day.isLeap(2025))
    #expect(!Day.isLeap(2100))
    #expect(Day(year: 1900, month: 2, day: 29) == nil)
    #expect(Day(year: 2000, month: 2, day: 29) != nil)
    #expect(day(1900, 3, 1) - day(1900, 2, 28) == 1)
    #expect(day(2000, 3, 1) - day(2000, 2, 28) == 2)
    #expect(day(2024, 2, 29).isLeapDay)
    #expect(!day(2024, 2, 28).isLeapDay)
}

@Test func isoTextReadsAndWrites() {
    #expect(Day(iso: "2025-01-06") == day(2025, 1, 6))
    #expect(day(2025, 1, 6).iso == "2025-01-06")
    #expect(day(1900, 3, 1).description == "1900-03-01")
    #expect(Day(iso: "2025-02-29") == nil)
    #expect(Day(iso: "2025-1-6") == nil)
    #expect(Day(iso: "06/01/2025") == nil)
    #expect(Day(iso: "2025-01-06T00:00") == nil)
    #expect(Day(iso: "") == nil)
}

@Test func civilPartsAreExposed() {
    let d = day(2025, 5, 26)
    #expect(d.year == 2025)
    #expect(d.month == 5)
    #expect(d.dayOfMonth == 26)
}

@Test func weeksAreCountedFromTheDayAfterTheRequest() {
    let request = day(2025, 1, 6)  // Monday
    #expect(request + 140 == day(2025, 5, 26))  // 20 weeks: Monday 26 May 2025
    #expect(request + 42 == day(2025, 2, 17))   // 6 weeks
    #expect(request + 112 == day(2025, 4, 28))  // 16 weeks
    #expect(day(2025, 5, 26) - request == 140)
    #expect(day(2025, 5, 26) - 140 == request)
}

@Test func dayArithmeticCrossesYearsAndLeapDays() {
    #expect(day(2024, 12, 31) + 1 == day(2025, 1, 1))
    #expect(day(2024, 2, 28) + 1 == day(2024, 2, 29))
    #expect(day(2025, 1, 1) - 1 == day(2024, 12, 31))
    #expect(day(2024, 1, 1) < day(2024, 1, 2))
}

@Test func twelveMonthPeriodEndsTheDayBeforeTheAnniversary() {
    #expect(day(2019, 1, 1).endOfTwelveMonthPeriod == day(2019, 12, 31))
    #expect(day(2024, 3, 31).endOfTwelveMonthPeriod == day(2025, 3, 30))
    #expect(day(2023, 3, 1).endOfTwelveMonthPeriod == day(2024, 2, 29))
    #expect(day(2025, 12, 31).endOfTwelveMonthPeriod == day(2026, 12, 30))
}

@Test func twelveMonthPeriodStartingOnALeapDayEndsOn28February() {
    #expect(day(2024, 2, 29).endOfTwelveMonthPeriod == day(2025, 2, 28))
    #expect(day(2000, 2, 29).endOfTwelveMonthPeriod == day(2001, 2, 28))
}

@Test func addingMonthsClampsToTheMonthEnd() {
    #expect(day(2026, 7, 31).addingMonths(-5) == day(2026, 2, 28))
    #expect(day(2024, 1, 31).addingMonths(1) == day(2024, 2, 29))
    #expect(day(2025, 1, 31).addingMonths(1) == day(2025, 2, 28))
    #expect(day(2025, 3, 31).addingMonths(1) == day(2025, 4, 30))
    #expect(day(2025, 1, 15).addingMonths(0) == day(2025, 1, 15))
    #expect(day(2024, 2, 29).addingMonths(12) == day(2025, 2, 28))
    #expect(day(2024, 2, 29).addingMonths(48) == day(2028, 2, 29))
}

@Test func addingMonthsCrossesYearBoundariesBothWays() {
    #expect(day(2025, 11, 30).addingMonths(3) == day(2026, 2, 28))
    #expect(day(2025, 12, 15).addingMonths(1) == day(2026, 1, 15))
    #expect(day(2025, 12, 15).addingMonths(13) == day(2027, 1, 15))
    #expect(day(2026, 1, 15).addingMonths(-1) == day(2025, 12, 15))
    #expect(day(2026, 2, 28).addingMonths(-14) == day(2024, 12, 28))
    #expect(day(2026, 3, 31).addingMonths(-13) == day(2025, 2, 28))
    #expect(day(2026, 1, 31).addingMonths(-24) == day(2024, 1, 31))
    #expect(day(2026, 1, 1).addingMonths(-12) == day(2025, 1, 1))
}

@Test func addingMonthsMatchesCivilMonthIndexEverywhere() {
    // Every month start from 1990 to 2040 moved by −30...30 months lands on the 1st
    // of the month with the right index.
    for year in 1990...2040 {
        for month in 1...12 {
            let start = day(year, month, 1)
            for delta in -30...30 {
                let c = start.addingMonths(delta).civil
                #expect(c.day == 1)
                #expect(c.year * 12 + c.month - 1 == year * 12 + month - 1 + delta)
            }
        }
    }
}

@Test func theCivilTablesLiteralBoundsAre1950To2099() {
    #expect(Int(CivilTable.first) == Day.daysFromCivil(1950, 1, 1))
    #expect(CivilTable.count == Day.daysFromCivil(2100, 1, 1) - Day.daysFromCivil(1950, 1, 1))
    #expect(Day(number: CivilTable.first).iso == "1950-01-01")
    #expect(Day(number: CivilTable.first + Int32(CivilTable.count) - 1).iso == "2099-12-31")
}

@Test func theISOTableHoldsEveryDaysTextAsTheCalendarArithmeticWritesIt() {
    let table = Day.isoTable
    #expect(table.count == CivilTable.count * 10)
    for i in 0..<CivilTable.count {
        let (y, m, d) = Day(number: CivilTable.first + Int32(i)).computedCivil
        func padded(_ n: Int, _ width: Int) -> String { String(repeating: "0", count: width - String(n).count) + String(n) }
        let expected = padded(y, 4) + "-" + padded(m, 2) + "-" + padded(d, 2)
        let text = String(decoding: table[i * 10 ..< i * 10 + 10], as: UTF8.self)
        if text != expected { Issue.record("day \(i): \(text) != \(expected)"); return }
    }
}
