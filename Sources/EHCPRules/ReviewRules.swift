/// When an annual review counts as complete (statutory-timescales.md, `annual-review-12m`).
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

/// The annual review chain and the post-review measures of one plan.
public enum ReviewRules {
    /// Evaluates `annual-review-12m`, `review-decision-4w`, `amendment-notice-4w` and
    /// `amended-plan-8w` for one plan. Rows must already be checked against the plan date
    /// (see `ReviewPlans`). `sequence` numbers the results in output order.
    public static func evaluate(_ plan: ReviewPlan, clock: ReviewClock, asAt: Day, sequence: inout Int) -> RuleOutcome {
        var out = RuleOutcome()
        guard let planDate = plan.rows.compactMap(\.planDate).min(), let first = plan.rows.first else { return out }
        let meetings: [(row: ReviewRow, date: Day)] = plan.rows
            .compactMap { row in row.meetingDate.map { (row, $0) } }
            .sorted { a, b in a.date != b.date ? a.date < b.date : a.row.line < b.row.line }

        // Every review measure's due date follows from its start by the measure table.
        func add(_ measure: MeasureID, _ row: ReviewRow, start: Day, completed: Day?, ageOn: Day?) {
            let due = measure.definition.dueDate.due(from: start)
            out.results.append(CaseResult(
                measure: measure, caseID: plan.caseID, line: row.line, sequence: sequence, start: start, due: due,
                completed: completed, status: Deadline.status(due: due, completed: completed, asAt: asAt),
                exception: nil, dimensions: row.cohort.values(on: ageOn), team: row.cohort.team,
                caseworker: row.cohort.caseworker))
            sequence += 1
        }

        // The 12-month chain: each cycle starts with the plan date or the previous completion.
        var start = planDate
        var ceased = plan.rows.contains { $0.ceasedDate != nil }
        var leapDayStart: Day?
        var openRow = meetings.last?.row ?? first
        for (i, (m, meetingDate)) in meetings.enumerated() {
            let completion = clock == .decision ? m.decisionDate : m.meetingDate
            guard let completion else {
                if i < meetings.count - 1 {
                    out.warnings.append(RuleWarning(line: m.line, field: "review_decision_date", value: "",
                                         message: "the review meeting on \(meetingDate.iso) has no decision, and a later meeting follows; under the decision clock its cycle runs on to the next meeting with a decision"))
                    continue
                }
                openRow = m
                break
            }
            if start.isLeapDay { leapDayStart = leapDayStart ?? start }
            add(.annualReview12m, m, start: start, completed: completion, ageOn: start)
            start = completion
            if m.decision == .cease {
                ceased = true
                if i < meetings.count - 1 {
                    let next = meetings[i + 1]
                    out.warnings.append(RuleWarning(line: next.row.line, field: "review_meeting_date", value: next.date.iso,
                                         message: "this meeting follows a review that decided to cease the plan"))
                }
                break
            }
        }
        if !ceased {
            if start.isLeapDay { leapDayStart = leapDayStart ?? start }
            add(.annualReview12m, openRow, start: start, completed: nil, ageOn: start)
        }
        if let leap = leapDayStart {
            out.warnings.append(RuleWarning(line: first.line, field: "plan_date", value: leap.iso,
                                 message: "a review cycle starts on 29 February (\(leap.iso)); the law does not settle when 12 months starting then ends, and the tool uses \(leap.endOfTwelveMonthPeriod.iso)"))
        }

        // After each meeting: the decision, and for "amend" the notice and the amended plan.
        for (m, meeting) in meetings {
            add(.reviewDecision4w, m, start: meeting, completed: m.decisionDate, ageOn: meeting)
        }
        for (m, meeting) in meetings where m.decision == .amend {
            add(.amendmentNotice4w, m, start: meeting, completed: m.amendmentNoticeDate, ageOn: meeting)
            if let noticeStart = m.amendmentNoticeDate ?? m.decisionDate {
                add(.amendedPlan8w, m, start: noticeStart, completed: m.amendedPlanDate, ageOn: noticeStart)
            }
        }
        return out
    }
}
