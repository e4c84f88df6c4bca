import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPTimeliness
@testable import EHCPOutputs
import Generator

/// The chunks of a SEN2 return are read from their bytes (`SEN2ContentScanner`), not by
/// libxml2: for plain XML it must give exactly one thread's requests, and for anything
/// outside plain XML (well formed or not) the file must end up with one thread's outputs,
/// or one thread's first error.
@Suite struct SEN2ContentScannerTests {
    typealias Chunks = SEN2ChunkTests

    /// The return `xml`, a plain one, is read in three chunks, with the requests and the
    /// outputs one thread's read gives.
    static func expectReadInChunksAsOneThreadReads(_ xml: String, in folder: TemporaryFolder) throws {
        let path = try Chunks.file(xml, in: folder)
        let chunked = try Chunks.chunked(path, parts: 3)
        #expect(chunked != nil, "a plain return is read in chunks")
        #expect(chunked == (try Chunks.oneThread(path)))
        try Chunks.expectSameOutputs(path)
    }

    @Test("an item's string from the table of short items is the one made from its bytes, wherever they are")
    func itemStringsAreTheBytesStrings() {
        var table = ItemStrings()
        var rng = SplitMix64(seed: 17)
        // Many dates, codes and ids (slots shared and taken over), some not ASCII, some
        // near the buffer's end, where no two words can be loaded.
        let alphabet = Array("0123456789-YNAWH/Z ".utf8) + [0xC3, 0xA9]
        for round in 0..<20_000 {
            var buffer = [UInt8](repeating: 0x3C, count: 64)
            let length = 1 + rng.below(round % 10 == 0 ? 30 : 16)
            let start = round % 7 == 0 ? 64 - length : rng.below(64 - length + 1)
            var k = start
            while k < start + length {
                let c = alphabet[rng.below(alphabet.count)]
                if c == 0xC3 {
                    guard k + 2 <= start + length else { buffer[k] = 0x41; k += 1; continue }
                    buffer[k] = 0xC3; buffer[k + 1] = 0xA9; k += 2
                } else {
                    buffer[k] = c; k += 1
                }
            }
            let expected = String(decoding: buffer[start..<(start + length)], as: UTF8.self)
            #expect(table.string(buffer, start ..< start + length) == expected)
            #expect(table.string(buffer, start ..< start + length) == expected)  // found, not made
        }
    }

    /// 60 persons with `edit` applied to the text of person `at` (its inside, as written).
    static func xml(editing at: Int, _ edit: (String) -> String) -> String {
        var persons = Chunks.persons(0..<60)
        persons[at] = edit(persons[at])
        return SEN2Tests.sen2(persons)
    }

    @Test func aPlainReturnIsReadByTheScannerAsOneThreadReadsIt() throws {
        let folder = try TemporaryFolder()
        // Empty elements, UTF-8 and predefined entities outside items, values padded by blanks.
        let xml = Self.xml(editing: 41) { "<Surname>O&amp;Brien é€😀 &lt;&gt;</Surname><RYA/>\n" + $0 }
            .replacingOccurrences(of: "<ReceivedDate>2024-01-03</ReceivedDate>", with: "<ReceivedDate>\n 2024-01-03\t</ReceivedDate>")
        let path = try Chunks.file(xml, in: folder)
        let chunked = try Chunks.chunked(path, parts: 3)
        let one = try Chunks.oneThread(path)
        #expect(chunked != nil, "a plain return is read in chunks")
        #expect(chunked == one)
        #expect(one.count == 60)
        try Chunks.expectSameOutputs(path)
    }

    @Test("elements in another order than the persons before, under names as long as the usual ones, are read as one thread reads them")
    func elementsOutOfTheUsualOrder() throws {
        let folder = try TemporaryFolder()
        // The scanner tries first the name that followed the previous start tag last time:
        // here it is often wrong, by a name of the same length (UPX, Sex for UPN) or not.
        var persons = Chunks.persons(0..<60)
        let inserts = ["<UPX>x</UPX>\n", "<Sex>F</Sex>\n<UPX/>\n", "<Ethnicity>WBRI</Ethnicity>\n<UPN>Z9</UPN>\n",
                       "<PersonBirthDatX>1</PersonBirthDatX>\n", "<Requests><ReceivedDate>2024-02-02</ReceivedDate></Requests>\n"]
        for k in persons.indices where k % 3 != 0 { persons[k] = inserts[k % inserts.count] + persons[k] }
        try Self.expectReadInChunksAsOneThreadReads(SEN2Tests.sen2(persons), in: folder)
    }

    @Test("indentation of tabs and spaces, and text with blanks, entities, `>` and UTF-8 at every place in a word, are read as one thread reads them")
    func textAndIndentationAtEveryOffset() throws {
        let folder = try TemporaryFolder()
        // The scanner reads indentation and text eight bytes at a time: each kind of byte it
        // must stop at is put at each offset of a word, and indentations of tabs alone (under
        // and over a word), spaces, and both.
        let kinds = ["&amp;", "é", "€", "😀", " ", "\t", ">", "a]>", "]]", "\n"]
        var persons = Chunks.persons(0..<60)
        for k in persons.indices {
            let pad = String(repeating: "x", count: k % 9)
            let kind = kinds[k % kinds.count]
            persons[k] = "<Surname>\(pad)\(kind)\(pad)y</Surname>\n<Forename>\(kind)\(pad)</Forename>\n" + persons[k]
        }
        let indents = ["", "\t", "\t\t\t\t", "\t\t\t\t\t\t\t", "\t\t\t\t\t\t\t\t\t\t", " \t", "\t \t", "        ", "\t\t\t\t\t\t\t "]
        let lines = SEN2Tests.sen2(persons).split(separator: "\n", omittingEmptySubsequences: false)
        let xml = lines.enumerated().map { j, line in j == 0 ? String(line) : indents[j % indents.count] + line }
            .joined(separator: "\n")
        try Self.expectReadInChunksAsOneThreadReads(xml, in: folder)
    }

    @Test("a start tag whose name begins with the name that usually comes next is read as one thread reads it")
    func aNameLongerThanTheUsualNext() throws {
        let folder = try TemporaryFolder()
        // After <Person> the scanner first compares the name met there before (Sex); these
        // begin with it, or are it as an empty element.
        var persons = Chunks.persons(0..<60)
        let firsts = ["<Sex>F</Sex>", "<SexX>F</SexX>", "<Sex/>", "<Sexes>M</Sexes>", "<Sex>M</Sex>", "<Se>M</Se>"]
        for k in persons.indices { persons[k] = firsts[k % 7 < 3 ? 0 : k % firsts.count] + "\n" + persons[k] }
        try Self.expectReadInChunksAsOneThreadReads(SEN2Tests.sen2(persons), in: folder)
    }

    @Test("well-formed XML outside the plain subset in a later chunk gives one thread's outputs",
          arguments: ["<ReceivedDate>&#50;024-01-01</ReceivedDate>", "<!-- a note -->", "<?pi x?>", "<X a=\"1\"/>",
                      "<X><![CDATA[<y>]]></X>", "<ReceivedDate>2024-01-01\r\n</ReceivedDate>", "<UPN>A&amp;B</UPN>",
                      "<x:Y xmlns:x=\"urn:x\"/>", "<X >text</X >", "<É>x</É>"])
    func wellFormedButNotPlain(_ inserted: String) throws {
        let folder = try TemporaryFolder()
        let path = try Chunks.file(Self.xml(editing: 45) { inserted + "\n" + $0 }, in: folder)
        if let chunked = try Chunks.chunked(path, parts: 3) {
            let one = try Chunks.oneThread(path)
            #expect(chunked == one, "\(inserted)")
        }
        try Chunks.expectSameOutputs(path, jobs: [2], inserted)
    }

    @Test("malformed XML in a later chunk stops with one thread's first error",
          arguments: ["<", "&", "&nbsp;", "\u{01}", "]]>", "</Requests>", "<X></Y>", "<1/>", "<X", "\u{FFFE}", "<!-- -- -->"])
    func malformedInALaterChunk(_ inserted: String) throws {
        let folder = try TemporaryFolder()
        let path = try Chunks.file(Self.xml(editing: 50) { inserted + "\n" + $0 }, in: folder)
        let chunked = try Chunks.chunked(path, parts: 3)
        #expect(chunked == nil, "\(inserted)")
        let one = Chunks.outputs(path, jobs: 1, in: folder)
        guard case .failure = one else { Issue.record("\(inserted) is accepted by one thread"); return }
        try Chunks.expectSameOutputs(path, jobs: [2, 3], inserted)
    }

    @Test func invalidUTF8InALaterChunkStopsAsOneThreadStops() throws {
        let folder = try TemporaryFolder()
        for bad: [UInt8] in [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xEF, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] {
            var bytes = Array(Self.xml(editing: 48) { "<Sex>M</Sex>\n" + $0 }.utf8)
            let at = bytes.indices.first { i in bytes[i...].starts(with: Array("<Sex>M".utf8)) }! + 5
            bytes.replaceSubrange(at..<(at + 1), with: bad)
            let path = folder.path + "/bad.xml"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let chunked = try Chunks.chunked(path, parts: 3)
            #expect(chunked == nil, "\(bad)")
            try Chunks.expectSameOutputs(path, jobs: [2], "\(bad)")
        }
    }

    @Test func aReturnEndingWithSomethingAfterItsRootIsLeftToLibxml2() throws {
        let folder = try TemporaryFolder()
        for tail in ["<!-- end -->\n", "x\n", "<Extra/>\n", "</Persons>\n"] {
            let path = try Chunks.file(SEN2Tests.sen2(Chunks.persons(0..<60)) + tail, in: folder)
            try Chunks.expectSameOutputs(path, jobs: [2], tail)
        }
    }
}

/// The small gaps of issue 17 closed with the speed work.
@Suite struct SEN2ByColumnTests {
    @Test func byOnALoneReturnIsRefusedBeforeTheReturnIsRead() throws {
        // A return cut short: were it read, the run would stop on its XML instead.
        let (folder, run) = try SEN2Tests.run("<?xml version=\"1.0\"?>\n<Message>\n<Persons>\n<Person>", extra: ["--by", "team", "--as-at", "2025-01-18"])
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains("--by team: a SEN2 return has no columns to group by"))
        #expect(run.stderr.contains("supports no --by value"))
        #expect(!run.stderr.contains("return.xml: line"), "the return is not read: \(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/o/cases.csv"))
    }

    @Test func byOnALoneReturnWithoutAsAtIsRefusedBeforeItsHeaderIsRead() throws {
        let (_, run) = try SEN2Tests.run("not xml at all", extra: ["--by", "caseworker,team"])
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains("--by caseworker: a SEN2 return has no columns to group by"))
    }
}

@Suite struct ReportHeadlineIDTests {
    @Test func aVeryLongCaseIDIsCutWithAnEllipsisInTheHeadlineOnly() throws {
        let upn = String(repeating: "Z", count: 70)
        // A request received long before the as-at date and never decided: overdue, and the oldest.
        let xml = SEN2Tests.sen2(["<UPN>\(upn)</UPN>\n" + SEN2Tests.requests(["ReceivedDate": "2024-01-02"])])
        let (folder, run) = try SEN2Tests.run(xml)
        #expect(run.status == 0, "\(run.stderr)")
        let id = upn + "/2024-01-02"
        let shown = String(id.prefix(ReportModel.headlineIDLength - 1)) + "…"
        for report in ["report.md", "report.html"] {
            let text = try folder.read("o/" + report)
            #expect(text.contains("(case \(shown))"), "\(report)")
            #expect(!text.contains("(case \(id))"), "\(report)")
        }
        #expect(try folder.read("o/cases.csv").contains(id), "cases.csv keeps the id whole")
    }

    @Test func anIDAtTheLimitIsShownWhole() {
        let id = String(repeating: "A", count: ReportModel.headlineIDLength)
        #expect(ReportModel.headlineID(id) == id)
        #expect(ReportModel.headlineID(id + "B") == String(repeating: "A", count: ReportModel.headlineIDLength - 1) + "…")
    }
}
