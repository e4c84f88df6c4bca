import EHCPRules
import EHCPStore
import Crypto
import Synchronization

/// Replaces `case_id` and `person_id` values with a keyed hash (HMAC-SHA-256), so lists
/// and summaries can leave the team and still be joined month to month with the same
/// key; without the key nobody can reverse them.
public struct Pseudonymiser: Sendable {
    /// The keyed HMAC before any message: copied out for each value, never mutated in
    /// place. Behind a `Mutex` so that the compiler can check the sharing (HMAC is not
    /// `Sendable`): the lock is held only for the copy, so threads do not wait on each other's hashing.
    private final class Prototype: Sendable {
        let hmac: Mutex<HMAC<SHA256>>
        init(keyBytes: [UInt8]) { hmac = Mutex(HMAC<SHA256>(key: SymmetricKey(data: keyBytes))) }
    }
    private let prototype: Prototype

    /// The shortest key accepted, in bytes.
    public static let minimumKeyBytes = 16

    public init(keyBytes: [UInt8]) {
        prototype = Prototype(keyBytes: keyBytes)
    }

    /// Reads a key file: its whole content is the key (make one with
    /// `head -c 32 /dev/urandom > pseudonym.key`).
    public static func load(path: String) throws -> Pseudonymiser {
        let bytes: [UInt8]
        do { bytes = try FileBytes.readBytes(path: path) } catch {
            throw InputError.unreadable(file: path, reason: "cannot read the pseudonymisation key: \(error.reason); check the path given to --pseudonymise")
        }
        guard bytes.count >= minimumKeyBytes else {
            throw InputError.unreadable(file: path, reason: "the pseudonymisation key has \(bytes.count) bytes; it needs at least \(minimumKeyBytes). Make one with: head -c 32 /dev/urandom > \(path)")
        }
        return Pseudonymiser(keyBytes: bytes)
    }

    /// The pseudonym of `value` in `field` (`case_id` or `person_id`): `ps_` and 16 hex
    /// digits (64 bits), the field mixed in so that one value gets a different pseudonym
    /// as a case and as a person. Blank stays blank.
    public func pseudonym(_ value: String, field: String) -> String {
        guard !value.isEmpty else { return value }
        var message = Array(field.utf8)
        message.append(0)
        message.append(contentsOf: value.utf8)
        var hmac = prototype.hmac.withLock { $0 }
        hmac.update(data: message)
        let mac = hmac.finalize()
        return "ps_" + Hex.lowercase(mac.prefix(8))
    }

    /// Fields whose values are replaced wherever they appear.
    package static let fields = ["case_id", "person_id"]
}

/// Lower-case hexadecimal, for digests and pseudonyms.
package enum Hex {
    package static func lowercase<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
