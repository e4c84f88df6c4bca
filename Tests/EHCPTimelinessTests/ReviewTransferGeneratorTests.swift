import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

// MARK: - Helpers

/// A fresh path in the temporary directory; the caller removes it.
private func scratchPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.path + "/ehcp-gen2-\(UUID().uuidString)-\(name)"
}

private func fileBytes(_ path: String) -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else { return [] }
    return [UInt8](data)
}

/// Splits the generators' files into rows of cells: they write no quoted fields.
private func plainRows(_ bytes: [UInt8]) -> [[String]] {
    bytes.split(separator: 10).map { line in
        line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// Writes one file with `write`, returns its bytes and removes it.
private func generated(_ name: String, _ write: (String) throws -> Void) -> [UInt8] {
    let path = scratchPath(name)
    defer { try? FileManager.default.removeItem(atPath: path) }
    do { try write(path) } catch { Issue.record("generation failed: \(error)") }
    return fileBytes(path)
}

private func share(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 0 : Double(part) / Double(whole) }
private func pct(_ part: Int, _ whole: Int) -> String { String(format: "%.1f %%", 100 * share(part, whole)) }

private let asAt = Day(year: 2025, month: 10, day: 31)!

// MARK: - Reviews sample

/// One row of the reviews extract, by column.
private struct ReviewRow {
    let line: Int  // 1-based line in the file
    let cells: [String]
    static let columns = ReviewGenerator.header
    subscript(_ name: String) -> String { cells[ReviewRow.columns.firstIndex(of: name)!] }
    func date(_ name: String) -> Day? { Day(iso: self[name]) }
    var meeting: Day? { date("review_meeting_date") }
    var decisionDate: Day? { date("review_decision_date") }
    var decision: String { self["review_decision"] }
    var notice: Day? { date("amendment_notice_date") }
    var amended: Day? { date("amended_plan_date") }
}

/// A plan's rows as the file has them (file order), and in meeting order.
private struct ReviewPlan {
    let caseID: String
    let index: Int
    let kind: ReviewPlanKind
    let rows: [ReviewRow]
    /// Rows with a meeting date, earliest first.
    var meetings: [ReviewRow] { rows.filter { $0.meeting != nil }.sorted { $0.meeting! < $1.meeting! } }
    var planDates: [Day] {
        var dates: [Day] = []
        for r in rows { if let d = r.date("plan_date"), !dates.contains(d) { dates.append(d) } }
        return dates
    }
    var planDate: Day? { planDates.first }
    var isBad: Bool { if case .bad = kind { true } else { false } }
}

private struct ReviewSample: Sendable {
    let generator: ReviewGenerator
    let bytes: [UInt8]

    init(seed: UInt64, plans: Int, asAt: Day) {
        let g = ReviewGenerator(seed: seed, plans: plans, asAt: asAt)
        generator = g
        bytes = generated("reviews.csv") { try g.write(to: $0) }
    }

    var lines: [[String]] { plainRows(bytes) }
    var rows: [ReviewRow] { lines.dropFirst().enumerated().map { ReviewRow(line: $0.offset + 2, cells: $0.element) } }

    /// Plans in case-id order.
    var plans: [ReviewPlan] {
        var byCase: [String: [ReviewRow]] = [:]
        for r in rows { byCase[r["case_id"], default: []].append(r) }
        return byCase.keys.sorted().map { id in
            let index = Int(id.dropFirst(4))! - 1
            return ReviewPlan(caseID: id, index: index, kind: generator.kind(at: index), rows: byCase[id]!)
        }
    }
}

/// The realism sample: 5,000 plans.
private let reviews = ReviewSample(seed: 20_251_031, plans: 5_000, asAt: asAt)
private let reviewPlans = reviews.plans

private let reviewEventColumns = ["plan_date", "review_meeting_date", "review_decision_date",
                                  "amendment_notice_date", "amended_plan_date", "ceased_date"]

/// The row of a bad plan that is wrong, by the rule the analyser applies.
private func isBadRow(_ r: ReviewRow, planDate: Day?, asAt: Day) -> Bool {
    for column in reviewEventColumns {
        let text = r[column]
        if !text.isEmpty && Day(iso: text) == nil { return true }
        if let d = Day(iso: text), d > asAt { return true }
    }
    if !["", "maintain", "amend", "cease"].contains(r.decision) { return true }
    if let m = r.meeting, let p = planDate, m < p { return true }
    if let m = r.meeting, let d = r.decisionDate, d < m { return true }
    if let n = r.notice, let a = r.amended, a < n { return true }
    return false
}

// MARK: - Reviews: determinism and layout

@Test func reviewsAndTransfersSameSeedWriteIdenticalBytesAndAnotherSeedDoesNot() {
    let a = generated("a.csv") { try ReviewGenerator(seed: 5, plans: 800, asAt: asAt).write(to: $0) }
    let b = generated("b.csv") { try ReviewGenerator(seed: 5, plans: 800, asAt: asAt).write(to: $0) }
    let c = generated("c.csv") { try ReviewGenerator(seed: 6, plans: 800, asAt: asAt).write(to: $0) }
    #expect(a.count > 50_000)
    #expect(a == b)
    #expect(a != c)
    let t = generated("t.csv") { try TransferGenerator(seed: 5, count: 800, asAt: asAt).write(to: $0) }
    let u = generated("u.csv") { try TransferGenerator(seed: 5, count: 800, asAt: asAt).write(to: $0) }
    let v = generated("v.csv") { try TransferGenerator(seed: 6, count: 800, asAt: asAt).write(to: $0) }
    #expect(t.count > 30_000)
    #expect(t == u)
    #expect(t != v)
}

@Test func reviewsHeaderIsExactAndEveryRowHasFifteenPlainCells() {
    let expected = "case_id,plan_date,review_meeting_date,review_decision_date,review_decision,"
        + "amendment_notice_date,amended_plan_date,no_amendment_date,ceased_date,transfer_in_date,"
        + "transfer_in_notice_date,exception_reason,team,caseworker,date_of_birth\n"
    let first = reviews.bytes.prefix { $0 != 10 } + [10]
    #expect(String(decoding: first, as: UTF8.self) == expected)
    #expect(reviews.lines.dropFirst().allSatisfy { $0.count == 15 })
    #expect(!reviews.bytes.contains(13) && !reviews.bytes.contains(34))
    #expect(reviewPlans.count == 5_000)
    for r in reviews.rows {
        #expect(r["case_id"].hasPrefix("EHCP") && r["case_id"].count == 10)
        #expect(RequestGenerator.teams.contains(r["team"]) && RequestGenerator.caseworkers.contains(r["caseworker"]))
        #expect(r.date("date_of_birth") != nil)
    }
}

@Test func zeroPlansOrTransfersWritesOnlyTheHeader() {
    let a = generated("r.csv") { try ReviewGenerator(seed: 1, plans: 0, asAt: asAt).write(to: $0) }
    let b = generated("t.csv") { try TransferGenerator(seed: 1, count: 0, asAt: asAt).write(to: $0) }
    #expect(plainRows(a) == [ReviewGenerator.header])
    #expect(plainRows(b) == [TransferGenerator.header])
}

@Test func writingToAnUnwritablePathThrowsNamingThePath() {
    let path = "/nonexistent-directory-for-ehcp-tests/reviews.csv"
    for write in [{ try ReviewGenerator(seed: 1, plans: 10, asAt: asAt).write(to: path) },
                  { try TransferGenerator(seed: 1, count: 10, asAt: asAt).write(to: path) }] as [() throws -> Void] {
        do {
            try write()
            Issue.record("expected an error")
        } catch let error as GeneratorError {
            #expect(error.path == path && !error.reason.isEmpty)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}

@Test func aPlanKeepsItsTeamCaseworkerAndBirthDateOnEveryRow() {
    for plan in reviewPlans {
        for column in ["team", "caseworker", "date_of_birth"] {
            #expect(Set(plan.rows.map { $0[column] }).count == 1, "\(plan.caseID) \(column)")
        }
        if let p = plan.planDate, let b = plan.rows[0].date("date_of_birth") {
            #expect(b <= p && p - b < 25 * 366)
        }
    }
}

// MARK: - Reviews: dates and chains

@Test func noReviewEventDateIsAfterAsAtExceptTheDeliberateBadRows() {
    var after = 0
    for plan in reviewPlans {
        for r in plan.rows where reviewEventColumns.contains(where: { r.date($0).map { $0 > asAt } ?? false }) {
            after += 1
            #expect(plan.kind == .bad(.dateAfterAsAt), "line \(r.line)")
        }
    }
    #expect(after == 15)  // three per 1,000 plans
}

@Test func validPlansHaveTheirEventsInOrderAndCodesInPlace() {
    for plan in reviewPlans where !plan.isBad {
        guard let planDate = plan.planDate else { Issue.record("\(plan.caseID): no plan date"); continue }
        #expect(planDate >= reviews.generator.firstPlanDate)
        let meetings = plan.meetings
        // A plan not yet reviewed is one row with a blank meeting; otherwise every row has a meeting.
        #expect(meetings.count == plan.rows.count || (plan.rows.count == 1 && meetings.isEmpty), "\(plan.caseID)")
        for r in plan.rows {
            #expect(!isBadRow(r, planDate: plan.planDates.min(), asAt: asAt), "line \(r.line)")
            #expect(r.decision.isEmpty == (r.decisionDate == nil), "line \(r.line)")
            if r.decision != "amend" { #expect(r.notice == nil && r.amended == nil, "line \(r.line)") }
            if let n = r.notice { #expect(n >= r.decisionDate!, "line \(r.line)") }
            if let a = r.amended { #expect(a > (r.notice ?? r.decisionDate!), "line \(r.line)") }
            if let m = r.meeting { #expect(m > plan.planDates.max()!, "line \(r.line)") }
        }
        // A cease decision ends the chain; a ceased date sits on the last row, after its events.
        for (k, r) in meetings.enumerated() where r.decision == "cease" { #expect(k == meetings.count - 1) }
        let ceased = plan.rows.filter { !$0["ceased_date"].isEmpty }
        #expect(ceased.count <= 1)
        if let c = ceased.first {
            let last = meetings.last ?? plan.rows[0]
            #expect(c.line == last.line, "\(plan.caseID)")
            for column in reviewEventColumns.dropLast() { #expect(c.date(column).map { $0 <= c.date("ceased_date")! } ?? true) }
        }
    }
}

@Test func chainsRunFromNoReviewToFiveOrSixAndSomeEndCeased() {
    var byLength = [Int](repeating: 0, count: 10)
    var ceasedByDecision = 0, ceasedByDateOnly = 0
    for plan in reviewPlans {
        byLength[plan.meetings.count] += 1
        let decidedCease = plan.meetings.contains { $0.decision == "cease" }
        if decidedCease { ceasedByDecision += 1 }
        if !decidedCease && plan.rows.contains(where: { !$0["ceased_date"].isEmpty }) { ceasedByDateOnly += 1 }
    }
    print("reviews: plans by number of meetings \(byLength); ceased by decision \(ceasedByDecision), "
        + "by ceased_date only \(pct(ceasedByDateOnly, reviewPlans.count))")
    #expect(byLength[0] > 400 && byLength[1] > 400 && byLength[3...].reduce(0, +) > 1_500)
    #expect(byLength[5] > 200)
    #expect(byLength[7...].reduce(0, +) < 20)  // only plans given an extra meeting on purpose
    #expect(ceasedByDecision > 300)
    #expect(share(ceasedByDateOnly, reviewPlans.count) > 0.02 && share(ceasedByDateOnly, reviewPlans.count) < 0.04)
}

@Test func aPlansRowsAreOftenApartAndSomeAreWrittenNewestFirst() {
    var multi = 0, apart = 0, newestFirst = 0, planDateOnFirstOnly = 0
    for plan in reviewPlans where plan.rows.count > 1 {
        multi += 1
        let lines = plan.rows.map(\.line)
        if zip(lines, lines.dropFirst()).contains(where: { $1 != $0 + 1 }) { apart += 1 }
        let meetings = plan.rows.compactMap(\.meeting)
        if meetings.count == plan.rows.count && zip(meetings, meetings.dropFirst()).allSatisfy({ $0 > $1 }) { newestFirst += 1 }
        let withDate = plan.rows.filter { !$0["plan_date"].isEmpty }
        if withDate.count == 1 && withDate[0].line == plan.meetings[0].line { planDateOnFirstOnly += 1 }
    }
    #expect(share(apart, multi) > 0.9)
    #expect(share(newestFirst, multi) > 0.1 && share(newestFirst, multi) < 0.25)
    #expect(share(planDateOnFirstOnly, multi) > 0.08 && share(planDateOnFirstOnly, multi) < 0.18)
    // Rows of different plans interleave, but a plan's rows stay within its block of 16 plans.
    var lastBlock = 0
    for r in reviews.rows {
        let block = (Int(r["case_id"].dropFirst(4))! - 1) / ReviewGenerator.blockSize
        #expect(block == lastBlock || block == lastBlock + 1)
        lastBlock = block
    }
}

@Test func theWarningCasesAreExactlyTheWarningPlans() {
    var conflicting = 0, noDecisionMidChain = 0
    for plan in reviewPlans {
        if plan.planDates.count > 1 {
            conflicting += 1
            #expect(plan.kind == .warning(.conflictingPlanDates), "\(plan.caseID)")
            #expect(plan.planDates.count == 2)
        }
        if plan.isBad { continue }  // an unreadable decision date is rejected with its row
        let m = plan.meetings
        let midChain = m.indices.contains { k in m[k].decisionDate == nil && m[(k + 1)...].contains { $0.decisionDate != nil } }
        if midChain {
            noDecisionMidChain += 1
            #expect(plan.kind == .warning(.noDecisionMidChain), "\(plan.caseID)")
        }
    }
    #expect(conflicting == 15)
    #expect(noDecisionMidChain == 15)
}

// MARK: - Reviews: deliberate rows

@Test func everyReviewBoundaryCaseIsPresent() {
    var counts: [String: Int] = [:]
    func count(_ key: String) { counts[key, default: 0] += 1 }
    for plan in reviewPlans where !plan.isBad {
        guard let p = plan.planDate else { continue }
        let (y, m, d) = p.civil
        if m == 2 && d == 29 { count("plan 29 Feb \(y)") }
        if m == 3 && d == 31 { count("plan 31 Mar") }
        if m == 1 && d == 31 { count("plan 31 Jan") }
        if d == Day.daysIn(month: m, year: y) && ![1, 2, 3].contains(m) { count("plan other month end") }
        let meetings = plan.meetings
        if let first = meetings.first {
            let due = p.endOfTwelveMonthPeriod
            if let c = first.decisionDate { if c == due { count("completion on due") } else if c == due + 1 { count("completion day after") } }
            if first.meeting == due { count("meeting on due") } else if first.meeting == due + 1 { count("meeting day after") }
        }
        for r in meetings {
            guard let meeting = r.meeting else { continue }
            if let c = r.decisionDate, [27, 28, 29].contains(c - meeting) { count("decision day \(c - meeting)") }
            if let n = r.notice, [28, 29].contains(n - meeting) { count("notice day \(n - meeting)") }
            if let n = r.notice, let a = r.amended, [56, 57].contains(a - n) { count("amended day \(a - n)") }
        }
    }
    print("reviews boundary cases: \(counts.sorted { $0.key < $1.key })")
    for key in ["plan 29 Feb 2024", "plan 29 Feb 2020", "plan 31 Mar", "plan 31 Jan", "plan other month end",
                "completion on due", "completion day after", "meeting on due", "meeting day after",
                "decision day 27", "decision day 28", "decision day 29", "notice day 28", "notice day 29",
                "amended day 56", "amended day 57"] {
        #expect(counts[key, default: 0] >= 10, "\(key)")
    }
}

@Test func everyKindOfBadReviewRowIsPresentInsideOtherwiseValidPlans() {
    var counts: [String: Int] = [:]
    for plan in reviewPlans where plan.isBad {
        let planDate = plan.planDates.min()
        let bad = plan.rows.filter { isBadRow($0, planDate: planDate, asAt: asAt) }
        #expect(bad.count == 1, "\(plan.caseID)")
        #expect(plan.rows.count >= 2, "\(plan.caseID)")  // the other rows are valid
        #expect(plan.rows.allSatisfy { !$0["plan_date"].isEmpty })
        guard let r = bad.first else { continue }
        if let m = r.meeting, let p = planDate, m < p { counts["meeting before plan", default: 0] += 1 }
        if let m = r.meeting, let d = r.decisionDate, d < m { counts["decision before meeting", default: 0] += 1 }
        if let n = r.notice, let a = r.amended, a < n { counts["amended before notice", default: 0] += 1 }
        if r.decision == "continue" { counts["continue", default: 0] += 1 }
        if r["review_decision_date"] == "2025-13-01" { counts["2025-13-01", default: 0] += 1 }
        if reviewEventColumns.contains(where: { r.date($0).map { $0 > asAt } ?? false }) { counts["after asAt", default: 0] += 1 }
    }
    for key in ["meeting before plan", "decision before meeting", "amended before notice", "continue", "2025-13-01", "after asAt"] {
        #expect(counts[key, default: 0] == 15, "\(key)")
    }
}

// MARK: - Reviews: realism

/// Review figures as the analyser would compute them (decision clock), valid rows only.
private struct ReviewFigures {
    var decisions = 0, within28 = 0, maintain = 0, amend = 0, cease = 0
    var cycles = 0, lateCycles = 0, openCycles = 0, openOverdue = 0, unreviewedOverAYear = 0
    var amends = 0, noticeWithin28 = 0, blankNotice = 0, amendedPlans = 0, amendedWithin56 = 0, amendedOverdue = 0

    init(_ plans: [ReviewPlan], asAt: Day) {
        for plan in plans where !plan.isBad {
            guard var start = plan.planDate else { continue }
            var ceased = plan.rows.contains { !$0["ceased_date"].isEmpty }
            for r in plan.meetings {
                guard let m = r.meeting, let c = r.decisionDate else { continue }
                decisions += 1
                if c - m <= 28 { within28 += 1 }
                switch r.decision {
                case "maintain": maintain += 1
                case "amend": amend += 1
                default: cease += 1; ceased = true
                }
                cycles += 1
                if c > start.endOfTwelveMonthPeriod { lateCycles += 1 }
                start = c
                if r.decision == "amend" {
                    amends += 1
                    if let n = r.notice, n - m <= 28 { noticeWithin28 += 1 }
                    if r.notice == nil { blankNotice += 1 }
                    let base = r.notice ?? c
                    if let a = r.amended {
                        amendedPlans += 1
                        if a - base <= 56 { amendedWithin56 += 1 }
                    } else if asAt - base > 56 {
                        amendedOverdue += 1
                    }
                }
            }
            if !ceased {
                openCycles += 1
                if asAt > start.endOfTwelveMonthPeriod { openOverdue += 1 }
                if asAt - (plan.meetings.last?.meeting ?? start) > 365 { unreviewedOverAYear += 1 }
            }
        }
    }

    var summary: String {
        """
        reviews: decisions \(decisions), within 28 days \(pct(within28, decisions)); maintain \(pct(maintain, decisions)), \
        amend \(pct(amend, decisions)), cease \(pct(cease, decisions)); completed cycles \(cycles), late \(pct(lateCycles, cycles)); \
        open cycles \(openCycles), overdue \(pct(openOverdue, openCycles)), no meeting for over a year \(unreviewedOverAYear); \
        amendment notices within 28 days of the meeting \(pct(noticeWithin28, amends)) (\(blankNotice) blank); \
        amended plans within 56 days \(pct(amendedWithin56, amendedPlans)) of \(amendedPlans), \(amendedOverdue) missing past 56 days
        """
    }
}

@Test func reviewDecisionsAreMostlyOnTimeAndMostlyMaintain() {
    let f = ReviewFigures(reviewPlans, asAt: asAt)
    print(f.summary)
    #expect(f.decisions > 10_000)
    #expect(share(f.within28, f.decisions) > 0.70 && share(f.within28, f.decisions) < 0.82)
    #expect(share(f.maintain, f.decisions) > 0.55 && share(f.maintain, f.decisions) < 0.65)
    #expect(share(f.amend, f.decisions) > 0.30 && share(f.amend, f.decisions) < 0.40)
    #expect(share(f.cease, f.decisions) > 0.03 && share(f.cease, f.decisions) < 0.07)
}

@Test func aboutAQuarterOfReviewCyclesAreLateAndSomePlansAreOverdue() {
    let f = ReviewFigures(reviewPlans, asAt: asAt)
    #expect(share(f.lateCycles, f.cycles) > 0.20 && share(f.lateCycles, f.cycles) < 0.30)
    #expect(share(f.openOverdue, f.openCycles) > 0.05 && share(f.openOverdue, f.openCycles) < 0.20)
    #expect(f.unreviewedOverAYear > 100)
    // Some of the latest meetings are still waiting for their decision (open under the decision clock).
    let waiting = reviewPlans.filter { !$0.isBad && $0.meetings.last.map { $0.decisionDate == nil } ?? false }
    #expect(waiting.count > 30)
}

@Test func amendmentsMostlyFollowTheirDecisionAndMostAmendedPlansComeWithinEightWeeks() {
    let f = ReviewFigures(reviewPlans, asAt: asAt)
    #expect(share(f.noticeWithin28, f.amends) > 0.62 && share(f.noticeWithin28, f.amends) < 0.78)
    #expect(f.blankNotice > 40 && share(f.blankNotice, f.amends) < 0.05)
    #expect(share(f.amendedWithin56, f.amendedPlans) > 0.55 && share(f.amendedWithin56, f.amendedPlans) < 0.70)
    #expect(f.amendedOverdue > 100)
}

// MARK: - Transfers sample

private struct TransferRow {
    let line: Int
    let cells: [String]
    subscript(_ name: String) -> String { cells[TransferGenerator.header.firstIndex(of: name)!] }
    func date(_ name: String) -> Day? { Day(iso: self[name]) }
    var type: String { self["transfer_type"] }
    var transfer: Day? { date("transfer_date") }
    var amended: Day? { date("amended_plan_date") }
}

private let transferGenerator = TransferGenerator(seed: 20_251_031, count: 5_000, asAt: asAt)
private let transferBytes = generated("transfers.csv") { try transferGenerator.write(to: $0) }
private let transferRows: [TransferRow] = plainRows(transferBytes).dropFirst().enumerated().map {
    TransferRow(line: $0.offset + 2, cells: $0.element)
}

private let schoolTypes = ["ey_to_school", "infant_to_junior", "primary_to_middle", "primary_to_secondary", "middle_to_secondary"]
private let allTypes = schoolTypes + ["secondary_to_post16", "post16_to_post16"]

/// The literal reg 18 due date.
private func transferDue(_ type: String, _ transfer: Day) -> Day {
    switch type {
    case "secondary_to_post16": Day(year: transfer.year, month: 3, day: 30)!
    case "post16_to_post16": transfer.addingMonths(-5)
    default: Day(year: transfer.year, month: 2, day: 14)!
    }
}

// MARK: - Transfers

@Test func transfersHeaderIsExactAndEveryRowHasEightPlainCells() {
    let first = transferBytes.prefix { $0 != 10 } + [10]
    #expect(String(decoding: first, as: UTF8.self)
        == "case_id,transfer_type,transfer_date,amended_plan_date,exception_reason,team,caseworker,date_of_birth\n")
    #expect(transferRows.count == 5_000)
    #expect(transferRows.allSatisfy { $0.cells.count == 8 && $0["case_id"].hasPrefix("EHCP") })
    #expect(!transferBytes.contains(13) && !transferBytes.contains(34))
}

@Test func everyTransferTypeIsPresentWeightedTowardsSecondaryAndPost16() {
    var counts: [String: Int] = [:]
    for r in transferRows { counts[r.type, default: 0] += 1 }
    print("transfers by type: \(counts.sorted { $0.value > $1.value })")
    for type in allTypes { #expect(counts[type, default: 0] >= 50, "\(type)") }
    let top = counts.sorted { $0.value > $1.value }.map(\.key)
    #expect(Array(top.prefix(2)) == ["primary_to_secondary", "secondary_to_post16"])
    #expect(share(counts["post16_to_post16", default: 0], transferRows.count) < 0.15)
    #expect(Set(counts.keys) == Set(allTypes + ["primary_to_university"]))
}

@Test func transferDatesAreSeptembersFromThreeYearsBackToNextYearAndPost16DatesSpreadOut() {
    var firstSeptember = 0, otherSeptember = 0, school = 0
    var years: Set<Int> = [], post16Months: Set<Int> = [], post16July31 = 0, post16MonthEnds = 0
    var nextYear = 0, nextYearOpen = 0
    for r in transferRows {
        guard let t = r.transfer else { continue }
        if r.type == "post16_to_post16" {
            post16Months.insert(t.month)
            if t.month == 7 && t.dayOfMonth == 31 { post16July31 += 1 }
            if t.dayOfMonth == Day.daysIn(month: t.month, year: t.year) { post16MonthEnds += 1 }
            continue
        }
        guard allTypes.contains(r.type) else { continue }
        school += 1
        #expect(t.month == 9 && t.dayOfMonth <= 10, "line \(r.line)")
        if t.dayOfMonth == 1 { firstSeptember += 1 } else { otherSeptember += 1 }
        years.insert(t.year)
        if t.year == asAt.year + 1 {
            nextYear += 1
            if r.amended == nil { nextYearOpen += 1 }
        }
    }
    #expect(years == Set((asAt.year - 3)...(asAt.year + 1)))
    #expect(share(firstSeptember, school) > 0.8 && otherSeptember > 50)
    #expect(nextYear > 500 && share(nextYearOpen, nextYear) > 0.8)
    #expect(post16Months.count == 12 && post16July31 > 20 && post16MonthEnds > 80)
}

@Test func noAmendedPlanIsAfterAsAtExceptTheDeliberateBadRows() {
    var after = 0
    for r in transferRows where r.amended.map({ $0 > asAt }) ?? false {
        after += 1
        #expect(transferGenerator.kind(at: r.line - 2) == .bad(.amendedAfterAsAt), "line \(r.line)")
    }
    #expect(after == 15)
}

@Test func aboutFourFifthsOfDueTransfersWereAmendedOnTime() {
    var onTime = 0, late = 0, missing = 0, notYetDue = 0
    for r in transferRows where allTypes.contains(r.type) {
        guard let t = r.transfer, r.amended.map({ $0 <= asAt }) ?? true else { continue }
        let due = transferDue(r.type, t)
        if due >= asAt { notYetDue += 1; continue }
        if let a = r.amended { if a <= due { onTime += 1 } else { late += 1 } } else { missing += 1 }
    }
    let due = onTime + late + missing
    print("transfers: due \(due): on time \(pct(onTime, due)), late \(pct(late, due)), missing \(pct(missing, due)); "
        + "not yet due \(notYetDue)")
    #expect(share(onTime, due) > 0.75 && share(onTime, due) < 0.85)
    #expect(late > 200 && missing > 30)
    #expect(notYetDue > 500)
}

@Test func everyTransferBoundaryCaseIsPresent() {
    var counts: [String: Int] = [:]
    for r in transferRows {
        guard let t = r.transfer, let a = r.amended else { continue }
        let (y, m, d) = a.civil
        if schoolTypes.contains(r.type), y == t.year, m == 2, d == 14 || d == 15 { counts["school \(d) Feb", default: 0] += 1 }
        if r.type == "secondary_to_post16", y == t.year, m == 3, d == 30 || d == 31 { counts["post16 \(d) Mar", default: 0] += 1 }
        if r.type == "post16_to_post16" {
            if a == t.addingMonths(-5) { counts["5 months on", default: 0] += 1 }
            if a == t.addingMonths(-5) + 1 { counts["5 months day after", default: 0] += 1 }
        }
    }
    print("transfer boundary cases: \(counts.sorted { $0.key < $1.key })")
    for key in ["school 14 Feb", "school 15 Feb", "post16 30 Mar", "post16 31 Mar", "5 months on", "5 months day after"] {
        #expect(counts[key, default: 0] >= 12, "\(key)")
    }
}

@Test func everyKindOfBadTransferRowIsPresent() {
    var seen: [String: Int] = [:]
    var duplicates = 0, unknown = 0, blankDate = 0
    for r in transferRows {
        let key = r["case_id"] + "|" + r.type + "|" + r["transfer_date"]
        if seen[key] != nil {
            duplicates += 1
            #expect(transferGenerator.kind(at: r.line - 2) == .bad(.duplicate), "line \(r.line)")
        }
        seen[key, default: 0] += 1
        if r.type == "primary_to_university" { unknown += 1 }
        if r["transfer_date"].isEmpty { blankDate += 1 }
    }
    #expect(duplicates >= 13 && duplicates <= 15)  // (a slot can fall on block starts)
    #expect(unknown == 15 && blankDate == 15)
}

@Test func birthDatesFitTheTransferAge() {
    let ages = ["ey_to_school": 4...5, "infant_to_junior": 7...8, "primary_to_middle": 9...10, "primary_to_secondary": 11...12,
                "middle_to_secondary": 13...14, "secondary_to_post16": 16...17, "post16_to_post16": 17...24]
    for r in transferRows {
        guard let t = r.transfer, let b = r.date("date_of_birth"), let range = ages[r.type] else { continue }
        let years = RequestGenerator.age(born: b, on: t)
        #expect(range.contains(years), "line \(r.line): \(r.type) aged \(years)")
    }
}

// MARK: - SampleData

@Test func sampleDataWritesReviewsAndTransfersWithDerivedSeedsAndLeavesRequestsUnchanged() throws {
    let folder = try TemporaryFolder()
    let names = try SampleData.write(to: folder.path, seed: 77, requests: 200, reviews: 150, transfers: 120, asAt: asAt)
    #expect(names == ["requests.csv", "requests-other-system.csv", "other-system-profile.toml", "reviews.csv", "transfers.csv",
                      "term-dates.csv"])
    #expect(names.allSatisfy { folder.exists($0) })
    let requests = generated("q.csv") { try RequestGenerator(seed: 77, count: 200, asAt: asAt).writeCanonical(to: $0) }
    let plans = generated("r.csv") { try ReviewGenerator(seed: 78, plans: 150, asAt: asAt).write(to: $0) }
    let transfers = generated("t.csv") { try TransferGenerator(seed: 79, count: 120, asAt: asAt).write(to: $0) }
    #expect(fileBytes(folder.path + "/" + SampleData.requestsFile) == requests)
    #expect(fileBytes(folder.path + "/" + SampleData.reviewsFile) == plans)
    #expect(fileBytes(folder.path + "/" + SampleData.transfersFile) == transfers)
    #expect(plainRows(transfers).count == 121)
}

// MARK: - Other as-at dates

@Test(arguments: [(UInt64(3), "2021-02-28"), (UInt64(4), "2024-02-29"), (UInt64(5), "2027-07-31")])
func otherSeedsAndAsAtDatesKeepTheInvariants(seed: UInt64, asAtText: String) {
    let day = Day(iso: asAtText)!
    let sample = ReviewSample(seed: seed, plans: 2_000, asAt: day)
    var badKinds: Set<Int> = []
    for plan in sample.plans {
        let planDate = plan.planDates.min()
        let bad = plan.rows.filter { isBadRow($0, planDate: planDate, asAt: day) }
        if case .bad(let kind) = plan.kind {
            #expect(bad.count == 1 && plan.rows.count >= 2, "\(plan.caseID)")
            badKinds.insert(kind.rawValue)
        } else {
            #expect(bad.isEmpty, "\(plan.caseID)")
            #expect(planDate != nil)
        }
    }
    #expect(badKinds.count == ReviewBadRow.allCases.count)

    let g = TransferGenerator(seed: seed, count: 2_000, asAt: day)
    let rows = plainRows(generated("t.csv") { try g.write(to: $0) }).dropFirst()
    #expect(rows.count == 2_000)
    for (k, r) in rows.enumerated() {
        let amended = Day(iso: r[3])
        if amended.map({ $0 > day }) ?? false { #expect(g.kind(at: k) == .bad(.amendedAfterAsAt)) }
        if g.kind(at: k) == .normal { #expect(allTypes.contains(r[1]) && Day(iso: r[2]) != nil) }
    }
}
