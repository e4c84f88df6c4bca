/// A warning raised by a rule (not by reading a row): the line it concerns, the
/// canonical field, the value and what the analyst should know.
public struct RuleWarning: Sendable, Equatable {
    public var line: Int
    public var field: String
    public var value: String
    public var message: String
}

/// A rule's results for one record, and the warnings the rule itself raised.
public struct RuleOutcome: Sendable {
    public var results: [CaseResult] = []
    public var warnings: [RuleWarning] = []
}

/// What every rule gives for one record (a request, a transfer, or a plan's review rows):
/// its timings (its results without the case's facts) and the warnings the rule raised.
/// A reader of millions of rows reuses one from row to row.
package struct RuleTimings {
    package init() {}

    package var timings: [CaseTiming] = []
    package var warnings: [RuleWarning] = []
    /// For a record of several rows (a plan's reviews), the row of each timing, by index
    /// in the record's rows; empty for a record of one row.
    package var rows: [Int] = []
    /// The measures that would count the record but need a field it could not use.
    package var unmeasured: [Unmeasured] = []
    /// The days each clock was open, for backlog.csv (`OpenSpan`); filled only when asked.
    package var spans: [OpenSpan] = []
    /// Storage the reviews' `openSpans` lends itself from plan to plan (its lists of days).
    var dayScratch: [Day] = []
    var meetingScratch: [(index: Int, date: Day)] = []

    /// The exception `reading` gives a timing of `measure` (nil when none applies), as
    /// `StatutoryExceptions.applied` decides; a recorded code that cannot apply is a
    /// warning on `field` of line `line`. The requests, reviews and transfers rules all
    /// apply their exceptions through here.
    @inline(__always)
    package mutating func exception(_ reading: ExceptionReading, of measure: MeasureID, grounds: ExceptionGrounds, start: Day? = nil,
                                    due: Day, closures: SchoolClosures? = nil, adviceDate: Day? = nil,
                                    line: Int, field: String) -> ExceptionCode? {
        guard case .code(let recorded) = reading else { return nil }
        let (code, warning) = StatutoryExceptions.applied(reading, grounds: grounds, start: start, due: due,
                                                          closures: closures, adviceDate: adviceDate)
        if let warning {
            warnings.append(RuleWarning(line: line, field: field, value: recorded.rawValue, message: "\(measure.rawValue): " + warning))
        }
        return code
    }

    /// Empties the lists, keeping their storage. Called for every row: the checks skip
    /// the lists a row seldom fills (removing from an empty array still checks that its
    /// storage is unique).
    package mutating func removeAll() {
        // One or two timings a row: taken off one by one, which keeps the storage as
        // `removeAll(keepingCapacity:)` does, at a tenth of its cost.
        while !timings.isEmpty { timings.removeLast() }
        if !warnings.isEmpty { warnings.removeAll(keepingCapacity: true) }
        if !rows.isEmpty { rows.removeAll(keepingCapacity: true) }
        if !unmeasured.isEmpty { unmeasured.removeAll(keepingCapacity: true) }
        while !spans.isEmpty { spans.removeLast() }  // as `timings`: two or three a row
    }
}

/// A measure that could not be measured for one case: it needs a field whose value was
/// unusable (`RequestRecord.unusable`). Counted and listed, never silently dropped.
public struct Unmeasured: Sendable, Equatable {
    public var measure: MeasureID
    /// The unusable fields it needed, by canonical name.
    public var fields: [String]
    /// For a record of several rows (a plan's reviews), the row whose field it needed.
    public var row: Int

    public init(measure: MeasureID, fields: [String], row: Int = 0) {
        self.measure = measure; self.fields = fields; self.row = row
    }
}

/// Reg 13(1)(a): the parent or young person must have "at least 15 days, beginning with
/// the day on which the draft plan was served", to make representations on the draft. The
/// 15 days run from the draft's day to 14 days after it, so a final plan issued 15 days or
/// more after the draft leaves the whole period; one issued 0 to 14 days after it cut the
/// period short. (A final plan dated before its draft is a different problem: an odd
/// order, warned about when the row is read.)
public enum RepresentationPeriod {
    /// "at least 15 days".
    public static let minimumDays = 15
    public static let citation = "reg 13(1)(a)"

    /// The days from the draft to the final plan when they are fewer than `minimumDays`
    /// (and not negative); nil otherwise, or when either date is missing.
    @inline(__always)
    public static func shortfall(draft: Day?, final: Day?) -> Int? {
        guard let d = draft, let f = final else { return nil }
        let days = f - d
        return days >= 0 && days < minimumDays ? days : nil
    }

    /// "final plan 9 days after the draft; at least 15 days are required, reg 13(1)(a)"
    public static func message(days: Int) -> String {
        "final plan \(days) day\(days == 1 ? "" : "s") after the draft; at least \(minimumDays) days are required, \(citation)"
    }

    @inline(never)
    static func warning(_ r: RequestRecord, days: Int) -> RuleWarning {
        RuleWarning(line: r.line, field: RequestDate.finalPlanDate.name, value: r.finalPlanDate?.iso ?? "",
                    message: messages[days] + " (draft_plan_date " + (r.draftPlanDate?.iso ?? "") + ")")
    }

    /// `message` for each shortfall (0 to 14 days), made once: a large extract can have
    /// tens of thousands of short periods.
    private static let messages = (0..<minimumDays).map(message(days:))
}

/// The measures of the requests extract: every `.requests` entry of the measure table.
public enum RequestRules {
    /// Evaluates the request measures of `measures` (by default the 6-, 16- and 20-week
    /// measures).
    public static func evaluate(_ r: RequestRecord, sequence: Int, asAt: Day, measures: MeasureTable = .standard) -> RuleOutcome {
        var out = RuleTimings()
        evaluate(r, rules: RuleSettings(asAt: asAt, measures: measures), into: &out)
        let facts = CaseFacts(caseID: r.caseID, line: r.line, sequence: sequence, cohort: r.cohort, ageReference: ageReference(r))
        return RuleOutcome(results: out.timings.map { CaseResult($0, facts) }, warnings: out.warnings)
    }

    /// The day a request's age band is reckoned on, for every measure: the request date.
    package static func ageReference(_ r: RequestRecord) -> Day { r.requestDate }

    /// `evaluate`, then `openSpans`, in one call from the row loop, which holds the record
    /// in place: each call from there copied the record first (192 bytes, three times a
    /// row with `ageReference`). Returns the record's `ageReference`.
    package static func evaluateWithSpans(_ r: RequestRecord, rules: RuleSettings, into out: inout RuleTimings) -> Day {
        evaluate(r, rules: rules, into: &out)
        openSpans(r, rules: rules, into: &out)
        return ageReference(r)
    }

    /// The same, as timings into `out` (emptied first), in table order: what the row loop calls.
    package static func evaluate(_ r: RequestRecord, rules: RuleSettings, into out: inout RuleTimings) {
        out.removeAll()
        if let days = RepresentationPeriod.shortfall(draft: r.draftPlanDate, final: r.finalPlanDate) {
            out.warnings.append(RepresentationPeriod.warning(r, days: days))
        }
        if !r.unusable.isEmpty { return evaluateWithUnusable(r, rules: rules, into: &out) }
        // Indices into the borrowed table rather than a copy of it (`let table = ...` cost a
        // reference count on each of its arrays for every row).
        for i in rules.measures.requestEntries.indices where rules.measures.requestEntries[i].admits(r, tests: rules.measures.requestTests) {
            add(rules.measures.requestEntries[i], r, rules: rules, to: &out)
        }
    }

    /// `evaluate` for a record with unusable fields: each measure that would count the
    /// request whatever those fields held is measured; one that needs them (to decide
    /// whether it counts the request, or for its clock) is listed in `out.unmeasured`.
    @inline(never)
    private static func evaluateWithUnusable(_ r: RequestRecord, rules: RuleSettings, into out: inout RuleTimings) {
        let table = rules.measures
        for entry in table.requestEntries {
            switch entry.eligibility(r, tests: table.requestTests) {
            case .notCounted:
                continue
            case .unknown(let fields):
                out.unmeasured.append(Unmeasured(measure: entry.id, fields: fields))
            case .counted:
                var needed = [entry.start.name, entry.completion.name]
                // A school-closure claim checked against term dates needs the advice date.
                if let column = entry.exception, rules.schoolClosures != nil, column.reading(of: r) == .code(.schoolClosure) {
                    needed.append(RequestDate.schoolAdviceDate.name)
                }
                let clock = needed.filter(r.unusable.contains)
                if clock.isEmpty {
                    add(entry, r, rules: rules, to: &out)
                } else {
                    out.unmeasured.append(Unmeasured(measure: entry.id, fields: clock))
                }
            }
        }
    }

    @inline(__always)
    private static func add(_ entry: RequestEntry, _ r: RequestRecord, rules: RuleSettings, to out: inout RuleTimings) {
        guard let start = entry.start.day(of: r) else { return }
        let due = entry.dueDate.due(from: start)
        var exception: ExceptionCode?
        if let column = entry.exception {
            exception = out.exception(column.reading(of: r), of: entry.id, grounds: rules.measures.requestGrounds[entry.grounds],
                                      start: start, due: due, closures: rules.schoolClosures, adviceDate: r.schoolAdviceDate,
                                      line: r.line, field: column.column)
        }
        let short = entry.countsShortRepresentation
            && RepresentationPeriod.shortfall(draft: r.draftPlanDate, final: r.finalPlanDate) != nil
        out.timings.append(CaseTiming(measure: entry.id, start: start, due: due, completed: entry.completion.day(of: r),
                                      exception: exception, asAt: rules.asAt, shortRepresentation: short))
    }

    /// What a requests row records that no measure times, as warnings (`warn(field, value,
    /// message)`): a final plan date on a request refused at the assessment decision, or
    /// decided no_plan. Called by the row's reader, as it reads.
    package static func unmeasuredDates(assessmentDecision: AssessmentDecision?, planDecision: PlanDecision?, finalPlanDate: Day?,
                                        _ warn: (String, String, String) -> Void) {
        guard let f = finalPlanDate else { return }
        if assessmentDecision == .refuse {
            warn("final_plan_date", f.iso, "the request was refused at the assessment decision but has a final plan date; it is not counted in \(MeasureID.finalPlan20w.rawValue)")
        }
        if planDecision == .noPlan {
            warn("final_plan_date", f.iso, "the plan decision is no_plan but the request has a final plan date; it is counted in \(MeasureID.noPlanDecision16w.rawValue) only")
        }
    }
}
