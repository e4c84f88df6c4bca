import Foundation
import Testing
@testable import EHCPBindings
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

/// The shortcuts taken for speed give exactly what the general code gives.
@Suite struct FastPathTests {
    static func withBytes<R>(_ text: String, _ body: (Span<UInt8>) -> R) -> R {
        let bytes = Array(text.utf8)
        return body(bytes.span)
    }

    @Test("a yyyy-mm-dd cell read through the month table is the day the general scan reads, or left to it")
    func isoShortcutAgreesWithTheGeneralScan() {
        var rng = SplitMix64(seed: 5)
        var cells = ["1950-01-01", "2099-12-31", "1949-12-31", "2100-01-01", "2024-02-29", "2025-02-29", "2025-02-31",
                     "2025-13-01", "2025-00-10", "2025-01-00", "2025-1-06", "2025-01-6", "20250-1-06", "2025/01/06",
                     "2025-01-06T00:00", "0000-01-01", "2025-0a-01"]
        for _ in 0..<5000 {
            let y = 1940 + rng.below(170), m = rng.below(14), d = rng.below(33)
            cells.append(String(format: "%04d-%02d-%02d", y, m, d))
        }
        for cell in cells {
            Self.withBytes(cell) { bytes in
                let general: Day? = if case .day(let day) = Scan.automatic(bytes) { day } else { nil }
                if let fast = DateParser.isoDay(bytes) {
                    #expect(fast == general, "\(cell)")
                } else if cell.utf8.count == 10, let y = Int(cell.prefix(4)), (1950..<2100).contains(y) {
                    // Left to the scan only when the shortcut cannot be sure: then the scan rejects it too.
                    #expect(general == nil, "\(cell)")
                }
                // And the parser as a whole answers as the scan does.
                if case .success(let day) = DateParser.automatic.parse(bytes) { #expect(day == general, "\(cell)") }
                else { #expect(general == nil, "\(cell)") }
            }
        }
    }

    /// The fast path trapped on a byte below "0" in a digit place (`99+9-52-31`: `+` is
    /// digit −5). Every byte value in every place of a valid cell, and random 10-byte
    /// cells, must give what the general scan gives, and never trap.
    @Test("the yyyy-mm-dd shortcut agrees with the general scan on any bytes, and never traps")
    func isoShortcutAgreesOnArbitraryBytes() {
        func agree(_ bytes: [UInt8]) {
            let p = bytes.span
            let general: Day? = if case .day(let day) = Scan.automatic(p) { day } else { nil }
            if let fast = DateParser.isoDay(p) { #expect(fast == general, "\(bytes)") }
            let whole: Day? = if case .success(let day) = DateParser.automatic.parse(p) { day } else { nil }
            #expect(whole == general, "\(bytes)")
        }
        for text in ["99+9-52-31", "+025-01-06", "2025-+1-06", "-025-01-06", "2025-01-+6", "0x7E-01-01", "2025-01-0/"] {
            agree(Array(text.utf8))
        }
        let valid = Array("2024-02-29".utf8)
        for place in valid.indices {
            for byte in UInt8.min...UInt8.max {
                var cell = valid
                cell[place] = byte
                agree(cell)
            }
        }
        var rng = SplitMix64(seed: 12)
        let alphabet = Array("0123456789-+/.: T".utf8) + [0x00, 0x1B, 0x7F, 0x80, 0xD9, 0xFF]
        for _ in 0..<20_000 {
            var cell = valid
            for _ in 0..<(1 + rng.below(3)) { cell[rng.below(10)] = alphabet[rng.below(alphabet.count)] }
            agree(cell)
        }
    }

    @Test("line feeds counted sixteen, then eight bytes at a time match a byte-by-byte count")
    func lineFeedCountMatchesNaiveCount() {
        var rng = SplitMix64(seed: 9)
        // Past 4,080 bytes the sixteen-byte lanes are added up and started again.
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 1000, 4079, 4080, 4081, 4096, 8200, 20_011] {
            // Bytes near 10 (and 10 with the high bit, 0x8A) are where a word trick would slip.
            let bytes = (0..<length).map { _ in [10, 10, 0x8A, 11, 9, 0, 255, 0x0B][rng.below(8)] as UInt8 }
            let fast = LineEnds.lineFeeds(bytes.span)
            #expect(fast == bytes.filter { $0 == 10 }.count, "length \(length)")
            // Every byte an LF: each lane at its most before it is added up.
            #expect(LineEnds.lineFeeds([UInt8](repeating: 10, count: length).span) == length, "all LF, length \(length)")
        }
    }

    @Test("line ends of CRLF and lone-CR bytes counted eight at a time match a byte-by-byte count")
    func lineEndsWithCRMatchNaiveCount() {
        func naive(_ bytes: [UInt8], previousWasCR: Bool) -> Int {
            var ends = 0, afterCR = previousWasCR
            for b in bytes {
                if b == 13 || (b == 10 && !afterCR) { ends += 1 }
                afterCR = b == 13
            }
            return ends
        }
        var rng = SplitMix64(seed: 10)
        for length in [1, 2, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000] {
            for _ in 0..<50 {
                let bytes = (0..<length).map { _ in [10, 13, 13, 10, 0x8A, 0x8D, 0x0C, 0x0E, 0, 255, 65][rng.below(11)] as UInt8 }
                for previousWasCR in [false, true] {
                    let fast = InputScan.lineEndsWithCR(bytes.span, previousWasCR: previousWasCR)
                    #expect(fast == naive(bytes, previousWasCR: previousWasCR), "length \(length)")
                }
            }
        }
    }

    @Test("bytes found with memchr and memcmp are where a slice-by-slice search finds them")
    func byteSearchMatchesNaiveSearch() {
        func naive(_ target: [UInt8], _ text: [UInt8], _ start: Int) -> Int? {
            guard let first = target.first, text.count >= target.count else { return nil }
            var i = start
            while i + target.count <= text.count {
                if text[i] == first, text[i..<(i + target.count)].elementsEqual(target) { return i }
                i += 1
            }
            return nil
        }
        var rng = SplitMix64(seed: 11)
        for _ in 0..<5000 {
            let text = (0..<rng.below(40)).map { _ in [97, 98, 99, 0xE2, 0x80][rng.below(5)] as UInt8 }
            let target = (0..<rng.below(4)).map { _ in [97, 98, 99, 0xE2, 0x80][rng.below(5)] as UInt8 }
            let start = rng.below(text.count + 2)
            #expect(ByteSearch.firstIndex(of: target, in: text, from: start) == naive(target, text, start))
        }
    }

    @Test("summary cells found through the index are found again after it grows")
    func cellIndexFindsEveryKeyAfterGrowing() {
        var index = CellIndex()
        let keys = (0..<5000).map { UInt64($0) << 32 | UInt64($0 % 7) }  // alike in their low bits
        for (i, key) in keys.enumerated() {
            #expect(index[key] == nil)
            index.insert(key, position: i)
        }
        #expect(index.count == keys.count)
        for (i, key) in keys.enumerated() { #expect(index[key] == i) }
        #expect(index[UInt64.max] == nil)
        var other = CellIndex()
        for (i, key) in keys.enumerated().reversed() { other.insert(key, position: i) }
        #expect(index == other)  // the same keys and positions, whatever the order they came in
    }

    @Test("positions by switch are the positions in allCases")
    func orderSwitchesMatchAllCases() {
        for (i, m) in MeasureID.allCases.enumerated() { #expect(m.order == i) }
        for (i, s) in CaseStatus.allCases.enumerated() { #expect(s.order == i) }
        for (i, e) in ExceptionCode.allCases.enumerated() { #expect(e.order == i) }
    }

    @Test("a problem's own values give way to … only where they stand as words, in any script")
    func generalisingReplacesWholeWordsOnly() {
        func kind(_ value: String, _ caseID: String, _ text: String) -> String {
            ProblemCounts.generalise(DataQualityProblem(file: "f", line: 2, caseID: caseID, column: "c", value: value,
                                                            severity: .warning, problem: text))
        }
        #expect(kind("12", "R1", "12 is not 120 nor R12; R1 is 12") == "… is not 120 nor R12; … is …")
        #expect(kind("été", "", "été and étés and étéx") == "… and étés and étéx")
        #expect(kind("x", "", "\"x\" and x") == "\"…\" and x")  // quoted somewhere: only where quoted
        #expect(kind("", "", "due 2025-01-06, not 12025-01-066") == "due …, not 12025-01-066")
    }

    @Test("a byte that is not UTF-8 is placed at its line and column however far eight-byte steps took the check")
    func encodingCheckCountsLinesAndColumnsInWords() {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<200 {
            let length = rng.below(90)
            var bytes = (0..<length).map { _ in rng.below(5) == 0 ? UInt8(10) : UInt8(ascii: "a") + UInt8(rng.below(26)) }
            bytes.append(0xFF)
            let line = 1 + bytes.filter { $0 == 10 }.count
            let column = bytes.count - (bytes.lastIndex(of: 10).map { $0 + 1 } ?? 0)
            var filter = EncodingFilter(path: "f.csv", encoding: .utf8)
            var output = [UInt8](repeating: 0, count: EncodingFilter.maxExpansion * (bytes.count + 3))
            do {
                _ = try filter.filter(bytes.span, into: &output, at: 0)
                Issue.record("no error for \(bytes)")
            } catch {
                #expect("\(error)".contains("line \(line), column \(column)"), "\(error)")
            }
        }
    }
}
