import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

/// The real tool on real files: bytes in, files out.
@Suite struct EndToEndTests {
    static let header = "case_id,request_date,assessment_decision_date,assessment_decision,plan_decision_date,plan_decision,final_plan_date,withdrawn_date,exception_reason,team\n"

    @Test func workedExampleGivesTheStatutoryDueDatesAndStatuses() throws {
        let folder = try TemporaryFolder()
        try folder.write("requests.csv", Self.header + """
            A1,2025-01-06,2025-02-17,assess,,,2025-05-26,,,North
            A2,2025-01-06,2025-02-18,assess,,,2025-05-27,,,North
            A3,06/01/2025,,,,,,,,South

            """)
        let run = try CLI.run(["analyse", "--requests", "requests.csv", "--as-at", "2025-06-30", "--out", "out", "--by", "team"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let cases = parseCSV(try folder.read("out/cases.csv"))
        #expect(cases[0] == ["measure", "case_id", "line", "start_date", "due_date", "completed_date", "status", "exception",
                             "days_elapsed", "days_from_due", "period", "team"])
        #expect(cases.contains(["decision-to-assess-6w", "A1", "2", "2025-01-06", "2025-02-17", "2025-02-17", "on_time", "", "42", "0", "2025-02", "North"]))
        #expect(cases.contains(["decision-to-assess-6w", "A2", "3", "2025-01-06", "2025-02-17", "2025-02-18", "late", "", "43", "1", "2025-02", "North"]))
        #expect(cases.contains(["final-plan-20w", "A1", "2", "2025-01-06", "2025-05-26", "2025-05-26", "on_time", "", "140", "0", "2025-05", "North"]))
        #expect(cases.contains(["final-plan-20w", "A2", "3", "2025-01-06", "2025-05-26", "2025-05-27", "late", "", "141", "1", "2025-05", "North"]))
        #expect(cases.contains(["final-plan-20w", "A3", "4", "2025-01-06", "2025-05-26", "", "open_overdue", "", "175", "35", "2025-05", "South"]))
        // Cases sorted by measure, then input order.
        #expect(cases.dropFirst().map { $0[0] + $0[1] } == ["decision-to-assess-6wA1", "decision-to-assess-6wA2", "decision-to-assess-6wA3",
                                                              "final-plan-20wA1", "final-plan-20wA2", "final-plan-20wA3"])
        #expect(run.stdout.contains("requests.csv: 3 rows read = 3 analysed + 0 rejected"))
        let actions = parseCSV(try folder.read("out/exceptions.csv"))
        #expect(actions[0] == ["measure", "case_id", "due_date", "status", "days_from_due", "exception", "team"])
        #expect(actions.dropFirst().map { $0[1] } == ["A3", "A3"])
    }

    @Test func badRowsAreRejectedWithFileLineColumnValueAndReason() throws {
        let folder = try TemporaryFolder()
        try folder.write("r.csv", Self.header + """
            B1,2025-01-06,,,,,,,,North
            B2,31/02/2025,,,,,,,,North
            B3,2025-01-06,2025-01-01,assess,,,,,,North
            B4,2025-01-06,2025-02-01,maybe,,,,,,North
            B1,2025-01-07,,,,,,,,North
            ,2025-01-06,,,,,,,,North
            B5,2025-01-06,2026-01-01,assess,,,,,,North
            B6,2025-01-06,,,,,,,missed appointment,North
            B7,2025-01-06,,
            B8,2025-01-06,,,,,,,,Nor"th
            B9,2025-01-06,,,,,,,,North

            """)
        let run = try CLI.run(["analyse", "--requests", "r.csv", "--as-at", "2025-06-30", "--out", "out"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        // B3's decision before the request, B4's unknown decision and B5's future decision are
        // optional fields: read as blank, the rows kept without the measures that need them.
        #expect(run.stdout.contains("r.csv: 11 rows read = 6 analysed + 5 rejected"), "\(run.stdout)")
        let dq = parseCSV(try folder.read("out/data-quality.csv"))
        #expect(dq[0] == ["file", "line", "case_id", "column", "value", "severity", "problem"])
        func problem(line: String) -> [String]? { dq.first { $0[1] == line } }
        #expect(problem(line: "3")?[2...5] == ["B2", "request_date", "31/02/2025", "error"])
        #expect(problem(line: "4")?[3] == "assessment_decision_date")
        #expect(problem(line: "5")?[3...5] == ["assessment_decision", "maybe", "error"])
        #expect(problem(line: "5")?[6].contains("assess, refuse") == true)
        #expect(problem(line: "6")?[2...5] == ["B1", "case_id", "B1", "error"])
        #expect(problem(line: "7")?[3] == "case_id")
        #expect(problem(line: "8")?[6].contains("after the as-at date") == true)
        #expect(problem(line: "8")?[6].contains("not measured for decision-to-assess-6w") == true)
        #expect(problem(line: "4")?[6].contains("not measured for decision-to-assess-6w") == true)
        #expect(problem(line: "5")?[6].contains("not measured for final-plan-20w") == true)
        #expect(problem(line: "9")?[5] == "warning")
        #expect(problem(line: "9")?[6].contains("reg 8(2)") == true)
        #expect(problem(line: "10")?[6].contains("has 4 fields but the header has 10") == true)
        #expect(problem(line: "11")?[5] == "error")
        #expect(problem(line: "11")?[6].contains("line 11, column") == true)
        let errors = dq.filter { $0.count > 5 && $0[5] == "error" }
        #expect(Set(errors.map { $0[1] }).count == 8)
    }

    @Test func fatalProblemsStopBeforeAnyOutputWithAMessageNamingTheFile() throws {
        let folder = try TemporaryFolder()
        try folder.write("empty.csv", "")
        try folder.write("nocol.csv", "case_id,received\nX,2025-01-01\n")
        try folder.write("ok.csv", "case_id,request_date\nX,2025-01-01\n")
        try folder.write("bad.toml", "[columns\n")
        let cases: [([String], String)] = [
            (["--requests", "missing.csv"], "missing.csv"),
            (["--requests", "empty.csv"], "no header"),
            (["--requests", "nocol.csv"], "request_date"),
            (["--requests", "ok.csv", "--profile", "bad.toml"], "bad.toml"),
            (["--requests", "ok.csv", "--profile", "nope.toml"], "nope.toml"),
            (["--requests", "ok.csv", "--by", "locality"], "locality"),
            (["--requests", "."], "."),
        ]
        for (arguments, mention) in cases {
            let run = try CLI.run(["analyse", "--as-at", "2025-06-30", "--out", "out"] + arguments, in: folder.path)
            #expect(run.status == 2, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains(mention), "\(arguments): \(run.stderr)")
            #expect(!folder.exists("out"), "\(arguments) wrote output")
        }
    }

    @Test func commandLineMistakesAreExplained() throws {
        let run = try CLI.run(["analyse", "--requests", "x.csv", "--as-at", "31/10/2025", "--out", "o"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("yyyy-mm-dd"))
        let noAsAt = try CLI.run(["analyse", "--requests", "x.csv", "--out", "o"])
        #expect(noAsAt.status == 64)
        #expect(noAsAt.stderr.contains("--as-at"))
    }

    @Test func analyzeIsAnAliasOfAnalyse() throws {
        let folder = try TemporaryFolder()
        try folder.write("r.csv", "case_id,request_date\nX,2025-01-01\n")
        let run = try CLI.run(["analyze", "--requests", "r.csv", "--as-at", "2025-06-30", "--out", "out"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(folder.exists("out/summary.json"))
    }

    @Test func semicolonExtractsWithCRLFAndBOMAreRead() throws {
        let folder = try TemporaryFolder()
        try folder.write("r.csv", "\u{FEFF}\"Case ID\";\"Request Date\";Team\r\nX1;06.01.2025;\"North; Rural\"\r\n")
        let run = try CLI.run(["analyse", "--requests", "r.csv", "--as-at", "2025-06-30", "--out", "out", "--by", "team"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let cases = parseCSV(try folder.read("out/cases.csv"))
        #expect(cases[1][1] == "X1")
        #expect(cases[1][11] == "North; Rural")
    }

    @Test func formulaLikeTextIsNeutralisedInEveryOutput() throws {
        let folder = try TemporaryFolder()
        try folder.write("r.csv", "case_id,request_date,team\n=HYPERLINK(\"x\"),2025-01-06,+team\n@cmd,=1+1,-team\n")
        let run = try CLI.run(["analyse", "--requests", "r.csv", "--as-at", "2025-06-30", "--out", "out", "--by", "team"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        for name in ["cases.csv", "summary.csv", "exceptions.csv", "data-quality.csv"] {
            for row in parseCSV(try folder.read("out/" + name)).dropFirst() {
                for cell in row {
                    #expect(!(cell.hasPrefix("=") || cell.hasPrefix("+") || cell.hasPrefix("@")), "\(name): \(cell)")
                    if cell.hasPrefix("-") { #expect(Double(cell) != nil, "\(name): \(cell)") }
                }
            }
        }
    }
}
