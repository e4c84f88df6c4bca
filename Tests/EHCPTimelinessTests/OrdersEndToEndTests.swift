import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPTimeliness
@testable import EHCPOutputs

/// The orders and reassessments extracts through the real tool: alone or with the
/// others, header matching, profiles, bad input, the action list, summary.json and the
/// report's sections.
@Suite struct OrdersEndToEndTests {
    static let orders = """
        Case ID,Order Date,Order-Type,Order Source,Notice Date,No Plan Date,Draft Plan Date,Final Plan Date,Amended Plan Date,Exception Reason,team
        O1,2025-01-06,assess,tribunal,2025-01-20,2025-03-17,,,,,North
        O2,2025-01-06,Assess,Unopposed,2025-01-21,,,,,,South
        O3,2025-01-06,appeal dismissed,,,,,,,,North
        O4,2025-01-06,amend_provision,,,,,,2025-01-01,,North
        O5,2025-01-31,amend_placement,,,,,,2025-02-14,,South
        O6,2025-01-06,maintain,,,,,,2025-02-01,,South
        O7,2025-09-01,make_plan,,,,2025-10-01,,,late reps,North
        O1,2025-01-06,assess,,,,,,,,North

        """

    static let reassessments = """
        case_id,request_date,decision_date,decision,final_plan_date,exception_reason,team
        A1,2025-01-06,2025-01-21,refuse,,,North
        A2,2025-01-06,2025-01-22,reassess,2025-04-29,personal_circumstances,South
        A3,2025-01-06,2025-01-10,agreed,2025-03-01,,North
        A4,,2025-01-10,refuse,,,North

        """

    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
        let folder: TemporaryFolder
        func read(_ name: String) throws -> String { try folder.read("out/" + name) }
        func csv(_ name: String) throws -> [[String]] { parseCSV(try read(name)) }
    }

    static func analyse(_ arguments: [String], files: [String: String] = ["orders.csv": orders, "reassessments.csv": reassessments],
                        command: String = "analyse") throws -> Run {
        let folder = try TemporaryFolder()
        for (name, text) in files { try folder.write(name, text) }
        let out = command == "analyse" ? ["--out", "out"] : []
        let run = try CLI.run([command] + arguments + ["--as-at", "2025-10-31"] + out, in: folder.path)
        return Run(status: run.status, stdout: run.stdout, stderr: run.stderr, folder: folder)
    }

    @Test func ordersAloneAreAWholeRunAndEveryRowIsAnalysedOrRejected() throws {
        let r = try Self.analyse(["--orders", "orders.csv", "--by", "team"])
        #expect(r.status == 0, "\(r.stderr)")
        // O3 (unknown order type) and the second O1 are rejected.
        #expect(r.stdout.contains("orders.csv: 8 rows read = 6 analysed + 2 rejected"), "\(r.stdout)")
        let cases = try r.csv("cases.csv")
        func rows(_ id: String) -> [String] { cases.filter { $0[1] == id }.map { "\($0[0]) \($0[4]) \($0[5]) \($0[6]) \($0[7])" } }
        // Header matched by key: "Case ID", "Order-Type"; codes by key: "Assess", "Unopposed".
        #expect(rows("O1") == ["tribunal-assess-notice-2w 2025-01-20 2025-01-20 on_time ", "tribunal-no-plan-10w 2025-03-17 2025-03-17 on_time "])
        #expect(rows("O2") == ["tribunal-assess-notice-2w 2025-01-20 2025-01-21 late ", "tribunal-final-plan-14w 2025-04-14  open_overdue "])
        #expect(rows("O4").isEmpty)  // its only measure needs the amended plan date it could not use
        #expect(rows("O5") == ["tribunal-placement-2w 2025-02-14 2025-02-14 on_time "])
        #expect(rows("O6").isEmpty)
        #expect(rows("O7") == ["tribunal-draft-plan-5w 2025-10-06 2025-10-01 on_time ", "tribunal-final-plan-11w 2025-11-17  open_in_time "])

        let problems = try r.csv("data-quality.csv").dropFirst()
        func problem(_ line: Int) -> [[String]] { problems.filter { $0[1] == String(line) } }
        let o3 = try #require(problem(4).first)
        #expect(Array(o3[0...5]) == ["orders.csv", "4", "O3", "Order-Type", "appeal dismissed", "error"])
        #expect(o3[6].contains("accepted values are assess, make_plan, amend_provision, amend_placement, maintain"))
        let o4 = try #require(problem(5).first)
        #expect(Array(o4[3...5]) == ["Amended Plan Date", "2025-01-01", "error"])
        #expect(o4[6].contains("amended_plan_date 2025-01-01 is before order_date 2025-01-06"))
        #expect(o4[6].contains("not measured for tribunal-amended-plan-5w"))
        #expect(problem(7).contains { $0[5] == "warning" && $0[6].contains("an order to maintain the plan acts at once and has no clock") })
        #expect(problem(8).contains { $0[3] == "Exception Reason" && $0[6].hasPrefix("exception reason \"late reps\" not applied")
                    && $0[6].hasSuffix("Accepted: personal_circumstances, absent_from_area, late_representations, covid_2020") })
        #expect(problem(9).contains { $0[5] == "error" && $0[6].contains("case_id O1 appears earlier in the file") })

        // summary.json and the report carry the order measures, each with its citation and counting sentence.
        let json = try r.read("summary.json")
        #expect(json.contains("\"id\": \"tribunal-assess-notice-2w\""))
        #expect(json.contains("\"citation\": \"reg 44(2)(b); reg 45(3)\""))
        #expect(json.contains("\"kind\": \"orders\""))
        let report = try r.read("report.md")
        #expect(report.contains("Notice that the authority will assess within 2 weeks of the order"))
        #expect(report.contains("Day 0 is the order date, which is not counted: the limit ends 14 days later"))
        #expect(!report.contains("Final EHC plan within 20 weeks"))
        // The action list: the overdue O2 final plan is on it.
        let actions = try r.csv("exceptions.csv")
        #expect(actions.contains { $0.contains("O2") && $0.contains("tribunal-final-plan-14w") })
    }

    @Test func reassessmentsJoinTheOtherExtractsAndAnUnknownDecisionCostsOnlyTheFinalPlan() throws {
        let requests = "case_id,request_date,assessment_decision_date,assessment_decision\nR1,2025-01-06,2025-02-10,refuse\n"
        let r = try Self.analyse(["--requests", "requests.csv", "--reassessments", "reassessments.csv", "--orders", "orders.csv"],
                                 files: ["orders.csv": Self.orders, "reassessments.csv": Self.reassessments, "requests.csv": requests])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("reassessments.csv: 4 rows read = 3 analysed + 1 rejected"), "\(r.stdout)")
        #expect(r.stdout.contains("requests.csv: 1 rows read = 1 analysed + 0 rejected") || r.stdout.contains("requests.csv: 1 row read"), "\(r.stdout)")
        let cases = try r.csv("cases.csv")
        func rows(_ id: String) -> [String] { cases.filter { $0[1] == id }.map { "\($0[0]) \($0[4]) \($0[5]) \($0[6]) \($0[7])" } }
        #expect(rows("A1") == ["reassessment-decision-15d 2025-01-21 2025-01-21 on_time "])
        #expect(rows("A2") == ["reassessment-decision-15d 2025-01-21 2025-01-22 late ",
                               "reassessment-final-plan-14w 2025-04-30 2025-04-29 on_time personal_circumstances"])
        #expect(rows("A3") == ["reassessment-decision-15d 2025-01-21 2025-01-10 on_time "])
        #expect(rows("R1").count == 1)
        // Measures in table order: requests first, then re-assessments, then orders.
        let measures = cases.dropFirst().map(\.[0])
        #expect(measures.firstIndex(of: "decision-to-assess-6w")! < measures.firstIndex(of: "reassessment-decision-15d")!)
        #expect(measures.firstIndex(of: "reassessment-decision-15d")! < measures.firstIndex(of: "tribunal-assess-notice-2w")!)
        let problems = try r.csv("data-quality.csv")
        #expect(problems.contains { $0[0] == "reassessments.csv" && $0[2] == "A3" && $0[3] == "decision" && $0[4] == "agreed"
                    && $0[6].contains("not measured for reassessment-final-plan-14w") })
        #expect(problems.contains { $0[0] == "reassessments.csv" && $0[1] == "5" && $0[3] == "request_date" && $0[5] == "error" })
        // The report has a section for each measure with cases, with its own counting sentence.
        let report = try r.read("report.md")
        #expect(report.contains("Decision whether to re-assess within 15 days"))
        #expect(report.contains("Day 0 is the re-assessment request date, which is not counted: the limit ends 15 days later, and a case completed on day 15 is on time."))
    }

    @Test func aProfileRenamesOrderColumnsForOrdersOnly() throws {
        let orders = "Ref,Sealed,Kind,Notice\nX1,06/01/2025,assess,20/01/2025\n"
        let profile = """
            [orders.columns]
            case_id = "Ref"
            order_date = "Sealed"
            order_type = "Kind"
            notice_date = "Notice"

            """
        let r = try Self.analyse(["--orders", "orders.csv", "--profile", "p.toml"], files: ["orders.csv": orders, "p.toml": profile])
        #expect(r.status == 0, "\(r.stderr)")
        let cases = try r.csv("cases.csv")
        #expect(cases.contains { $0[0] == "tribunal-assess-notice-2w" && $0[1] == "X1" && $0[5] == "2025-01-20" && $0[6] == "on_time" })
    }

    @Test func anOrdersFileWithoutItsRequiredColumnStopsTheRunBeforeAnyOutput() throws {
        let r = try Self.analyse(["--orders", "orders.csv"], files: ["orders.csv": "case_id,order_date\nO1,2025-01-06\n"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("order_type"), "\(r.stderr)")
        #expect(!r.folder.exists("out/cases.csv"))
    }

    @Test func theExceptionsCommandListsOverdueOrders() throws {
        let r = try Self.analyse(["--orders", "orders.csv"], command: "exceptions")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("O2"), "\(r.stdout)")
        #expect(r.stdout.contains("tribunal-final-plan-14w"), "\(r.stdout)")
    }
}

/// The headline holds every measure on a laptop's first screen: with more than nine (the
/// re-assessment and order measures beside the others) it is set smaller; with nine or
/// fewer, report.html is what it was before them.
@Suite struct CompactHeadlineTests {
    @Test func moreThanNineHeadlineRowsAreSetSmallerAndNineOrFewerAreNot() throws {
        let folder = try TemporaryFolder()
        let examples = Repo.root + "/docs/rules/examples"
        let all = try CLI.run(["analyse", "--requests", "requests.csv", "--reviews", "reviews.csv", "--transfers", "transfers.csv",
                               "--reassessments", "orders/reassessments.csv", "--orders", "orders/orders.csv",
                               "--as-at", "2025-10-31", "--out", folder.path + "/all"], in: examples)
        #expect(all.status == 0, "\(all.stderr)")
        let big = try folder.read("all/report.html")
        #expect(big.contains("<table class=\"headline compact\">"))
        #expect(big.contains("<style>table.headline.compact{"))
        let orders = try CLI.run(["analyse", "--orders", "orders/orders.csv", "--as-at", "2025-10-31", "--out", folder.path + "/orders"],
                                 in: examples)
        #expect(orders.status == 0, "\(orders.stderr)")
        let small = try folder.read("orders/report.html")
        #expect(small.contains("<table class=\"headline\">"))
        #expect(!small.contains("compact"))
        #expect(ReportContext.fullSizeHeadlineRows == 9)
    }
}
