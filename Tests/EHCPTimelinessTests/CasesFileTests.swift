import Foundation
import Testing
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import EHCPIngest
@testable import EHCPStore
@testable import EHCPRules
@testable import Generator

/// cases.csv's rows are kept compact until the file is written (`CaseRowCoding`) unless
/// they cannot be (then as text). Whichever way a row was kept, the file must hold the
/// text `CSVWriter` makes of it: these tests build that text independently, row by row,
/// and compare whole files, written by one writer and by several.
@Suite struct CasesFileTests {
    static let asAt = Day(iso: "2025-10-31")!

    /// A row as the text path formats it through `CSVWriter` (`CasesFile.format`, the
    /// rows that cannot be kept compact): the reference every kept row must come back as.
    static func text(_ c: CaseTiming, facts: CaseFacts, unit: PeriodUnit, by: Bool) -> [UInt8] {
        var row = CSVWriter()
        row.append(c.measure.rawValue)
        var cells = CSVWriter()
        for v in facts.dimensions { cells.append(v) }
        CasesFile.format(c, of: facts, asAt: asAt, unit: unit, cells: by ? cells.bytes[...] : nil, into: &row)
        return row.bytes
    }

    /// A sink's rows added: each row's timings, facts, cohort number and ordinal.
    struct Added {
        var timings: [CaseTiming]
        var facts: CaseFacts
        var cohort: Int32
        var ordinal: Int64
    }

    /// Random rows of every kind: dates inside and outside the table of 1950–2099, ids
    /// plain, needing quotes and too long to keep compact, every status and exception,
    /// with and without start and completion, lines equal to their ordinal's and not.
    static func randomRows(_ count: Int, measures: [MeasureID], cohorts: [[String]], firstLine: Int,
                           rng: inout SplitMix64) -> [Added] {
        let ids = ["R1", "A,1", "=X", "say \"hi\"", String(repeating: "L", count: 300), "REQ0000123", ""]
        let statuses = CaseStatus.allCases, exceptions = ExceptionCode.allCases
        return (0..<count).map { i in
            let line = firstLine + i
            func day() -> Day {
                switch rng.int(in: 0...40) {
                case 0: return Day(iso: "1931-05-02")!
                case 1: return Day(iso: "2120-01-09")!
                default: return Day(number: Day(iso: "2020-01-01")!.number + Int32(rng.int(in: -400...3000)))
                }
            }
            let timings = (0..<rng.int(in: 1...3)).map { _ in
                let due = day()
                return CaseTiming(measure: measures[rng.int(in: 0...(measures.count - 1))],
                                  start: rng.int(in: 0...5) == 0 ? nil : day(), due: due,
                                  completed: rng.int(in: 0...3) == 0 ? nil : day(),
                                  status: statuses[rng.int(in: 0...(statuses.count - 1))],
                                  exception: rng.int(in: 0...4) == 0 ? exceptions[rng.int(in: 0...(exceptions.count - 1))] : nil)
            }
            let cohort = rng.int(in: 0...(cohorts.count - 1))
            let id = rng.int(in: 0...3) == 0 ? ids[rng.int(in: 0...(ids.count - 1))] : "C\(rng.int(in: 0...99_999))"
            let factsLine = rng.int(in: 0...9) == 0 ? line + rng.int(in: -3...3) : line
            return Added(timings: timings, facts: CaseFacts(caseID: id, line: factsLine, sequence: i, dimensions: cohorts[cohort]),
                         cohort: Int32(cohort), ordinal: rowOrdinal(file: 0, line: line))
        }
    }

    static func options(in folder: TemporaryFolder, unit: PeriodUnit, by: [String]) -> AnalysisOptions {
        var options = AnalysisOptions(inputs: [InputFile(kind: .requests, path: folder.path + "/r.csv")], asAt: asAt)
        options.period = unit
        options.by = by
        options.scratchDirectory = folder.path
        return options
    }

    /// The file the sink must write: the header, then every row of each measure in the
    /// order added, measure by measure.
    static func expected(_ added: [Added], measures: [MeasureID], unit: PeriodUnit, by: [String]) -> [UInt8] {
        var out = CSVWriter(header: CasesFile.header(byColumns: by)).bytes
        for m in measures {
            for a in added { for t in a.timings where t.measure == m { out += text(t, facts: a.facts, unit: unit, by: !by.isEmpty) } }
        }
        return out
    }

    /// The file written by one writer, and by `writers` at once into a file.
    static func written(_ cases: CasesFile, writers: Int, in folder: TemporaryFolder) throws -> (one: [UInt8], many: [UInt8]) {
        var one: [UInt8] = []
        try cases.write(retracted: RetractedRows([])) { one.append($0) }
        let path = folder.path + "/cases-\(writers).csv"
        let sink = try FileSink(path: path)
        try cases.write(retracted: RetractedRows([]), to: sink, writers: writers)
        sink.close()
        return (one, Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    /// Adds `count` random rows of `cohorts` to one sink and checks the file it writes, by
    /// one writer and by each of `writers`, against the rows' text. Returns the rows.
    @discardableResult
    static func checkOneSink(_ count: Int, cohorts: [[String]], unit: PeriodUnit, by: [String], seed: UInt64,
                             writers: [Int]) throws -> [Added] {
        let folder = try TemporaryFolder()
        let options = Self.options(in: folder, unit: unit, by: by)
        let measures = options.rules.measures.ids
        let cases = try CasesFile(options: options)
        var rng = SplitMix64(seed: seed)
        let added = Self.randomRows(count, measures: measures, cohorts: cohorts, firstLine: 2, rng: &rng)
        for a in added { try cases.add(a.timings, of: a.facts, cohort: a.cohort, ordinal: a.ordinal) }
        let expected = Self.expected(added, measures: measures, unit: unit, by: by)
        for n in writers {
            let (one, many) = try Self.written(cases, writers: n, in: folder)
            #expect(one == expected)
            #expect(many == expected, "\(n) writers")
        }
        return added
    }

    @Test("every row comes back as CSVWriter's text, kept compact or not, by one writer and by several",
          arguments: [PeriodUnit.month, .quarter, .financialYear])
    func rowsComeBackAsTheirText(unit: PeriodUnit) throws {
        // A value with a comma is quoted; an empty one is a cell all the same.
        let cohorts = [["North", "Inner"], ["South, East", "Outer"], ["", ""], ["West", "Rural \"hill\""]]
        try Self.checkOneSink(3000, cohorts: cohorts, unit: unit, by: ["team", "area"], seed: 170, writers: [2, 3])
    }

    @Test("a cohort's cells longer than the output buffer keep its rows as text, and the other rows compact")
    func hugeCohortCells() throws {
        let added = try Self.checkOneSink(60, cohorts: [["North"], [String(repeating: "h", count: 300_000)]], unit: .month,
                                          by: ["team"], seed: 174, writers: [2])
        #expect(added.contains { $0.cohort == 1 } && added.contains { $0.cohort == 0 })
    }

    @Test("without --by columns a row ends at its period")
    func rowsWithoutCohortCells() throws {
        try Self.checkOneSink(500, cohorts: [[]], unit: .month, by: [], seed: 171, writers: [2])
    }

    @Test("rows added after chunks were absorbed keep their own cohorts' cells, after the chunks' rows")
    func rowsAddedAfterAbsorbingKeepTheirCohorts() throws {
        let folder = try TemporaryFolder()
        let by = ["team"]
        let options = Self.options(in: folder, unit: .month, by: by)
        let measures = options.rules.measures.ids
        let first = try CasesFile(options: options)
        let chunk = try #require(try first.makeChunk() as? CasesFile)
        var rng = SplitMix64(seed: 172)
        // Each sink numbers its own cohorts: number 0 is North in one and South in the other.
        let mine = Self.randomRows(400, measures: measures, cohorts: [["North"], ["East"]], firstLine: 2, rng: &rng)
        let theirs = Self.randomRows(400, measures: measures, cohorts: [["South"]], firstLine: 402, rng: &rng)
        let later = Self.randomRows(300, measures: measures, cohorts: [["North"], ["East"], ["West"]], firstLine: 802, rng: &rng)
        for a in mine { try first.add(a.timings, of: a.facts, cohort: a.cohort, ordinal: a.ordinal) }
        for a in theirs { try chunk.add(a.timings, of: a.facts, cohort: a.cohort, ordinal: a.ordinal) }
        try chunk.releaseMemory()
        try first.absorb(chunk)
        for a in later { try first.add(a.timings, of: a.facts, cohort: a.cohort, ordinal: a.ordinal) }
        let expected = Self.expected(mine + theirs + later, measures: measures, unit: .month, by: by)
        let (one, many) = try Self.written(first, writers: 3, in: folder)
        #expect(one == expected)
        #expect(many == expected)
    }

    @Test("a compact row's length is counted as it is added: the text written is that long")
    func compactRowLengthIsItsText() throws {
        var rng = SplitMix64(seed: 173)
        let codes = CodeLengths(CellTable.shared)
        let measures = AnalysisOptions(inputs: [], asAt: Self.asAt).rules.measures.ids
        var checked = 0
        for a in Self.randomRows(2000, measures: measures, cohorts: [["North"]], firstLine: 2, rng: &rng) {
            for t in a.timings {
                let cells = 6  // ",North" less the comma counted by the length
                guard let length = CaseRowCoding.textLength(t, idLength: a.facts.caseID.utf8.count, line: a.facts.line,
                                                            cellsLength: cells - 1, asAt: Self.asAt, codes: codes) else { continue }
                let text = Self.text(t, facts: a.facts, unit: .month, by: true)
                let measureCell = t.measure.rawValue.utf8.count + 1
                // The text less the measure's cell: a quoted id is never compact, so its length may differ.
                if CSVWriter.isPlainCell(Array(a.facts.caseID.utf8).span) {
                    #expect(length == text.count - measureCell, "\(String(decoding: text, as: UTF8.self))")
                    checked += 1
                }
            }
        }
        #expect(checked > 2000)
    }
}
