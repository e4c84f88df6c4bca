import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs

/// Issue 15 through the binary: `--term-dates`, `school_advice_date`, `none` in the
/// exception columns and summary.csv's `short_representation`.
@Suite struct TermDatesTests {
    static let header = "case_id,request_date,assessment_decision_date,assessment_decision,draft_plan_date,final_plan_date,"
        + "exception_reason,decision_exception_reason,school_advice_date,team"
    static let termDates = """
        start_date,end_date,description
        2025-07-19,2025-09-02,Summer holiday
        2025-10-25,2025-11-02,October half-term

        """

    /// Writes the requests (rows after the header) and files, runs `command` and returns the folder.
    static func run(_ rows: [String], files: [String: String] = ["term-dates.csv": termDates], command: String = "analyse",
                    extra: [String] = ["--term-dates", "term-dates.csv"], asAt: String = "2025-10-31") throws -> (TemporaryFolder, CLIRun) {
        let folder = try TemporaryFolder()
        try folder.write("requests.csv", ([header] + rows).joined(separator: "\n") + "\n")
        for (name, text) in files { try folder.write(name, text) }
        var arguments = [command, "--requests", "requests.csv", "--as-at", asAt, "--by", "team"] + extra
        if command == "analyse" { arguments += ["--out", "o"] }
        return (folder, try CLI.run(arguments, in: folder.path))
    }

    static func csv(_ folder: TemporaryFolder, _ name: String) throws -> [[String]] { parseCSV(try folder.read("o/" + name)) }

    /// cases.csv's exception of a case on a measure.
    static func exception(_ cases: [[String]], _ measure: String, _ id: String) -> String? {
        cases.first { $0[0] == measure && $0[1] == id }?[7]
    }

    // MARK: none

    @Test func noneInEitherExceptionColumnIsNoExceptionAndNoWarning() throws {
        let (folder, run) = try Self.run(["N1,2025-01-06,2025-03-01,assess,,,none,none,,North",
                                          "N2,2025-01-06,2025-03-01,assess,,,None,NONE,,North"], extra: [])
        #expect(run.status == 0, "\(run.stderr)")
        let cases = try Self.csv(folder, "cases.csv")
        for id in ["N1", "N2"] {
            #expect(Self.exception(cases, "decision-to-assess-6w", id) == "")
            #expect(Self.exception(cases, "final-plan-20w", id) == "")
        }
        #expect(Self.exception(cases, "decision-to-assess-6w", "N1") != nil)
        #expect(try Self.csv(folder, "data-quality.csv") == [["file", "line", "case_id", "column", "value", "severity", "problem"]])
    }

    // MARK: early_years_closure

    @Test func earlyYearsClosureIsAWarningOnTheSixWeekMeasureAndAppliedOnTheTwentyWeek() throws {
        let (folder, run) = try Self.run(["E1,2025-01-06,2025-02-25,assess,,,early_years_closure,early_years_closure,,North"], extra: [])
        #expect(run.status == 0, "\(run.stderr)")
        let cases = try Self.csv(folder, "cases.csv")
        #expect(Self.exception(cases, "decision-to-assess-6w", "E1") == "")
        #expect(Self.exception(cases, "final-plan-20w", "E1") == "early_years_closure")
        let problems = try Self.csv(folder, "data-quality.csv").dropFirst()
        #expect(problems.count == 1)
        let p = try #require(problems.first)
        #expect(Array(p.prefix(6)) == ["requests.csv", "2", "E1", "decision_exception_reason", "early_years_closure", "warning"])
        #expect(p[6].contains("is not a ground that reg 5(4) gives for this limit"), "\(p[6])")
    }

    // MARK: The representation period

    @Test func shortRepresentationIsCountedOnFinalPlanRowsByPeriodAndCohortAndBlankElsewhere() throws {
        let (folder, run) = try Self.run([
            "S14,2025-01-06,2025-02-10,assess,2025-05-01,2025-05-15,,,,North",   // 14 days: short
            "S15,2025-01-06,2025-02-10,assess,2025-05-01,2025-05-16,,,,North",   // 15 days: fine
            "S09,2025-02-03,2025-03-10,assess,2025-06-02,2025-06-11,,,,South",   // 9 days: short
        ], extra: [])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try Self.csv(folder, "summary.csv")
        #expect(Array(summary[0].suffix(2)) == ["not_measured", "short_representation"])
        func short(_ measure: String, _ period: String, _ team: String) -> String? {
            summary.first { $0[0] == measure && $0[1] == period && $0[2] == team }?.last
        }
        #expect(short("final-plan-20w", "2025-05", "North") == "1")
        #expect(short("final-plan-20w", "2025-05", "all") == "1")
        #expect(short("final-plan-20w", "2025-06", "South") == "1")
        #expect(short("final-plan-20w", "all", "North") == "1")
        #expect(short("final-plan-20w", "all", "all") == "2")
        #expect(summary.filter { $0[0] == "decision-to-assess-6w" }.allSatisfy { $0.last == "" })
        let warnings = try Self.csv(folder, "data-quality.csv").dropFirst().map { [$0[2], $0[3], $0[4], $0[6]] }
        #expect(warnings == [
            ["S14", "final_plan_date", "2025-05-15", "final plan 14 days after the draft; at least 15 days are required, reg 13(1)(a) (draft_plan_date 2025-05-01)"],
            ["S09", "final_plan_date", "2025-06-11", "final plan 9 days after the draft; at least 15 days are required, reg 13(1)(a) (draft_plan_date 2025-06-02)"],
        ])
        let json = try JSONSerialization.jsonObject(with: Data(try folder.read("o/summary.json").utf8)) as? [String: Any]
        let measures = try #require(json?["measures"] as? [[String: Any]])
        let finalRows = try #require(measures.first { $0["id"] as? String == "final-plan-20w" }?["rows"] as? [[String: Any]])
        let total = try #require(finalRows.first { $0["period"] as? String == "all" && $0["team"] as? String == "all" })
        #expect(total["short_representation"] as? Int == 2)
        let decisionRows = try #require(measures.first { $0["id"] as? String == "decision-to-assess-6w" }?["rows"] as? [[String: Any]])
        #expect(decisionRows.allSatisfy { $0["short_representation"] is NSNull })
        // The report shows the count per period beside the 20-week figures.
        let report = try folder.read("o/report.md")
        #expect(report.contains("| Month | Cases | On time | Late | Open in time | Open overdue | Excepted | On time % | 95 % interval | On time % incl. overdue | Under 15 days after draft |"))
        #expect(report.contains("2 plans in all months shown"), "\(report)")
        #expect(run.stdout.contains("final plans issued less than 15 days after the draft (reg 13(1)(a)): final-plan-20w 2"), "\(run.stdout)")
    }

    @Test(arguments: [("first", "2"), ("last", "1"), ("reject", "1")])
    func aRepeatedCaseTakenBackTakesItsShortRepresentationWithIt(policy: String, expected: String) throws {
        // D1's first copy was finalised 9 days after its draft, its second 19 days after; D2 4 days after.
        let (folder, run) = try Self.run([
            "D1,2025-01-06,2025-02-10,assess,2025-05-01,2025-05-10,,,,North",
            "D1,2025-01-06,2025-02-10,assess,2025-05-01,2025-05-20,,,,North",
            "D2,2025-01-06,2025-02-10,assess,2025-05-01,2025-05-05,,,,North",
        ], extra: ["--duplicates", policy])
        #expect(run.status == 0, "\(run.stderr)")
        let total = try Self.csv(folder, "summary.csv").first { $0[0] == "final-plan-20w" && $0[1] == "all" && $0[2] == "all" }
        #expect(total?.last == expected, "\(String(describing: total))")
        let warnings = try Self.csv(folder, "data-quality.csv").filter { $0.count == 7 && $0[6].contains("after the draft") }
        #expect(String(warnings.count) == expected)
    }

    // MARK: school_closure against term dates

    @Test func schoolClosureClaimsAreCheckedOnlyWithTermDates() throws {
        let rows = [
            // Request 22 February: the 20-week clock ends 12 July, the summer window's first day.
            "T1,2025-02-22,2025-03-20,assess,,2025-08-01,school_closure,,,North",
            // Request 21 February: it ends 11 July, a day before the window.
            "M1,2025-02-21,2025-03-20,assess,,2025-08-01,school_closure,,,North",
            // The clock (6 January to 26 May) misses the window; the advice date is its first day.
            "A1,2025-01-06,2025-02-10,assess,,2025-08-01,school_closure,,2025-07-12,North",
            // ... or a day before it.
            "A0,2025-01-06,2025-02-10,assess,,2025-08-01,school_closure,,2025-07-11,North",
        ]
        let (folder, run) = try Self.run(rows)
        #expect(run.status == 0, "\(run.stderr)")
        let cases = try Self.csv(folder, "cases.csv")
        #expect(Self.exception(cases, "final-plan-20w", "T1") == "school_closure")
        #expect(Self.exception(cases, "final-plan-20w", "M1") == "")
        #expect(Self.exception(cases, "final-plan-20w", "A1") == "school_closure")
        #expect(Self.exception(cases, "final-plan-20w", "A0") == "")
        let problems = try Self.csv(folder, "data-quality.csv").dropFirst()
        #expect(problems.map { "\($0[2]) \($0[3]) \($0[4])" } == ["M1 exception_reason school_closure", "A0 exception_reason school_closure"])
        #expect(problems.first?[6].contains("no school-closure window of term-dates.csv overlaps the clock period 2025-02-21 to 2025-07-11") == true)
        #expect(problems.last?[6].contains("school_advice_date 2025-07-11 is in no school-closure window of term-dates.csv") == true)
        // summary.json and the report say the term dates were used.
        let json = try JSONSerialization.jsonObject(with: Data(try folder.read("o/summary.json").utf8)) as? [String: Any]
        let settings = (json?["rules"] as? [String: Any])?["settings"] as? [String: Any]
        #expect(settings?["term_dates"] as? String == "term-dates.csv")
        let inputs = try #require(json?["inputs"] as? [[String: Any]])
        #expect(inputs.map { $0["kind"] as? String } == ["term_dates", "requests"])
        #expect(inputs.first?["rows_read"] as? Int == 2 && inputs.first?["rejected"] as? Int == 0)
        let report = try folder.read("o/report.md")
        #expect(report.contains("| Term dates (--term-dates) | term-dates.csv |"))
        #expect(report.contains("Term dates from term-dates.csv were used"))
        #expect(run.stdout.contains("term dates: term-dates.csv, 1 closure of 4 weeks or more"), "\(run.stdout)")

        // Without --term-dates every claim stands, nothing is said of term dates, and
        // summary.json has no term_dates.
        let (plain, plainRun) = try Self.run(rows, extra: [])
        #expect(plainRun.status == 0)
        let plainCases = try Self.csv(plain, "cases.csv")
        for id in ["T1", "M1", "A1", "A0"] { #expect(Self.exception(plainCases, "final-plan-20w", id) == "school_closure") }
        #expect(try Self.csv(plain, "data-quality.csv").count == 1)
        #expect(!(try plain.read("o/summary.json")).contains("term_dates"))
        #expect(!(try plain.read("o/report.md")).contains("Term dates"))
    }

    @Test func aClosureOf27DaysSupportsNoClaimAndOneOf28Days() throws {
        let row = ["C1,2025-02-22,2025-03-20,assess,,2025-08-01,school_closure,,,North"]
        let (short, _) = try Self.run(row, files: ["term-dates.csv": "start_date,end_date\n2025-07-19,2025-08-14\n"])
        #expect(Self.exception(try Self.csv(short, "cases.csv"), "final-plan-20w", "C1") == "")
        let warning = try Self.csv(short, "data-quality.csv").dropFirst().first
        #expect(warning?[6] == "final-plan-20w: school_closure not applied: term-dates.csv has no closure of at least 4 continuous weeks "
                + "(28 days), so no school-closure window exists (reg 13(3) with reg 10(4)(a)); the case is counted without an exception")
        let (long, _) = try Self.run(row, files: ["term-dates.csv": "start_date,end_date\n2025-07-19,2025-08-15\n"])
        #expect(Self.exception(try Self.csv(long, "cases.csv"), "final-plan-20w", "C1") == "school_closure")
    }

    // MARK: Bad input

    @Test func aBadTermDatesRowIsRejectedAndListedFirst() throws {
        let file = """
            Start Date,End Date,Description
            2025-07-19,2025-09-02,Summer holiday
            2025-10-25,,October half-term
            20/12/2025,19/12/2025,Christmas
            31/02/2026,2026-02-20,February half-term

            """
        let (folder, run) = try Self.run(["S1,2025-01-06,2025-02-25,assess,,,,,,North"], files: ["term-dates.csv": file])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("term-dates.csv: 4 rows read = 1 analysed + 3 rejected"), "\(run.stdout)")
        let problems = try Self.csv(folder, "data-quality.csv")
        #expect(Array(problems.dropFirst().prefix(3)) == [
            ["term-dates.csv", "3", "", "End Date", "", "error", "end_date is blank; it is required"],
            ["term-dates.csv", "4", "", "End Date", "19/12/2025", "error", "end_date 2025-12-19 is before start_date 2025-12-20"],
            ["term-dates.csv", "5", "", "Start Date", "31/02/2026", "error", "\"31/02/2026\" is not a real date"],
        ])
    }

    @Test func aTermDatesFileWithoutAnEndDateColumnStopsTheRunBeforeAnyOutput() throws {
        let (folder, run) = try Self.run(["S1,2025-01-06,2025-02-25,assess,,,,,,North"],
                                         files: ["term-dates.csv": "start_date,description\n2025-07-19,Summer\n"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("term-dates.csv: a term_dates extract needs the column end_date"), "\(run.stderr)")
        #expect(!folder.exists("o"))
        #expect(run.stdout.isEmpty)
    }

    @Test func aMissingTermDatesFileStopsTheRunBeforeAnyOutput() throws {
        let (folder, run) = try Self.run(["S1,2025-01-06,2025-02-25,assess,,,,,,North"], files: [:])
        #expect(run.status == 2)
        #expect(run.stderr.contains("term-dates.csv"), "\(run.stderr)")
        #expect(!folder.exists("o"))
    }

    @Test func aProfileMapsTheTermDatesColumns() throws {
        let profile = "[term_dates.columns]\nstart_date = \"First day closed\"\nend_date = \"Last day closed\"\n"
        let (folder, run) = try Self.run(["T1,2025-02-22,2025-03-20,assess,,2025-08-01,school_closure,,,North"],
                                         files: ["term-dates.csv": "First day closed,Last day closed\n19/07/2025,02/09/2025\n",
                                                 "p.toml": profile],
                                         extra: ["--term-dates", "term-dates.csv", "--profile", "p.toml"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(Self.exception(try Self.csv(folder, "cases.csv"), "final-plan-20w", "T1") == "school_closure")
    }

    // MARK: school_advice_date is an optional event date

    @Test func anAdviceDateBeforeTheRequestCostsTheClaimedMeasureOnlyWithTermDates() throws {
        let row = ["B1,2025-02-21,2025-03-20,assess,,2025-08-01,school_closure,,2025-01-01,North"]
        let (folder, run) = try Self.run(row)
        #expect(run.status == 0, "\(run.stderr)")
        let cases = try Self.csv(folder, "cases.csv")
        #expect(cases.dropFirst().map { $0[0] } == ["decision-to-assess-6w"])
        let p = try #require(try Self.csv(folder, "data-quality.csv").dropFirst().first)
        #expect(Array(p.prefix(6)) == ["requests.csv", "2", "B1", "school_advice_date", "2025-01-01", "error"])
        #expect(p[6].contains("not measured for final-plan-20w"), "\(p[6])")
        let (plain, _) = try Self.run(row, extra: [])
        #expect(try Self.csv(plain, "cases.csv").dropFirst().map { $0[0] } == ["decision-to-assess-6w", "final-plan-20w"])
        #expect(try Self.csv(plain, "data-quality.csv").dropFirst().first?[5] == "warning")
    }

    // MARK: The exceptions command

    @Test func theExceptionsCommandChecksClaimsWithTheSameOption() throws {
        // Open and overdue on 31 October 2025 (due 11 July), claimed outside the window.
        let rows = ["M1,2025-02-21,2025-03-20,assess,,,school_closure,,,North"]
        let (_, checked) = try Self.run(rows, command: "exceptions", extra: ["--term-dates", "term-dates.csv", "--format", "csv"])
        #expect(checked.status == 0, "\(checked.stderr)")
        let listed = parseCSV(checked.stdout)
        #expect(listed.first { $0[1] == "M1" }?[5] == "", "\(listed)")
        let (_, unchecked) = try Self.run(rows, command: "exceptions", extra: ["--format", "csv"])
        #expect(parseCSV(unchecked.stdout).first { $0[1] == "M1" }?[5] == "school_closure")
    }
}
