import Dispatch

/// Work started on another thread now and waited for later: hashing an input file while
/// the main thread settles its duplicates uses the core that would otherwise sit idle.
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
