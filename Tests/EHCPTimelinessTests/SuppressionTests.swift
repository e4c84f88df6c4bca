import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

/// `--suppress-below N`: small cohorts are blanked in the published summaries only.
@Suite struct SuppressionTests {
    static let header = "case_id,request_date,assessment_decision_date,assessment_decision,plan_decision_date,plan_decision,final_plan_date,withdrawn_date,exception_reason,team\n"
    /// North: 3 requests, South: 2; every one assessed and its plan issued in 2025.
    static let requests = header + """
        N1,2025-01-06,2025-02-10,assess,,,2025-05-20,,,North
        N2,2025-01-06,2025-02-20,assess,,,2025-06-20,,,North
        N3,2025-01-06,2025-02-10,assess,,,2025-05-26,,,North
        S1,2025-01-06,2025-02-10,assess,,,2025-05-01,,,South
        S2,2025-01-06,2025-02-10,assess,,,2025-07-01,,,South

        """

    static func analyse(_ extra: [String], folder: TemporaryFolder) throws -> CLIRun {
        try folder.write("requests.csv", requests)
        return try CLI.run(["analyse", "--requests", "requests.csv", "--as-at", "2025-10-31", "--out", "out",
                            "--by", "team", "--period", "year"] + extra, in: folder.path)
    }

    static func json(_ folder: TemporaryFolder) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(folder.read("out/summary.json").utf8)) as? [String: Any] ?? [:]
    }

    static func jsonRows(_ object: [String: Any], measure: String) -> [[String: Any]] {
        let measures = object["measures"] as? [[String: Any]] ?? []
        return measures.first { $0["id"] as? String == measure }?["rows"] as? [[String: Any]] ?? []
    }

    @Test func cohortWithExactlyNCasesIsKeptAndWithNMinus1IsBlanked() {
        let asAt = Day(iso: "2025-10-31")!
        var options = AnalysisOptions(inputs: [], asAt: asAt)
        options.suppressBelow = 10
        let ten = SummaryRow(measure: .finalPlan20w, period: "2025", cohort: ["North"], isCohortTotal: false, onTime: 6, late: 3, exceptedLate: 1)
        let nine = SummaryRow(measure: .finalPlan20w, period: "2025", cohort: ["South"], isCohortTotal: false, onTime: 6, late: 2, exceptedLate: 1)
        #expect(ten.cases == 10 && nine.cases == 9)
        #expect(!options.suppresses(ten))
        #expect(options.suppresses(nine))
        #expect(ten.cells(suppressed: options.suppresses(ten)) == ten.cells())
        #expect(nine.cells(suppressed: true) == ["final-plan-20w", "2025", "South"] + Array(repeating: "", count: SummaryRow.valueColumns.count))
        // Without the option nothing is suppressed.
        options.suppressBelow = nil
        #expect(!options.suppresses(nine))
    }

    @Test func benchmarkYearWithFewerThanNOwnPlansIsSuppressed() {
        var options = AnalysisOptions(inputs: [], asAt: Day(iso: "2025-10-31")!)
        options.suppressBelow = 5
        let five = BenchmarkRow(year: 2024, ownPlans: 5, ownWithin20Weeks: 5, ownRate: 100, publishedRate: 99, regionRate: nil, englandRate: 46.4)
        let four = BenchmarkRow(year: 2024, ownPlans: 4, ownWithin20Weeks: 4, ownRate: 100, publishedRate: 99, regionRate: nil, englandRate: 46.4)
        let none = BenchmarkRow(year: 2019, ownPlans: 0, ownWithin20Weeks: 0, ownRate: nil, publishedRate: 78.9, regionRate: 60.1, englandRate: 60.4)
        #expect(!options.suppresses(five))
        #expect(options.suppresses(four))
        #expect(!options.suppresses(none))   // no own plans that year: nothing to disclose
    }

    @Test func smallCohortsAreBlankedInSummaryCSVButNotInCasesOrTheActionList() throws {
        let folder = try TemporaryFolder()
        let run = try Self.analyse(["--suppress-below", "3"], folder: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let summary = parseCSV(try folder.read("out/summary.csv"))
        #expect(summary[0] == SummaryRow.header(byColumns: ["team"]))   // no extra column
        let blank = Array(repeating: "", count: SummaryRow.valueColumns.count)
        // South has 2 cases: blanked in every period; North has 3: kept; the total (5) kept.
        #expect(summary.contains(["final-plan-20w", "2025", "South"] + blank))
        #expect(summary.contains(["final-plan-20w", "all", "South"] + blank))
        #expect(summary.contains(["decision-to-assess-6w", "all", "South"] + blank))
        #expect(summary.contains(["final-plan-20w", "all", "North", "3", "2", "1", "0", "0", "0", "66.7", "66.7", "66.7", "20.8", "93.9", "140", "0", "0"]))
        #expect(summary.contains { $0.prefix(4) == ["final-plan-20w", "all", "all", "5"] })
        #expect(!summary.contains { $0[2] == "South" && $0[3] != "" })
        // cases.csv keeps every case of the small cohort.
        let cases = parseCSV(try folder.read("out/cases.csv"))
        #expect(cases.contains(["final-plan-20w", "S1", "5", "2025-01-06", "2025-05-26", "2025-05-01", "on_time", "", "115", "-25", "2025", "South"]))
        #expect(cases.contains(["final-plan-20w", "S2", "6", "2025-01-06", "2025-05-26", "2025-07-01", "late", "", "176", "36", "2025", "South"]))
    }

    @Test func smallCohortsAreNullWithASuppressedFlagInSummaryJSON() throws {
        let folder = try TemporaryFolder()
        let run = try Self.analyse(["--suppress-below", "3"], folder: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let object = try Self.json(folder)
        let rows = Self.jsonRows(object, measure: "final-plan-20w")
        let south = try #require(rows.first { $0["team"] as? String == "South" && $0["period"] as? String == "all" })
        #expect(south["suppressed"] as? Bool == true)
        for name in SummaryRow.valueColumns { #expect(south[name] is NSNull, "\(name)") }
        #expect(south["measure"] as? String == "final-plan-20w")
        let north = try #require(rows.first { $0["team"] as? String == "North" && $0["period"] as? String == "all" })
        #expect(north["suppressed"] as? Bool == false)
        #expect(north["cases"] as? Int == 3)
        #expect(north["rate_excl_exceptions"] as? Double == 66.7)
        let settings = (object["rules"] as? [String: Any])?["settings"] as? [String: Any]
        #expect(settings?["suppress_below"] as? String == "3")
        #expect(settings?["target"] == nil)
        #expect(settings?["benchmark_la"] == nil)
    }

    @Test func consoleShowsUnsuppressedFiguresAndSaysSuppressionApplies() throws {
        let folder = try TemporaryFolder()
        let run = try Self.analyse(["--suppress-below", "10"], folder: folder)
        #expect(run.status == 0, "\(run.stderr)")
        // The total of 5 cases is blanked in summary.csv …
        let summary = parseCSV(try folder.read("out/summary.csv"))
        #expect(summary.contains(["final-plan-20w", "all", "all"] + Array(repeating: "", count: SummaryRow.valueColumns.count)))
        // … but the analyst's own screen shows it.
        #expect(run.stdout.contains("final-plan-20w             5            60.0 %"), "\(run.stdout)")
        #expect(run.stdout.contains("suppression below 10 applied to published outputs (summary.csv, summary.json)"), "\(run.stdout)")
    }

    @Test func withoutTheOptionNoRowHasASuppressedKeyAndNothingIsBlanked() throws {
        let folder = try TemporaryFolder()
        let run = try Self.analyse([], folder: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let rows = Self.jsonRows(try Self.json(folder), measure: "final-plan-20w")
        #expect(!rows.isEmpty)
        #expect(rows.allSatisfy { $0["suppressed"] == nil && $0["cases"] is Int })
        #expect(!run.stdout.contains("suppression"))
        #expect(!(try folder.read("out/summary.json")).contains("suppress"))
    }

    @Test func benchmarkOwnCountsBelowNAreNullInSummaryJSONButPublishedRatesStay() throws {
        let folder = try TemporaryFolder()
        try folder.write("dfe.csv", BenchmarkTests.smallFile)
        let run = try Self.analyse(["--suppress-below", "6", "--benchmark-la", "351", "--benchmark-file", "dfe.csv"], folder: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let benchmark = try Self.json(folder)["benchmark"] as? [String: Any]
        let rows = benchmark?["rows"] as? [[String: Any]] ?? []
        // 2025: 5 own plans, fewer than 6: the own figures are blanked, the published ones stay.
        let y2025 = try #require(rows.first { $0["year"] as? Int == 2025 })
        #expect(y2025["suppressed"] as? Bool == true)
        #expect(y2025["own_plans"] is NSNull)
        #expect(y2025["own_within_20_weeks"] is NSNull)
        #expect(y2025["own_rate"] is NSNull)
        #expect(y2025["published_rate"] as? Double == 90)
        #expect(y2025["region_rate"] as? Double == 60.5)
        // 2024: no own plans at all, nothing to blank.
        let y2024 = try #require(rows.first { $0["year"] as? Int == 2024 })
        #expect(y2024["suppressed"] as? Bool == false)
        #expect(y2024["own_plans"] as? Int == 0)
        #expect(y2024["own_rate"] is NSNull)
        // The console (the analyst's own screen) shows the 5 plans.
        #expect(run.stdout.contains("2025          5    60.0 %"), "\(run.stdout)")
    }

    @Test func targetIsStatedInSettingsAndMustBeAPercentage() throws {
        let folder = try TemporaryFolder()
        let run = try Self.analyse(["--target", "92.5"], folder: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let settings = (try Self.json(folder)["rules"] as? [String: Any])?["settings"] as? [String: Any]
        #expect(settings?["target"] as? String == "92.5")
        for bad in ["101", "-1", "nan"] {
            let refused = try Self.analyse(["--target=\(bad)"], folder: folder)
            #expect(refused.status == 64, "--target \(bad)")
            #expect(refused.stderr.contains("--target must be a percentage from 0 to 100"), "\(refused.stderr)")
        }
        let whole = try Self.analyse(["--target", "90"], folder: folder)
        #expect(whole.status == 0)
        let wholeSettings = (try Self.json(folder)["rules"] as? [String: Any])?["settings"] as? [String: Any]
        #expect(wholeSettings?["target"] as? String == "90")
    }

    @Test func suppressBelowMustBeAtLeastOne() throws {
        let folder = try TemporaryFolder()
        let run = try Self.analyse(["--suppress-below", "0"], folder: folder)
        #expect(run.status == 64)
        #expect(run.stderr.contains("--suppress-below must be 1 or more cases"), "\(run.stderr)")
        #expect(!folder.exists("out"))
    }
}
