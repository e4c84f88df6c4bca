import EHCPRules
import EHCPStore
import EHCPIngest
import Crypto
import Dispatch
import Synchronization

/// One pass over a regular input file on another thread, started with the run: the
/// file's SHA-256 for the evidence pack and, when the file is to be read in chunks, the
/// number of line ends before each cut, handed out as soon as the pass is by it. Chunks
/// read in parallel number their lines from these counts, so the file is not read a
/// second time just to count its lines.
package final class InputPrepass: Sendable {
    /// Offsets where chunks start (just after a line feed), increasing.
    package let cuts: [Int]
    private let path: String
    private let found: CutCounts
    private let hash: BackgroundWork<String>

    package init(path: String, cuts: [Int]) {
        self.cuts = cuts
        self.path = path
        let found = CutCounts(cuts.count)
        self.found = found
        hash = BackgroundWork {
            // Whatever happens, nobody waits for a cut forever: those not reached are
            // released with no count, and the pass's error is what they then throw.
            defer { found.releaseAll() }
            var hasher = SHA256()
            var counter = LineEnds.Counter()
            var offset = 0, next = 0
            try FileBytes.forEachBlock(path: path) { block in
                hasher.update(data: block)
                let bytes = block.span
                var start = 0
                while next < cuts.count, cuts[next] <= offset + block.count {
                    counter.add(bytes.extracting(start ..< cuts[next] - offset))
                    start = cuts[next] - offset
                    found.publish(next, counter.ends)
                    next += 1
                }
                counter.add(bytes.extracting(start ..< block.count))
                offset += block.count
            }
            guard next == cuts.count else {
                throw InputError.readFailed(path: path, reason: "the file became shorter while it was read")
            }
            return Hex.lowercase(hasher.finalize())
        }
    }

    /// The file's SHA-256, once the pass is done; rethrows its error.
    package func sha256() throws -> String { try hash.wait() }

    /// The line ends before cut `k`, once the pass has reached it; throws the pass's
    /// error if it stopped before.
    package func lineEnds(beforeCut k: Int) throws -> Int {
        if let n = found.wait(k) { return n }
        _ = try hash.wait()
        throw InputError.readFailed(path: path, reason: "the file became shorter while it was read")
    }
}

/// The counts of `InputPrepass`, each published once, with a semaphore per cut for
/// those waiting for it. The counts are behind a lock: a reader takes it once per chunk.
private final class CutCounts: Sendable {
    private struct State {
        var counts: [Int]
        /// The next cut to publish.
        var next = 0
    }
    private let state: Mutex<State>
    private let ready: [DispatchSemaphore]
    private static let none = -1

    init(_ n: Int) {
        state = Mutex(State(counts: Array(repeating: Self.none, count: n)))
        ready = (0..<n).map { _ in DispatchSemaphore(value: 0) }
    }

    /// Publishes cut `k`, the next one (called by the pass only).
    func publish(_ k: Int, _ count: Int) {
        state.withLock { s in
            precondition(k == s.next, "cuts are published in order")
            s.counts[k] = count
            s.next += 1
        }
        ready[k].signal()
    }

    /// Releases every cut not yet published, with no count (called by the pass only).
    func releaseAll() {
        let (from, to) = state.withLock { s in
            defer { s.next = s.counts.count }
            return (s.next, s.counts.count)
        }
        for k in from..<to { ready[k].signal() }
    }

    /// The count of cut `k`, nil if the pass stopped before it.
    func wait(_ k: Int) -> Int? {
        ready[k].wait()
        ready[k].signal()  // the next to ask does not wait
        let n = state.withLock { $0.counts[k] }
        return n == Self.none ? nil : n
    }
}
