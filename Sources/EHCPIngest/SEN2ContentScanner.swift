import EHCPBindings
import EHCPStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The content of a chunk of a SEN2 return (`SEN2ChunkPlan`), the children of its
/// `<Persons>`, read straight from the bytes into `SEN2Assembler` without libxml2: start
/// tags, end tags and text, for the plain XML a case-management system writes. Anything
/// outside that plain subset is not decided here but doubted (`Doubt`): an attribute, a
/// comment, CDATA, a processing instruction, an entity reference in an item, a namespace
/// prefix, a blank inside a tag, a name that is not ASCII, a CR in a value, a mismatched
/// end tag, bytes that are not UTF-8 or not XML characters, `]]>` in text, something after
/// the root element. A doubted chunk fails, and the caller reads the file with libxml2 on
/// one thread, so malformed XML still stops with libxml2's own first error, and only what
/// libxml2 would accept with the same events is ever accepted here.
///
/// Lines are the file's: the chunk's first line (from `SEN2Prepass`) plus the line feeds
/// read since, and a start tag (which holds no line feed here) is on the line of its `<`,
/// where libxml2 puts it too.
enum SEN2ContentScanner {
    /// The chunk is outside the plain subset: libxml2 decides.
    struct Doubt: Error {}

    /// How many bytes are read at a time; a text node or tag longer than this is doubted.
    static let blockSize = 1 << 20

    /// Reads `chunk.contentRange` of the file at `path` (for the first chunk, after its head
    /// has been checked by libxml2).
    static func read(path: String, chunk: SEN2Chunk, assembler: inout SEN2Assembler,
                     onPerson: ([SEN2Request]) throws -> Void) throws {
        if let head = chunk.headRange {
            // The first chunk's head (declaration, root start tag, header, `<Persons>` start
            // tag), checked by libxml2 inside the synthetic end tags: the header's elements
            // are not the measures' business in a chunked read.
            var xml: XMLStreamReader
            do {
                xml = try XMLStreamReader(path: path, range: head, prefix: chunk.prefix, suffix: chunk.headSuffix, lineOffset: 0)
            } catch {
                throw InputError.unreadable(file: path, reason: error.message)
            }
            do {
                while try xml.next() != nil {}
            } catch {
                throw Doubt()
            }
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw InputError.unreadable(file: path, reason: "it could not be opened for reading") }
        defer { close(fd) }
        var scanner = Scanner(line: chunk.contentFirstLine, rootName: chunk.rootName, isLast: chunk.isLast)
        // The root's and <Persons>' start events, as libxml2 gives them from the synthetic
        // prefix (by the root's local name, as libxml2 names it).
        let local = chunk.rootName.split(separator: 0x3A, omittingEmptySubsequences: false).last.map(Array.init) ?? []
        try assembler.start(SEN2Tag(name: local), line: 1, onHeader: { _ in })
        try assembler.start(.persons, line: 1, onHeader: { _ in })
        var buffer = [UInt8](repeating: 0, count: blockSize)
        var filled = 0
        var next = chunk.contentRange.lowerBound
        let end = chunk.contentRange.upperBound
        while true {
            while filled < blockSize, next < end {
                let n = FileReads.pread(fd, from: next, into: &buffer, at: filled, count: min(blockSize - filled, end - next))
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { throw Doubt() }  // a read error or a file cut short
                filled += n
                next += n
            }
            let atEnd = next == end
            let done = try scanner.scan(buffer, count: filled, atEnd: atEnd, assembler: &assembler, onPerson: onPerson)
            if atEnd {
                guard done == filled, scanner.finished else { throw Doubt() }
                return
            }
            guard done > 0 else { throw Doubt() }  // one token longer than a block
            // The unfinished token moves to the front.
            for k in 0..<(filled - done) { buffer[k] = buffer[done + k] }
            filled -= done
        }
    }

    /// Byte classes: a name's first byte, a name's later byte.
    private static let nameStart: UInt8 = 1, nameChar: UInt8 = 2
    private static let classes: [UInt8] = (0..<256).map { b in
        let c = UInt8(b)
        let letter = (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F
        let digit = (c >= 0x30 && c <= 0x39) || c == 0x2E || c == 0x2D
        return (letter ? nameStart | nameChar : 0) | (digit ? nameChar : 0)
    }

    struct Scanner {
        var line: Int
        let rootName: [UInt8]
        let isLast: Bool
        let classes = SEN2ContentScanner.classes
        /// The open elements below `<Persons>`, by their interned names.
        var open = NameStack()
        /// Whether `</Persons>` and the root's end tag have been read (the last chunk).
        var closedPersons = false
        var closedRoot = false
        var names = NameTable()
        var strings = ItemStrings()
        /// By the name of a start tag, that of the start tag after it when last met (-1:
        /// none yet); `NameTable.capacity` stands for no start tag read yet.
        var successor = [Int](repeating: -1, count: NameTable.capacity + 1)
        var previousStart = NameTable.capacity

        init(line: Int, rootName: [UInt8], isLast: Bool) {
            self.line = line
            self.rootName = rootName
            self.isLast = isLast
        }

        /// Whether the chunk ended where it must: between two children of `<Persons>`, or
        /// (the last) after the root element.
        var finished: Bool { open.isEmpty && (isLast ? closedRoot : !closedPersons) }

        /// A start tag of `name` (an element with no content when `empty`), read by either
        /// path of `scan`.
        @inline(never)
        private mutating func start(_ name: Int, empty: Bool, assembler: inout SEN2Assembler,
                                    onPerson: ([SEN2Request]) throws -> Void) throws {
            open.append(name)
            try assembler.start(names.tag(name), line: line, onHeader: { _ in })
            if empty {
                open.removeLast()
                try assembler.end(onPerson: onPerson)
            }
        }

        /// Reads the whole tokens of `s[0 ..< count]`: the offset of the first one not read
        /// (a tag or text that may go on past `count`, unless `atEnd`).
        mutating func scan(_ s: [UInt8], count n: Int, atEnd: Bool, assembler: inout SEN2Assembler,
                           onPerson: ([SEN2Request]) throws -> Void) throws -> Int {
            let span = s.span
            var i = 0
            while i < n {
                if s[i] == 0x3C {
                    guard i + 1 < n else { break }
                    guard !closedRoot else { throw Doubt() }
                    if s[i + 1] == 0x2F {
                        // An end tag: the open element's name, then `>`.
                        if let top = open.last() {
                            let length = names.length(top)
                            guard i + 2 + length < n else { break }
                            guard names.matches(top, span, at: i + 2), s[i + 2 + length] == 0x3E else { throw Doubt() }
                            open.removeLast()
                            try assembler.end(onPerson: onPerson)
                            i += 3 + length
                        } else {
                            // `</Persons>`, then the root's end tag: only in the last chunk.
                            guard isLast else { throw Doubt() }
                            let name: [UInt8] = closedPersons ? rootName : SEN2ContentScanner.persons
                            guard i + 2 + name.count < n else { break }
                            for k in 0..<name.count where s[i + 2 + k] != name[k] { throw Doubt() }
                            guard s[i + 2 + name.count] == 0x3E else { throw Doubt() }
                            try assembler.end(onPerson: onPerson)
                            if closedPersons { closedRoot = true } else { closedPersons = true }
                            i += 3 + name.count
                        }
                        continue
                    }
                    // A start tag: an ASCII name, then `>` or `/>`.
                    guard !closedPersons else { throw Doubt() }
                    // The usual tag: the name that followed the previous start tag's last
                    // time (a return's elements come in much the same order), then `>` or
                    // `/>`, compared in place with no search for the `>` (an interned name
                    // holds none, so that `>` is the first).
                    let guess = successor[previousStart]
                    if guess >= 0, open.count < 200 {
                        let after = i + 1 + names.length(guess)
                        if after + 1 < n, names.matches(guess, span, at: i + 1) {
                            if s[after] == 0x3E {
                                previousStart = guess
                                try start(guess, empty: false, assembler: &assembler, onPerson: onPerson)
                                i = after + 1
                                continue
                            }
                            if s[after] == 0x2F, s[after + 1] == 0x3E {
                                previousStart = guess
                                try start(guess, empty: true, assembler: &assembler, onPerson: onPerson)
                                i = after + 2
                                continue
                            }
                        }
                    }
                    // Another tag `<Name>` or `<Name/>` with a name the chunk has met:
                    // its `>` found eight bytes at a time and the name compared whole (an
                    // interned name is known to be well-formed). Anything else, or a
                    // name not met yet, is read byte by byte below.
                    var gt = i + 1
                    var found = -1
                    let limit = min(n, i + 216)
                    while gt + 8 <= limit {
                        let word = Bytes.loadUInt64(littleEndianFrom: span, at: gt)
                        let bits = SEN2ContentScanner.byteBits(word, 0x3E3E_3E3E_3E3E_3E3E)  // `>`
                        if bits != 0 { found = gt + bits.trailingZeroBitCount >> 3; break }
                        gt += 8
                    }
                    if found > i + 1, open.count < 200 {
                        let empty = s[found - 1] == 0x2F
                        let end = empty ? found - 1 : found
                        let name: Int?
                        if guess >= 0, names.length(guess) == end - i - 1, names.matches(guess, span, at: i + 1) {
                            name = guess
                        } else if end > i + 1 {
                            name = names.find(span, i + 1 ..< end, hash: SEN2ContentScanner.nameHash(s, i + 1 ..< end))
                            if let name { successor[previousStart] = name }
                        } else {
                            name = nil
                        }
                        if let name {
                            previousStart = name
                            try start(name, empty: empty, assembler: &assembler, onPerson: onPerson)
                            i = found + 1
                            continue
                        }
                    }
                    var j = i + 1
                    guard classes[Int(s[j])] & nameStart != 0 else { throw Doubt() }
                    while j < n, classes[Int(s[j])] & nameChar != 0 { j += 1 }
                    guard j < n else { break }
                    let hash = SEN2ContentScanner.nameHash(s, i + 1 ..< j)
                    let empty: Bool
                    if s[j] == 0x3E {
                        empty = false
                    } else if s[j] == 0x2F {
                        guard j + 1 < n else { break }
                        guard s[j + 1] == 0x3E else { throw Doubt() }
                        empty = true
                    } else {
                        throw Doubt()
                    }
                    guard j - i - 1 <= 200, open.count < 200 else { throw Doubt() }
                    guard let name = names.intern(span, i + 1 ..< j, hash: hash) else { throw Doubt() }
                    successor[previousStart] = name
                    previousStart = name
                    try start(name, empty: empty, assembler: &assembler, onPerson: onPerson)
                    i = empty ? j + 2 : j + 1
                    continue
                }
                // The usual text, the indentation between two tags: a line feed, tabs or
                // spaces, then `<` (blank text, one line further on).
                if s[i] == 0x0A {
                    // Tabs alone, then `<`, found in one word (the indentation of a return is
                    // a few tabs); anything else is read byte by byte below.
                    if i + 9 <= n {
                        let word = Bytes.loadUInt64(littleEndianFrom: span, at: i + 1)
                        let lt = SEN2ContentScanner.byteBits(word, 0x3C3C_3C3C_3C3C_3C3C)
                        if lt != 0 {
                            let before = ((lt & (0 &- lt)) >> 7) &- 1  // the bytes before the first `<`
                            if (word ^ 0x0909_0909_0909_0909) & before == 0 {
                                line += 1
                                i += 1 + lt.trailingZeroBitCount >> 3
                                continue
                            }
                        }
                    }
                    var j = i + 1
                    while j < n, s[j] == 0x09 || s[j] == 0x20 { j += 1 }
                    if j < n, s[j] == 0x3C {
                        line += 1
                        i = j
                        continue
                    }
                }
                // Text up to the next `<`: checked, its line feeds counted, and made a string
                // only when it is an item's.
                var j = i
                var lineFeeds = 0
                var blank = true
                var cr = false
                while j < n {
                    // Plain bytes eight at a time: the loop below would only step over each
                    // and note that the text is not blank.
                    if j + 8 <= n {
                        let special = SEN2ContentScanner.specialBits(Bytes.loadUInt64(littleEndianFrom: span, at: j))
                        if special == 0 {
                            blank = false
                            j += 8
                            continue
                        }
                        let plain = special.trailingZeroBitCount >> 3
                        if plain > 0 {
                            blank = false
                            j += plain
                        }
                    }
                    let c = s[j]
                    if c < 0x80 {
                        if c == 0x3C { break }
                        if c <= 0x20 {
                            // Without a branch per kind of blank: a switch's jump table here
                            // was mispredicted on most bytes of the indentation.
                            guard (SEN2ContentScanner.blanks >> UInt64(c)) & 1 != 0 else { throw Doubt() }
                            lineFeeds &+= c == 0x0A ? 1 : 0
                            cr = cr || c == 0x0D
                            j += 1
                            continue
                        }
                        blank = false
                        if c == 0x26 {
                            // Only the five predefined entities, and not in an item.
                            guard !assembler.wantsText, let e = SEN2ContentScanner.entityEnd(s, at: j, count: n) else {
                                if j + 8 > n, !atEnd { break }
                                throw Doubt()
                            }
                            j = e
                            continue
                        }
                        if c == 0x3E, j >= i + 2, s[j - 1] == 0x5D, s[j - 2] == 0x5D { throw Doubt() }
                        j += 1
                    } else {
                        blank = false
                        guard let e = SEN2ContentScanner.utf8End(s, at: j, count: n) else {
                            if j + 4 > n, !atEnd { break }
                            throw Doubt()
                        }
                        j = e
                    }
                }
                if j == n, !atEnd { break }
                if j < n, s[j] != 0x3C { break }  // stopped inside an entity or a character cut by the block's end
                if !blank {
                    // A CR in a value (libxml2 makes CR LF one LF), or text beside the
                    // <Person>s or after </Persons>: libxml2 decides.
                    guard !cr, !open.isEmpty else { throw Doubt() }
                    if assembler.wantsText {
                        // Trimmed here as the item would be (the same blanks), so that the
                        // assembler need not look at it again.
                        var (a, b) = (i, j)
                        while SEN2ContentScanner.isTrimmed(s[a]) { a += 1 }  // not blank: stops inside
                        while SEN2ContentScanner.isTrimmed(s[b - 1]) { b -= 1 }
                        assembler.text(strings.string(s, a ..< b), trimmed: true)
                    }
                }
                line += lineFeeds
                i = j
            }
            return i
        }
    }

    static let persons = Array("Persons".utf8)

    /// The blanks an item is trimmed of (`String.trimmedSEN2`'s).
    @inline(__always)
    static func isTrimmed(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

    /// The high bit of each byte of `word` equal to that of `pattern` (eight copies of one
    /// byte), every other bit clear: exact, not only the first. `InputScan.byteBits`,
    /// written out here so that it is inlined (it is in another module).
    @inline(__always)
    static func byteBits(_ word: UInt64, _ pattern: UInt64) -> UInt64 {
        let x = word ^ pattern, low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((x & low7) &+ low7) | x | low7)
    }

    /// The high bit of each byte of `word` that text's byte loop must look at, every other
    /// bit clear: not ASCII, a control character or space (at most 0x20), `<`, `>` or `&`.
    /// Every other byte is plain text the loop only steps over. Exact per byte (no carry
    /// crosses a byte), so the lowest bit set is the first byte to look at.
    @inline(__always)
    static func specialBits(_ word: UInt64) -> UInt64 {
        let high: UInt64 = 0x8080_8080_8080_8080, low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        // A byte under 0x80 is at most 0x20 when adding 0x5F leaves its high bit clear.
        let control = ~((word & low7) &+ 0x5F5F_5F5F_5F5F_5F5F) & high
        // `<` and `>` differ only in the bit 0x02.
        let angle = byteBits(word | 0x0202_0202_0202_0202, 0x3E3E_3E3E_3E3E_3E3E)
        let ampersand = byteBits(word, 0x2626_2626_2626_2626)
        return (word & high) | control | angle | ampersand
    }

    /// The hash of the name `s[range]` (not empty): the length and the first, middle and
    /// last bytes pick the slot (no chain of multiplies per byte); the bytes themselves are
    /// compared there.
    @inline(__always)
    static func nameHash(_ s: [UInt8], _ range: Range<Int>) -> UInt32 {
        let length = range.count
        return UInt32(truncatingIfNeeded: length &* 31) &+ UInt32(s[range.lowerBound]) &* 7
            &+ UInt32(s[range.upperBound - 1]) &* 131 &+ UInt32(s[range.lowerBound + length / 2]) &* 17
    }

    /// The control characters text may hold, as bits: tab, LF, CR and space.
    static let blanks: UInt64 = 1 << 0x09 | 1 << 0x0A | 1 << 0x0D | 1 << 0x20

    /// The offset past a predefined entity reference at `j` (`&lt;` `&gt;` `&amp;` `&quot;`
    /// `&apos;`); nil for anything else.
    static func entityEnd(_ s: [UInt8], at j: Int, count n: Int) -> Int? {
        for e in entities where j + e.count <= n {
            var same = true
            for k in 0..<e.count where s[j + k] != e[k] { same = false; break }
            if same { return j + e.count }
        }
        return nil
    }

    static let entities = ["&lt;", "&gt;", "&amp;", "&quot;", "&apos;"].map { Array($0.utf8) }

    /// The offset past a well-formed UTF-8 character at `j` (its first byte at least 0x80)
    /// that XML allows (not U+FFFE or U+FFFF); nil when it is not one, or is cut by `n`.
    static func utf8End(_ s: [UInt8], at j: Int, count n: Int) -> Int? {
        let b0 = s[j]
        func cont(_ k: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool { k < n && s[k] >= low && s[k] <= high }
        switch b0 {
        case 0xC2...0xDF:
            return cont(j + 1) ? j + 2 : nil
        case 0xE0:
            return cont(j + 1, 0xA0) && cont(j + 2) ? j + 3 : nil
        case 0xE1...0xEC, 0xEE:
            return cont(j + 1) && cont(j + 2) ? j + 3 : nil
        case 0xED:
            return cont(j + 1, 0x80, 0x9F) && cont(j + 2) ? j + 3 : nil
        case 0xEF:
            guard cont(j + 1), cont(j + 2) else { return nil }
            return s[j + 1] == 0xBF && s[j + 2] >= 0xBE ? nil : j + 3
        case 0xF0:
            return cont(j + 1, 0x90) && cont(j + 2) && cont(j + 3) ? j + 4 : nil
        case 0xF1...0xF3:
            return cont(j + 1) && cont(j + 2) && cont(j + 3) ? j + 4 : nil
        case 0xF4:
            return cont(j + 1, 0x80, 0x8F) && cont(j + 2) && cont(j + 3) ? j + 4 : nil
        default:
            return nil
        }
    }
}

/// The names of the elements open below `<Persons>` (at most 200: the scanner doubts a
/// deeper chunk), kept in place: inline, as the assembler's tag stack is, since a name
/// pushed into an array checked the array's uniqueness (a call) on every start tag.
struct NameStack {
    private var names = InlineArray<200, UInt16>(repeating: 0)
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    /// The innermost open name. Mutating only so that it is read in place, not from a
    /// copy of the whole stack (as `TagStack.top`).
    @inline(__always)
    mutating func last() -> Int? { count == 0 ? nil : Int(names[count - 1]) }

    /// Pushes `name` (under `NameTable.capacity`); the caller has checked that `count` is under 200.
    @inline(__always)
    mutating func append(_ name: Int) {
        names[count] = UInt16(truncatingIfNeeded: name)
        count += 1
    }

    @inline(__always)
    mutating func removeLast() { count -= 1 }
}

/// The strings of short items, kept by their bytes: most items are dates and codes that
/// recur thousands of times, and a string found here costs a few loads and compares where
/// making one from the bytes (checked as UTF-8 again) cost some hundred instructions.
/// Direct-mapped; a string here is the one `Bytes.string` makes of the same bytes.
struct ItemStrings {
    private static let slots = 4096
    /// The longest item kept: a date. A longer one is a person's id (a UPN), met once, which
    /// only pushed a date out of its slot.
    private static let longest = 10
    /// A slot: the item's bytes as two words, zero past its length (an item holds no NUL,
    /// which the scanner doubts, so the words give the length too; both zero: empty), and
    /// its string. One array of slots, not an array per field: a lookup missed the cache
    /// once per array, and those misses were most of its time on a large return.
    private struct Slot {
        var low: UInt64 = 0
        var high: UInt64 = 0
        var string = ""
    }
    private var table = [Slot](repeating: Slot(), count: slots)

    /// The string of `s[range]` (valid UTF-8, not empty, no NUL). Not inlined: in the
    /// scanner's loop it made the optimizer call out for the name stack's writes.
    @inline(never)
    mutating func string(_ s: [UInt8], _ range: Range<Int>) -> String {
        let n = range.count
        // Longer items, and the last bytes of the buffer, where two words cannot be loaded.
        guard n <= Self.longest, range.lowerBound + 16 <= s.count else { return Bytes.string(s.span.extracting(range)) }
        let span = s.span
        var w0 = Bytes.loadUInt64(littleEndianFrom: span, at: range.lowerBound)
        var w1 = Bytes.loadUInt64(littleEndianFrom: span, at: range.lowerBound + 8)
        if n < 8 {
            w0 &= (1 << UInt64(8 * n)) &- 1
            w1 = 0
        } else {
            w1 &= (1 << UInt64(8 * (n - 8))) &- 1
        }
        // The product's top bits, which every bit of the bytes reaches (its low bits would
        // depend on the first bytes alone: a date's year).
        let h = (w0 ^ (w1 &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(n)) &* 0xBF58_476D_1CE4_E5B9
        let slot = Int(truncatingIfNeeded: h >> 52)
        if table[slot].low == w0, table[slot].high == w1 { return table[slot].string }
        let made = Bytes.string(span.extracting(range))
        table[slot] = Slot(low: w0, high: w1, string: made)
        return made
    }
}

/// The element names met in a chunk, each kept once with its tag: a name is found again
/// by its hash and bytes, as libxml2's dictionary does.
struct NameTable {
    /// The most names a chunk may have.
    static let capacity = 400
    private var slots = [Int](repeating: -1, count: 512)
    /// A name: what finds it and its tag, and its bytes as words for `matches` (one array
    /// of these, not an array per field: each was a bounds check and a cache line).
    private struct Entry {
        var hash: UInt32
        var tag: SEN2Tag
        var length: Int
        /// Where its bytes start in `bytes`.
        var start: Int
        /// Its first eight bytes (zero past a shorter name's end), the mask of those it has,
        /// and its last eight (a name of eight or more).
        var head: UInt64
        var headMask: UInt64
        var tail: UInt64
    }
    private var entries: [Entry] = []
    private var bytes: [UInt8] = []

    func length(_ name: Int) -> Int { entries[name].length }
    func tag(_ name: Int) -> SEN2Tag { entries[name].tag }

    /// Whether `s` holds the name `name` from `at` (`s` holding at least its length from
    /// there): a word or two compared for most names (this runs twice per element), where a
    /// byte loop for the short ones cost more than the rest of a tag.
    @inline(__always)
    func matches(_ name: Int, _ s: Span<UInt8>, at: Int) -> Bool {
        let e = entries[name]
        let length = e.length
        if length >= 8 {
            guard Bytes.loadUInt64(littleEndianFrom: s, at: at) == e.head else { return false }
            // The middle words of a name longer than sixteen bytes.
            var k = 8
            while k + 8 < length {
                guard Bytes.loadUInt64(littleEndianFrom: s, at: at + k)
                    == Bytes.loadUInt64(littleEndianFrom: bytes.span, at: e.start + k) else { return false }
                k += 8
            }
            // The last eight bytes, overlapping those compared when the length is not a multiple of eight.
            return Bytes.loadUInt64(littleEndianFrom: s, at: at + length - 8) == e.tail
        }
        // A shorter name: one word when the span has eight bytes from `at`, the bytes past
        // the name masked off.
        if at <= s.count - 8 { return Bytes.loadUInt64(littleEndianFrom: s, at: at) & e.headMask == e.head }
        let t = bytes.span
        for k in 0..<length where s[at + k] != t[e.start + k] { return false }
        return true
    }

    /// The number of the name `s[range]` (whose hash is `hash`) when it is in the table.
    @inline(__always)
    func find(_ s: Span<UInt8>, _ range: Range<Int>, hash: UInt32) -> Int? {
        var slot = Int(hash & 511)
        while true {
            let name = slots[slot]
            if name < 0 { return nil }
            if entries[name].hash == hash, entries[name].length == range.count, matches(name, s, at: range.lowerBound) {
                return name
            }
            slot = (slot + 1) & 511
        }
    }

    /// The number of the name `s[range]` (whose hash is `hash`), added when new.
    @inline(__always)
    mutating func intern(_ s: Span<UInt8>, _ range: Range<Int>, hash: UInt32) -> Int? {
        var slot = Int(hash & 511)
        while true {
            let name = slots[slot]
            if name < 0 { break }
            if entries[name].hash == hash, entries[name].length == range.count, matches(name, s, at: range.lowerBound) {
                return name
            }
            slot = (slot + 1) & 511
        }
        // A chunk has a few dozen names; a table that fills up is a file to doubt (nil).
        guard entries.count < Self.capacity else { return nil }
        let name = entries.count
        var text: [UInt8] = []
        for k in range { text.append(s[k]) }
        let length = text.count
        var head: UInt64 = 0, tail: UInt64 = 0
        for k in 0..<min(length, 8) { head |= UInt64(text[k]) << UInt64(8 * k) }
        if length >= 8 { for k in 0..<8 { tail |= UInt64(text[length - 8 + k]) << UInt64(8 * k) } }
        let headMask: UInt64 = length >= 8 ? ~0 : (1 << UInt64(8 * length)) &- 1
        entries.append(Entry(hash: hash, tag: SEN2Tag(name: text), length: length, start: bytes.count,
                             head: head, headMask: headMask, tail: tail))
        bytes += text
        slots[slot] = name
        return name
    }
}

extension SEN2Tag {
    /// The tag of an element name given as UTF-8 bytes.
    init(name: [UInt8]) {
        self = SEN2Tag.byName[String(decoding: name, as: UTF8.self)] ?? .other
    }
}
