import EHCPRules
import EHCPStore
import EHCPIngest
import Dispatch
import Synchronization
import Foundation

/// Work started now on a thread of its own and waited for later: an input file's
/// SHA-256 and line counts (`InputPrepass`) are worked out while the file is read,
/// instead of after it on the run's critical path.
///
/// A thread of its own rather than one of the dispatch pool's: the readers, which run
/// in the pool, wait for this work, and a pool whose threads were all waiting could not
/// start it.
///
package final class BackgroundWork<Value: Sendable>: Sendable {
    /// Set once by the worker before `done` is signalled.
    private let outcome = Mutex<Result<Value, any Error>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    package init(_ work: @escaping @Sendable () throws -> Value) {
        let thread = Thread {
            let result = Result { try work() }
            self.outcome.withLock { $0 = result }
            self.done.signal()
        }
        thread.start()
    }

    /// The value, once the work has finished; rethrows its error.
    package func wait() throws -> Value {
        done.wait()
        done.signal()  // a second wait returns at once
        return try outcome.withLock { $0 ?? .failure(CancellationError()) }.get()
    }
}
