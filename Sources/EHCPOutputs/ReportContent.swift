import EHCPRules
import EHCPStore
import EHCPIngest
import EHCPTimeliness

/// The words and tables of the evidence pack, built from a `ReportModel`. Both
/// renderers take their text from here, so report.html and report.md say the same.
extension ReportModel {
    /// Who the total across cohorts covers: "all teams", or "all cases" without `--by`.
    package var everyone: String {
        byColumns.isEmpty ? "all cases" : "total across every " + byColumns.joined(separator: " and ")
    }

    /// "Figures cover cases completed, or due while open, from 1 April 2025 to 30 September
    /// 2025. …"; empty without `--from`/`--to`, so the report is then as it was.
    package var windowSentence: String {
        guard window.isRestricted else { return "" }
        return "Figures cover cases completed, or due while open, \(ReportFormat.windowWords(window)). "
            + "cases.csv and the action list (exceptions.csv) hold every case."
    }

    package var suppressionNote: String {
        guard let n = suppressBelow else { return "" }
        return "\(ReportFormat.suppressed) = suppressed: fewer than \(n) cases."
    }

    // MARK: Read this first

    /// With a SEN2 return: which figures are DfE's. DfE's timeliness_20_week.csv counts the
    /// plans issued in each calendar year, within 20 weeks including and excluding
    /// exceptions; the final-plan-20w rows by year count exactly those (a plan is in the
    /// year it was issued), from the same return.
    package var sen2Sentence: String {
        let files = sen2Returns.joined(separator: ", ")
        guard period == .year else {
            return "\(files) is a SEN2 return. Run with --period year to see the 20-week figures as DfE publishes them from it: "
                + "plans counted by the calendar year they were issued, within 20 weeks including and excluding exceptions."
        }
        return "The final-plan-20w rows by year are what DfE will publish from the SEN2 return \(files): the plans issued in each "
            + "calendar year and how many within 20 weeks, including and excluding exceptions, as DfE's timeliness_20_week.csv "
            + "counts them (open cases, counted in the year they are due, are not in DfE's figures). "
            + (benchmark == nil ? "Add --benchmark-la with the council's code to set its own published figures beside them."
                                : "The benchmark table sets the council's own published figures beside them.")
    }

    /// The caveats a reader needs before the figures: a short lead and its explanation.
    package var caveats: [(lead: String, text: String)] {
        let unit = period.noun
        var list: [(String, String)] = window.isRestricted ? [("Which cases.", windowSentence
            + " Cases that could not be measured (see Data quality) have no date, and are counted whatever the window.")] : []
        list += [
            ("What the rates mean.",
             "“On time %” is the share of completed cases that finished by their statutory deadline, "
                + "leaving out cases with a statutory exception: the measure DfE publishes. It says nothing about cases still open. "
                + "“On time % incl. overdue” also counts open cases already past their deadline as late, so a backlog cannot hide behind a good rate."),
            ("Which \(unit) a case is in.",
             "Each \(unit) counts the cases completed in it; a case still open is counted in the \(unit) it is due. "
                + "Figures are as at \(ReportFormat.longDate(asAt)): a case is overdue when its deadline has passed on that date."),
            ("Uncertainty.",
             "The 95 % interval is the range the underlying on-time rate plausibly lies in, given the number of cases (Wilson score interval). "
                + "A wide interval means few cases: do not read much into a single \(unit)."),
            ("Exceptions do not move deadlines.",
             "Statutory exceptions (regs 5(4), 10(4), 13(3)) switch a time limit off for one case. An excepted case keeps its due date, "
                + "is left out of “On time %”, and is counted as excepted everywhere, so heavy use of exceptions is visible."),
        ]
        if let t = termDates {
            list.append(("School-closure claims were checked.",
                         "Term dates from \(t.file) were used: a school_closure exception counts only when a school closure of at least 4 weeks "
                            + "has its window (from one week before the closure to one week before the school re-opens, regs 5(4)(a) and 10(4)(a)) "
                            + "on the case's clock period, or on the date advice was asked of the school when the extract has it. "
                            + "A claim that fails is counted as no exception and listed in data-quality.csv."))
        }
        if !sen2Returns.isEmpty {
            list.append(("What DfE will publish.", sen2Sentence))
        }
        if let f = finalPlan {
            list.append(("Day counting.", f.dayCountingSentence))
        } else {
            list.append(("Day counting.", "A case completed on its due date is on time; each measure's section says how its due date is counted."))
        }
        if let n = suppressBelow {
            list.append(("Small numbers.",
                         "A cohort (a measure in one \(unit), or one \(byColumns.isEmpty ? "group" : byColumns.joined(separator: " and ") + " group")) "
                            + "with fewer than \(n) cases is suppressed: its counts and rates show as “\(ReportFormat.suppressed)” in the tables "
                            + "and it is left out of the charts. Figures worked out from cases (bands, backlog, exceptions) are suppressed with the cohort they belong to."))
        } else {
            list.append(("Small numbers.",
                         "No suppression was applied (--suppress-below was not given). "
                            + "Before sharing outside the council, check small cohorts: a count of 1 or 2 can identify a child."))
        }
        let rejected = dataQuality.files.reduce(0) { $0 + $1.rejected }
        if rejected > 0 {
            list.append(("Rejected rows.", "\(ReportFormat.plural(rejected, "row was", "rows were")) rejected as unusable "
                         + "and \(rejected == 1 ? "is" : "are") in no figure: see Data quality."))
        }
        return list
    }

    package var terms: ReportTable {
        ReportTable(caption: "Terms used in this report", columns: [.init("Term", numeric: false), .init("Meaning", numeric: false)], rows: [
            ["On time", "Completed on or before the statutory due date."],
            ["Late", "Completed after the due date."],
            ["Open in time", "Not completed on the as-at date, and the due date has not passed."],
            ["Open overdue", "Not completed on the as-at date, and the due date has passed."],
            ["Excepted", "A statutory exception applies (for example the family was away for 4 weeks or more). Counted separately, whatever its timing."],
            ["On time %", "On time ÷ (on time + late), cases without an exception. The DfE headline."],
            ["On time % incl. overdue", "On time ÷ (on time + late + open overdue), cases without an exception."],
            ["95 % interval", "Wilson score interval of “On time %”: the plausible range of the underlying rate."],
            ["Median days", "The middle number of days from the clock start to completion, completed cases without an exception."],
            [ReportFormat.none, "No figure: nothing to divide (for example no completed case in that \(period.noun))."],
        ] + (suppressBelow.map { n in [[ReportFormat.suppressed, "Suppressed: fewer than \(n) cases in the cohort."]] } ?? []))
    }

    // MARK: Key figures

    /// "October 2025" (the as-at date's period, the last the figures and charts show).
    package var lastPeriodWords: String { period.words(forIndex: lastPeriod) }

    /// What the figure tables leave out: the cases in periods after the as-at date's.
    package func laterNote(cases: Int) -> String {
        guard cases > 0 else { return "" }
        return "\(period.heading)s after \(lastPeriodWords) are left out: "
            + "\(ReportFormat.plural(cases, "case", "cases")) still open and due after it \(cases == 1 ? "is" : "are") only in summary.csv and cases.csv."
    }

    package var keyFigures: ReportTable {
        ReportTable(
            caption: "Key figures: every measure, all \(period.nounPlural) to \(lastPeriodWords), \(everyone)",
            columns: [.init("Measure", numeric: false), .init("Cases"), .init("On time"), .init("Late"), .init("Open in time"),
                      .init("Open overdue"), .init("Excepted"), .init("On time %"), .init("95 % interval"),
                      .init("On time % incl. overdue"), .init("Median days")],
            rows: measures.map { m in [m.title] + ReportModel.figureCells(m.total, median: true) },
            note: [targetTenths.map { "Target: \(Rates.formatTenths($0)) % on time." } ?? "",
                   laterNote(cases: measures.reduce(0) { $0 + $1.laterCases }), suppressionNote, windowSentence]
                .filter { !$0.isEmpty }.joined(separator: " "))
    }

    /// Cases, statuses, excepted, rates, interval, and optionally the median.
    package static func figureCells(_ f: ReportFigures, median: Bool) -> [String] {
        let s = f.suppressed
        var cells = [f.cases, f.onTime, f.late, f.openInTime, f.openOverdue, f.excepted].map { ReportFormat.count($0, suppressed: s) }
        cells += [ReportFormat.tenths(f.rateExclTenths, suppressed: s), ReportFormat.interval(f.ciLowTenths, f.ciHighTenths, suppressed: s),
                  ReportFormat.tenths(f.rateInclOverdueTenths, suppressed: s)]
        if median { cells.append(ReportFormat.halves(f.medianHalfDays, suppressed: s)) }
        return cells
    }

    package static let figureColumns: [ReportTable.Column] = [
        .init("Cases"), .init("On time"), .init("Late"), .init("Open in time"), .init("Open overdue"), .init("Excepted"),
        .init("On time %"), .init("95 % interval"), .init("On time % incl. overdue"),
    ]

    // MARK: Per measure

    package func periodTable(_ m: MeasureReport) -> ReportTable {
        let short = m.countsShortRepresentation
        return ReportTable(caption: "\(m.title): each \(period.noun) to \(lastPeriodWords), \(everyone)",
                    columns: [.init(period.heading, numeric: false)] + Self.figureColumns
                        + (short ? [.init(Self.shortRepresentationColumn)] : []),
                    rows: m.periods.map { p in
                        [p.label] + Self.figureCells(p.figures, median: false)
                            + (short ? [ReportFormat.count(p.figures.shortRepresentation ?? 0, suppressed: p.figures.suppressed)] : [])
                    },
                    note: [short ? shortRepresentationNote(m) : "", laterNote(cases: m.laterCases), suppressionNote]
                        .filter { !$0.isEmpty }.joined(separator: " "))
    }

    /// The period table's column of final plans issued less than 15 days after the draft.
    package static let shortRepresentationColumn = "Under \(RepresentationPeriod.minimumDays) days after draft"

    /// What that column counts, and why it stands next to the 20-week figures.
    package func shortRepresentationNote(_ m: MeasureReport) -> String {
        let days = RepresentationPeriod.minimumDays
        var text = "“\(Self.shortRepresentationColumn)”: final plans issued less than \(days) days after the draft, with or without an exception. "
            + "The family must have at least \(days) days from the day the draft is served to comment on it (\(RepresentationPeriod.citation)); "
            + "a plan finalised sooner may be on time only because that period was cut short."
        if !m.total.suppressed, let n = m.total.shortRepresentation {
            text += " \(ReportFormat.plural(n, "plan", "plans")) in all \(period.nounPlural) shown; each is a warning in data-quality.csv."
        }
        return text
    }

    package func cohortTable(_ m: MeasureReport) -> ReportTable? {
        guard !byColumns.isEmpty, !m.cohorts.isEmpty else { return nil }
        return ReportTable(caption: "\(m.title): by \(byColumns.joined(separator: " and ")), all \(period.nounPlural) to \(lastPeriodWords)",
                           columns: byColumns.map { .init($0, numeric: false) } + Self.figureColumns + [.init("Median days")],
                           rows: m.cohorts.map { $0.values + Self.figureCells($0.figures, median: true) }
                               + [byColumns.map { _ in "Total" } + Self.figureCells(m.total, median: true)],
                           note: [laterNote(cases: m.laterCases), suppressionNote].filter { !$0.isEmpty }.joined(separator: " "))
    }

    /// What the rate chart shows, in words (the SVG's description and the figure's caption).
    package func chartDescription(_ m: MeasureReport) -> String {
        let pts = m.series.points
        guard let first = pts.first, let last = pts.last else { return "" }
        var text = "Line chart of “On time %” for each \(period.noun) from \(first.label) to \(last.label), "
            + "with its 95 % interval as a shaded band"
            + (targetTenths.map { " and a dashed line at the target of \(Rates.formatTenths($0)) %" } ?? "") + ". "
        if let latest = pts.last(where: { $0.rateTenths != nil }), let r = latest.rateTenths {
            text += "Latest, \(latest.label): \(Rates.formatTenths(r)) % "
                + "(95 % interval \(ReportFormat.interval(latest.lowTenths, latest.highTenths)) %). "
        }
        let gaps = pts.filter { $0.rateTenths == nil }
        if !gaps.isEmpty {
            text += "\(ReportFormat.plural(gaps.count, period.noun)) without a rate "
                + (suppressBelow == nil ? "(no completed case without an exception)" : "(no completed case without an exception, or suppressed)")
                + " \(gaps.count == 1 ? "is a gap" : "are gaps"). "
        }
        if m.series.earlierPeriodsWithRate > 0 {
            text += "\(ReportFormat.plural(m.series.earlierPeriodsWithRate, "earlier \(period.noun)")) with a rate "
                + "\(m.series.earlierPeriodsWithRate == 1 ? "is" : "are") in the table only. "
        }
        return text + "The table gives every value."
    }

    /// DfE's bands: label, days from request, plans.
    package static func issueBandRows(_ b: IssueBands) -> [(label: String, days: String, plans: Int)] {
        let (limit, year) = (IssueBands.within20WeeksDays, IssueBands.upTo52WeeksDays)
        return [("Within \(limit / 7) weeks", "up to \(limit)", b.within20Weeks),
                ("Over \(limit / 7) weeks, up to \(year / 7) weeks", "\(limit + 1) to \(year)", b.over20To52Weeks),
                ("Over \(year / 7) weeks", "\(year + 1) or more", b.over52Weeks)]
    }

    package func issueTable(_ m: MeasureReport) -> ReportTable? {
        guard let b = m.issueBands else { return nil }
        let s = b.suppressed
        let rows: [[String]] = Self.issueBandRows(b).map { label, days, n in
            [label, days, ReportFormat.count(n, suppressed: s), ReportFormat.tenths(Rates.percentTenths(n, of: b.completed), suppressed: s)]
        } + [["Total", "", ReportFormat.count(b.completed, suppressed: s), s ? ReportFormat.suppressed : (b.completed > 0 ? "100.0" : ReportFormat.none)]]
        return ReportTable(caption: "Time from request to final plan, plans issued without an exception (DfE's bands)",
                           columns: [.init("Time to issue", numeric: false), .init("Days from request", numeric: false), .init("Plans"), .init("Share %")],
                           rows: rows, note: suppressionNote)
    }

    package func issueSummary(_ m: MeasureReport) -> String {
        guard let b = m.issueBands else { return "" }
        if b.suppressed { return "Suppressed: fewer than \(suppressBelow ?? 0) cases." }
        guard b.completed > 0 else { return "No final plan has been issued without an exception yet." }
        var text = "\(ReportFormat.plural(b.completed, "plan was", "plans were")) issued without an exception."
        if let h = b.medianHalfDays {
            text += " Median time to issue: \(Rates.formatHalves(h)) days (\(ReportFormat.weeks(halfDays: h)) weeks)."
        }
        return text
    }

    package func backlogTable(_ m: MeasureReport) -> ReportTable {
        let s = m.backlog.suppressed
        return ReportTable(
            caption: "\(m.title): cases open past their deadline on \(asAt.iso), by time overdue",
            columns: [.init("Time overdue", numeric: false), .init("Without exception"), .init("With exception"), .init("Total")],
            rows: m.backlog.bands.map { b in
                [b.label, ReportFormat.count(b.withoutException, suppressed: s), ReportFormat.count(b.withException, suppressed: s),
                 ReportFormat.count(b.total, suppressed: s)]
            } + [["Total", ReportFormat.count(m.backlog.total - m.backlog.withException, suppressed: s),
                  ReportFormat.count(m.backlog.withException, suppressed: s), ReportFormat.count(m.backlog.total, suppressed: s)]],
            note: "Exactly 4 weeks (28 days) overdue counts in “4 to under 12 weeks”; 12 and 26 weeks likewise start the next band. " + suppressionNote)
    }

    package func backlogSummary(_ m: MeasureReport) -> String {
        let b = m.backlog
        if b.suppressed { return "Suppressed: fewer than \(suppressBelow ?? 0) cases." }
        guard b.total > 0 else { return "No case is open past its deadline on \(ReportFormat.longDate(asAt))." }
        var text = "\(ReportFormat.plural(b.total, "case is", "cases are")) still open past the deadline on \(ReportFormat.longDate(asAt))"
        if b.withException > 0 {
            text += ", of which \(b.withException) \(b.withException == 1 ? "has" : "have") a statutory exception. "
                + "Excepted cases still have to be finished, so they are included here; the “Open overdue” counts above leave them out."
        } else {
            text += "."
        }
        return text + " The named cases are in exceptions.csv (the action list)."
    }

    package func exceptionSummary(_ m: MeasureReport) -> String {
        let e = m.exceptions
        if e.suppressed { return "Suppressed: fewer than \(suppressBelow ?? 0) cases." }
        guard e.total.excepted > 0 else { return "No case of this measure has a statutory exception." }
        return "\(e.total.excepted) of \(ReportFormat.plural(e.total.cases, "case")) "
            + "(\(ReportFormat.tenths(e.total.shareTenths)) %) \(e.total.excepted == 1 ? "has" : "have") a statutory exception."
    }

    /// Plain warnings about heavy use of exceptions, for the top of the measure's section.
    package func exceptionWarnings(_ m: MeasureReport) -> [String] {
        let limit = ReportModel.exceptionShareWarningPercent
        let why = "Check that each one is a genuine statutory ground with its reason recorded: "
            + "DfE has had to set aside the figures of councils that flagged every plan as an exception."
        var out: [String] = []
        if m.exceptions.total.isHigh {
            out.append("More than \(limit) % of all cases of this measure have a statutory exception "
                       + "(\(m.exceptions.total.excepted) of \(m.exceptions.total.cases)). " + why)
        }
        func list(_ shares: [ExceptionShare]) -> String {
            let shown = shares.prefix(8).map { "\($0.labels.joined(separator: " / ")) (\($0.excepted) of \($0.cases))" }
            return shown.joined(separator: ", ") + (shares.count > 8 ? " and \(shares.count - 8) more" : "")
        }
        let periods = m.highExceptionPeriods
        if !periods.isEmpty {
            out.append("More than \(limit) % of cases have a statutory exception in \(ReportFormat.plural(periods.count, period.noun)): "
                       + list(periods) + ". " + why)
        }
        let cohorts = m.highExceptionCohorts
        if !cohorts.isEmpty {
            out.append("More than \(limit) % of cases have a statutory exception for "
                       + "\(cohorts.count) \(byColumns.joined(separator: " and ")) group\(cohorts.count == 1 ? "" : "s"): " + list(cohorts) + ". " + why)
        }
        return out
    }

    package func exceptionReasonTable(_ m: MeasureReport) -> ReportTable {
        let s = m.exceptions.suppressed
        return ReportTable(caption: "\(m.title): cases with a statutory exception, by ground",
                           columns: [.init("Ground", numeric: false), .init("Code", numeric: false), .init("Cases")],
                           rows: m.exceptions.byReason.map { [$0.code.plainName(for: m.id), $0.code.rawValue, ReportFormat.count($0.count, suppressed: s)] }
                               + [["Total", "", ReportFormat.count(m.exceptions.excepted, suppressed: s)]],
                           note: suppressionNote)
    }

    package func exceptionShareTable(_ m: MeasureReport, cohorts: Bool) -> ReportTable? {
        let shares = cohorts ? m.exceptions.byCohort : m.exceptions.byPeriod
        guard !shares.isEmpty, !m.exceptions.suppressed else { return nil }
        let labelColumns: [ReportTable.Column] = cohorts ? byColumns.map { .init($0, numeric: false) } : [.init(period.heading, numeric: false)]
        let flag = "over \(ReportModel.exceptionShareWarningPercent) %"
        return ReportTable(
            caption: cohorts ? "\(m.title): exceptions by \(byColumns.joined(separator: " and ")), all \(period.nounPlural)"
                : "\(m.title): exceptions by \(period.noun) (\(period.nounPlural) with at least one)",
            columns: labelColumns + [.init("Excepted"), .init("Cases"), .init("Share %"), .init("Note", numeric: false)],
            rows: shares.map { x in
                x.labels + [ReportFormat.count(x.excepted, suppressed: x.suppressed), ReportFormat.count(x.cases, suppressed: x.suppressed),
                            ReportFormat.tenths(x.shareTenths, suppressed: x.suppressed), x.isHigh ? "Warning: " + flag : ""]
            },
            note: "Share = excepted ÷ all cases of the \(cohorts ? "group" : period.noun). " + suppressionNote)
    }

    // MARK: Benchmark

    package var benchmarkTable: ReportTable? {
        guard let b = benchmark else { return nil }
        return ReportTable(
            caption: "Final plans within 20 weeks, excluding exceptions, by calendar year: \(b.laName) (\(b.laCode)) beside published figures",
            columns: [.init("Year", numeric: false), .init("Plans (tool)"), .init("Within 20 weeks (tool)"), .init("Council % (tool)"),
                      .init("Council % (published)"), .init("\(b.regionName) %"), .init("England %")],
            rows: b.rows.map { r in
                let s = suppressBelow.map { r.ownPlans < $0 } ?? false
                return [String(r.year), ReportFormat.count(r.ownPlans, suppressed: s), ReportFormat.count(r.ownWithin20Weeks, suppressed: s),
                        s ? ReportFormat.suppressed : Self.percent(r.ownRate),
                        Self.percent(r.publishedRate), Self.percent(r.regionRate), Self.percent(r.englandRate)]
            },
            note: "Source of published figures: \(b.source) (DfE, Education, health and care plans). " + suppressionNote)
    }

    package var benchmarkCaveat: String {
        "The tool's figures come from this extract and count plans issued in each calendar year. They will differ from the published "
            + "figures (the council's SEN2 return) for a year the extract covers only in part, for cases corrected or closed since the return, "
            + "and where exceptions were recorded differently. A published figure shown as \(ReportFormat.none) is not available, not applicable or suppressed by DfE."
            + (window.isRestricted ? " The tool's figures here are for whole calendar years, whatever --from and --to: part of a year would not compare with a published year." : "")
    }

    package static func percent(_ v: Double?) -> String { v.map { Rates.formatTenths(Rates.tenths(ofPercent: $0)) } ?? ReportFormat.none }

    // MARK: Data quality

    package var dataQualitySummary: String {
        let q = dataQuality
        if q.errors + q.warnings == 0 { return "No row was rejected and there are no warnings." }
        let rejected = q.files.reduce(0) { $0 + $1.rejected }
        let blanked = q.keptRowErrors == 0 ? "" : "\(ReportFormat.plural(q.keptRowErrors, "unusable value")) in optional fields "
            + "read as blank (the rows were kept; only the measures that need the field were left out for the case: "
            + "\(ReportFormat.plural(q.notMeasured, "case-measure")) not measured), "
        return "\(ReportFormat.plural(rejected, "row was", "rows were")) rejected (\(ReportFormat.plural(q.errors - q.keptRowErrors, "problem"))), "
            + blanked
            + "and \(ReportFormat.plural(q.warnings, "warning")) recorded on rows that were kept: "
            + "\(ReportFormat.plural(q.kindCount, "kind")) of problem in all. Rejected rows are in no figure. "
            + "Every problem, with its file, line and value, is in data-quality.csv."
    }

    package var reconciliationTable: ReportTable {
        ReportTable(caption: "Reconciliation: every row read is analysed or rejected",
                    columns: [.init("File", numeric: false), .init("Rows read"), .init("Analysed"), .init("Rejected"),
                              .init("Reconciliation", numeric: false), .init("Problems (rejecting)"), .init("Warnings")],
                    rows: dataQuality.files.map { f in
                        [f.name, String(f.rowsRead), String(f.analysed), String(f.rejected),
                         "\(f.rowsRead) = \(f.analysed) + \(f.rejected)" + (f.reconciles ? " (reconciles)" : " (DOES NOT reconcile)"),
                         String(f.errors), String(f.warnings)]
                    })
    }

    /// Each exception reason not recognised, once, with how many cases gave it.
    package var reasonsTable: ReportTable? {
        guard !dataQuality.unrecognisedReasons.isEmpty else { return nil }
        return ReportTable(
            caption: "Exception reasons not recognised (each case counted without an exception)",
            columns: [.init("Reason as written", numeric: false), .init("Cells")],
            rows: dataQuality.unrecognisedReasons.map { [$0.reason, String($0.count)] },
            note: "A reason that is a statutory ground under another name can be mapped to its code in a profile, "
                + "under [values.exception_reason]; `ehcp-timeliness profile init` drafts the section.")
    }

    package var problemsTable: ReportTable? {
        guard !dataQuality.topKinds.isEmpty else { return nil }
        return ReportTable(
            caption: "The most frequent problems" + (dataQuality.kindCount > dataQuality.topKinds.count
                ? " (\(dataQuality.topKinds.count) of \(dataQuality.kindCount) kinds)" : ""),
            columns: [.init("Problem", numeric: false), .init("Count"), .init("Effect", numeric: false),
                      .init("Column", numeric: false), .init("First example", numeric: false)],
            rows: dataQuality.topKinds.map { k in
                [k.description, String(k.count), k.severity == .warning ? "warning, row kept" : k.keepsRow ? "field read as blank, measures named left out" : "row rejected",
                 k.column.isEmpty ? ReportFormat.none : k.column, k.exampleLine > 0 ? "line \(k.exampleLine) of \(k.exampleFile)" : k.exampleFile]
            },
            note: "“…” stands for the row's own value. Examples give the line in the file (the header is line 1).")
    }

    // MARK: Method

    package var methodMeasures: ReportTable {
        ReportTable(caption: "Measures and the law",
                    columns: [.init("Measure", numeric: false), .init("Id", numeric: false), .init("Rule", numeric: false), .init("Citation", numeric: false)],
                    rows: measures.map { [$0.title, $0.id.rawValue, $0.rule, $0.citation] },
                    note: "reg = the SEND Regulations 2014 (SI 2014/1530); CoP = SEND Code of Practice 0 to 25 (2015); CFA = Children and Families Act 2014.")
    }

    package var settingsTable: ReportTable {
        let literal = transferDeadline == .literal
        let rows: [[String]] = [
            ["As-at date", asAt.iso, "Open cases are judged on this date; it is the date the extract was taken."],
            ["Period (--period)", period.rawValue, "Cases are grouped by the \(period.noun) they were completed in, or are due in while open."],
            ["Cohorts (--by)", byColumns.isEmpty ? ReportFormat.none : byColumns.joined(separator: ", "), "Columns the figures are broken down by."],
            ["Review clock (--review-clock)", reviewClock.rawValue, reviewClock == .decision
                ? "An annual review is complete when the decision after the meeting is notified."
                : "An annual review is complete when the meeting is held."],
            ["Transfer deadline (--transfer-deadline)", transferDeadline.rawValue, literal
                ? "“Before 15 February” read literally: by 14 February (30 March for post-16)."
                : "“Before 15 February” read as by 15 February (31 March for post-16)."],
            ["Due within (--due-within)", "\(dueWithin) days", "Open cases due within this many days of the as-at date join the action list (exceptions.csv)."],
            ["Target (--target)", targetTenths.map { Rates.formatTenths($0) + " %" } ?? ReportFormat.none, "Drawn as a dashed line on the charts."],
            ["Suppression (--suppress-below)", suppressBelow.map { "fewer than \($0) cases" } ?? "none", "Cohorts this small have their counts and rates withheld."],
        ] + termDatesSettingRows + (window.isRestricted ? [[
            "Window (--from, --to)", [window.from.map { "from \($0.iso)" }, window.to.map { "to \($0.iso)" }].compactMap { $0 }.joined(separator: " "),
            "Only cases completed, or due while open, in this window are counted (both days included); cases.csv and the action list hold every case.",
        ]] : [])
        return ReportTable(caption: "Settings used",
                           columns: [.init("Setting", numeric: false), .init("Value", numeric: false), .init("Meaning", numeric: false)], rows: rows)
    }

    /// The settings table's row for `--term-dates`, when given.
    private var termDatesSettingRows: [[String]] {
        guard let t = termDates else { return [] }
        let meaning: String = "school_closure exceptions were checked against these closures: a claim stands only when a closure "
            + "of at least 4 weeks has its window (one week before it starts to one week before the school re-opens) on the case's "
            + "clock period, or on its school_advice_date; " + ReportFormat.plural(t.qualifying.count, "closure") + " of 4 weeks or more."
        return [["Term dates (--term-dates)", t.file, meaning]]
    }

    package var inputsTable: ReportTable {
        ReportTable(caption: "Input files",
                    columns: [.init("File", numeric: false), .init("Rows read"), .init("SHA-256", numeric: false)],
                    rows: dataQuality.files.map { [$0.name, String($0.rowsRead), $0.sha256] },
                    note: "The SHA-256 fingerprint identifies the exact file analysed: recompute it (sha256sum) to check a file is the same.")
    }

    package var conventions: [String] {
        [
            "All arithmetic is on whole calendar dates. “Within N weeks of X” means on or before X + 7N days: the day of X is not counted. "
                + "A request received on Monday 6 January 2025 is due by Monday 26 May 2025; a plan issued that day is on time, on 27 May it is late.",
            "Weekends and bank holidays never move a deadline.",
            "Statutory exceptions do not move a deadline: an excepted case keeps its due date and status, is flagged, and is left out of “On time %”. "
                + "A recorded reason that is not a statutory ground is not applied, and is listed as a data-quality warning.",
            "“On time %” = on time ÷ (on time + late), without exceptions. “On time % incl. overdue” = on time ÷ (on time + late + open overdue), "
                + "without exceptions. Rates are rounded half away from zero to one decimal; the 95 % interval is the Wilson score interval (z = 1.96).",
            "“12 months starting with” a date includes it: a plan dated 1 January 2019 is due its review by 31 December 2019.",
            "A case belongs to the \(period.noun) of its completion date, or of its due date while open.",
        ]
    }

    package var provenance: String {
        "Produced by \(toolName) \(toolVersion), rule set version \(ruleSetVersion), from the files above as at \(asAt.iso). "
            + "The same files and settings always give the same report, byte for byte."
    }
}

extension MeasureReport {
    /// The day-counting caveat, with the number of plans it concerns.
    package var dayCountingSentence: String {
        let n = completedOnDueDate
        let limit = IssueBands.within20WeeksDays
        var text = "The day a request is received is not counted, so a final plan issued on day \(limit) (the deadline) is on time. "
            + "Some guidance counts the day of receipt as day 1; \(ReportFormat.plural(n, "plan", "plans")) issued on day \(limit) would be late under that reading"
        if total.suppressed { return text + "." }
        if let now = total.rateExclTenths, let then = rateIfDueDayLateTenths, n > 0 {
            text += " (final plans on time: \(Rates.formatTenths(then)) % instead of \(Rates.formatTenths(now)) %)"
        }
        return text + "."
    }

    /// For measures other than final plans: how the due date is counted (from the
    /// measure's own limit), and how many cases were completed on it.
    package var dueDateSentence: String {
        if total.suppressed { return countingRule }
        let n = completedOnDueDate
        return countingRule + " \(ReportFormat.plural(n, "case was", "cases were")) completed exactly on the due date."
    }
}
