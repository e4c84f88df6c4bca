// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "ehcp-timeliness",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ehcp-timeliness", targets: ["ehcp-timeliness"]),
        .library(name: "EHCPTimeliness", targets: ["EHCPTimeliness"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        // HTML and Markdown reports (escapes HTML by default).
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // SHA-256 of inputs for the evidence trail (and HMAC for pseudonymising later).
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // libcsv (LGPL-2.1+, linked dynamically). Debian ships no pkg-config file.
        .systemLibrary(
            name: "CLibCSV",
            providers: [.apt(["libcsv-dev"])]
        ),
        // renameat2(RENAME_EXCHANGE), which Swift's Glibc module does not expose.
        .target(name: "CShims"),
        .target(
            name: "EHCPTimeliness",
            dependencies: [
                "CLibCSV",
                "CShims",
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: [.copy("Resources")]
        ),
        .executableTarget(
            name: "ehcp-timeliness",
            dependencies: [
                "EHCPTimeliness",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "EHCPTimelinessTests",
            dependencies: ["EHCPTimeliness"],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
