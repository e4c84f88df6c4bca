import EHCPRules
import EHCPStore
import EHCPIngest
import Crypto
import Dispatch
import Synchronization

/// The SEN2 return's one pass on a thread of its own while its chunks are read
/// (`SEN2ChunkPlan`): its SHA-256 and, at each cut, the line feeds and `<Person` tags
/// before it, handed out as soon as the pass is by it (as `InputPrepass` does for a CSV
/// file). A chunk numbers its lines and persons from these. Line feeds count lines as
/// libxml2 does when every CR is followed by an LF; a lone CR is noted, and the caller
/// then reads the file on one thread.
package final class SEN2Prepass: Sendable {
    package struct Counts: Sendable {
        package var lineFeeds: Int
        package var persons: Int
    }

    package struct Totals: Sendable {
        package var sha256: String
        package var persons: Int
        package var loneCR: Bool
    }

    package let cuts: [Int]
    private let path: String
    private let found: Found
    private let ready: [DispatchSemaphore]
    private let pass: BackgroundWork<Totals>

    package init(path: String, cuts: [Int]) {
        self.cuts = cuts
        self.path = path
        let found = Found(cuts.count)
        let ready = cuts.map { _ in DispatchSemaphore(value: 0) }
        self.found = found
        self.ready = ready
        pass = BackgroundWork {
            var next = 0
            // Whatever happens, nobody waits for a cut forever: those not reached are
            // released with no count.
            defer { for k in next..<cuts.count { ready[k].signal() } }
            var hasher = SHA256()
            var lineFeeds = 0
            var persons = SEN2PersonCounter()
            var loneCR = false
            var previousWasCR = false
            var offset = 0
            func count(_ bytes: Span<UInt8>) {
                let n = bytes.count
                guard n > 0 else { return }
                lineFeeds += LineEnds.lineFeeds(bytes)
                persons.add(bytes)
                if previousWasCR, bytes[0] != 10 { loneCR = true }
                var i = 0
                while !loneCR, let cr = Bytes.firstIndex(of: 13, in: bytes, i..<n) {
                    if cr + 1 < n, bytes[cr + 1] != 10 { loneCR = true }
                    i = cr + 1
                }
                previousWasCR = bytes[n - 1] == 13
            }
            try FileBytes.forEachBlock(path: path) { block in
                hasher.update(data: block)
                let bytes = block.span
                var start = 0
                while next < cuts.count, cuts[next] <= offset + block.count {
                    count(bytes.extracting(start ..< cuts[next] - offset))
                    start = cuts[next] - offset
                    let counts = Counts(lineFeeds: lineFeeds, persons: persons.count)
                    found.counts.withLock { $0[next] = counts }
                    ready[next].signal()
                    next += 1
                }
                count(bytes.extracting(start ..< block.count))
                offset += block.count
            }
            if previousWasCR { loneCR = true }
            guard next == cuts.count else {
                throw InputError.readFailed(path: path, reason: "the file became shorter while it was read")
            }
            return Totals(sha256: Hex.lowercase(hasher.finalize()), persons: persons.count, loneCR: loneCR)
        }
    }

    /// The file's SHA-256, persons and whether it has a lone CR, once the pass is done;
    /// rethrows its error.
    package func totals() throws -> Totals { try pass.wait() }

    /// The counts before cut `k`, once the pass has reached it; throws the pass's error if
    /// it stopped before.
    package func counts(beforeCut k: Int) throws -> Counts {
        ready[k].wait()
        ready[k].signal()  // the next to ask does not wait
        if let counts = found.counts.withLock({ $0[k] }) { return counts }
        _ = try pass.wait()
        throw InputError.readFailed(path: path, reason: "the file became shorter while it was read")
    }
}

/// The counts at each cut, set by the pass once each (behind a lock: a reader takes it once per chunk).
private final class Found: Sendable {
    let counts: Mutex<[SEN2Prepass.Counts?]>
    init(_ n: Int) { counts = Mutex(Array(repeating: nil, count: n)) }
}
