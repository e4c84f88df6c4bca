import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPTimeliness
@testable import EHCPOutputs

/// A measure is added by one entry in a measure table, with no change in Store or in the
/// row loop: these tests add entries here, in the test target, and run them through the
/// same code the row loop and the review reader call, taking every boundary from the entry.
@Suite struct AddingAMeasureTests {
    static let start = Day(iso: "2025-01-06")!
    static let asAt = Day(iso: "2030-06-30")!
    static let cohort = Cohort(values: [], ageBandSlots: [])

    /// "Final EHC plan within 26 weeks": the 20-week measure's clock, eligibility and
    /// exception column with a longer limit.
    static let finalPlan26w = MeasureDefinition(
        id: MeasureID("final-plan-26w", order: MeasureTable.standard.count), subject: "Final EHC plan",
        citation: "a local target", clockStart: "request date", dueDate: .weeks(26), completion: "Final plan issued",
        completedBy: "final plan issued", appliesTo: "requests not refused, not decided `no_plan`, not withdrawn",
        ruleTail: ".",
        evaluation: .requests(RequestMeasure(
            start: .requestDate, completion: .finalPlanDate,
            counts: RequestEligibility(withdrawn: .notCounted, assessmentDecision: .not(.refuse), planDecision: .not(.noPlan)),
            exception: .exceptionReason)))

    /// "Review decision within 2 weeks of the meeting".
    static let reviewDecision2w = MeasureDefinition(
        id: MeasureID("review-decision-2w", order: MeasureTable.standard.count), subject: "Review decision",
        titleTail: " of the meeting", citation: "a local target", clockStart: "meeting", dueDate: .weeks(2),
        completion: "Decision notified", completedBy: "decision notified", appliesTo: "every review meeting", ruleTail: ".",
        evaluation: .reviews(.afterMeeting(start: .meetingDate, completion: .decisionDate, decided: .any)))

    static func request(final: Day?) -> RequestRecord {
        RequestRecord(caseID: "R1", line: 2, requestDate: start, assessmentDecisionDate: start + 10, assessmentDecision: .assess,
                      finalPlanDate: final, exception: .none, decisionException: .none, cohort: cohort)
    }

    /// The request's timings under `table`, by the evaluator the row loop calls.
    static func timings(_ r: RequestRecord, _ table: MeasureTable, asAt: Day = asAt) -> [CaseTiming] {
        var out = RuleTimings()
        RequestRules.evaluate(r, rules: RuleSettings(asAt: asAt, measures: table), into: &out)
        return out.timings
    }

    @Test func anAddedRequestMeasuresLastOnTimeDayIsOnTimeAndTheNextDayIsLate() throws {
        let table = MeasureTable.standard.adding(Self.finalPlan26w)
        let id = Self.finalPlan26w.id
        #expect(table[id].title == "Final EHC plan within 26 weeks")
        #expect(table[id].dueText == "request date + 182 days")
        let lastOnTime = table[id].dueDate.due(from: Self.start)
        #expect(lastOnTime - Self.start == 26 * 7)

        let onTime = try #require(Self.timings(Self.request(final: lastOnTime), table).first { $0.measure == id })
        #expect(onTime.status == .onTime && onTime.due == lastOnTime && onTime.start == Self.start)
        let late = try #require(Self.timings(Self.request(final: lastOnTime + 1), table).first { $0.measure == id })
        #expect(late.status == .late)
        // Open: in time on the last day, overdue the day after.
        #expect(Self.timings(Self.request(final: nil), table, asAt: lastOnTime).first { $0.measure == id }?.status == .openInTime)
        #expect(Self.timings(Self.request(final: nil), table, asAt: lastOnTime + 1).first { $0.measure == id }?.status == .openOverdue)
    }

    @Test func anAddedMeasureComesAfterTheStandardOnesAndLeavesThemAsTheyWere() {
        let table = MeasureTable.standard.adding(Self.finalPlan26w)
        let record = Self.request(final: Self.start + 150)
        let standard = Self.timings(record, .standard)
        let extended = Self.timings(record, table)
        #expect(standard.map(\.measure) == [.decisionToAssess6w, .finalPlan20w])
        #expect(Array(extended.prefix(standard.count)) == standard)
        #expect(extended.map(\.measure) == standard.map(\.measure) + [Self.finalPlan26w.id])
        #expect(extended.last?.status == .onTime)  // late on the 20-week measure, on time on the 26-week one
        #expect(standard.last?.status == .late)
        #expect(table.ids == MeasureID.allCases + [Self.finalPlan26w.id])
        #expect(Self.finalPlan26w.id.order == MeasureTable.standard.count && Self.finalPlan26w.id.rawValue == "final-plan-26w")
    }

    @Test func anAddedMeasureCountsOnlyTheRequestsItsEntrySays() {
        let table = MeasureTable.standard.adding(Self.finalPlan26w)
        let id = Self.finalPlan26w.id
        var refused = Self.request(final: nil)
        refused.assessmentDecision = .refuse
        var withdrawn = Self.request(final: nil)
        withdrawn.withdrawnDate = Self.start + 20
        #expect(!Self.timings(refused, table).contains { $0.measure == id })
        #expect(!Self.timings(withdrawn, table).contains { $0.measure == id })
    }

    @Test func anEligibilityThatNoFieldTestSaysIsAClosureOverTheRecord() {
        // "Final plan within 8 weeks of the draft": only requests with a draft plan, and
        // only those whose request was in 2025.
        let fromDraft = MeasureDefinition(
            id: MeasureID("final-after-draft-8w", order: MeasureTable.standard.count), subject: "Final EHC plan",
            titleTail: " of the draft", citation: "a local target", clockStart: "draft plan", dueDate: .weeks(8),
            completion: "Final plan issued", completedBy: "final plan issued", appliesTo: "requests with a draft plan",
            ruleTail: ".",
            evaluation: .requests(RequestMeasure(
                start: .draftPlanDate, completion: .finalPlanDate,
                counts: RequestEligibility(also: { $0.requestDate.year == 2025 }), exception: nil)))
        let table = MeasureTable.standard.adding(fromDraft)
        let draft = Self.start + 100
        let lastOnTime = fromDraft.dueDate.due(from: draft)
        var r = Self.request(final: lastOnTime)
        #expect(!Self.timings(r, table).contains { $0.measure == fromDraft.id })  // no draft: no clock
        r.draftPlanDate = draft
        #expect(Self.timings(r, table).first { $0.measure == fromDraft.id }?.status == .onTime)
        r.finalPlanDate = lastOnTime + 1
        #expect(Self.timings(r, table).first { $0.measure == fromDraft.id }?.status == .late)
        r.requestDate = Day(iso: "2024-12-30")!
        #expect(!Self.timings(r, table).contains { $0.measure == fromDraft.id })  // the closure says no
    }

    @Test func theRowLoopTimesAnAddedMeasureFromACSVRow() throws {
        let folder = try TemporaryFolder()
        let lastOnTime = Self.finalPlan26w.dueDate.due(from: Self.start)
        let path = try folder.write("requests.csv", """
            case_id,request_date,assessment_decision_date,assessment_decision,final_plan_date
            R1,\(Self.start.iso),\((Self.start + 10).iso),assess,\(lastOnTime.iso)
            R2,\(Self.start.iso),\((Self.start + 10).iso),assess,\((lastOnTime + 1).iso)

            """)
        let rules = RuleSettings(asAt: Self.asAt, measures: MeasureTable.standard.adding(Self.finalPlan26w))
        let reader = try CSVReader(path: path)
        var header: [String] = []
        var found: [String: CaseTiming] = [:]
        try reader.read(onRow: { row in
            if header.isEmpty { header = (0..<row.count).map { row.string($0) }; return }
            let layout = try ColumnLayout(kind: .requests, header: header, profile: MappingProfile(), file: path)
            let context = ExtractContext(file: path, layout: layout, profile: MappingProfile(), dates: .automatic, asAt: Self.asAt)
            var rowReader = RowReader(context: context, row: row)
            var outcome = RuleTimings(), record = RequestRecord.blank
            var facts = CaseFacts(caseID: "", line: 0, sequence: 0, dimensions: [])
            let identity = try #require(RowBatch.judge(&rowReader, kind: .requests, cohortColumns: CohortColumns(by: [], layout: layout),
                                                       rules: rules, record: &record, facts: &facts, into: &outcome))
            found[identity.caseID] = outcome.timings.first { $0.measure == Self.finalPlan26w.id }
        }, onProblem: { Issue.record("malformed: \($0)") })
        #expect(found["R1"]?.status == .onTime)
        #expect(found["R2"]?.status == .late)
    }

    @Test func anAddedReviewMeasureIsTimedByTheSameEvaluatorAsTheStandardOnes() throws {
        let table = MeasureTable.standard.adding(Self.reviewDecision2w)
        let id = Self.reviewDecision2w.id
        let lastOnTime = Self.reviewDecision2w.dueDate.due(from: Self.start)
        #expect(lastOnTime - Self.start == 14)
        func status(decided: Day) throws -> CaseStatus? {
            let row = ReviewRow(caseID: "P1", line: 2, planDate: Self.start - 300, meetingDate: Self.start, decisionDate: decided,
                                decision: .maintain, cohort: Self.cohort)
            var out = RuleTimings()
            ReviewRules.evaluate(ReviewPlan(caseID: "P1", rows: [row]), rules: RuleSettings(asAt: Self.asAt, measures: table),
                                 into: &out)
            // The same value the other rules give, each timing with its row.
            #expect(out.rows.count == out.timings.count)
            return out.timings.first { $0.measure == id }?.status
        }
        #expect(try status(decided: lastOnTime) == .onTime)
        #expect(try status(decided: lastOnTime + 1) == .late)
    }

    // MARK: - Every entry's boundary, from the entry alone

    /// A code the match admits: the one it names, another than the one it excludes, or none.
    static func admitted<C: CaseIterable & Equatable>(_ match: CodeMatch<C>) -> C? {
        switch match {
        case .any: return nil
        case .only(let c): return c
        case .not(let c): return C.allCases.first { $0 != c }
        }
    }

    /// The status an entry gives a record built from the entry alone: its clock starting on
    /// `start`, stopping `offset` days after the entry's last on-time day. Nil when the entry
    /// is not timed that way (the annual chain, reg 18, a closure's eligibility).
    static func status(of d: MeasureDefinition, in table: MeasureTable, completedAtDueDatePlus offset: Int) -> CaseStatus? {
        guard d.dueDate.days != nil else { return nil }
        let done = d.dueDate.due(from: start) + offset
        let rules = RuleSettings(asAt: asAt, measures: table)
        var out = RuleTimings()
        switch d.evaluation {
        case .requests(let m):
            guard m.counts.also == nil else { return nil }
            var r = RequestRecord(caseID: "R1", line: 2, requestDate: start - 1, exception: .none, decisionException: .none, cohort: cohort)
            for (field, day) in [(m.start, start), (m.completion, done)] {
                switch field {
                case .requestDate: r.requestDate = day
                case .assessmentDecisionDate: r.assessmentDecisionDate = day
                case .planDecisionDate: r.planDecisionDate = day
                case .draftPlanDate: r.draftPlanDate = day
                case .finalPlanDate: r.finalPlanDate = day
                case .withdrawnDate: r.withdrawnDate = day
                case .schoolAdviceDate: r.schoolAdviceDate = day
                }
            }
            r.assessmentDecision = admitted(m.counts.assessmentDecision)
            r.planDecision = admitted(m.counts.planDecision)
            RequestRules.evaluate(r, rules: rules, into: &out)
        case .reviews(.afterMeeting(let startField, _, let completion, _, let decided)):
            var row = ReviewRow(caseID: "P1", line: 2, planDate: start - 300, meetingDate: start - 1, cohort: cohort)
            for (field, day) in [(startField, start), (completion, done)] { Self.set(field, day, in: &row) }
            row.decision = admitted(decided)
            ReviewRules.evaluate(ReviewPlan(caseID: "P1", rows: [row]), rules: rules, into: &out)
        case .reviews(.perPlan(let startField, let completion)):
            var row = ReviewRow(caseID: "P1", line: 2, planDate: start - 300, cohort: cohort)
            for (field, day) in [(startField, start), (completion, done)] { Self.set(field, day, in: &row) }
            ReviewRules.evaluate(ReviewPlan(caseID: "P1", rows: [row]), rules: rules, into: &out)
        case .reassessments(let m):
            var r = ReassessmentRecord(caseID: "A1", line: 2, requestDate: start - 1, cohort: cohort)
            for (field, day) in [(m.start, start), (m.completion, done)] {
                switch field {
                case .requestDate: r.requestDate = day
                case .decisionDate: r.decisionDate = day
                case .finalPlanDate: r.finalPlanDate = day
                }
            }
            r.decision = admitted(m.decided)
            ReassessmentRules.evaluate(r, rules: rules, into: &out)
        case .orders(let m):
            // Every order clock starts on the order date.
            var o = OrderRecord(caseID: "O1", line: 2, orderDate: start, type: m.type, cohort: cohort)
            switch m.completion {
            case .orderDate: return nil
            case .noticeDate: o.noticeDate = done
            case .noPlanDate: o.noPlanDate = done
            case .draftPlanDate: o.draftPlanDate = done
            case .finalPlanDate: o.finalPlanDate = done
            case .amendedPlanDate: o.amendedPlanDate = done
            }
            if m.outcome == .noPlan, o.noPlanDate == nil { o.noPlanDate = start + 1 }
            OrderRules.evaluate(o, rules: rules, into: &out)
        case .reviews(.annualChain), .transfers:
            return nil
        }
        return out.timings.first { $0.measure == d.id }?.status
    }

    static func set(_ field: ReviewDate, _ day: Day, in row: inout ReviewRow) {
        switch field {
        case .planDate: row.planDate = day
        case .meetingDate: row.meetingDate = day
        case .decisionDate: row.decisionDate = day
        case .amendmentNoticeDate: row.amendmentNoticeDate = day
        case .amendedPlanDate: row.amendedPlanDate = day
        case .noAmendmentDate: row.noAmendmentDate = day
        case .ceasedDate: row.ceasedDate = day
        case .transferInDate: row.transferInDate = day
        case .transferInNoticeDate: row.transferInNoticeDate = day
        }
    }

    @Test func everyEntryInWeeksIsOnTimeOnItsLastDayAndLateTheNextWhateverTheTable() {
        var checked: [String] = []
        for table in [MeasureTable.standard.adding(Self.finalPlan26w), MeasureTable.standard.adding(Self.reviewDecision2w)] {
            for d in table.definitions {
                guard let onTime = Self.status(of: d, in: table, completedAtDueDatePlus: 0) else { continue }
                #expect(onTime == .onTime, "\(d.id)")
                #expect(Self.status(of: d, in: table, completedAtDueDatePlus: 1) == .late, "\(d.id)")
                checked.append(d.id.rawValue)
            }
        }
        // The standard measures in weeks (twice: once per table) and the two added ones.
        #expect(Set(checked) == Set(MeasureTable.all.filter { $0.dueDate.days != nil }.map(\.id.rawValue)
                                    + ["final-plan-26w", "review-decision-2w"]))
    }

    /// End to end: the extended table in the run's rule settings is all it takes for the
    /// added measure to be read, timed, counted and written by the real run and outputs
    /// (the row loop, the parallel reader, the sinks and the writers are unchanged).
    @Test(arguments: [1, 3])
    func anAddedMeasureGoesThroughTheWholeRunIntoEveryOutput(jobs: Int) throws {
        let folder = try TemporaryFolder()
        let table = MeasureTable.standard.adding(Self.finalPlan26w)
        let due = table[Self.finalPlan26w.id].dueDate.due(from: Self.start)
        var text = "case_id,request_date,assessment_decision_date,assessment_decision,final_plan_date,team\n"
        text += "ON,\(Self.start.iso),\((Self.start + 10).iso),assess,\(due.iso),North\n"       // last on-time day
        text += "LATE,\(Self.start.iso),\((Self.start + 10).iso),assess,\((due + 1).iso),North\n" // first late day
        text += "OPEN,\(Self.start.iso),\((Self.start + 10).iso),assess,,South\n"                  // open, overdue
        text += "REF,\(Self.start.iso),\((Self.start + 10).iso),refuse,,South\n"                   // not counted
        for i in 0..<2000 { text += "P\(i),\(Self.start.iso),\((Self.start + 10).iso),assess,\((Self.start + 100).iso),North\n" }
        let path = try folder.write("requests.csv", text)
        var options = AnalysisOptions(inputs: [InputFile(kind: .requests, path: path)], asAt: Day(iso: "2025-10-31")!)
        options.rules.measures = table
        options.by = ["team"]
        options.jobs = jobs
        options.parallelThreshold = 0
        let run = try AnalysedRun.analyse(options)

        let cases = try OutputFiles.cases(run).split(separator: "\n").filter { $0.hasPrefix("final-plan-26w,") }
        #expect(cases.count == 2003)
        #expect(cases.contains { $0.hasPrefix("final-plan-26w,ON,2,") && $0.contains(",on_time,") })
        #expect(cases.contains { $0.hasPrefix("final-plan-26w,LATE,3,") && $0.contains(",late,") })
        #expect(cases.contains { $0.hasPrefix("final-plan-26w,OPEN,4,") && $0.contains(",open_overdue,") })
        #expect(!cases.contains { $0.hasPrefix("final-plan-26w,REF,") })
        // After the standard measures, in table order.
        let all = try OutputFiles.cases(run)
        #expect(all.range(of: "\nphase-transfer")?.lowerBound ?? all.startIndex < all.range(of: "\nfinal-plan-26w")!.lowerBound)

        let summary = OutputFiles.summary(run.result).split(separator: "\n").filter { $0.hasPrefix("final-plan-26w,all,all,") }
        #expect(summary.count == 1)
        #expect(summary.first?.hasPrefix("final-plan-26w,all,all,2003,2001,1,0,1,") == true, "\(summary)")
        #expect(OutputFiles.summaryJSON(run.result).contains("\"title\": \"Final EHC plan within 26 weeks\""))
        #expect(try OutputFiles.exceptions(run).contains("final-plan-26w,OPEN,\(due.iso),open_overdue"))
        let report = ReportModel(run.result)
        #expect(report.measures.map(\.id).last == Self.finalPlan26w.id)
        #expect(report.measures.last?.title == "Final EHC plan within 26 weeks")
    }
}
