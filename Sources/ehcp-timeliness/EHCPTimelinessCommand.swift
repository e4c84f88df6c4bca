import ArgumentParser
import EHCPTimeliness

#if canImport(Glibc)
import Glibc
#endif

@main
struct EHCPTimelinessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ehcp-timeliness",
        abstract: "Statutory timeliness of EHC needs assessments and plans, from case-management extracts.",
        discussion: """
            Reads CSV extracts, works out every statutory deadline for every case, and writes \
            compliance rates per cohort, the action list, a data-quality report and a JSON summary. \
            The rules and their citations are in the README.
            """,
        version: Tool.version,
        subcommands: [Analyse.self, Generate.self]
    )
}

/// Options shared by commands that analyse extracts.
struct AnalysisArguments: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Requests extract (CSV): one row per request for an EHC needs assessment.", valueName: "file"))
    var requests: String?

    @Option(name: .long, help: ArgumentHelp("Annual reviews extract (CSV): one row per review meeting; a plan not yet reviewed is one row with a blank meeting date.", valueName: "file"))
    var reviews: String?

    @Option(name: .long, help: ArgumentHelp("Phase transfers extract (CSV): one row per transfer.", valueName: "file"))
    var transfers: String?

    @Option(name: .customLong("as-at"), help: ArgumentHelp("The date the extract was taken (yyyy-mm-dd). Required: results never depend on the day the tool runs.", valueName: "date"))
    var asAt: String

    @Option(name: .long, help: ArgumentHelp("Mapping profile (TOML) for an export whose headers, date formats or codes differ.", valueName: "file"))
    var profile: String?

    @Option(name: .long, help: ArgumentHelp("Cohort columns for the summary, comma-separated (any input column, or age_band).", valueName: "col,…"))
    var by: String?

    @Option(name: .long, help: ArgumentHelp("Reporting period: month, quarter, year, academic-year or financial-year.", valueName: "unit"))
    var period: String = "month"

    @Option(name: .customLong("due-within"), help: ArgumentHelp("Open cases due within this many days join the action list.", valueName: "days"))
    var dueWithin: Int = 28

    @Option(name: .customLong("review-clock"), help: ArgumentHelp("When an annual review is complete: decision (the decision after the meeting is notified; default) or meeting (the meeting is held).", valueName: "clock"))
    var reviewClock: String = "decision"

    @Option(name: .customLong("transfer-deadline"), help: ArgumentHelp("Reading of \"before 15 February\": literal (by 14 February, 30 March post-16; default) or inclusive (by 15 February, 31 March).", valueName: "reading"))
    var transferDeadline: String = "literal"

    @Option(name: .long, help: ArgumentHelp("Target rate (percent, 0 to 100) drawn as a dashed line on the report's charts.", valueName: "percent"))
    var target: Double?

    @Option(name: .long, help: ArgumentHelp("Field delimiter: comma, semicolon or tab (default: detected from the header line).", valueName: "char"))
    var delimiter: String?

    func options() throws -> AnalysisOptions {
        guard let asAtDay = Day(iso: asAt) else {
            throw ValidationError("--as-at \(asAt) is not a date; write it as yyyy-mm-dd, e.g. --as-at 2025-10-31")
        }
        var inputs: [InputFile] = []
        if let requests { inputs.append(InputFile(kind: .requests, path: requests)) }
        if let reviews { inputs.append(InputFile(kind: .reviews, path: reviews)) }
        if let transfers { inputs.append(InputFile(kind: .transfers, path: transfers)) }
        guard !inputs.isEmpty else {
            throw ValidationError("give at least one extract: --requests FILE, --reviews FILE or --transfers FILE")
        }
        var options = AnalysisOptions(inputs: inputs, asAt: asAtDay)
        options.profilePath = profile
        options.by = (by ?? "").split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
        guard let unit = PeriodUnit(rawValue: period) else {
            throw ValidationError("--period \(period) is not a period; use one of " + PeriodUnit.allCases.map(\.rawValue).joined(separator: ", "))
        }
        options.period = unit
        guard let clock = ReviewClock(rawValue: reviewClock) else {
            throw ValidationError("--review-clock \(reviewClock) is not a clock; use decision or meeting")
        }
        options.reviewClock = clock
        guard let reading = TransferDeadline(rawValue: transferDeadline) else {
            throw ValidationError("--transfer-deadline \(transferDeadline) is not a reading; use literal or inclusive")
        }
        options.transferDeadline = reading
        guard dueWithin >= 0 else { throw ValidationError("--due-within must be 0 or more days") }
        options.dueWithin = dueWithin
        if let target {
            guard target.isFinite, (0...100).contains(target) else {
                throw ValidationError("--target \(target) is not a percentage; give a number from 0 to 100, e.g. --target 60")
            }
            options.target = target
        }
        if let delimiter {
            guard let byte = Delimiter.parse(delimiter) else {
                throw ValidationError("--delimiter \(delimiter) is not supported; use comma, semicolon or tab")
            }
            options.delimiter = byte
        }
        return options
    }
}

struct Analyse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyse",
        abstract: "Analyse extracts and write cases.csv, summary.csv, exceptions.csv, data-quality.csv, summary.json, report.html and report.md.",
        aliases: ["analyze"]
    )

    @OptionGroup var arguments: AnalysisArguments

    @Option(name: .long, help: ArgumentHelp("Folder for the outputs (created when missing).", valueName: "dir"))
    var out: String

    func run() throws {
        let options = try arguments.options()
        do {
            let result = try Analysis.run(options)
            try OutputFolder.write(OutputFiles.all(result), to: out)
            FileHandleOut.stderr(ConsoleSummary.rejections(result))
            print(ConsoleSummary.text(result, outputFolder: out), terminator: "")
        } catch {
            Diagnostics.fail(error)
        }
    }
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a synthetic requests extract (and the same data as another system would export it, with its profile)."
    )

    @Option(name: .long, help: ArgumentHelp("Folder to write into.", valueName: "dir"))
    var out: String

    @Option(name: .long, help: "Random seed: the same seed gives the same files.")
    var seed: UInt64 = 1

    @Option(name: .long, help: ArgumentHelp("Number of request rows.", valueName: "n"))
    var requests: Int = 3000

    @Option(name: .customLong("as-at"), help: ArgumentHelp("The date the synthetic extract is taken (yyyy-mm-dd).", valueName: "date"))
    var asAt: String

    func run() throws {
        guard let day = Day(iso: asAt) else { throw ValidationError("--as-at \(asAt) is not a date; write it as yyyy-mm-dd") }
        guard requests >= 0 else { throw ValidationError("--requests must be 0 or more") }
        do {
            let written = try SampleData.write(to: out, seed: seed, requests: requests, asAt: day)
            print("wrote " + written.map { "\(out)/\($0)" }.joined(separator: ", "))
        } catch {
            Diagnostics.fail(error)
        }
    }
}

enum Diagnostics {
    /// Prints an input or output problem for a person and exits non-zero.
    static func fail(_ error: any Error) -> Never {
        FileHandleOut.stderr("ehcp-timeliness: error: \(error)\n")
        exit(2)
    }
}

enum FileHandleOut {
    static func stderr(_ text: String) {
        var t = text
        t.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
