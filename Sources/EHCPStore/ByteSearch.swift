#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finding bytes in bytes, with memchr and memcmp behind a safe API.
package enum ByteSearch {
    /// The offset of the first occurrence of `target` in `text` at or after `start`; nil
    /// when there is none or `target` is empty.
    package static func firstIndex(of target: [UInt8], in text: [UInt8], from start: Int = 0) -> Int? {
        guard let first = target.first, text.count >= target.count else { return nil }
        let last = text.count - target.count  // the last offset where a match can start
        guard start <= last else { return nil }
        return text.withUnsafeBufferPointer { t -> Int? in
            target.withUnsafeBufferPointer { g -> Int? in
                guard let base = t.baseAddress, let wanted = g.baseAddress else { return nil }
                var i = max(start, 0)
                while i <= last {
                    // The first byte by memchr, the rest by memcmp.
                    guard let found = memchr(base + i, Int32(first), last - i + 1) else { return nil }
                    i = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
                    if memcmp(base + i, wanted, g.count) == 0 { return i }
                    i += 1
                }
                return nil
            }
        }
    }
}
