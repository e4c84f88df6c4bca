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
    /// starts when the one before it stops is timed with it, meeting by meeting).
    package static func evaluate(_ plan: ReviewPlan, rules: RuleSettings, into out: inout RuleTimings) {
        out.removeAll()
        guard let planDate = plan.rows.compactMap(\.planDate).min(), !plan.rows.isEmpty else { return }
        let meetings: [(index: Int, date: Day)] = plan.rows.indices
            .compactMap { i in plan.rows[i].meetingDate.map { (i, $0) } }
            .sorted { a, b in a.date != b.date ? a.date < b.date : plan.rows[a.index].line < plan.rows[b.index].line }
        let asAt = rules.asAt

        for pass in rules.measures.reviewPasses {
            if pass.count == 1, case .annualChain = pass[0].measure {
                annualChain(pass[0], plan, planDate: planDate, meetings: meetings, clock: rules.reviewClock, asAt: asAt, into: &out)
                continue
            }
            for (i, meeting) in meetings {
                // The row is read in place: a copy would retain each of its strings.
                for entry in pass {
                    guard case .afterMeeting(let start, let orElse, let completion, let decided) = entry.measure else { continue }
                    if !plan.rows[i].unusable.isEmpty,
                       let fields = unusableFields(of: plan.rows[i], start: start, orElse: orElse, completion: completion, decided: decided) {
                        out.unmeasured.append(Unmeasured(measure: entry.id, fields: fields, row: i))
                        continue
                    }
                    guard decided.admits(plan.rows[i].decision),
                          let from = start == .meetingDate ? meeting : start.day(of: plan.rows[i]) ?? orElse?.day(of: plan.rows[i])
                    else { continue }
                    add(entry.id, row: i, start: from, due: entry.dueDate.due(from: from),
                        completed: completion.day(of: plan.rows[i]), asAt: asAt, to: &out)
                }
            }
        }
    }

    /// The unusable fields a meeting's measure needs (to know whether it counts the meeting,
    /// or for its clock); nil when it needs none of them, or does not count the meeting
    /// whatever they held.
    private static func unusableFields(of row: ReviewRow, start: ReviewDate, orElse: ReviewDate?, completion: ReviewDate,
                                       decided: CodeMatch<ReviewDecision>) -> [String]? {
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
        return fields.isEmpty ? nil : fields
    }

    private static func add(_ id: MeasureID, row: Int, start: Day, due: Day, completed: Day?, asAt: Day, to out: inout RuleTimings) {
        out.timings.append(CaseTiming(measure: id, start: start, due: due, completed: completed, exception: nil, asAt: asAt))
        out.rows.append(row)
    }

    /// The 12-month chain (`ReviewMeasure.annualChain`): each cycle starts with the plan
    /// date or the previous completion.
    private static func annualChain(_ entry: ReviewEntry, _ plan: ReviewPlan, planDate: Day, meetings: [(index: Int, date: Day)],
                                    clock: ReviewClock, asAt: Day, into out: inout RuleTimings) {
        let rows = plan.rows
        var start = planDate
        var ceased = rows.contains { $0.ceasedDate != nil }
        var leapDayStart: Day?
        var openRow = meetings.last?.index ?? 0
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
            add(entry.id, row: index, start: start, due: entry.dueDate.due(from: start), completed: completion, asAt: asAt, to: &out)
            start = completion
            // Whether the review ceased the plan, and so whether a next cycle runs, is not known.
            if rows[index].unusable.contains("review_decision") {
                out.unmeasured.append(Unmeasured(measure: entry.id, fields: ["review_decision"], row: index))
                return
            }
            if rows[index].decision == .cease {
                ceased = true
                if i < meetings.count - 1 {
                    let next = meetings[i + 1]
                    out.warnings.append(RuleWarning(line: rows[next.index].line, field: "review_meeting_date", value: next.date.iso,
                                         message: "this meeting follows a review that decided to cease the plan"))
                }
                break
            }
        }
        if !ceased, let unknown = rows.firstIndex(where: { $0.unusable.contains(ReviewDate.ceasedDate.name) }) {
            // The open cycle runs only if the plan has not ceased, which is not known.
            out.unmeasured.append(Unmeasured(measure: entry.id, fields: [ReviewDate.ceasedDate.name], row: unknown))
        } else if !ceased {
            if start.isLeapDay { leapDayStart = leapDayStart ?? start }
            add(entry.id, row: openRow, start: start, due: entry.dueDate.due(from: start), completed: nil, asAt: asAt, to: &out)
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
                                        _ warn: (String, String, String) -> Void) {
        if decision != nil, decisionDateBlank {
            warn("review_decision", decisionText(), "the decision has no review_decision_date: under the decision clock the review is not complete until it is notified")
        }
        if decision != .amend, notice != nil || amended != nil {
            warn(notice != nil ? "amendment_notice_date" : "amended_plan_date", (notice ?? amended)?.iso ?? "",
                 "amendment dates are recorded but the review decision is not amend; they are not measured")
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
