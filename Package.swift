// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "ehcp-timeliness",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ehcp-timeliness", targets: ["ehcp-timeliness"]),
        .library(name: "EHCPRules", targets: ["EHCPRules"]),
        .library(name: "EHCPIngest", targets: ["EHCPIngest"]),
        .library(name: "EHCPTimeliness", targets: ["EHCPTimeliness"]),
        .library(name: "EHCPOutputs", targets: ["EHCPOutputs"]),
        .library(name: "Generator", targets: ["Generator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        // HTML and Markdown reports (escapes HTML by default).
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // SHA-256 of inputs for the evidence trail (and HMAC for pseudonymising later).
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // The run history (--history): SQLite through GRDB, which links the system
        // libsqlite3 on Linux.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // libcsv (LGPL-2.1+, linked dynamically). Debian ships no pkg-config file.
        .systemLibrary(
            name: "CLibCSV",
            providers: [.apt(["libcsv-dev"])]
        ),
        // libxml2 (MIT), for the SEN2 return: its streaming xmlTextReader only, never a DOM.
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // libxlsxwriter (BSD-2-Clause), for the Excel workbook (`--xlsx`): its constant-memory
        // mode only, rows written in order. Debian's libxlsxwriter-dev 1.1.4.
        .systemLibrary(
            name: "CLibXLSXWriter",
            providers: [.apt(["libxlsxwriter-dev"])]
        ),
        // renameat2(RENAME_EXCHANGE), which Swift's Glibc module does not expose.
        .target(name: "CShims"),
        // The statutory measures: dates as day numbers, records, the measure table and
        // the rules. Pure Swift: no I/O, no unsafe code, no other module of the package.
        .target(name: "EHCPRules"),
        // Temporary storage: spill files, the external sorter, framed records, and safe
        // views of byte buffers. With EHCPBindings, the only home of unsafe code.
        .target(name: "EHCPStore", dependencies: ["CShims"]),
        // Safe Swift faces of the C libraries (libcsv, libxml2's streaming reader, libxlsxwriter's
        // workbook) and of reading input files: the parser, the record it assembles, file
        // reads into arrays and word-at-a-time byte scans. Only what must touch C or raw
        // memory; everything that decides what the bytes mean stays in EHCPIngest.
        .target(name: "EHCPBindings", dependencies: ["CLibCSV", "CLibXML2", "CLibXLSXWriter", "EHCPStore"]),
        // Bytes to records: CSV (through EHCPBindings), encodings, dates, profiles, header
        // matching, row reading and data-quality problems. No unsafe code.
        .target(
            name: "EHCPIngest",
            dependencies: [
                "EHCPRules", "EHCPStore", "EHCPBindings",
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The analysis: reads the extracts (in parallel), applies the rules, counts, and
        // hands every case to the caller's sinks. Knows no output format.
        .target(
            name: "EHCPTimeliness",
            dependencies: [
                "EHCPRules", "EHCPStore", "EHCPIngest",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Resources")]
        ),
        // The outputs: one sink or writer per file (cases.csv, the action list, summary.csv,
        // data-quality.csv, summary.json, the reports), the atomic output folder and the
        // `exceptions` listing.
        .target(
            name: "EHCPOutputs",
            dependencies: [
                "EHCPRules", "EHCPStore", "EHCPIngest", "EHCPTimeliness", "EHCPBindings", "CShims",
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        // The run history: a SQLite file (GRDB, WAL, versioned migrations) that `analyse
        // --history` records each run in, and that `history`, the KPI trend lines and
        // `exceptions --new-only` read. No unsafe code; knows no output format.
        .target(
            name: "EHCPHistory",
            dependencies: [
                "EHCPRules", "EHCPStore", "EHCPIngest", "EHCPTimeliness",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // Synthetic extracts for the sample, the tests and the benchmarks; never linked
        // into the library.
        .target(name: "Generator", dependencies: ["EHCPRules", "EHCPStore", "EHCPTimeliness", "EHCPOutputs"]),
        .executableTarget(
            name: "ehcp-timeliness",
            dependencies: [
                "EHCPRules", "EHCPIngest", "EHCPTimeliness", "EHCPOutputs", "EHCPHistory", "Generator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "EHCPTimelinessTests",
            // The executable too, so that building the tests builds the binary that the
            // end-to-end tests run.
            dependencies: ["EHCPRules", "EHCPStore", "EHCPIngest", "EHCPTimeliness", "EHCPOutputs", "EHCPHistory",
                           "Generator", "ehcp-timeliness", .product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
