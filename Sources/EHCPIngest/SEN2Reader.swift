import EHCPRules
import EHCPBindings

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

/// Reads a SEN2 person-level return as a stream (libxml2's xmlTextReader through
/// `XMLStreamReader`): one `<Person>` at a time is held, never the document, so memory
/// does not grow with the file. Element names are those of the 2023 to 2026 schemas
/// (stable across them; newer items are optional, and missing items are simply absent).
public struct SEN2Reader: ~Copyable {
    public let path: String
    private var xml: XMLStreamReader
    /// `<Person>` elements read so far.
    public private(set) var persons = 0
    public private(set) var header = SEN2Header()

    public init(path: String) throws(InputError) {
        self.path = path
        do {
            xml = try XMLStreamReader(path: path)
        } catch {
            throw InputError.unreadable(file: path, reason: error.message)
        }
    }

    /// Where the reader is inside the document: the element names from the root down.
    private var stack: [String] = []
    private var textBuffer = ""

    /// Reads the whole return: `onHeader` once the header is read (before the first
    /// person; also at the end when the return has no persons), `onPerson` with each
    /// person's `<Requests>` in document order. Malformed XML stops the read with
    /// `InputError.malformedXML`, naming the line and column.
    public mutating func read(onHeader: (SEN2Header) throws -> Void,
                              onPerson: (_ requests: [SEN2Request]) throws -> Void) throws {
        var headerSent = false
        var person: PersonState?
        var current: SEN2Request?
        do {
            while let event = try xml.next() {
                switch event {
                case .start:
                    let name = xml.name
                    textBuffer.removeAll(keepingCapacity: true)
                    let parent = stack.last
                    stack.append(name)
                    switch (parent, name) {
                    case ("Persons", "Person"):
                        if !headerSent { try onHeader(header); headerSent = true }
                        persons += 1
                        person = PersonState(number: persons)
                    case ("Person", "Requests") where person != nil:
                        current = SEN2Request(personID: "", line: xml.line)
                    case ("Requests", "Assessment") where current != nil:
                        current?.assessmentLine = xml.line
                    case ("Requests", "ActivePlans") where current != nil:
                        current?.activePlansLine = xml.line
                    default:
                        break
                    }
                case .text:
                    // Only leaf items are kept, and they are short: text inside containers
                    // (never there in a valid return) is dropped at the next start tag.
                    if textBuffer.utf8.count < 4096 { textBuffer += xml.text }
                case .end:
                    guard let name = stack.popLast() else { continue }
                    let parent = stack.last
                    try end(name, parent: parent, person: &person, current: &current, onPerson: onPerson)
                    textBuffer.removeAll(keepingCapacity: true)
                }
            }
        } catch let error as XMLSyntaxError {
            // libxml2's words; its reader says this one also of a file cut short.
            let gloss = error.code == XMLSyntaxError.documentEnd
                ? " (the file ends with elements still open, or has something after the root element)" : ""
            throw InputError.malformedXML(file: path, line: error.line, column: error.column, problem: error.message + gloss)
        }
        if !headerSent { try onHeader(header) }
    }

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

    private struct PersonState {
        let number: Int
        var upn: String?
        var uln: String?
        var requests: [SEN2Request] = []
    }

    private var item: SEN2Item {
        mutating get { SEN2Item(textBuffer.trimmedSEN2, line: lastStartLine) }
    }

    /// The line of the element now ending: libxml2 gives the line of the node the reader
    /// stands on, which for an end tag is its element's start tag.
    private var lastStartLine: Int { xml.line }

    private mutating func end(_ name: String, parent: String?, person: inout PersonState?, current: inout SEN2Request?,
                              onPerson: ([SEN2Request]) throws -> Void) throws {
        let grandparent = stack.count >= 2 ? stack[stack.count - 2] : nil
        switch (parent, name) {
        case ("CollectionDetails", "ReferenceDate") where grandparent == "Header":
            header.referenceDate = item
        case ("CollectionDetails", "Year") where grandparent == "Header":
            header.year = textBuffer.trimmedSEN2
        case ("Source", "LEA") where grandparent == "Header":
            header.la = textBuffer.trimmedSEN2
        case ("Person", "UPN"):
            let v = textBuffer.trimmedSEN2
            if !v.isEmpty { person?.upn = v }
        case ("Person", "UniqueLearnerNumber"):
            let v = textBuffer.trimmedSEN2
            if !v.isEmpty { person?.uln = v }
        case ("Person", "Requests"):
            if let r = current { person?.requests.append(r) }
            current = nil
        case ("Persons", "Person"):
            guard var p = person else { return }
            // The id may follow the requests in a file that does not keep the schema's
            // order, so it is given to them only once the person is complete.
            let id = p.upn ?? p.uln ?? "P\(p.number)"
            for i in p.requests.indices { p.requests[i].personID = id }
            try onPerson(p.requests)
            person = nil
        case ("Requests", "ReceivedDate"): current?.receivedDate = item
        case ("Requests", "RequestOutcomeDate"): current?.requestOutcomeDate = item
        case ("Requests", "RequestOutcome"): current?.requestOutcome = item
        case ("Requests", "Exported"): current?.exported = item
        case ("Assessment", "AssessmentOutcome") where grandparent == "Requests": current?.assessmentOutcome = item
        case ("Assessment", "AssessmentOutcomeDate") where grandparent == "Requests": current?.assessmentOutcomeDate = item
        case ("Assessment", "Week20") where grandparent == "Requests": current?.week20 = item
        case ("NamedPlan", "StartDate") where grandparent == "Assessment": current?.startDate = item
        case ("ActivePlans", "ReviewMeeting") where grandparent == "Requests": current?.reviewMeeting = item
        case ("ActivePlans", "LastReview") where grandparent == "Requests": current?.lastReview = item
        case ("ActivePlans", "ReviewOutcome") where grandparent == "Requests": current?.reviewOutcome = item
        case ("ActivePlans", "PhaseTransferDueDate") where grandparent == "Requests": current?.phaseTransferDueDate = item
        case ("ActivePlans", "PhaseTransferFinalDate") where grandparent == "Requests": current?.phaseTransferFinalDate = item
        default:
            break
        }
    }
}

extension String {
    /// Without the whitespace that pretty-printed XML leaves around a value.
    var trimmedSEN2: String {
        var s = Substring(self)
        while let c = s.last, c.isWhitespace { s.removeLast() }
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        return String(s)
    }
}
