import ArgumentParser
import EHCPHistory
import EHCPIngest
import EHCPOutputs
import EHCPRules
import EHCPTimeliness

/// `analyse --history FILE`: the run, added to the history once its outputs are written.
enum HistoryRecording {
    /// Starts recording the run on a thread of its own (its cases, handed over by the
    /// analysis' `HistoryCases`, written while the outputs are); `finish` adds the action
    /// list from the exceptions.csv written in `outputFolder` and commits.
    static func start(_ run: AnalysedRun, kpis: [KPIRow], cases: HistoryCases, in history: RunHistory) throws -> PendingRecord {
        let result = run.result
        var record = RunRecord(asAt: result.options.asAt, settings: result.options.settings, toolVersion: Tool.version,
                               rulesVersion: RuleSet.version, byColumns: result.byColumns, inputs: result.inputs,
                               summary: result.summary, actions: [], casesFile: nil)
        record.kpis = kpis.map { (measure: $0.measure.rawValue, rate: $0.rate.rawValue, value: $0.value) }
        let blocks = try cases.handOver(retracted: result.retracted)
        return history.recordInBackground(record) { body in try blocks.forEach(body) }
    }

    /// exceptions.csv's rows for the recording thread, coded as the file is written, so
    /// that they are in the history while cases.csv is still being written (read back
    /// once all the outputs were, they were work for one core alone at the end of the run).
    static func actionRows(for pending: PendingRecord) -> any ActionRowsObserver {
        ActionRowsForHistory(coder: ActionListCoder(handingTo: pending))
    }

    /// The action list as exceptions.csv holds it (with the not_checked rows), read back
    /// from the file only when `actionRows` did not hand it over, then the run committed.
    static func finish(_ pending: PendingRecord, outputFolder: String) throws -> RecordOutcome {
        let folder = outputFolder.hasSuffix("/") ? outputFolder : outputFolder + "/"
        return try pending.finish(actionsFile: folder + "exceptions.csv")
    }
}

/// The outputs' view of the history's `ActionListCoder` (the history knows no output format).
private final class ActionRowsForHistory: ActionRowsObserver {
    let coder: ActionListCoder
    init(coder: ActionListCoder) { self.coder = coder }
    func row(measure: String, caseID: Span<UInt8>, due: Day?, status: String) throws {
        coder.add(measure: measure, caseID: caseID, due: due, status: status)
    }
    func written() { coder.written() }
}

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the runs in a run history (analyse --history FILE), or one measure's trend across them.",
        discussion: """
            Without --measure: one line per run (as-at date, cases and action-list rows recorded, rule set, \
            settings). With --measure ID: the measure's figures for all periods and cohorts in each run, \
            one line per run, as CSV.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The run history (SQLite) that analyse --history wrote.", valueName: "file"))
    var history: String

    @Option(name: .long, help: ArgumentHelp("A measure id, e.g. final-plan-20w: print its trend.", valueName: "id"))
    var measure: String?

    func run() throws {
        do {
            guard FileManagerLite.exists(history) else {
                throw HistoryError.unusable(file: history, reason: "no such file; analyse --history \(history) creates it")
            }
            let store = try RunHistory(path: history)
            if let measure {
                var lines = ["as_at,cases,on_time,late,open_in_time,open_overdue,excepted,rate_excl_exceptions,rate_incl_overdue"]
                for p in try store.trend(measure: measure) {
                    lines.append([p.asAt, String(p.cases), String(p.onTime), String(p.late), String(p.openInTime),
                                  String(p.openOverdue), String(p.excepted), Self.rate(p.rateExclExceptions),
                                  Self.rate(p.rateInclOverdue)].joined(separator: ","))
                }
                Console.stdout(lines.joined(separator: "\n") + "\n")
            } else {
                let runs = try store.runs()
                var lines = ["as_at       cases  action_list  rules  settings"]
                for r in runs {
                    let settings = r.settings.split(separator: "\n").joined(separator: " ")
                    lines.append(r.asAt + "  " + Self.pad(r.cases, 5) + "  " + Self.pad(r.actions, 11) + "  "
                                 + Self.padText(r.rulesVersion, 5) + "  " + settings)
                }
                lines.append("\(runs.count) run\(runs.count == 1 ? "" : "s")")
                Console.stdout(lines.joined(separator: "\n") + "\n")
            }
        } catch {
            Diagnostics.fail(error)
        }
    }

    static func rate(_ value: Double?) -> String {
        guard let value else { return "" }
        return String((value * 10).rounded() / 10)
    }

    static func pad(_ n: Int, _ width: Int) -> String { padText(String(n), width, right: true) }

    static func padText(_ text: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return right ? fill + text : text + fill
    }
}

/// `exceptions --history FILE --new-only`: the list less what the last earlier run listed.
enum NewOnly {
    static func filter(_ list: ActionList, asAt: Day, history path: String) throws -> ActionList {
        // A history that does not exist yet has no earlier run: everything is new.
        guard FileManagerLite.exists(path) else { return list }
        let store = try RunHistory(path: path)
        guard let previous = try store.previousActionList(before: asAt) else { return list }
        return list.keepingNew { measure, caseID in previous.pairs.contains(ActionPair(measure: measure, caseID: caseID)) }
    }
}

/// Whether a path exists (no Foundation in the executable).
enum FileManagerLite {
    static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
