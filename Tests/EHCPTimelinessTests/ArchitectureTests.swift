import Foundation
import Testing
@testable import EHCPTimeliness
@testable import EHCPOutputs

/// What the module graph cannot say by itself: which modules may hold unsafe code, and
/// that the rules module stays pure.
@Suite struct ArchitectureTests {
    /// Unsafe pointers, unchecked sendability and manual allocation.
    static var unsafePattern: Regex<AnyRegexOutput> { try! Regex(#"\bUnsafe[A-Z][A-Za-z]*|withUnsafe|nonisolated\(unsafe\)|@unchecked|unsafeBitCast|unowned\(unsafe\)|\.allocate\("#) }

    /// The only modules allowed unsafe code: temporary storage and buffers (EHCPStore), and
    /// the bindings of the C libraries and of reading input (EHCPBindings). Everything
    /// else reaches raw memory through their safe APIs.
    static let unsafeModules: Set<String> = ["EHCPStore", "EHCPBindings"]

    /// Modules that must never hold unsafe code: every other one.
    static let safeModules: Set<String> = ["EHCPRules", "EHCPIngest", "EHCPTimeliness", "EHCPOutputs", "EHCPHistory",
                                           "Generator", "ehcp-timeliness"]

    /// Every Swift module of the package: the folders of Sources that hold Swift files.
    static func swiftModules() throws -> [String] {
        let root = Repo.root + "/Sources"
        return try FileManager.default.contentsOfDirectory(atPath: root).filter { folder in
            try !swiftFiles(under: folder).isEmpty
        }.sorted()
    }

    static func swiftFiles(under folder: String) throws -> [String] {
        let root = Repo.root + "/Sources/"
        let enumerator = try #require(FileManager.default.enumerator(atPath: root + folder))
        var files: [String] = []
        while let name = enumerator.nextObject() as? String {
            if name.hasSuffix(".swift") { files.append(folder + "/" + name) }
        }
        return files.sorted()
    }

    static func text(_ file: String) throws -> String {
        try String(contentsOfFile: Repo.root + "/Sources/" + file, encoding: .utf8)
    }

    @Test func unsafeCodeIsOnlyInStoreAndBindings() throws {
        let modules = try Self.swiftModules()
        #expect(Set(modules) == Self.safeModules.union(Self.unsafeModules),
                 "a module is neither allowed unsafe code nor listed as safe: \(modules)")
        var holding: Set<String> = []
        for module in modules {
            for file in try Self.swiftFiles(under: module) where try Self.text(file).contains(Self.unsafePattern) {
                holding.insert(module)
                #expect(Self.unsafeModules.contains(module),
                        "\(file) holds unsafe code: put it behind a safe API in EHCPStore or EHCPBindings")
            }
        }
        #expect(holding.count <= 2, "unsafe code in \(holding.sorted())")
        for module in Self.safeModules {
            #expect(!(try Self.swiftFiles(under: module)).isEmpty, "\(module) has no Swift files")
        }
    }

    @Test func theRulesModuleIsPureSwift() throws {
        let files = try Self.swiftFiles(under: "EHCPRules")
        #expect(files.count >= 5)
        for file in files {
            let text = try Self.text(file)
            #expect(!text.contains(Self.unsafePattern), "\(file) holds unsafe code")
            let imports = text.split(separator: "\n").filter { $0.hasPrefix("import ") || $0.hasPrefix("@testable import ") }
            #expect(imports.isEmpty, "\(file) imports \(imports): the rules need nothing but the standard library")
        }
    }

    @Test func everyUncheckedAnnotationSaysWhyItIsSafe() throws {
        for module in try Self.swiftModules() {
            for file in try Self.swiftFiles(under: module) {
                let lines = try Self.text(file).split(separator: "\n", omittingEmptySubsequences: false)
                for (i, line) in lines.enumerated() where line.contains("@unchecked Sendable") || line.contains("nonisolated(unsafe)") {
                    // The comment above it (or the line itself) says "safe", and why.
                    let comment = lines[max(0, i - 6)...i].joined(separator: "\n")
                    #expect(comment.contains("Safe") || comment.contains("safe "), "\(file):\(i + 1) says nothing on why it is safe")
                }
                // A property left out of the run-time exclusivity checks: the note on it, or
                // on its type's properties just above, says why that is safe.
                for (i, line) in lines.enumerated() where line.contains("@exclusivity(unchecked)") {
                    let comment = lines[max(0, i - 25)...i].joined(separator: "\n")
                    #expect(comment.contains("Safe") || comment.contains("safe "), "\(file):\(i + 1) says nothing on why it is safe")
                }
            }
        }
    }
}

@Suite struct ExitStatusTests {
    /// The statuses are defined once (`ExitStatus`); the binary uses them and says them.
    @Test func theBinaryExitsWithTheStatusesItDocuments() throws {
        let help = try CLI.run(["--help"])
        let words = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for status in ExitStatus.allCases {
            #expect(words.contains("\(status.rawValue) \(status.meaning)"), "\(help.stdout)")
        }
        let folder = try TemporaryFolder()
        try folder.write("r.csv", "case_id,request_date\nA1,2025-01-06\n")
        let ok = try CLI.run(["analyse", "--requests", "r.csv", "--as-at", "2025-10-31", "--out", "o"], in: folder.path)
        #expect(ok.status == ExitStatus.success.rawValue)
        let overdue = try CLI.run(["exceptions", "--requests", "r.csv", "--as-at", "2025-10-31", "--fail-on-overdue"], in: folder.path)
        #expect(overdue.status == ExitStatus.overdue.rawValue, "\(overdue.stderr)")
        let missing = try CLI.run(["analyse", "--requests", "none.csv", "--as-at", "2025-10-31", "--out", "o"], in: folder.path)
        #expect(missing.status == ExitStatus.fatal.rawValue)
        let usage = try CLI.run(["analyse", "--no-such-option"], in: folder.path)
        #expect(usage.status == ExitStatus.usage.rawValue)
    }
}
