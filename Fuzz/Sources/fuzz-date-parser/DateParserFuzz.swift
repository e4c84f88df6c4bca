// libFuzzer target: the date parser.
//
// Input layout: byte 0 chooses the parser, the rest is the field text.
//   0..<pinned.count   a fixed list of profile formats (index 0 is `automatic`)
//   otherwise          `DateParser(formats:)` on fuzzed formats: the text up to the last
//                      newline is the format list (one per line), the rest the field.
//
// Oracles besides "does not crash": a date read is in 1900...2999 and its ISO form reads
// back to the same day; the String and byte entry points agree; every error has a message;
// the `yyyy-mm-dd` fast path reads nothing differently from the general scan (issue 12:
// it once trapped on `99+9-52-31`).

@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPTimeliness

/// Parsers for the first selector values: automatic, then format lists a profile might pin.
let parsers: [DateParser] = [
    .automatic,
    try! DateParser(formats: ["dd/MM/yyyy"]),
    try! DateParser(formats: ["yyyy-MM-dd", "dd-MMM-yyyy"]),
    try! DateParser(formats: ["excel"]),
    try! DateParser(formats: ["d MMMM yyyy", "dd.MM.yyyy HH:mm:ss"]),
    try! DateParser(formats: ["d/M/yyyy H:mm", "yyyyMMdd", "excel"]),
    try! DateParser(formats: ["dd MMM yyyy 'at' HH:mm", "yyyy-MM-dd'T'HH:mm:ss"]),
]

func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("FUZZ INVARIANT: \(message())") }
}

func exercise(_ parser: DateParser, _ field: UnsafeBufferPointer<UInt8>) {
    let text = String(decoding: field, as: UTF8.self)
    // The parser reads spans (bounds-checked: a read past the field traps).
    let bytes = Array(field)
    let span = bytes.span
    if let fast = DateParser.isoDay(span) {
        guard case .day(let general) = Scan.automatic(span), general == fast else {
            fatalError("FUZZ INVARIANT: the fast path reads \(text) as \(fast.iso), the general scan does not")
        }
    }
    let fromBytes = parser.parse(span)
    switch fromBytes {
    case .success(let day):
        let (year, _, _) = day.civil
        check((1900...2999).contains(year), "\(text) read as \(day.iso), outside 1900...2999")
        check(DateParser.automatic.parse(day.iso) == .success(day), "\(day.iso) does not read back")
    case .failure(let error):
        check(!error.description.isEmpty, "empty message for \(text)")
    }
    // The String entry point sees the repaired text; for valid UTF-8 it must agree.
    if String(validating: field, as: UTF8.self) != nil {
        check(parser.parse(text) == fromBytes, "String and bytes disagree on \(text)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let selector = Int(data[0])
    let rest = UnsafeBufferPointer(start: data + 1, count: size - 1)
    if selector < parsers.count {
        exercise(parsers[selector], rest)
        return 0
    }
    // Fuzzed formats: lines before the last newline are formats, the rest is the field.
    let split = rest.lastIndex(of: 0x0A) ?? -1
    let formats = split < 0 ? [] : String(decoding: rest[..<split], as: UTF8.self)
        .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let field = UnsafeBufferPointer(rebasing: rest[(split + 1)...])
    do {
        let parser = try DateParser(formats: formats)
        exercise(parser, field)
    } catch {
        check(!error.description.isEmpty, "empty format error for \(formats)")
    }
    return 0
}
