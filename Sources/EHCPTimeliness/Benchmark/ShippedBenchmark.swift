import EHCPRules
import EHCPStore
import EHCPIngest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the shipped copy of DfE's `timeliness_20_week.csv`: the package's resource
/// bundle sits in the build folder next to the executable (and next to the test
/// runner, which is built into the same folder).
///
/// Not `Bundle.module`: it stops the process with a fatal error when the bundle is
/// missing (a binary copied elsewhere), where the tool must instead say to pass
/// `--benchmark-file`.
package enum ShippedBenchmark {
    /// SwiftPM's name for the target's resources: `<package>_<target>.resources` on Linux,
    /// `.bundle` (with or without `Contents/Resources`) on macOS.
    package static let bundleNames = ["ehcp-timeliness_EHCPTimeliness.resources", "ehcp-timeliness_EHCPTimeliness.bundle",
                              "ehcp-timeliness_EHCPTimeliness.bundle/Contents/Resources"]
    /// `.copy("Resources")` keeps the folder itself inside the bundle.
    package static let relativePath = "Resources/BenchmarkData/timeliness_20_week.csv"

    /// The first candidate that is a readable file, nil when none is.
    package static func locate() -> String? {
        candidates().first { access($0, R_OK) == 0 }
    }

    /// Where the shipped copy may be, for each folder the running executable may be in.
    package static func candidates() -> [String] {
        var paths: [String] = []
        for folder in executableFolders() {
            for bundle in bundleNames {
                let path = folder + "/" + bundle + "/" + relativePath
                if !paths.contains(path) { paths.append(path) }
            }
        }
        return paths
    }

    /// The running executable's folder: from `/proc/self/exe` (symbolic links resolved),
    /// then from the program name as invoked, with links resolved and as typed.
    package static func executableFolders() -> [String] {
        var executables: [String] = []
        if let exe = realPath("/proc/self/exe") { executables.append(exe) }
        if let invoked = CommandLine.arguments.first, invoked.contains("/") {
            if let resolved = realPath(invoked) { executables.append(resolved) }
            executables.append(invoked)
        }
        var folders: [String] = []
        for exe in executables {
            guard let slash = exe.lastIndex(of: "/") else { continue }
            let folder = slash == exe.startIndex ? "/" : String(exe[..<slash])
            if !folders.contains(folder) { folders.append(folder) }
        }
        return folders
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
