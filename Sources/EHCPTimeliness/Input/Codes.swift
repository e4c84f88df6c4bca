/// The decision whether to carry out an EHC needs assessment.
public enum AssessmentDecision: String, Sendable, CaseIterable {
    case assess, refuse
}

/// The decision, after assessment, whether to issue a plan.
public enum PlanDecision: String, Sendable, CaseIterable {
    case issue
    case noPlan = "no_plan"
}

/// What the authority decided after an annual review meeting.
public enum ReviewDecision: String, Sendable, CaseIterable {
    case maintain, amend, cease
}

/// A phase transfer (reg 18) and the setting it moves between.
public enum TransferType: String, Sendable, CaseIterable {
    case eyToSchool = "ey_to_school"
    case infantToJunior = "infant_to_junior"
    case primaryToMiddle = "primary_to_middle"
    case primaryToSecondary = "primary_to_secondary"
    case middleToSecondary = "middle_to_secondary"
    case secondaryToPost16 = "secondary_to_post16"
    case post16ToPost16 = "post16_to_post16"
}

/// What an exception-reason cell says (extract-format.md, "Codes").
public enum ExceptionReading: Sendable, Equatable {
    case none
    case code(ExceptionCode)
    /// A recorded reason that is not a statutory ground: counted as no exception, with a warning.
    case unrecognised(String)

    /// Reads a cell value (already passed through any profile value map).
    public init(_ text: String) {
        let key = NameMatching.key(text)
        switch key {
        case "", "0", "no", "n", "false", "none": self = .none
        case "1", "yes", "y", "true": self = .code(.unspecified)
        default:
            if let code = CodeLists.exceptionByKey[key] { self = .code(code) } else { self = .unrecognised(text) }
        }
    }

    /// A cell holding exactly a canonical code or `none` (most cells), read without
    /// building a string; nil for anything else, which `init(_:)` then reads.
    static func canonical(_ bytes: UnsafeBufferPointer<UInt8>) -> ExceptionReading? {
        if RowReader.equals(bytes, "none") { return ExceptionReading.none }
        for c in ExceptionCode.allCases where RowReader.equals(bytes, c.rawValue) { return .code(c) }
        return nil
    }
}

/// Code lists and their matching keys, for reading cells and checking profiles.
public enum CodeLists {
    static let exceptionByKey: [String: ExceptionCode] = Dictionary(
        uniqueKeysWithValues: ExceptionCode.allCases.map { (NameMatching.key($0.rawValue), $0) })

    public static let fieldsWithCodes = [
        "assessment_decision", "plan_decision", "exception_reason", "decision_exception_reason",
        "review_decision", "transfer_type",
    ]

    /// The canonical codes of a field, in display order.
    public static func codes(forField field: String) -> [String]? {
        switch field {
        case "assessment_decision": return AssessmentDecision.allCases.map(\.rawValue)
        case "plan_decision": return PlanDecision.allCases.map(\.rawValue)
        case "exception_reason", "decision_exception_reason": return ExceptionCode.allCases.map(\.rawValue) + ["none"]
        case "review_decision": return ReviewDecision.allCases.map(\.rawValue)
        case "transfer_type": return TransferType.allCases.map(\.rawValue)
        default: return nil
        }
    }

    /// Matching keys of a field's codes (for profile checks).
    static func accepted(forField field: String) -> Set<String>? {
        codes(forField: field).map { Set($0.map(NameMatching.key)) }
    }

    /// "assess, refuse" — for messages.
    static func display(forField field: String) -> String {
        (codes(forField: field) ?? []).joined(separator: ", ")
    }

    /// Reads a coded cell into an enum case, matching keys.
    static func match<C: RawRepresentable & CaseIterable>(_ text: String, as _: C.Type) -> C? where C.RawValue == String {
        let key = NameMatching.key(text)
        return C.allCases.first { NameMatching.key($0.rawValue) == key }
    }
}
