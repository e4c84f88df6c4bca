import EHCPRules
import EHCPStore

/// The kinds of extract the tool reads (extract-format.md, "Canonical extracts").
public enum ExtractKind: String, Sendable, CaseIterable {
    case requests, reviews, transfers
    /// The council's school closures (`--term-dates`): not an extract of cases, but read
    /// by the same rules (header matching, profiles, dates, bad rows).
    case termDates = "term_dates"
    /// Requests to re-assess an existing plan (`--reassessments`, regs 25 and 27).
    case reassessments
    /// First-tier Tribunal orders and unopposed appeals (`--orders`, regs 44 and 45).
    case orders
    /// The DfE SEN2 person-level return (`--sen2`, XML): read by `SEN2Reader`, not by
    /// columns, so it has no canonical fields.
    case sen2

    /// The extracts of cases, which a draft profile may be for.
    public static let caseExtracts: [ExtractKind] = [.requests, .reviews, .transfers]
}

/// A canonical field of an extract.
public struct FieldSpec: Sendable, Equatable {
    public let name: String
    public let required: Bool
    public let isDate: Bool
}

extension ExtractKind {
    /// The canonical fields, in the order extract-format.md lists them.
    public var fields: [FieldSpec] {
        switch self {
        case .requests:
            return [
                FieldSpec(name: "case_id", required: true, isDate: false),
                FieldSpec(name: "person_id", required: false, isDate: false),
                FieldSpec(name: "request_date", required: true, isDate: true),
                FieldSpec(name: "assessment_decision_date", required: false, isDate: true),
                FieldSpec(name: "assessment_decision", required: false, isDate: false),
                FieldSpec(name: "plan_decision_date", required: false, isDate: true),
                FieldSpec(name: "plan_decision", required: false, isDate: false),
                FieldSpec(name: "draft_plan_date", required: false, isDate: true),
                FieldSpec(name: "final_plan_date", required: false, isDate: true),
                FieldSpec(name: "withdrawn_date", required: false, isDate: true),
                FieldSpec(name: "exception_reason", required: false, isDate: false),
                FieldSpec(name: "decision_exception_reason", required: false, isDate: false),
                FieldSpec(name: "school_advice_date", required: false, isDate: true),
            ]
        case .reviews:
            return [
                FieldSpec(name: "case_id", required: true, isDate: false),
                FieldSpec(name: "plan_date", required: true, isDate: true),
                FieldSpec(name: "review_meeting_date", required: false, isDate: true),
                FieldSpec(name: "review_decision_date", required: false, isDate: true),
                FieldSpec(name: "review_decision", required: false, isDate: false),
                FieldSpec(name: "amendment_notice_date", required: false, isDate: true),
                FieldSpec(name: "amended_plan_date", required: false, isDate: true),
                FieldSpec(name: "ceased_date", required: false, isDate: true),
                // Version 2.
                FieldSpec(name: "no_amendment_date", required: false, isDate: true),
                FieldSpec(name: "transfer_in_date", required: false, isDate: true),
                FieldSpec(name: "transfer_in_notice_date", required: false, isDate: true),
                FieldSpec(name: "exception_reason", required: false, isDate: false),
            ]
        case .transfers:
            return [
                FieldSpec(name: "case_id", required: true, isDate: false),
                FieldSpec(name: "transfer_type", required: true, isDate: false),
                FieldSpec(name: "transfer_date", required: true, isDate: true),
                FieldSpec(name: "amended_plan_date", required: false, isDate: true),
                // Version 2.
                FieldSpec(name: "exception_reason", required: false, isDate: false),
            ]
        case .reassessments:
            return [
                FieldSpec(name: "case_id", required: true, isDate: false),
                FieldSpec(name: "person_id", required: false, isDate: false),
                FieldSpec(name: "request_date", required: true, isDate: true),
                FieldSpec(name: "decision_date", required: false, isDate: true),
                FieldSpec(name: "decision", required: false, isDate: false),
                FieldSpec(name: "final_plan_date", required: false, isDate: true),
                FieldSpec(name: "exception_reason", required: false, isDate: false),
            ]
        case .orders:
            return [
                FieldSpec(name: "case_id", required: true, isDate: false),
                FieldSpec(name: "person_id", required: false, isDate: false),
                FieldSpec(name: "order_date", required: true, isDate: true),
                FieldSpec(name: "order_type", required: true, isDate: false),
                FieldSpec(name: "order_source", required: false, isDate: false),
                FieldSpec(name: "notice_date", required: false, isDate: true),
                FieldSpec(name: "no_plan_date", required: false, isDate: true),
                FieldSpec(name: "draft_plan_date", required: false, isDate: true),
                FieldSpec(name: "final_plan_date", required: false, isDate: true),
                FieldSpec(name: "amended_plan_date", required: false, isDate: true),
                FieldSpec(name: "exception_reason", required: false, isDate: false),
            ]
        case .sen2:
            return []
        case .termDates:
            return [
                FieldSpec(name: "start_date", required: true, isDate: true),
                FieldSpec(name: "end_date", required: true, isDate: true),
                FieldSpec(name: "description", required: false, isDate: false),
            ]
        }
    }

    /// Non-canonical columns the tool still reads by name when present: they say who
    /// acts on a case (`team`, `caseworker`) or feed the derived `age_band`.
    public static let knownDimensions = ["team", "caseworker", "date_of_birth"]
}

/// Header and code matching: case-insensitive, ignoring spaces, underscores, hyphens and
/// other punctuation, and a leading byte-order mark (extract-format.md, "Header matching").
public enum NameMatching {
    /// The comparison key of a header or code: lower-case letters and digits only.
    public static func key(_ text: String) -> String {
        Bytes.withUTF8(text) { key($0) }
    }

    /// `headers` ordered by how close their matching keys are to `wanted`'s (edit
    /// distance), closest first; ties keep the file's order. For messages only.
    public static func closestFirst(_ headers: [String], to wanted: String) -> [String] {
        let target = Array(key(wanted).unicodeScalars)
        let ranked = headers.enumerated().map { (i, h) in (distance(Array(key(h).unicodeScalars), target), i, h) }
        return ranked.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
    }

    /// Levenshtein distance, one row at a time.
    package static func distance<T: Equatable>(_ a: [T], _ b: [T]) -> Int {
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count), current = previous
        for i in 1...a.count {
            current[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// The key of text that is not all ASCII: letters of any script, lower-cased.
    private static func unicodeKey(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value == 0xFEFF { continue }
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                out.unicodeScalars.append(contentsOf: String(scalar).lowercased().unicodeScalars)
            }
        }
        return out
    }

    /// Whether ASCII `bytes` and ASCII `text` have the same key (`key(_:)`), compared in
    /// place without building either key: what a cell spelt `No Plan` or `Assess` needs
    /// millions of times. False also when either is not all ASCII: compare the keys then.
    package static func sameASCIIKey(_ bytes: Span<UInt8>, _ text: String) -> Bool {
        Bytes.withUTF8(text) { t in
            var i = 0, j = 0
            while true {
                // The next key byte of each side, 0 at its end.
                var a: UInt8 = 0, b: UInt8 = 0
                while i < bytes.count {
                    let x = bytes[i]
                    i += 1
                    if x >= 0x80 { return false }
                    a = keyByte(x)
                    if a != 0 { break }
                }
                while j < t.count {
                    let x = t[j]
                    j += 1
                    if x >= 0x80 { return false }
                    b = keyByte(x)
                    if b != 0 { break }
                }
                if a != b { return false }
                if a == 0 { return true }
            }
        }
    }

    /// An ASCII byte as the key keeps it (lower-case letters and digits), 0 when it drops it.
    @inline(__always)
    private static func keyByte(_ b: UInt8) -> UInt8 {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return b
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return b + 32
        default: return 0
        }
    }

    /// The key of a code as raw bytes, without building a String for ASCII input.
    package static func key(_ bytes: Span<UInt8>) -> String {
        var ascii = true
        for i in bytes.indices where bytes[i] >= 0x80 { ascii = false; break }
        guard ascii else { return unicodeKey(Bytes.string(bytes)) }
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        for i in bytes.indices {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): out.append(b)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): out.append(b + 32)
            default: continue
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Every canonical field of every extract kind, so that a row reader finds a field's
/// column by array position rather than by hashing its name for every cell it reads.
public enum Field: Int, CaseIterable, Sendable {
    case caseID, personID, requestDate, assessmentDecisionDate, assessmentDecision, planDecisionDate, planDecision,
         draftPlanDate, finalPlanDate, withdrawnDate, exceptionReason, decisionExceptionReason,
         planDate, reviewMeetingDate, reviewDecisionDate, reviewDecision, amendmentNoticeDate, amendedPlanDate,
         ceasedDate, transferType, transferDate, noAmendmentDate, transferInDate, transferInNoticeDate,
         schoolAdviceDate, startDate, endDate, description,
         decisionDate, decision, orderDate, orderType, orderSource, noticeDate, noPlanDate

    /// The field's canonical name, as extract-format.md and the outputs spell it.
    public var name: String { Self.names[rawValue] }

    private static let names = [
        "case_id", "person_id", "request_date", "assessment_decision_date", "assessment_decision", "plan_decision_date",
        "plan_decision", "draft_plan_date", "final_plan_date", "withdrawn_date", "exception_reason",
        "decision_exception_reason", "plan_date", "review_meeting_date", "review_decision_date", "review_decision",
        "amendment_notice_date", "amended_plan_date", "ceased_date", "transfer_type", "transfer_date",
        "no_amendment_date", "transfer_in_date", "transfer_in_notice_date",
        "school_advice_date", "start_date", "end_date", "description",
        "decision_date", "decision", "order_date", "order_type", "order_source", "notice_date", "no_plan_date",
    ]

    /// The field of a canonical name.
    public init?(name: String) {
        guard let i = Self.names.firstIndex(of: name) else { return nil }
        self.init(rawValue: i)
    }
}
