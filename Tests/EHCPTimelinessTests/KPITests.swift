import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPOutputs
@testable import EHCPRules

/// `--kpis FILE` (outputs.md, "KPIs"): the board's table, on real runs of the tool.
@Suite struct KPITests {
    static let header = "case_id,request_date,assessment_decision_date,assessment_decision,plan_decision_date,plan_decision,final_plan_date,withdrawn_date\n"

    static func kpiObjects(_ summaryJSON: String) throws -> [[String: Any]] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(summaryJSON.utf8)) as? [String: Any])
        return try #require(object["kpis"] as? [[String: Any]])
    }

    @Test func theValueIsTheRateOfTheTwelveMonthsToTheAsAtMonthAndRAGHasItsBoundaries() throws {
        let folder = try TemporaryFolder()
        // Decisions (6 weeks = 42 days): 3 on time and 1 late in the 12 months to October
        // 2025 (75 %), one on time in October 2024 (outside: 13 months back), one open
        // overdue (counted only by incl_overdue: 3 of 5 = 60 %).
        let csv = try folder.write("requests.csv", Self.header
            + "A,2025-01-06,2025-02-10,refuse,,,,\n"      // 35 days: on time, February
            + "B,2025-03-03,2025-04-14,refuse,,,,\n"      // 42 days: on time (last day), April
            + "C,2025-05-05,2025-06-17,refuse,,,,\n"      // 43 days: late (first late day), June
            + "D,2025-09-01,2025-10-01,refuse,,,,\n"      // on time, October
            + "E,2024-09-02,2024-10-01,refuse,,,,\n"      // on time, October 2024: outside
            + "F,2025-08-01,,,,,,\n")                     // due 2025-09-12, open overdue
        func kpis(_ toml: String) throws -> [[String: Any]] {
            let file = try folder.write("kpis.toml", toml)
            let run = try CLI.run(["analyse", "--requests", csv, "--as-at", "2025-10-31", "--out", folder.path + "/out", "--kpis", file])
            #expect(run.status == 0, "\(run.stderr)")
            return try Self.kpiObjects(try folder.read("out/summary.json"))
        }
        let rows = try kpis("""
            [[kpi]]
            measure = "decision-to-assess-6w"
            target = 75
            [[kpi]]
            measure = "decision-to-assess-6w"
            name = "Decisions, overdue counted"
            rate = "incl_overdue"
            target = 70
            amber_within = 10
            [[kpi]]
            measure = "decision-to-assess-6w"
            rate = "incl_overdue"
            target = 70.1
            amber_within = 10
            """)
        #expect(rows.count == 3)
        // Green at the target exactly; amber at target − amber_within exactly; red just below.
        #expect(rows[0]["value"] as? Double == 75 && rows[0]["rag"] as? String == "green")
        #expect(rows[0]["name"] as? String == "Decision whether to assess within 6 weeks")
        #expect(rows[1]["value"] as? Double == 60 && rows[1]["rag"] as? String == "amber")
        #expect(rows[1]["name"] as? String == "Decisions, overdue counted")
        #expect(rows[2]["rag"] as? String == "red")
        // No history: the baseline is this run's value, no previous, no direction.
        #expect(rows[0]["baseline"] as? Double == 75)
        #expect(rows[0]["previous"] is NSNull && rows[0]["direction"] is NSNull)
        // The report opens with the table.
        let md = try folder.read("out/report.md")
        let kpi = try #require(md.range(of: "## Key performance indicators"))
        let headline = try #require(md.range(of: "## Headline"))
        #expect(kpi.lowerBound < headline.lowerBound)
        #expect(md.contains("| Decisions, overdue counted | including overdue | 60.0 % | – | 60.0 % | 70.0 % | amber | – |"))
        let html = try folder.read("out/report.html")
        #expect(html.range(of: "id=\"kpis\"")!.lowerBound < html.range(of: "id=\"headline\"")!.lowerBound)
    }

    @Test func withHistoryPreviousBaselineDirectionAndTrendComeFromTheRecordedRuns() throws {
        let folder = try TemporaryFolder()
        let kpis = try folder.write("kpis.toml", "[[kpi]]\nmeasure = \"decision-to-assess-6w\"\ntarget = 90\n")
        let history = folder.path + "/history.sqlite"
        // August: 1 of 2 decisions on time (50 %); September and October: 2 of 3 (66.7 %).
        let months = [("2025-08-31", "A,2025-06-02,2025-07-28,refuse,,,,\nB,2025-06-09,2025-07-14,refuse,,,,\n"),
                      ("2025-09-30", "A,2025-06-02,2025-07-28,refuse,,,,\nB,2025-06-09,2025-07-14,refuse,,,,\nC,2025-08-04,2025-09-01,refuse,,,,\n"),
                      ("2025-10-31", "A,2025-06-02,2025-07-28,refuse,,,,\nB,2025-06-09,2025-07-14,refuse,,,,\nC,2025-08-04,2025-09-01,refuse,,,,\n")]
        var last: [[String: Any]] = []
        for (day, rows) in months {
            let csv = try folder.write("requests-\(day).csv", Self.header + rows)
            let run = try CLI.run(["analyse", "--requests", csv, "--as-at", day, "--out", folder.path + "/out", "--kpis", kpis,
                                   "--history", history])
            #expect(run.status == 0, "\(run.stderr)")
            last = try Self.kpiObjects(try folder.read("out/summary.json"))
            if day == "2025-09-30" {
                #expect(last[0]["value"] as? Double == 66.7)
                #expect(last[0]["previous"] as? Double == 50 && last[0]["baseline"] as? Double == 50)
                #expect(last[0]["direction"] as? String == "up")
            }
        }
        #expect(last[0]["value"] as? Double == 66.7 && last[0]["previous"] as? Double == 66.7)
        #expect(last[0]["direction"] as? String == "same" && last[0]["baseline"] as? Double == 50)
        let html = try folder.read("out/report.html")
        #expect(html.contains("<figcaption>Decision whether to assess within 6 weeks: 2025-08-31 50.0 %, 2025-09-30 66.7 %, 2025-10-31 66.7 %</figcaption>"))
        // Without --kpis, summary.json has no kpis key.
        let plain = try CLI.run(["analyse", "--requests", folder.path + "/requests-2025-10-31.csv", "--as-at", "2025-10-31",
                                 "--out", folder.path + "/plain"])
        #expect(plain.status == 0)
        #expect(!(try folder.read("plain/summary.json")).contains("\"kpis\""))
        #expect(!(try folder.read("plain/report.html")).contains("id=\"kpis\""))
    }

    @Test func aKPIFileWithAMistakeStopsTheRunBeforeAnyWorkWithAMessage() throws {
        let cases: [(String, String)] = [
            ("[[kpi]]\ntarget = 60\n", "kpi 1: measure is required"),
            ("[[kpi]]\nmeasure = \"final-plan-21w\"\ntarget = 60\n", "kpi 1: \"final-plan-21w\" is not a measure; use one of decision-to-assess-6w"),
            ("[[kpi]]\nmeasure = \"final-plan-20w\"\n", "kpi 1: target is required"),
            ("[[kpi]]\nmeasure = \"final-plan-20w\"\ntarget = 160\n", "kpi 1: target must be from 0 to 100 percent"),
            ("[[kpi]]\nmeasure = \"final-plan-20w\"\ntarget = 60\nrate = \"incl_exceptions\"\n", "rate must be \"excl_exceptions\" or \"incl_overdue\""),
            ("[[kpi]]\nmeasure = \"final-plan-20w\"\ntarget = 60\ncolour = \"red\"\n", "kpi 1: unknown key \"colour\""),
            ("target = 60\n", "unknown key \"target\"; the file holds [[kpi]] tables"),
            ("[[kpi]\n", "TOML syntax error"),
        ]
        for (toml, message) in cases {
            #expect(throws: KPIFileError.self) { try KPIFile.parse(toml: toml, file: "kpis.toml") }
            do { _ = try KPIFile.parse(toml: toml, file: "kpis.toml") } catch let error as KPIFileError {
                #expect(error.description.hasPrefix("kpis.toml: the KPI file cannot be used: "))
                #expect(error.description.contains(message), "\(error.description)")
            }
        }
        let folder = try TemporaryFolder()
        let csv = try folder.write("requests.csv", Self.header + "A,2025-01-06,2025-02-10,refuse,,,,\n")
        let bad = try folder.write("kpis.toml", "[[kpi]]\nmeasure = \"final-plan-20w\"\n")
        let run = try CLI.run(["analyse", "--requests", csv, "--as-at", "2025-10-31", "--out", folder.path + "/out", "--kpis", bad])
        #expect(run.status == 2)
        #expect(run.stderr.contains("\(bad): the KPI file cannot be used: kpi 1: target is required"))
        #expect(!folder.exists("out"))
    }
}
