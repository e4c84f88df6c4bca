import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

/// The orders and reassessments generators: the same bytes from the same seed, and
/// each deliberate row given the verdict it is written for by the analyser itself.
@Suite struct OrderGeneratorTests {
    static let asAt = Day(iso: "2025-10-31")!

    @Test func theSameSeedGivesTheSameBytesAndAnotherSeedOthers() {
        #expect(OrderGenerator(seed: 7, count: 200, asAt: Self.asAt).text == OrderGenerator(seed: 7, count: 200, asAt: Self.asAt).text)
        #expect(OrderGenerator(seed: 7, count: 200, asAt: Self.asAt).text != OrderGenerator(seed: 8, count: 200, asAt: Self.asAt).text)
        #expect(ReassessmentGenerator(seed: 7, count: 200, asAt: Self.asAt).text
                    == ReassessmentGenerator(seed: 7, count: 200, asAt: Self.asAt).text)
        let orders = OrderGenerator(seed: 7, count: 200, asAt: Self.asAt)
        #expect(orders.rows.count == 200 + orders.deliberate.count)
        #expect(orders.text.hasPrefix(OrderGenerator.header + "\n"))
    }

    /// Analyses the generated files and returns cases.csv and data-quality.csv by case id.
    static func analyse() throws -> (cases: [String: [[String]]], problems: [String: [[String]]], stdout: String) {
        let folder = try TemporaryFolder()
        try folder.write("orders.csv", OrderGenerator(seed: 11, count: 300, asAt: asAt).text)
        try folder.write("reassessments.csv", ReassessmentGenerator(seed: 12, count: 300, asAt: asAt).text)
        let run = try CLI.run(["analyse", "--orders", "orders.csv", "--reassessments", "reassessments.csv", "--as-at", "2025-10-31",
                               "--by", "team", "--out", "out"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        var cases: [String: [[String]]] = [:], problems: [String: [[String]]] = [:]
        for row in parseCSV(try folder.read("out/cases.csv")).dropFirst() { cases[row[1], default: []].append(row) }
        for row in parseCSV(try folder.read("out/data-quality.csv")).dropFirst() { problems[row[2], default: []].append(row) }
        return (cases, problems, run.stdout)
    }

    @Test func everyDeliberateRowGetsItsVerdict() throws {
        let r = try Self.analyse()
        func verdicts(_ id: String) -> [String] { (r.cases[id] ?? []).map { "\($0[0]) \($0[6]) \($0[7])" } }
        // Deliberate orders: TOB000001..5 on the last on-time day, TOB000006..10 the day after.
        #expect(verdicts("TOB000001") == ["tribunal-assess-notice-2w on_time ", "tribunal-no-plan-10w on_time "])
        #expect(verdicts("TOB000002") == ["tribunal-assess-notice-2w on_time ", "tribunal-final-plan-14w on_time "])
        #expect(verdicts("TOB000003") == ["tribunal-draft-plan-5w on_time ", "tribunal-final-plan-11w on_time "])
        #expect(verdicts("TOB000004") == ["tribunal-amended-plan-5w on_time "])
        #expect(verdicts("TOB000005") == ["tribunal-placement-2w on_time "])
        #expect(verdicts("TOB000006") == ["tribunal-assess-notice-2w late ", "tribunal-no-plan-10w late "])
        #expect(verdicts("TOB000007") == ["tribunal-assess-notice-2w on_time ", "tribunal-final-plan-14w late "])
        #expect(verdicts("TOB000008") == ["tribunal-draft-plan-5w late ", "tribunal-final-plan-11w late "])
        #expect(verdicts("TOB000009") == ["tribunal-amended-plan-5w late "])
        #expect(verdicts("TOB000010") == ["tribunal-placement-2w late "])
        // Unopposed appeals, notified 10 March 2024: the plan on 16 June (+ 98) is on time; the
        // amended plan on day 36 of 35 is late.
        #expect(verdicts("TOB000011") == ["tribunal-assess-notice-2w on_time ", "tribunal-final-plan-14w on_time "])
        #expect((r.cases["TOB000011"] ?? []).map(\.[4]) == ["2024-03-24", "2024-06-16"])
        #expect(verdicts("TOB000012") == ["tribunal-amended-plan-5w late "])
        // 31 January 2024 + 14 days = 14 February: on time; the notice on day 15: late.
        #expect((r.cases["TOB000013"] ?? []).map { "\($0[4]) \($0[6])" } == ["2024-02-14 on_time"])
        #expect(verdicts("TOB000014") == ["tribunal-assess-notice-2w late ", "tribunal-final-plan-14w open_overdue "])
        #expect(verdicts("TOB000015").isEmpty)  // maintain
        #expect(verdicts("TOB000016") == ["tribunal-amended-plan-5w late personal_circumstances"])
        #expect(verdicts("TOB000017") == ["tribunal-amended-plan-5w late absent_from_area"])
        #expect(verdicts("TOB000018") == ["tribunal-amended-plan-5w late late_representations"])
        #expect(verdicts("TOB000019") == ["tribunal-amended-plan-5w late "])
        #expect(r.problems["TOB000019"]?.first?[6].contains("not a ground that reg 44(3) gives") == true)
        #expect(verdicts("TOB000020") == ["tribunal-draft-plan-5w open_in_time ", "tribunal-final-plan-11w open_in_time "])
        #expect(verdicts("TOB000021") == ["tribunal-placement-2w open_overdue "])
        #expect(verdicts("TOB000022").isEmpty)
        #expect(r.problems["TOB000022"]?.first?[5] == "error")
        #expect(verdicts("TOB000023").isEmpty)
        #expect(r.problems["TOB000023"]?.first?[6].contains("not measured for tribunal-amended-plan-5w") == true)

        // Deliberate re-assessments: decided on day 15 and day 16; plans on week 14's last day and the next.
        #expect(verdicts("RAB000001") == ["reassessment-decision-15d on_time "])
        #expect(verdicts("RAB000002") == ["reassessment-decision-15d on_time ", "reassessment-final-plan-14w on_time "])
        #expect(verdicts("RAB000003") == ["reassessment-decision-15d late "])
        #expect(verdicts("RAB000004") == ["reassessment-decision-15d on_time ", "reassessment-final-plan-14w late "])
        #expect(verdicts("RAB000005") == ["reassessment-decision-15d open_overdue "])
        #expect(r.problems["RAB000005"]?.first?[3] == "decision_date")
        #expect(verdicts("RAB000006") == ["reassessment-decision-15d on_time ", "reassessment-final-plan-14w late personal_circumstances"])
        #expect(verdicts("RAB000007") == ["reassessment-decision-15d on_time ", "reassessment-final-plan-14w late "])
        #expect(verdicts("RAB000008") == ["reassessment-decision-15d open_in_time "])
        #expect(verdicts("RAB000009") == ["reassessment-decision-15d open_overdue "])
        #expect(verdicts("RAB000010") == ["reassessment-decision-15d on_time "])
        #expect(r.problems["RAB000010"]?.first?[6].contains("not measured for reassessment-final-plan-14w") == true)
        #expect(r.problems["RAB000011"]?.first?[5] == "error")
        // Every row is analysed or rejected: one rejected row in each file.
        #expect(r.stdout.contains("orders.csv: \(300 + OrderGenerator(seed: 11, count: 300, asAt: Self.asAt).deliberate.count) rows read"))
        #expect(r.stdout.contains(" + 1 rejected"))
    }

    @Test func theRandomOrdersHaveEveryMeasureAndSomeLateCases() throws {
        let r = try Self.analyse()
        let rows = r.cases.filter { !$0.key.hasPrefix("TOB") && !$0.key.hasPrefix("RAB") }.values.flatMap { $0 }
        for id in MeasureID.allCases where id.order >= MeasureID.reassessmentDecision15d.order {
            let own = rows.filter { $0[0] == id.rawValue }
            #expect(own.count >= 10, "\(id): \(own.count) random cases")
            #expect(own.contains { $0[6] == "late" || $0[6] == "open_overdue" }, "\(id)")
            #expect(own.contains { $0[6] == "on_time" }, "\(id)")
        }
    }
}
