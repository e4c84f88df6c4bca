/// Gathers review rows into plans (a plan's rows may be anywhere in the file) and makes
/// the checks that need the whole plan.
struct ReviewPlans {
    private var index: [String: Int] = [:]
    /// Plans in order of first appearance.
    private var plans: [ReviewPlan] = []

    mutating func add(_ row: ReviewRow) {
        if let i = index[row.caseID] {
            plans[i].rows.append(row)
        } else {
            index[row.caseID] = plans.count
            plans.append(ReviewPlan(caseID: row.caseID, rows: [row]))
        }
    }

    /// The plans ready for the rules, the problems found, and how many rows they reject.
    func checked(context: ExtractContext) -> (plans: [ReviewPlan], problems: [DataQualityProblem], rejectedRows: Int) {
        var out: [ReviewPlan] = []
        var problems: [DataQualityProblem] = []
        var rejected = 0
        func problem(_ row: ReviewRow, _ field: String, _ value: String, _ severity: Severity, _ message: String) {
            problems.append(DataQualityProblem(file: context.file, line: row.line, caseID: row.caseID,
                                               column: context.layout.columnName(field), value: value,
                                               severity: severity, problem: message))
        }
        for plan in plans {
            let dates = plan.rows.compactMap(\.planDate)
            guard let planDate = dates.min() else {
                for row in plan.rows {
                    problem(row, "plan_date", "", .error, "no row of plan \(plan.caseID) has a plan_date, so its reviews cannot be measured; give the date the plan was first issued on at least one row")
                }
                rejected += plan.rows.count
                continue
            }
            var kept: [ReviewRow] = []
            for row in plan.rows {
                if let own = row.planDate, own != planDate {
                    problem(row, "plan_date", own.iso, .warning, "plan \(plan.caseID) has more than one plan_date; the earliest, \(planDate.iso), is used")
                }
                if let meeting = row.meetingDate, meeting < planDate {
                    problem(row, "review_meeting_date", meeting.iso, .error, "review_meeting_date \(meeting.iso) is before the plan date \(planDate.iso)")
                    rejected += 1
                    continue
                }
                kept.append(row)
            }
            if !kept.isEmpty { out.append(ReviewPlan(caseID: plan.caseID, rows: kept)) }
        }
        return (out, problems, rejected)
    }
}
