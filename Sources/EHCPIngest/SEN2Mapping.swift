import EHCPRules

/// The plan of a `<Requests>` element's `<ActivePlans>`: what its review and phase
/// transfer cases are made of (extract-format.md, "The SEN2 return").
public struct SEN2Plan: Sendable, Equatable {
    /// Line of the `<ActivePlans>` start tag.
    public var line: Int
    /// `ReviewMeeting`: opens a review-decision-4w case.
    public var meeting: Day?
    /// `LastReview` when on or after the meeting: completes that case.
    public var decision: Day?
    /// Start of the plan's open annual-review-12m cycle: `LastReview`, else the plan's
    /// `StartDate` when it was never reviewed; nil when the plan has no review items or
    /// was ceased at its last review (`ReviewOutcome` C).
    public var cycleStart: Day?
    /// `PhaseTransferDueDate`, taken as the due date (not recomputed).
    public var transferDue: Day?
    /// `PhaseTransferFinalDate`.
    public var transferFinal: Day?
    /// What the items above are made of, kept so that the plan can be read as a return
    /// taken on an earlier day would have held it (`asOf`, for backlog.csv):
    /// `LastReview`, `ReviewOutcome`, the day an unreviewed plan's cycle starts
    /// (`StartDate`, else the plan's `AssessmentOutcomeDate`), whether the plan has
    /// review items at all, and `ReceivedDate` (nil when it could not be read).
    public var lastReview: Day?
    public var reviewOutcome: String?
    public var planStart: Day?
    public var hasReviewItems = false
    public var received: Day?

    /// The plan as a return taken on `day` would have held it: every item dated after
    /// `day` blank (`ReviewOutcome` with its `LastReview`), the mapping's own choices
    /// made again on what is left. nil when the `<Requests>` was not yet received.
    public func asOf(_ day: Day) -> SEN2Plan? {
        if let received, received > day { return nil }
        func by(_ d: Day?) -> Day? { d.flatMap { $0 <= day ? $0 : nil } }
        var p = self
        p.meeting = by(meeting)
        p.lastReview = by(lastReview)
        if lastReview != nil, p.lastReview == nil { p.reviewOutcome = nil }
        p.decision = nil
        if let m = p.meeting, let l = p.lastReview, l >= m { p.decision = l }
        // Review items the return had on `day`: those dated by then, and any undated
        // (an outcome without a LastReview, or an item whose date could not be read).
        let undated = hasReviewItems && meeting == nil && lastReview == nil
        let reviewed = p.meeting != nil || p.lastReview != nil || (p.reviewOutcome != nil && lastReview == nil) || undated
        p.cycleStart = reviewed && p.reviewOutcome != "C" ? (p.lastReview ?? by(planStart)) : nil
        p.transferFinal = by(transferFinal)
        return p
    }
}

/// What one `<Requests>` element gives the rules.
public struct SEN2Case: Sendable {
    /// `{person_id}/{ReceivedDate}` (`#2`, `#3` for a person's later requests of the same
    /// day), pseudonymised when `--pseudonymise` is given; the person id alone when the
    /// `ReceivedDate` is missing (an unreadable one is kept as written, to find the element).
    public var caseID: String
    /// Line of the `<Requests>` start tag.
    public var line: Int
    /// The request as the requests extract would give it; nil when the `<Requests>` is rejected.
    public var request: RequestRecord?
    /// Request measures this request is left out of: all three for `RequestOutcome` W,
    /// the 6-week measure for H, the 16- and 20-week measures for `AssessmentOutcome` W or H.
    public var leftOut: [MeasureID] = []
    /// `Exported`: the request moved to another authority, a withdrawal (the catalogue's
    /// "Exclusions"): its measures still open are left out; those completed stand.
    public var exported = false
    /// The plan's review and transfer items; nil when there is no `<ActivePlans>` or it
    /// was rejected.
    public var plan: SEN2Plan?
    /// Errors (each rejects its element) and warnings, each naming the element, value,
    /// case and line.
    public var problems: [DataQualityProblem] = []
}

/// Maps the `<Requests>` of one person onto the records the rules read: the mapping table
/// of extract-format.md, "The SEN2 return", and its data-quality rules. Pure: text in,
/// records and problems out.
public struct SEN2Mapper: Sendable {
    public let file: String
    public let asAt: Day
    public let dates: DateParser
    public let pseudonymiser: Pseudonymiser?
    /// The number of `--by` columns: a return offers no dimension, so each is `unknown`.
    public let byCount: Int

    /// Every request's cohort: `unknown` in each `--by` column (made once, not per request).
    private let cohort: Cohort

    public init(file: String, asAt: Day, dates: DateParser = .automatic, pseudonymiser: Pseudonymiser? = nil, byCount: Int = 0) {
        self.file = file; self.asAt = asAt; self.dates = dates; self.pseudonymiser = pseudonymiser; self.byCount = byCount
        cohort = Cohort(values: Array(repeating: Cohort.unknown, count: byCount), ageBandSlots: [])
    }

    /// The canonical requests field each SEN2 element stands for: a rule's warning names
    /// the canonical field, data-quality.csv the element.
    public static let elementOfField: [String: String] = [
        "request_date": "ReceivedDate", "assessment_decision_date": "RequestOutcomeDate",
        "assessment_decision": "RequestOutcome", "plan_decision_date": "AssessmentOutcomeDate",
        "plan_decision": "AssessmentOutcome", "final_plan_date": "AssessmentOutcomeDate",
        "exception_reason": "Week20", "case_id": "ReceivedDate",
    ]

    /// One person's requests, in document order.
    public func map(_ requests: [SEN2Request]) -> [SEN2Case] {
        var cases: [SEN2Case] = []
        forEachCase(requests) { cases.append($0) }
        return cases
    }

    /// One person's requests, in document order, each handed to `body` as it is mapped
    /// (what `map` gives, without an array of cases per person).
    public func forEachCase(_ requests: [SEN2Request], _ body: (SEN2Case) throws -> Void) rethrows {
        var seen: [String: Int] = [:]
        for k in requests.indices { try body(map(requests, at: k, seen: &seen)) }
    }

    /// The case of `requests[k]`, one of a person's requests taken in document order:
    /// `seen` counts the ids of those before it (an empty dictionary for the first).
    /// A caller that changes itself for each case maps them one by one with this, not
    /// `forEachCase`, whose closure would need its own copy of the mapper (a copy a person
    /// showed in the profile).
    public func map(_ requests: [SEN2Request], at k: Int, seen: inout [String: Int]) -> SEN2Case {
        let key = requests[k].personID + "/" + (requests[k].receivedDate?.value ?? "")
        // Most persons have one request: its id needs no count of those before it.
        if requests.count == 1 { return map(requests, at: k, caseID: key) }
        let n = (seen[key] ?? 0) + 1
        seen[key] = n
        return map(requests, at: k, caseID: n > 1 ? key + "#\(n)" : key)
    }

    private enum Level { case request, plan }

    /// The codes each coded item may take (made once, not per request).
    private static let outcomeCodes = ["Y", "N", "A", "W", "H"]
    private static let week20Codes = ["0", "1"]
    private static let reviewOutcomeCodes = ["M", "C", "A"]

    /// Reading one `<Requests>`: its problems, and whether an error rejected it or its plan.
    private struct Reading {
        var problems: [DataQualityProblem] = []
        var requestRejected = false
        var planRejected = false
    }

    /// The case of `requests[k]`, read in place field by field: a request passed on its own
    /// was copied out of the person's array for the call (each of its strings retained, and
    /// released after), though only read.
    private func map(_ requests: [SEN2Request], at k: Int, caseID rawID: String) -> SEN2Case {
        var reading = Reading()
        let hasDate = !(requests[k].receivedDate?.value.isEmpty ?? true)
        let plainID = hasDate ? rawID : requests[k].personID
        let caseID = pseudonymiser.map { $0.pseudonym(plainID, field: "case_id") } ?? plainID

        let requestLine = requests[k].line
        func problem(_ element: String, _ item: SEN2Item?, line: Int? = nil, _ severity: Severity, _ text: String, _ level: Level) {
            reading.problems.append(DataQualityProblem(file: file, line: item?.line ?? line ?? requestLine, caseID: caseID,
                                                       column: element, value: item?.value ?? "", severity: severity, problem: text))
            guard severity == .error else { return }
            switch level {
            case .request: reading.requestRejected = true
            case .plan: reading.planRejected = true
            }
        }
        /// A date item: nil when absent or blank; an impossible date, or an event after
        /// the as-at date, is an error that rejects the element at `level`.
        func date(_ element: String, _ item: SEN2Item?, _ level: Level, isEvent: Bool = true) -> Day? {
            guard let item, !item.value.isEmpty else { return nil }
            switch dates.parse(item.value) {
            case .failure(let failure):
                problem(element, item, .error, "\(failure.description); \(rejects(level))", level)
                return nil
            case .success(let day):
                if isEvent, day > asAt {
                    problem(element, item, .error, "\(element) \(day.iso) is after the as-at date \(asAt.iso); an event cannot be in the future (check the date, or the --as-at date); \(rejects(level))", level)
                    return nil
                }
                return day
            }
        }
        /// A coded item: nil when absent or blank; a value not in `codes` is an error.
        func code(_ element: String, _ item: SEN2Item?, _ codes: [String], _ level: Level) -> String? {
            guard let item, !item.value.isEmpty else { return nil }
            // A code as written (the usual case) is its own upper case.
            let value = codes.contains(item.value) ? item.value : item.value.uppercased()
            guard codes.contains(value) else {
                problem(element, item, .error, "\"\(item.value)\" is not a SEN2 code for \(element) (one of \(codes.joined(separator: ", "))); \(rejects(level))", level)
                return nil
            }
            return value
        }

        // The request.
        let received = date("ReceivedDate", requests[k].receivedDate, .request)
        if requests[k].receivedDate?.value.isEmpty ?? true {
            problem("ReceivedDate", requests[k].receivedDate, line: requests[k].line, .error,
                    "ReceivedDate is missing; it is the one item the measures cannot do without, so the <Requests> is rejected", .request)
        }
        let outcome = code("RequestOutcome", requests[k].requestOutcome, Self.outcomeCodes, .request)
        var outcomeDate = date("RequestOutcomeDate", requests[k].requestOutcomeDate, .request)
        var assessment = code("AssessmentOutcome", requests[k].assessmentOutcome, Self.outcomeCodes, .request)
        var assessmentDate = date("AssessmentOutcomeDate", requests[k].assessmentOutcomeDate, .request)
        let week20 = code("Week20", requests[k].week20, Self.week20Codes, .request)
        let startDate = date("StartDate", requests[k].startDate, .request)
        if let received {
            if let d = outcomeDate, d < received {
                problem("RequestOutcomeDate", requests[k].requestOutcomeDate, .error,
                        "RequestOutcomeDate \(d.iso) is before ReceivedDate \(received.iso); \(rejects(.request))", .request)
                outcomeDate = nil
            }
            if let d = assessmentDate, d < received {
                problem("AssessmentOutcomeDate", requests[k].assessmentOutcomeDate, .error,
                        "AssessmentOutcomeDate \(d.iso) is before ReceivedDate \(received.iso); \(rejects(.request))", .request)
                assessmentDate = nil
            }
        }
        if outcome == "N", requests[k].assessmentLine != nil {
            problem("Assessment", requests[k].assessmentOutcome, line: requests[k].assessmentLine, .warning,
                    "an <Assessment> follows a request refused (RequestOutcome N); it is ignored, and the request counts only in the 6-week measure", .request)
            assessment = nil
            assessmentDate = nil
        }
        if assessment == "Y", let plan = assessmentDate, let start = startDate, start != plan {
            problem("StartDate", requests[k].startDate, .warning,
                    "NamedPlan/StartDate \(start.iso) differs from AssessmentOutcomeDate \(plan.iso), the date the plan was issued; AssessmentOutcomeDate is used", .request)
        }
        if let d = outcomeDate, let p = assessmentDate, p < d {
            problem("AssessmentOutcomeDate", requests[k].assessmentOutcomeDate, .warning,
                    "AssessmentOutcomeDate \(p.iso) is before RequestOutcomeDate \(d.iso); the <Requests> is kept, but check the dates", .request)
        }

        // The plan's review and transfer items: an error here rejects the <ActivePlans> only.
        var plan: SEN2Plan?
        if let planLine = requests[k].activePlansLine {
            let meeting = date("ReviewMeeting", requests[k].reviewMeeting, .plan)
            let last = date("LastReview", requests[k].lastReview, .plan)
            let reviewOutcome = code("ReviewOutcome", requests[k].reviewOutcome, Self.reviewOutcomeCodes, .plan)
            let due = date("PhaseTransferDueDate", requests[k].phaseTransferDueDate, .plan, isEvent: false)
            let final = date("PhaseTransferFinalDate", requests[k].phaseTransferFinalDate, .plan)
            if !reading.planRejected {
                var p = SEN2Plan(line: planLine)
                p.meeting = meeting
                if let m = meeting, let l = last, l >= m { p.decision = l }
                let reviewed = requests[k].reviewMeeting != nil || requests[k].lastReview != nil || requests[k].reviewOutcome != nil
                if reviewed, reviewOutcome != "C" {
                    p.cycleStart = last ?? startDate ?? (assessment == "Y" ? assessmentDate : nil)
                }
                p.transferDue = due
                p.transferFinal = due == nil ? nil : final
                p.lastReview = last; p.reviewOutcome = reviewOutcome; p.hasReviewItems = reviewed
                p.planStart = startDate ?? (assessment == "Y" ? assessmentDate : nil); p.received = received
                plan = p
            }
        }

        guard let received, !reading.requestRejected else {
            return SEN2Case(caseID: caseID, line: requests[k].line, problems: reading.problems)
        }
        // The record is made in one call, in the case's own (a record changed in place, in the
        // case or in a local, was copied once or twice more, and each copy destroyed).
        var decision: AssessmentDecision?
        var decisionDate: Day?
        var planDecision: PlanDecision?
        var planDecisionDate: Day?
        var finalPlanDate: Day?
        var leftOut: [MeasureID] = []
        switch outcome {
        case "Y":
            decision = .assess
            decisionDate = outcomeDate
        case "N":
            decision = .refuse
            decisionDate = outcomeDate
        case "W":
            leftOut = [.decisionToAssess6w, .noPlanDecision16w, .finalPlan20w]
        case "H":
            leftOut = [.decisionToAssess6w]
        default:
            break  // A, or no outcome: no decision yet
        }
        switch assessment {
        case "Y":
            finalPlanDate = assessmentDate
        case "N":
            planDecision = .noPlan
            planDecisionDate = assessmentDate
        case "W", "H":
            for m in [MeasureID.noPlanDecision16w, .finalPlan20w] where !leftOut.contains(m) { leftOut.append(m) }
        default:
            break  // A, or no <Assessment>: assessed, no outcome yet
        }
        return SEN2Case(caseID: caseID, line: requests[k].line,
                        request: RequestRecord(caseID: caseID, line: requests[k].line, requestDate: received,
                                               assessmentDecisionDate: decisionDate, assessmentDecision: decision,
                                               planDecisionDate: planDecisionDate, planDecision: planDecision,
                                               finalPlanDate: finalPlanDate,
                                               exception: week20 == "1" ? .code(.unspecified) : .none,
                                               decisionException: .none, cohort: cohort),
                        leftOut: leftOut, exported: !(requests[k].exported?.value.isEmpty ?? true), plan: plan,
                        problems: reading.problems)
    }

    private func rejects(_ level: Level) -> String {
        switch level {
        case .request: return "the <Requests> is rejected"
        case .plan: return "the <ActivePlans> is rejected (its review and phase transfer cases are not measured; the request's are)"
        }
    }
}
