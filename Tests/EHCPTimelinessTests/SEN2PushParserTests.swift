import Testing
import EHCPIngest

/// The SEN2 return read through libxml2's SAX2 push parser (`XMLStreamReader`): what it
/// hands `SEN2Reader` must be what libxml2's streaming reader handed it before (text nodes
/// split by comments and entity references, whitespace-only nodes skipped), across the
/// blocks the file is fed in, with each start tag named by its own line past 65,535.
@Suite struct SEN2PushParserTests {
    /// Reads `xml` with `SEN2Reader`: each person's requests, in order.
    static func read(_ xml: String) throws -> [[SEN2Request]] {
        let folder = try TemporaryFolder()
        let path = try folder.write("return.xml", xml)
        var reader = try SEN2Reader(path: path)
        var persons: [[SEN2Request]] = []
        try reader.read(onHeader: { _ in }, onPerson: { persons.append($0) })
        return persons
    }

    static func person(_ upn: String) -> String {
        "<UPN>\(upn)</UPN>\n" + SEN2Tests.requests(["ReceivedDate": "2024-01-02", "RequestOutcome": "Y"])
    }

    @Test func textSplitByCommentsOrEntityReferencesIsJoinedAndWhitespaceOnlyNodesAreSkipped() throws {
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE Message [<!ENTITY e "zz">]>
            <Message><Persons>
            <Person><UPN>A<!-- c -->B</UPN>\(SEN2Tests.requests(["ReceivedDate": "2024-01-02"]))</Person>
            <Person><UPN>A<!-- c -->  <!-- d -->B</UPN>\(SEN2Tests.requests(["ReceivedDate": "2024-01-02"]))</Person>
            <Person><UPN>A&e;B<?pi x?>C</UPN>\(SEN2Tests.requests(["ReceivedDate": "2024-01-02"]))</Person>
            <Person><UPN> <![CDATA[A]]>B </UPN>\(SEN2Tests.requests(["ReceivedDate": "2024-01-02"]))</Person>
            </Persons></Message>
            """
        let ids = try Self.read(xml).map { $0.map(\.personID) }
        // A whitespace-only node between two comments is not text; a declared entity is
        // never expanded; CDATA is text of the same node.
        #expect(ids == [["AB"], ["AB"], ["ABC"], ["AB"]])
    }

    @Test func aTextNodeAcrossTheBlocksTheFileIsFedInIsReadWhole() throws {
        // The parser is fed 256 KiB at a time (after the first 4 bytes): put a 3,000-byte
        // UPN across the first boundary.
        let block = 4 + (1 << 18)
        let padding = "<!-- padding -->\n"
        var xml = "<?xml version=\"1.0\"?>\n<Message><Persons>\n"
        while xml.utf8.count + padding.utf8.count + 13 < block - 1_500 { xml += padding }
        xml += "<Person><UPN>"
        let start = xml.utf8.count
        let upn = String(repeating: "U", count: 3_000)
        xml += upn + "</UPN>\n" + SEN2Tests.requests(["ReceivedDate": "2024-01-02"]) + "</Person>\n</Persons></Message>\n"
        #expect(start < block && start + upn.utf8.count > block)
        let persons = try Self.read(xml)
        #expect(persons.map { $0.map(\.personID) } == [[upn]])
    }

    @Test func startTagsPast65535AreNamedByTheirOwnLine() throws {
        // libxml2's tree keeps lines in 16 bits; its reader named such an element by a
        // neighbour's line (one late, or 65,535 when none was parsed yet).
        let padding = String(repeating: "<!-- -->\n", count: 70_000)
        let xml = SEN2Tests.sen2([padding + Self.person("L1") + "\n" + SEN2Tests.requests(["ReceivedDate": "2024-01-02"],
                                  plans: ["ReviewMeeting": "2024-06-01"])])
        let lines = xml.split(separator: "\n", omittingEmptySubsequences: false)
        let requestLines = lines.indices.filter { lines[$0] == "<Requests>" }.map { $0 + 1 }
        let plansLine = lines.firstIndex { $0 == "<ActivePlans>" }! + 1
        let itemLine = lines.firstIndex { $0.hasPrefix("<ReviewMeeting>") }! + 1
        let persons = try Self.read(xml)
        #expect(requestLines.count == 2 && requestLines[0] > 70_000)
        #expect(persons.flatMap { $0.map(\.line) } == requestLines)
        #expect(persons.first?.last?.activePlansLine == plansLine)
        #expect(persons.first?.last?.reviewMeeting?.line == itemLine)
    }

    @Test func aFileShorterThanFourBytesIsNamedAsTheReaderNamedIt() throws {
        for text in ["<M", "ab", "<a/"] {
            #expect(throws: InputError.self) { try Self.read(text) }
            do { _ = try Self.read(text) } catch let error as InputError {
                #expect("\(error)".contains("line 1, column 1: Extra content at the end of the document"), "\(error)")
            }
        }
    }
}
