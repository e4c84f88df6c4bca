import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

/// Review rows gathered into plans in bounded memory: the compact row encoding, and the two
/// external sorts that must give the plans exactly as holding every row in a dictionary did.
@Suite struct ReviewPlansTests {
    static func day(_ iso: String) -> Day { Day(iso: iso)! }

    static func encoded(_ row: ReviewRow) -> [UInt8] {
        var bytes: [UInt8] = []
        ReviewRowCoding.encode(row, into: &bytes)
        return bytes
    }

    static func decoded(_ bytes: [UInt8]) -> ReviewRow? { ReviewRowCoding.decode(bytes.span) }

    /// A row with random fields, some absent, some not ASCII, some empty.
    static func randomRow(caseID: String, line: Int, _ rng: inout SplitMix64) -> ReviewRow {
        func date() -> Day? { rng.chance(perMille: 300) ? nil : Day(number: Int32(rng.int(in: -800_000 ... 2_900_000))) }
        let texts = ["", "North", "Ünïcödé team", "a,b\"c", "caseworker 18", "\u{1F600}", "x\ny"]
        func text() -> String { texts[rng.below(texts.count)] }
        let decisions: [ReviewDecision?] = [nil] + ReviewDecision.allCases
        let valueCount = rng.below(4)
        return ReviewRow(caseID: caseID, line: line, planDate: date(), meetingDate: date(), decisionDate: date(),
                         decision: decisions[rng.below(decisions.count)], amendmentNoticeDate: date(),
                         amendedPlanDate: date(), ceasedDate: date(),
                         cohort: Cohort(values: (0..<valueCount).map { _ in text() },
                                        ageBandSlots: valueCount > 0 && rng.chance(perMille: 500) ? [rng.below(valueCount)] : [],
                                        dateOfBirth: date(), team: rng.chance(perMille: 500) ? text() : nil,
                                        caseworker: rng.chance(perMille: 500) ? text() : nil))
    }

    /// What the old `ReviewPlans` did: a dictionary from case id to a plan in an array of
    /// plans in order of first appearance, each row appended to its plan.
    static func reference(_ rows: [ReviewRow]) -> [ReviewPlan] {
        var index: [String: Int] = [:]
        var plans: [ReviewPlan] = []
        for row in rows {
            if let i = index[row.caseID] {
                plans[i].rows.append(row)
            } else {
                index[row.caseID] = plans.count
                plans.append(ReviewPlan(caseID: row.caseID, rows: [row]))
            }
        }
        return plans
    }

    static func gathered(_ rows: [ReviewRow], directory: String, memoryBudget: Int) throws -> (plans: [ReviewPlan], spilled: Int) {
        var plans = ReviewPlans(directory: directory, memoryBudget: memoryBudget)
        for row in rows { try plans.add(row) }
        let spilled = plans.spilledRuns
        var out: [ReviewPlan] = []
        try plans.forEachPlan { out.append($0) }
        return (out, spilled)
    }

    static func same(_ a: [ReviewPlan], _ b: [ReviewPlan]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.caseID == $1.caseID && $0.rows == $1.rows }
    }

    // MARK: - Encoding

    @Test func everyFieldRoundTrips() {
        let full = ReviewRow(caseID: "EHCP-Ü-000123", line: 1_234_567_890_123, planDate: Self.day("2020-02-29"),
                             meetingDate: Self.day("2021-02-01"), decisionDate: Self.day("2021-02-20"), decision: .amend,
                             amendmentNoticeDate: Self.day("2021-02-25"), amendedPlanDate: Self.day("2021-04-01"),
                             ceasedDate: Self.day("2023-07-31"),
                             cohort: Cohort(values: ["North", "unknown", ""], ageBandSlots: [1], dateOfBirth: Self.day("1969-12-31"),
                                            team: "North", caseworker: ""))
        #expect(Self.decoded(Self.encoded(full)) == full)
        let bare = ReviewRow(caseID: "", line: 0, planDate: nil, meetingDate: nil, decisionDate: nil, decision: nil,
                             amendmentNoticeDate: nil, amendedPlanDate: nil, ceasedDate: nil,
                             cohort: Cohort(values: [], ageBandSlots: [], dateOfBirth: nil))
        #expect(Self.decoded(Self.encoded(bare)) == bare)
        for decision in ReviewDecision.allCases {
            var row = bare
            row.decision = decision
            #expect(Self.decoded(Self.encoded(row)) == row)
        }
    }

    @Test func randomRowsRoundTripCompactly() {
        var rng = SplitMix64(seed: 5)
        for line in 0..<2000 {
            let row = Self.randomRow(caseID: "P\(rng.below(100))", line: line, &rng)
            let bytes = Self.encoded(row)
            #expect(Self.decoded(bytes) == row)
        }
        // A row as the generator writes it (id, four dates, a decision, team, caseworker,
        // date of birth, --by team) in well under 64 bytes: that is what bounds the disk.
        let typical = ReviewRow(caseID: "EHCP000010", line: 999_999, planDate: Self.day("2021-01-04"),
                                meetingDate: Self.day("2025-03-21"), decisionDate: Self.day("2025-04-12"), decision: .maintain,
                                amendmentNoticeDate: nil, amendedPlanDate: nil, ceasedDate: nil,
                                cohort: Cohort(values: ["East"], ageBandSlots: [], dateOfBirth: Self.day("2014-02-09"),
                                               team: "East", caseworker: "Caseworker 18"))
        #expect(Self.encoded(typical).count < 64)
    }

    @Test func truncatedOrOverlongBytesDecodeToNilNotATrap() {
        var rng = SplitMix64(seed: 9)
        let bytes = Self.encoded(Self.randomRow(caseID: "P1", line: 7, &rng))
        for n in 0..<bytes.count { #expect(Self.decoded(Array(bytes[..<n])) == nil) }
        #expect(Self.decoded(bytes + [0]) == nil)
    }

    // MARK: - Gathering plans

    @Test(arguments: [1 << 20, 4096, 600])
    func scatteredRowsComeBackAsPlansInOrderOfFirstAppearance(memoryBudget: Int) throws {
        let folder = try TemporaryFolder()
        var rng = SplitMix64(seed: 42)
        // 3,000 rows of 700 plans, each plan's rows anywhere in the file; ids of different
        // lengths, some prefixes of others (P1, P10, P100), so key order is not plan order.
        let rows = (0..<3000).map { line in Self.randomRow(caseID: "P\(rng.below(700))", line: line + 2, &rng) }
        let (plans, spilled) = try Self.gathered(rows, directory: folder.path, memoryBudget: memoryBudget)
        #expect(Self.same(plans, Self.reference(rows)))
        #expect(memoryBudget >= 1 << 20 ? spilled == 0 : spilled > 10)
    }

    @Test func aPlanWhoseRowsAreFirstAndLastInTheFileKeepsItsFirstPlace() throws {
        let folder = try TemporaryFolder()
        var rng = SplitMix64(seed: 3)
        let ids = ["Z"] + (0..<500).map { "A\($0)" } + ["Z"]
        let rows = ids.enumerated().map { Self.randomRow(caseID: $1, line: $0 + 2, &rng) }
        let (plans, spilled) = try Self.gathered(rows, directory: folder.path, memoryBudget: 512)
        #expect(spilled > 0)
        #expect(plans.first?.caseID == "Z")
        #expect(plans.first?.rows.map(\.line) == [2, 503])
        #expect(Self.same(plans, Self.reference(rows)))
    }

    @Test func canonicallyEquivalentIdsAreOnePlanNamedByItsFirstRow() throws {
        let folder = try TemporaryFolder()
        var rng = SplitMix64(seed: 11)
        // "é" precomposed and as e + combining acute: equal Strings, different bytes.
        let ids = ["Ref-e\u{301}", "Other", "Ref-\u{e9}", "Ref-e"]
        let rows = ids.enumerated().map { Self.randomRow(caseID: $1, line: $0 + 2, &rng) }
        let (plans, _) = try Self.gathered(rows, directory: folder.path, memoryBudget: 1 << 20)
        #expect(plans.map(\.rows.count) == [2, 1, 1])
        #expect(plans.first.map { Array($0.caseID.utf8) } == Array("Ref-e\u{301}".utf8))
        #expect(plans.first?.rows.last.map { Array($0.caseID.utf8) } == Array("Ref-\u{e9}".utf8))
        #expect(Self.same(plans, Self.reference(rows)))
    }

    @Test func noRowsGiveNoPlans() throws {
        let folder = try TemporaryFolder()
        let (plans, spilled) = try Self.gathered([], directory: folder.path, memoryBudget: 512)
        #expect(plans.isEmpty && spilled == 0)
    }
}
