import Foundation
import Testing
import Synchronization
import Dispatch
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs

/// A thread with no chunk left takes the back half of another's unread rest.
@Suite struct ChunkQueueTests {
    /// Calls `body` with a file of 1,000 lines of 10 bytes ("0000000:x\n") open: the line
    /// starting at byte b is line b / 10 + 1.
    static func withTenByteLines(_ body: (_ fd: Int32) throws -> Void) throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("lines.csv", (0..<1000).map { String(format: "%07d:x\n", $0) }.joined())
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        try body(fd)
    }

    @Test("an idle thread takes the back half of the unread rest of the chunk with the most left, from a line start, with its line number")
    func splitTakesTheBackHalfOfTheLargestUnreadRest() throws {
        try Self.withTenByteLines { fd in
            let queue = ChunkQueue(fileDescriptor: fd, size: 10_000, cuts: [5_000], minimumSplit: 100)
            #expect(queue.next() == 0)
            #expect(queue.next() == 1)
            queue.setFirstLine(1, 501)
            #expect(queue.reserve(0, from: 0, wanted: 1_000) == 1_000)
            #expect(queue.reserve(1, from: 5_000, wanted: 200) == 200)
            // Chunk 1 has 4,800 bytes unread, chunk 0 4,000: chunk 1's rest is halved at 7,600,
            // moved on to the start of the next line.
            #expect(queue.next() == 2)
            #expect(queue.chunk(2) == ChunkQueue.Chunk(start: 7_610, end: 10_000, reserved: 7_610, firstLine: 762, taken: true))
            #expect(queue.chunk(1).end == 7_610)
            // Its reader now stops at the cut.
            #expect(queue.reserve(1, from: 5_200, wanted: 5_000) == 2_410)
            #expect(queue.reserve(1, from: 7_610, wanted: 5_000) == 0)
            // Then chunk 0 has the most left: 1,000 + 4,000 / 2 = 3,000, the line after it at 3,010.
            #expect(queue.next() == 3)
            #expect(queue.chunk(3) == ChunkQueue.Chunk(start: 3_010, end: 5_000, reserved: 3_010, firstLine: 302, taken: true))
            #expect(queue.chunk(0).end == 3_010)
            // The chunks cover the file end to end.
            let spans = queue.chunks.sorted { $0.start < $1.start }.map { $0.start..<$0.end }
            #expect(spans == [0..<3_010, 3_010..<5_000, 5_000..<7_610, 7_610..<10_000])
        }
    }

    @Test("a chunk is not split before what its reader has asked for, while its first line is unknown, or when its rest is under the minimum")
    func splitRespectsReservationsFirstLinesAndTheMinimum() throws {
        try Self.withTenByteLines { fd in
            let queue = ChunkQueue(fileDescriptor: fd, size: 10_000, cuts: [5_000], minimumSplit: 1_000)
            #expect(queue.next() == 0)
            #expect(queue.next() == 1)
            #expect(queue.reserve(0, from: 0, wanted: 99_999) == 5_000)
            // Chunk 1 is all unread, but the line it starts on is not known yet.
            #expect(queue.next() == nil)
            queue.setFirstLine(1, 501)
            // Its reader has asked for all but 999 bytes: less than the minimum is left.
            #expect(queue.reserve(1, from: 5_000, wanted: 4_001) == 4_001)
            #expect(queue.next() == nil)
            #expect(queue.chunks.count == 2)
            // A chunk given up on an error is not split either.
            let other = ChunkQueue(fileDescriptor: fd, size: 10_000, cuts: [], minimumSplit: 100)
            #expect(other.next() == 0)
            other.abandon(0)
            #expect(other.next() == nil)
        }
    }

    @Test("a split counts line ends from the last record the chunk's reader told of, not from the chunk's start")
    func splitCountsFromTheLastRecordRead() throws {
        try Self.withTenByteLines { fd in
            let queue = ChunkQueue(fileDescriptor: fd, size: 10_000, cuts: [], minimumSplit: 100)
            #expect(queue.next() == 0)
            #expect(queue.reserve(0, from: 0, wanted: 2_000) == 2_000)
            queue.recordRead(0, offset: 1_500, line: 151)
            #expect(queue.chunk(0).lastRecord == ChunkQueue.Chunk.Mark(offset: 1_500, line: 151))
            // 2,000 + 8,000 / 2 = 6,000, the line after it at 6,010: line 602, 451 line ends after 1,500.
            let k = try #require(queue.next())
            #expect(queue.chunk(k).firstLine == 602)
            // A reader that told of a record on the wrong line shows where the count started.
            let other = ChunkQueue(fileDescriptor: fd, size: 10_000, cuts: [], minimumSplit: 100)
            #expect(other.next() == 0)
            #expect(other.reserve(0, from: 0, wanted: 2_000) == 2_000)
            other.recordRead(0, offset: 1_500, line: 1)
            #expect(other.chunk(try #require(other.next())).firstLine == 452)
        }
    }

    @Test("line ends before a split are counted as the scanner counts them, CRLF and lone CR included")
    func splitCountsLinesLikeTheScanner() throws {
        let folder = try TemporaryFolder()
        // Lines of 10 bytes ending alternately in LF, CRLF and a lone CR (3 bytes of every 30 are line ends).
        var text = ""
        for i in 0..<900 { text += String(format: "%07d", i) + ["x\n", "\r\n", "x\r"][i % 3] }
        let path = try folder.write("mixed.csv", text)
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        let queue = ChunkQueue(fileDescriptor: fd, size: 9_000, cuts: [], minimumSplit: 100)
        #expect(queue.next() == 0)
        #expect(queue.reserve(0, from: 0, wanted: 1_000) == 1_000)
        let k = try #require(queue.next())
        let part = queue.chunk(k)
        // The cut is just after a line feed; the scanner reading the file says which line starts there.
        #expect(Array(text.utf8)[part.start - 1] == 10)
        let reader = try CSVReader(path: path)
        var lineAtCut: Int?
        try reader.read(onRow: { row in if row.offset == part.start { lineAtCut = row.line } }, onProblem: { _ in })
        #expect(part.firstLine == lineAtCut)
    }

    /// A requests extract of about 6 MB, with what line numbers and chunk order matter to:
    /// bad dates, repeated ids, quoted ids, CRLF lines and blank lines.
    static func requestsFile(in folder: TemporaryFolder) throws -> String {
        var text = "case_id,request_date,assessment_decision_date,assessment_decision,final_plan_date,team,notes,date_of_birth\n"
        let teams = ["North", "South", "East", "West"]
        for i in 0..<60_000 {
            let day = String(format: "%02d", 1 + i % 28)
            let id = i % 211 == 0 ? "\"R,\(i)\"" : i % 101 == 0 ? "R\(i - 37)" : "R\(i)"
            let decided = i % 97 == 0 ? "2025-02-31" : "2025-02-\(day)"
            let final = i % 5 == 0 ? "" : "2025-0\(5 + i % 4)-\(day)"
            let end = i % 3 == 0 ? "\r\n" : "\n"
            text += "\(id),2025-01-\(day),\(decided),assess,\(final),\(teams[i % 4]),note \(i),2015-03-01\(end)"
            if i % 1_999 == 0 { text += "\n" }
        }
        return try folder.write("requests.csv", text)
    }

    @Test("an extract read with chunks split as threads run out gives the bytes of a one-pass read")
    func splitChunksGiveTheBytesOfAOnePassRead() throws {
        let folder = try TemporaryFolder()
        let path = try Self.requestsFile(in: folder)
        func outputs(jobs: Int) throws -> [String: Data] {
            var options = AnalysisOptions(inputs: [InputFile(kind: .requests, path: path)], asAt: Day(iso: "2025-10-31")!)
            options.by = ["team"]
            options.jobs = jobs
            options.parallelThreshold = 0
            options.minimumSplit = 2  // split whenever a thread is idle
            let out = folder.path + "/jobs\(jobs)"
            try OutputFolder.write(OutputFiles.all(try AnalysedRun.analyse(options)), to: out)
            var files: [String: Data] = [:]
            for name in OutputFiles.names { files[name] = try Data(contentsOf: URL(fileURLWithPath: out + "/" + name)) }
            return files
        }
        let one = try outputs(jobs: 1)
        let quality = String(decoding: try #require(one["data-quality.csv"]), as: UTF8.self)
        #expect(quality.contains("appears earlier in the file") && quality.contains("not a real date"))
        for jobs in [2, 3, 7] {
            let many = try outputs(jobs: jobs)
            for name in OutputFiles.names { #expect(many[name] == one[name], "\(name) differs with \(jobs) threads") }
        }
    }

    @Test("a thread that runs out of chunks splits one not yet read (more batches than chunks), every row read once")
    func idleThreadsSplitChunks() throws {
        let folder = try TemporaryFolder()
        let path = try Self.requestsFile(in: folder)
        let reader = try CSVReader(path: path)
        let size = try #require(reader.regularFileSize)
        var options = AnalysisOptions(inputs: [InputFile(kind: .requests, path: path)], asAt: Day(iso: "2025-10-31")!)
        options.jobs = 3
        let layout = try ColumnLayout(kind: .requests, header: ParallelReadTests.header(path), profile: MappingProfile(), file: path)
        let context = ExtractContext(file: path, layout: layout, profile: MappingProfile(), dates: .automatic, asAt: options.asAt)
        let cuts = ParallelRead.cuts(fileDescriptor: reader.fileDescriptor, size: size, jobs: 3)
        // The first chunk taken waits, unread, until a part split off it (or another) has
        // its batch made: a batch is made once a chunk's first line is known, so the idle
        // threads can split the waiting chunk. (If the test's threads are held up by other
        // tests, it waits until they run; 60 s at most.)
        let made = Mutex(0)
        let split = DispatchSemaphore(value: 0)
        let batch = try ParallelRead.rows(of: reader, size: size, prepass: InputPrepass(path: path, cuts: cuts), jobs: 3,
                                          minimumSplit: 2, progress: Progress(enabled: false)) {
            let n = made.withLock { $0 += 1; return $0 }
            if n == 1 { _ = split.wait(timeout: .now() + 60) }
            if n == cuts.count + 2 { split.signal() }
            return try RowBatch(kind: .requests, context: context, cohortColumns: CohortColumns(by: [], layout: layout),
                                rules: options.rules, scratch: options.scratchDirectory, fileNumber: 0, canReread: true,
                                collector: CaseCollector(options: options, byColumns: [], sinks: []))
        }
        #expect(made.withLock { $0 } > cuts.count + 1, "no chunk was split")
        // Every record once: the lines, less the header, the blank lines and the empty piece after the last.
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        #expect(try #require(batch).rowsRead == lines.count - 1 - lines.filter(\.isEmpty).count)
    }
}
