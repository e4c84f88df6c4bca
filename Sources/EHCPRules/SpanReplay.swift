/// backlog.csv's open spans of a SEN2 return's plans (`SEN2Run.planSpans`): found by running the rule's own
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
