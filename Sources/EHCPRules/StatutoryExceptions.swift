/// Which statutory exception applies to one measure of one case (regs 5(4), 10(4), 13(3)).
public enum StatutoryExceptions {
    /// SI 2020/471 relaxed the limits for deadlines in this window (inclusive; a convention of this tool).
    public static let covidWindow = Day(year: 2020, month: 5, day: 1)!...Day(year: 2020, month: 9, day: 25)!

    /// The applied exception for a measure due on `due`, or nil; `warning` explains a code
    /// that was recorded but cannot apply.
    public static func applied(_ reading: ExceptionReading, due: Day) -> (code: ExceptionCode?, warning: String?) {
        switch reading {
        case .none, .unrecognised:
            return (nil, nil)
        case .code(.covid2020) where !covidWindow.contains(due):
            return (nil, "covid_2020 applies only to deadlines from 1 May 2020 to 25 September 2020 (SI 2020/471); this deadline is \(due.iso), so the case is counted without an exception")
        case .code(let code):
            return (code, nil)
        }
    }

    /// The applied exception for a measure whose limit accepts `grounds` and whose clock
    /// runs from `start` to `due`, or nil; `warning` explains a recorded code that cannot
    /// apply: a ground the measure's regulation does not give, `covid_2020` outside its
    /// window, or (with `closures`, the term dates) a `school_closure` claim they do not
    /// support. `adviceDate`: the row's `school_advice_date`. Without `closures` (or
    /// `start`: a phase transfer's clock starts on no day) claims are not checked against
    /// term dates.
    @inline(__always)
    public static func applied(_ reading: ExceptionReading, grounds: ExceptionGrounds, start: Day? = nil, due: Day,
                               closures: SchoolClosures? = nil, adviceDate: Day? = nil) -> (code: ExceptionCode?, warning: String?) {
        guard case .code(let code) = reading else { return (nil, nil) }
        return checked(code, grounds: grounds, start: start, due: due, closures: closures, adviceDate: adviceDate)
    }

    @inline(never)
    private static func checked(_ code: ExceptionCode, grounds: ExceptionGrounds, start: Day?, due: Day,
                                closures: SchoolClosures?, adviceDate: Day?) -> (code: ExceptionCode?, warning: String?) {
        if !grounds.accepts(code) { return (nil, notAGround(code, grounds)) }
        let (applied, warning) = applied(.code(code), due: due)
        guard let applied else { return (nil, warning) }
        if applied == .schoolClosure, let closures, let start,
           let why = closures.reason(closures.check(clockStart: start, due: due, adviceDate: adviceDate),
                                     citation: grounds.schoolClosureCitation) {
            return (nil, "school_closure not applied: " + why + "; the case is counted without an exception")
        }
        return (applied, nil)
    }

    /// Why `code` is not applied to a measure whose regulation does not give it.
    public static func notAGround(_ code: ExceptionCode, _ grounds: ExceptionGrounds) -> String {
        if grounds.accepted.isEmpty { return "exception \(code.rawValue) not applied: this measure accepts no statutory exception; the case is counted without an exception" }
        if grounds == .covid2020 {
            return "exception \(code.rawValue) not applied: this measure accepts only covid_2020 (\(grounds.citation)); the case is counted without an exception"
        }
        return "\(code.rawValue) is not a ground that \(grounds.citation) gives for this limit (accepted: "
            + grounds.accepted.map(\.rawValue).joined(separator: ", ") + "); the case is counted without an exception"
    }

    /// Why a recorded exception reason that is no statutory ground is not applied, as the
    /// warning says it. `key` is the reason folded for matching (lower case, letters and
    /// digits only).
    /// How `notApplied`'s message begins, so the data-quality summary can count reasons.
    public static let notAppliedPrefix = "exception reason "

    public static func notApplied(_ raw: String, key: String, accepted: [ExceptionCode] = ExceptionCode.general) -> String {
        let why = key.contains("missed") || key.contains("dna") || key.contains("appointment")
            ? "a missed appointment is an exception only for other bodies' advice (reg 8(2)), never for the authority's own time limits"
            : "it is not a statutory ground"
        return notAppliedPrefix + "\"\(raw)\" not applied: \(why); the case is counted without an exception. Accepted: \(accepted.map(\.rawValue).joined(separator: ", "))"
    }
}
