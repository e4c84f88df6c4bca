import EHCPRules

/// The canonical code a file's spelling most likely means, for `profile init`: a guess a
/// person checks, never applied by a run. A guess is made only when exactly one code fits
/// the first rule that fits any, so two equally likely codes give no guess.
package enum CodeGuess {
    /// How the tool reads `value` in `field` without any profile: the canonical code, or
    /// nil when a profile would have to map it.
    package static func readAsIs(_ value: String, field: String) -> String? {
        if field == "exception_reason" || field == "decision_exception_reason" {
            switch ExceptionReading(value) {
            case .none: return "none"
            case .code(let c): return c.rawValue
            case .unrecognised: return nil
            }
        }
        let key = NameMatching.key(value)
        return CodeLists.codes(forField: field)?.first { NameMatching.key($0) == key }
    }

    /// The code `value` most likely means, or nil. Rules, in order: yes/no words for the
    /// two decisions that are yes or no (`Agreed`, `Not agreed`, `Y`, `N`); "nothing"
    /// words for exception reasons (`N/A`); a code that starts the value or that the value
    /// starts, three letters at least (`Ceased`, `COV`); the initials of the code's words,
    /// all of them or a leading part of two or more, with or without `from` and `to`
    /// (`PC`, `EY`, `AA`); a typo (edit distance at most 2 in 6 letters or more); a value
    /// that contains a code (`personal circumstances of the family`).
    package static func guess(_ value: String, field: String) -> String? {
        guard let codes = CodeLists.codes(forField: field) else { return nil }
        let key = NameMatching.key(value)
        guard !key.isEmpty else { return nil }
        if let (yes, no) = yesNo[field] {
            if affirmative.contains(key) { return yes }
            if negative.contains(key) { return no }
            for prefix in ["not", "no", "non"] where key.hasPrefix(prefix) && affirmative.contains(String(key.dropFirst(prefix.count))) {
                return no
            }
        }
        if codes.contains("none"), nothing.contains(key) { return "none" }
        let candidates = codes.filter { $0 != "none" }
        let rules: [(String) -> Bool] = [
            { code in
                let c = NameMatching.key(code)
                return (key.hasPrefix(c) && c.count >= 3) || (c.hasPrefix(key) && key.count >= 3)
            },
            { code in initials(code).contains(key) },
            { code in
                let c = NameMatching.key(code)
                return min(c.count, key.count) >= 6 && NameMatching.distance(Array(c.utf8), Array(key.utf8)) <= 2
            },
            { code in key.contains(NameMatching.key(code)) },
        ]
        for rule in rules {
            let fits = candidates.filter(rule)
            if fits.count == 1 { return fits[0] }
            if fits.count > 1 { return nil }
        }
        return nil
    }

    /// The initials a code may be written as: of all its words, of all but `from`/`to`,
    /// and every leading part of two letters or more (`eyc`, `ey`).
    private static func initials(_ code: String) -> Set<String> {
        let words = code.split(separator: "_").map(String.init)
        var out: Set<String> = []
        for list in [words, words.filter { $0 != "from" && $0 != "to" }] {
            let letters = list.compactMap(\.first).map(String.init).joined()
            for n in stride(from: 2, through: letters.count, by: 1) { out.insert(String(letters.prefix(n))) }
        }
        return out
    }

    /// The code a yes and a no mean, for the decisions that are a yes or a no.
    private static let yesNo: [String: (yes: String, no: String)] = [
        "assessment_decision": (AssessmentDecision.assess.rawValue, AssessmentDecision.refuse.rawValue),
        "plan_decision": (PlanDecision.issue.rawValue, PlanDecision.noPlan.rawValue),
    ]
    private static let affirmative: Set<String> = ["yes", "y", "agreed", "agree", "approved", "approve", "accepted",
                                                  "accept", "true", "1", "granted", "proceed", "proceeding", "ok"]
    private static let negative: Set<String> = ["no", "n", "false", "0", "declined", "decline", "refused", "rejected",
                                               "reject", "disagreed", "notagreed"]
    private static let nothing: Set<String> = ["na", "notapplicable", "nil", "null", "noexception", "nothing"]
}
