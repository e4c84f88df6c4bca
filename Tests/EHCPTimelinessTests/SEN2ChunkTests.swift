import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPTimeliness
@testable import EHCPOutputs

/// A SEN2 return read in chunks on several threads (`SEN2ChunkPlan`, `SEN2Prepass`) must
/// give exactly what one thread gives: the same requests, ids, lines and outputs, and for
/// malformed XML the same first error. A cut found in the wrong place (inside a comment,
/// CDATA, an attribute value, below a `<Person>`) must be caught and the file read on one
/// thread.
@Suite struct SEN2ChunkTests {
    /// Persons `from ..< to`, the even ones with a UPN, the odd ones numbered by position.
    static func persons(_ range: Range<Int>, bad: Int? = nil) -> [String] {
        range.map { i in
            let id = i % 2 == 0 ? "<UPN>U\(i)</UPN>\n" : ""
            let received = i == bad ? "2024-02-30" : "2024-01-0\(1 + i % 9)"
            return id + SEN2Tests.requests(["ReceivedDate": received, "RequestOutcome": "Y", "RequestOutcomeDate": "2024-02-01"],
                                            plans: i % 3 == 0 ? ["ReviewMeeting": "2024-06-03", "LastReview": "2024-06-20"] : nil)
        }
    }

    /// `xml` written to `folder` (which must outlive the test: it is removed when it goes).
    static func file(_ xml: String, _ name: String = "return.xml", in folder: TemporaryFolder) throws -> String {
        try folder.write(name, xml)
    }

    /// Every person's requests as one thread reads them.
    static func oneThread(_ path: String) throws -> [[SEN2Request]] {
        var reader = try SEN2Reader(path: path)
        var persons: [[SEN2Request]] = []
        try reader.read(onHeader: { _ in }, onPerson: { persons.append($0) })
        return persons
    }

    /// The same read in the chunks of a plan for `parts` equal parts; nil when the plan or
    /// the chunked read gives the file to one thread.
    static func chunked(_ path: String, parts: Int) throws -> [[SEN2Request]]? {
        guard let plan = SEN2ChunkPlan.make(path: path, minimumSize: 0, weights: Array(repeating: 1, count: parts)) else { return nil }
        var persons: [[SEN2Request]] = []
        return try plan.readInOrder(path: path) { persons.append($0) } ? persons : nil
    }

    /// Every output of the analysis of the return at `path` on `jobs` threads (returns of any
    /// size cut), or the error it stops with.
    static func outputs(_ path: String, jobs: Int, duplicates: DuplicatePolicy = .first,
                        in folder: TemporaryFolder) -> Result<[String: Data], InputError> {
        var options = AnalysisOptions(inputs: [InputFile(kind: .sen2, path: path)], asAt: Day(iso: "2025-01-18")!)
        options.jobs = jobs
        options.duplicates = duplicates
        options.parallelThreshold = 0
        let out = folder.path + "/jobs\(jobs)"
        do {
            try OutputFolder.write(OutputFiles.all(try AnalysedRun.analyse(options)), to: out)
            var files: [String: Data] = [:]
            for name in OutputFiles.names { files[name] = try Data(contentsOf: URL(fileURLWithPath: out + "/" + name)) }
            return .success(files)
        } catch let error as InputError {
            return .failure(error)
        } catch {
            Issue.record("not an input error: \(error)")
            return .success([:])
        }
    }

    static func expectSameOutputs(_ path: String, jobs: [Int] = [2, 3], duplicates: DuplicatePolicy = .first,
                                  _ comment: String = "") throws {
        let folder = try TemporaryFolder()
        let one = Self.outputs(path, jobs: 1, duplicates: duplicates, in: folder)
        for n in jobs {
            let many = Self.outputs(path, jobs: n, duplicates: duplicates, in: folder)
            switch (one, many) {
            case (.success(let a), .success(let b)):
                for name in OutputFiles.names { #expect(a[name] == b[name], "\(comment) \(name) differs on \(n) threads") }
            case (.failure(let a), .failure(let b)):
                #expect(a.description == b.description, "\(comment) on \(n) threads")
            default:
                Issue.record("\(comment) one thread \(one), \(n) threads \(many)")
            }
        }
    }

    @Test func aReturnReadInChunksGivesTheRequestsIdsAndLinesOfOneThread() throws {
        let folder = try TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = try Self.file(SEN2Tests.sen2(Self.persons(0..<300)), in: folder)
        let one = try Self.oneThread(path)
        for parts in [2, 3, 7] {
            let plan = try #require(SEN2ChunkPlan.make(path: path, minimumSize: 0, weights: Array(repeating: 1, count: parts)))
            #expect(plan.cuts.count == parts - 1)
            let chunked = try #require(try Self.chunked(path, parts: parts), "\(parts) parts fell back to one thread")
            #expect(chunked == one, "\(parts) parts")
        }
        // Persons without an id are numbered by their place in the whole file.
        #expect(one[299].first?.personID == "P300")
        try Self.expectSameOutputs(path)
    }

    @Test func everyCutIsJustBeforeAPersonLineAndNeverAtPersons() throws {
        // <Persons> on a line of its own, then <Person> lines indented by tabs and CRLF.
        let xml = SEN2Tests.sen2(Self.persons(0..<40)).replacingOccurrences(of: "\n<Person>", with: "\r\n\t\t<Person>")
        let folder = try TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = try Self.file(xml, in: folder)
        let bytes = Array(xml.utf8)
        let plan = try #require(SEN2ChunkPlan.make(path: path, minimumSize: 0, weights: [1, 1, 1, 1]))
        for cut in plan.cuts {
            #expect(bytes[cut - 1] == 0x0A)
            #expect(String(decoding: bytes[cut..<(cut + 10)], as: UTF8.self) == "\t\t<Person>")
        }
        #expect(try Self.chunked(path, parts: 4) == (try Self.oneThread(path)))
        // The head's scan finds <Persons>, not a <Person> in the header or <PersonsX>.
        #expect(SEN2Head(Array("<a><Person></Person><PersonsX></PersonsX><Persons>\n".utf8))?.contentStart == 50)
        #expect(SEN2ChunkPlan.personLineStart(Array("x\n<Persons>\n  <Person >".utf8), count: 23) == 12)
        #expect(SEN2ChunkPlan.personLineStart(Array("x\n<PersonBirthDate>\n".utf8), count: 20) == nil)
        try Self.expectSameOutputs(path)
    }

    @Test("a cut inside a comment, CDATA, a processing instruction, an attribute value or a <Person> is caught",
          arguments: [("<!--\n", "\n-->"), ("<X><![CDATA[\n", "\n]]></X>"), ("<?pi\n", "\n?>"), ("<X a=\"\n", "\n\"/>"),
                      ("<Person><X>\n", "\n</X></Person>")])
    func aCutInTheWrongPlaceFallsBackToOneThread(open: String, close: String) throws {
        // Lines that look like <Person> starts fill the middle of the file, inside the construct.
        let fake = String(repeating: "  <Person/>\n", count: 400)
        let xml = SEN2Tests.sen2(Self.persons(0..<5) + ["</Person>\n" + open + fake + close + "\n<Person>"] + Self.persons(5..<10))
        let folder = try TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = try Self.file(xml, in: folder)
        let plan = try #require(SEN2ChunkPlan.make(path: path, minimumSize: 0, weights: [1, 1]))
        let cut = plan.cuts[0]
        let openAt = xml.utf8.distance(from: xml.utf8.startIndex, to: try #require(xml.range(of: open)).lowerBound)
        let closeAt = xml.utf8.distance(from: xml.utf8.startIndex, to: try #require(xml.range(of: close)).lowerBound)
        #expect(openAt < cut && cut < closeAt, "the test means the cut to fall inside the construct")
        #expect(try Self.chunked(path, parts: 2) == nil)
        try Self.expectSameOutputs(path, jobs: [2], open)
    }

    @Test func aReturnWithOnePersonOrNoneIsNotCut() throws {
        let folder = try TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let one = try Self.file(SEN2Tests.sen2(Self.persons(0..<1)), "one.xml", in: folder)
        #expect(SEN2ChunkPlan.make(path: one, minimumSize: 0, weights: [1, 1]) == nil)
        let none = try Self.file(SEN2Tests.sen2([]), "none.xml", in: folder)
        #expect(SEN2ChunkPlan.make(path: none, minimumSize: 0, weights: [1, 1]) == nil)
        let empty = try Self.file("", "empty.xml", in: folder)
        #expect(SEN2ChunkPlan.make(path: empty, minimumSize: 0, weights: [1, 1]) == nil)
        // A DOCTYPE (entities the later chunks would not know) or a byte-order mark: one thread.
        let doctype = try Self.file(SEN2Tests.sen2(Self.persons(0..<20))
            .replacingOccurrences(of: "<Message>", with: "<!DOCTYPE Message>\n<Message>"), "doctype.xml", in: folder)
        #expect(SEN2ChunkPlan.make(path: doctype, minimumSize: 0, weights: [1, 1]) == nil)
        let bom = try Self.file("\u{FEFF}" + SEN2Tests.sen2(Self.persons(0..<20)), "bom.xml", in: folder)
        #expect(SEN2ChunkPlan.make(path: bom, minimumSize: 0, weights: [1, 1]) == nil)
        for path in [one, none, empty, doctype, bom] { try Self.expectSameOutputs(path, jobs: [2]) }
    }

    @Test func anErrorInTheSecondChunkNamesItsLineInTheWholeFile() throws {
        // A tag left open in the last third of the file.
        var persons = Self.persons(0..<60)
        persons[50] += "\n<UPN>open"
        let xml = SEN2Tests.sen2(persons)
        let folder = try TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = try Self.file(xml, in: folder)
        let plan = try #require(SEN2ChunkPlan.make(path: path, minimumSize: 0, weights: [1, 1]))
        let errorLine = xml.prefix(upTo: try #require(xml.range(of: "<UPN>open")).lowerBound).filter { $0 == "\n" }.count + 1
        let cutLine = Array(xml.utf8)[0..<plan.cuts[0]].filter { $0 == 0x0A }.count + 1
        #expect(errorLine > cutLine, "the test means the error to be in the second chunk")
        guard case .failure(let error) = Self.outputs(path, jobs: 2, in: folder),
              case .malformedXML(_, let line, _, _) = error else {
            Issue.record("no malformed-XML error"); return
        }
        #expect(line >= errorLine && line <= errorLine + 2, "line \(line): the open tag is on line \(errorLine)")
        try Self.expectSameOutputs(path)
        // Bad dates (rejections) in the second chunk name their own lines too.
        let bad = try Self.file(SEN2Tests.sen2(Self.persons(0..<60, bad: 55)), "bad.xml", in: folder)
        try Self.expectSameOutputs(bad)
    }

    @Test func aReturnCutShortAtManyPointsStopsAsOneThreadStops() throws {
        let xml = Array(SEN2Tests.sen2(Self.persons(0..<40)).utf8)
        let folder = try TemporaryFolder()
        for cut in stride(from: 300, to: xml.count, by: 997) {
            let path = try Self.file(String(decoding: xml[0..<cut], as: UTF8.self), "cut\(cut).xml", in: folder)
            try Self.expectSameOutputs(path, jobs: [2], "cut at \(cut)")
        }
    }

    @Test func thePublicSamplesAndTheSampleReturnGiveTheSameOutputsOnSeveralThreads() throws {
        for path in [SEN2Tests.fixtures + "sen2_sample_2024.xml", SEN2Tests.fixtures + "sen2_sample_2025.xml",
                     Repo.root + "/SampleData/sen2.xml"] {
            try Self.expectSameOutputs(path, jobs: [2, 4], path)
        }
        // The sample return really is read in chunks.
        #expect(try Self.chunked(Repo.root + "/SampleData/sen2.xml", parts: 4) == (try Self.oneThread(Repo.root + "/SampleData/sen2.xml")))
    }

    @Test func aReturnNotInUTF8IsNotCut() throws {
        // fuzz-sen2 found a return declared UTF-7 whose chunks gave other requests than one
        // thread (the decoder's state crossed a cut): only UTF-8 returns are cut.
        let crash = SEN2Tests.fixtures + "fuzz-crash-utf7-chunks.xml"
        #expect(SEN2ChunkPlan.make(path: crash, minimumSize: 0, weights: [1, 1, 1]) == nil)
        try Self.expectSameOutputs(crash, jobs: [2])
        let folder = try TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let xml = SEN2Tests.sen2(Self.persons(0..<20))
        for (encoding, cut) in [("UTF-7", false), ("ISO-8859-1", false), ("utf-8", true), ("UTF8", true)] {
            let path = try Self.file(xml.replacingOccurrences(of: "encoding=\"UTF-8\"", with: "encoding='\(encoding)'"),
                                     "\(encoding).xml", in: folder)
            #expect((SEN2ChunkPlan.make(path: path, minimumSize: 0, weights: [1, 1]) != nil) == cut, "\(encoding)")
        }
    }

    @Test func thePersonCounterCountsTagsSplitBetweenPieces() {
        let text = Array("<Person>x<Persons><Person\n/><PersonBirthDate><Person ".utf8)
        for split in 0...text.count {
            var c = SEN2PersonCounter()
            let (first, second) = (Array(text[0..<split]), Array(text[split...]))
            c.add(first.span)
            c.add(second.span)
            #expect(c.count == 3, "split at \(split)")
        }
        var bytewise = SEN2PersonCounter()
        for b in text {
            let one = [b]
            bytewise.add(one.span)
        }
        #expect(bytewise.count == 3)
    }
}
