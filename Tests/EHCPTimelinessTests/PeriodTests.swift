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

    @Test("financial quarters change on 1 April, 1 July, 1 October and 1 January, in the financial year's label", arguments: [
        ("2025-03-31", "2024-25 Q4"), ("2025-04-01", "2025-26 Q1"),
        ("2025-06-30", "2025-26 Q1"), ("2025-07-01", "2025-26 Q2"),
        ("2025-09-30", "2025-26 Q2"), ("2025-10-01", "2025-26 Q3"),
        ("2025-12-31", "2025-26 Q3"), ("2026-01-01", "2025-26 Q4"),
        ("2026-03-31", "2025-26 Q4"), ("2026-04-01", "2026-27 Q1"),
        ("2024-02-29", "2023-24 Q4"), ("1999-04-01", "1999-00 Q1"), ("2000-03-31", "1999-00 Q4"),
    ])
    func financialQuarterLabels(iso: String, expected: String) {
        #expect(PeriodUnit.financialQuarter.label(for: day(iso)) == expected)
    }

    @Test("each financial quarter's label covers its three months: Q2 2025-26 is July to September 2025, Q4 is January to March 2026")
    func financialQuarterSpans() {
        let quarters = [("2025-26 Q1", "2025-04-01", "2025-06-30"), ("2025-26 Q2", "2025-07-01", "2025-09-30"),
                        ("2025-26 Q3", "2025-10-01", "2025-12-31"), ("2025-26 Q4", "2026-01-01", "2026-03-31")]
        let unit = PeriodUnit.financialQuarter
        for (label, first, last) in quarters {
            let index = unit.index(for: day(first))
            #expect(unit.index(for: day(last)) == index, "\(label) ends on \(last)")
            #expect(unit.index(for: day(first) - 1) == index - 1, "\(label) starts on \(first)")
            #expect(unit.index(for: day(last) + 1) == index + 1, "\(label) ends on \(last)")
            #expect(unit.firstDay(ofIndex: index) == day(first))
            #expect(unit.label(forIndex: index) == label)
            #expect(unit.label(for: day(first)) == label && unit.label(for: day(last)) == label)
        }
    }

    @Test("every unit's index counts periods one by one, and its first day maps back to it", arguments: PeriodUnit.allCases)
    func indicesAreConsecutive(unit: PeriodUnit) {
        var d = day("1990-01-01")
        var index = unit.index(for: d)
        while d < day("2040-12-31") {
            d = d + 1
            let next = unit.index(for: d)
            if next != index {
                #expect(next == index + 1, "\(unit) at \(d)")
                #expect(unit.firstDay(ofIndex: next) == d, "\(unit) index \(next)")
                index = next
            }
        }
    }

    @Test("units are named as the --period option spells them")
    func rawValues() {
        #expect(PeriodUnit.allCases.map(\.rawValue) == ["month", "quarter", "year", "academic-year", "financial-year", "financial-quarter"])
        #expect(PeriodUnit(rawValue: "academic-year") == .academicYear)
        #expect(PeriodUnit(rawValue: "financial-year") == .financialYear)
        #expect(PeriodUnit(rawValue: "financial-quarter") == .financialQuarter)
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
        case .financialQuarter: expected = 1100 * 4  // 1899-00 Q4 … 2999-00 Q3
        }
        #expect(periods == expected)
    }
}

/// `--period financial-quarter` through the real binary, in every output that shows a period.
@Suite struct FinancialQuarterRunTests {
    static let requests = """
        case_id,request_date,assessment_decision_date,assessment_decision,final_plan_date
        A,2025-01-06,2025-01-20,assess,2025-03-31
        B,2025-01-06,2025-01-20,assess,2025-04-01
        C,2025-01-06,2025-01-20,assess,2025-06-30
        D,2025-01-06,2025-01-20,assess,2025-07-01
        E,2025-01-06,2025-01-20,assess,2025-09-30
        F,2025-01-06,2025-01-20,assess,2025-12-31
        G,2025-01-06,2025-01-20,assess,2026-01-01

        """

    @Test func summaryCasesAndReportUseFinancialQuarterLabelsInChronologicalOrder() throws {
        let folder = try TemporaryFolder()
        try folder.write("requests.csv", Self.requests)
        let run = try CLI.run(["analyse", "--requests", "requests.csv", "--as-at", "2026-01-31", "--out", "out",
                               "--period", "financial-quarter"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("settings: period financial-quarter"))
        let summary = parseCSV(try folder.read("out/summary.csv")).filter { $0.first == "final-plan-20w" }
        #expect(summary.map { [$0[1], $0[2]] } == [
            ["2024-25 Q4", "1"], ["2025-26 Q1", "2"], ["2025-26 Q2", "2"], ["2025-26 Q3", "1"], ["2025-26 Q4", "1"], ["all", "7"],
        ])
        let cases = parseCSV(try folder.read("out/cases.csv"))
        let period = try #require(cases.first?.firstIndex(of: "period"))
        #expect(cases.filter { $0.first == "final-plan-20w" }.map { $0[1] + " " + $0[period] } == [
            "A 2024-25 Q4", "B 2025-26 Q1", "C 2025-26 Q1", "D 2025-26 Q2", "E 2025-26 Q2", "F 2025-26 Q3", "G 2025-26 Q4",
        ])
        let markdown = try folder.read("out/report.md")
        #expect(markdown.contains("| Financial quarter |"))
        #expect(markdown.contains("each financial quarter to 2025-26 Q4"))
        let json = try folder.read("out/summary.json")
        #expect(json.contains("\"period\":\"financial-quarter\"") || json.contains("\"period\": \"financial-quarter\""))
    }
}
