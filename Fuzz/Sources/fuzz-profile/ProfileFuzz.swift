// libFuzzer target: the mapping-profile loader (`MappingProfile(toml:file:)`, TOMLKit
// and toml++ underneath), and the header matching that uses a loaded profile.
//
// The whole input is the profile text. Oracles besides "does not crash": a profile that
// loads has date formats that compile and no two fields on one header; it can match a
// header made of its own column names; every error has a message naming the file.

import EHCPIngest
import EHCPRules
import EHCPTimeliness

func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("FUZZ INVARIANT: \(message())") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let profile: MappingProfile
    do {
        profile = try MappingProfile(toml: text, file: "fuzz.toml")
    } catch {
        check(error.description.contains("fuzz.toml"), "message without the file: \(error)")
        return 0
    }
    if let formats = profile.dateFormats {
        check((try? DateParser(formats: formats)) != nil, "loaded formats \(formats) do not compile")
    }
    for kind in ExtractKind.allCases {
        let columns = profile.columns(for: kind)
        // A header holding every mapped name plus the canonical names the profile leaves alone.
        var header = columns.keys.sorted().compactMap { columns[$0] }
        for field in kind.fields where columns[field.name] == nil { header.append(field.name) }
        do {
            let layout = try ColumnLayout(kind: kind, header: header, profile: profile, file: "fuzz.csv")
            check(layout.fieldIndex.values.allSatisfy { header.indices.contains($0) }, "field index out of range")
            check(Set(layout.fieldIndex.values).count == layout.fieldIndex.count, "two fields read one column")
        } catch {
            check(error.description.contains("fuzz.csv"), "layout message without the file: \(error)")
        }
    }
    return 0
}
