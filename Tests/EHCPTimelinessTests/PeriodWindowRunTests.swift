import Foundation
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

/// The window through the real binary: what changes, what must not, and the usage errors.
@Suite struct PeriodWindowRunTests {
    static let header = "case_id,request_date,assessment_decision_date,assessment_decision,final_plan_date,team\n"
    /// Final plans (due 2025-05-26 unless said): A the day before --from, B on --from,
    /// C on --to, D the day after; E open and due in the window, F open and due after it;
    /// G's final plan date is before its request, so its final plan is not measured.
    static let requests = header + """
        A,2025-01-06,2025-01-20,assess,2025-03-31,North
        B,2025-01-06,2025-01-20,assess,2025-04-01,North
        C,2025-01-06,2025-01-20,assess,2025-09-30,South
        D,2025-01-06,2025-01-20,assess,2025-10-01,South
        E,2025-05-01,2025-05-10,assess,,North
        F,2025-05-20,2025-05-25,assess,,South
        G,2025-06-02,2025-06-09,assess,2025-05-01,North

        """
    static let window = ["--from", "2025-04-01", "--to", "2025-09-30"]

    static func analyse(_ extra: [String], out: String, in folder: TemporaryFolder) throws -> CLIRun {
        if !folder.exists("requests.csv") { try folder.write("requests.csv", requests) }
        return try CLI.run(["analyse", "--requests", "requests.csv", "--as-at", "2025-10-31", "--out", out, "--by", "team"] + extra,
                           in: folder.path)
    }

    @Test func casesAndExceptionsAreByteIdenticalWithAndWithoutTheWindow() throws {
        let folder = try TemporaryFolder()
        let plain = try Self.analyse([], out: "plain", in: folder)
        let windowed = try Self.analyse(Self.window, out: "windowed", in: folder)
        #expect(plain.status == 0 && windowed.status == 0, "\(plain.stderr)\(windowed.stderr)")
        for name in ["cases.csv", "exceptions.csv", "data-quality.csv"] {
            #expect(try folder.read("windowed/" + name) == folder.read("plain/" + name), "\(name) changed with the window")
        }
        #expect(try folder.read("windowed/summary.csv") != folder.read("plain/summary.csv"))
        let actions = parseCSV(try folder.read("windowed/exceptions.csv")).map { $0[1] }
        #expect(actions.contains("E") && actions.contains("F"))
        // The action list count is the same on the console too.
        let line = { (run: CLIRun) in run.stdout.split(separator: "\n").first { $0.contains("on the action list") } }
        #expect(line(plain) == line(windowed))
    }

    @Test func withoutTheOptionsSummaryIsByteIdenticalToAWindowThatHoldsEveryCase() throws {
        let folder = try TemporaryFolder()
        let plain = try Self.analyse([], out: "plain", in: folder)
        let wide = try Self.analyse(["--from", "1900-01-01", "--to", "2999-12-31"], out: "wide", in: folder)
        #expect(plain.status == 0 && wide.status == 0)
        #expect(try folder.read("wide/summary.csv") == folder.read("plain/summary.csv"))
        #expect(try !folder.read("plain/summary.json").contains("\"from\""))
        #expect(try !folder.read("plain/report.md").contains("Figures cover cases"))
        #expect(!plain.stdout.contains("window"))
    }

    @Test func summaryCountsOnlyTheWindowAndNotMeasuredStaysUnfiltered() throws {
        let folder = try TemporaryFolder()
        let run = try Self.analyse(Self.window, out: "out", in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let rows = parseCSV(try folder.read("out/summary.csv"))
        let header = try #require(rows.first)
        func cell(_ row: [String], _ name: String) -> String { header.firstIndex(of: name).map { row[$0] } ?? "?" }
        let finalPlans = rows.filter { $0.first == "final-plan-20w" }
        // B (on --from), C (on --to) and E (open, due 2025-09-18) are in; A, D and F are out.
        let all = try #require(finalPlans.first { $0[1] == "all" && $0[2] == "all" })
        #expect(["cases", "on_time", "late", "open_overdue"].map { cell(all, $0) } == ["3", "1", "1", "1"])
        #expect(cell(all, "not_measured") == "1")  // G: no date to place it, so the window does not apply
        #expect(finalPlans.filter { $0[2] == "all" }.map { $0[1] } == ["2025-04", "2025-09", "all"])
        let north = try #require(finalPlans.first { $0[1] == "all" && $0[2] == "North" })
        #expect(cell(north, "cases") == "2")

        let json = try JSONSerialization.jsonObject(with: Data(folder.read("out/summary.json").utf8)) as? [String: Any]
        let settings = (json?["rules"] as? [String: Any])?["settings"] as? [String: String]
        #expect(settings?["from"] == "2025-04-01" && settings?["to"] == "2025-09-30")

        let markdown = try folder.read("out/report.md")
        #expect(markdown.contains("Figures cover cases completed, or due while open, from 1 April 2025 to 30 September 2025."))
        // The headline stops at --to: September is the latest month the window completes.
        #expect(markdown.contains("**September 2025, the latest complete month"))
        #expect(markdown.contains("each month to September 2025"))
        #expect(try folder.read("out/report.html").contains("from 1 April 2025 to 30 September 2025"))
        #expect(run.stdout.contains("window: the figures below, summary.csv, summary.json and the report count cases completed, or due while open, from 2025-04-01 to 2025-09-30"))
        let finalLine = run.stdout.split(separator: "\n").first { $0.hasPrefix("  final-plan-20w") }.map(String.init) ?? ""
        #expect(finalLine.split(separator: " ").dropFirst().first == "3")
    }

    @Test("--from alone and --to alone are stated as open-ended windows")
    func oneEndOnly() throws {
        let folder = try TemporaryFolder()
        #expect(try Self.analyse(["--from", "2025-04-01"], out: "from", in: folder).status == 0)
        #expect(try folder.read("from/report.md").contains("from 1 April 2025 on."))
        #expect(try !folder.read("from/summary.json").contains("\"to\""))
        #expect(try Self.analyse(["--to", "2025-09-30"], out: "to", in: folder).status == 0)
        #expect(try folder.read("to/report.md").contains("up to 30 September 2025."))
    }

    @Test("--from after --to, or a date that is not yyyy-mm-dd or not a real day, is a usage error (64) that says why",
          arguments: [
              (["--from", "2025-10-01", "--to", "2025-09-30"], "--from 2025-10-01 is after --to 2025-09-30"),
              (["--from", "2025-02-30"], "--from 2025-02-30 is not a date"),
              (["--to", "2025-9-30"], "--to 2025-9-30 is not a date"),
              (["--to", "30/09/2025"], "--to 30/09/2025 is not a date"),
          ])
    func usageErrors(arguments: [String], message: String) throws {
        let folder = try TemporaryFolder()
        let run = try Self.analyse(arguments, out: "out", in: folder)
        #expect(run.status == ExitStatus.usage.rawValue)
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(!folder.exists("out"))
    }

    @Test func aOneDayWindowIsAllowed() throws {
        let folder = try TemporaryFolder()
        let run = try Self.analyse(["--from", "2025-09-30", "--to", "2025-09-30"], out: "out", in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let all = parseCSV(try folder.read("out/summary.csv")).first { $0.prefix(3) == ["final-plan-20w", "all", "all"] }
        #expect(all?[3] == "1")  // C alone
    }

    @Test func helpDescribesBothOptions() throws {
        let help = try CLI.run(["analyse", "--help"])
        #expect(help.stdout.contains("--from <date>") && help.stdout.contains("--to <date>"))
        #expect(help.stdout.contains("financial-quarter"))
    }
}

/// Chunks read on other threads carry the window: the same bytes as one pass.
@Suite struct PeriodWindowParallelTests {
    @Test func theSampleWithAWindowGivesTheSameBytesOnOneAndThreeThreads() throws {
        let folder = try TemporaryFolder()
        let inputs = [InputFile(kind: .requests, path: Repo.root + "/SampleData/requests.csv"),
                      InputFile(kind: .transfers, path: Repo.root + "/SampleData/transfers.csv")]
        func outputs(jobs: Int) throws -> [String: String] {
            var options = AnalysisOptions(inputs: inputs, asAt: day("2025-10-31"))
            options.by = ["team"]
            options.window = DateWindow(from: day("2025-04-15"), to: day("2025-09-15"))
            options.jobs = jobs
            options.parallelThreshold = 0  // the sample is small: split it anyway
            let out = folder.path + "/jobs\(jobs)"
            try OutputFolder.write(OutputFiles.all(try AnalysedRun.analyse(options)), to: out)
            var files: [String: String] = [:]
            for name in OutputFiles.names { files[name] = try folder.read("jobs\(jobs)/" + name) }
            return files
        }
        let one = try outputs(jobs: 1), three = try outputs(jobs: 3)
        for name in OutputFiles.names { #expect(three[name] == one[name], "\(name) differs on 3 threads") }
        #expect(one["summary.csv"]?.contains("final-plan-20w,2025-03,") == false)
        #expect(one["summary.csv"]?.contains("final-plan-20w,2025-04,") == true)
    }
}
