import EHCPBindings
import EHCPStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a SEN2 return can be cut so that several threads read it at once, each chunk
/// with its own parser (`SEN2Reader(path:chunk:)`).
///
/// Cuts are found from the bytes alone, without parsing the file: just after a line feed
/// that is followed by blanks and a `<Person` start tag (`<Persons>` is not one). Each
/// chunk but the first is parsed inside a synthetic copy of the file's XML declaration,
/// root start tag and `<Persons>` start tag (same names, same namespaces), and each but
/// the last is closed by a synthetic `</Persons></root>`. A cut found this way could still
/// fall inside a comment, CDATA section, processing instruction or attribute value, or
/// below a `<Person>` rather than beside one; it is not trusted, it is checked: the chunk
/// before such a cut cannot parse (the synthetic end tags would land inside the construct,
/// or close the wrong element), and the caller then reads the file on one thread. So when
/// every chunk parses, the chunks are the file's `<Persons>` content cut between two of its
/// children, and their events are the one-thread reader's, in order.
///
/// The file's head (declaration, root and `<Persons>` start tags, the header between them)
/// is scanned more strictly; anything unexpected there (a DOCTYPE, which could declare
/// entities the later chunks would not know; a byte-order mark; gzip; no `<Persons>`)
/// gives no plan, and the file is read on one thread.
public struct SEN2ChunkPlan: Sendable {
    /// The file's size in bytes.
    public let size: Int
    /// Offsets where chunks 1, 2, ... start, increasing.
    public let cuts: [Int]
    /// The file's first 4 bytes (the first chunk's parser guesses the encoding from them).
    let head: [UInt8]
    /// The start of the later chunks' text: declaration, root and `<Persons>` start tags
    /// (line breaks inside them made spaces) and one line feed, so that a chunk's first
    /// byte is on the parsed text's line 2 and column 1, as it is on a line of its own in the file.
    let prefix: [UInt8]
    /// The end of the earlier chunks' text: `</Persons></root>`.
    let suffix: [UInt8]

    public var chunkCount: Int { cuts.count + 1 }

    /// The bytes of chunk `k`.
    public func range(_ k: Int) -> Range<Int> {
        (k == 0 ? 0 : cuts[k - 1]) ..< (k == cuts.count ? size : cuts[k])
    }

    /// What `SEN2Reader(path:chunk:)` needs for chunk `k`, whose first byte is on line
    /// `firstLine` of the file and which follows `personsBefore` `<Person>`s.
    public func chunk(_ k: Int, firstLine: Int, personsBefore: Int) -> SEN2Chunk {
        let r = range(k)
        let last = k == cuts.count
        if k == 0 {
            return SEN2Chunk(range: head.count ..< r.upperBound, prefix: head, suffix: last ? [] : suffix,
                             lineOffset: 0, personsBefore: 0)
        }
        return SEN2Chunk(range: r, prefix: prefix, suffix: last ? [] : suffix, lineOffset: firstLine - 2,
                         personsBefore: personsBefore)
    }

    /// A plan for the file at `path` when it is a regular file of at least `minimumSize`
    /// bytes (see `make(fileDescriptor:size:weights:)`); nil otherwise.
    public static func make(path: String, minimumSize: Int, weights: [Int]) -> SEN2ChunkPlan? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, Int(st.st_size) >= max(minimumSize, 1) else { return nil }
        return make(fileDescriptor: fd, size: Int(st.st_size), weights: weights)
    }

    /// A plan cutting the file near the points that split it in proportion to `weights`
    /// (chunks that are not found are left out); nil when the file's head is not as
    /// expected or no cut is found.
    public static func make(fileDescriptor fd: Int32, size: Int, weights: [Int]) -> SEN2ChunkPlan? {
        guard weights.count > 1, size > 0 else { return nil }
        var head = [UInt8](repeating: 0, count: min(size, headLimit))
        let got = readFully(fd, at: 0, into: &head)
        guard got == head.count, let found = SEN2Head(head) else { return nil }
        let total = weights.reduce(0, +)
        var cuts: [Int] = []
        var sum = 0
        var window = [UInt8](repeating: 0, count: searchWindow)
        for k in 1..<weights.count {
            sum += weights[k - 1]
            let target = max(Int(Double(size) * Double(sum) / Double(total)), found.contentStart, cuts.last ?? 0)
            guard target < size else { break }
            let n = readFully(fd, at: target, into: &window)
            guard let at = personLineStart(window, count: n) else { continue }
            let cut = target + at
            if cut > (cuts.last ?? found.contentStart), cut < size { cuts.append(cut) }
        }
        guard !cuts.isEmpty else { return nil }
        return SEN2ChunkPlan(size: size, cuts: cuts, head: Array(head[0..<4]), prefix: found.prefix, suffix: found.suffix)
    }

    /// Reads the chunks one after another on this thread, numbered from counts made here
    /// as `SEN2Prepass` makes them, and hands each person's requests to `onPerson` once all
    /// have been read: the parallel read's results without its threads, for the tests and
    /// the fuzz target. False (and nothing handed on) when the parallel read would give the
    /// file to one thread: a chunk that fails, a person count that differs, a lone CR.
    package func readInOrder(path: String, onPerson: ([SEN2Request]) throws -> Void) throws -> Bool {
        let bytes = try FileBytes.readBytes(path: path)
        guard bytes.count == size else { return false }
        var counter = SEN2PersonCounter()
        var lineFeeds = 0
        var before = [(lineFeeds: 0, persons: 0)]
        var start = 0
        for end in cuts + [size] {
            let part = bytes[start..<end]
            lineFeeds += part.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            counter.add(part.span)
            before.append((lineFeeds, counter.count))
            start = end
        }
        for (i, b) in bytes.enumerated() where b == 0x0D && (i + 1 == bytes.count || bytes[i + 1] != 0x0A) { return false }
        var persons: [[SEN2Request]] = []
        for k in 0..<chunkCount {
            var reader = try SEN2Reader(path: path, chunk: chunk(k, firstLine: before[k].lineFeeds + 1,
                                                                 personsBefore: before[k].persons))
            do {
                try reader.read(onHeader: { _ in }, onPerson: { persons.append($0) })
            } catch {
                return false
            }
            guard reader.persons == before[k + 1].persons - before[k].persons else { return false }
        }
        for p in persons { try onPerson(p) }
        return true
    }

    /// How much of the file's start is searched for its `<Persons>` start tag.
    static let headLimit = 1 << 20
    /// How far past each point a cut is looked for.
    static let searchWindow = 1 << 20

    /// The offset just after the first line feed in `bytes[0 ..< count]` that is followed by
    /// blanks and a `<Person` start tag; nil when there is none.
    static func personLineStart(_ bytes: [UInt8], count: Int) -> Int? {
        var i = 0
        while i < count {
            guard bytes[i] == 0x0A else { i += 1; continue }
            var j = i + 1
            while j < count, bytes[j] == 0x20 || bytes[j] == 0x09 || bytes[j] == 0x0D { j += 1 }
            if SEN2PersonCounter.isPersonTag(bytes, at: j, count: count) { return i + 1 }
            i = j
        }
        return nil
    }

    private static func readFully(_ fd: Int32, at offset: Int, into buffer: inout [UInt8]) -> Int {
        var got = 0
        while got < buffer.count {
            let n = FileReads.pread(fd, from: offset + got, into: &buffer, at: got, count: buffer.count - got)
            if n <= 0 { break }
            got += n
        }
        return got
    }
}

/// One chunk of a SEN2 return for `SEN2Reader(path:chunk:)` (see `SEN2ChunkPlan`).
public struct SEN2Chunk: Sendable {
    /// The file's bytes read after `prefix`.
    public var range: Range<Int>
    public var prefix: [UInt8]
    public var suffix: [UInt8]
    /// Added to the parser's lines to make them the file's.
    public var lineOffset: Int
    /// `<Person>`s before the chunk: its persons' `P{n}` numbers follow them.
    public var personsBefore: Int
}

/// The head of a return, scanned by bytes up to its `<Persons>` start tag.
struct SEN2Head {
    /// Just after the `<Persons>` start tag.
    var contentStart: Int
    var prefix: [UInt8]
    var suffix: [UInt8]

    init?(_ b: [UInt8]) {
        let n = b.count
        var i = 0
        func starts(_ text: String, at k: Int) -> Bool {
            let t = Array(text.utf8)
            guard k + t.count <= n else { return false }
            for (m, c) in t.enumerated() where b[k + m] != c { return false }
            return true
        }
        /// The offset just past the next `end`, from `k`.
        func past(_ end: String, from k: Int) -> Int? {
            let t = Array(end.utf8)
            var j = k
            while j + t.count <= n {
                if b[j] == t[0], starts(end, at: j) { return j + t.count }
                j += 1
            }
            return nil
        }
        func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
        func isNameEnd(_ c: UInt8) -> Bool { isBlank(c) || c == 0x3E || c == 0x2F }
        /// A start or end tag from `k` (at its `<`): the offset past its `>` and whether it
        /// ends `/>`, quotes respected.
        func tagEnd(from k: Int) -> (end: Int, empty: Bool)? {
            var j = k + 1
            var quote: UInt8 = 0
            while j < n {
                let c = b[j]
                if quote != 0 {
                    if c == quote { quote = 0 }
                } else if c == 0x22 || c == 0x27 {
                    quote = c
                } else if c == 0x3C {
                    return nil
                } else if c == 0x3E {
                    return (j + 1, b[j - 1] == 0x2F)
                }
                j += 1
            }
            return nil
        }
        func name(at k: Int) -> ArraySlice<UInt8> {
            var j = k
            while j < n, !isNameEnd(b[j]) { j += 1 }
            return b[k..<j]
        }
        /// Line breaks made spaces: the prefix stays on one line.
        func oneLine(_ s: ArraySlice<UInt8>) -> [UInt8] { s.map { $0 == 0x0A || $0 == 0x0D ? 0x20 : $0 } }

        // Plain XML text only: no byte-order mark, no gzip; the declaration, if any, first.
        guard n >= 4, b[0] == 0x3C else { return nil }
        var prefix: [UInt8] = []
        if starts("<?xml", at: 0), n > 5, isBlank(b[5]) {
            guard let end = past("?>", from: 5) else { return nil }
            // UTF-8 only (declared, or by default): another encoding's decoder may carry
            // state across a cut (UTF-7's shifts did, found by fuzz-sen2), and the cuts
            // are found in bytes read as ASCII.
            if let e = past("encoding", from: 5), e < end {
                var j = e
                while j < end, isBlank(b[j]) || b[j] == 0x3D { j += 1 }
                guard j < end, b[j] == 0x22 || b[j] == 0x27 else { return nil }
                let quote = b[j]
                var k = j + 1
                while k < end, b[k] != quote { k += 1 }
                let name = String(decoding: b[(j + 1)..<k], as: UTF8.self).lowercased()
                guard name == "utf-8" || name == "utf8" else { return nil }
            }
            prefix += oneLine(b[0..<end])
            i = end
        }
        // Comments and processing instructions before the root; a DOCTYPE gives no plan.
        var rootName: ArraySlice<UInt8> = []
        while true {
            while i < n, isBlank(b[i]) { i += 1 }
            if starts("<!--", at: i) {
                guard let end = past("-->", from: i + 4) else { return nil }
                i = end
            } else if starts("<?", at: i) {
                guard let end = past("?>", from: i + 2) else { return nil }
                i = end
            } else if i < n, b[i] == 0x3C, i + 1 < n, b[i + 1] != 0x21, b[i + 1] != 0x2F {
                rootName = name(at: i + 1)
                guard !rootName.isEmpty, let (end, empty) = tagEnd(from: i), !empty else { return nil }
                prefix += oneLine(b[i..<end])
                i = end
                break
            } else {
                return nil
            }
        }
        // The root's content up to its child <Persons>: elements (the header), text,
        // comments, CDATA, processing instructions.
        var depth = 1
        while true {
            while i < n, b[i] != 0x3C { i += 1 }
            guard i < n else { return nil }
            if starts("<!--", at: i) {
                guard let end = past("-->", from: i + 4) else { return nil }
                i = end
            } else if starts("<![CDATA[", at: i) {
                guard let end = past("]]>", from: i + 9) else { return nil }
                i = end
            } else if starts("<?", at: i) {
                guard let end = past("?>", from: i + 2) else { return nil }
                i = end
            } else if starts("<!", at: i) {
                return nil
            } else if starts("</", at: i) {
                guard let (end, _) = tagEnd(from: i) else { return nil }
                depth -= 1
                guard depth > 0 else { return nil }
                i = end
            } else {
                let tag = name(at: i + 1)
                guard !tag.isEmpty, let (end, empty) = tagEnd(from: i) else { return nil }
                if depth == 1, tag.elementsEqual("Persons".utf8) {
                    guard !empty else { return nil }
                    prefix += oneLine(b[i..<end])
                    prefix.append(0x0A)
                    contentStart = end
                    self.prefix = prefix
                    suffix = Array("</Persons></".utf8) + rootName + [0x3E]
                    return
                }
                if !empty { depth += 1 }
                i = end
            }
        }
    }
}

/// Counts `<Person` start tags (followed by `>`, `/` or a blank) in bytes given piece
/// after piece, a tag split between two pieces counting once, as soon as its bytes are
/// all given. The count a chunk's reader must match: it counts `<Person>`s parsed, and
/// a tag inside a comment, say, makes the two differ, which sends the file to one thread.
public struct SEN2PersonCounter: Sendable {
    public private(set) var count = 0
    /// The last bytes given (fewer than a tag's 8), where a tag may have started.
    private var carry: [UInt8] = []

    public init() {}

    @inline(__always)
    static func isPersonTag(_ b: [UInt8], at i: Int, count n: Int) -> Bool {
        guard i + 8 <= n, b[i] == 0x3C, b[i + 1] == 0x50, b[i + 2] == 0x65, b[i + 3] == 0x72, b[i + 4] == 0x73,
              b[i + 5] == 0x6F, b[i + 6] == 0x6E else { return false }
        let c = b[i + 7]
        return c == 0x3E || c == 0x2F || c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D
    }

    public mutating func add(_ bytes: Span<UInt8>) {
        let n = bytes.count
        guard n > 0 else { return }
        if !carry.isEmpty {
            // Tags that start in the carried bytes and end in these.
            var joined = carry
            for i in 0..<min(7, n) { joined.append(bytes[i]) }
            for start in 0..<carry.count where Self.isPersonTag(joined, at: start, count: joined.count) { count += 1 }
        }
        // By its `P` (rarer than `<`), from the second byte: a tag starting at offset i
        // has its `P` at i + 1, and one starting in the carried bytes was counted above.
        var p = 1
        let last = n - 7  // the last offset of the `P` of a whole tag
        while p <= last {
            guard let at = Bytes.firstIndex(of: 0x50, in: bytes, p..<(last + 1)) else { break }
            if bytes[at - 1] == 0x3C, bytes[at + 1] == 0x65, bytes[at + 2] == 0x72, bytes[at + 3] == 0x73,
               bytes[at + 4] == 0x6F, bytes[at + 5] == 0x6E {
                let c = bytes[at + 6]
                if c == 0x3E || c == 0x2F || c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { count += 1 }
            }
            p = at + 1
        }
        // Keep the last 7 bytes (fewer when fewer have come): a tag may start there.
        var tail = n >= 7 ? [] : carry
        for k in max(0, n - 7)..<n { tail.append(bytes[k]) }
        carry = Array(tail.suffix(7))
    }
}
