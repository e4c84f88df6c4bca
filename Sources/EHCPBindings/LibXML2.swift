// libxml2's Swift face: its streaming reader (xmlTextReader), one node at a time, so a
// return of any size is read in the memory of a few nodes (the reader frees each subtree
// once it has moved past it; nothing here ever asks it to expand one). What the elements
// mean is EHCPIngest's business (`SEN2Reader`); this file only walks the nodes and turns
// libxml2's errors into a line, a column and a message.
import CLibXML2

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
    /// A slot for a direct-mapped cache of tokens: the address's bits above its alignment.
    public var slot: Int { Int((address >> 4) & UInt(Self.slots - 1)) }
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

/// The first error libxml2 reports while parsing, kept for `next()` to throw. A class so
/// that libxml2's callback can reach it through a plain pointer.
private final class XMLErrorBox {
    var error: XMLSyntaxError?
}

/// Parser options: no network access, no external DTD or entity loading (both off by
/// default, and XML_PARSE_NOENT is not given, so entities are never substituted from
/// outside), CDATA as text, and full line numbers beyond 65,535 (XML_PARSE_BIG_LINES).
private let readerOptions = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_BIG_LINES.rawValue)

/// libxml2 sets up its global tables once, before any thread parses.
private let libxmlReady: Bool = {
    xmlInitParser()
    return true
}()

/// A pull reader over one XML file. Not copyable: it alone owns the C reader, freed when
/// it goes away.
public struct XMLStreamReader: ~Copyable {
    private let reader: xmlTextReaderPtr
    private let errors: XMLErrorBox
    /// Local names by the address libxml2 interned them at: the reader's dictionary keeps
    /// one copy of each name for its whole life, so an address always means the same name
    /// and each distinct name is made into a `String` once.
    private var names: [UnsafeRawPointer: String] = [:]
    /// Set after the start of an empty element (`<a/>`): the next call reports its end
    /// without moving the reader.
    private var pendingEnd = false
    /// The event last returned.
    public private(set) var event: XMLNodeEvent = .start

    public init(path: String) throws(XMLOpenError) {
        _ = libxmlReady
        guard let r = xmlReaderForFile(path, nil, readerOptions) else {
            throw XMLOpenError(message: "it could not be opened for reading")
        }
        reader = r
        errors = XMLErrorBox()
        // Safe: the box lives as long as this reader (a stored property), and the handler
        // is called only from inside xmlTextReaderRead, on this thread, while it is alive.
        let context = Unmanaged.passUnretained(errors).toOpaque()
        xmlTextReaderSetStructuredErrorHandler(reader, { context, error in
            guard let context, let error else { return }
            let box = Unmanaged<XMLErrorBox>.fromOpaque(context).takeUnretainedValue()
            // Warnings (an unknown encoding name guessed, say) do not stop the parse.
            guard box.error == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
            let text = error.pointee.message.map { String(cString: $0) } ?? "the XML is not well formed"
            box.error = XMLSyntaxError(line: Int(error.pointee.line), column: Int(error.pointee.int2),
                                       message: text.trimmingWhitespace, code: Int(error.pointee.code))
        }, context)
    }

    deinit {
        xmlFreeTextReader(reader)
    }

    /// Moves to the next element start, element end or text node; nil at the end of the
    /// document. Throws at the first well-formedness error, with its line and column.
    public mutating func next() throws(XMLSyntaxError) -> XMLNodeEvent? {
        if pendingEnd {
            pendingEnd = false
            event = .end
            return .end
        }
        while true {
            let status = xmlTextReaderRead(reader)
            if let error = errors.error { throw error }
            if status == 0 { return nil }
            if status < 0 {
                throw XMLSyntaxError(line: Int(xmlTextReaderGetParserLineNumber(reader)),
                                     column: Int(xmlTextReaderGetParserColumnNumber(reader)),
                                     message: "the XML is not well formed")
            }
            switch xmlTextReaderNodeType(reader) {
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                pendingEnd = xmlTextReaderIsEmptyElement(reader) == 1
                event = .start
                return .start
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                event = .end
                return .end
            case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue):
                event = .text
                return .text
            default:
                continue  // whitespace, comments, processing instructions, the doctype
            }
        }
    }

    /// The local name of the element the reader stands on, as a token: the reader's
    /// dictionary keeps one copy of each name for its whole life, so equal tokens mean
    /// equal names, and a caller can recognise a name without making a `String` of it.
    public var nameToken: XMLNameToken {
        XMLNameToken(address: xmlTextReaderConstLocalName(reader).map { UInt(bitPattern: $0) } ?? 0)
    }

    /// The local name of the element the reader stands on (start or end).
    public var name: String {
        mutating get {
            guard let p = xmlTextReaderConstLocalName(reader) else { return "" }
            let key = UnsafeRawPointer(p)
            if let known = names[key] { return known }
            // Safe: libxml2 gives a NUL-terminated UTF-8 string owned by the reader's dictionary.
            let made = String(cString: p)
            names[key] = made
            return made
        }
    }

    /// The text of the text node the reader stands on ("" elsewhere).
    public var text: String {
        // Safe: a NUL-terminated UTF-8 string owned by the reader, valid until it moves on;
        // copied into the String here.
        guard let p = xmlTextReaderConstValue(reader) else { return "" }
        return String(cString: p)
    }

    /// The line of the node the reader stands on (1-based; the line of an element's start tag).
    public var line: Int {
        guard let node = xmlTextReaderCurrentNode(reader) else { return Int(xmlTextReaderGetParserLineNumber(reader)) }
        let n = Int(xmlGetLineNo(node))
        return n > 0 ? n : Int(xmlTextReaderGetParserLineNumber(reader))
    }

    /// How deep the current node is (the root element is 0).
    public var depth: Int { Int(xmlTextReaderDepth(reader)) }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        var s = Substring(self)
        while let c = s.last, c.isWhitespace { s.removeLast() }
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        return String(s)
    }
}
