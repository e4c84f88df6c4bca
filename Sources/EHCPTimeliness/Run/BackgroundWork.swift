import Dispatch

/// Work started on another thread now and waited for later: an input file's SHA-256 is
/// worked out while the file is read, instead of after it on the run's critical path.
final class BackgroundWork<Value: Sendable>: @unchecked Sendable {
    // Written once by the worker before `done` is signalled, read only after waiting.
    private var outcome: Result<Value, any Error> = .failure(CancellationError())
    private let done = DispatchSemaphore(value: 0)

    init(_ work: @escaping @Sendable () throws -> Value) {
        DispatchQueue.global().async {
            self.outcome = Result { try work() }
            self.done.signal()
        }
    }

    /// The value, once the work has finished; rethrows its error.
    func wait() throws -> Value {
        done.wait()
        done.signal()  // a second wait returns at once
        return try outcome.get()
    }
}
