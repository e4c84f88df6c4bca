import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

/// Reading an extract on several threads must give exactly the bytes of a one-pass read.
@Suite struct ParallelReadTests {
    /// Every output file of an analysis of `inputs` with `jobs` threads, by name.
    static func outputs(_ inputs: [InputFile], jobs: Int, in folder: TemporaryFolder) throws -> [String: Data] {
        var options = AnalysisOptions(inputs: inputs, asAt: Day(iso: "2025-10-31")!)
        options.by = ["team", "age_band"]
        options.jobs = jobs
        options.parallelThreshold = 0  // the sample is small: split it anyway
        let out = folder.path + "/jobs\(jobs)"
        try OutputFolder.write(OutputFiles.all(try AnalysedRun.analyse(options)), to: out)
        var files: [String: Data] = [:]
        for name in OutputFiles.names { files[name] = try Data(contentsOf: URL(fileURLWithPath: out + "/" + name)) }
        return files
    }

    @Test("the sample analysed on 2, 3 and 7 threads gives the bytes of a one-pass read")
    func sampleIsByteIdenticalWithAndWithoutThreads() throws {
        let folder = try TemporaryFolder()
        let inputs = [InputFile(kind: .requests, path: Repo.root + "/SampleData/requests.csv"),
                      InputFile(kind: .reviews, path: Repo.root + "/SampleData/reviews.csv"),
                      InputFile(kind: .transfers, path: Repo.root + "/SampleData/transfers.csv")]
        let one = try Self.outputs(inputs, jobs: 1, in: folder)
        // The sample has repeated case ids, malformed rows and warnings: all must survive the split.
        let quality = String(decoding: try #require(one["data-quality.csv"]), as: UTF8.self)
        #expect(quality.contains("appears earlier in the file"))
        #expect(quality.contains("malformed CSV") || quality.contains("not a real date"))
        for jobs in [2, 3, 7] {
            let many = try Self.outputs(inputs, jobs: jobs, in: folder)
            for name in OutputFiles.names {
                #expect(many[name] == one[name], "\(name) differs with \(jobs) threads")
            }
        }
    }

    @Test("the sample really is read in chunks, not by falling back to one pass")
    func sampleSplitsIntoChunks() throws {
        let path = Repo.root + "/SampleData/requests.csv"
        let reader = try CSVReader(path: path)
        let size = try #require(reader.regularFileSize)
        #expect(LineEnds.splitPoints(fileDescriptor: reader.fileDescriptor, size: size, parts: 3).count == 2)
        var options = AnalysisOptions(inputs: [InputFile(kind: .requests, path: path)], asAt: Day(iso: "2025-10-31")!)
        options.jobs = 3
        let context = ExtractContext(file: path, layout: try ColumnLayout(kind: .requests, header: Self.header(path), profile: MappingProfile(), file: path),
                                     profile: MappingProfile(), dates: .automatic, asAt: options.asAt)
        let prepass = InputPrepass(path: path, cuts: ParallelRead.cuts(fileDescriptor: reader.fileDescriptor, size: size, jobs: 3))
        #expect(try prepass.sha256() == Analysis.sha256(of: path))
        let batch = try ParallelRead.rows(of: reader, size: size, prepass: prepass, jobs: 3, minimumSplit: 1 << 20,
                                          progress: Progress(enabled: false)) {
            try RowBatch(kind: .requests, context: context, cohortColumns: CohortColumns(by: [], layout: context.layout),
                         rules: options.rules, scratch: options.scratchDirectory, fileNumber: 0, canReread: true,
                         collector: CaseCollector(options: options, byColumns: [], sinks: []))
        }
        let rows = try #require(batch).rowsRead
        #expect(rows == (try String(contentsOfFile: path, encoding: .utf8)).split(separator: "\n").count - 1)
    }

    /// A CSV file is cut into one chunk a thread (idle threads split the others' rests),
    /// a SEN2 return by weights that shrink towards its end.
    @Test func cutsFallJustAfterLineFeedsOneChunkAThread() throws {
        let folder = try TemporaryFolder()
        let line = String(repeating: "x", count: 99) + "\n"  // 100 bytes a line
        let path = try folder.write("lines.csv", String(repeating: line, count: 100_000))  // 10 MB
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        let points = LineEnds.splitPoints(fileDescriptor: fd, size: 10_000_000, weights: [3, 3, 1, 1])
        // 3/8, 6/8 and 7/8 of the file (each the start of a line), each moved on to just
        // after the first line feed at or after it: the end of that line.
        #expect(points == [3_750_100, 7_500_100, 8_750_100])
        #expect(ParallelRead.cuts(fileDescriptor: fd, size: 10_000_000, jobs: 1) == [])
        #expect(ParallelRead.cuts(fileDescriptor: fd, size: 10_000_000, jobs: 4) == [2_500_100, 5_000_100, 7_500_100])
        #expect(ParallelRead.chunkWeights.first! > ParallelRead.chunkWeights.last!)
    }

    @Test("a cut that lands inside a quoted field with line breaks falls back to one pass, same bytes")
    func cutInsideAQuotedFieldFallsBack() throws {
        let folder = try TemporaryFolder()
        var text = "case_id,request_date,final_plan_date,notes,team,date_of_birth\n"
        for i in 0..<40 { text += "R\(i),2025-01-06,2025-05-26,plain,North,2015-03-01\n" }
        // A note of many lines right across the middle of the file.
        text += "R40,2025-01-06,,\"" + String(repeating: "line\n", count: 400) + "end\",South,\n"
        for i in 41..<80 { text += "R\(i),2025-01-06,,plain,South,2019-09-09\n" }
        text += "R3,2025-02-03,,repeated id,North,2015-03-01\n"
        let path = try folder.write("requests.csv", text)
        let reader = try CSVReader(path: path)
        let size = try #require(reader.regularFileSize)
        let points = LineEnds.splitPoints(fileDescriptor: reader.fileDescriptor, size: size, parts: 2)
        let noteStart = try #require(text.utf8.firstIndex(of: UInt8(ascii: "\"")))
        #expect(points.count == 1 && points[0] > text.utf8.distance(from: text.utf8.startIndex, to: noteStart))
        let inputs = [InputFile(kind: .requests, path: path)]
        let one = try Self.outputs(inputs, jobs: 1, in: folder)
        let two = try Self.outputs(inputs, jobs: 2, in: folder)
        for name in OutputFiles.names { #expect(two[name] == one[name], "\(name) differs") }
        let quality = String(decoding: try #require(one["data-quality.csv"]), as: UTF8.self)
        #expect(quality.contains("case_id R3 appears earlier in the file"))
    }

    @Test("cases.csv written by several threads at once, each from its own offset, has the bytes one writer writes")
    func casesWrittenByManyWritersMatchOneWriter() throws {
        let folder = try TemporaryFolder()
        var text = "case_id,request_date,assessment_decision_date,assessment_decision,final_plan_date,team,date_of_birth\n"
        for i in 0..<300 {
            let day = 1 + i % 28, team = ["North", "South", "East"][i % 3]
            let finalPlan = i % 4 == 0 ? "" : "2025-0\(5 + i % 4)-\(String(format: "%02d", day))"
            text += "R\(i),2025-01-\(String(format: "%02d", day)),2025-02-\(String(format: "%02d", day)),assess,\(finalPlan),\(team),2015-03-01\n"
        }
        let path = try folder.write("requests.csv", text)
        var options = AnalysisOptions(inputs: [InputFile(kind: .requests, path: path)], asAt: Day(iso: "2025-10-31")!)
        options.by = ["team"]
        options.jobs = 3
        options.parallelThreshold = 0  // several chunks: several parts per measure
        let run = try AnalysedRun.analyse(options)
        #expect(run.result.retracted.isEmpty)
        let one = try OutputFiles.cases(run)
        #expect(one.split(separator: "\n").count > 300)
        for writers in [2, 3, 7] {
            let written = folder.path + "/cases-\(writers).csv"
            let sink = try FileSink(path: written)
            let used = try run.cases.write(retracted: run.result.retracted, to: sink, writers: writers)
            sink.close()
            #expect(used > 1, "the rows were written by one writer, not \(writers)")
            #expect(try String(contentsOfFile: written, encoding: .utf8) == one, "\(writers) writers")
        }
    }

    @Test("with rows retracted, cases.csv is written by one writer, the retracted rows left out")
    func casesWithRetractedRowsAreWrittenByOneWriter() throws {
        let folder = try TemporaryFolder()
        var text = "case_id,request_date,final_plan_date,team,date_of_birth\n"
        for i in 0..<60 { text += "R\(i),2025-01-06,2025-05-26,North,2015-03-01\n" }
        text += "R3,2025-02-03,,North,2015-03-01\n"  // a repeated id: the earlier row's cases are retracted
        let path = try folder.write("requests.csv", text)
        var options = AnalysisOptions(inputs: [InputFile(kind: .requests, path: path)], asAt: Day(iso: "2025-10-31")!)
        options.jobs = 2
        let run = try AnalysedRun.analyse(options)
        try #require(!run.result.retracted.isEmpty)
        let one = try OutputFiles.cases(run)
        let written = folder.path + "/cases.csv"
        let sink = try FileSink(path: written)
        #expect(try run.cases.write(retracted: run.result.retracted, to: sink, writers: 2) == 1)
        sink.close()
        #expect(try String(contentsOfFile: written, encoding: .utf8) == one)
    }

    @Test("line ends are counted as the scanner counts them: LF, CRLF and a lone CR")
    func lineEndsCountLikeTheScanner() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("mixed.csv", "a\nb\r\nc\rd\n\re")
        let reader = try CSVReader(path: path)
        let size = try #require(reader.regularFileSize)
        var counter = LineEnds.Counter()
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes.count == size)
        counter.add(bytes.span)
        #expect(counter.ends == 5)
        var lines: [Int] = []
        try reader.read(onRow: { lines.append($0.line) }, onProblem: { _ in })
        #expect(lines == [1, 2, 3, 4, 6])
    }

    @Test("the prepass counts the line ends before each cut as one count of those bytes does, across its blocks")
    func prepassCountsLineEndsBeforeEachCut() throws {
        let folder = try TemporaryFolder()
        // Over three blocks of 1 MiB: lines ending in LF, CRLF or a lone CR, with a CRLF
        // and a lone CR placed across the first block boundaries.
        var rng = SplitMix64(seed: 17)
        var bytes: [UInt8] = []
        while bytes.count < (3 << 20) + 5000 {
            bytes += (0..<rng.int(in: 0...90)).map { _ in UInt8(ascii: "a") + UInt8(rng.int(in: 0...25)) }
            switch rng.int(in: 0...9) {
            case 0: bytes += [13, 10]
            case 1: bytes += [13]
            default: bytes += [10]
            }
        }
        bytes.replaceSubrange(((1 << 20) - 1)...(1 << 20), with: [13, 10])
        bytes.replaceSubrange(((2 << 20) - 1)...((2 << 20) - 1), with: [13])
        let path = folder.path + "/lines.csv"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        // Cuts just after line feeds, one of them exactly at a block boundary.
        let feeds = bytes.indices.filter { bytes[$0] == 10 }.map { $0 + 1 }
        let cuts = [feeds[3], 1 << 20 + 1, feeds[feeds.count / 2], feeds[feeds.count - 2]].sorted()
        #expect(bytes[(1 << 20)] == 10)  // the cut at 1 MiB + 1 follows a line feed
        let prepass = InputPrepass(path: path, cuts: cuts)
        for (k, cut) in cuts.enumerated() {
            // The bytes before the cut counted in one piece, against the prepass's blocks.
            var counter = LineEnds.Counter()
            counter.add(bytes.span.extracting(0..<cut))
            #expect(try prepass.lineEnds(beforeCut: k) == counter.ends)
        }
        #expect(try prepass.sha256() == Analysis.sha256(of: path))
    }

    @Test("a cut past the end of the file is an error for whoever waits for it, not a wait forever")
    func prepassCutPastTheEndThrows() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("short.csv", "a\nb\n")
        let prepass = InputPrepass(path: path, cuts: [2, 100])
        #expect(try prepass.lineEnds(beforeCut: 0) == 1)
        #expect(throws: (any Error).self) { try prepass.lineEnds(beforeCut: 1) }
        #expect(throws: (any Error).self) { try prepass.sha256() }
    }

    static func header(_ path: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n", maxSplits: 1).first.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? []
    }
}
