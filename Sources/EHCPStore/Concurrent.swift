import Dispatch
import Synchronization

/// Work spread over threads, with each item's result kept in its own slot: the one place
/// the package writes "a buffer of results + `concurrentPerform`".
package enum Concurrent {
    /// Runs `body` once for each element of `items`, on up to `threads` threads at once,
    /// and returns each call's result (or error) in element order. A thread takes the
    /// next element not yet taken, so a slow element does not hold up the others;
    /// `body` learns which thread runs it (0 ..< threads) and may change its element.
    ///
    /// The caller promises that `body` may run on several threads at once for different
    /// elements: it touches only its own element and thread-safe state.
    package static func forEach<Item, Output>(
        updating items: inout [Item], threads: Int,
        _ body: (_ thread: Int, _ index: Int, _ item: inout Item) throws -> Output
    ) -> [Result<Output, any Error>] {
        let count = items.count
        guard count > 0 else { return [] }
        return items.withUnsafeMutableBufferPointer { elements in
            let results = UnsafeMutableBufferPointer<Result<Output, any Error>?>.allocate(capacity: count)
            results.initialize(repeating: nil)
            defer { results.deinitialize().deallocate() }
            // Safe to share: each index is taken by exactly one thread (the atomic counter
            // hands each out once), that thread alone writes its element and result slot,
            // and nothing reads them until concurrentPerform has returned.
            nonisolated(unsafe) let (shared, outputs) = (elements, results)
            // Safe to share: the caller promises `body` may run concurrently (above).
            nonisolated(unsafe) let work = body
            let next = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: max(1, min(threads, count))) { thread in
                while case let k = next.add(1, ordering: .relaxed).oldValue, k < count {
                    outputs[k] = Result { try work(thread, k, &shared[k]) }
                }
            }
            return results.map { $0 ?? .failure(StorageError.workNotRun) }
        }
    }

    /// `body(0 ..< count)` on up to `threads` threads at once, the results in order.
    package static func map<Output>(_ count: Int, threads: Int, _ body: (_ index: Int) throws -> Output)
        -> [Result<Output, any Error>] {
        var slots: [Void] = Array(repeating: (), count: count)
        return forEach(updating: &slots, threads: threads) { _, index, _ in try body(index) }
    }
}

extension Concurrent {
    /// `body(0 ..< count)` on up to `threads` threads at once; once all have stopped, the
    /// first error in index order is thrown.
    package static func run(_ count: Int, threads: Int, _ body: (_ index: Int) throws -> Void) throws {
        for outcome in map(count, threads: threads, body) { try outcome.get() }
    }
}

