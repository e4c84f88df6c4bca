import EHCPRules
import EHCPBindings
import EHCPStore

/// One element's text as read from a SEN2 return, with the line of its start tag.
public struct SEN2Item: Sendable, Equatable {
    public var value: String
    public var line: Int

    public init(_ value: String, line: Int) { self.value = value; self.line = line }
}

/// The items of one `<Requests>` element that the measures read (extract-format.md, "The
/// SEN2 return"), as text: nothing is interpreted here. Names, postcodes and birth dates
/// are never kept: only the person's id (UPN, else unique learner number, else the
/// person's position in the file) leaves the reader.
public struct SEN2Request: Sendable, Equatable {
    /// `UPN`, else `UniqueLearnerNumber`, else `P{n}` (n: 1-based position of the `<Person>`).
    public var personID: String
    /// Line of the `<Requests>` start tag.
    public var line: Int
    public var receivedDate: SEN2Item?
    public var requestOutcomeDate: SEN2Item?
    public var requestOutcome: SEN2Item?
    public var exported: SEN2Item?
    /// Line of the `<Assessment>` start tag, when there is one.
    public var assessmentLine: Int?
    public var assessmentOutcome: SEN2Item?
    public var assessmentOutcomeDate: SEN2Item?
    public var week20: SEN2Item?
    /// `Assessment/NamedPlan/StartDate`.
    public var startDate: SEN2Item?
    /// Line of the `<ActivePlans>` start tag, when there is one.
    public var activePlansLine: Int?
    public var reviewMeeting: SEN2Item?
    public var lastReview: SEN2Item?
    public var reviewOutcome: SEN2Item?
    public var phaseTransferDueDate: SEN2Item?
    public var phaseTransferFinalDate: SEN2Item?

    public init(personID: String, line: Int) { self.personID = personID; self.line = line }
}

/// The return's header: what the run needs of it.
public struct SEN2Header: Sendable, Equatable {
    /// `Header/CollectionDetails/ReferenceDate`, as text.
    public var referenceDate: SEN2Item?
    /// `Header/CollectionDetails/Year`.
    public var year: String?
    /// `Header/Source/LEA`: the council's (old) LA code.
    public var la: String?
}

/// The elements the reader knows, by name; every other element is `other`.
enum SEN2Tag: UInt8 {
    case other
    case header, collectionDetails, referenceDate, year, source, lea
    case persons, person, upn, uln
    case requests, receivedDate, requestOutcomeDate, requestOutcome, exported
    case assessment, assessmentOutcome, assessmentOutcomeDate, week20, namedPlan, startDate
    case activePlans, reviewMeeting, lastReview, reviewOutcome, phaseTransferDueDate, phaseTransferFinalDate

    static let byName: [String: SEN2Tag] = [
        "Header": .header, "CollectionDetails": .collectionDetails, "ReferenceDate": .referenceDate, "Year": .year,
        "Source": .source, "LEA": .lea, "Persons": .persons, "Person": .person, "UPN": .upn, "UniqueLearnerNumber": .uln,
        "Requests": .requests, "ReceivedDate": .receivedDate, "RequestOutcomeDate": .requestOutcomeDate,
        "RequestOutcome": .requestOutcome, "Exported": .exported, "Assessment": .assessment,
        "AssessmentOutcome": .assessmentOutcome, "AssessmentOutcomeDate": .assessmentOutcomeDate, "Week20": .week20,
        "NamedPlan": .namedPlan, "StartDate": .startDate, "ActivePlans": .activePlans, "ReviewMeeting": .reviewMeeting,
        "LastReview": .lastReview, "ReviewOutcome": .reviewOutcome, "PhaseTransferDueDate": .phaseTransferDueDate,
        "PhaseTransferFinalDate": .phaseTransferFinalDate,
    ]

    /// Whether the element's text is an item the reader keeps, under `parent` (and
    /// `grandparent`): only these are ever made into text, so a name, a postcode or a
    /// birth date never becomes a string in the tool.
    func isItem(parent: SEN2Tag, grandparent: SEN2Tag) -> Bool {
        switch (parent, self) {
        case (.collectionDetails, .referenceDate), (.collectionDetails, .year): return grandparent == .header
        case (.source, .lea): return grandparent == .header
        case (.person, .upn), (.person, .uln): return true
        case (.requests, .receivedDate), (.requests, .requestOutcomeDate), (.requests, .requestOutcome), (.requests, .exported):
            return true
        case (.assessment, .assessmentOutcome), (.assessment, .assessmentOutcomeDate), (.assessment, .week20):
            return grandparent == .requests
        case (.namedPlan, .startDate): return grandparent == .assessment
        case (.activePlans, .reviewMeeting), (.activePlans, .lastReview), (.activePlans, .reviewOutcome),
             (.activePlans, .phaseTransferDueDate), (.activePlans, .phaseTransferFinalDate):
            return grandparent == .requests
        default: return false
        }
    }
}

/// Reads a SEN2 person-level return as a stream (libxml2's SAX2 push parser through
/// `XMLStreamReader`): one `<Person>` at a time is held, never the document, so memory
/// does not grow with the file. Element names are those of the 2023 to 2026 schemas
/// (stable across them; newer items are optional, and missing items are simply absent).
/// Names are recognised by their token (`XMLNameToken`), and only the items the measures
/// read are ever made into text.
public struct SEN2Reader: ~Copyable {
    public let path: String
    private var xml: XMLStreamReader
    /// What the elements mean: the same for every source of events (`SEN2Assembler`).
    private var assembler = SEN2Assembler()
    /// `<Person>` elements read so far.
    public var persons: Int { assembler.persons }
    public var header: SEN2Header { assembler.header }

    public init(path: String) throws(InputError) {
        self.path = path
        do {
            xml = try XMLStreamReader(path: path)
        } catch {
            throw InputError.unreadable(file: path, reason: error.message)
        }
    }

    /// A reader of one chunk of the return (`SEN2ChunkPlan`): its lines are the file's, and
    /// its persons are numbered after the `chunk.personsBefore` before it.
    public init(path: String, chunk: SEN2Chunk) throws(InputError) {
        self.path = path
        assembler.personsBefore = chunk.personsBefore
        do {
            xml = try XMLStreamReader(path: path, range: chunk.range, prefix: chunk.prefix, suffix: chunk.suffix,
                                      lineOffset: chunk.lineOffset)
        } catch {
            throw InputError.unreadable(file: path, reason: error.message)
        }
    }

    /// The tag of each name token met so far.
    private var tags: [XMLNameToken: SEN2Tag] = [:]

    /// Reads the whole return: `onHeader` once the header is read (before the first
    /// person; also at the end when the return has no persons), `onPerson` with each
    /// person's `<Requests>` in document order. Malformed XML stops the read with
    /// `InputError.malformedXML`, naming the line and column.
    public mutating func read(onHeader: (SEN2Header) throws -> Void,
                              onPerson: (_ requests: [SEN2Request]) throws -> Void) throws {
        do {
            while let event = try xml.next() {
                switch event {
                case .start:
                    try assembler.start(self.tag(), line: xml.line, onHeader: onHeader)
                case .text:
                    if assembler.wantsText { assembler.text(xml.text) }
                case .end:
                    try assembler.end(onPerson: onPerson)
                }
            }
        } catch let error as XMLSyntaxError {
            // libxml2's words; its reader says this one also of a file cut short.
            let gloss = error.code == XMLSyntaxError.documentEnd
                ? " (the file ends with elements still open, or has something after the root element)" : ""
            throw InputError.malformedXML(file: path, line: error.line, column: error.column, problem: error.message + gloss)
        }
        try assembler.finish(onHeader: onHeader)
    }

    /// Reads the chunk this reader was made for (`init(path:chunk:)`) straight from its
    /// bytes (`SEN2ContentScanner`, libxml2 checking only the first chunk's head): the
    /// persons `read` would give. Throws when the chunk is not plain enough to be sure of
    /// that, or is malformed: the caller then reads the file with `read` on one thread.
    public mutating func readChunk(_ chunk: SEN2Chunk, onPerson: ([SEN2Request]) throws -> Void) throws {
        assembler.personsBefore = chunk.personsBefore
        try SEN2ContentScanner.read(path: path, chunk: chunk, assembler: &assembler, onPerson: onPerson)
    }

    /// The tag of the element the reader stands on: its name is made into a string only
    /// the first time its token is met. A small direct-mapped cache in front of `tags`
    /// answers almost every call without hashing (a return has a few dozen names).
    private mutating func tag() -> SEN2Tag {
        let token = xml.nameToken
        let slot = token.slot
        if recent[slot].token == token { return recent[slot].tag }
        let tag: SEN2Tag
        if let known = tags[token] {
            tag = known
        } else {
            tag = SEN2Tag.byName[xml.name] ?? .other
            tags[token] = tag
        }
        recent[slot] = (token, tag)
        return tag
    }

    private var recent = [(token: XMLNameToken, tag: SEN2Tag)](repeating: (XMLNameToken.none, .other), count: XMLNameToken.slots)

    /// Reads only as far as the header's `ReferenceDate` (the as-at date of a run whose
    /// only input is the return).
    public static func header(path: String) throws -> SEN2Header {
        var reader = try SEN2Reader(path: path)
        var found: SEN2Header?
        do {
            try reader.read(onHeader: { found = $0; throw StopAtHeader() }, onPerson: { _ in })
        } catch is StopAtHeader {}
        return found ?? reader.header
    }

    private struct StopAtHeader: Error {}
}

/// What the elements of a return mean, event by event: element starts (by tag, with the
/// line of the start tag), the text of the items the measures read, element ends. Fed by
/// libxml2's events (`SEN2Reader.read`) or by the content scanner of a chunk
/// (`SEN2ContentScanner`), so both give the same requests by construction.
struct SEN2Assembler {
    /// `<Person>` elements read so far.
    var persons = 0
    var header = SEN2Header()
    /// `<Person>`s before the part of the file being read.
    var personsBefore = 0
    private var headerSent = false
    /// Where the reader is inside the document: the elements from the root down.
    private var stack = TagStack()
    private var person: PersonState?
    /// The `<Requests>` being read, when `inRequests`. Not an optional: writing an item
    /// through an optional this large copied the whole request out and back each time.
    private var current = SEN2Request(personID: "", line: 0)
    /// Whether `current` is as new (as it is once moved out): a `<Requests>` then needs only
    /// its line set (a new request assigned over it destroyed each of its empty items).
    private var currentIsBlank = true
    private var inRequests = false
    /// The text of the item being read, and the line of its start tag; nil outside items.
    private var itemText: String?
    private var itemLine = 0
    /// Whether `itemText` is trimmed already (one text node the content scanner trimmed).
    private var itemTrimmed = false

    private struct PersonState {
        let number: Int
        var upn: String?
        var uln: String?
    }
    /// The person's `<Requests>` so far: one buffer for every person, emptied at each `<Person>`.
    private var requests: [SEN2Request] = []

    /// Whether the text now read is kept (the reader makes a string of it only then).
    var wantsText: Bool { itemText != nil }

    @inline(__always)
    mutating func start(_ tag: SEN2Tag, line: @autoclosure () -> Int, onHeader: (SEN2Header) throws -> Void) throws {
        let parent = stack.top(0)
        let grandparent = stack.top(1)
        stack.push(tag)
        // Only when set: assigning nil over nil still released the string's storage (a call
        // per element).
        if itemText != nil { itemText = nil }
        guard tag != .other else { return }
        switch (parent, tag) {
        case (.persons, .person):
            if !headerSent { try onHeader(header); headerSent = true }
            persons += 1
            person = PersonState(number: personsBefore + persons)
            requests.removeAll(keepingCapacity: true)
        case (.person, .requests) where person != nil:
            if !currentIsBlank { current = SEN2Request(personID: "", line: 0) }
            current.line = line()
            currentIsBlank = false
            inRequests = true
        case (.requests, .assessment) where inRequests:
            current.assessmentLine = line()
        case (.requests, .activePlans) where inRequests:
            current.activePlansLine = line()
        default:
            if tag.isItem(parent: parent, grandparent: grandparent) {
                itemText = ""
                itemTrimmed = false
                itemLine = line()
            }
        }
    }

    /// A text node inside the current element (only called when `wantsText`); `trimmed`
    /// when it has no blank at either end.
    @inline(__always)
    mutating func text(_ text: String, trimmed: Bool = false) {
        // Only items' text is kept, and items are short.
        // Almost always one text node: taken as it is, not appended to "".
        if let t = itemText {
            if t.isEmpty {
                itemText = text
                itemTrimmed = trimmed
            } else if t.utf8.count < 4096 {
                itemText = t + text
                itemTrimmed = false
            }
        }
    }

    @inline(__always)
    mutating func end(onPerson: ([SEN2Request]) throws -> Void) throws {
        guard let tag = stack.pop() else { return }
        if tag != .other {
            try end(tag, onPerson: onPerson)
        }
        if itemText != nil { itemText = nil }
    }

    /// The end of the document: the header goes out if no person did.
    mutating func finish(onHeader: (SEN2Header) throws -> Void) throws {
        if !headerSent { try onHeader(header) }
    }

    /// The item now ending, trimmed, with the line of its start tag.
    private var item: SEN2Item? {
        guard let text = itemText else { return nil }
        return SEN2Item(itemTrimmed ? text : text.trimmedSEN2, line: itemLine)
    }

    private mutating func end(_ tag: SEN2Tag, onPerson: ([SEN2Request]) throws -> Void) throws {
        let parent = stack.top(0)
        switch (parent, tag) {
        case (.persons, .person):
            guard let p = person else { return }
            person = nil
            // The id may follow the requests in a file that does not keep the schema's
            // order, so it is given to them only once the person is complete.
            let id = p.upn ?? p.uln ?? "P\(p.number)"
            for i in requests.indices { requests[i].personID = id }
            try onPerson(requests)
            return
        case (.person, .requests):
            if inRequests, person != nil {
                // Moved out, not copied (a copy retained each of its strings, and the next
                // <Requests> released them).
                var done = SEN2Request(personID: "", line: 0)
                swap(&done, &current)
                currentIsBlank = true
                requests.append(done)
            }
            inRequests = false
            return
        default:
            break
        }
        guard let item else { return }
        switch tag {
        case .referenceDate: header.referenceDate = item
        case .year: header.year = item.value
        case .lea: header.la = item.value
        case .upn: if !item.value.isEmpty { person?.upn = item.value }
        case .uln: if !item.value.isEmpty { person?.uln = item.value }
        default:
            guard inRequests else { break }
            switch tag {
            case .receivedDate: current.receivedDate = item
            case .requestOutcomeDate: current.requestOutcomeDate = item
            case .requestOutcome: current.requestOutcome = item
            case .exported: current.exported = item
            case .assessmentOutcome: current.assessmentOutcome = item
            case .assessmentOutcomeDate: current.assessmentOutcomeDate = item
            case .week20: current.week20 = item
            case .startDate: current.startDate = item
            case .reviewMeeting: current.reviewMeeting = item
            case .lastReview: current.lastReview = item
            case .reviewOutcome: current.reviewOutcome = item
            case .phaseTransferDueDate: current.phaseTransferDueDate = item
            case .phaseTransferFinalDate: current.phaseTransferFinalDate = item
            default: break
            }
        }
    }
}

/// The elements from the root down, kept in place: an element's start and end move a
/// depth, not an array's end (which checked for room and uniqueness on every tag). The
/// first levels are inline (an array's element written checked its uniqueness on every
/// tag); deeper ones, which a return does not have, go to an array.
private struct TagStack {
    private static let inlineDepth = 32
    private var tags = InlineArray<32, SEN2Tag>(repeating: .other)
    private var deeper: [SEN2Tag] = []
    private var depth = 0

    /// Mutating only so that the tag is read in place: read from a value, the inline array
    /// was first copied whole to the stack, and the load of one tag from that copy waited on
    /// the tags' last stores (perf: a third of the time of an element's start).
    @inline(__always)
    private mutating func tag(at level: Int) -> SEN2Tag {
        level < Self.inlineDepth ? tags[level] : deeper[level - Self.inlineDepth]
    }

    /// The tag `k` levels above the innermost open element (0: that element); `.other` above
    /// the root. Mutating only as `tag(at:)` is.
    @inline(__always)
    mutating func top(_ k: Int) -> SEN2Tag { depth > k ? tag(at: depth - 1 - k) : .other }

    @inline(__always)
    mutating func push(_ tag: SEN2Tag) {
        if depth < Self.inlineDepth {
            tags[depth] = tag
        } else {
            let level = depth - Self.inlineDepth
            if level == deeper.count { deeper.append(tag) } else { deeper[level] = tag }
        }
        depth += 1
    }

    @inline(__always)
    mutating func pop() -> SEN2Tag? {
        guard depth > 0 else { return nil }
        depth -= 1
        return tag(at: depth)
    }
}

extension String {
    /// Without the whitespace that pretty-printed XML leaves around a value (XML's own:
    /// space, tab, CR, LF), by bytes: no Unicode property is looked up. The bytes are read
    /// as a span (the string's UTF-8 view, asked for its last byte, cost more than the rest).
    var trimmedSEN2: String {
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        let trimmed: String? = Bytes.withUTF8(self) { b in
            let n = b.count
            guard n > 0, isSpace(b[0]) || isSpace(b[n - 1]) else { return nil }
            var start = 0, end = n
            while start < end, isSpace(b[start]) { start += 1 }
            while end > start, isSpace(b[end - 1]) { end -= 1 }
            return Bytes.string(b.extracting(start ..< end))
        }
        return trimmed ?? self
    }
}
