/// The days on which one case was open on one measure, as an extract taken on each of
/// them would have shown it (every event dated after that day blanked, with the code it
/// carries): open from `from` (included) to `until` (excluded; nil when still open at
/// the as-at date), in time on and before `due`, overdue after it. backlog.csv counts
/// these at every month end with per-month differences, so the rules run once per row,
/// not once per month end. Statutory exceptions do not close a clock: an excepted case
/// is still open (cases.csv's status), so spans ignore them.
public struct OpenSpan: Sendable, Equatable {
    public var measure: MeasureID
    /// The first day open; nil for a clock open on every day before `until` (a phase
    /// transfer: its row is in every extract, whatever the day).
    public var from: Day?
    public var until: Day?
    public var due: Day
    /// For a record of several rows (a plan's reviews), the row whose cohort counts the
    /// span, by index in the record's rows (as `RuleTimings.rows`); 0 otherwise.
    public var row: Int
    /// The clock's start, where the span's cohort is reckoned on it (a plan's reviews:
    /// `CaseTiming.ageReference`); nil when the record's own day is used.
    public var clockStart: Day?

    public init(measure: MeasureID, from: Day?, until: Day?, due: Day, row: Int = 0, clockStart: Day? = nil) {
        self.measure = measure; self.from = from; self.until = until; self.due = due; self.row = row
        self.clockStart = clockStart
    }
}

extension RequestRules {
    /// The open spans of `r` on each request measure of the table, into `out.spans`
    /// (after `evaluate`, whose `unmeasured` it reads: a measure that could not be measured
    /// on the full record has no span). A request exists from its request date; on a day
    /// D after it the measure counts it when it would count the record blanked after D
    /// (decisions and withdrawal dated after D not yet made, undated codes kept) and the
    /// clock is open while its completion date is blank or after D. That answer changes
    /// only on the record's own dates, so it is asked once on each of them.
    package static func openSpans(_ r: RequestRecord, rules: RuleSettings, into out: inout RuleTimings) {
        // The record's dates, ascending and distinct, worked out once for every measure
        // (at most five, kept inline: no allocation per row).
        var days = InlineArray<5, Int32>(repeating: 0)
        var n = 0
        insert(r.assessmentDecisionDate, into: &days, count: &n); insert(r.planDecisionDate, into: &days, count: &n)
        insert(r.draftPlanDate, into: &days, count: &n); insert(r.finalPlanDate, into: &days, count: &n)
        insert(r.withdrawnDate, into: &days, count: &n)
        // The record's dates by slot, read once: each measure names its dates as a
        // `RequestDate`, and switching on it (twice a day asked, per measure) was an
        // indirect jump that mispredicted as the measures alternate (a fifth of this loop's time).
        let slots = DateSlots(r)
        // The borrowed table's entries by index, not `let table = rules.measures`: that
        // copy took a reference on each of the table's arrays for every row, shared by
        // both reading threads (it cost more than the spans themselves).
        for i in rules.measures.requestEntries.indices {
            let e = rules.measures.requestEntries[i]
            if !out.unmeasured.isEmpty, out.unmeasured.contains(where: { $0.measure == e.id }) { continue }
            // A measure with a test of its own (not a field) asks it of the full record.
            if e.test >= 0, !RequestEntry.passes(rules.measures.requestTests[e.test], r) { continue }
            guard let start = slots.day(e.start) else { continue }
            // A clock is closed for good from its completion date (`isOpen` is false on and
            // after it): a completion on the start leaves no span; once one passes, the later
            // dates need not be asked (each asking cost more than the loop around it).
            let completion = slots.number(e.completion)
            guard completion > start.number else { continue }
            let due = e.dueDate.due(from: start)
            // Open or not on its start, then on each of the record's later dates in turn.
            var openFrom: Day? = isOpen(e, r, slots, on: start.number) ? start : nil
            var k = 0
            while k < n {
                let day = Day(number: days[k])
                k += 1
                guard day > start else { continue }
                if completion <= day.number {
                    if let from = openFrom { out.spans.append(OpenSpan(measure: e.id, from: from, until: day, due: due)) }
                    openFrom = nil
                    break
                }
                let open = isOpen(e, r, slots, on: day.number)
                if open, openFrom == nil { openFrom = day }
                if !open, let from = openFrom {
                    out.spans.append(OpenSpan(measure: e.id, from: from, until: day, due: due))
                    openFrom = nil
                }
            }
            if let from = openFrom { out.spans.append(OpenSpan(measure: e.id, from: from, until: nil, due: due)) }
        }
    }

    /// Puts `d` in its place among the `count` ascending dates of `days` (once).
    @inline(__always)
    private static func insert(_ d: Day?, into days: inout InlineArray<5, Int32>, count: inout Int) {
        guard let d else { return }
        var k = count
        while k > 0, days[k - 1] > d.number { k -= 1 }
        if k > 0, days[k - 1] == d.number { return }
        var j = count
        while j > k { days[j] = days[j - 1]; j -= 1 }
        days[k] = d.number
        count += 1
    }

    /// Whether `e` counts `r` as open on `d`, the record blanked after `d`.
    @inline(__always)
    private static func isOpen(_ e: RequestEntry, _ r: RequestRecord, _ slots: DateSlots, on d: Int32) -> Bool {
        // A blank date is `DateSlots.blank`, after every day: it has not happened.
        if slots.happened(.withdrawnDate, by: d) {
            switch e.withdrawn {
            case .notCounted: return false
            case .countedWith(let date): if !slots.happened(date, by: d) { return false }
            case .counted: break
            }
        }
        // A decision is made on its date; an undated one is taken as made.
        let assessmentDate = slots.number(.assessmentDecisionDate), planDate = slots.number(.planDecisionDate)
        let assessment = assessmentDate <= d || assessmentDate == DateSlots.blank ? r.assessmentDecision : nil
        let plan = planDate <= d || planDate == DateSlots.blank ? r.planDecision : nil
        guard e.assessmentDecision.admits(assessment), e.planDecision.admits(plan) else { return false }
        return !slots.happened(e.completion, by: d)
    }
}

/// A request record's dates as day numbers in one inline array, by `RequestDate`, so
/// that a measure's date is read by index rather than by a switch on the field.
private struct DateSlots {
    /// A blank date: after every day (day numbers of 1900–2999 are far below it).
    static let blank = Int32.max
    private var numbers = InlineArray<7, Int32>(repeating: DateSlots.blank)

    @inline(__always)
    init(_ r: RequestRecord) {
        numbers[Self.slot(.requestDate)] = r.requestDate.number
        numbers[Self.slot(.assessmentDecisionDate)] = r.assessmentDecisionDate?.number ?? Self.blank
        numbers[Self.slot(.planDecisionDate)] = r.planDecisionDate?.number ?? Self.blank
        numbers[Self.slot(.draftPlanDate)] = r.draftPlanDate?.number ?? Self.blank
        numbers[Self.slot(.finalPlanDate)] = r.finalPlanDate?.number ?? Self.blank
        numbers[Self.slot(.withdrawnDate)] = r.withdrawnDate?.number ?? Self.blank
        numbers[Self.slot(.schoolAdviceDate)] = r.schoolAdviceDate?.number ?? Self.blank
    }

    /// The place of `date` (the case's own order: the compiler makes this the case's tag, with no jump).
    @inline(__always)
    static func slot(_ date: RequestDate) -> Int {
        switch date {
        case .requestDate: 0
        case .assessmentDecisionDate: 1
        case .planDecisionDate: 2
        case .draftPlanDate: 3
        case .finalPlanDate: 4
        case .withdrawnDate: 5
        case .schoolAdviceDate: 6
        }
    }

    @inline(__always) func number(_ date: RequestDate) -> Int32 { numbers[Self.slot(date)] }

    /// `date.day(of:)` of the record.
    @inline(__always) func day(_ date: RequestDate) -> Day? {
        let n = number(date)
        return n == Self.blank ? nil : Day(number: n)
    }

    /// Whether the record has `date` on or before day `d`.
    @inline(__always) func happened(_ date: RequestDate, by d: Int32) -> Bool { number(date) <= d }
}

extension TransferRules {
    /// The open spans of a transfer, into `out.spans` (after `evaluate`): its row is in
    /// every extract, and each measure's clock is open until its completion date.
    package static func openSpans(_ t: TransferRecord, into out: inout RuleTimings) {
        OpenSpan.clocks(of: out.timings, into: &out.spans)
    }
}

extension OpenSpan {
    /// Each timing's clock open from its start (nil: on every day) until its completion:
    /// the spans of a record whose only events are its completions (a transfer, and the
    /// plan cases of a SEN2 return).
    package static func clocks(of timings: [CaseTiming], into spans: inout [OpenSpan]) {
        for timing in timings {
            let from: Day? = timing.start
            let until = timing.completed
            if let from, let until, until <= from { continue }
            spans.append(OpenSpan(measure: timing.measure, from: from, until: until, due: timing.due))
        }
    }
}
