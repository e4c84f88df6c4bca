import EHCPRules
import EHCPStore

extension ExceptionReading {
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
    /// Then an ASCII cell that `init(_:)` would read as `none`, a flag or a code, by key
    /// (`No`, `Yes`, `Personal Circumstances`), still without a string.
    package static func canonical(_ bytes: Span<UInt8>) -> ExceptionReading? {
        if Bytes.equal(bytes, "none") { return ExceptionReading.none }
        for c in ExceptionCode.allCases where Bytes.equal(bytes, c.rawValue) { return .code(c) }
        // The same keys, in the same order, as init(_:).
        for s in noneSpellings where NameMatching.sameASCIIKey(bytes, s) { return ExceptionReading.none }
        for s in flagSpellings where NameMatching.sameASCIIKey(bytes, s) { return .code(.unspecified) }
        for c in ExceptionCode.allCases where NameMatching.sameASCIIKey(bytes, c.rawValue) { return .code(c) }
        return nil
    }

    private static let noneSpellings = ["", "0", "no", "n", "false", "none"]
    private static let flagSpellings = ["1", "yes", "y", "true"]
}

/// A code list whose cells are mostly its own codes exactly: `canonical` finds the code
/// of such a cell comparing integers. Comparing each code's `rawValue`, a string made for
/// every case of every cell, was a tenth of a requests row's reading.
package protocol CanonicalCodes: RawRepresentable, CaseIterable, Sendable where RawValue == String {
    /// Each code's length and first bytes, in `allCases` order (`makePrefixes`).
    static var canonicalPrefixes: [CodePrefix<Self>] { get }
}

/// A code's length and its first 8 bytes as an integer: equal for a cell of up to 8
/// bytes only when the bytes are, and for a longer one a sieve before comparing them all.
package struct CodePrefix<C: Sendable>: Sendable {
    package let count: Int
    package let prefix: UInt64
    package let code: C
}

extension CanonicalCodes {
    package static func makePrefixes() -> [CodePrefix<Self>] {
        allCases.map { c in Bytes.withUTF8(c.rawValue) { CodePrefix(count: $0.count, prefix: CodeLists.prefix($0), code: c) } }
    }

    /// The code `bytes` spell exactly, nil for anything else.
    @inline(__always)
    package static func canonical(_ bytes: Span<UInt8>) -> Self? {
        let n = bytes.count, p = CodeLists.prefix(bytes)
        for entry in canonicalPrefixes where entry.count == n && entry.prefix == p {
            if n <= 8 || Bytes.equal(bytes, entry.code.rawValue) { return entry.code }
        }
        return nil
    }
}

extension AssessmentDecision: CanonicalCodes { package static let canonicalPrefixes = makePrefixes() }
extension PlanDecision: CanonicalCodes { package static let canonicalPrefixes = makePrefixes() }
extension ReviewDecision: CanonicalCodes { package static let canonicalPrefixes = makePrefixes() }
extension TransferType: CanonicalCodes { package static let canonicalPrefixes = makePrefixes() }
extension ReassessmentDecision: CanonicalCodes { package static let canonicalPrefixes = makePrefixes() }
extension OrderType: CanonicalCodes { package static let canonicalPrefixes = makePrefixes() }
extension OrderSource: CanonicalCodes { package static let canonicalPrefixes = makePrefixes() }

/// Code lists and their matching keys, for reading cells and checking profiles.
public enum CodeLists {
    /// The first 8 bytes (fewer when shorter) as a little-endian integer, zeros after them.
    @inline(__always)
    package static func prefix(_ bytes: Span<UInt8>) -> UInt64 {
        var p: UInt64 = 0
        for i in 0 ..< min(bytes.count, 8) { p |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        return p
    }

    package static let exceptionByKey: [String: ExceptionCode] = Dictionary(
        uniqueKeysWithValues: ExceptionCode.allCases.map { (NameMatching.key($0.rawValue), $0) })

    public static let fieldsWithCodes = [
        "assessment_decision", "plan_decision", "exception_reason", "decision_exception_reason",
        "review_decision", "transfer_type", "decision", "order_type", "order_source",
    ]

    /// The canonical codes of a field, in display order.
    public static func codes(forField field: String) -> [String]? {
        switch field {
        case "assessment_decision": return AssessmentDecision.allCases.map(\.rawValue)
        case "plan_decision": return PlanDecision.allCases.map(\.rawValue)
        // The general grounds: reg 44(3)'s own is accepted (`accepted(forField:)`) but not
        // offered in messages about the other extracts, which do not accept it.
        case "exception_reason", "decision_exception_reason": return ExceptionCode.general.map(\.rawValue) + ["none"]
        case "review_decision": return ReviewDecision.allCases.map(\.rawValue)
        case "transfer_type": return TransferType.allCases.map(\.rawValue)
        case "decision": return ReassessmentDecision.allCases.map(\.rawValue)
        case "order_type": return OrderType.allCases.map(\.rawValue)
        case "order_source": return OrderSource.allCases.map(\.rawValue)
        default: return nil
        }
    }

    /// Matching keys of a field's codes (for profile checks).
    package static func accepted(forField field: String) -> Set<String>? {
        let extra = field == "exception_reason" ? [ExceptionCode.lateRepresentations.rawValue] : []
        return codes(forField: field).map { Set(($0 + extra).map(NameMatching.key)) }
    }

    /// "assess, refuse" — for messages.
    package static func display(forField field: String) -> String {
        (codes(forField: field) ?? []).joined(separator: ", ")
    }

    /// Reads a coded cell into an enum case, matching keys.
    package static func match<C: RawRepresentable & CaseIterable>(_ text: String, as type: C.Type) -> C? where C.RawValue == String {
        if let found = Bytes.withUTF8(text, { matchASCII($0, as: type) }) { return found }
        let key = NameMatching.key(text)
        return C.allCases.first { NameMatching.key($0.rawValue) == key }
    }

    /// The code whose key an ASCII cell has (`Assess`, `No Plan`), found without building a
    /// string; nil when none is found so (`match` then settles it, non-ASCII cells too).
    @inline(__always)
    package static func matchASCII<C: RawRepresentable & CaseIterable>(_ bytes: Span<UInt8>, as _: C.Type) -> C? where C.RawValue == String {
        for c in C.allCases where NameMatching.sameASCIIKey(bytes, c.rawValue) { return c }
        return nil
    }
}
