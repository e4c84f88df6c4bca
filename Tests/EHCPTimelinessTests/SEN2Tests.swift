import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPTimeliness
@testable import EHCPOutputs

/// Issue 17: the SEN2 return read directly (extract-format.md, "The SEN2 return"), through
/// the binary: the public samples, malformed XML, the mapping at every boundary, the
/// data-quality rows, the ids, and the same cases given as CSV and as SEN2.
@Suite struct SEN2Tests {
    static let fixtures = Repo.root + "/Tests/EHCPTimelinessTests/Fixtures/sen2/"

    /// A return with `persons` (each the inside of a `<Person>`), one element a line.
    static func sen2(_ persons: [String], reference: String = "2025-01-18") -> String {
        var lines = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<Message>", "<Header>", "<CollectionDetails>",
                     "<Collection>SEN2</Collection>", "<Year>2025</Year>", "<ReferenceDate>\(reference)</ReferenceDate>",
                     "</CollectionDetails>", "</Header>", "<Persons>"]
        for p in persons { lines += ["<Person>", p, "</Person>"] }
        lines += ["</Persons>", "</Message>"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// `<Requests>` with the items given, one a line.
    static func requests(_ items: [String: String], assessment: [String: String]? = nil, startDate: String? = nil,
                         plans: [String: String]? = nil) -> String {
        let order = ["ReceivedDate", "RequestOutcomeDate", "RequestOutcome", "Exported"]
        var lines = ["<Requests>"]
        for k in order { if let v = items[k] { lines.append("<\(k)>\(v)</\(k)>") } }
        if let assessment {
            lines.append("<Assessment>")
            for k in ["AssessmentOutcome", "AssessmentOutcomeDate", "Week20"] { if let v = assessment[k] { lines.append("<\(k)>\(v)</\(k)>") } }
            if let startDate { lines += ["<NamedPlan>", "<StartDate>\(startDate)</StartDate>", "</NamedPlan>"] }
            lines.append("</Assessment>")
        }
        if let plans {
            lines.append("<ActivePlans>")
            for k in ["ReviewMeeting", "LastReview", "ReviewOutcome", "PhaseTransferDueDate", "PhaseTransferFinalDate"] {
                if let v = plans[k] { lines.append("<\(k)>\(v)</\(k)>") }
            }
            lines.append("</ActivePlans>")
        }
        lines.append("</Requests>")
        return lines.joined(separator: "\n")
    }

    /// Writes `return.xml` and runs `analyse --sen2 return.xml` (plus `extra`) into `o/`.
    static func run(_ xml: String, extra: [String] = []) throws -> (TemporaryFolder, CLIRun) {
        let folder = try TemporaryFolder()
        try folder.write("return.xml", xml)
        return (folder, try CLI.run(["analyse", "--sen2", "return.xml", "--out", "o"] + extra, in: folder.path))
    }

    static func csv(_ folder: TemporaryFolder, _ name: String) throws -> [[String]] { parseCSV(try folder.read("o/" + name)) }

    /// cases.csv rows of a measure, by case id: [status, completed, due, exception].
    static func row(_ cases: [[String]], _ measure: String, _ id: String) -> [String]? {
        cases.first { $0[0] == measure && $0[1] == id }.map { [$0[6], $0[5], $0[4], $0[7]] }
    }

    // MARK: The public samples

    @Test func bothPublicSamplesAnalyseWithTheirReferenceDateAsTheAsAtDate() throws {
        for year in ["2024", "2025"] {
            let folder = try TemporaryFolder()
            let run = try CLI.run(["analyse", "--sen2", Self.fixtures + "sen2_sample_\(year).xml", "--out", "o"], in: folder.path)
            #expect(run.status == 0, "\(year): \(run.stderr)")
            #expect(run.stdout.contains("as at \(year)-01-18"), "\(run.stdout)")
            #expect(run.stdout.contains("sen2_sample_\(year).xml: 3 rows read = 3 analysed + 0 rejected"), "\(run.stdout)")
        }
    }

    /// The 2025 sample worked by hand: person 1 (UPN X1234567898765) asked 2023-11-30,
    /// assessed 2023-12-01 (1 day), plan 2023-12-25 (25 days); its ActivePlans has a meeting
    /// 2024-01-09 with LastReview 2024-01-08 before it (the decision is still open), the
    /// cycle from LastReview (due 2025-01-07, open and overdue on 2025-01-18) and a phase
    /// transfer due 2024-01-21, final 2024-01-22 (a day late). Person 2's first request
    /// was refused after 92 days (an Assessment follows: ignored, a warning); the second has
    /// no decision (open in the 6- and 20-week measures).
    @Test func theSample2025GivesTheCasesWorkedByHand() throws {
        let folder = try TemporaryFolder()
        let run = try CLI.run(["analyse", "--sen2", Self.fixtures + "sen2_sample_2025.xml", "--out", "o"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let cases = try Self.csv(folder, "cases.csv")
        let p1 = "X1234567898765/2023-11-30", p2a = "X1234567898321/2023-08-31", p2b = "X1234567898321/2023-12-03"
        #expect(Self.row(cases, "decision-to-assess-6w", p1) == ["on_time", "2023-12-01", "2024-01-11", ""])
        #expect(Self.row(cases, "final-plan-20w", p1) == ["on_time", "2023-12-25", "2024-04-18", ""])
        #expect(Self.row(cases, "review-decision-4w", p1) == ["open_overdue", "", "2024-02-06", ""])
        #expect(Self.row(cases, "annual-review-12m", p1) == ["open_overdue", "", "2025-01-07", ""])
        #expect(Self.row(cases, "phase-transfer", p1) == ["late", "2024-01-22", "2024-01-21", ""])
        #expect(Self.row(cases, "decision-to-assess-6w", p2a) == ["late", "2023-12-01", "2023-10-12", ""])
        #expect(Self.row(cases, "final-plan-20w", p2a) == nil)
        #expect(Self.row(cases, "decision-to-assess-6w", p2b) == ["open_overdue", "", "2024-01-14", ""])
        #expect(Self.row(cases, "final-plan-20w", p2b) == ["open_overdue", "", "2024-04-21", ""])
        #expect(cases.count == 1 + 8)
        // Lines of the <Requests> (and of the <ActivePlans> for the plan's cases).
        #expect(cases.first { $0[0] == "final-plan-20w" && $0[1] == p1 }?[2] == "30")
        #expect(cases.first { $0[0] == "phase-transfer" }?[2] == "73")
        let problems = try Self.csv(folder, "data-quality.csv").dropFirst()
        #expect(problems.map { [$0[1], $0[2], $0[3], $0[4], $0[5]] } == [
            ["47", p1, "StartDate", "2023-12-26", "warning"],
            ["130", p2a, "Assessment", "A", "warning"],
        ])
    }

    @Test func namesPostcodesAndBirthDatesNeverReachAnOutput() throws {
        let folder = try TemporaryFolder()
        let run = try CLI.run(["analyse", "--sen2", Self.fixtures + "sen2_sample_2025.xml", "--out", "o"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let personal = ["TestFamilyName1", "TestFirstname1", "RequestRefused", "TestFirstname2", "AA11AA", "AB11CD",
                        "2002-01-01", "2003-11-11"]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path + "/o") {
            let text = try folder.read("o/" + name)
            for p in personal { #expect(!text.contains(p), "\(p) is in \(name)") }
        }
        for p in personal { #expect(!run.stdout.contains(p) && !run.stderr.contains(p)) }
    }

    @Test func pseudonymiseReplacesTheDerivedIds() throws {
        let folder = try TemporaryFolder()
        try folder.write("key", "0123456789abcdef0123456789abcdef")
        let run = try CLI.run(["analyse", "--sen2", Self.fixtures + "sen2_sample_2025.xml", "--pseudonymise", "key", "--out", "o"],
                              in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let cases = try Self.csv(folder, "cases.csv").dropFirst()
        #expect(cases.count == 8)
        for c in cases { #expect(!c[1].contains("X12345678"), "\(c[1]) is not pseudonymised") }
        #expect(!(try folder.read("o/data-quality.csv")).contains("X12345678"))
    }

    // MARK: Malformed XML

    /// A return cut anywhere inside its root element: exit 2, `FILE: line L, column C:`,
    /// and no output folder at all.
    @Test func aTruncatedReturnStopsWithItsLineAndColumnAndWritesNothing() throws {
        let sample = try Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "sen2_sample_2025.xml"))
        let folder = try TemporaryFolder()
        for cut in stride(from: 200, to: sample.count - 12, by: 373) {
            FileManager.default.createFile(atPath: folder.path + "/cut.xml", contents: sample.prefix(cut))
            let run = try CLI.run(["analyse", "--sen2", "cut.xml", "--out", "o", "--as-at", "2025-01-18"], in: folder.path)
            #expect(run.status == 2, "cut at \(cut): \(run.stdout)")
            #expect(run.stderr.contains(try Regex(#"cut\.xml: line \d+, column \d+: "#)), "cut at \(cut): \(run.stderr)")
            #expect(!folder.exists("o"), "cut at \(cut): an output folder was written")
        }
    }

    @Test func aTagLeftOpenNamesItsLineAndColumn() throws {
        let xml = Self.sen2([Self.requests(["ReceivedDate": "2024-01-02"]) + "\n<UPN>A1"])
        let (folder, run) = try Self.run(xml)
        #expect(run.status == 2)
        #expect(run.stderr.contains("return.xml: line "), "\(run.stderr)")
        #expect(run.stderr.contains("not well-formed XML"))
        #expect(!folder.exists("o"))
    }

    // MARK: Data quality

    @Test func badElementsRejectTheirRequestsAndNameTheElementValueIdAndLine() throws {
        let xml = Self.sen2([
            "<UPN>A1</UPN>\n" + Self.requests(["ReceivedDate": "2024-02-30"]),
            "<UPN>A2</UPN>\n" + Self.requests(["ReceivedDate": "2024-01-02", "RequestOutcome": "Q"]),
            "<UPN>A3</UPN>\n" + Self.requests(["RequestOutcome": "A"]),
            "<UPN>A4</UPN>\n" + Self.requests(["ReceivedDate": "2024-01-02", "RequestOutcomeDate": "2024-01-01", "RequestOutcome": "Y"]),
            "<UPN>A5</UPN>\n" + Self.requests(["ReceivedDate": "2024-01-02", "RequestOutcome": "Y"],
                                              assessment: ["AssessmentOutcome": "Y", "AssessmentOutcomeDate": "2025-01-19"]),
            "<UPN>A6</UPN>\n" + Self.requests(["ReceivedDate": "2024-01-02", "RequestOutcome": "Y"],
                                              assessment: ["AssessmentOutcome": "A", "Week20": "2"]),
            "<UPN>A7</UPN>\n" + Self.requests(["ReceivedDate": "2024-01-02", "RequestOutcome": "A"]),
        ])
        let (folder, run) = try Self.run(xml)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("return.xml: 7 rows read = 1 analysed + 6 rejected"), "\(run.stdout)")
        let problems = Array(try Self.csv(folder, "data-quality.csv").dropFirst())
        let lines = xml.split(separator: "\n", omittingEmptySubsequences: false)
        func line(of text: String, after id: String) -> String {
            let start = lines.firstIndex { $0.contains("<UPN>\(id)</UPN>") }!
            return String(lines[start...].firstIndex { $0.contains(text) }! + 1)
        }
        #expect(problems.map { Array($0[1...5]) } == [
            [line(of: "2024-02-30", after: "A1"), "A1/2024-02-30", "ReceivedDate", "2024-02-30", "error"],
            [line(of: "<RequestOutcome>Q", after: "A2"), "A2/2024-01-02", "RequestOutcome", "Q", "error"],
            [line(of: "<Requests>", after: "A3"), "A3", "ReceivedDate", "", "error"],
            [line(of: "<RequestOutcomeDate>", after: "A4"), "A4/2024-01-02", "RequestOutcomeDate", "2024-01-01", "error"],
            [line(of: "<AssessmentOutcomeDate>", after: "A5"), "A5/2024-01-02", "AssessmentOutcomeDate", "2025-01-19", "error"],
            [line(of: "<Week20>", after: "A6"), "A6/2024-01-02", "Week20", "2", "error"],
        ])
        #expect(problems[0][6].contains("not a real date"), "\(problems[0][6])")
        #expect(problems[1][6].contains("Y, N, A, W, H"))
        #expect(problems[3][6].contains("before ReceivedDate"))
        #expect(problems[4][6].contains("after the as-at date"))
        // Every rejected <Requests> is on the action list as not checked.
        let exceptions = try folder.read("o/exceptions.csv")
        for id in ["A1/2024-02-30", "A2/2024-01-02", "A3", "A4/2024-01-02", "A5/2024-01-02", "A6/2024-01-02"] {
            #expect(exceptions.contains(id), "\(id) is not on the action list")
        }
    }

    @Test func aBadItemOfActivePlansRejectsOnlyThePlansCases() throws {
        let xml = Self.sen2(["<UPN>B1</UPN>\n" + Self.requests(["ReceivedDate": "2024-01-02", "RequestOutcome": "Y",
                                                                "RequestOutcomeDate": "2024-02-01"],
                                                               plans: ["ReviewMeeting": "2024-13-01", "PhaseTransferDueDate": "2025-02-14"])])
        let (folder, run) = try Self.run(xml)
        #expect(run.status == 0, "\(run.stderr)")
        let cases = try Self.csv(folder, "cases.csv")
        #expect(Self.row(cases, "decision-to-assess-6w", "B1/2024-01-02") == ["on_time", "2024-02-01", "2024-02-13", ""])
        #expect(Self.row(cases, "phase-transfer", "B1/2024-01-02") == nil)
        let problems = Array(try Self.csv(folder, "data-quality.csv").dropFirst())
        #expect(problems.count == 1)
        #expect(problems.first?[3] == "ReviewMeeting" && problems.first?[5] == "error")
        #expect(problems.first?[6].contains("<ActivePlans> is rejected") == true)
    }

    @Test func aPhaseTransferDueDateAfterTheAsAtDateIsADeadlineNotAnEvent() throws {
        let xml = Self.sen2(["<UPN>T1</UPN>\n" + Self.requests(["ReceivedDate": "2020-01-02", "RequestOutcome": "H"],
                                                               assessment: ["AssessmentOutcome": "H"],
                                                               plans: ["PhaseTransferDueDate": "2026-02-15"])])
        let (folder, run) = try Self.run(xml)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(Self.row(try Self.csv(folder, "cases.csv"), "phase-transfer", "T1/2020-01-02") == ["open_in_time", "", "2026-02-15", ""])
        #expect(try Self.csv(folder, "data-quality.csv").count == 1)
    }

    // MARK: The mapping, at every boundary

    /// The last on-time day and the first late day of each measure a return gives.
    @Test func eachMeasureAtItsLastOnTimeDayAndFirstLateDay() throws {
        let received = Day(iso: "2024-01-08")!
        func d(_ n: Int) -> String { (received + n).iso }
        let xml = Self.sen2([
            "<UPN>S42</UPN>\n" + Self.requests(["ReceivedDate": d(0), "RequestOutcomeDate": d(42), "RequestOutcome": "Y"],
                                                assessment: ["AssessmentOutcome": "Y", "AssessmentOutcomeDate": d(140)], startDate: d(140)),
            "<UPN>S43</UPN>\n" + Self.requests(["ReceivedDate": d(0), "RequestOutcomeDate": d(43), "RequestOutcome": "N"]),
            "<UPN>F141</UPN>\n" + Self.requests(["ReceivedDate": d(0), "RequestOutcomeDate": d(10), "RequestOutcome": "Y"],
                                                 assessment: ["AssessmentOutcome": "Y", "AssessmentOutcomeDate": d(141)]),
            "<UPN>N112</UPN>\n" + Self.requests(["ReceivedDate": d(0), "RequestOutcomeDate": d(10), "RequestOutcome": "Y"],
                                                 assessment: ["AssessmentOutcome": "N", "AssessmentOutcomeDate": d(112)]),
            "<UPN>N113</UPN>\n" + Self.requests(["ReceivedDate": d(0), "RequestOutcomeDate": d(10), "RequestOutcome": "Y"],
                                                 assessment: ["AssessmentOutcome": "N", "AssessmentOutcomeDate": d(113)]),
            "<UPN>R28</UPN>\n" + Self.requests(["ReceivedDate": d(0), "RequestOutcome": "H"], assessment: ["AssessmentOutcome": "H"],
                                                plans: ["ReviewMeeting": d(400), "LastReview": d(428), "ReviewOutcome": "M",
                                                        "PhaseTransferDueDate": d(300), "PhaseTransferFinalDate": d(300)]),
            "<UPN>R29</UPN>\n" + Self.requests(["ReceivedDate": d(0), "RequestOutcome": "H"], assessment: ["AssessmentOutcome": "H"],
                                                plans: ["ReviewMeeting": d(400), "LastReview": d(429), "ReviewOutcome": "A",
                                                        "PhaseTransferDueDate": d(300), "PhaseTransferFinalDate": d(301)]),
        ])
        let (folder, run) = try Self.run(xml, extra: ["--as-at", "2025-06-30"])
        #expect(run.status == 0, "\(run.stderr)")
        let cases = try Self.csv(folder, "cases.csv")
        func status(_ m: String, _ id: String) -> String? { Self.row(cases, m, id + "/" + d(0))?[0] }
        #expect(status("decision-to-assess-6w", "S42") == "on_time")
        #expect(status("decision-to-assess-6w", "S43") == "late")
        #expect(status("final-plan-20w", "S42") == "on_time")
        #expect(status("final-plan-20w", "F141") == "late")
        #expect(status("no-plan-decision-16w", "N112") == "on_time")
        #expect(status("no-plan-decision-16w", "N113") == "late")
        #expect(status("final-plan-20w", "N112") == nil)
        #expect(status("review-decision-4w", "R28") == "on_time")
        #expect(status("review-decision-4w", "R29") == "late")
        #expect(status("phase-transfer", "R28") == "on_time")
        #expect(status("phase-transfer", "R29") == "late")
        // H on both outcomes: no request measure at all; the plan's cases stand.
        #expect(status("decision-to-assess-6w", "R28") == nil && status("final-plan-20w", "R28") == nil)
        // The cycle from LastReview, open, its limit from the measure table.
        let cycleDue = MeasureID.annualReview12m.definition.dueDate.due(from: received + 428)
        #expect(Self.row(cases, "annual-review-12m", "R28/" + d(0)) == ["open_in_time", "", cycleDue.iso, ""])
        // A refused request is in the 6-week measure only.
        #expect(status("final-plan-20w", "S43") == nil)
        #expect(try Self.csv(folder, "data-quality.csv").count == 1)
    }

    @Test func outcomeCodesWeek20AndExported() throws {
        let xml = Self.sen2([
            "<UPN>W</UPN>\n" + Self.requests(["ReceivedDate": "2024-01-02", "RequestOutcome": "W"]),
            "<UPN>H</UPN>\n" + Self.requests(["ReceivedDate": "2024-01-02", "RequestOutcome": "H"]),
            "<UPN>AW</UPN>\n" + Self.requests(["ReceivedDate": "2024-01-02", "RequestOutcomeDate": "2024-01-20", "RequestOutcome": "Y"],
                                               assessment: ["AssessmentOutcome": "W"]),
            "<UPN>E20</UPN>\n" + Self.requests(["ReceivedDate": "2024-01-02", "RequestOutcomeDate": "2024-01-20", "RequestOutcome": "Y"],
                                                assessment: ["AssessmentOutcome": "Y", "AssessmentOutcomeDate": "2024-07-01", "Week20": "1"]),
            "<UPN>X</UPN>\n" + Self.requests(["ReceivedDate": "2024-01-02", "RequestOutcomeDate": "2024-01-20", "RequestOutcome": "Y",
                                              "Exported": "201"]),
            "<UPN>NA</UPN>\n" + Self.requests(["ReceivedDate": "2024-01-02", "RequestOutcomeDate": "2024-01-20", "RequestOutcome": "Y"]),
        ])
        let (folder, run) = try Self.run(xml)
        #expect(run.status == 0, "\(run.stderr)")
        let cases = try Self.csv(folder, "cases.csv")
        func measures(_ id: String) -> [String] { cases.filter { $0[1] == id + "/2024-01-02" }.map { $0[0] } }
        #expect(measures("W") == [])
        #expect(measures("H") == ["final-plan-20w"])
        #expect(measures("AW") == ["decision-to-assess-6w"])
        #expect(Self.row(cases, "final-plan-20w", "E20/2024-01-02") == ["late", "2024-07-01", "2024-05-21", "unspecified"])
        #expect(measures("X") == ["decision-to-assess-6w"])  // the open 20-week case moved away with the child
        #expect(measures("NA") == ["decision-to-assess-6w", "final-plan-20w"])  // assessed, no outcome yet
        #expect(Self.row(cases, "final-plan-20w", "NA/2024-01-02")?[0] == "open_overdue")
    }

    @Test func idsAreUPNThenULNThenPositionAndASecondRequestOfTheSameDayIsNumbered() throws {
        let one = Self.requests(["ReceivedDate": "2024-01-02", "RequestOutcome": "A"])
        let xml = Self.sen2(["<UPN>U1</UPN>\n<UniqueLearnerNumber>L1</UniqueLearnerNumber>\n" + one,
                             "<UniqueLearnerNumber>L2</UniqueLearnerNumber>\n" + one + "\n" + one + "\n" + one,
                             one])
        let (folder, run) = try Self.run(xml)
        #expect(run.status == 0, "\(run.stderr)")
        let ids = try Self.csv(folder, "cases.csv").dropFirst().filter { $0[0] == "decision-to-assess-6w" }.map { $0[1] }
        #expect(ids == ["U1/2024-01-02", "L2/2024-01-02", "L2/2024-01-02#2", "L2/2024-01-02#3", "P3/2024-01-02"])
    }

    @Test func theExceptionsCommandReadsAReturnToo() throws {
        let folder = try TemporaryFolder()
        let run = try CLI.run(["exceptions", "--sen2", Self.fixtures + "sen2_sample_2025.xml", "--format", "csv"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("X1234567898321/2023-12-03"), "\(run.stdout)")
    }

    @Test func aReturnWithOtherExtractsNeedsTheAsAtDate() throws {
        let folder = try TemporaryFolder()
        try folder.write("requests.csv", "case_id,request_date\nC1,2024-01-02\n")
        let without = try CLI.run(["analyse", "--sen2", Self.fixtures + "sen2_sample_2025.xml", "--requests", "requests.csv", "--out", "o"],
                                  in: folder.path)
        #expect(without.status == 64)
        #expect(without.stderr.contains("--as-at is required"))
        let with = try CLI.run(["analyse", "--sen2", Self.fixtures + "sen2_sample_2025.xml", "--requests", "requests.csv",
                                "--as-at", "2025-01-18", "--out", "o"], in: folder.path)
        #expect(with.status == 0, "\(with.stderr)")
        let ids = Set(try Self.csv(folder, "cases.csv").dropFirst().map { $0[1] })
        #expect(ids.contains("C1") && ids.contains("X1234567898765/2023-11-30"))
    }

    /// XML's own forms read as the text they stand for: character references, the
    /// predefined entities, CDATA and an empty element; a declared entity is never expanded
    /// (no DTD is acted on), so its item reads as missing and the <Requests> is rejected.
    @Test func characterReferencesCDATAAndEmptyElementsAreReadAndDeclaredEntitiesAreNot() throws {
        let (folder, run) = try Self.run(Self.sen2([
            "<UPN>&#65;&amp;<![CDATA[B]]></UPN>\n<Requests>\n<ReceivedDate><![CDATA[2024-01-02]]></ReceivedDate>\n<RequestOutcome/>\n</Requests>",
        ]))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(Self.row(try Self.csv(folder, "cases.csv"), "decision-to-assess-6w", "A&B/2024-01-02")?[0] == "open_overdue")

        let entity = try TemporaryFolder()
        try entity.write("return.xml", """
            <?xml version="1.0"?>
            <!DOCTYPE Message [<!ENTITY d "2024-01-02">]>
            <Message><Persons><Person><UPN>E1</UPN><Requests><ReceivedDate>&d;</ReceivedDate></Requests></Person></Persons></Message>

            """)
        let r = try CLI.run(["analyse", "--sen2", "return.xml", "--as-at", "2025-01-18", "--out", "o"], in: entity.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("1 rows read = 0 analysed + 1 rejected"), "\(r.stdout)")
    }

    /// libxml2 keeps a node's line in 16 bits unless told otherwise (XML_PARSE_BIG_LINES):
    /// a <Requests> past line 65,535 must still be named by its own line.
    @Test func linesPast65535AreNamedExactly() throws {
        let padding = String(repeating: "<!-- -->\n", count: 70_000)
        let xml = Self.sen2(["<UPN>L1</UPN>\n" + padding + Self.requests(["ReceivedDate": "2024-01-02", "RequestOutcome": "Z"])])
        let (folder, run) = try Self.run(xml)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = xml.split(separator: "\n", omittingEmptySubsequences: false)
        let expected = String(lines.firstIndex { $0.contains("<RequestOutcome>Z") }! + 1)
        let problems = Array(try Self.csv(folder, "data-quality.csv").dropFirst())
        #expect(Int(expected)! > 70_000)
        #expect(problems.map { $0[1] } == [expected])
        #expect(Array(try folder.read("o/exceptions.csv").split(separator: "\n").dropFirst()).first?.contains("L1/2024-01-02") == true)
    }

    @Test func theReportSaysWhichFiguresDfEWillPublish() throws {
        let folder = try TemporaryFolder()
        let monthly = try CLI.run(["analyse", "--sen2", Self.fixtures + "sen2_sample_2025.xml", "--out", "m"], in: folder.path)
        let yearly = try CLI.run(["analyse", "--sen2", Self.fixtures + "sen2_sample_2025.xml", "--period", "year",
                                  "--benchmark-la", "351", "--out", "y"], in: folder.path)
        #expect(monthly.status == 0 && yearly.status == 0, "\(monthly.stderr) \(yearly.stderr)")
        let m = try folder.read("m/report.md"), y = try folder.read("y/report.md")
        #expect(m.contains("Run with --period year to see the 20-week figures as DfE publishes them"))
        #expect(y.contains("The final-plan-20w rows by year are what DfE will publish from the SEN2 return"))
        #expect(y.contains("The benchmark table sets the council's own published figures beside them"))
        // Bury's published 2023 figure (old code 351) is beside the return's own plans of 2023.
        #expect(y.contains("Comparison with published figures"))
        // A CSV-only run says nothing of SEN2.
        try folder.write("requests.csv", "case_id,request_date\nC1,2024-01-02\n")
        let csv = try CLI.run(["analyse", "--requests", "requests.csv", "--as-at", "2025-01-18", "--out", "c"], in: folder.path)
        #expect(csv.status == 0)
        #expect(!(try folder.read("c/report.md")).contains("What DfE will publish"))
    }

    // MARK: The same cases as CSV and as SEN2

    /// The same requests given as a canonical requests extract and as a return give the
    /// same cases.csv rows, case ids and lines aside.
    @Test func theSameCasesAsCSVAndAsSEN2GiveTheSameCasesRows() throws {
        // (request, decision date, decision, plan decision date, plan decision, final plan, exception)
        let cases: [(String, String, String, String, String, String, String)] = [
            ("2024-01-08", "2024-02-19", "assess", "", "", "2024-05-27", ""),
            ("2024-01-08", "2024-02-20", "assess", "", "", "2024-05-28", "unspecified"),
            ("2024-02-01", "2024-03-01", "refuse", "", "", "", ""),
            ("2024-03-01", "2024-03-20", "assess", "2024-06-21", "no_plan", "", ""),
            ("2024-03-01", "2024-03-20", "assess", "2024-06-22", "no_plan", "", "unspecified"),
            ("2024-06-03", "", "", "", "", "", ""),
            ("2024-06-03", "2024-07-01", "assess", "", "", "", ""),
            ("2024-09-09", "2024-10-21", "assess", "", "", "2025-01-17", ""),
        ]
        var csv = ["case_id,request_date,assessment_decision_date,assessment_decision,plan_decision_date,plan_decision,final_plan_date,exception_reason"]
        var persons: [String] = []
        for (i, c) in cases.enumerated() {
            csv.append("C\(i),\(c.0),\(c.1),\(c.2),\(c.3),\(c.4),\(c.5),\(c.6)")
            var items = ["ReceivedDate": c.0]
            if !c.1.isEmpty { items["RequestOutcomeDate"] = c.1 }
            items["RequestOutcome"] = c.2 == "assess" ? "Y" : c.2 == "refuse" ? "N" : "A"
            var assessment: [String: String]?
            if c.2 == "assess" {
                let outcome = c.4 == "no_plan" ? "N" : c.5.isEmpty ? "A" : "Y"
                assessment = ["AssessmentOutcome": outcome, "Week20": c.6.isEmpty ? "0" : "1"]
                let date = c.4 == "no_plan" ? c.3 : c.5
                if !date.isEmpty { assessment?["AssessmentOutcomeDate"] = date }
            }
            persons.append("<UPN>P\(i)</UPN>\n" + Self.requests(items, assessment: assessment))
        }
        let folder = try TemporaryFolder()
        try folder.write("requests.csv", csv.joined(separator: "\n") + "\n")
        try folder.write("return.xml", Self.sen2(persons))
        let a = try CLI.run(["analyse", "--requests", "requests.csv", "--as-at", "2025-01-18", "--out", "csv"], in: folder.path)
        let b = try CLI.run(["analyse", "--sen2", "return.xml", "--out", "sen2"], in: folder.path)
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        func rows(_ out: String) throws -> [[String]] {
            parseCSV(try folder.read(out + "/cases.csv")).map { r in r.enumerated().filter { $0.offset != 1 && $0.offset != 2 }.map(\.element) }
        }
        let fromCSV = try rows("csv"), fromSEN2 = try rows("sen2")
        #expect(fromCSV.count > 12)
        #expect(fromCSV == fromSEN2)
        #expect(try folder.read("csv/summary.csv") == (try folder.read("sen2/summary.csv")))
    }
}

/// SampleData/sen2.xml and Reports/sample-sen2/ are committed: the sample pack's SEN2 run.
@Suite struct SEN2SampleGoldenTests {
    /// Keep in step with SEN2_ARGS in the Makefile.
    static let arguments = ["analyse", "--sen2", "SampleData/sen2.xml", "--period", "year", "--benchmark-la", "351"]

    @Test func regeneratingTheSampleReturnGivesByteIdenticalFiles() throws {
        let folder = try TemporaryFolder()
        let run = try CLI.run(["generate", "--sen2", "--out", folder.path, "--seed", "20251031", "--requests", "1000",
                               "--as-at", "2025-10-31"])
        #expect(run.status == 0, "\(run.stderr)")
        let expected = try String(contentsOfFile: Repo.root + "/SampleData/sen2.xml", encoding: .utf8)
        #expect(try folder.read("sen2.xml") == expected, "SampleData/sen2.xml differs: run `make sample`")
        #expect(!folder.exists("requests.csv"), "generate --sen2 writes the return only")
    }

    @Test func regeneratingReportsSampleSEN2GivesByteIdenticalFiles() throws {
        let folder = try TemporaryFolder()
        let run = try CLI.run(Self.arguments + ["--out", folder.path + "/sample-sen2"])
        #expect(run.status == 0, "\(run.stderr)")
        for name in OutputFiles.names {
            let expected = try String(contentsOfFile: Repo.root + "/Reports/sample-sen2/" + name, encoding: .utf8)
            #expect(try folder.read("sample-sen2/" + name) == expected, "Reports/sample-sen2/\(name) differs: run `make run`")
        }
    }

    /// The generated return has what the generator says it puts in: plans with review and
    /// transfer cases at their boundaries, a person's second request of a day, a StartDate
    /// warning and bad elements, each rejected.
    @Test func theSampleReturnHasPlansBoundariesAndBadElements() throws {
        let cases = parseCSV(try String(contentsOfFile: Repo.root + "/Reports/sample-sen2/cases.csv", encoding: .utf8))
        let problems = parseCSV(try String(contentsOfFile: Repo.root + "/Reports/sample-sen2/data-quality.csv", encoding: .utf8))
        let measures = Set(cases.dropFirst().map { $0[0] })
        #expect(measures.isSuperset(of: ["decision-to-assess-6w", "no-plan-decision-16w", "final-plan-20w", "annual-review-12m",
                                         "review-decision-4w", "phase-transfer"]))
        let statuses = Set(cases.dropFirst().filter { $0[0] == "review-decision-4w" }.map { $0[6] })
        #expect(statuses.isSuperset(of: ["on_time", "late"]))
        #expect(cases.contains { $0[1].hasSuffix("#2") })
        #expect(problems.contains { $0[3] == "StartDate" && $0[5] == "warning" })
        let errors = Set(problems.filter { $0[5] == "error" }.map { $0[3] })
        #expect(errors.isSuperset(of: ["ReceivedDate", "RequestOutcome", "RequestOutcomeDate"]), "\(errors)")
        let report = try String(contentsOfFile: Repo.root + "/Reports/sample-sen2/report.md", encoding: .utf8)
        #expect(report.contains("What DfE will publish"))
        #expect(report.contains("what DfE will publish from the SEN2 return SampleData/sen2.xml"))
        #expect(report.contains("plans issued in each calendar year"))
        let json = try String(contentsOfFile: Repo.root + "/Reports/sample-sen2/summary.json", encoding: .utf8)
        #expect(json.contains("\"sen2\""))
        for personal in ["Synthname", "Synthforename", "ZZ99"] {
            for name in OutputFiles.names {
                let text = try String(contentsOfFile: Repo.root + "/Reports/sample-sen2/" + name, encoding: .utf8)
                #expect(!text.contains(personal), "\(personal) reached \(name)")
            }
        }
    }
}
