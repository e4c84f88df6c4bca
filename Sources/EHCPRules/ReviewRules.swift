/// When an annual review counts as complete (statutory-timescales.md, the annual review measure).
public enum ReviewClock: String, Sendable, CaseIterable {
    /// When the authority's decision after the meeting is notified (the default).
    case decision
    /// When the review meeting is held, for councils that measure that way.
    case meeting
}

/// All accepted rows of one plan, gathered from anywhere in the reviews extract.
public struct ReviewPlan: Sendable {
    public var caseID: String
    public var rows: [ReviewRow]

    public init(caseID: String, rows: [ReviewRow]) {
        self.caseID = caseID
        self.rows = rows
    }
}

/// The measures of the reviews extract, timed per plan: every `.reviews` entry of the
/// measure table.
public enum ReviewRules {
    /// Evaluates the review measures of `measures` (by default the annual review chain,
    /// the review decision, the amendment notice and the amended plan) for one plan.
    /// Rows must already be checked against the plan date (see `ReviewPlans`). `sequence`
    /// numbers the results in output order.
    public static func evaluate(_ plan: ReviewPlan, clock: ReviewClock, asAt: Day, sequence: inout Int,
                                measures: MeasureTable = .standard) -> RuleOutcome {
        var out = RuleTimings()
        evaluate(plan, rules: RuleSettings(asAt: asAt, reviewClock: clock, measures: measures), into: &out)
        return RuleOutcome(out, of: plan, sequence: &sequence)
    }

    /// The same, as timings into `out` (emptied first), each with its row in `out.rows`:
    /// the 12-month chain first, then each pass over the meetings (a measure whose clock
    /// starts when the one before it stops is timed with it, meeting by meeting), then
    /// the measures timed once per plan.
    ///
    /// A plan transferred in from another authority (reg 15) is the new authority's from
    /// the earliest `transfer_in_date` of its rows: what the old authority did before
    /// then (meetings, and cycles completed) anchors the chain but is not measured.
    package static func evaluate(_ plan: ReviewPlan, rules: RuleSettings, into out: inout RuleTimings) {
        out.removeAll()
        guard let planDate = plan.rows.compactMap(\.planDate).min(), !plan.rows.isEmpty else { return }
        let meetings: [(index: Int, date: Day)] = plan.rows.indices
            .compactMap { i in plan.rows[i].meetingDate.map { (i, $0) } }
            .sorted { a, b in a.date != b.date ? a.date < b.date : plan.rows[a.index].line < plan.rows[b.index].line }
        let asAt = rules.asAt
        let transferIn = plan.rows.compactMap(\.transferInDate).min()

        for pass in rules.measures.reviewPasses {
            if pass.count == 1, case .annualChain(let transferRule) = pass[0].measure {
                annualChain(pass[0], transferRule: transferRule, plan, planDate: planDate, meetings: meetings,
                            transferIn: transferIn, clock: rules.reviewClock, asAt: asAt, into: &out)
                continue
            }
            if pass.count == 1, case .perPlan(let start, let completion) = pass[0].measure {
                perPlan(pass[0], start: start, completion: completion, plan, asAt: asAt, into: &out)
                continue
            }
            for (i, meeting) in meetings {
                // A meeting before the transfer in was the old authority's: none of its
                // measures are the new authority's (reg 15(3)).
                if let transferIn, meeting < transferIn { continue }
                // The row is read in place: a copy would retain each of its strings.
                for entry in pass {
                    guard case .afterMeeting(let start, let orElse, let completion, let orCompletion, let decided) = entry.measure
                    else { continue }
                    if !plan.rows[i].unusable.isEmpty,
                       let fields = unusableFields(of: plan.rows[i], start: start, orElse: orElse, completion: completion,
                                                   orCompletion: orCompletion, decided: decided) {
                        out.unmeasured.append(Unmeasured(measure: entry.id, fields: fields, row: i))
                        continue
                    }
                    guard decided.admits(plan.rows[i].decision) else { continue }
                    guard let from = start == .meetingDate ? meeting : start.day(of: plan.rows[i]) ?? orElse?.day(of: plan.rows[i])
                    else {
                        noClock(entry, start: start, orElse: orElse, row: plan.rows[i], into: &out)
                        continue
                    }
                    let completed = earlier(completion.day(of: plan.rows[i]), orCompletion?.day(of: plan.rows[i]))
                    add(entry, row: i, of: plan, start: from, due: entry.dueDate.due(from: from), completed: completed,
                        asAt: asAt, to: &out)
                }
            }
        }
    }

    /// The earlier of two dates, or the one given.
    @inline(__always) private static func earlier(_ a: Day?, _ b: Day?) -> Day? {
        guard let a else { return b }
        guard let b else { return a }
        return min(a, b)
    }

    /// A meeting a measure counts but whose clock has no start: no row, and a warning
    /// (an amend decision with neither an amendment notice date nor a decision date).
    @inline(never)
    private static func noClock(_ entry: ReviewEntry, start: ReviewDate, orElse: ReviewDate?, row: ReviewRow, into out: inout RuleTimings) {
        let blank = [start.name] + (orElse.map { [$0.name] } ?? [])
        let decided = row.decision.map { "the review decided \($0.rawValue), but " } ?? ""
        out.warnings.append(RuleWarning(line: row.line, field: start.name, value: "",
                                        message: "\(entry.id.rawValue) is not measured for this review: \(decided)"
                                            + blank.joined(separator: " and ") + (blank.count > 1 ? " are" : " is")
                                            + " blank, so its clock has no start; record the date the proposed amendments were sent"))
    }

    /// The unusable fields a meeting's measure needs (to know whether it counts the meeting,
    /// or for its clock); nil when it needs none of them, or does not count the meeting
    /// whatever they held.
    static func unusableFields(of row: ReviewRow, start: ReviewDate, orElse: ReviewDate?, completion: ReviewDate,
                                       orCompletion: ReviewDate?, decided: CodeMatch<ReviewDecision>) -> [String]? {
        var fields: [String] = []
        if row.unusable.contains("review_decision"), !decided.isAny {
            fields.append("review_decision")
        } else if !decided.admits(row.decision) {
            return nil
        }
        if start != .meetingDate {
            if row.unusable.contains(start.name) { fields.append(start.name) }
            else if start.day(of: row) == nil, let orElse, row.unusable.contains(orElse.name) { fields.append(orElse.name) }
        }
        if row.unusable.contains(completion.name) { fields.append(completion.name) }
        if let orCompletion, row.unusable.contains(orCompletion.name) { fields.append(orCompletion.name) }
        return fields.isEmpty ? nil : fields
    }

    /// A timing of `entry` for row `row`, with the row's exception where the measure
    /// accepts it (a ground it does not accept, or `covid_2020` outside its window, is a
    /// warning and is not applied).
    private static func add(_ entry: ReviewEntry, row: Int, of plan: ReviewPlan, start: Day, due: Day, completed: Day?, asAt: Day,
                            to out: inout RuleTimings) {
        let exception = out.exception(plan.rows[row].exception, of: entry.id, grounds: entry.grounds, due: due,
                                      line: plan.rows[row].line, field: "exception_reason")
        out.timings.append(CaseTiming(measure: entry.id, start: start, due: due, completed: completed, exception: exception, asAt: asAt))
        out.rows.append(row)
    }

    /// One clock for the plan (`ReviewMeasure.perPlan`): from the earliest `start` of its
    /// rows (timed on the first row that gives it) to the earliest `completion`.
    private static func perPlan(_ entry: ReviewEntry, start: ReviewDate, completion: ReviewDate, _ plan: ReviewPlan, asAt: Day,
                                into out: inout RuleTimings) {
        var chosen: (row: Int, day: Day)?
        for i in plan.rows.indices {
            guard let d = start.day(of: plan.rows[i]) else { continue }
            if chosen.map({ d < $0.day }) ?? true { chosen = (i, d) }
        }
        guard let (row, from) = chosen else {
            if let u = plan.rows.firstIndex(where: { $0.unusable.contains(start.name) }) {
                out.unmeasured.append(Unmeasured(measure: entry.id, fields: [start.name], row: u))
            }
            return
        }
        let completed = plan.rows.compactMap { completion.day(of: $0) }.min()
        if completed == nil, let u = plan.rows.firstIndex(where: { $0.unusable.contains(completion.name) }) {
            // The completion was recorded but cannot be used: when it was is not known.
            out.unmeasured.append(Unmeasured(measure: entry.id, fields: [completion.name], row: u))
            return
        }
        add(entry, row: row, of: plan, start: from, due: entry.dueDate.due(from: from), completed: completed, asAt: asAt, to: &out)
    }

    /// The 12-month chain (`ReviewMeasure.annualChain`): each cycle starts with the plan
    /// date or the previous completion. A plan has ceased when a row has a ceased date or
    /// its last completed review decided to cease; a cease followed by a review that
    /// maintained or amended the plan (an appeal won, a decision reversed) does not stop
    /// the chain. For a plan transferred in on `transferIn`, cycles completed before it
    /// are the old authority's and are not written; the first cycle after it is due as
    /// `transferRule` says (reg 15(5)).
    private static func annualChain(_ entry: ReviewEntry, transferRule: TransferInReview?, _ plan: ReviewPlan, planDate: Day,
                                    meetings: [(index: Int, date: Day)], transferIn: Day?, clock: ReviewClock, asAt: Day,
                                    into out: inout RuleTimings) {
        let rows = plan.rows
        var start = planDate
        var leapDayStart: Day?
        var openRow = meetings.last?.index ?? 0
        // The row of the review that completed last: its decision says whether the plan ceased.
        var lastCompleted: Int?
        // The first cycle the new authority measures gets reg 15(5)'s due date.
        var owedAfterTransfer = transferIn != nil && transferRule != nil
        func due(from start: Day) -> Day {
            let twelve = entry.dueDate.due(from: start)
            guard owedAfterTransfer, let transferIn, let transferRule else { return twelve }
            owedAfterTransfer = false
            return transferRule.due(twelveMonthDue: twelve, transfer: transferIn)
        }
        for (i, (index, meetingDate)) in meetings.enumerated() {
            // A completion that could not be read leaves this cycle, and every cycle after
            // it (each starts where the one before ended), unmeasured.
            if clock == .decision, rows[index].unusable.contains(ReviewDate.decisionDate.name) {
                out.unmeasured.append(Unmeasured(measure: entry.id, fields: [ReviewDate.decisionDate.name], row: index))
                return
            }
            let completion = clock == .decision ? rows[index].decisionDate : rows[index].meetingDate
            guard let completion else {
                if i < meetings.count - 1 {
                    out.warnings.append(RuleWarning(line: rows[index].line, field: "review_decision_date", value: "",
                                         message: "the review meeting on \(meetingDate.iso) has no decision, and a later meeting follows; under the decision clock its cycle runs on to the next meeting with a decision"))
                    continue
                }
                openRow = index
                break
            }
            if start.isLeapDay { leapDayStart = leapDayStart ?? start }
            if let transferIn, completion < transferIn {
                // The old authority's review: it anchors the chain, and is not measured.
            } else {
                add(entry, row: index, of: plan, start: start, due: due(from: start), completed: completion, asAt: asAt, to: &out)
            }
            start = completion
            lastCompleted = index
        }
        var ceased = rows.contains { $0.ceasedDate != nil }
        var unknown: Unmeasured?
        if !ceased, let last = lastCompleted {
            if rows[last].unusable.contains("review_decision") {
                // Whether the last review ceased the plan, and so whether a cycle is open, is not known.
                unknown = Unmeasured(measure: entry.id, fields: ["review_decision"], row: last)
            } else if rows[last].decision == .cease {
                ceased = true
                if let k = meetings.firstIndex(where: { $0.index == last }), k + 1 < meetings.count {
                    let next = meetings[k + 1]
                    out.warnings.append(RuleWarning(line: rows[next.index].line, field: "review_meeting_date", value: next.date.iso,
                                         message: "this meeting follows a review that decided to cease the plan and has no decision yet; until a later review maintains or amends the plan, it counts as ceased and no review cycle is open"))
                }
            }
        }
        if !ceased, unknown == nil, let u = rows.firstIndex(where: { $0.unusable.contains(ReviewDate.ceasedDate.name) }) {
            // The open cycle runs only if the plan has not ceased, which is not known.
            unknown = Unmeasured(measure: entry.id, fields: [ReviewDate.ceasedDate.name], row: u)
        }
        if let unknown {
            out.unmeasured.append(unknown)
        } else if !ceased {
            if start.isLeapDay { leapDayStart = leapDayStart ?? start }
            add(entry, row: openRow, of: plan, start: start, due: due(from: start), completed: nil, asAt: asAt, to: &out)
        }
        if let leap = leapDayStart {
            out.warnings.append(RuleWarning(line: rows[0].line, field: "plan_date", value: leap.iso,
                                 message: "a review cycle starts on 29 February (\(leap.iso)); the law does not settle when 12 months starting then ends, and the tool uses \(entry.dueDate.due(from: leap).iso)"))
        }
    }

    /// What a reviews row records that no measure times, or times otherwise than the
    /// reader might expect, as warnings (`warn(field, value, message)`). Called by the
    /// row's reader, as it reads; `decisionText` is the decision cell as written.
    package static func unmeasuredDates(decision: ReviewDecision?, decisionDateBlank: Bool, decisionText: @autoclosure () -> String,
                                        amendmentNoticeDate notice: Day?, amendedPlanDate amended: Day?,
                                        noAmendmentDate noAmendment: Day? = nil,
                                        _ warn: (String, String, String) -> Void) {
        if decision != nil, decisionDateBlank {
            warn("review_decision", decisionText(), "the decision has no review_decision_date: under the decision clock the review is not complete until it is notified")
        }
        if decision != .amend, notice != nil || amended != nil || noAmendment != nil {
            let (field, day) = notice.map { ("amendment_notice_date", $0) } ?? amended.map { ("amended_plan_date", $0) }
                ?? ("no_amendment_date", noAmendment!)
            warn(field, day.iso, "amendment dates are recorded but the review decision is not amend; they are not measured")
        }
        if let a = amended, let n = noAmendment {
            warn("no_amendment_date", n.iso, "both amended_plan_date \(a.iso) and no_amendment_date \(n.iso) are given, but the authority either amends the plan or decides not to (reg 22(3), (4)); the earlier, \(min(a, n).iso), completes \(MeasureID.amendedPlan8w.rawValue)")
        }
    }
}

extension RuleOutcome {
    /// A plan's timings as results: each with the facts of its row, its age band reckoned
    /// on its clock's start, numbered from `sequence` on.
    package init(_ t: RuleTimings, of plan: ReviewPlan, sequence: inout Int) {
        self.init(warnings: t.warnings)
        results.reserveCapacity(t.timings.count)
        for (timing, index) in zip(t.timings, t.rows) {
            // The row is read in place: a copy would retain each of its strings.
            results.append(CaseResult(timing, CaseFacts(caseID: plan.caseID, line: plan.rows[index].line, sequence: sequence,
                                                        dimensions: plan.rows[index].cohort.values(on: timing.ageReference),
                                                        team: plan.rows[index].cohort.team,
                                                        caseworker: plan.rows[index].cohort.caseworker)))
            sequence += 1
        }
    }
}
