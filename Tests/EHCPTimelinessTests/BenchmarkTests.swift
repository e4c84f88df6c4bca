import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

/// `--benchmark-la`: DfE's published 20-week rates beside the tool's own.
@Suite struct BenchmarkTests {
    static func day(_ iso: String) -> Day { Day(iso: iso)! }

    /// A final-plan case as the rules would give it: on time when issued by request + 140 days.
    static func finalPlan(_ id: String, requested: String, issued: String?, exception: ExceptionCode? = nil,
                          asAt: String = "2025-12-31") -> CaseResult {
        let start = day(requested), due = start + 140
        let completed = issued.map(day)
        let status: CaseStatus = completed.map { $0 <= due ? .onTime : .late } ?? (day(asAt) <= due ? .openInTime : .openOverdue)
        return CaseResult(measure: .finalPlan20w, caseID: id, line: 2, sequence: 0, start: start, due: due,
                          completed: completed, status: status, exception: exception, dimensions: [])
    }

    static func shipped() throws -> PublishedTimeliness { try Benchmark.load(file: nil) }

    static func row(_ table: BenchmarkTable, _ year: Int) -> BenchmarkRow? { table.rows.first { $0.year == year } }

    // MARK: the shipped DfE file

    @Test func shippedCopyIsFoundInTheResourceFolderNextToTheRunningExecutable() throws {
        let path = try #require(ShippedBenchmark.locate())
        #expect(path.hasSuffix("/ehcp-timeliness_EHCPTimeliness.resources/Resources/BenchmarkData/timeliness_20_week.csv"))
        // The shipped copy is DfE's file unmodified.
        let shipped = try Data(contentsOf: URL(fileURLWithPath: path))
        let source = try Data(contentsOf: URL(fileURLWithPath: Repo.root + "/Sources/EHCPTimeliness/Resources/BenchmarkData/timeliness_20_week.csv"))
        #expect(shipped == source)
    }

    @Test func englandRatesExcludingExceptionsAreDfEsPublishedFigures() throws {
        let table = try Benchmark.table(code: "351", published: Self.shipped(), cases: [])
        #expect(table.rows.map(\.year) == [2019, 2020, 2021, 2022, 2023, 2024])
        #expect(Self.row(table, 2019)?.englandRate == 60.4)
        #expect(Self.row(table, 2022)?.englandRate == 49.2)
        #expect(Self.row(table, 2023)?.englandRate == 50.3)
        #expect(Self.row(table, 2024)?.englandRate == 46.4)   // 39407 / 84866, not 45.9 (including exceptions)
    }

    @Test func buryOldCode351Was99PercentIn2024InTheNorthWest() throws {
        let table = try Benchmark.table(code: "351", published: Self.shipped(), cases: [])
        #expect(table.laCode == "351")
        #expect(table.laName == "Bury")
        #expect(table.regionName == "North West")
        #expect(table.source == "timeliness_20_week.csv")
        #expect(Self.row(table, 2024)?.publishedRate == 99.0)   // PC_plans_issued_20_weeks_ex: 293 / 296
        #expect(Self.row(table, 2019)?.publishedRate == 78.9)
        #expect(Self.row(table, 2024)?.regionRate == 50.5)
        #expect(Self.row(table, 2019)?.regionRate == 60.1)
    }

    @Test func newCodeFindsTheSameCouncilAsTheOldCode() throws {
        let published = try Self.shipped()
        let old = try Benchmark.table(code: "351", published: published, cases: [])
        let new = try Benchmark.table(code: "E08000002", published: published, cases: [])
        let lower = try Benchmark.table(code: "e08000002", published: published, cases: [])
        #expect(new.laCode == "E08000002")
        #expect(new.laName == "Bury")
        #expect(new.rows == old.rows)
        #expect(lower.rows == old.rows)
    }

    @Test func councilWhoseNewCodeChangedKeepsEveryYearUnderEitherCode() throws {
        // DfE gives Buckinghamshire (825) E10000002 in 2019, 2023, 2024 and E06000060 in 2020–2022.
        let published = try Self.shipped()
        let byOld = try Benchmark.table(code: "825", published: published, cases: [])
        let byNew = try Benchmark.table(code: "E06000060", published: published, cases: [])
        #expect(byOld.rows.compactMap(\.publishedRate) == [40, 74.7, 82, 67.1, 49, 32.1])
        #expect(byNew.rows == byOld.rows)
    }

    @Test func codeXInTheShippedFileIsMissingNotANumber() throws {
        let published = try Self.shipped()
        // Dorset classed all 2024 plans as excepted: the rate is x.
        let dorset = try Benchmark.table(code: "838", published: published, cases: [])
        #expect(Self.row(dorset, 2024)?.publishedRate == nil)
        #expect(Self.row(dorset, 2023)?.publishedRate == 60.2)
        #expect(Self.row(dorset, 2024)?.regionRate == 28.5)
        // Isles of Scilly issued no plans in 2019 and 2022 (x); 0 in 2023 is a real 0 %.
        let scilly = try Benchmark.table(code: "420", published: published, cases: [])
        #expect(scilly.rows.map(\.publishedRate) == [nil, 100, 100, nil, 0, 100])
    }

    @Test func yearWithoutARowForTheCouncilHasNoPublishedRateButKeepsRegionAndEngland() throws {
        // Leicester (856) has no 2023 row; Cumbria (909) ended in 2022.
        let published = try Self.shipped()
        let leicester = try Benchmark.table(code: "856", published: published, cases: [])
        #expect(Self.row(leicester, 2023)?.publishedRate == nil)
        #expect(Self.row(leicester, 2023)?.regionRate == 41.5)
        #expect(Self.row(leicester, 2023)?.englandRate == 50.3)
        let cumbria = try Benchmark.table(code: "909", published: published, cases: [])
        #expect(cumbria.rows.count == 6)
        #expect(Self.row(cumbria, 2024)?.publishedRate == nil)
        #expect(Self.row(cumbria, 2024)?.regionRate == 50.5)
    }

    // MARK: the tool's own figure

    @Test func ownRateCountsPlansIssuedInTheYearWithoutExceptionOnTimeUpToDay140() throws {
        let cases = [
            Self.finalPlan("on day 140", requested: "2024-01-08", issued: "2024-05-27"),
            Self.finalPlan("on day 141", requested: "2024-01-08", issued: "2024-05-28"),
            Self.finalPlan("requested 2023, issued 2024", requested: "2023-11-01", issued: "2024-02-01"),
            Self.finalPlan("requested 2024, issued late in 2025", requested: "2024-11-01", issued: "2025-04-01"),
            Self.finalPlan("excepted", requested: "2024-01-08", issued: "2024-12-01", exception: .personalCircumstances),
            Self.finalPlan("open overdue", requested: "2024-01-08", issued: nil),
            Self.finalPlan("open in time", requested: "2025-10-01", issued: nil),
        ]
        #expect(cases[0].status == .onTime && cases[1].status == .late)
        let own = Benchmark.ownFigures(cases)
        #expect(own[2024]?.plans == 3)
        #expect(own[2024]?.within == 2)
        #expect(own[2025]?.plans == 1)
        #expect(own[2025]?.within == 0)
        #expect(own[2023] == nil)

        let table = try Benchmark.table(code: "351", published: Self.shipped(), cases: cases)
        let y2024 = try #require(Self.row(table, 2024))
        #expect(y2024.ownPlans == 3)
        #expect(y2024.ownWithin20Weeks == 2)
        #expect(y2024.ownRate == 66.7)
        #expect(y2024.publishedRate == 99.0)
        // A year the file covers with no own plans: zero plans, no rate.
        #expect(Self.row(table, 2019)?.ownPlans == 0)
        #expect(Self.row(table, 2019)?.ownRate == nil)
        // Years the file does not cover (2025) are not rows.
        #expect(Self.row(table, 2025) == nil)
    }

    @Test func ownFigureLeavesOutOtherMeasures() {
        var decision = Self.finalPlan("D1", requested: "2024-01-08", issued: "2024-02-01")
        decision.measure = .decisionToAssess6w
        #expect(Benchmark.ownFigures([decision]).isEmpty)
    }

    @Test func ownRateRoundsHalfAwayFromZero() throws {
        // 23 of 80 = 28.75 % → 28.8 (the same rounding as summary.csv).
        let cases = (0..<80).map { i in
            Self.finalPlan("P\(i)", requested: "2024-01-08", issued: i < 23 ? "2024-05-01" : "2024-06-01")
        }
        let table = try Benchmark.table(code: "351", published: Self.shipped(), cases: cases)
        #expect(Self.row(table, 2024)?.ownRate == 28.8)
    }

    // MARK: mistakes

    @Test func unknownCodeListsCloseMatchesAndSaysWhereCodesAre() throws {
        let published = try Self.shipped()
        let error = #expect(throws: BenchmarkError.self) { try Benchmark.table(code: "451", published: published, cases: []) }
        let message = error?.description ?? ""
        #expect(message.contains("--benchmark-la 451: no local authority in timeliness_20_week.csv has that code"))
        #expect(message.contains("351 Bury (E08000002)"))
        #expect(message.contains("old_la_code"))
        #expect(message.contains("new_la_code"))
    }

    @Test func nameInsteadOfCodeSuggestsTheCouncilsCodes() throws {
        let published = try Self.shipped()
        let error = #expect(throws: BenchmarkError.self) { try Benchmark.table(code: "Bury", published: published, cases: []) }
        #expect(error?.description.contains("351 Bury (E08000002)") == true)
    }

    @Test func codeWithNothingCloseSaysHowToFindCodes() throws {
        let published = try Self.shipped()
        let error = #expect(throws: BenchmarkError.self) { try Benchmark.table(code: "W06000099", published: published, cases: []) }
        let message = error?.description ?? ""
        #expect(!message.contains("Close matches"))
        #expect(message.contains("old_la_code (three digits, e.g. 351 for Bury)"))
    }

    // MARK: --benchmark-file

    static let header = "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,new_la_code,old_la_code,la_name,breakdown_topic,breakdown,plans_issued_den_ex,plans_issued_20_weeks_ex,PC_plans_issued_20_weeks_ex\n"
    static let all = "All EHC plans issued,All EHC plans issued"
    /// A small release with DfE's codes: c (suppressed), z (not applicable), x (not available), blank.
    static let smallFile = header + """
        2024,Calendar year,National,E92000001,England,,,,,,\(all),100,50,50
        2025,Calendar year,National,E92000001,England,,,,,,\(all),100,47,c
        2024,Calendar year,Regional,E92000001,England,E12000002,North West,,,,\(all),10,6,z
        2025,Calendar year,Regional,E92000001,England,E12000002,North West,,,,\(all),200,121,60.5
        2024,Calendar year,Local authority,E92000001,England,E12000002,North West,E08000002,351,Bury,\(all),x,x,x
        2025,Calendar year,Local authority,E92000001,England,E12000002,North West,E08000002,351,Bury,\(all),10,9,90
        2025,Calendar year,Local authority,E92000001,England,E12000002,North West,E08000002,351,Bury,Sex,Female,5,1,20
        2025,Financial year,Local authority,E92000001,England,E12000002,North West,E08000002,351,Bury,\(all),5,1,20
        2025,Calendar year,Local authority,E92000001,England,E12000002,North West,E08000001,350,"Bolton, Borough of",\(all),10,1,
        2024,Calendar year,Local authority,E92000001,England,E12000002,North West,E08000001,350,"Bolton, Borough of",\(all),10,1,10

        """

    @Test func benchmarkFileWithCodesXZCAndBlankGivesMissingRates() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("timeliness_2026.csv", Self.smallFile)
        let published = try Benchmark.load(file: file)
        #expect(published.years == [2024, 2025])
        let bury = try Benchmark.table(code: "351", published: published, cases: [])
        #expect(bury.source == file)
        #expect(bury.rows.map(\.publishedRate) == [nil, 90])    // x; other breakdowns and financial years ignored
        #expect(bury.rows.map(\.regionRate) == [nil, 60.5])     // z
        #expect(bury.rows.map(\.englandRate) == [50, nil])      // c
        let bolton = try Benchmark.table(code: "E08000001", published: published, cases: [])
        #expect(bolton.laName == "Bolton, Borough of")
        #expect(bolton.rows.map(\.publishedRate) == [10, nil])  // blank
    }

    @Test func benchmarkFileWithoutTheRateColumnNamesTheFileAndTheColumn() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("old.csv", Self.smallFile.replacingOccurrences(of: "PC_plans_issued_20_weeks_ex", with: "pc_plans_issued_within_20_weeks"))
        let error = #expect(throws: BenchmarkError.self) { try Benchmark.load(file: file) }
        let message = error?.description ?? ""
        #expect(message.contains("the benchmark file \(file) has no column PC_plans_issued_20_weeks_ex"))
    }

    @Test func benchmarkFileWithAValueThatIsNotARateNamesLineAndColumn() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("odd.csv", Self.smallFile.replacingOccurrences(of: "\(Self.all),10,9,90", with: "\(Self.all),10,9,ninety"))
        let published = try Benchmark.load(file: file)
        let error = #expect(throws: BenchmarkError.self) { try Benchmark.table(code: "351", published: published, cases: []) }
        #expect(error?.description.contains("\(file), line 7, column PC_plans_issued_20_weeks_ex: \"ninety\"") == true)
    }

    @Test func missingOrUnrelatedBenchmarkFileIsAnError() throws {
        let folder = try TemporaryFolder()
        let missing = #expect(throws: BenchmarkError.self) { try Benchmark.load(file: folder.path + "/nope.csv") }
        #expect(missing?.description.contains("nope.csv cannot be read") == true)
        let other = try folder.write("requests.csv", "case_id,request_date\nA1,2025-01-06\n")
        let unrelated = #expect(throws: BenchmarkError.self) { try Benchmark.load(file: other) }
        #expect(unrelated?.description.contains("has no columns time_period, time_identifier") == true)
        let empty = try folder.write("empty.csv", "")
        #expect(throws: BenchmarkError.noHeader(file: empty)) { try Benchmark.load(file: empty) }
        let noRows = try folder.write("header-only.csv", Self.header)
        #expect(throws: BenchmarkError.noRows(file: noRows)) { try Benchmark.load(file: noRows) }
    }

    // MARK: through the command line

    static let requestsHeader = "case_id,request_date,assessment_decision_date,assessment_decision,plan_decision_date,plan_decision,final_plan_date,withdrawn_date,exception_reason,team\n"
    /// Final plans: 2024 one on day 140 and one late; 2025 one on time (requested 2024),
    /// one late with an exception, one open.
    static let requests = requestsHeader + """
        C1,2024-01-08,2024-02-01,assess,,,2024-05-27,,,North
        C2,2024-01-08,2024-02-01,assess,,,2024-06-30,,,North
        C3,2024-11-01,2024-12-01,assess,,,2025-02-01,,,South
        C4,2025-01-06,2025-02-01,assess,,,2025-06-30,,personal_circumstances,South
        C5,2025-01-06,2025-02-01,assess,,,,,,South

        """

    @Test func analyseWithBenchmarkWritesItToSummaryJSONAndPrintsATable() throws {
        let folder = try TemporaryFolder()
        try folder.write("requests.csv", Self.requests)
        try folder.write("dfe.csv", Self.smallFile)
        let run = try CLI.run(["analyse", "--requests", "requests.csv", "--as-at", "2025-07-31", "--out", "out",
                               "--benchmark-la", "351", "--benchmark-file", "dfe.csv"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(folder.read("out/summary.json").utf8)) as? [String: Any]
        let benchmark = try #require(json?["benchmark"] as? [String: Any])
        #expect(benchmark["la_code"] as? String == "351")
        #expect(benchmark["la_name"] as? String == "Bury")
        #expect(benchmark["region"] as? String == "North West")
        #expect(benchmark["source"] as? String == "dfe.csv")
        let rows = try #require(benchmark["rows"] as? [[String: Any]])
        #expect(rows.count == 2)
        #expect(rows[0]["year"] as? Int == 2024)
        #expect(rows[0]["own_plans"] as? Int == 2)
        #expect(rows[0]["own_within_20_weeks"] as? Int == 1)
        #expect(rows[0]["own_rate"] as? Double == 50)
        #expect(rows[0]["published_rate"] is NSNull)
        #expect(rows[0]["region_rate"] is NSNull)
        #expect(rows[0]["england_rate"] as? Double == 50)
        #expect(rows[1]["own_plans"] as? Int == 1)
        #expect(rows[1]["own_rate"] as? Double == 100)
        #expect(rows[1]["published_rate"] as? Double == 90)
        #expect(rows[1]["england_rate"] is NSNull)
        #expect(rows[0]["suppressed"] == nil)
        let settings = (json?["rules"] as? [String: Any])?["settings"] as? [String: Any]
        #expect(settings?["benchmark_la"] as? String == "351")
        #expect(settings?["suppress_below"] == nil)

        #expect(run.stdout.contains("20-week benchmark, excluding exceptions: Bury (351), North West; source dfe.csv"), "\(run.stdout)")
        #expect(run.stdout.contains("year  own plans  own rate  published  region  England"), "\(run.stdout)")
        #expect(run.stdout.contains("2024          2    50.0 %          -       -   50.0 %"), "\(run.stdout)")
        #expect(run.stdout.contains("2025          1   100.0 %     90.0 %  60.5 %        -"), "\(run.stdout)")
    }

    @Test func analyseWithTheShippedFileShowsBurysPublished99Percent() throws {
        let folder = try TemporaryFolder()
        try folder.write("requests.csv", Self.requests)
        let run = try CLI.run(["analyse", "--requests", "requests.csv", "--as-at", "2025-07-31", "--out", "out",
                               "--benchmark-la", "E08000002"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(folder.read("out/summary.json").utf8)) as? [String: Any]
        let benchmark = json?["benchmark"] as? [String: Any]
        #expect(benchmark?["source"] as? String == "timeliness_20_week.csv")
        let rows = benchmark?["rows"] as? [[String: Any]] ?? []
        #expect(rows.map { $0["year"] as? Int } == [2019, 2020, 2021, 2022, 2023, 2024])
        #expect(rows.last?["published_rate"] as? Double == 99)
        #expect(rows.last?["england_rate"] as? Double == 46.4)
        #expect(rows.last?["own_rate"] as? Double == 50)
    }

    @Test func unknownCodeStopsTheRunBeforeAnyOutputWithExitStatus2() throws {
        let folder = try TemporaryFolder()
        try folder.write("requests.csv", Self.requests)
        let run = try CLI.run(["analyse", "--requests", "requests.csv", "--as-at", "2025-07-31", "--out", "out",
                               "--benchmark-la", "451"], in: folder.path)
        #expect(run.status == 2)
        #expect(run.stderr.contains("--benchmark-la 451: no local authority"), "\(run.stderr)")
        #expect(run.stderr.contains("351 Bury (E08000002)"))
        #expect(!folder.exists("out"))
    }

    @Test func badBenchmarkFileStopsTheRunBeforeAnyOutputWithExitStatus2() throws {
        let folder = try TemporaryFolder()
        try folder.write("requests.csv", Self.requests)
        try folder.write("dfe.csv", "time_period,la_name\n2024,Bury\n")
        let run = try CLI.run(["analyse", "--requests", "requests.csv", "--as-at", "2025-07-31", "--out", "out",
                               "--benchmark-la", "351", "--benchmark-file", "dfe.csv"], in: folder.path)
        #expect(run.status == 2)
        #expect(run.stderr.contains("the benchmark file dfe.csv has no columns time_identifier"), "\(run.stderr)")
        #expect(!folder.exists("out"))
    }

    @Test func programCopiedWithoutItsResourcesSaysToPassBenchmarkFile() throws {
        let folder = try TemporaryFolder()
        try folder.write("requests.csv", Self.requests)
        try folder.write("dfe.csv", Self.smallFile)
        let copy = folder.path + "/ehcp-timeliness"
        try FileManager.default.copyItem(atPath: Repo.binary, toPath: copy)
        func run(_ extra: [String], out: String) throws -> (status: Int32, stderr: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: copy)
            process.arguments = ["analyse", "--requests", "requests.csv", "--as-at", "2025-07-31", "--out", out] + extra
            process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
            let err = Pipe()
            process.standardError = err
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, stderr)
        }
        let without = try run(["--benchmark-la", "351"], out: "out1")
        #expect(without.status == 2, "\(without.stderr)")
        #expect(without.stderr.contains("the shipped copy of DfE's timeliness_20_week.csv is not next to the program"), "\(without.stderr)")
        #expect(without.stderr.contains("--benchmark-file FILE"))
        #expect(!folder.exists("out1"))
        // Given the file, the copied program works.
        let with = try run(["--benchmark-la", "351", "--benchmark-file", "dfe.csv"], out: "out2")
        #expect(with.status == 0, "\(with.stderr)")
        #expect(folder.exists("out2/summary.json"))
    }

    @Test func benchmarkFileWithoutBenchmarkLAIsACommandLineMistake() throws {
        let folder = try TemporaryFolder()
        try folder.write("requests.csv", Self.requests)
        let run = try CLI.run(["analyse", "--requests", "requests.csv", "--as-at", "2025-07-31", "--out", "out",
                               "--benchmark-file", "dfe.csv"], in: folder.path)
        #expect(run.status == 64)
        #expect(run.stderr.contains("--benchmark-file needs --benchmark-la CODE"), "\(run.stderr)")
    }
}
