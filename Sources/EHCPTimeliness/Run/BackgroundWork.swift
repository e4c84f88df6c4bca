import EHCPRules
import EHCPStore
import EHCPIngest
import Dispatch
import Foundation

/// Work started now on a thread of its own and waited for later: an input file's
/// SHA-256 and line counts (`InputPrepass`) are worked out while the file is read,
/// instead of after it on the run's critical path.
///
/// A thread of its own rather than one of the dispatch pool's: the readers, which run
/// in the pool, wait for this work, and a pool whose threads were all waiting could not
/// start it.
///
/// Safe to share although it has a mutable field: the worker writes `outcome` once, before
/// it signals `done`, and every reader waits on `done` first (the semaphore orders them).
package final class BackgroundWork<Value: Sendable>: @unchecked Sendable {
    // Written once by the worker before `done` is signalled, read only after waiting.
    private var outcome: Result<Value, any Error> = .failure(CancellationError())
    private let done = DispatchSemaphore(value: 0)

    package init(_ work: @escaping @Sendable () throws -> Value) {
        let thread = Thread {
            self.outcome = Result { try work() }
            self.done.signal()
        }
        thread.start()
    }

    /// The value, once the work has finished; rethrows its error.
    package func wait() throws -> Value {
        done.wait()
        done.signal()  // a second wait returns at once
        return try outcome.get()
    }
}
