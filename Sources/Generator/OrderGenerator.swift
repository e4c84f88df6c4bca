import EHCPOutputs
import EHCPStore
import EHCPRules

/// Synthetic First-tier Tribunal orders and unopposed appeals (`--orders`, regs 44 and
/// 45): `count` random orders over the three years before `asAt`, then the deliberate
/// rows every sample needs, so that each order measure has its last on-time day and its
/// first late day, an order of each type, an unopposed appeal, an order to assess that
/// ends in a no-plan notice and one that ends in a plan, an order dated 31 January, each
/// reg 44(3) ground and one that is not a ground, and two rows the analyser must reject
/// or partly read (an unknown order type; a notice before its order).
///
/// Deterministic: the same seed, count and as-at date give the same bytes. Fictional data.
public struct OrderGenerator: Sendable {
    public let seed: UInt64
    public let count: Int
    public let asAt: Day

    public init(seed: UInt64, count: Int, asAt: Day) {
        self.seed = seed; self.count = count; self.asAt = asAt
    }

    public static let header = "case_id,person_id,order_date,order_type,order_source,notice_date,no_plan_date,draft_plan_date,"
        + "final_plan_date,amended_plan_date,exception_reason,team"

    /// One row, as text cells.
    package struct Row: Sendable, Equatable {
        var caseID: String
        var person: String
        var orderDate: String
        var type: String
        var source = ""
        var notice = "", noPlan = "", draft = "", final = "", amended = ""
        var exception = ""
        var team: String

        var line: String {
            [caseID, person, orderDate, type, source, notice, noPlan, draft, final, amended, exception, team].joined(separator: ",")
        }
    }

    /// Days from the order to each completion, by measure, from the measure table.
    static func limit(_ id: MeasureID) -> Int { id.definition.dueDate.days ?? 0 }

    /// Every row: the random ones, then the deliberate ones.
    package var rows: [Row] {
        var rng = SplitMix64(seed: seed)
        var rows: [Row] = []
        let teams = RequestGenerator.teams
        let span = 3 * 365
        // A completion `limit` days or so after `start`, or blank when it had not happened by the as-at date.
        func completion(_ start: Day, limit: Int) -> String {
            // Mostly on time, a third late, some very late.
            let roll = rng.below(100)
            let days = roll < 62 ? rng.int(in: max(1, limit / 3)...limit)
                : roll < 92 ? rng.int(in: (limit + 1)...(limit + limit / 2 + 7)) : rng.int(in: (limit + 8)...(limit * 3))
            let d = start + days
            return d <= asAt ? d.iso : ""
        }
        for i in 0..<count {
            let order = asAt - rng.int(in: 0...span)
            var row = Row(caseID: "TO\(String(format6: i + 1))", person: "P\(String(format6: 40_000 + rng.below(9000)))",
                          orderDate: order.iso, type: "", team: teams[rng.below(teams.count)])
            if rng.chance(perMille: 300) { row.source = "unopposed" } else if rng.chance(perMille: 500) { row.source = "tribunal" }
            let t = rng.below(100)
            switch t {
            case ..<35:
                row.type = OrderType.assess.rawValue
                row.notice = completion(order, limit: Self.limit(.tribunalAssessNotice2w))
                if !row.notice.isEmpty {
                    if rng.chance(perMille: 150) {
                        row.noPlan = completion(order, limit: Self.limit(.tribunalNoPlan10w))
                    } else {
                        row.final = completion(order, limit: Self.limit(.tribunalFinalPlan14w))
                    }
                }
            case ..<55:
                row.type = OrderType.makePlan.rawValue
                row.draft = completion(order, limit: Self.limit(.tribunalDraftPlan5w))
                if !row.draft.isEmpty { row.final = completion(order, limit: Self.limit(.tribunalFinalPlan11w)) }
                if let d = Day(iso: row.draft), let f = Day(iso: row.final), f < d { row.final = d.iso }
            case ..<80:
                row.type = OrderType.amendProvision.rawValue
                row.amended = completion(order, limit: Self.limit(.tribunalAmendedPlan5w))
            case ..<92:
                row.type = OrderType.amendPlacement.rawValue
                row.amended = completion(order, limit: Self.limit(.tribunalPlacement2w))
            default:
                row.type = OrderType.maintain.rawValue
            }
            if rng.chance(perMille: 40) {
                let grounds = ExceptionGrounds.tribunalOrder.accepted.filter { $0 != .covid2020 }
                row.exception = grounds[rng.below(grounds.count)].rawValue
            }
            rows.append(row)
        }
        rows += deliberate
        return rows
    }

    /// The boundary rows, dated from a fixed order date well before `asAt`.
    package var deliberate: [Row] {
        var rows: [Row] = []
        let base = Day(year: asAt.year - 1, month: 3, day: 3) ?? asAt - 400
        var n = 0
        func row(_ type: OrderType, _ order: Day, source: String = "", _ fill: (inout Row) -> Void) {
            n += 1
            var r = Row(caseID: "TOB\(String(format6: n))", person: "P\(String(format6: 90_000 + n))", orderDate: order.iso,
                        type: type.rawValue, source: source, team: RequestGenerator.teams[n % RequestGenerator.teams.count])
            fill(&r)
            rows.append(r)
        }
        // Each measure's last on-time day and first late day.
        for late in [0, 1] {
            row(.assess, base) { $0.notice = (base + Self.limit(.tribunalAssessNotice2w) + late).iso
                $0.noPlan = (base + Self.limit(.tribunalNoPlan10w) + late).iso }
            row(.assess, base) { $0.notice = (base + 3).iso; $0.final = (base + Self.limit(.tribunalFinalPlan14w) + late).iso }
            row(.makePlan, base) { $0.draft = (base + Self.limit(.tribunalDraftPlan5w) + late).iso
                $0.final = (base + Self.limit(.tribunalFinalPlan11w) + late).iso }
            row(.amendProvision, base) { $0.amended = (base + Self.limit(.tribunalAmendedPlan5w) + late).iso }
            row(.amendPlacement, base) { $0.amended = (base + Self.limit(.tribunalPlacement2w) + late).iso }
        }
        // Unopposed appeals: the clock starts when the authority told the Tribunal.
        row(.assess, base + 7, source: "unopposed") { $0.notice = (base + 21).iso; $0.final = (base + 7 + 98).iso }
        row(.amendProvision, base + 7, source: "unopposed") { $0.amended = (base + 7 + 36).iso }
        // An order dated 31 January: 2 weeks end on 14 February.
        let jan31 = Day(year: asAt.year - 1, month: 1, day: 31) ?? base
        row(.amendPlacement, jan31) { $0.amended = (jan31 + 14).iso }
        row(.assess, jan31) { $0.notice = (jan31 + 15).iso }
        // An order to maintain: no clock.
        row(.maintain, base) { _ in }
        // Grounds: each reg 44(3) ground applied on a late case, and one the regulation does not give.
        for ground in ["personal_circumstances", "absent_from_area", "late_representations", "school_closure"] {
            row(.amendProvision, base) { $0.amended = (base + 60).iso; $0.exception = ground }
        }
        // Open orders, one in time and one overdue on the as-at date.
        row(.makePlan, asAt - 10) { _ in }
        row(.amendPlacement, asAt - 30) { _ in }
        // Rows the analyser must reject or read in part.
        row(.assess, base) { $0.type = "appeal dismissed" }
        row(.amendProvision, base) { $0.amended = (base - 3).iso }
        return rows
    }

    public var text: String { ([Self.header] + rows.map(\.line)).joined(separator: "\n") + "\n" }

    public func write(to path: String) throws { try OutputFolder.writeFile(path, text) }
}

/// Synthetic requests to re-assess an existing plan (`--reassessments`, regs 25 and 27):
/// `count` random requests over the three years before `asAt`, then deliberate rows for
/// each measure's last on-time and first late day (a decision on day 15 and on day 16, a
/// final plan on week 14's last day and the day after), a refusal, a decision to
/// re-assess with no date, each exception ground and an unknown decision.
public struct ReassessmentGenerator: Sendable {
    public let seed: UInt64
    public let count: Int
    public let asAt: Day

    public init(seed: UInt64, count: Int, asAt: Day) {
        self.seed = seed; self.count = count; self.asAt = asAt
    }

    public static let header = "case_id,person_id,request_date,decision_date,decision,final_plan_date,exception_reason,team"

    package struct Row: Sendable, Equatable {
        var caseID: String, person: String, request: String
        var decisionDate = "", decision = "", final = "", exception = ""
        var team: String
        var line: String { [caseID, person, request, decisionDate, decision, final, exception, team].joined(separator: ",") }
    }

    static var decisionDays: Int { MeasureID.reassessmentDecision15d.definition.dueDate.days ?? 15 }
    static var finalDays: Int { MeasureID.reassessmentFinalPlan14w.definition.dueDate.days ?? 98 }

    package var rows: [Row] {
        var rng = SplitMix64(seed: seed)
        var rows: [Row] = []
        let teams = RequestGenerator.teams
        for i in 0..<count {
            let request = asAt - rng.int(in: 0...(3 * 365))
            var row = Row(caseID: "RA\(String(format6: i + 1))", person: "P\(String(format6: 30_000 + rng.below(9000)))",
                          request: request.iso, team: teams[rng.below(teams.count)])
            let decided = request + (rng.chance(perMille: 700) ? rng.int(in: 3...Self.decisionDays) : rng.int(in: 16...45))
            if decided <= asAt {
                row.decisionDate = decided.iso
                if rng.chance(perMille: 650) {
                    row.decision = ReassessmentDecision.reassess.rawValue
                    let roll = rng.below(100)
                    let final = decided + (roll < 55 ? rng.int(in: 50...Self.finalDays) : rng.int(in: (Self.finalDays + 1)...200))
                    if final <= asAt { row.final = final.iso }
                } else {
                    row.decision = ReassessmentDecision.refuse.rawValue
                }
            }
            if rng.chance(perMille: 30) {
                let grounds: [ExceptionCode] = [.personalCircumstances, .absentFromArea, .earlyYearsClosure]
                row.exception = grounds[rng.below(grounds.count)].rawValue
            }
            rows.append(row)
        }
        rows += deliberate
        return rows
    }

    package var deliberate: [Row] {
        var rows: [Row] = []
        let base = Day(year: asAt.year - 1, month: 3, day: 3) ?? asAt - 400
        var n = 0
        func row(_ request: Day, _ fill: (inout Row) -> Void) {
            n += 1
            var r = Row(caseID: "RAB\(String(format6: n))", person: "P\(String(format6: 95_000 + n))", request: request.iso,
                        team: RequestGenerator.teams[n % RequestGenerator.teams.count])
            fill(&r)
            rows.append(r)
        }
        for late in [0, 1] {
            // Decided on day 15 (on time) and day 16 (late); a refusal has no 14-week clock.
            row(base) { $0.decisionDate = (base + Self.decisionDays + late).iso; $0.decision = "refuse" }
            // Re-assessed: the final plan on the 14-week clock's last day and the day after.
            row(base) { $0.decisionDate = (base + 10).iso; $0.decision = "reassess"
                $0.final = (base + 10 + Self.finalDays + late).iso }
        }
        // A decision to re-assess whose date is missing: a warning, no 14-week clock.
        row(base) { $0.decision = "reassess" }
        // Grounds: reg 27(3) accepts personal circumstances; late_representations is reg 44(3)'s only.
        row(base) { $0.decisionDate = (base + 12).iso; $0.decision = "reassess"; $0.final = (base + 150).iso
            $0.exception = "personal_circumstances" }
        row(base) { $0.decisionDate = (base + 12).iso; $0.decision = "reassess"; $0.final = (base + 150).iso
            $0.exception = "late_representations" }
        // Open on the as-at date: in time, and overdue.
        row(asAt - 5) { _ in }
        row(asAt - 40) { _ in }
        // An unknown decision: read as blank; the 14-week measure is not measured.
        row(base) { $0.decisionDate = (base + 9).iso; $0.decision = "agreed in part"; $0.final = (base + 80).iso }
        // A request with no date: rejected.
        row(base) { $0.request = "" }
        return rows
    }

    public var text: String { ([Self.header] + rows.map(\.line)).joined(separator: "\n") + "\n" }

    public func write(to path: String) throws { try OutputFolder.writeFile(path, text) }
}

extension String {
    /// `n` as six digits, zero-padded (no Foundation formatting: the same on every platform).
    init(format6 n: Int) {
        let digits = String(n)
        self = String(repeating: "0", count: Swift.max(0, 6 - digits.count)) + digits
    }
}
