// libFuzzer target: a whole analysis of one extract, from the row bytes to the results:
// header matching, the row reader (dates through the fast path and the general scan,
// codes, exception reasons, cohorts and age bands), duplicates and the rules.
//
// Input layout: byte 0 chooses the run, the rest are the rows under a fixed header.
//   mode % 3        kind: requests, reviews, transfers
//   mode & 0x04     a profile pins date formats (dd/MM/yyyy, yyyy-MM-dd, excel)
//   mode & 0x08     --by age_band,team
//   mode & 0x10     two jobs, the file cut in chunks (the parallel reader)
//
// Oracles besides "does not crash": every row read is analysed or rejected, no more and
// no fewer; every problem has a message and a line; the action list reads back.

@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPTimeliness
@testable import EHCPOutputs
import Foundation

#if canImport(Glibc)
import Glibc
#endif

func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("FUZZ INVARIANT: \(message())") }
}

/// Every canonical field of the kind, then the dimensions the rules and --by read.
func header(_ kind: ExtractKind) -> String {
    (kind.fields.map(\.name) + ["team", "caseworker", "date_of_birth"]).joined(separator: ",") + "\n"
}

/// A private folder in memory, made once: the input, the profile and the scratch files.
let folder: String = {
    let path = "/dev/shm/ehcp-fuzz-extract-\(getpid())"
    try? FileManager.default.removeItem(atPath: path)
    try! FileManager.default.createDirectory(atPath: path + "/scratch", withIntermediateDirectories: true)
    let profile = "[dates]\nformats = [\"dd/MM/yyyy\", \"yyyy-MM-dd\", \"excel\"]\n"
    FileManager.default.createFile(atPath: path + "/pinned.toml", contents: Data(profile.utf8))
    atexit { try? FileManager.default.removeItem(atPath: "/dev/shm/ehcp-fuzz-extract-\(getpid())") }
    return path
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let mode = data[0]
    let kind = ExtractKind.allCases[Int(mode % 3)]
    let input = folder + "/input.csv"
    var bytes = Array(header(kind).utf8)
    bytes.append(contentsOf: UnsafeBufferPointer(start: data + 1, count: size - 1))
    FileManager.default.createFile(atPath: input, contents: Data(bytes))

    var options = AnalysisOptions(inputs: [InputFile(kind: kind, path: input)], asAt: Day(iso: "2025-10-31")!)
    options.scratchDirectory = folder + "/scratch"
    if mode & 0x04 != 0 { options.profilePath = folder + "/pinned.toml" }
    if mode & 0x08 != 0 { options.by = ["age_band", "team"] }
    if mode & 0x10 != 0 {
        options.jobs = 2
        options.parallelThreshold = 1
    } else {
        options.jobs = 1
    }
    do {
        let run = try AnalysedRun.analyse(options)
        let result = run.result
        for summary in result.inputs {
            check(summary.rowsRead == summary.analysed + summary.rejected, "does not reconcile: \(summary.reconciliation)")
        }
        try result.problems.forEach { problem in
            check(!problem.problem.isEmpty, "a problem without a message on line \(problem.line)")
            check(problem.line >= 0, "a problem on line \(problem.line)")
        }
        let actions = try run.actionList()
        let listed = try run.actionListCount()
        check(actions.count == listed, "the action list reads back \(actions.count) of \(listed)")
        for c in actions {
            check(c.status == .openOverdue || (c.status == .openInTime && c.due <= options.asAt + options.dueWithin),
                  "\(c.caseID) is on the action list as \(c.status.rawValue), due \(c.due.iso)")
        }
    } catch let error as InputError {
        check(!error.description.isEmpty, "an input error without a message")
    } catch {
        check(!"\(error)".isEmpty, "an error without a message")
    }
    return 0
}
