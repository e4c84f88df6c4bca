import EHCPStore

/// How close a header is to a canonical name when the tool's own rule (case, spaces and
/// punctuation ignored) does not make them equal: what `profile init` needs to guess a
/// first profile, never what a run uses to read a file.
///
/// Two measures, the larger wins:
/// - the words of both, each read through a small table of the words that case-management
///   exports use for the same thing (`Involvement ID` is a case id, `Inactive Date` a
///   withdrawal, `DOB` a date of birth), compared as weighted sets (Dice); `date` and `id`
///   weigh little, since almost every column has one, and at least one other word must be
///   shared;
/// - for typos, the edit distance between the two matching keys (`Requst Date`).
package enum HeaderCloseness {
    /// Below this a header is not offered for a field.
    package static let threshold = 0.5

    /// 0 (nothing in common) to 1 (the same words, or the same key).
    package static func score(_ name: String, _ header: String) -> Double {
        max(wordScore(name, header), keyScore(name, header))
    }

    /// The weighted Dice coefficient of the two names' concepts; 0 unless a concept
    /// other than `date` or `id` is shared.
    package static func wordScore(_ name: String, _ header: String) -> Double {
        let a = concepts(name), b = concepts(header)
        guard a.contains(where: { b.contains($0) && weight($0) == 1 }) else { return 0 }
        let shared = a.filter { b.contains($0) }.map(weight).reduce(0, +)
        let total = a.map(weight).reduce(0, +) + b.map(weight).reduce(0, +)
        return total == 0 ? 0 : 2 * shared / total
    }

    /// 1 − edit distance / the longer key, counted only from 0.8 (a typo or two).
    package static func keyScore(_ name: String, _ header: String) -> Double {
        let a = Array(NameMatching.key(name).unicodeScalars), b = Array(NameMatching.key(header).unicodeScalars)
        let longer = max(a.count, b.count)
        guard longer > 0 else { return 0 }
        let s = 1 - Double(NameMatching.distance(a, b)) / Double(longer)
        return s >= 0.8 ? s : 0
    }

    private static func weight(_ concept: String) -> Double { concept == "date" || concept == "id" ? 0.25 : 1 }

    /// The set of concepts of a name's words, in first-seen order.
    package static func concepts(_ text: String) -> [String] {
        var out: [String] = []
        for word in words(text) where !stopWords.contains(word) {
            for c in concepts(ofWord: word) where !out.contains(c) { out.append(c) }
        }
        return out
    }

    /// A word's concepts: from the table, or from the table's word it is a typo of, or the
    /// word itself.
    private static func concepts(ofWord word: String) -> [String] {
        if let c = table[word] { return c }
        let w = Array(word.unicodeScalars)
        guard w.count >= 5 else { return [word] }
        let allowed = w.count >= 8 ? 2 : 1
        var best: (distance: Int, word: String)?
        for known in tableWords where abs(known.scalars.count - w.count) <= allowed {
            let d = NameMatching.distance(w, known.scalars)
            if d <= allowed, d < best?.distance ?? Int.max { best = (d, known.word) }
        }
        return best.flatMap { table[$0.word] } ?? [word]
    }

    /// Lower-case words: split at anything but a letter or digit, and where a lower-case
    /// letter meets a capital (`DateFinalIssued`).
    package static func words(_ text: String) -> [String] {
        var out: [String] = [], word = ""
        var previousLower = false
        for scalar in text.unicodeScalars {
            let isLetter = scalar.properties.isAlphabetic, isDigit = ("0"..."9").contains(scalar)
            guard isLetter || isDigit else {
                if !word.isEmpty { out.append(word); word = "" }
                previousLower = false
                continue
            }
            if previousLower && scalar.properties.isUppercase, !word.isEmpty { out.append(word); word = "" }
            word.unicodeScalars.append(contentsOf: String(scalar).lowercased().unicodeScalars)
            previousLower = scalar.properties.isLowercase || isDigit
        }
        if !word.isEmpty { out.append(word) }
        return out
    }

    private static let stopWords: Set<String> = ["of", "the", "a", "an", "to", "for", "by", "at", "in", "ehc", "sen", "send",
                                                 "needs", "la", "is", "was"]

    /// Words exports use, by concept. The canonical names' own words are read through the
    /// same table, so `withdrawn` and `Inactive` meet at `closed`.
    private static let synonyms: [(concepts: [String], words: [String])] = [
        (["id"], ["id", "ref", "reference", "number", "no", "num", "identifier"]),
        (["case"], ["case", "involvement", "episode", "record"]),
        (["case", "request"], ["referral"]),
        (["person"], ["person", "child", "pupil", "learner", "student", "client", "young", "yp", "individual"]),
        (["person", "id"], ["upn", "uln"]),
        (["request"], ["request", "requested", "received", "receipt"]),
        (["date"], ["date", "dt", "on", "notified", "notification", "issued", "served", "sent", "when", "day", "dated"]),
        (["assessment"], ["assessment", "assess", "assessed", "ehcna", "ehna"]),
        (["decision"], ["decision", "decided", "outcome", "result"]),
        (["draft"], ["draft", "proposed"]),
        (["final"], ["final", "finalised", "finalized"]),
        (["plan"], ["plan", "ehcp", "plans"]),
        (["closed"], ["withdrawn", "withdrawal", "withdrew", "inactive", "closed", "closure", "ceased", "cease", "ceasing",
                      "ended", "discontinued", "cancelled"]),
        (["exception"], ["exception", "exceptions", "exemption", "exempt", "delay", "extension"]),
        (["reason"], ["reason", "reasons", "ground", "grounds", "cause"]),
        (["review"], ["review", "reviews", "reviewed", "annual", "ar"]),
        (["meeting"], ["meeting", "meet", "held"]),
        (["amendment"], ["amendment", "amendments", "amend", "amended", "change", "changes"]),
        (["notice"], ["notice"]),
        (["transfer"], ["transfer", "transfers", "transition", "phase", "move", "moving"]),
        (["type"], ["type", "kind", "category"]),
        (["team"], ["team", "locality", "area", "region", "patch", "hub"]),
        (["caseworker"], ["caseworker", "officer", "coordinator", "keyworker", "worker", "practitioner"]),
        (["birth"], ["birth", "born"]),
        (["date", "birth"], ["dob"]),
    ]

    private static let table: [String: [String]] = {
        var t: [String: [String]] = [:]
        for (concepts, words) in synonyms { for w in words { t[w] = concepts } }
        return t
    }()

    /// The table's words, sorted, for typo lookups that do not depend on hashing order.
    private static let tableWords: [(word: String, scalars: [Unicode.Scalar])] =
        table.keys.sorted().map { ($0, Array($0.unicodeScalars)) }
}
