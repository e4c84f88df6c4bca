import Foundation
import Testing
@testable import EHCPHistory
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
import Generator

/// The run history's cases are coded into blocks as the analysis' threads meet them, and
/// joined afterwards: the blocks must be those of one pass over cases.csv, however the
/// input was split and whichever rows were taken back.
@Suite struct CodedBlocksTests {
    struct Record: Equatable {
        var ordinal: Int64
        var id: [UInt8], status: [UInt8], due: [UInt8]
    }

    /// Records as a measure's cases come: ids mostly rising, some repeated or long, ordinals rising.
    static func records(_ n: Int, seed: UInt64) -> [Record] {
        var rng = SplitMix64(seed: seed)
        var out: [Record] = []
        var ordinal: Int64 = 1 << 40
        for i in 0 ..< n {
            ordinal += Int64(1 + rng.next() % 3)
            let r = rng.next() % 100
            let id = r < 2 ? String(repeating: "X", count: 200 + Int(rng.next() % 300)) + "\(i)"
                : r < 5 ? "REQ\(i / 2)" : "REQ" + String(format: "%07d", i)
            let day = 1 + Int(rng.next() % 28)
            out.append(Record(ordinal: ordinal, id: Array(id.utf8), status: [Array("oliv".utf8)[Int(rng.next() % 4)]],
                              due: Array("2025-0\(1 + rng.next() % 9)-\(String(format: "%02d", day))".utf8)))
        }
        return out
    }

    /// The blocks the joiner makes of `pieces`, each written by a writer of its own.
    static func joined(_ pieces: [ArraySlice<Record>], leftOut: [Int64] = [], cut: BlockCut) throws -> [(Int, [UInt8])] {
        let folder = try TemporaryFolder()
        var files: [SpillFile] = []
        for piece in pieces {
            let file = try SpillFile(directory: folder.path, bufferSize: 4096)
            let writer = CodedBlockWriter(cut: cut, files: [file])
            for r in piece {
                try writer.append(stream: 0, ordinal: r.ordinal, r.id.span, letter: r.status[0], r.due.span)
            }
            try writer.spillAll()
            files.append(file)
        }
        var blocks: [(Int, [UInt8])] = []
        let joiner = CodedBlockJoiner(cut: cut)
        for file in files {
            try joiner.add(file, bufferSize: 1024, leftOut: leftOut) { blocks.append(($0, $1)) }
        }
        try joiner.finish { blocks.append(($0, $1)) }
        return blocks
    }

    /// The blocks of one pass: each record coded in turn, the block handed on where the cut says.
    static func onePass(_ records: [Record], cut: BlockCut) -> [(Int, [UInt8])] {
        let block = FrontCodedRecords(fields: 3, capacity: 4096)
        var blocks: [(Int, [UInt8])] = []
        for r in records {
            block.append(r.id.span, r.status.span, r.due.span)
            if cut.ends(after: r.id.span, count: block.count, byteCount: block.byteCount) {
                blocks.append((block.count, block.bytes)); block.removeAll()
            }
        }
        if block.count > 0 { blocks.append((block.count, block.bytes)) }
        return blocks
    }

    static func same(_ a: [(Int, [UInt8])], _ b: [(Int, [UInt8])]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    /// A small cut, so that a few thousand records make many blocks of every kind.
    static let cut = BlockCut(period: 64, minimumRecords: 4, maximumBytes: 1500)

    @Test("a stream coded in pieces and joined gives the blocks of one pass, wherever it was cut")
    func piecesJoinedGiveTheBlocksOfOnePass() throws {
        let all = Self.records(5000, seed: 7)
        let reference = Self.onePass(all, cut: Self.cut)
        #expect(reference.count > 100)
        #expect(reference.contains { $0.1.count >= Self.cut.maximumBytes }, "no block was cut by its size")
        #expect(try Self.same(Self.joined([all[...]], cut: Self.cut), reference))
        var rng = SplitMix64(seed: 11)
        for _ in 0 ..< 20 {
            let cuts = (0 ..< Int(1 + rng.next() % 6)).map { _ in Int(rng.next() % 5000) }.sorted()
            var pieces: [ArraySlice<Record>] = []
            var start = 0
            for c in cuts + [5000] { pieces.append(all[start ..< c]); start = c }
            #expect(try Self.same(Self.joined(pieces, cut: Self.cut), reference), "pieces cut at \(cuts)")
        }
    }

    @Test("records of rows taken back are left out: the blocks are one pass over the rest")
    func rowsTakenBackAreLeftOutAsOnePassWouldLeaveThem() throws {
        let all = Self.records(5000, seed: 3)
        var rng = SplitMix64(seed: 5)
        for density in [2, 50, 400] {
            let leftOut = all.map(\.ordinal).filter { _ in rng.next() % UInt64(density) == 0 }
            // Also the last record of a block, and a run of neighbours.
            let sorted = Array(Set(leftOut + all[100 ..< 104].map(\.ordinal))).sorted()
            let kept = all.filter { !Set(sorted).contains($0.ordinal) }
            let reference = Self.onePass(kept, cut: Self.cut)
            #expect(try Self.same(Self.joined([all[..<1234], all[1234...]], leftOut: sorted, cut: Self.cut), reference),
                    "one in \(density) left out")
            #expect(try Self.same(Self.joined([all[...]], leftOut: sorted, cut: Self.cut), reference))
        }
    }

    @Test("a block spliced without some records has the bytes of those left coded afresh")
    func splicingEqualsCodingTheRestAgain() throws {
        let all = Self.records(400, seed: 9)
        let splicer = FrontCodedSplicer(fields: 3, maximumBytes: 1 << 20)
        var rng = SplitMix64(seed: 13)
        for round in 0 ..< 200 {
            let n = 2 + Int(rng.next() % 60)
            let start = Int(rng.next() % UInt64(all.count - n))
            let records = Array(all[start ..< start + n])
            let block = FrontCodedRecords(fields: 3)
            for r in records { block.append(r.id.span, r.status.span, r.due.span) }
            var dropped = records.map { _ in rng.next() % UInt64(1 + round % 5) == 0 }
            if round % 7 == 0 { dropped[n - 1] = false; dropped[n - 2] = true }
            let expected = FrontCodedRecords(fields: 3)
            for (r, d) in zip(records, dropped) where !d { expected.append(r.id.span, r.status.span, r.due.span) }
            let spliced = block.bytes.withUnsafeBytes { coded in
                dropped.withUnsafeBufferPointer { splicer.splice(coded, count: n, dropped: $0) }
            }
            if dropped[n - 1] {
                #expect(spliced == nil, "the last record taken out: the block no longer ends there")
            } else {
                let result = try #require(spliced)
                #expect(result.count == expected.count)
                #expect(result.bytes == expected.bytes, "round \(round)")
            }
        }
    }

    @Test("the cut ends a block at its largest size, and not by an id's hash before its fewest records")
    func theCutKeepsItsBounds() {
        func ends(_ cut: BlockCut, _ id: [UInt8], count: Int, byteCount: Int) -> Bool {
            cut.ends(after: id.span, count: count, byteCount: byteCount)
        }
        let cut = BlockCut(period: 1, minimumRecords: 3, maximumBytes: 100)
        let id = Array("A1".utf8)
        #expect(!ends(cut, id, count: 2, byteCount: 10))
        #expect(ends(cut, id, count: 3, byteCount: 10))
        #expect(ends(cut, id, count: 1, byteCount: 100))
        let rare = BlockCut(period: 1 << 20, minimumRecords: 1, maximumBytes: 100)
        let hits = (0 ..< 100_000).filter { i in
            let id = Array("REQ\(String(format: "%07d", i))".utf8)
            return rare.ends(after: id.span, count: 5, byteCount: 10)
        }.count
        #expect(hits < 5, "numbered ids hash evenly")
        let common = BlockCut(period: 2048, minimumRecords: 1, maximumBytes: 1 << 30)
        let cuts = (0 ..< 200_000).filter { i in
            let id = Array("REQ\(String(format: "%07d", i))".utf8)
            return common.ends(after: id.span, count: 5, byteCount: 10)
        }.count
        #expect(cuts > 50 && cuts < 150, "about one numbered id in 2,048 ends a block: \(cuts) of 200,000")
    }

    /// The history's blocks of an extract read on `jobs` threads (split whenever a thread is idle).
    static func historyBlocks(_ path: String, jobs: Int, out: String) throws -> (blocks: [String], retracted: Int) {
        var options = AnalysisOptions(inputs: [InputFile(kind: .requests, path: path)], asAt: Day(iso: "2025-10-31")!)
        options.jobs = jobs
        options.parallelThreshold = 0
        options.minimumSplit = 4096
        let history = try HistoryCases(options: options)
        let (run, _) = try AnalysedRun.analyse(options, kpis: false, historyCases: history)
        try OutputFolder.write(OutputFiles.all(run), to: out)
        var blocks: [String] = []
        try history.forEachBlock(retracted: run.result.retracted) { m, n, bytes in blocks.append("\(m) \(n) \(bytes)") }
        return (blocks, run.result.retracted.count)
    }

    @Test("the history's blocks of a run read on several threads, with rows taken back, are those of its cases.csv read back")
    func historyBlocksAreCasesCSVReadBackWhateverTheThreads() throws {
        let folder = try TemporaryFolder()
        var text = "case_id,request_date,assessment_decision_date,assessment_decision,final_plan_date,team,date_of_birth\n"
        for i in 0 ..< 30_000 {
            let day = String(format: "%02d", 1 + i % 28)
            let finalPlan = i % 3 == 0 ? "" : "2025-0\(5 + i % 4)-\(day)"
            text += "R\(String(format: "%06d", i)),2025-01-\(day),2025-02-\(day),assess,\(finalPlan),North,2015-03-01\n"
            // A repeated id now and then, far from the first: its earlier row's cases are taken back.
            if i % 997 == 500 { text += "R\(String(format: "%06d", i - 400)),2025-03-03,,,,North,2015-03-01\n" }
        }
        let path = try folder.write("requests.csv", text)
        let one = try Self.historyBlocks(path, jobs: 1, out: folder.path + "/j1")
        #expect(one.retracted > 5)
        var fromCSV: [String] = []
        try CasesBlocks.forEach(path: folder.path + "/j1/cases.csv") { fromCSV.append("\($0.measure) \($0.count) \($0.lines)") }
        #expect(fromCSV.count > 12)
        #expect(one.blocks == fromCSV)
        for jobs in [2, 3, 5] {
            let many = try Self.historyBlocks(path, jobs: jobs, out: folder.path + "/j\(jobs)")
            #expect(many.retracted == one.retracted)
            #expect(many.blocks == one.blocks, "\(jobs) threads")
        }
    }
}
