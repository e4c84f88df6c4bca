import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs

/// Issue 14: `--duplicates first|last|reject`. The stale first row of a repeated case
/// once told a caseworker a case with its final plan issued was "overdue by 98 days".
@Suite struct DuplicatePolicyTests {
    /// D1 three times: its third copy has the final plan and another team; D2 twice, identical.
    static let extract = """
        case_id,request_date,assessment_decision_date,assessment_decision,final_plan_date,team
        D1,2025-01-06,2025-02-10,assess,,North
        D2,2025-01-06,2025-02-10,assess,,North
        D1,2025-01-06,2025-02-10,assess,2025-05-20,North
        D1,2025-01-06,2025-02-10,assess,2025-05-20,South
        D2,2025-01-06,2025-02-10,assess,,North
        U1,2025-01-06,2025-02-10,assess,,East

        """

    static func analyse(_ policy: String?, jobs: Int? = nil) throws -> (TemporaryFolder, CLIRun) {
        let folder = try TemporaryFolder()
        _ = try folder.write("r.csv", extract)
        let run = try CLI.run(["analyse", "--requests", "r.csv", "--as-at", "2025-07-01", "--out", "o"]
                              + (policy.map { ["--duplicates", $0] } ?? []), in: folder.path)
        return (folder, run)
    }

    static func finalPlans(_ folder: TemporaryFolder) throws -> [[String]] {
        parseCSV(try folder.read("o/cases.csv")).filter { $0.first == "final-plan-20w" }.map { [$0[1], $0[2], $0[6]] }
    }

    static func problems(_ folder: TemporaryFolder) throws -> [String: String] {
        var byLine: [String: String] = [:]
        for p in parseCSV(try folder.read("o/data-quality.csv")).dropFirst() { byLine[p[1]] = p[6] }
        return byLine
    }

    @Test func firstIsTheDefaultKeepsTheFirstRowAndNamesWhatTheLaterCopiesChange() throws {
        let (folder, run) = try Self.analyse(nil)
        #expect(run.stdout.contains("6 rows read = 3 analysed + 3 rejected"), "\(run.stdout)")
        #expect(try Self.finalPlans(folder) == [["D1", "2", "open_overdue"], ["D2", "3", "open_overdue"], ["U1", "7", "open_overdue"]])
        let p = try Self.problems(folder)
        #expect(p["4"] == "case_id D1 appears earlier in the file; the first row is kept and this one is rejected; it differs from line 2 in final_plan_date")
        #expect(p["5"]?.hasSuffix("it differs from line 2 in final_plan_date, team") == true, "\(p)")
        #expect(p["6"]?.hasSuffix("it is identical to line 3") == true, "\(p)")
        let (explicit, _) = try Self.analyse("first")
        #expect(try folder.read("o/cases.csv") == explicit.read("o/cases.csv"))
    }

    @Test func lastKeepsTheLastRowSoTheIssuedPlanIsOnTime() throws {
        let (folder, run) = try Self.analyse("last")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("6 rows read = 3 analysed + 3 rejected"), "\(run.stdout)")
        #expect(try Self.finalPlans(folder) == [["D1", "5", "on_time"], ["D2", "6", "open_overdue"], ["U1", "7", "open_overdue"]])
        let p = try Self.problems(folder)
        #expect(p["2"] == "case_id D1 appears again later in the file; the last row is kept and this one is rejected (--duplicates last); it differs from line 5 in final_plan_date, team")
        #expect(p["4"]?.hasSuffix("it differs from line 5 in team") == true, "\(p)")
        #expect(p["3"]?.hasSuffix("it is identical to line 6") == true, "\(p)")
        // The stale copy is not on the list; the summary counts D1 once, on time.
        let actions = parseCSV(try folder.read("o/exceptions.csv"))
        #expect(!actions.contains { $0[1] == "D1" }, "\(actions)")
        let all = parseCSV(try folder.read("o/summary.csv")).first { $0[0] == "final-plan-20w" && $0[1] == "all" }
        #expect(all?[2...4] == ["3", "1", "0"], "\(String(describing: all))")
        #expect(try folder.read("o/summary.json").contains("\"duplicates\": \"last\""))
    }

    @Test func rejectAnalysesNoCopyAndListsEachCaseOnceAsNotChecked() throws {
        let (folder, run) = try Self.analyse("reject")
        #expect(run.stdout.contains("6 rows read = 1 analysed + 5 rejected"), "\(run.stdout)")
        #expect(try Self.finalPlans(folder) == [["U1", "7", "open_overdue"]])
        let p = try Self.problems(folder)
        #expect(p["2"] == "case_id D1 appears 3 times in the file; every copy is rejected (--duplicates reject); it differs from line 4 in final_plan_date")
        #expect(p["4"]?.hasSuffix("it differs from line 2 in final_plan_date") == true, "\(p)")
        let unchecked = parseCSV(try folder.read("o/exceptions.csv")).filter { $0[3] == "not_checked" }
        #expect(unchecked.map { $0[1] } == ["D1", "D2"], "\(unchecked)")
    }

    /// With rows taken back, the list's count is the list's length, whether asked before
    /// exceptions.csv is written (a pass to count) or after (the count that pass made);
    /// the console's count of cases not checked is the list's not_checked rows.
    @Test(arguments: DuplicatePolicy.allCases)
    func theActionListCountSkipsTakenBackRowsBeforeAndAfterWriting(policy: DuplicatePolicy) throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("r.csv", Self.extract)
        var options = AnalysisOptions(inputs: [InputFile(kind: .requests, path: path)], asAt: Day(iso: "2025-07-01")!)
        options.duplicates = policy
        let run = try AnalysedRun.analyse(options)
        #expect(!run.result.retracted.isEmpty)
        let listed = try run.actionList().count
        #expect(try run.actionListCount() == listed)
        let csv = try OutputFiles.exceptions(run)
        #expect(try run.actionListCount() == listed)
        #expect(parseCSV(csv).dropFirst().filter { $0[3] != "not_checked" }.count == listed)
        let notChecked = Set(parseCSV(csv).dropFirst().filter { $0[3] == "not_checked" }.map { $0[1] })
        #expect(try run.uncheckedCount() == run.uncheckedList().count)
        #expect(try run.uncheckedCount() == notChecked.count)
        #expect(policy != .reject || notChecked == ["D1", "D2"])
    }

    /// A copy can be judged only once every row has been seen: a pipe cannot be read twice.
    @Test func lastAndRejectNeedAFileAndSaySo() throws {
        let folder = try TemporaryFolder()
        _ = try folder.write("r.csv", Self.extract)
        let run = try CLI.run(["analyse", "--requests", "/dev/stdin", "--as-at", "2025-07-01", "--out", "o", "--duplicates", "last"],
                              in: folder.path, stdin: folder.path + "/r.csv")
        #expect(run.status == 2, "\(run.stdout)")
        #expect(run.stderr.contains("--duplicates last needs a file that can be read twice"), "\(run.stderr)")
        #expect(!folder.exists("o"))
        let bad = try CLI.run(["analyse", "--requests", "r.csv", "--as-at", "2025-07-01", "--out", "o", "--duplicates", "newest"],
                              in: folder.path)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--duplicates newest is not a choice; use first, last or reject"), "\(bad.stderr)")
    }

    /// Copies in different chunks of a parallel read are resolved as in one pass.
    @Test(arguments: DuplicatePolicy.allCases)
    func everyPolicyGivesTheSameBytesOnOneAndThreeThreads(policy: DuplicatePolicy) throws {
        let folder = try TemporaryFolder()
        // Enough rows for three chunks, with copies far apart.
        var rows = ["case_id,request_date,assessment_decision_date,assessment_decision,final_plan_date,team"]
        for i in 0..<3000 {
            let id = i % 1000 == 7 ? "DUP" : "C\(i)"
            rows.append("\(id),2025-01-06,2025-02-10,assess,\(i % 3 == 0 ? "2025-05-20" : ""),T\(i % 4)")
        }
        let path = try folder.write("big.csv", rows.joined(separator: "\n") + "\n")
        var outputs: [[String: Data]] = []
        for jobs in [1, 3] {
            var options = AnalysisOptions(inputs: [InputFile(kind: .requests, path: path)], asAt: Day(iso: "2025-07-01")!)
            options.by = ["team"]
            options.jobs = jobs
            options.parallelThreshold = 0
            options.duplicates = policy
            let out = folder.path + "/\(policy.rawValue)\(jobs)"
            try OutputFolder.write(OutputFiles.all(try AnalysedRun.analyse(options)), to: out)
            var files: [String: Data] = [:]
            for name in OutputFiles.names { files[name] = try Data(contentsOf: URL(fileURLWithPath: out + "/" + name)) }
            outputs.append(files)
        }
        for name in OutputFiles.names { #expect(outputs[0][name] == outputs[1][name], "\(name) differs with \(policy)") }
        let dq = String(decoding: outputs[0]["data-quality.csv"]!, as: UTF8.self)
        #expect(dq.components(separatedBy: "DUP appears").count - 1 == (policy == .reject ? 3 : 2), "\(dq)")
    }
}
