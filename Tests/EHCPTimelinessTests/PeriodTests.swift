import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

private func day(_ iso: String) -> Day {
    guard let d = Day(iso: iso) else { fatalError("bad test date \(iso)") }
    return d
}

struct PeriodTests {
    @Test("month labels change exactly at month ends, leap days included", arguments: [
        ("2025-01-01", "2025-01"), ("2025-01-31", "2025-01"), ("2025-02-01", "2025-02"),
        ("2025-02-28", "2025-02"), ("2025-03-01", "2025-03"), ("2024-02-28", "2024-02"),
        ("2024-02-29", "2024-02"), ("2024-03-01", "2024-03"), ("2025-09-30", "2025-09"),
        ("2025-12-31", "2025-12"), ("2026-01-01", "2026-01"), ("0999-07-04", "0999-07"),
    ])
    func monthLabels(iso: String, expected: String) {
        #expect(PeriodUnit.month.label(for: day(iso)) == expected)
    }

    @Test("quarter labels are calendar quarters changing on 1 Apr, 1 Jul, 1 Oct and 1 Jan", arguments: [
        ("2025-01-01", "2025-Q1"), ("2025-03-31", "2025-Q1"), ("2025-04-01", "2025-Q2"),
        ("2025-06-30", "2025-Q2"), ("2025-07-01", "2025-Q3"), ("2025-09-30", "2025-Q3"),
        ("2025-10-01", "2025-Q4"), ("2025-12-31", "2025-Q4"), ("2026-01-01", "2026-Q1"),
        ("2024-02-29", "2024-Q1"),
    ])
    func quarterLabels(iso: String, expected: String) {
        #expect(PeriodUnit.quarter.label(for: day(iso)) == expected)
    }

    @Test("year labels change on 1 January", arguments: [
        ("2025-12-31", "2025"), ("2026-01-01", "2026"), ("2024-02-29", "2024"), ("1999-12-31", "1999"),
    ])
    func yearLabels(iso: String, expected: String) {
        #expect(PeriodUnit.year.label(for: day(iso)) == expected)
    }

    @Test("academic years run 1 September to 31 August", arguments: [
        ("2025-08-31", "2024/25"), ("2025-09-01", "2025/26"), ("2026-08-31", "2025/26"),
        ("2026-09-01", "2026/27"), ("2024-02-29", "2023/24"), ("2025-12-31", "2025/26"),
        ("2026-01-01", "2025/26"), ("1999-09-01", "1999/00"), ("2000-08-31", "1999/00"),
        ("2000-09-01", "2000/01"), ("2100-02-28", "2099/00"), ("2100-09-01", "2100/01"),
    ])
    func academicYearLabels(iso: String, expected: String) {
        #expect(PeriodUnit.academicYear.label(for: day(iso)) == expected)
    }

    @Test("financial years run 1 April to 31 March", arguments: [
        ("2026-03-31", "2025-26"), ("2026-04-01", "2026-27"), ("2025-04-01", "2025-26"),
        ("2025-03-31", "2024-25"), ("2024-02-29", "2023-24"), ("2025-12-31", "2025-26"),
        ("2026-01-01", "2025-26"), ("2000-03-31", "1999-00"), ("2000-04-01", "2000-01"),
    ])
    func financialYearLabels(iso: String, expected: String) {
        #expect(PeriodUnit.financialYear.label(for: day(iso)) == expected)
    }

    @Test("units are named as the --period option spells them")
    func rawValues() {
        #expect(PeriodUnit.allCases.map(\.rawValue) == ["month", "quarter", "year", "academic-year", "financial-year"])
        #expect(PeriodUnit(rawValue: "academic-year") == .academicYear)
        #expect(PeriodUnit(rawValue: "financial-year") == .financialYear)
    }

    @Test("labels sort chronologically as plain byte strings from 1900 to 2999", arguments: PeriodUnit.allCases)
    func labelsSortChronologically(unit: PeriodUnit) {
        var d = day("1900-01-01")
        let end = day("2999-12-31")
        var previous = unit.label(for: d)
        var periods = 1
        while d < end {
            d = d + 1
            let label = unit.label(for: d)
            if label != previous {
                // Strictly increasing whenever the period changes, so no label repeats.
                #expect(previous.utf8.lexicographicallyPrecedes(label.utf8), "\(previous) then \(label) at \(d)")
                previous = label
                periods += 1
            }
        }
        let expected: Int
        switch unit {
        case .month: expected = 1100 * 12
        case .quarter: expected = 1100 * 4
        case .year: expected = 1100
        case .academicYear, .financialYear: expected = 1101  // 1899/00 … 2999/00
        }
        #expect(periods == expected)
    }
}
