/// `ExternalSorter`'s safe faces: spans instead of raw buffers, for the modules that may
/// hold no unsafe code (ReviewPlans in EHCPIngest).
extension ExternalSorter {
    package mutating func add(key: Span<UInt8>, payload: Span<UInt8>) throws {
        try key.withUnsafeBytes { k in try payload.withUnsafeBytes { p in try add(key: k, payload: p) } }
    }

    /// Calls `body` with every record in key order, as `forEachSorted(_:)` does. The
    /// spans are valid only during the call.
    package func forEachSorted(spans body: (_ key: Span<UInt8>, _ payload: Span<UInt8>) throws -> Void) throws {
        try forEachSorted { key, payload in
            try body(key.assumingMemoryBound(to: UInt8.self).span, payload.assumingMemoryBound(to: UInt8.self).span)
        }
    }
}
