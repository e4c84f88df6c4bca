import Foundation
import Testing
@testable import EHCPRules
@testable import EHCPTimeliness

/// backlog.csv (outputs.md, "Version 2 additions"): the open caseload at each month end,
/// reconstructed from one extract, must be what an extract taken that day would report.
@Suite struct BacklogTests {
    /// The extract as it would have been taken on `day`: every event dated after it
    /// blanked with the code it carries (outputs.md's list), a request received after
    /// it left out.
    static func blank(_ csv: String, after day: String, kind: String) -> String {
        let rows = parseCSV(csv)
        let header = rows[0]
        func column(_ name: String) -> Int? { header.firstIndex(of: name) }
        // Each event date and the code columns that go with it.
        let events: [(String, [String])]
        switch kind {
        case "requests":
            events = [("assessment_decision_date", ["assessment_decision"]), ("plan_decision_date", ["plan_decision"]),
                      ("draft_plan_date", []), ("final_plan_date", []), ("withdrawn_date", []), ("school_advice_date", [])]
        default:
            events = [("amended_plan_date", [])]
        }
        var out = [header]
        for var row in rows.dropFirst() {
            if kind == "requests", let r = column("request_date"), row[r].count == 10, row[r] > day { continue }
            for (date, codes) in events {
                guard let d = column(date), row[d].count == 10, row[d] > day else { continue }
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
        let events = kind == "requests"
            ? ["assessment_decision_date", "plan_decision_date", "draft_plan_date", "final_plan_date", "withdrawn_date",
               "school_advice_date", "request_date"]
            : ["amended_plan_date"]
        let columns = events.compactMap { rows[0].firstIndex(of: $0) }
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

    @Test func theBacklogAtEachMonthEndFromTheLastExtractIsWhatThatMonthsExtractReports() throws {
        let folder = try TemporaryFolder()
        let asAt = "2025-10-31"
        let gen = try CLI.run(["generate", "--out", folder.path + "/population", "--seed", "1804", "--requests", "3000",
                               "--reviews", "0", "--transfers", "400", "--as-at", asAt])
        #expect(gen.status == 0, "\(gen.stderr)")
        // The generator's deliberate rows with an event after the extract's own date are a
        // data error (the date is read as unusable, the measure not checked); on the day
        // of such an event an earlier extract would show a plain blank. They are left out
        // here, so that each month end compares like with like.
        let requests = Self.withoutFutureEvents(try folder.read("population/requests.csv"), asAt: asAt, kind: "requests")
        let transfers = Self.withoutFutureEvents(try folder.read("population/transfers.csv"), asAt: asAt, kind: "transfers")
        try requests.write(toFile: folder.path + "/requests.csv", atomically: true, encoding: .utf8)
        try transfers.write(toFile: folder.path + "/transfers.csv", atomically: true, encoding: .utf8)
        let last = try CLI.run(["analyse", "--requests", folder.path + "/requests.csv",
                                "--transfers", folder.path + "/transfers.csv", "--as-at", asAt, "--by", "team",
                                "--out", folder.path + "/last"])
        #expect(last.status == 0, "\(last.stderr)")
        let backlog = try folder.read("last/backlog.csv")
        #expect(backlog.hasPrefix("as_at,measure,team,open_in_time,open_overdue\n"))
        // The as-at date is the last row; the month ends before it, one each.
        let days = parseCSV(backlog).dropFirst().map { $0[0] }
        #expect(days.last == asAt)
        #expect(Set(days).contains("2025-09-30") && Set(days).contains("2024-02-29"))

        for day in ["2025-06-30", "2025-08-31", "2025-09-30", asAt] {
            let dir = folder.path + "/as-at-\(day)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try Self.blank(requests, after: day, kind: "requests").write(toFile: dir + "/requests.csv", atomically: true, encoding: .utf8)
            try Self.blank(transfers, after: day, kind: "transfers").write(toFile: dir + "/transfers.csv", atomically: true, encoding: .utf8)
            let run = try CLI.run(["analyse", "--requests", dir + "/requests.csv", "--transfers", dir + "/transfers.csv",
                                   "--as-at", day, "--by", "team", "--out", dir + "/out"])
            #expect(run.status == 0, "\(run.stderr)")
            let own = Self.openCounts(try String(contentsOfFile: dir + "/out/cases.csv", encoding: .utf8))
            let reconstructed = Self.backlogAt(backlog, day)
            #expect(own.values.contains { $0.0 > 0 } && own.values.contains { $0.1 > 0 })
            // A measure and team with no open case on the day may have no backlog row (never open).
            #expect(Set(reconstructed.keys).isSubset(of: Set(own.keys)), "\(day)")
            for (key, counts) in own {
                let r = reconstructed[key] ?? (0, 0)
                #expect(r.0 == counts.0 && r.1 == counts.1, "\(day) \(key): backlog.csv \(r), that day's extract \(counts)")
            }
        }
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
}
