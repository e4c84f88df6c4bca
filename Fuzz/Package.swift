// swift-tools-version:5.4
// Tools version 5.4 on purpose: from 5.5 on, SwiftPM renames an executable's `main` to
// `<module>_main` (so tests can link executables) and tells the linker main = that symbol,
// which a libFuzzer target, whose `main` comes from libFuzzer, does not have.
//
// libFuzzer targets for ehcp-timeliness: a nested package so the main build and
// `make test` never see the sanitizer flags. Build and run them with `make fuzz`
// from the repository root (see the README, "Fuzzing").
import PackageDescription

/// Each target is instrumented for libFuzzer and AddressSanitizer, and has no `main`
/// of its own: libFuzzer's runtime provides it and calls `LLVMFuzzerTestOneInput`.
/// (The library it tests is instrumented too: the Makefile passes the same `-sanitize`
/// flag to every Swift module with `-Xswiftc`, and `-enable-testing`, so that a target
/// can `@testable import` what it needs without widening the library's API.)
let fuzzTarget: [SwiftSetting] = [.unsafeFlags(["-sanitize=fuzzer,address", "-parse-as-library"])]
let fuzzLink: [LinkerSetting] = [.unsafeFlags(["-sanitize=fuzzer,address"])]

/// The modules a target may test (each is a product of the main package).
let library: [Target.Dependency] = ["EHCPRules", "EHCPIngest", "EHCPTimeliness", "EHCPOutputs"].map {
    .product(name: $0, package: "ehcp-timeliness")
}

let package = Package(
    name: "ehcp-timeliness-fuzz",
    dependencies: [.package(name: "ehcp-timeliness", path: "..")],
    targets: [
        .executableTarget(
            name: "fuzz-csv-reader",
            dependencies: library,
            swiftSettings: fuzzTarget, linkerSettings: fuzzLink
        ),
        .executableTarget(
            name: "fuzz-date-parser",
            dependencies: library,
            swiftSettings: fuzzTarget, linkerSettings: fuzzLink
        ),
        .executableTarget(
            name: "fuzz-extract",
            dependencies: library,
            swiftSettings: fuzzTarget, linkerSettings: fuzzLink
        ),
        .executableTarget(
            name: "fuzz-sen2",
            dependencies: library,
            swiftSettings: fuzzTarget, linkerSettings: fuzzLink
        ),
        .executableTarget(
            name: "fuzz-profile",
            dependencies: library,
            swiftSettings: fuzzTarget, linkerSettings: fuzzLink
        ),
    ]
)
