/// An order measure with its id and limit, as the table hands it to `OrderRules`.
typealias OrderEntry = MeasureEntry<OrderMeasure>

/// The measures of the orders extract: every `.orders` entry of the measure table. Each
/// clock runs from the order date (for an unopposed appeal, the day the authority told
/// the Tribunal it would not oppose, reg 45(1)) to the date the entry names. An order to
/// assess is timed to its notice, then to either the no-plan notice (reg 44(2)(b)(i),
/// when the row has one) or the final plan (reg 44(2)(b)(ii)); an order to maintain a
/// plan acts at once and has no clock.
public enum OrderRules {
    public static func evaluate(_ o: OrderRecord, sequence: Int, asAt: Day, measures: MeasureTable = .standard) -> RuleOutcome {
        var out = RuleTimings()
        evaluate(o, rules: RuleSettings(asAt: asAt, measures: measures), into: &out)
        return RuleOutcome(results: out.timings.map {
            CaseResult($0, CaseFacts(caseID: o.caseID, line: o.line, sequence: sequence, cohort: o.cohort,
                                     ageReference: ageReference(o)))
        }, warnings: out.warnings)
    }

    /// The timings of `o` into `out` (emptied first), in table order: what the row loop calls.
    package static func evaluate(_ o: OrderRecord, rules: RuleSettings, into out: inout RuleTimings) {
        out.removeAll()
        for entry in rules.measures.orderEntries where entry.measure.type == o.type {
            let m = entry.measure
            // Which branch of an order to assess the row is on depends on its no-plan date.
            if m.outcome != .any {
                if o.unusable.contains(OrderDate.noPlanDate.name) {
                    out.unmeasured.append(Unmeasured(measure: entry.id, fields: [OrderDate.noPlanDate.name]))
                    continue
                }
                if (m.outcome == .noPlan) != (o.noPlanDate != nil) { continue }
            }
            if o.unusable.contains(m.completion.name) {
                out.unmeasured.append(Unmeasured(measure: entry.id, fields: [m.completion.name]))
                continue
            }
            let due = entry.dueDate.due(from: o.orderDate)
            let exception = out.exception(o.exception, of: entry.id, grounds: entry.grounds, start: o.orderDate, due: due,
                                          line: o.line, field: "exception_reason")
            out.timings.append(CaseTiming(measure: entry.id, start: o.orderDate, due: due, completed: m.completion.day(of: o),
                                          exception: exception, asAt: rules.asAt))
        }
    }

    /// The day an order's age band is reckoned on: the order date.
    package static func ageReference(_ o: OrderRecord) -> Day { o.orderDate }
}

/// A re-assessment measure with its id and limit, as the table hands it to `ReassessmentRules`.
typealias ReassessmentEntry = MeasureEntry<ReassessmentMeasure>

/// The measures of the reassessments extract: every `.reassessments` entry of the
/// measure table. The decision is due 15 days after the request (reg 25(1)); after a
/// decision to re-assess, the final plan 14 weeks after that decision was notified (reg
/// 27(2)).
public enum ReassessmentRules {
    public static func evaluate(_ r: ReassessmentRecord, sequence: Int, asAt: Day, closures: SchoolClosures? = nil,
                                measures: MeasureTable = .standard) -> RuleOutcome {
        var out = RuleTimings()
        evaluate(r, rules: RuleSettings(asAt: asAt, measures: measures, schoolClosures: closures), into: &out)
        return RuleOutcome(results: out.timings.map {
            CaseResult($0, CaseFacts(caseID: r.caseID, line: r.line, sequence: sequence, cohort: r.cohort,
                                     ageReference: ageReference(r)))
        }, warnings: out.warnings)
    }

    /// The timings of `r` into `out` (emptied first), in table order: what the row loop calls.
    package static func evaluate(_ r: ReassessmentRecord, rules: RuleSettings, into out: inout RuleTimings) {
        out.removeAll()
        for entry in rules.measures.reassessmentEntries {
            let m = entry.measure
            var missing: [String] = []
            if !m.decided.isAny {
                if r.unusable.contains("decision") { missing.append("decision") }
                else if !m.decided.admits(r.decision) { continue }
            }
            if m.start != .requestDate, r.unusable.contains(m.start.name) { missing.append(m.start.name) }
            if r.unusable.contains(m.completion.name) { missing.append(m.completion.name) }
            if !missing.isEmpty {
                out.unmeasured.append(Unmeasured(measure: entry.id, fields: missing))
                continue
            }
            // A decision to re-assess with no decision date has no clock to time: said, not dropped.
            guard let start = m.start.day(of: r) else {
                if let d = r.decision {
                    out.warnings.append(RuleWarning(line: r.line, field: m.start.name, value: "",
                                                    message: "\(entry.id.rawValue): the decision is \(d.rawValue) but \(m.start.name) is blank; "
                                                        + "the clock starts on the decision's notification, so this case is not timed (record the date)"))
                }
                continue
            }
            let due = entry.dueDate.due(from: start)
            let exception = out.exception(r.exception, of: entry.id, grounds: entry.grounds, start: start, due: due,
                                          closures: rules.schoolClosures, line: r.line, field: "exception_reason")
            out.timings.append(CaseTiming(measure: entry.id, start: start, due: due, completed: m.completion.day(of: r),
                                          exception: exception, asAt: rules.asAt))
        }
    }

    /// The day a re-assessment's age band is reckoned on: the request date.
    package static func ageReference(_ r: ReassessmentRecord) -> Day { r.requestDate }
}
