import EHCPRules
import EHCPStore
import EHCPIngest
import Crypto
import Dispatch

/// One pass over a regular input file on another thread, started with the run: the
/// file's SHA-256 for the evidence pack and, when the file is to be read in chunks, the
/// number of line ends before each cut, handed out as soon as the pass is by it. Chunks
/// read in parallel number their lines from these counts, so the file is not read a
/// second time just to count its lines.
package final class InputPrepass: Sendable {
    /// Offsets where chunks start (just after a line feed), increasing.
    package let cuts: [Int]
    private let found: CutCounts
    private let hash: BackgroundWork<String>

    package init(path: String, cuts: [Int]) {
        self.cuts = cuts
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
                throw FileBytes.Failure(reason: "the file became shorter while it was read")
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
        throw FileBytes.Failure(reason: "the file became shorter while it was read")
    }
}

/// The counts of `InputPrepass`, each published once, with a semaphore per cut for
/// those waiting for it.
///
/// Safe to share: each slot is written once, by the pass, before its semaphore is
/// signalled, and read only after a wait on that semaphore; `next` is the pass's alone.
private final class CutCounts: @unchecked Sendable {
    // Each count is written by the pass before its semaphore is signalled, and read only
    // after a wait on it. Plain memory, not an array: readers and the writer never share
    // an array's storage header.
    private let counts: UnsafeMutableBufferPointer<Int>
    private let ready: [DispatchSemaphore]
    /// The next cut to publish: touched by the pass only.
    private var next = 0
    private static let none = -1

    package init(_ n: Int) {
        counts = .allocate(capacity: n)
        counts.initialize(repeating: Self.none)
        ready = (0..<n).map { _ in DispatchSemaphore(value: 0) }
    }

    deinit { counts.deallocate() }

    /// Publishes cut `k`, the next one (called by the pass only).
    package func publish(_ k: Int, _ count: Int) {
        precondition(k == next, "cuts are published in order")
        counts[k] = count
        ready[k].signal()
        next += 1
    }

    /// Releases every cut not yet published, with no count (called by the pass only).
    package func releaseAll() {
        while next < ready.count {
            ready[next].signal()
            next += 1
        }
    }

    /// The count of cut `k`, nil if the pass stopped before it.
    package func wait(_ k: Int) -> Int? {
        ready[k].wait()
        ready[k].signal()  // the next to ask does not wait
        return counts[k] == Self.none ? nil : counts[k]
    }
}
