// libFuzzer target: a SEN2 return (XML) through the whole analysis: libxml2's SAX2 push
// parser (EHCPBindings), SEN2Reader and SEN2Mapper (EHCPIngest), the rules and the
// collector.
//
// Input layout: the bytes are the return itself (seeds in Fuzz/corpus/sen2: the public
// samples, truncations of them and small returns with bad elements). Every input goes
// through the reader and the mapping, and through the parallel read's chunks (read in
// order, compared with one thread's read); those whose size is a multiple of 4 also
// through the whole analysis (far slower, so only a quarter; half of those on two threads).
//
// Oracles besides "does not crash": a malformed return is an InputError naming the file,
// a line and a column; a well-formed one reconciles (every <Requests> read is analysed or
// rejected), and every problem has a message and a line.

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

/// A private folder in memory, made once: the input and the scratch files.
let folder: String = {
    let path = "/dev/shm/ehcp-fuzz-sen2-\(getpid())"
    try? FileManager.default.removeItem(atPath: path)
    try! FileManager.default.createDirectory(atPath: path + "/scratch", withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(atPath: "/dev/shm/ehcp-fuzz-sen2-\(getpid())") }
    return path
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = folder + "/return.xml"
    FileManager.default.createFile(atPath: input, contents: Data(UnsafeBufferPointer(start: data, count: size)))

    // The header alone (what --as-at defaults to) must stop or succeed, never crash.
    _ = try? SEN2Reader.header(path: input)

    // The reader and the mapping, on every input (cheap): every <Requests> gives a case
    // or its errors, never neither.
    let mapper = SEN2Mapper(file: input, asAt: Day(iso: "2025-01-18")!)
    var persons: [[SEN2Request]] = []
    var wellFormed = false
    do {
        var reader = try SEN2Reader(path: input)
        try reader.read(onHeader: { _ in }, onPerson: { requests in
            persons.append(requests)
            for c in mapper.map(requests) {
                check(c.request != nil || c.problems.contains { $0.severity == .error },
                      "a <Requests> on line \(c.line) was neither mapped nor rejected")
                for p in c.problems { check(p.line >= 1 && !p.problem.isEmpty, "a problem without a line or message") }
            }
        })
        wellFormed = true
    } catch let error as InputError {
        check(!error.description.isEmpty, "an input error without a message")
    } catch {
        check(false, "the reader threw something other than an InputError: \(error)")
    }

    // The parallel read's chunks (read here in order, on this thread): when they are all
    // trusted, the file is well formed and they give exactly the one-thread read's
    // requests, ids and lines.
    for parts in [2, 3] {
        guard let plan = SEN2ChunkPlan.make(path: input, minimumSize: 0, weights: Array(repeating: 1, count: parts)) else { continue }
        var chunked: [[SEN2Request]] = []
        do {
            if try plan.readInOrder(path: input, onPerson: { chunked.append($0) }) {
                check(wellFormed, "chunks trusted in a file one thread finds malformed")
                check(chunked == persons, "the chunks' requests differ from one thread's (\(parts) parts)")
            }
        } catch {
            check(false, "a chunked read threw: \(error)")
        }
    }
    // The whole analysis on a quarter of the inputs (by size): it costs far more.
    guard size % 4 == 0 else { return 0 }

    var options = AnalysisOptions(inputs: [InputFile(kind: .sen2, path: input)], asAt: Day(iso: "2025-01-18")!)
    options.scratchDirectory = folder + "/scratch"
    // Half of these on two threads, the return cut however small (the chunked path, with
    // its prepass and its fall-back to one thread).
    options.jobs = size % 8 == 0 ? 2 : 1
    options.parallelThreshold = 0
    do {
        let run = try AnalysedRun.analyse(options)
        let result = run.result
        for summary in result.inputs {
            check(summary.rowsRead == summary.analysed + summary.rejected, "does not reconcile: \(summary.reconciliation)")
        }
        try result.problems.forEach { problem in
            check(!problem.problem.isEmpty, "a problem without a message on line \(problem.line)")
            check(problem.line >= 1, "a problem on line \(problem.line)")
        }
        let actions = try run.actionList()
        check(actions.count == (try run.actionListCount()), "the action list does not read back")
    } catch let error as InputError {
        let text = error.description
        check(!text.isEmpty, "an input error without a message")
        if case .malformedXML(let file, let line, let column, _) = error {
            check(file == input && line >= 0 && column >= 0, "a malformed-XML error without its place: \(text)")
        }
    } catch {
        check(!"\(error)".isEmpty, "an error without a message")
    }
    return 0
}
