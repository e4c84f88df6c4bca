import Foundation
import Testing
@testable import EHCPRules
@testable import EHCPTimeliness
@testable import EHCPIngest

/// backlog.csv (outputs.md, "Version 2 additions"): the open caseload at each month end,
/// reconstructed from one extract, must be what an extract taken that day would report.
@Suite struct BacklogTests {
    /// Each extract's event dates and the code columns each carries (outputs.md's list),
    /// and the date before which a row does not exist yet (nil: it is in every extract).
    static func events(_ kind: String) -> (exists: String?, events: [(String, [String])]) {
        switch kind {
        case "requests":
            return ("request_date", [("assessment_decision_date", ["assessment_decision"]), ("plan_decision_date", ["plan_decision"]),
                                     ("draft_plan_date", []), ("final_plan_date", []), ("withdrawn_date", []), ("school_advice_date", [])])
        case "reviews":
            return ("plan_date", [("review_meeting_date", []), ("review_decision_date", ["review_decision"]),
                                  ("amendment_notice_date", []), ("amended_plan_date", []), ("no_amendment_date", []),
                                  ("ceased_date", []), ("transfer_in_date", []), ("transfer_in_notice_date", [])])
        case "reassessments":
            return ("request_date", [("decision_date", ["decision"]), ("final_plan_date", [])])
        case "orders":
            return ("order_date", [("notice_date", []), ("no_plan_date", []), ("draft_plan_date", []), ("final_plan_date", []),
                                   ("amended_plan_date", [])])
        default:  // transfers: the row is in every extract; its plan is the event
            return (nil, [("amended_plan_date", [])])
        }
    }

    /// A cell holding a real date: an unusable one (2025-02-31) is not an event of any
    /// day, and is left as it is (its measure is not checked on any day).
    static func isDate(_ cell: String) -> Bool { cell.count == 10 && Day(iso: cell) != nil }

    /// The extract as it would have been taken on `day`: every event dated after it
    /// blanked with the code it carries (outputs.md's list), a row that did not exist
    /// yet (a request received, a plan issued, an order made after it) left out.
    static func blank(_ csv: String, after day: String, kind: String) -> String {
        let rows = parseCSV(csv)
        let header = rows[0]
        func column(_ name: String) -> Int? { header.firstIndex(of: name) }
        let (exists, events) = Self.events(kind)
        var out = [header]
        for var row in rows.dropFirst() {
            if let exists, let r = column(exists), Self.isDate(row[r]), row[r] > day { continue }
            for (date, codes) in events {
                guard let d = column(date), Self.isDate(row[d]), row[d] > day else { continue }
                row[d] = ""
                for code in codes { if let c = column(code) { row[c] = "" } }
            }
            out.append(row)
        }
        return out.map { $0.map(csvCell).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// The extract less its rows with an event dated after `asAt`.
    static func withoutFutureEvents(_ csv: String, asAt: String, kind: String) -> String {
        let rows = parseCSV(csv)
        let (exists, events) = Self.events(kind)
        let columns = (events.map(\.0) + (exists.map { [$0] } ?? [])).compactMap { rows[0].firstIndex(of: $0) }
        let kept = [rows[0]] + rows.dropFirst().filter { row in !columns.contains { row[$0].count == 10 && row[$0] > asAt } }
        return kept.map { $0.map(csvCell).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    static func csvCell(_ s: String) -> String {
        s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// open_in_time and open_overdue by measure and team in a run's cases.csv.
    static func openCounts(_ casesCSV: String) -> [String: (Int, Int)] {
        let rows = parseCSV(casesCSV)
        let header = rows[0]
        let team = header.firstIndex(of: "team")!
        var counts: [String: (Int, Int)] = [:]
        for row in rows.dropFirst() {
            for key in [row[0] + " " + row[team], row[0] + " all"] {
                var c = counts[key] ?? (0, 0)
                if row[6] == "open_in_time" { c.0 += 1 }
                if row[6] == "open_overdue" { c.1 += 1 }
                counts[key] = c
            }
        }
        return counts
    }

    /// backlog.csv's rows at `day`, by "measure team".
    static func backlogAt(_ backlogCSV: String, _ day: String) -> [String: (Int, Int)] {
        var out: [String: (Int, Int)] = [:]
        for row in parseCSV(backlogCSV).dropFirst() where row[0] == day {
            out[row[1] + " " + row[2]] = (Int(row[3])!, Int(row[4])!)
        }
        return out
    }

    /// Every extract kind at once, from one generated population: each month end's
    /// backlog.csv rows of the last extract are that month's own extract's open counts,
    /// for every measure and team.
    @Test func theBacklogAtEachMonthEndFromTheLastExtractIsWhatThatMonthsExtractReports() throws {
        let folder = try TemporaryFolder()
        let asAt = "2025-10-31"
        let kinds = ["requests", "reviews", "transfers", "reassessments", "orders"]
        let gen = try CLI.run(["generate", "--out", folder.path + "/population", "--seed", "1804", "--requests", "3000",
                               "--reviews", "600", "--transfers", "400", "--reassessments", "500", "--orders", "500",
                               "--as-at", asAt])
        #expect(gen.status == 0, "\(gen.stderr)")
        // The generator's deliberate rows with an event after the extract's own date are a
        // data error (the date is read as unusable, the measure not checked); on the day
        // of such an event an earlier extract would show a plain blank. They are left out
        // here, so that each month end compares like with like.
        var extracts: [String: String] = [:]
        for kind in kinds {
            extracts[kind] = Self.withoutFutureEvents(try folder.read("population/\(kind).csv"), asAt: asAt, kind: kind)
        }
        func arguments(_ dir: String) -> [String] { kinds.flatMap { ["--\($0)", dir + "/\($0).csv"] } }
        for kind in kinds { try extracts[kind]!.write(toFile: folder.path + "/\(kind).csv", atomically: true, encoding: .utf8) }
        let last = try CLI.run(["analyse"] + arguments(folder.path) + ["--as-at", asAt, "--by", "team", "--out", folder.path + "/last"])
        #expect(last.status == 0, "\(last.stderr)")
        let backlog = try folder.read("last/backlog.csv")
        #expect(backlog.hasPrefix("as_at,measure,team,open_in_time,open_overdue\n"))
        // The as-at date is the last row; the month ends before it, one each.
        let days = parseCSV(backlog).dropFirst().map { $0[0] }
        #expect(days.last == asAt)
        #expect(Set(days).contains("2025-09-30") && Set(days).contains("2024-02-29"))
        // Every measure of every extract has a backlog.
        let measures = Set(parseCSV(backlog).dropFirst().map { $0[1] })
        let expected = Set(MeasureTable.standard.ids.map(\.rawValue))
        #expect(measures == expected, "missing: \(expected.subtracting(measures).sorted())")

        var seen: Set<String> = []
        for day in ["2024-12-31", "2025-06-30", "2025-08-31", "2025-09-30", asAt] {
            let dir = folder.path + "/as-at-\(day)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            for kind in kinds {
                try Self.blank(extracts[kind]!, after: day, kind: kind).write(toFile: dir + "/\(kind).csv", atomically: true, encoding: .utf8)
            }
            let run = try CLI.run(["analyse"] + arguments(dir) + ["--as-at", day, "--by", "team", "--out", dir + "/out"])
            #expect(run.status == 0, "\(run.stderr)")
            let own = Self.openCounts(try String(contentsOfFile: dir + "/out/cases.csv", encoding: .utf8))
            let reconstructed = Self.backlogAt(backlog, day)
            #expect(own.values.contains { $0.0 > 0 } && own.values.contains { $0.1 > 0 })
            // A measure and team with no open case on the day may have no backlog row (never open).
            #expect(Set(reconstructed.keys).isSubset(of: Set(own.keys)), "\(day)")
            for (key, counts) in own {
                let r = reconstructed[key] ?? (0, 0)
                #expect(r.0 == counts.0 && r.1 == counts.1, "\(day) \(key): backlog.csv \(r), that day's extract \(counts)")
                if counts.0 + counts.1 > 0 { seen.insert(String(key.split(separator: " ")[0])) }
            }
        }
        // The comparison met an open case of every measure on some month end, but the two
        // a case joins only with the notice that completes it (a no-plan decision, an
        // order to assess's no-plan notice): never open on any day, by their definition.
        let neverOpen: Set<String> = [MeasureID.noPlanDecision16w.rawValue, MeasureID.tribunalNoPlan10w.rawValue]
        #expect(seen == expected.subtracting(neverOpen), "never open on a compared day: \(expected.subtracting(seen).sorted())")
    }

    /// On the as-at date nothing is blanked: backlog.csv's last rows are cases.csv's open
    /// counts, also when repeated cases are taken back (each policy) and the extract is read in chunks.
    @Test(arguments: ["first", "last", "reject"])
    func theLastRowIsTheRunsOwnOpenCountWhateverTheDuplicatePolicy(policy: String) throws {
        let folder = try TemporaryFolder()
        let run = try CLI.run(["analyse", "--requests", Repo.root + "/SampleData/requests.csv",
                               "--transfers", Repo.root + "/SampleData/transfers.csv", "--as-at", "2025-10-31", "--by", "team",
                               "--duplicates", policy, "--out", folder.path + "/out"])
        #expect(run.status == 0, "\(run.stderr)")
        let own = Self.openCounts(try folder.read("out/cases.csv"))
        let last = Self.backlogAt(try folder.read("out/backlog.csv"), "2025-10-31")
        #expect(own.values.contains { $0.0 > 0 })
        for (key, counts) in own {
            let r = last[key] ?? (0, 0)
            #expect(r.0 == counts.0 && r.1 == counts.1, "\(key): backlog.csv \(r), cases.csv \(counts)")
        }
    }

    @Test func monthEndBoundariesWorkedByHand() throws {
        let folder = try TemporaryFolder()
        let header = "case_id,request_date,assessment_decision_date,assessment_decision,plan_decision_date,plan_decision,final_plan_date,withdrawn_date\n"
        let csv = try folder.write("requests.csv", header
            // 6-week decision due 2025-02-26, made on the month end 2025-02-28: open (in time)
            // on 31 January, closed on 28 February (decided that day), late.
            + "R1,2025-01-15,2025-02-28,assess,,,,\n"
            // Never decided: due 2025-02-21, in time on 31 January, overdue from 28 February.
            + "R2,2025-01-10,,,,,,\n"
            // Received and decided within February: never open at a month end.
            + "R3,2025-02-02,2025-02-20,refuse,,,,\n"
            // Withdrawn on 31 March, undecided: counted on 28 February, not on 31 March.
            + "R4,2025-02-10,,,,,,2025-03-31\n")
        let run = try CLI.run(["analyse", "--requests", csv, "--as-at", "2025-04-15", "--out", folder.path + "/out"])
        #expect(run.status == 0, "\(run.stderr)")
        let rows = parseCSV(try folder.read("out/backlog.csv"))
        let six = rows.filter { $0[1] == "decision-to-assess-6w" }.map { "\($0[0]) \($0[2]) \($0[3])" }
        #expect(six == ["2025-01-31 2 0", "2025-02-28 1 1", "2025-03-31 0 1", "2025-04-15 0 1"])
        // 20 weeks: R1 (assessed, due 2025-06-03) and R2 (undecided, due 2025-05-30) open
        // from January; R4 (due 2025-06-30) from February until its withdrawal; R3 refused.
        let twenty = rows.filter { $0[1] == "final-plan-20w" }.map { "\($0[0]) \($0[2]) \($0[3])" }
        #expect(twenty == ["2025-01-31 2 0", "2025-02-28 3 0", "2025-03-31 2 0", "2025-04-15 2 0"])
    }

    /// A plan's reviews at month ends, worked by hand (as-at 2025-03-15). EHCP1: plan
    /// 2024-01-15 (12-month review due 2025-01-15), meeting 2024-12-20 (decision due
    /// 2025-01-17), decided 2025-02-03 (late), so a new cycle from then. EHCP2: plan
    /// 2024-06-10, meeting held on the month end 2024-12-31 (a meeting that day was held
    /// on it; decision due 2025-01-28), never decided.
    @Test func reviewMonthEndsWorkedByHand() throws {
        let folder = try TemporaryFolder()
        let csv = try folder.write("reviews.csv", "case_id,plan_date,review_meeting_date,review_decision_date,review_decision\n"
            + "EHCP1,2024-01-15,2024-12-20,2025-02-03,maintain\n" + "EHCP2,2024-06-10,2024-12-31,,\n")
        let run = try CLI.run(["analyse", "--reviews", csv, "--as-at", "2025-03-15", "--out", folder.path + "/out"])
        #expect(run.status == 0, "\(run.stderr)")
        let rows = parseCSV(try folder.read("out/backlog.csv"))
        func at(_ measure: MeasureID, _ days: [String]) -> [String] {
            days.map { d in rows.first { $0[0] == d && $0[1] == measure.rawValue }.map { "\(d) \($0[2]) \($0[3])" } ?? "\(d) none" }
        }
        let days = ["2024-01-31", "2024-05-31", "2024-06-30", "2024-12-31", "2025-01-31", "2025-02-28", "2025-03-15"]
        // The first cycle overdue only on 31 January (due the 15th, completed 3 February);
        // the second in time from 3 February.
        #expect(at(.annualReview12m, days) == ["2024-01-31 1 0", "2024-05-31 1 0", "2024-06-30 2 0", "2024-12-31 2 0",
                                                "2025-01-31 1 1", "2025-02-28 2 0", "2025-03-15 2 0"])
        // Both decisions in time on 31 December (EHCP2's meeting that day counts), both
        // overdue on 31 January, EHCP1's made by 28 February.
        #expect(at(.reviewDecision4w, days) == ["2024-01-31 0 0", "2024-05-31 0 0", "2024-06-30 0 0", "2024-12-31 2 0",
                                                 "2025-01-31 0 2", "2025-02-28 0 1", "2025-03-15 0 1"])
    }

    /// Tribunal orders at month ends, worked by hand (as-at 2025-03-15). TO1: order to
    /// assess 2025-01-20, notice 2025-02-03 (its last day). TO2: order to assess
    /// 2024-12-02, notice on the month end 2024-12-31 (late), no-plan notice on the month
    /// end 2025-02-28: on the way to a plan until then. TO3: placement order 2025-01-10
    /// (due 2025-01-24), never amended.
    @Test func orderMonthEndsWorkedByHand() throws {
        let folder = try TemporaryFolder()
        let csv = try folder.write("orders.csv", "case_id,order_date,order_type,notice_date,no_plan_date,final_plan_date,amended_plan_date\n"
            + "TO1,2025-01-20,assess,2025-02-03,,,\n" + "TO2,2024-12-02,assess,2024-12-31,2025-02-28,,\n"
            + "TO3,2025-01-10,amend_placement,,,,\n")
        let run = try CLI.run(["analyse", "--orders", csv, "--as-at", "2025-03-15", "--out", folder.path + "/out"])
        #expect(run.status == 0, "\(run.stderr)")
        let rows = parseCSV(try folder.read("out/backlog.csv"))
        func at(_ measure: String, _ days: [String]) -> [String] {
            days.map { d in rows.first { $0[0] == d && $0[1] == measure }.map { "\(d) \($0[2]) \($0[3])" } ?? "\(d) none" }
        }
        let days = ["2024-12-31", "2025-01-31", "2025-02-28", "2025-03-15"]
        // The data start in December: no earlier row.
        #expect(rows.dropFirst().first?[0] == "2024-12-31")
        // TO2's notice given on 31 December closes it that day; TO1's open on 31 January only.
        #expect(at("tribunal-assess-notice-2w", days) == ["2024-12-31 0 0", "2025-01-31 1 0", "2025-02-28 0 0", "2025-03-15 0 0"])
        // TO2 towards a plan until its no-plan notice on 28 February; TO1 from 20 January.
        #expect(at("tribunal-final-plan-14w", days) == ["2024-12-31 1 0", "2025-01-31 2 0", "2025-02-28 1 0", "2025-03-15 1 0"])
        // A no-plan notice completes the measure it joins: never open, so no row.
        #expect(at("tribunal-no-plan-10w", days) == ["2024-12-31 none", "2025-01-31 none", "2025-02-28 none", "2025-03-15 none"])
        #expect(at("tribunal-placement-2w", days) == ["2024-12-31 0 0", "2025-01-31 0 1", "2025-02-28 0 1", "2025-03-15 0 1"])
    }

    /// A SEN2 return's backlog.csv ends with the run's own open counts (its requests,
    /// reviews and phase transfers, exported requests' open cases left out as cases.csv leaves them).
    @Test func theSEN2ReturnsLastRowIsItsOwnOpenCount() throws {
        let folder = try TemporaryFolder()
        let run = try CLI.run(["analyse", "--sen2", Repo.root + "/SampleData/sen2.xml", "--out", folder.path + "/out"])
        #expect(run.status == 0, "\(run.stderr)")
        var own: [String: (Int, Int)] = [:]
        for row in parseCSV(try folder.read("out/cases.csv")).dropFirst() {
            var c = own[row[0]] ?? (0, 0)
            if row[6] == "open_in_time" { c.0 += 1 }
            if row[6] == "open_overdue" { c.1 += 1 }
            own[row[0]] = c
        }
        let backlog = parseCSV(try folder.read("out/backlog.csv"))
        let lastDay = backlog.last![0]
        var last: [String: (Int, Int)] = [:]
        for row in backlog.dropFirst() where row[0] == lastDay { last[row[1]] = (Int(row[2])!, Int(row[3])!) }
        #expect(own.values.contains { $0.0 + $0.1 > 0 })
        // A measure never open has no row (no-plan-decision-16w: its decision completes it).
        #expect(Set(last.keys).isSubset(of: Set(own.keys)) && last.count >= 4)
        for (measure, counts) in own {
            let r = last[measure] ?? (0, 0)
            #expect(r.0 == counts.0 && r.1 == counts.1, "\(measure): backlog.csv \(r), cases.csv \(counts)")
        }
    }

    /// A SEN2 plan's spans, worked by hand: received 2023-11-01, plan from 2024-03-01,
    /// meeting 2025-01-10, LastReview 2025-02-20 (maintained), phase transfer due
    /// 2025-02-14 and finalised 2025-03-05; as at 2025-03-31. A return taken before the
    /// meeting had no review item, so no cycle; from the meeting the cycle from the plan
    /// (12 months beginning 2024-03-01: due 2025-02-28) and the decision (due 2025-02-07) are open; the review on
    /// 2025-02-20 closes both and opens the next cycle.
    @Test func aSEN2PlansSpansAreThoseOfEachEarlierReturn() {
        func d(_ s: String) -> Day { Day(iso: s)! }
        var plan = SEN2Plan(line: 10)
        plan.meeting = d("2025-01-10"); plan.decision = d("2025-02-20"); plan.cycleStart = d("2025-02-20")
        plan.transferDue = d("2025-02-14"); plan.transferFinal = d("2025-03-05")
        plan.lastReview = d("2025-02-20"); plan.reviewOutcome = "M"; plan.hasReviewItems = true
        plan.planStart = d("2024-03-01"); plan.received = d("2023-11-01")
        #expect(plan.asOf(d("2023-10-31")) == nil)
        var out = RuleTimings()
        let rules = RuleSettings(asAt: d("2025-03-31"))
        FileRun.planSpans(plan, rules: rules, measures: Set(MeasureTable.standard.ids), into: &out)
        let spans = out.spans.map { "\($0.measure.rawValue) \($0.from?.iso ?? "-") \($0.until?.iso ?? "-") \($0.due.iso)" }.sorted()
        #expect(spans == [
            "annual-review-12m 2025-01-10 2025-02-20 2025-02-28",
            "annual-review-12m 2025-02-20 - 2026-02-19",
            "phase-transfer 2023-11-01 2025-03-05 2025-02-14",
            "review-decision-4w 2025-01-10 2025-02-20 2025-02-07",
        ])
    }

    @Test func spansOfARequestFollowItsDecisionsAndWithdrawal() {
        var r = RequestRecord.blank
        r.requestDate = Day(iso: "2025-01-10")!
        r.assessmentDecisionDate = Day(iso: "2025-03-01")!
        r.assessmentDecision = .refuse
        var out = RuleTimings()
        let rules = RuleSettings(asAt: Day(iso: "2025-06-30")!)
        RequestRules.evaluate(r, rules: rules, into: &out)
        RequestRules.openSpans(r, rules: rules, into: &out)
        // Refused on 1 March: the 20-week clock ran until then, though the final extract
        // has no 20-week row for it.
        #expect(out.spans == [
            OpenSpan(measure: .decisionToAssess6w, from: r.requestDate, until: Day(iso: "2025-03-01")!, due: r.requestDate + 42),
            OpenSpan(measure: .finalPlan20w, from: r.requestDate, until: Day(iso: "2025-03-01")!, due: r.requestDate + 140),
        ])
        #expect(!out.timings.contains { $0.measure == .finalPlan20w })
    }

    /// The accumulator's month ends (a table of the last hundred years by distance from
    /// the as-at date, civil dates further back) agree with counting every span at every
    /// month end directly: spans from 1905 to after the as-at date, open-ended ones, spans
    /// on month ends and on the table's edge, added and some taken back.
    @Test func monthEndCountsAgreeWithCountingEachSpanAtEachMonthEnd() {
        let asAt = Day(iso: "2025-10-31")!
        let edge = asAt - 36_600
        var seed: UInt64 = 18
        func next(_ n: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(n))
        }
        let earliest = Day(iso: "1905-03-01")!
        var spans: [OpenSpan] = []
        for i in 0..<3000 {
            let base: Day = i % 10 == 0 ? edge + (next(120) - 60) : earliest + next(asAt - earliest + 200)
            // A clock open since before any data closes within the last 100 years (transfers
            // do): the accumulator counts those further back than any month end it writes.
            let from: Day? = next(20) == 0 && base > asAt - 36_000 ? nil : base
            let until: Day? = next(4) == 0 ? nil : base + next(900)
            let due = base + (next(10) == 0 ? -next(30) : next(400))
            spans.append(OpenSpan(measure: next(2) == 0 ? .decisionToAssess6w : .finalPlan20w, from: from, until: until, due: due))
        }
        var accumulator = BacklogAccumulator(asAt: asAt, measureCount: 3)
        accumulator.add(spans, cohort: 0)
        accumulator.add(Array(spans.prefix(500)), cohort: 0, weight: -1)
        let counted = Array(spans.dropFirst(500))
        let measures: [MeasureID] = [.decisionToAssess6w, .finalPlan20w]
        let rows = accumulator.rows(measures: measures, cohorts: [[]], ranks: [0], dimensionCount: 0)
        let points = accumulator.points()
        #expect(points.first! < Day(iso: "1906-01-01")!)
        var expected: [String] = []
        for p in points {
            for m in measures {
                var inTime = 0, overdue = 0
                for s in counted where s.measure == m && (s.from.map { $0 <= p } ?? true) && (s.until.map { p < $0 } ?? true) {
                    if p <= s.due { inTime += 1 } else { overdue += 1 }
                }
                expected.append("\(p.iso) \(m.rawValue) \(inTime) \(overdue)")
            }
        }
        let got = rows.map { "\($0.asAt.iso) \($0.measure.rawValue) \($0.openInTime) \($0.openOverdue)" }
        let first = got.indices.first { $0 < expected.count && got[$0] != expected[$0] }
        #expect(got == expected, "\(got.count) rows, \(expected.count) expected; first difference \(first.map { "\(got[$0]) vs \(expected[$0])" } ?? "none")")
    }
}
