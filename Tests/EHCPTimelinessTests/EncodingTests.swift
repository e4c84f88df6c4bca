import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

/// Extracts saved from Excel are often Windows-1252 (issue 6, "Encodings").
@Suite struct EncodingTests {
    /// "case_id,request_date,team\nA1,2025-01-06,Café £\n" in Windows-1252.
    static let windows1252: [UInt8] = Array("case_id,request_date,team\nA1,2025-01-06,Caf".utf8) + [0xE9, 0x20, 0xA3] + Array("\nA2,2025-01-07,North\n".utf8)

    static func rows(_ bytes: [UInt8], encoding: TextEncoding = .auto, chunkSize: Int? = nil) throws -> (rows: [[String]], reader: CSVReader) {
        let folder = try TemporaryFolder()
        let path = folder.path + "/x.csv"
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let reader = try CSVReader(path: path, encoding: encoding)
        if let chunkSize { reader.chunkSize = chunkSize }
        var rows: [[String]] = []
        try reader.read(onRow: { row in rows.append((0..<row.count).map { row.string($0) }) }, onProblem: { _ in })
        return (rows, reader)
    }

    @Test func windows1252IsDetectedWhenCertainAndTranscoded() throws {
        let (rows, reader) = try Self.rows(Self.windows1252)
        #expect(rows[1] == ["A1", "2025-01-06", "Café £"])
        #expect(reader.detectedWindows1252AtLine == 2)
    }

    @Test func windows1252IsReadTheSameWithAnyChunkSize() throws {
        let whole = try Self.rows(Self.windows1252).rows
        for size in [1, 2, 3, 5, 7, 64] {
            #expect(try Self.rows(Self.windows1252, chunkSize: size).rows == whole, "chunk \(size)")
        }
    }

    @Test func utf8IsReadAsIsAndNotFlagged() throws {
        let (rows, reader) = try Self.rows(Array("case_id,team\nA1,Café £ – ok\n".utf8), chunkSize: 3)
        #expect(rows[1] == ["A1", "Café £ – ok"])
        #expect(reader.detectedWindows1252AtLine == nil)
    }

    @Test func explicitUTF8StopsAtTheFirstInvalidByteWithAFix() {
        do {
            _ = try Self.rows(Self.windows1252, encoding: .utf8)
            Issue.record("expected an error")
        } catch {
            let message = "\(error)"
            #expect(message.contains("0xE9"))
            #expect(message.contains("line 2"))
            #expect(message.contains("--encoding windows-1252"))
        }
    }

    @Test func mixedEncodingsStopInsteadOfGuessing() {
        let mixed = Array("case_id,team\nA1,Café\n".utf8) + Array("A2,Caf".utf8) + [0xE9, 0x0A]
        #expect(throws: InputError.self) { try Self.rows(mixed) }
        let otherWay = Array("case_id,team\nA1,Caf".utf8) + [0xE9, 0x0A] + Array("A2,Café\n".utf8)
        #expect(throws: InputError.self) { try Self.rows(otherWay) }
    }

    @Test func explicitWindows1252ReadsEveryByteWithoutCrashing() throws {
        let all = Array("case_id,team\nA1,".utf8) + (0x80...0xFF).map(UInt8.init).filter { $0 != 0x22 } + [0x0A]
        let (rows, _) = try Self.rows(all, encoding: .windows1252)
        #expect(rows[1][1].unicodeScalars.first == "€")
        #expect(rows[1][1].contains("\u{FFFD}"))  // 0x81 and the other undefined bytes
    }

    /// Bytes that are not UTF-8 (truncated and overlong sequences, surrogates, stray
    /// continuation bytes): a UTF-8 read stops at the line with the byte; a Windows-1252
    /// read, asked for or detected, gives each byte's character (U+FFFD for the five
    /// bytes Windows-1252 leaves undefined).
    @Test func invalidUTF8StopsAStrictReadAndIsReadAsWindows1252Otherwise() throws {
        for bad: [UInt8] in [[0xC3], [0xE2, 0x82], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0x80], [0xFF], [0xF4, 0x90, 0x80, 0x80]] {
            let bytes = Array("case_id,team\nA1,x".utf8) + bad + Array("y\n".utf8)
            let hex = String(format: "0x%02X", bad[0])
            do {
                _ = try Self.rows(bytes, encoding: .utf8)
                Issue.record("\(bad): a UTF-8 read did not stop")
            } catch {
                #expect("\(error)".contains(hex) && "\(error)".contains("line 2"), "\(bad): \(error)")
            }
            let expected = "x" + bad.map { String(bytes: [$0], encoding: .windowsCP1252) ?? "\u{FFFD}" }.joined() + "y"
            let pinned = try Self.rows(bytes, encoding: .windows1252)
            #expect(pinned.rows[1] == ["A1", expected], "\(bad)")
            let detected = try Self.rows(bytes, encoding: .auto)
            #expect(detected.rows == pinned.rows, "\(bad)")
            #expect(detected.reader.detectedWindows1252AtLine == 2, "\(bad)")
        }
    }

    @Test func cliReadsAnExcelExportAndSaysSoInDataQuality() throws {
        let folder = try TemporaryFolder()
        FileManager.default.createFile(atPath: folder.path + "/r.csv", contents: Data(Self.windows1252))
        let run = try CLI.run(["analyse", "--requests", "r.csv", "--as-at", "2025-06-30", "--out", "out", "--by", "team"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try folder.read("out/cases.csv").contains("Café £"))
        #expect(try folder.read("out/data-quality.csv").contains("read as Windows-1252"))
        let strict = try CLI.run(["analyse", "--requests", "r.csv", "--as-at", "2025-06-30", "--out", "out2", "--encoding", "utf-8"], in: folder.path)
        #expect(strict.status == 2)
        #expect(strict.stderr.contains("--encoding windows-1252"))
        #expect(!folder.exists("out2"))
    }
}
