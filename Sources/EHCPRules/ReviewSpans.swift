/// backlog.csv's open spans of the reviews, re-assessments and Tribunal orders extracts,
/// worked out directly from the record's dates in one pass, next to each rule and from
/// the same measure-table entries: what the rule (`evaluate`) would give on the record as
/// an extract taken on each of the record's own dates would have held it (every event
/// dated after that day blanked, with the code it carries). A clock's answer changes only
/// on dates of the record, so each is asked on those dates, ascending, and a span runs
/// from the first on which the clock is open to the first on which it is not, or is
/// another clock (another start, due date or row). `BacklogTests` checks these against
/// extracts blanked for real and analysed.
enum ClockWalk {
    /// A clock as the rule would time it on one day: its start and due date.
    struct Clock: Equatable {
        var start: Day
        var due: Day
    }

    /// The spans of one clock of `measure` (row `row`) into `spans`: `clock(day)` is the
    /// clock open on `day` (nil: none, or completed), asked on each of `days` (ascending,
    /// distinct, none after the as-at date). `shut`: a day from which `clock` is nil on
    /// every day (a completion): the days after the first on or after it are not asked.
    @inline(__always)
    static func walk(_ days: ArraySlice<Day>, measure: MeasureID, row: Int, shut: Day? = nil, into spans: inout [OpenSpan],
                     clock: (Day) -> Clock?) {
        var open: (from: Day, clock: Clock)?
        for day in days {
            let now = clock(day)
            if let o = open, now != o.clock {
                spans.append(OpenSpan(measure: measure, from: o.from, until: day, due: o.clock.due, row: row,
                                      clockStart: o.clock.start))
                open = nil
            }
            if open == nil, let now { open = (day, now) }
            if let shut, shut <= day { break }
        }
        if let o = open {
            spans.append(OpenSpan(measure: measure, from: o.from, until: nil, due: o.clock.due, row: row, clockStart: o.clock.start))
        }
    }

    /// `days` sorted, each once, those after `asAt` left out. A plan's dates are a few
    /// dozen at most: sorted by insertion in place, as they are read, the library's sort
    /// (which took a buffer of its own each time) and `removeAll(where:)` cost more than
    /// the spans they serve.
    static func ascending(_ days: inout [Day], asAt: Day) {
        guard days.count <= 64 else { return ascendingMany(&days, asAt: asAt) }
        var n = 0  // days[..<n]: those kept so far, ascending; each read before it is overwritten
        for r in days.indices {
            let d = days[r]
            if d > asAt { continue }
            var k = n
            while k > 0, days[k - 1] > d { k -= 1 }
            if k > 0, days[k - 1] == d { continue }
            var j = n
            while j > k { days[j] = days[j - 1]; j -= 1 }
            days[k] = d
            n += 1
        }
        while days.count > n { days.removeLast() }  // `removeLast(_:)` went through replaceSubrange
    }

    /// Empties `days`, keeping its storage: `removeAll(keepingCapacity:)` went through
    /// replaceSubrange (about 80 instructions a call, for lists of a few days).
    @inline(__always) static func clear<T>(_ days: inout [T]) {
        while !days.isEmpty { days.removeLast() }
    }

    private static func ascendingMany(_ days: inout [Day], asAt: Day) {
        days.removeAll { $0 > asAt }
        days.sort()
        var w = 0
        for r in days.indices where w == 0 || days[r] != days[w - 1] { days[w] = days[r]; w += 1 }
        days.removeLast(days.count - w)
    }

    /// `d` if it is on or before `day`, else nil: an event not yet happened on `day`.
    @inline(__always) static func by(_ d: Day?, _ day: Day) -> Day? {
        guard let d, d <= day else { return nil }
        return d
    }

    @inline(__always) static func earlier(_ a: Day?, _ b: Day?) -> Day? {
        guard let a else { return b }
        guard let b else { return a }
        return min(a, b)
    }
}

extension ReviewRules {
    /// The open spans of a plan (after `evaluate`), each with its row (`OpenSpan.row`,
    /// whose cohort counts it) and its clock's start: the plan exists from its earliest
    /// plan date; a meeting after a day had not been held, a decision (with its code),
    /// amendment notice, amended plan, no-amendment notice, cessation or transfer in dated
    /// after it had not happened.
    package static func openSpans(_ plan: ReviewPlan, rules: RuleSettings, into out: inout RuleTimings) {
        let rows = plan.rows
        let asAt = rules.asAt
        var firstPlan: Day?, firstTransfer: Day?, firstCeased: Day?
        // The day lists' storage kept in `out` from plan to plan.
        var days = out.dayScratch
        out.dayScratch = []
        ClockWalk.clear(&days)
        defer { out.dayScratch = days }
        @inline(__always) func add(_ d: Day?, to days: inout [Day]) { if let d { days.append(d) } }
        // The rows' fields read in place throughout: a copy of a row (`for r in rows`,
        // `let row = rows[i]`) took a reference on each of its strings and arrays.
        for i in rows.indices {
            firstPlan = ClockWalk.earlier(firstPlan, rows[i].planDate)
            firstTransfer = ClockWalk.earlier(firstTransfer, rows[i].transferInDate)
            firstCeased = ClockWalk.earlier(firstCeased, rows[i].ceasedDate)
            add(rows[i].planDate, to: &days); add(rows[i].meetingDate, to: &days); add(rows[i].decisionDate, to: &days)
            add(rows[i].amendmentNoticeDate, to: &days); add(rows[i].amendedPlanDate, to: &days)
            add(rows[i].noAmendmentDate, to: &days); add(rows[i].ceasedDate, to: &days)
            add(rows[i].transferInDate, to: &days); add(rows[i].transferInNoticeDate, to: &days)
        }
        // Before its earliest plan date the plan is in no extract (`evaluate`'s guard).
        guard let planFrom = firstPlan, planFrom <= asAt else { return }
        ClockWalk.ascending(&days, asAt: asAt)
        let from = days.firstIndex { $0 >= planFrom } ?? days.endIndex
        let planDays = days[from...]
        // The meetings in `evaluate`'s order: by date, then line; put in place as they are
        // found, into storage kept in `out` (as the days).
        var meetings = out.meetingScratch
        out.meetingScratch = []
        ClockWalk.clear(&meetings)
        defer { out.meetingScratch = meetings }
        for i in rows.indices {
            guard let date = rows[i].meetingDate else { continue }
            meetings.append((i, date))
            var k = meetings.count - 1
            while k > 0, meetings[k - 1].date > date || (meetings[k - 1].date == date && rows[meetings[k - 1].index].line > rows[i].line) {
                meetings[k] = meetings[k - 1]
                k -= 1
            }
            meetings[k] = (i, date)
        }
        // Constants from here on: the closures below read copies, not the variables (which
        // they made the compiler check for exclusive access at every read).
        let firstTransferIn = firstTransfer, ceasedFrom = firstCeased

        for pass in rules.measures.reviewPasses {
            if pass.count == 1, case .annualChain(let transferRule) = pass[0].measure {
                // The entry's id and limit, not the entry: a copy of it (for the call) took references on its grounds.
                chainSpans(pass[0].id, dueDate: pass[0].dueDate, transferRule: transferRule, rows: rows, planFrom: planFrom,
                           meetings: meetings, firstCeased: ceasedFrom, firstTransferIn: firstTransferIn,
                           clock: rules.reviewClock, days: planDays,
                           into: &out.spans)
                continue
            }
            if pass.count == 1, case .perPlan(let start, let completion) = pass[0].measure {
                // One clock from the earliest start of the rows (the first row giving it) to the earliest completion.
                var chosen: (row: Int, day: Day)?
                var completed: Day?
                for i in rows.indices {
                    if let d = start.day(of: rows[i]), chosen.map({ d < $0.day }) ?? true { chosen = (i, d) }
                    completed = ClockWalk.earlier(completed, completion.day(of: rows[i]))
                }
                // A completion recorded but unusable leaves the measure unmeasured whenever none is known.
                guard let (row, begin) = chosen, !rows.indices.contains(where: { rows[$0].unusable.contains(completion.name) })
                else { continue }
                let clock = ClockWalk.Clock(start: begin, due: pass[0].dueDate.due(from: begin))
                let completedOn = completed
                ClockWalk.walk(planDays, measure: pass[0].id, row: row, shut: completedOn, into: &out.spans) { day in
                    day >= begin && !(completedOn.map { $0 <= day } ?? false) ? clock : nil
                }
                continue
            }
            // The plan's days from each meeting's on, the meetings being in date order: a
            // meeting's clock changes only on its row's dates, the plan's first and the
            // transfer in, all among the plan's days, and none is open before the meeting.
            // Walked over the plan's days from there (to the day it shuts), not over the
            // row's own days sorted for each meeting and pass, which cost more than the walk.
            var fromMeeting = planDays.startIndex
            for (i, meeting) in meetings {
                while fromMeeting < planDays.endIndex, planDays[fromMeeting] < meeting { fromMeeting += 1 }
                let meetingDays = planDays[fromMeeting...]
                // A meeting before the transfer in was the old authority's, from the day the transfer is known.
                let skippedFrom: Day? = firstTransferIn.flatMap { meeting < $0 ? $0 : nil }
                let decisionDate = rows[i].decisionDate, recorded = rows[i].decision
                let usable = rows[i].unusable.isEmpty
                // The entries by index: a copy of one (`for entry in pass`) took a reference on its grounds.
                for e in pass.indices {
                    guard case .afterMeeting(let start, let orElse, let completion, let orCompletion, let decided) = pass[e].measure
                    else { continue }
                    let dueDate = pass[e].dueDate
                    // The entry's dates of the row, each held back by the walk until its day comes.
                    let startDay = start.day(of: rows[i]), orElseDay = orElse.flatMap { $0.day(of: rows[i]) }
                    let completionDay = completion.day(of: rows[i]), orCompletionDay = orCompletion.flatMap { $0.day(of: rows[i]) }
                    // Shut for good once completed, or once the transfer in makes the meeting the old authority's.
                    var shut = ClockWalk.earlier(ClockWalk.earlier(completionDay, orCompletionDay), skippedFrom)
                    // Likewise from the decision date when the decision made is not one the measure counts.
                    if !decided.admits(recorded) { shut = ClockWalk.earlier(shut, decisionDate) }
                    ClockWalk.walk(meetingDays, measure: pass[e].id, row: i, shut: shut, into: &out.spans) { day in
                        guard meeting <= day, !(skippedFrom.map { $0 <= day } ?? false) else { return nil }
                        let decision = decisionDate.map { $0 <= day } ?? true ? recorded : nil
                        if !usable {
                            let row = rows[i]
                            var blanked = row
                            blanked.decision = decision
                            blanked.decisionDate = ClockWalk.by(row.decisionDate, day)
                            blanked.amendmentNoticeDate = ClockWalk.by(row.amendmentNoticeDate, day)
                            blanked.amendedPlanDate = ClockWalk.by(row.amendedPlanDate, day)
                            blanked.noAmendmentDate = ClockWalk.by(row.noAmendmentDate, day)
                            blanked.transferInNoticeDate = ClockWalk.by(row.transferInNoticeDate, day)
                            if unusableFields(of: blanked, start: start, orElse: orElse, completion: completion,
                                              orCompletion: orCompletion, decided: decided) != nil { return nil }
                        }
                        guard decided.admits(decision) else { return nil }
                        let begin = start == .meetingDate ? meeting : ClockWalk.by(startDay, day) ?? ClockWalk.by(orElseDay, day)
                        guard let begin else { return nil }
                        let done = ClockWalk.earlier(ClockWalk.by(completionDay, day), ClockWalk.by(orCompletionDay, day))
                        guard done == nil else { return nil }
                        return ClockWalk.Clock(start: begin, due: dueDate.due(from: begin))
                    }
                }
            }
        }
    }

    /// The open cycle of the 12-month chain on each of `days` (`annualChain` on the plan
    /// blanked after the day): it starts on the plan date or the completion of the last
    /// review (in meeting order) completed by then, is counted in the row of the last
    /// meeting held by then, and is due as `annualChain` says (reg 15(5) for the first
    /// cycle the new authority measures); none once the plan has ceased, or when what
    /// it would be is not known (an unusable decision date, decision or ceased date).
    ///
    /// One walk over the days: what a day knows only grows with it (the meetings held,
    /// the reviews completed, the transfer in, a cycle completed after it), so each is
    /// carried from day to day, not found again from the plan's meetings on every day
    /// (that grew with days × meetings), and a due date is worked out when its start
    /// changes, not every day.
    // Kept out of line: inlined into `openSpans` it pushed the meetings' clock closure out of it (+65M instructions on 200k rows).
    @inline(never)
    private static func chainSpans(_ id: MeasureID, dueDate: DueDate, transferRule: TransferInReview?, rows: [ReviewRow],
                                   planFrom: Day, meetings: [(index: Int, date: Day)], firstCeased: Day?, firstTransferIn: Day?,
                                   clock: ReviewClock, days: ArraySlice<Day>, into spans: inout [OpenSpan]) {
        // An unusable ceased date: no cycle is known on any day.
        if rows.indices.contains(where: { rows[$0].unusable.contains(ReviewDate.ceasedDate.name) }) { return }
        // The first meeting (in order) whose decision date is unusable: from the day it is held, no cycle is known.
        let unusableAt = clock == .decision
            ? meetings.firstIndex { rows[$0.index].unusable.contains(ReviewDate.decisionDate.name) } : nil
        let decisionClock = clock == .decision
        var held = 0  // meetings held by the day: meetings[..<held]
        var last = -1  // the last of them (in meeting order) completed by the day; -1: none
        var owedTaken = false  // a cycle completed on or after the transfer in by the day: reg 15(5)'s due date is its
        // The due dates of the cycle from `dueFrom`, kept until the start changes.
        var dueFrom = planFrom, twelve = dueDate.due(from: planFrom), transferDue: Day?
        // Closed in line, not by a local function: one capturing `current` made the compiler
        // check it for exclusive access at every use.
        var current: (from: Day, clock: ClockWalk.Clock, row: Int)?
        @inline(__always) func completion(_ k: Int, _ day: Day) -> Day? {
            let i = meetings[k].index
            return decisionClock ? ClockWalk.by(rows[i].decisionDate, day) : rows[i].meetingDate
        }
        for day in days {
            while held < meetings.count, meetings[held].date <= day { held += 1 }
            // Ceased, or a meeting with an unusable decision date held: no cycle from this day on.
            let ended = (firstCeased.map { $0 <= day } ?? false) || (unusableAt.map { $0 < held } ?? false)
            var now: (clock: ClockWalk.Clock, row: Int)?
            if !ended {
                // A review completed by an earlier day still is: only the meetings after `last` can be later ones.
                var k = held - 1
                while k > last { if completion(k, day) != nil { last = k; break }; k -= 1 }
                var known = true
                if last >= 0 {
                    let i = meetings[last].index
                    if rows[i].unusable.contains("review_decision") { known = false }
                    let decision = rows[i].decisionDate.map { $0 <= day } ?? true ? rows[i].decision : nil
                    if decision == .cease { known = false }
                }
                if known {
                    let start = last >= 0 ? completion(last, day) ?? planFrom : planFrom
                    if start != dueFrom { dueFrom = start; twelve = dueDate.due(from: start); transferDue = nil }
                    var due = twelve
                    // The transfer in is known from the earliest dated, on or before the day.
                    if let transferRule, let transfer = firstTransferIn, transfer <= day {
                        // Reg 15(5)'s due date goes to the first cycle completed on or after the transfer in, if any; else to this one.
                        if !owedTaken {
                            for j in 0..<held { if let c = completion(j, day), c >= transfer { owedTaken = true; break } }
                        }
                        if !owedTaken {
                            if transferDue == nil { transferDue = transferRule.due(twelveMonthDue: twelve, transfer: transfer) }
                            due = transferDue ?? twelve
                        }
                    }
                    now = (ClockWalk.Clock(start: start, due: due), held > 0 ? meetings[held - 1].index : 0)
                }
            }
            if let c = current, now.map({ $0.clock != c.clock || $0.row != c.row }) ?? true {
                spans.append(OpenSpan(measure: id, from: c.from, until: day, due: c.clock.due, row: c.row, clockStart: c.clock.start))
                current = nil
            }
            if ended { return }
            if current == nil, let now { current = (day, now.clock, now.row) }
        }
        if let c = current {
            spans.append(OpenSpan(measure: id, from: c.from, until: nil, due: c.clock.due, row: c.row, clockStart: c.clock.start))
        }
    }
}

extension ReassessmentRules {
    /// The open spans of `r` (after `evaluate`): the request exists from its request date;
    /// a decision (with its code) or a final plan dated after a day had not been made on it.
    package static func openSpans(_ r: ReassessmentRecord, rules: RuleSettings, into out: inout RuleTimings) {
        var days = [r.requestDate] + [r.decisionDate, r.finalPlanDate].compactMap { $0 }
        ClockWalk.ascending(&days, asAt: rules.asAt)
        for entry in rules.measures.reassessmentEntries {
            let m = entry.measure
            // Unusable fields the measure needs leave it unmeasured on every day.
            if !m.decided.isAny, r.unusable.contains("decision") { continue }
            if m.start != .requestDate, r.unusable.contains(m.start.name) { continue }
            if r.unusable.contains(m.completion.name) { continue }
            ClockWalk.walk(days[...], measure: entry.id, row: 0, into: &out.spans) { day in
                guard day >= r.requestDate else { return nil }
                if !m.decided.isAny {
                    let decision = r.decisionDate.map { $0 <= day } ?? true ? r.decision : nil
                    guard m.decided.admits(decision) else { return nil }
                }
                // The request date is on or before the day; a decision date may not be yet.
                guard let start = ClockWalk.by(m.start.day(of: r), day), ClockWalk.by(m.completion.day(of: r), day) == nil else { return nil }
                return ClockWalk.Clock(start: start, due: entry.dueDate.due(from: start))
            }
        }
    }
}

extension OrderRules {
    /// The open spans of `o` (after `evaluate`): the order exists from its order date; a
    /// notice, no-plan notice or plan dated after a day had not been given on it (so an
    /// order to assess is on the way to a plan until its no-plan notice).
    package static func openSpans(_ o: OrderRecord, rules: RuleSettings, into out: inout RuleTimings) {
        var days = [o.orderDate] + [o.noticeDate, o.noPlanDate, o.draftPlanDate, o.finalPlanDate, o.amendedPlanDate].compactMap { $0 }
        ClockWalk.ascending(&days, asAt: rules.asAt)
        for entry in rules.measures.orderEntries where entry.measure.type == o.type {
            let m = entry.measure
            if m.outcome != .any, o.unusable.contains(OrderDate.noPlanDate.name) { continue }
            if o.unusable.contains(m.completion.name) { continue }
            let clock = ClockWalk.Clock(start: o.orderDate, due: entry.dueDate.due(from: o.orderDate))
            ClockWalk.walk(days[...], measure: entry.id, row: 0, into: &out.spans) { day in
                guard day >= o.orderDate else { return nil }
                // Which branch of an order to assess the order is on: its no-plan notice given by the day or not.
                if m.outcome != .any, (m.outcome == .noPlan) != (ClockWalk.by(o.noPlanDate, day) != nil) { return nil }
                return ClockWalk.by(m.completion.day(of: o), day) == nil ? clock : nil
            }
        }
    }
}
