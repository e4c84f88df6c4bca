/// backlog.csv's open spans for the extracts whose rules are not on the 1M-row path
/// (reviews, re-assessments, Tribunal orders): found by running the rule's own
/// `evaluate` on the record as an extract taken on each of the record's own dates would
/// have held it (every event dated after that day blanked, with the code it carries),
/// so the spans cannot drift from the rule. Between two of the record's dates nothing
/// the rule reads changes: a timing open on one of them stays open until the next (its
/// in-time or overdue part is the due date's business, `BacklogAccumulator`'s).
package enum SpanReplay {
    /// The spans of one record into `out.spans`: `days` are the record's dates (any order,
    /// repeats allowed); `evaluate(day, &scratch)` evaluates the record blanked after `day`
    /// with the as-at date `day`. Before the earliest of them the record has no event and
    /// no clock; dates after `asAt` are never visited.
    package static func spans(days: [Day], asAt: Day, into out: inout RuleTimings,
                              evaluate: (Day, inout RuleTimings) -> Void) {
        var points = days.filter { $0 <= asAt }
        if points.isEmpty { return }
        points.sort()
        var scratch = RuleTimings()
        /// The spans open since `from`: a timing is the same clock while its measure,
        /// start, due date and row stay the same.
        var open: [(span: OpenSpan, key: Day?)] = []
        var previous: Day?
        for day in points {
            if day == previous { continue }
            previous = day
            evaluate(day, &scratch)
            var now: [(OpenSpan, Day?)] = []
            for (i, t) in scratch.timings.enumerated() where !t.status.isCompleted {
                let row = scratch.rows.isEmpty ? 0 : scratch.rows[i]
                now.append((OpenSpan(measure: t.measure, from: day, until: nil, due: t.due, row: row, clockStart: t.ageReference), t.start))
            }
            // Close what is no longer open; keep (with its first day) what still is.
            var still: [(span: OpenSpan, key: Day?)] = []
            for o in open {
                if let k = now.firstIndex(where: { $0.0.measure == o.span.measure && $0.0.due == o.span.due
                                                   && $0.0.row == o.span.row && $0.1 == o.key }) {
                    now.remove(at: k)
                    still.append(o)
                } else {
                    var s = o.span
                    s.until = day
                    out.spans.append(s)
                }
            }
            open = still + now.map { (span: $0.0, key: $0.1) }
        }
        for o in open { out.spans.append(o.span) }
    }

    /// `d` if it is on or before `day`, else nil: an event not yet happened.
    @inline(__always) package static func by(_ d: Day?, _ day: Day) -> Day? { d.flatMap { $0 <= day ? $0 : nil } }
}

extension ReassessmentRules {
    /// The open spans of `r` (a measure the record cannot measure has none: the rule, run
    /// on the blanked record, still finds the field unusable). The
    /// request exists from its request date; a decision (with its code) or a final plan
    /// dated after a day had not been made on it.
    package static func openSpans(_ r: ReassessmentRecord, rules: RuleSettings, into out: inout RuleTimings) {
        var found = RuleTimings()
        SpanReplay.spans(days: [r.requestDate] + [r.decisionDate, r.finalPlanDate].compactMap { $0 }, asAt: rules.asAt,
                         into: &found) { day, scratch in
            guard day >= r.requestDate else { scratch.removeAll(); return }
            var b = r
            b.decisionDate = SpanReplay.by(r.decisionDate, day)
            if b.decisionDate == nil, r.decisionDate != nil { b.decision = nil }
            b.finalPlanDate = SpanReplay.by(r.finalPlanDate, day)
            var settings = rules
            settings.asAt = day
            evaluate(b, rules: settings, into: &scratch)
        }
        out.spans.append(contentsOf: found.spans)
    }
}

extension OrderRules {
    /// The open spans of `o` (after `evaluate`): the order exists from its order date; a
    /// notice, no-plan notice or plan dated after a day had not been given on it (so an
    /// order to assess is on the way to a plan until its no-plan notice).
    package static func openSpans(_ o: OrderRecord, rules: RuleSettings, into out: inout RuleTimings) {
        var found = RuleTimings()
        let dates = [o.noticeDate, o.noPlanDate, o.draftPlanDate, o.finalPlanDate, o.amendedPlanDate].compactMap { $0 }
        SpanReplay.spans(days: [o.orderDate] + dates, asAt: rules.asAt, into: &found) { day, scratch in
            guard day >= o.orderDate else { scratch.removeAll(); return }
            var b = o
            b.noticeDate = SpanReplay.by(o.noticeDate, day)
            b.noPlanDate = SpanReplay.by(o.noPlanDate, day)
            b.draftPlanDate = SpanReplay.by(o.draftPlanDate, day)
            b.finalPlanDate = SpanReplay.by(o.finalPlanDate, day)
            b.amendedPlanDate = SpanReplay.by(o.amendedPlanDate, day)
            var settings = rules
            settings.asAt = day
            evaluate(b, rules: settings, into: &scratch)
        }
        out.spans.append(contentsOf: found.spans)
    }
}

extension ReviewRules {
    /// The open spans of a plan (after `evaluate`), each with its row (`OpenSpan.row`,
    /// whose cohort counts it): the plan exists from its plan date; a meeting after a day
    /// had not been held, a decision (with its code), amendment notice, amended plan,
    /// no-amendment notice, cessation or transfer in dated after it had not happened.
    package static func openSpans(_ plan: ReviewPlan, rules: RuleSettings, into out: inout RuleTimings) {
        var days: [Day] = []
        for row in plan.rows {
            for d in [row.planDate, row.meetingDate, row.decisionDate, row.amendmentNoticeDate, row.amendedPlanDate,
                      row.noAmendmentDate, row.ceasedDate, row.transferInDate, row.transferInNoticeDate] {
                if let d { days.append(d) }
            }
        }
        var found = RuleTimings()
        var blanked = plan
        SpanReplay.spans(days: days, asAt: rules.asAt, into: &found) { day, scratch in
            for i in plan.rows.indices {
                let r = plan.rows[i]
                blanked.rows[i].planDate = SpanReplay.by(r.planDate, day)
                blanked.rows[i].meetingDate = SpanReplay.by(r.meetingDate, day)
                blanked.rows[i].decisionDate = SpanReplay.by(r.decisionDate, day)
                blanked.rows[i].decision = r.decisionDate != nil && blanked.rows[i].decisionDate == nil ? nil : r.decision
                blanked.rows[i].amendmentNoticeDate = SpanReplay.by(r.amendmentNoticeDate, day)
                blanked.rows[i].amendedPlanDate = SpanReplay.by(r.amendedPlanDate, day)
                blanked.rows[i].noAmendmentDate = SpanReplay.by(r.noAmendmentDate, day)
                blanked.rows[i].ceasedDate = SpanReplay.by(r.ceasedDate, day)
                blanked.rows[i].transferInDate = SpanReplay.by(r.transferInDate, day)
                blanked.rows[i].transferInNoticeDate = SpanReplay.by(r.transferInNoticeDate, day)
            }
            var settings = rules
            settings.asAt = day
            evaluate(blanked, rules: settings, into: &scratch)
        }
        out.spans.append(contentsOf: found.spans)
    }
}
