import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

/// The `exceptions` command through the real tool, and its formatter on hand-made results.
@Suite struct ExceptionsCommandTests {
    static let asAt = "2025-06-30"
    static let header = "case_id,request_date,assessment_decision_date,assessment_decision,final_plan_date,exception_reason,team,caseworker,primary_need\n"
    /// On 2025-06-30, with 28 days ahead: A1 final plan overdue 35 days (North, Ann); B2 final plan
    /// overdue 28 days with an exception (South, Cy); B1 decision overdue 18 days (South, Bob);
    /// A2 decision due in 7 days (North, Bob). A3 is due in 32 days and C1 is complete (East);
    /// X9 is rejected (31 February).
    static let extract = header + """
        A1,2025-01-06,2025-02-17,assess,,,North,Ann,ASD
        A2,2025-05-26,,,,,North,Bob,SEMH
        A3,2025-06-20,,,,,North,Ann,ASD
        B1,2025-05-01,,,,,South,Bob,MLD
        B2,2025-01-13,2025-02-20,assess,,personal_circumstances,South,Cy,ASD
        C1,2024-01-08,2024-02-01,assess,2024-05-01,,East,Dee,SLCN
        X9,31/02/2025,,,,,East,Dee,ASD

        """
    /// Complete and far-off cases only (and a rejected row): nothing to do, but a row
    /// that could not be checked.
    static let quietExtract = header + """
        C1,2024-01-08,2024-02-01,assess,2024-05-01,,East,Dee,SLCN
        A3,2025-06-20,,,,,North,Ann,ASD
        X9,31/02/2025,,,,,East,Dee,ASD

        """
    /// Complete and far-off cases only: nothing to do and nothing left unchecked.
    static let emptyExtract = header + """
        C1,2024-01-08,2024-02-01,assess,2024-05-01,,East,Dee,SLCN
        A3,2025-06-20,,,,,North,Ann,ASD

        """
    /// The footer X9 gets: a row rejected is never dropped from the list silently.
    static let x9Footer = """
          1 case could not be checked:
            X9 (row rejected): request_date "31/02/2025": "31/02/2025" is not a real date
        """

    func exceptions(_ extract: String = Self.extract, _ arguments: [String]) throws -> (CLIRun, TemporaryFolder) {
        let folder = try TemporaryFolder()
        try folder.write("requests.csv", extract)
        let run = try CLI.run(["exceptions", "--requests", "requests.csv", "--as-at", Self.asAt] + arguments, in: folder.path)
        return (run, folder)
    }

    // MARK: - Through the tool

    @Test func anEmptyListPrintsNothingAtAllInEveryFormatAndExitsZero() throws {
        for arguments in [[], ["--format", "csv"], ["--format", "json"], ["--format", "markdown"], ["--fail-on-overdue"],
                          ["--group-by", "caseworker"]] {
            let (run, _) = try exceptions(Self.emptyExtract, arguments)
            #expect(run.status == 0, "\(arguments): \(run.stderr)")
            #expect(run.stdout.isEmpty, "\(arguments): \(run.stdout)")
            #expect(run.stderr.isEmpty, "\(arguments): \(run.stderr)")
        }
    }

    /// Nothing to act on is not silence when a row could not be checked: the list is its footer.
    @Test func nothingToDoButARejectedRowPrintsTheRowInEveryFormat() throws {
        let (text, _) = try exceptions(Self.quietExtract, [])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasSuffix("East — 0 cases: 0 overdue, 0 due within 28 days\n" + Self.x9Footer + "\n"), "\(text.stdout)")
        let (csv, _) = try exceptions(Self.quietExtract, ["--format", "csv"])
        #expect(parseCSV(csv.stdout).dropFirst().map { Array($0.prefix(4)) } == [["", "X9", "", "not_checked"]])
        let (json, _) = try exceptions(Self.quietExtract, ["--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let unchecked = try #require(object["not_checked"] as? [[String: Any]])
        #expect(unchecked.map { $0["case_id"] as? String } == ["X9"])
        #expect(unchecked.first?["line"] as? Int == 4)
        #expect((unchecked.first?["reason"] as? String)?.contains("not a real date") == true)
        let (markdown, _) = try exceptions(Self.quietExtract, ["--format", "markdown"])
        #expect(markdown.stdout.contains("**1 case could not be checked:**"), "\(markdown.stdout)")
        // --fail-on-overdue: nothing is overdue, so it still exits 0.
        let (fail, _) = try exceptions(Self.quietExtract, ["--fail-on-overdue"])
        #expect(fail.status == 0)
    }

    @Test func textIsATablePerTeamWithCountsOverdueFirstAndNothingOnStderr() throws {
        let (run, _) = try exceptions(Self.extract, [])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.isEmpty, "rejected rows are not reported without --verbose: \(run.stderr)")
        #expect(run.stdout == """
            EHCP action list as at 2025-06-30 — 4 cases: 3 overdue, 1 due within 28 days
            Open cases overdue or due by 2025-07-28 (due within 28 days); grouped by team.

            East — 0 cases: 0 overdue, 0 due within 28 days
            \(Self.x9Footer)

            North — 2 cases: 1 overdue, 1 due within 28 days
              due         measure                case  status              caseworker
              2025-05-26  final-plan-20w         A1    overdue by 35 days  Ann
              2025-07-07  decision-to-assess-6w  A2    due in 7 days       Bob

            South — 2 cases: 2 overdue, 0 due within 28 days
              due         measure                case  status              exception               caseworker
              2025-06-02  final-plan-20w         B2    overdue by 28 days  personal_circumstances  Cy
              2025-06-12  decision-to-assess-6w  B1    overdue by 18 days                          Bob

            """)
        for line in run.stdout.split(separator: "\n") { #expect(!line.hasSuffix(" "), "trailing space: \(line)") }
    }

    @Test func csvIsExactlyTheExceptionsFileThatAnalyseWrites() throws {
        let (run, folder) = try exceptions(Self.extract, ["--format", "csv", "--by", "primary_need"])
        #expect(run.status == 0, "\(run.stderr)")
        let analyse = try CLI.run(["analyse", "--requests", "requests.csv", "--as-at", Self.asAt, "--by", "primary_need", "--out", "out"], in: folder.path)
        #expect(analyse.status == 0, "\(analyse.stderr)")
        let written = try folder.read("out/exceptions.csv")
        #expect(run.stdout == written)
        #expect(parseCSV(written).count == 6)
        #expect(parseCSV(written).last?.prefix(4) == ["", "X9", "", "not_checked"])
        // Grouping reads an extra column internally; the CSV does not change.
        let grouped = try CLI.run(["exceptions", "--requests", "requests.csv", "--as-at", Self.asAt, "--by", "primary_need",
                                   "--format", "csv", "--group-by", "caseworker"], in: folder.path)
        #expect(grouped.stdout == written)
    }

    @Test func jsonIsOneObjectWithTheCasesUnderExceptionsCSVColumnNames() throws {
        let (run, _) = try exceptions(Self.extract, ["--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["as_at"] as? String == "2025-06-30")
        #expect(object["due_within_days"] as? Int == 28)
        let counts = try #require(object["counts"] as? [String: Any])
        #expect(counts["cases"] as? Int == 4)
        #expect(counts["open_overdue"] as? Int == 3)
        #expect(counts["open_in_time"] as? Int == 1)
        let cases = try #require(object["cases"] as? [[String: Any]])
        #expect(cases.map { $0["case_id"] as? String } == ["A1", "B2", "B1", "A2"])
        #expect(Set(cases[0].keys) == ["measure", "case_id", "due_date", "status", "days_from_due", "exception", "team", "caseworker"])
        #expect(cases[1]["exception"] as? String == "personal_circumstances")
        #expect(cases[1]["days_from_due"] as? Int == 28)
        #expect(cases[3]["status"] as? String == "open_in_time")
        #expect(cases[3]["days_from_due"] as? Int == -7)
    }

    @Test func markdownHasAHeadingAndATablePerGroup() throws {
        let (run, _) = try exceptions(Self.extract, ["--format", "markdown"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "# EHCP action list as at 2025-06-30")
        #expect(lines.contains("## North — 2 cases: 1 overdue, 1 due within 28 days"))
        #expect(lines.contains("## South — 2 cases: 2 overdue, 0 due within 28 days"))
        #expect(lines.contains("| due | measure | case | status | caseworker |"))
        #expect(lines.contains("|---|---|---|---|---|"))
        #expect(lines.contains("| 2025-05-26 | final-plan-20w | A1 | overdue by 35 days | Ann |"))
        #expect(lines.contains("| 2025-06-02 | final-plan-20w | B2 | overdue by 28 days | personal_circumstances | Cy |"))
        #expect(lines.firstIndex(of: "## North — 2 cases: 1 overdue, 1 due within 28 days")! < lines.firstIndex(of: "## South — 2 cases: 2 overdue, 0 due within 28 days")!)
    }

    @Test func groupByCaseworkerShowsTheTeamColumnInstead() throws {
        let (run, _) = try exceptions(Self.extract, ["--group-by", "caseworker"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines[1].hasSuffix("grouped by caseworker."))
        let headings = lines.filter { $0.contains(" — ") && !$0.hasPrefix("EHCP") }
        #expect(headings == ["Ann — 1 case: 1 overdue, 0 due within 28 days",
                             "Bob — 2 cases: 1 overdue, 1 due within 28 days",
                             "Cy — 1 case: 1 overdue, 0 due within 28 days",
                             "Dee — 0 cases: 0 overdue, 0 due within 28 days"])
        #expect(lines.contains { $0.hasSuffix("status              team") })
        #expect(lines.contains("  2025-06-12  decision-to-assess-6w  B1    overdue by 18 days  South"))
        #expect(!lines.contains { $0.contains("caseworker") && !$0.hasSuffix("grouped by caseworker.") })
    }

    @Test func groupByAnInputColumnOrNone() throws {
        let (byNeed, _) = try exceptions(Self.extract, ["--group-by", "Primary Need"])
        #expect(byNeed.status == 0, "\(byNeed.stderr)")
        #expect(byNeed.stdout.contains("\nASD — 2 cases: 2 overdue, 0 due within 28 days\n"))
        #expect(byNeed.stdout.contains("\nMLD — 1 case: 1 overdue, 0 due within 28 days\n"))
        #expect(byNeed.stdout.contains("\nSEMH — 1 case: 0 overdue, 1 due within 28 days\n"))
        let (single, _) = try exceptions(Self.extract, ["--group-by", "none"])
        #expect(single.status == 0, "\(single.stderr)")
        #expect(!single.stdout.contains("North —"))
        #expect(single.stdout.contains("  due         measure                case  status              exception               team   caseworker\n"))
    }

    @Test func whereTeamListsOnlyThatTeamsCases() throws {
        let (south, _) = try exceptions(Self.extract, ["--where", "team=south"])
        #expect(south.status == 0, "\(south.stderr)")
        #expect(south.stdout.hasPrefix("EHCP action list as at 2025-06-30 — 2 cases: 2 overdue, 0 due within 28 days\n"
                                       + "Open cases overdue or due by 2025-07-28 (due within 28 days); team south; grouped by team.\n"))
        #expect(south.stdout.contains("B1") && south.stdout.contains("B2"))
        #expect(!south.stdout.contains("A1") && !south.stdout.contains("A2"))
        // A column the filter settles is not repeated on every row.
        let (north, _) = try exceptions(Self.extract, ["--where", "team=North", "--group-by", "caseworker"])
        #expect(north.stdout.contains("\nBob — 1 case: 0 overdue, 1 due within 28 days\n  due         measure                case  status\n"), "\(north.stdout)")
        // As CSV: exceptions.csv's rows for that team only.
        let (csv, _) = try exceptions(Self.extract, ["--where", "team=South", "--format", "csv"])
        #expect(parseCSV(csv.stdout).dropFirst().map { $0[1] } == ["B2", "B1"])
        // Values of one column are alternatives; different columns must all match.
        let (both, _) = try exceptions(Self.extract, ["--where", "team=North", "--where", "team=South", "--where", "caseworker=Bob", "--format", "csv"])
        #expect(parseCSV(both.stdout).dropFirst().map { $0[1] } == ["B1", "A2"])
    }

    @Test func aTeamWithNothingToDoGetsOnlyWhatItCouldNotCheckButAMisspeltTeamIsAnError() throws {
        let (east, _) = try exceptions(Self.extract, ["--where", "team=East"])
        #expect(east.status == 0, "\(east.stderr)")
        #expect(east.stdout.hasSuffix("East — 0 cases: 0 overdue, 0 due within 28 days\n" + Self.x9Footer + "\n"), "\(east.stdout)")
        #expect(!east.stdout.contains("A1"))
        #expect(east.stderr.isEmpty)
        let (north, _) = try exceptions(Self.extract, ["--where", "team=North"])
        #expect(!north.stdout.contains("X9"), "\(north.stdout)")
        let (typo, _) = try exceptions(Self.extract, ["--where", "team=Nrth"])
        #expect(typo.status == 2)
        #expect(typo.stdout.isEmpty)
        #expect(typo.stderr.contains("--where team=Nrth"), "\(typo.stderr)")
        #expect(typo.stderr.contains("East, North, South"), "\(typo.stderr)")
    }

    @Test func failOnOverdueExitsOneAfterPrintingWhenACaseIsOverdue() throws {
        let (overdue, _) = try exceptions(Self.extract, ["--fail-on-overdue"])
        #expect(overdue.status == 1)
        #expect(overdue.stdout.contains("overdue by 35 days"))
        #expect(overdue.stderr.isEmpty, "\(overdue.stderr)")
        let (dueSoon, _) = try exceptions(Self.extract, ["--fail-on-overdue", "--where", "team=North", "--where", "caseworker=Bob"])
        #expect(dueSoon.status == 0, "\(dueSoon.stderr)")
        #expect(dueSoon.stdout.contains("due in 7 days"))
        let (without, _) = try exceptions(Self.extract, [])
        #expect(without.status == 0)
    }

    @Test func anUnknownGroupOrFilterColumnIsAnErrorListingTheAvailableColumns() throws {
        for (arguments, mention) in [(["--group-by", "locality"], "--group-by locality"), (["--where", "locality=x"], "--where locality")] {
            let (run, _) = try exceptions(Self.extract, arguments)
            #expect(run.status == 2, "\(arguments)")
            #expect(run.stdout.isEmpty)
            #expect(run.stderr.contains(mention), "\(run.stderr)")
            #expect(run.stderr.contains("Available: team, caseworker, primary_need"), "\(run.stderr)")
        }
        // Without a team column, asking for team is an error; the default then is one list.
        let noTeam = "case_id,request_date,assessment_decision_date,assessment_decision\nZ1,2025-01-06,2025-02-17,assess\n"
        let (asked, _) = try exceptions(noTeam, ["--group-by", "team"])
        #expect(asked.status == 2)
        #expect(asked.stderr.contains("--group-by team"), "\(asked.stderr)")
        let (plain, _) = try exceptions(noTeam, [])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout == """
            EHCP action list as at 2025-06-30 — 1 case: 1 overdue, 0 due within 28 days
            Open cases overdue or due by 2025-07-28 (due within 28 days).

              due         measure         case  status
              2025-05-26  final-plan-20w  Z1    overdue by 35 days

            """)
    }

    @Test func commandLineMistakesExitWith64() throws {
        for arguments in [["--format", "xml"], ["--where", "team"], ["--where", "=North"]] {
            let (run, _) = try exceptions(Self.extract, arguments)
            #expect(run.status == 64, "\(arguments)")
            #expect(run.stdout.isEmpty)
            #expect(!run.stderr.isEmpty)
        }
        let missing = try CLI.run(["exceptions", "--requests", "nowhere.csv", "--as-at", Self.asAt])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("nowhere.csv"))
    }

    @Test func verbosePrintsTheReconciliationAndRejectedRowsOnStderr() throws {
        let (run, _) = try exceptions(Self.quietExtract, ["--verbose"])
        #expect(run.status == 0)
        #expect(run.stdout.hasSuffix(Self.x9Footer + "\n"), "\(run.stdout)")
        #expect(run.stderr.contains("requests.csv: 3 rows read = 2 analysed + 1 rejected"), "\(run.stderr)")
        #expect(run.stderr.contains("requests.csv:4: request_date \"31/02/2025\""), "\(run.stderr)")
    }

    @Test func helpDescribesTheCommand() throws {
        let run = try CLI.run(["exceptions", "--help"])
        #expect(run.status == 0)
        for option in ["--group-by", "--where", "--format", "--fail-on-overdue", "--verbose", "--requests", "--due-within"] {
            #expect(run.stdout.contains(option), "\(option)")
        }
    }

    // MARK: - The formatter on hand-made results

    static func item(_ id: String, _ measure: MeasureID = .finalPlan20w, due: String, status: CaseStatus,
                     exception: ExceptionCode? = nil, team: String? = nil, caseworker: String? = nil, dimensions: [String] = []) -> CaseResult {
        CaseResult(measure: measure, caseID: id, line: 2, sequence: 0, start: nil, due: Day(iso: due)!, completed: nil,
                   status: status, exception: exception, dimensions: dimensions, team: team, caseworker: caseworker)
    }

    static func result(_ cases: [CaseResult], by: [String] = [], hasTeam: Bool = true, hasCaseworker: Bool = false) throws -> AnalysedRun {
        var options = AnalysisOptions(inputs: [InputFile(kind: .requests, path: "r.csv")], asAt: Day(iso: "2025-06-30")!)
        options.by = by
        return try AnalysedRun(options: options, byColumns: by, cases: cases, problems: [], inputs: [],
                               hasTeam: hasTeam, hasCaseworker: hasCaseworker)
    }

    @Test func statusSaysOverdueByOrDueInWithSingularDays() {
        let asAt = Day(iso: "2025-06-30")!
        #expect(ActionList.status(Self.item("a", due: "2025-06-29", status: .openOverdue), asAt: asAt) == "overdue by 1 day")
        #expect(ActionList.status(Self.item("a", due: "2025-06-30", status: .openInTime), asAt: asAt) == "due today")
        #expect(ActionList.status(Self.item("a", due: "2025-07-01", status: .openInTime), asAt: asAt) == "due in 1 day")
        #expect(ActionList.status(Self.item("a", due: "2025-07-10", status: .openInTime), asAt: asAt) == "due in 10 days")
    }

    @Test func everyFormatOfAnEmptyListIsTheEmptyString() throws {
        let list = try ActionList(run: try Self.result([Self.item("a", due: "2025-12-01", status: .openInTime, team: "N")]),
                                  byCount: 0, query: ActionListQuery())
        #expect(list.isEmpty)
        for format in ActionListFormat.allCases { #expect(list.formatted(format) == "") }
    }

    @Test func groupsAreInNameOrderWithUnknownLastAndCountTheirCases() throws {
        let list = try ActionList(run: try Self.result([
            Self.item("a", due: "2025-06-01", status: .openOverdue, team: "West"),
            Self.item("b", due: "2025-06-02", status: .openOverdue, team: ""),
            Self.item("c", due: "2025-07-02", status: .openInTime, team: "East"),
            Self.item("d", due: "2025-06-03", status: .openOverdue, team: "East"),
        ]), byCount: 0, query: ActionListQuery())
        #expect(list.groupColumn == "team")
        #expect(list.groups.map(\.label) == ["East", "West", "unknown"])
        #expect(list.groups[0].entries.map(\.item.caseID) == ["d", "c"])
        #expect((list.groups[0].overdue, list.groups[0].dueSoon) == (1, 1))
        #expect((list.overdue, list.dueSoon) == (3, 1))
    }

    @Test func extractTextCannotBreakTheTextOrMarkdownLayout() throws {
        let list = try ActionList(run: try Self.result([
            Self.item("x|1\u{1B}[31m", due: "2025-06-01", status: .openOverdue, team: "North\nEvil", caseworker: "*Ann* "),
        ], hasCaseworker: true), byCount: 0, query: ActionListQuery())
        let text = list.formatted(.text)
        #expect(!text.contains("\u{1B}"))
        #expect(text.contains("North Evil — 1 case"))
        for line in text.split(separator: "\n") { #expect(!line.hasSuffix(" ")) }
        let markdown = list.formatted(.markdown)
        #expect(markdown.contains("| x\\|1 \\[31m |"))
        #expect(markdown.contains("| \\*Ann\\*  |"))
        #expect(markdown.contains("## North Evil — 1 case"))
    }

    @Test func filtersParseColumnEqualsValueAndMatchIgnoringCase() {
        #expect(ActionListFilter(parsing: "team=North") == ActionListFilter(column: "team", value: "North"))
        #expect(ActionListFilter(parsing: " team = North West ") == ActionListFilter(column: "team", value: "North West"))
        #expect(ActionListFilter(parsing: "team=") == ActionListFilter(column: "team", value: ""))
        #expect(ActionListFilter(parsing: "a=b=c") == ActionListFilter(column: "a", value: "b=c"))
        #expect(ActionListFilter(parsing: "team") == nil)
        #expect(ActionListFilter(parsing: "=North") == nil)
        #expect(ActionListFilter(column: "team", value: "north").matches("North "))
        #expect(!ActionListFilter(column: "team", value: "north").matches("North West"))
    }

    @Test func filteringOnAColumnTheResultLacksIsAnError() {
        #expect(throws: OutputError.unknownColumn(option: "--where", name: "team", available: [])) {
            try ActionList(run: try Self.result([]), byCount: 0,
                           query: ActionListQuery(filters: [ActionListFilter(column: "team", value: "N")]))
        }
    }

    @Test func jsonIsDeterministicWithSortedKeysAndTheFilter() throws {
        let cases = [Self.item("a", due: "2025-06-01", status: .openOverdue, team: "N", dimensions: ["N"]),
                     Self.item("b", due: "2025-06-01", status: .openOverdue, team: "S", dimensions: ["S"])]
        let list = try ActionList(run: try Self.result(cases, by: ["team"]), byCount: 0,
                                  query: ActionListQuery(filters: [ActionListFilter(column: "team", value: "n")]))
        #expect(list.formatted(.json) == """
            {
              "as_at": "2025-06-30",
              "cases": [
                {
                  "case_id": "a",
                  "days_from_due": 29,
                  "due_date": "2025-06-01",
                  "exception": "",
                  "measure": "final-plan-20w",
                  "status": "open_overdue",
                  "team": "N"
                }
              ],
              "counts": {
                "cases": 1,
                "not_checked": 0,
                "open_in_time": 0,
                "open_overdue": 1
              },
              "due_by": "2025-07-28",
              "due_within_days": 28,
              "not_checked": [],
              "where": {
                "team": [
                  "n"
                ]
              }
            }

            """)
    }
}
