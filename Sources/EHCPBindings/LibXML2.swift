// libxml2's Swift face: its SAX2 push parser (xmlCreatePushParserCtxt + xmlParseChunk), fed
// from the file in blocks, its callbacks queuing element starts, ends and text nodes for
// `XMLStreamReader.next()`. Only one block's events are held at a time and no tree is ever
// built, so a return of any size is read in the memory of a block. What the elements mean is
// EHCPIngest's business (`SEN2Reader`); this file only walks the events and turns libxml2's
// errors into a line, a column and a message. The events are those libxml2's own streaming
// reader (xmlTextReader, which sits on the same push parser) gave before: text nodes are
// the same runs of character data, whitespace-only ones are not reported, and the first
// error is the same error at the same place.
import CLibXML2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Malformed XML: where the parser stopped and why, in libxml2's words.
public struct XMLSyntaxError: Error, Sendable, Equatable {
    public var line: Int
    public var column: Int
    public var message: String
    /// libxml2's error code (`xmlParserErrors`; 0 when the parser gave none).
    public var code: Int = 0
    /// XML_ERR_DOCUMENT_END: "Extra content at the end of the document", which libxml2's
    /// reader also says of a file that ends with elements still open.
    public static let documentEnd = Int(XML_ERR_DOCUMENT_END.rawValue)
}

/// The file could not be opened at all (missing, unreadable).
public struct XMLOpenError: Error, Sendable, Equatable {
    public var message: String
}

/// An element name of one reader (`XMLStreamReader.nameToken`): the address at which the
/// reader's dictionary holds it, as a number. Meaningful only with the reader that gave it.
public struct XMLNameToken: Hashable, Sendable {
    let address: UInt

    /// No name (what an empty cache slot holds).
    public static let none = XMLNameToken(address: 0)
    /// The number of slots `slot` ranges over.
    public static let slots = 256
    /// A slot for a direct-mapped cache of tokens: the top bits of the address times a
    /// large odd constant (names the dictionary packs a few bytes apart land far apart).
    public var slot: Int { Int(truncatingIfNeeded: (address &* 0x9E37_79B9_7F4A_7C15) >> 56) & (Self.slots - 1) }
}

/// What the reader stands on after `next()`.
public enum XMLNodeEvent: Sendable, Equatable {
    /// An element's start tag (also for `<a/>`, which is followed by its `end`).
    case start
    /// An element's end tag.
    case end
    /// Character data (text or CDATA) inside the current element. Whitespace between
    /// elements is not reported.
    case text
}

/// One queued event: its kind, the element's local name (interned in the parser's
/// dictionary, which lives as long as the parser), the line of a start tag, and where a
/// text node's bytes lie in `XMLParseState.text`.
private struct XMLQueuedEvent {
    var kind: XMLNodeEvent
    var name: UnsafePointer<xmlChar>?
    var line: Int
    var textStart: Int
    var textEnd: Int
}

/// What the parser's callbacks write into: the events of the block being parsed, the bytes
/// of their text nodes, and the first error. Held at a fixed address (`XMLStreamReader`
/// allocates it) so that libxml2's callbacks reach it through the parser context's
/// `_private` pointer, with no reference counting or exclusivity checks per event.
private struct XMLParseState {
    /// The document's own parser context: callbacks from any other context (libxml2 checks
    /// an internal entity's replacement text with a parser of its own, calling the same
    /// callbacks) are ignored, as the streaming reader never expanded an entity.
    var main: xmlParserCtxtPtr?
    var error: XMLSyntaxError?
    var events: UnsafeMutablePointer<XMLQueuedEvent>
    var eventCount = 0
    var eventCapacity = 8192
    /// Text nodes' bytes, UTF-8, one after another; the last run may still be open.
    var text: UnsafeMutablePointer<UInt8>
    var textCount = 0
    var textCapacity = 1 << 16
    /// Whether character data has come since the last element, comment, processing
    /// instruction or entity reference: it is one text node until one of those ends it.
    var textOpen = false
    var textStart = 0

    init() {
        events = .allocate(capacity: eventCapacity)
        text = .allocate(capacity: textCapacity)
    }

    func free() {
        events.deallocate()
        text.deallocate()
    }

    @inline(__always)
    mutating func append(_ event: XMLQueuedEvent) {
        if eventCount == eventCapacity {
            let grown = UnsafeMutablePointer<XMLQueuedEvent>.allocate(capacity: eventCapacity * 2)
            grown.moveInitialize(from: events, count: eventCount)
            events.deallocate()
            events = grown
            eventCapacity *= 2
        }
        (events + eventCount).initialize(to: event)
        eventCount += 1
    }

    @inline(__always)
    mutating func appendText(_ bytes: UnsafePointer<UInt8>, count: Int) {
        if textCount + count > textCapacity {
            var capacity = textCapacity * 2
            while textCount + count > capacity { capacity *= 2 }
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            grown.update(from: text, count: textCount)
            text.deallocate()
            text = grown
            textCapacity = capacity
        }
        (text + textCount).update(from: bytes, count: count)
        textCount += count
    }

    /// Ends the open text node: reported when it holds anything but XML whitespace (the
    /// reader called whitespace-only nodes "whitespace" and they were skipped), else dropped.
    @inline(__always)
    mutating func closeText() {
        guard textOpen else { return }
        textOpen = false
        var i = textStart
        while i < textCount {
            let b = text[i]
            if !(b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D) { break }
            i += 1
        }
        if i == textCount {
            textCount = textStart
        } else {
            append(XMLQueuedEvent(kind: .text, name: nil, line: 0, textStart: textStart, textEnd: textCount))
        }
    }

    /// Drops the events already handed out, keeping the bytes of a text node still open.
    mutating func startBlock() {
        eventCount = 0
        if textOpen {
            let open = textCount - textStart
            if textStart > 0 { text.update(from: text + textStart, count: open) }
            textStart = 0
            textCount = open
        } else {
            textCount = 0
        }
    }

    /// The state of the parser `ctx`, when `ctx` is the document's own parser.
    @inline(__always)
    static func of(_ ctx: UnsafeMutableRawPointer?) -> (UnsafeMutablePointer<XMLParseState>, xmlParserCtxtPtr)? {
        guard let ctx else { return nil }
        // Safe: libxml2 passes the parser context as the callbacks' user data (the push
        // parser is created with none, so user data is the context itself); `_private` was
        // set to this state, which `XMLStreamReader` allocates before the parser and frees
        // after it.
        let ctxt = ctx.assumingMemoryBound(to: xmlParserCtxt.self)
        guard let raw = ctxt.pointee._private else { return nil }
        let state = raw.assumingMemoryBound(to: XMLParseState.self)
        guard state.pointee.main == ctxt else { return nil }
        return (state, ctxt)
    }
}

/// The callbacks: element starts and ends, character data (CDATA comes here too, with
/// XML_PARSE_NOCDATA), and the nodes that end a text node. Everything else (the document,
/// the DTD's declarations, entity lookup) is libxml2's default SAX2 handling, as in its reader.
private let onStart: startElementNsSAX2Func = { ctx, localname, _, _, _, _, _, _, _ in
    guard let (state, ctxt) = XMLParseState.of(ctx) else { return }
    state.pointee.closeText()
    // The line of the start tag as libxml2's tree builder records it: the input's line
    // once the tag is read (an int, so past 65,535 too).
    let line = Int(ctxt.pointee.input?.pointee.line ?? 0)
    state.pointee.append(XMLQueuedEvent(kind: .start, name: localname, line: line, textStart: 0, textEnd: 0))
}

private let onEnd: endElementNsSAX2Func = { ctx, localname, _, _ in
    guard let (state, _) = XMLParseState.of(ctx) else { return }
    state.pointee.closeText()
    state.pointee.append(XMLQueuedEvent(kind: .end, name: localname, line: 0, textStart: 0, textEnd: 0))
}

private let onCharacters: charactersSAXFunc = { ctx, ch, len in
    guard let (state, _) = XMLParseState.of(ctx), let ch, len > 0 else { return }
    if !state.pointee.textOpen {
        state.pointee.textOpen = true
        state.pointee.textStart = state.pointee.textCount
    }
    // Safe: libxml2 gives `len` bytes of UTF-8 at `ch`, valid during the call; copied here.
    state.pointee.appendText(ch, count: Int(len))
}

private let onReference: referenceSAXFunc = { ctx, _ in
    XMLParseState.of(ctx)?.0.pointee.closeText()
}

private let onComment: commentSAXFunc = { ctx, _ in
    XMLParseState.of(ctx)?.0.pointee.closeText()
}

private let onProcessingInstruction: processingInstructionSAXFunc = { ctx, _, _ in
    XMLParseState.of(ctx)?.0.pointee.closeText()
}

/// Keeps libxml2's first error. Errors from an entity's own check parser count too, as
/// they did for the reader (its `_private` is copied from the document's parser).
private let onError: xmlStructuredErrorFunc = { ctx, error in
    guard let ctx, let error else { return }
    // Safe: as in `XMLParseState.of`, but from any parser whose `_private` is the state.
    let ctxt = ctx.assumingMemoryBound(to: xmlParserCtxt.self)
    guard let raw = ctxt.pointee._private else { return }
    let state = raw.assumingMemoryBound(to: XMLParseState.self)
    // Warnings (an unknown encoding name guessed, say) do not stop the parse.
    guard state.pointee.error == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
    let text = error.pointee.message.map { String(cString: $0) } ?? "the XML is not well formed"
    state.pointee.error = XMLSyntaxError(line: Int(error.pointee.line), column: Int(error.pointee.int2),
                                 message: text.trimmingWhitespace, code: Int(error.pointee.code))
}

/// Parser options: no network access, no external DTD or entity loading (both off by
/// default, and XML_PARSE_NOENT is not given, so entities are never substituted from
/// outside), CDATA as text, and full line numbers beyond 65,535 (XML_PARSE_BIG_LINES).
private let parserOptions = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_BIG_LINES.rawValue)

/// libxml2 sets up its global tables once, before any thread parses.
private let libxmlReady: Bool = {
    xmlInitParser()
    return true
}()

/// How many bytes are read from the file and given to the parser at a time.
private let blockSize = 1 << 18

/// A pull reader over one XML file, on libxml2's SAX2 push parser. Not copyable: it alone
/// owns the C parser and file, freed when it goes away.
public struct XMLStreamReader: ~Copyable {
    /// The file layer of a whole-file read; nil for a range (`init(path:range:...)`).
    private let input: xmlParserInputBufferPtr?
    /// A range's file, read with `pread(2)` (-1 for a whole-file read).
    private let fd: Int32
    /// The next offset of the range to read, and its end.
    private var rangeNext = 0
    private let rangeEnd: Int
    /// Bytes given to the parser after the range (a synthetic end), and whether they were.
    private let suffix: [UInt8]
    private var suffixSent = false
    /// Added to every line the parser reports: the range's first line in the file minus
    /// its line in the parsed text.
    private let lineOffset: Int
    private let ctxt: xmlParserCtxtPtr
    private let state: UnsafeMutablePointer<XMLParseState>
    private let block: UnsafeMutablePointer<CChar>
    /// The file has been read to its end and the parser told so, or the parse stopped.
    private var finished = false
    /// The next queued event to hand out.
    private var cursor = 0
    private var current = XMLQueuedEvent(kind: .start, name: nil, line: 0, textStart: 0, textEnd: 0)
    /// Local names by the address libxml2 interned them at (the parser's dictionary keeps
    /// one copy of each name for its whole life), each made into a `String` once.
    private var names: [UnsafeRawPointer: String] = [:]
    private var openElements = 0
    /// The event last returned.
    public private(set) var event: XMLNodeEvent = .start

    public init(path: String) throws(XMLOpenError) {
        let opened = try Self.open(path: path)
        input = opened.input
        fd = -1
        rangeEnd = 0
        suffix = []
        lineOffset = 0
        ctxt = opened.ctxt
        state = opened.state
        block = opened.block
        finished = opened.state.pointee.error != nil
    }

    /// A reader of the bytes `range` of the file, parsed as the text `prefix + range +
    /// suffix` (a chunk of a document inside a synthetic copy of its enclosing start and end
    /// tags). Lines are reported as the file's: the parser's line plus `lineOffset`.
    /// Plain files only (no gzip layer): the caller has checked the bytes are XML text.
    public init(path: String, range: Range<Int>, prefix: [UInt8], suffix: [UInt8], lineOffset: Int) throws(XMLOpenError) {
        precondition(prefix.count >= 4, "the prefix lets libxml2 guess the encoding from its first 4 bytes")
        _ = libxmlReady
        let fd = systemOpen(path)
        guard fd >= 0 else { throw XMLOpenError(message: "it could not be opened for reading") }
        let state = UnsafeMutablePointer<XMLParseState>.allocate(capacity: 1)
        state.initialize(to: XMLParseState())
        let block = UnsafeMutablePointer<CChar>.allocate(capacity: max(blockSize, prefix.count))
        var sax = Self.handler()
        // Safe: the prefix's bytes (at least 4, checked above) are read by libxml2 during
        // the call only (it copies what it keeps), as CChar, the same size as UInt8.
        let c: xmlParserCtxtPtr? = prefix.withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { xmlCreatePushParserCtxt(&sax, nil, $0.baseAddress, 4, path) }
        }
        guard let c else {
            systemClose(fd)
            Self.release(state: state, block: block)
            throw XMLOpenError(message: "it could not be opened for reading")
        }
        _ = xmlCtxtUseOptions(c, parserOptions)
        c.pointee.linenumbers = 1
        // Safe: as in `open(path:)`: the parser is freed before the state, in deinit.
        c.pointee._private = UnsafeMutableRawPointer(state)
        state.pointee.main = c
        input = nil
        self.fd = fd
        rangeNext = range.lowerBound
        rangeEnd = range.upperBound
        self.suffix = suffix
        self.lineOffset = lineOffset
        ctxt = c
        self.state = state
        self.block = block
        // The rest of the prefix: its events are queued for the first `next()`. Safe: as
        // above, bytes 4 ..< count of the prefix, read during the call.
        prefix.withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { _ = xmlParseChunk(c, $0.baseAddress! + 4, Int32(p.count - 4), 0) }
        }
        checkError()
    }

    /// Frees what a failed open had made before the parser (which would have owned it).
    private static func release(state: UnsafeMutablePointer<XMLParseState>, block: UnsafeMutablePointer<CChar>) {
        block.deallocate()
        state.pointee.free()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// The callbacks, in a handler libxml2 copies.
    private static func handler() -> xmlSAXHandler {
        var sax = xmlSAXHandler()
        xmlSAXVersion(&sax, 2)
        sax.startElementNs = onStart
        sax.endElementNs = onEnd
        sax.characters = onCharacters
        sax.ignorableWhitespace = onCharacters
        sax.cdataBlock = onCharacters
        sax.reference = onReference
        sax.comment = onComment
        sax.processingInstruction = onProcessingInstruction
        sax.serror = onError
        return sax
    }

    /// Opens the file and sets up the parser on its first bytes.
    private static func open(path: String) throws(XMLOpenError)
        -> (input: xmlParserInputBufferPtr, ctxt: xmlParserCtxtPtr, state: UnsafeMutablePointer<XMLParseState>, block: UnsafeMutablePointer<CChar>) {
        _ = libxmlReady
        // The file layer libxml2's reader opened files with (plain or gzip-compressed).
        guard let input = xmlParserInputBufferCreateFilename(path, XML_CHAR_ENCODING_NONE) else {
            throw XMLOpenError(message: "it could not be opened for reading")
        }
        let state = UnsafeMutablePointer<XMLParseState>.allocate(capacity: 1)
        state.initialize(to: XMLParseState())
        let block = UnsafeMutablePointer<CChar>.allocate(capacity: blockSize)
        // The first 4 bytes, as the reader gave them, let libxml2 guess the encoding. A file
        // shorter than that the reader never gave the parser at all (it ended the document
        // at once: "Extra content at the end of the document", line 1, column 1), and
        // neither does this.
        let read4 = read(input, into: block, count: 4)
        let first = read4 == 4 ? 4 : 0
        var sax = handler()
        // libxml2 copies the handler; no user data, so each callback gets the parser context.
        guard let c = xmlCreatePushParserCtxt(&sax, nil, first > 0 ? block : nil, Int32(first), path) else {
            xmlFreeParserInputBuffer(input)
            release(state: state, block: block)
            throw XMLOpenError(message: "it could not be opened for reading")
        }
        _ = xmlCtxtUseOptions(c, parserOptions)
        c.pointee.linenumbers = 1
        // Safe: the reader frees the parser before the state, in its deinit, so libxml2
        // never holds this pointer past the state's life.
        c.pointee._private = UnsafeMutableRawPointer(state)
        state.pointee.main = c
        return (input, c, state, block)
    }

    deinit {
        // The document node libxml2's default start-document handler made (holding only
        // the DTD's declarations: no element is ever added to it).
        if let doc = ctxt.pointee.myDoc { xmlFreeDoc(doc); ctxt.pointee.myDoc = nil }
        xmlFreeParserCtxt(ctxt)
        if let input { xmlFreeParserInputBuffer(input) }
        if fd >= 0 { systemClose(fd) }
        block.deallocate()
        state.pointee.free()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// Reads up to `count` bytes of the file; 0 at its end (a read error ends it too, as
    /// it did for the reader).
    private static func read(_ input: xmlParserInputBufferPtr, into block: UnsafeMutablePointer<CChar>, count: Int) -> Int {
        guard let read = input.pointee.readcallback else { return 0 }
        var got = 0
        while got < count {
            let n = read(input.pointee.context, block + got, Int32(count - got))
            if n <= 0 { break }
            got += Int(n)
        }
        return got
    }

    /// The next bytes of a range, then its suffix; 0 once both are given.
    private mutating func readRange() -> Int {
        if rangeNext < rangeEnd {
            // Safe: `block` holds `blockSize` bytes (or more), and at most that many are read.
            let n = pread(fd, block, min(blockSize, rangeEnd - rangeNext), off_t(rangeNext))
            if n > 0 { rangeNext += n; return n }
            if n < 0, errno == EINTR { return readRange() }
            rangeNext = rangeEnd  // a read error or a file cut short: what was read is parsed, then the suffix
        }
        guard !suffixSent, !suffix.isEmpty else { return 0 }
        suffixSent = true
        // Safe: the suffix (a few closing tags) is far shorter than `block`, and not empty.
        precondition(suffix.count <= blockSize, "the suffix fits in a block")
        suffix.withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { block.update(from: $0.baseAddress!, count: p.count) }
        }
        return suffix.count
    }

    /// Parses the next block of the file (or ends the document), queuing its events.
    private mutating func parseBlock() {
        state.pointee.startBlock()
        cursor = 0
        let n = input.map { Self.read($0, into: block, count: blockSize) } ?? readRange()
        _ = xmlParseChunk(ctxt, n > 0 ? block : nil, Int32(n), n > 0 ? 0 : 1)
        if n == 0 {
            finished = true
            state.pointee.closeText()
        }
        checkError()
    }

    /// Stops at the first error, kept with its line as the file's.
    private mutating func checkError() {
        if var error = state.pointee.error {
            if lineOffset != 0, error.line > 0, !lineShifted {
                error.line += lineOffset
                state.pointee.error = error
                lineShifted = true
            }
            finished = true
        } else if ctxt.pointee.wellFormed == 0 {
            finished = true
            lineShifted = true
            state.pointee.error = XMLSyntaxError(line: Int(ctxt.pointee.input?.pointee.line ?? 0) + lineOffset,
                                         column: Int(ctxt.pointee.input?.pointee.col ?? 0),
                                         message: "the XML is not well formed")
        }
    }

    /// Moves to the next element start, element end or text node; nil at the end of the
    /// document. Throws at the first well-formedness error, with its line and column,
    /// once the events before it have been handed out.
    public mutating func next() throws(XMLSyntaxError) -> XMLNodeEvent? {
        while cursor >= state.pointee.eventCount {
            if finished {
                if let error = state.pointee.error { throw error }
                return nil
            }
            parseBlock()
        }
        current = state.pointee.events[cursor]
        cursor += 1
        event = current.kind
        switch current.kind {
        case .start: openElements += 1
        case .end: openElements -= 1
        case .text: break
        }
        return current.kind
    }

    /// The local name of the element the reader stands on, as a token: the parser's
    /// dictionary keeps one copy of each name for its whole life, so equal tokens mean
    /// equal names, and a caller can recognise a name without making a `String` of it.
    public var nameToken: XMLNameToken {
        XMLNameToken(address: current.name.map { UInt(bitPattern: $0) } ?? 0)
    }

    /// The local name of the element the reader stands on (start or end).
    public var name: String {
        mutating get {
            guard let p = current.name else { return "" }
            let key = UnsafeRawPointer(p)
            if let known = names[key] { return known }
            // Safe: a NUL-terminated UTF-8 string owned by the parser's dictionary.
            let made = String(cString: p)
            names[key] = made
            return made
        }
    }

    /// The text of the text node the reader stands on ("" elsewhere).
    public var text: String {
        guard current.kind == .text else { return "" }
        // Safe: the bytes of the node handed out last, inside the text buffer until the next block.
        return String(decoding: UnsafeBufferPointer(start: state.pointee.text + current.textStart,
                                                    count: current.textEnd - current.textStart), as: UTF8.self)
    }

    /// The line of the element start the reader stands on (1-based; the line where its
    /// start tag ends, as libxml2's tree builder records it).
    public var line: Int { current.line + lineOffset }

    /// Whether the error's line has had `lineOffset` added.
    private var lineShifted = false

    /// How deep the current node is (the root element is 0).
    public var depth: Int { current.kind == .start ? openElements - 1 : openElements }
}

/// `open(2)` and `close(2)`, named apart from `XMLStreamReader.open`.
private func systemOpen(_ path: String) -> Int32 { open(path, O_RDONLY | O_CLOEXEC) }
private func systemClose(_ fd: Int32) { _ = close(fd) }

extension String {
    fileprivate var trimmingWhitespace: String {
        var s = Substring(self)
        while let c = s.last, c.isWhitespace { s.removeLast() }
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        return String(s)
    }
}
