/// How "before 15 February" (and "before 31 March") is read (reg 18).
public enum TransferDeadline: String, Sendable, CaseIterable {
    /// Before 15 February: the last compliant day is 14 February (30 March post-16). The default.
    case literal
    /// By 15 February / 31 March, as much local guidance says.
    case inclusive
}

/// The phase-transfer measure (reg 18).
public enum TransferRules {
    /// The last compliant day for a transfer of `type` on `transferDate`.
    public static func due(_ type: TransferType, transferDate: Day, reading: TransferDeadline) -> Day {
        let year = transferDate.year
        let extra = reading == .inclusive ? 1 : 0
        switch type {
        case .eyToSchool, .infantToJunior, .primaryToMiddle, .primaryToSecondary, .middleToSecondary:
            // "Before 15 February" of the calendar year of transfer.
            return Day(year: year, month: 2, day: 14 + extra) ?? transferDate
        case .secondaryToPost16:
            // "Before 31 March" of that year.
            return Day(year: year, month: 3, day: 30 + extra) ?? transferDate
        case .post16ToPost16:
            // "At least 5 months before" the transfer.
            return transferDate.addingMonths(-5)
        }
    }

    public static func evaluate(_ t: TransferRecord, reading: TransferDeadline, sequence: Int, asAt: Day) -> RuleOutcome {
        var out = RuleOutcome()
        evaluate(t, reading: reading, sequence: sequence, asAt: asAt, into: &out)
        return out
    }

    /// The same, into `out` (emptied first).
    static func evaluate(_ t: TransferRecord, reading: TransferDeadline, sequence: Int, asAt: Day, into out: inout RuleOutcome) {
        out.results.removeAll(keepingCapacity: true)
        out.warnings.removeAll(keepingCapacity: true)
        let due = due(t.type, transferDate: t.transferDate, reading: reading)
        out.results.append(CaseResult(
            measure: .phaseTransfer, caseID: t.caseID, line: t.line, sequence: sequence, start: nil, due: due,
            completed: t.amendedPlanDate, status: Deadline.status(due: due, completed: t.amendedPlanDate, asAt: asAt),
            exception: nil, dimensions: t.cohort.values(on: due), team: t.cohort.team, caseworker: t.cohort.caseworker))
    }
}
