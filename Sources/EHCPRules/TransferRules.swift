/// How "before 15 February" (and "before 31 March") is read (reg 18).
public enum TransferDeadline: String, Sendable, CaseIterable {
    /// Before 15 February: the last compliant day is 14 February (30 March post-16). The default.
    case literal
    /// By 15 February / 31 March, as much local guidance says.
    case inclusive
}

/// The measures of the transfers extract: every `.transfers` entry of the measure table
/// (by default the reg 18 measure).
public enum TransferRules {
    /// The last compliant day for a transfer of `type` on `transferDate`, by the
    /// deadlines of the standard phase transfer measure.
    public static func due(_ type: TransferType, transferDate: Day, reading: TransferDeadline) -> Day {
        guard case .phaseTransfer(let deadlines) = MeasureID.phaseTransfer.definition.dueDate else {
            preconditionFailure("the measure table gives \(MeasureID.phaseTransfer) a transfer deadline")
        }
        return due(type, transferDate: transferDate, reading: reading, deadlines: deadlines)
    }

    /// The last compliant day for a transfer of `type` on `transferDate` under `deadlines`.
    static func due(_ type: TransferType, transferDate: Day, reading: TransferDeadline, deadlines deadline: PhaseTransferDeadlines) -> Day {
        let year = transferDate.year
        // "Before" a day: the last compliant day is the day before, or that day itself
        // under the inclusive reading.
        let extra = reading == .inclusive ? 0 : -1
        switch type {
        case .eyToSchool, .infantToJunior, .primaryToMiddle, .primaryToSecondary, .middleToSecondary:
            // "Before 15 February" of the calendar year of transfer.
            return Day(year: year, month: deadline.schoolMonth, day: deadline.schoolDay + extra) ?? transferDate
        case .secondaryToPost16:
            // "Before 31 March" of that year.
            return Day(year: year, month: deadline.post16Month, day: deadline.post16Day + extra) ?? transferDate
        case .post16ToPost16:
            // "At least 5 months before" the transfer.
            return transferDate.addingMonths(-deadline.post16MoveMonths)
        }
    }

    public static func evaluate(_ t: TransferRecord, reading: TransferDeadline, sequence: Int, asAt: Day,
                                measures: MeasureTable = .standard) -> RuleOutcome {
        var out = RuleTimings()
        evaluate(t, rules: RuleSettings(asAt: asAt, transferDeadline: reading, measures: measures), into: &out)
        return RuleOutcome(results: out.timings.map {
            CaseResult($0, CaseFacts(caseID: t.caseID, line: t.line, sequence: sequence, cohort: t.cohort,
                                     ageReference: ageReference($0)))
        }, warnings: out.warnings)
    }

    /// The day a transfer's age band is reckoned on: its due date (reg 18's clock starts
    /// on no day of the record).
    package static func ageReference(_ timing: CaseTiming) -> Day { timing.ageReference }

    /// The same, as timings into `out` (emptied first), in table order: what the row loop calls.
    package static func evaluate(_ t: TransferRecord, rules: RuleSettings, into out: inout RuleTimings) {
        out.removeAll()
        for entry in rules.measures.transferEntries {
            if !t.unusable.isEmpty, t.unusable.contains(entry.measure.completion.name) {
                out.unmeasured.append(Unmeasured(measure: entry.id, fields: [entry.measure.completion.name]))
                continue
            }
            let start: Day?, due: Day
            if case .phaseTransfer(let deadlines) = entry.dueDate {
                (start, due) = (nil, Self.due(t.type, transferDate: t.transferDate, reading: rules.transferDeadline, deadlines: deadlines))
            } else {
                (start, due) = (t.transferDate, entry.dueDate.due(from: t.transferDate))
            }
            let exception = out.exception(t.exception, of: entry.id, grounds: entry.grounds, due: due,
                                          line: t.line, field: "exception_reason")
            out.timings.append(CaseTiming(measure: entry.id, start: start, due: due, completed: entry.measure.completion.day(of: t),
                                          exception: exception, asAt: rules.asAt))
        }
    }
}
