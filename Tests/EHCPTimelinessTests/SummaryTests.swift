import Testing
import Generator
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs

private func day(_ iso: String) -> Day {
    guard let d = Day(iso: iso) else { fatalError("bad test date \(iso)") }
    return d
}

/// A case starting on `start` with a 140-day limit; a completed case finishes after
/// `elapsed` days (on time or late as `status` says), an open one has no completion.
private func makeCase(_ status: CaseStatus, measure: MeasureID = .finalPlan20w,
                      start: Day? = day("2025-01-06"), due: Day? = nil, elapsed: Int? = nil,
                      exception: ExceptionCode? = nil, dims: [String] = []) -> CaseResult {
    let dueDay = due ?? ((start ?? day("2025-01-06")) + 140)
    let base = start ?? (dueDay - 140)
    var completed: Day?
    switch status {
    case .onTime: completed = base + (elapsed ?? 100)
    case .late: completed = base + (elapsed ?? 160)
    case .openInTime, .openOverdue: completed = nil
    }
    return CaseResult(measure: measure, caseID: "c", line: 2, sequence: 0, start: start, due: dueDay,
                      completed: completed, status: status, exception: exception, dimensions: dims)
}

private func summarise(_ cases: [CaseResult], unit: PeriodUnit = .month, dims: Int = 0) -> SummaryAccumulator {
    var acc = SummaryAccumulator(unit: unit, dimensionCount: dims)
    for c in cases { acc.add(c) }
    return acc
}

/// The single all-periods row of a one-measure, no-dimension summary.
private func allRow(_ cases: [CaseResult]) -> SummaryRow {
    let rows = summarise(cases).rows().filter { $0.isAllPeriods }
    precondition(rows.count == 1)
    return rows[0]
}

// MARK: - Counting

struct SummaryCountingTests {
    @Test("statuses count only cases without an exception; excepted counts the rest; cases counts all")
    func countsWithAndWithoutExceptions() {
        let row = allRow([
            makeCase(.onTime), makeCase(.onTime), makeCase(.late), makeCase(.openInTime),
            makeCase(.openOverdue), makeCase(.openOverdue), makeCase(.openOverdue),
            makeCase(.onTime, exception: .personalCircumstances), makeCase(.late, exception: .schoolClosure),
            makeCase(.openOverdue, exception: .unspecified),
        ])
        #expect(row.cases == 10)
        #expect(row.onTime == 2)
        #expect(row.late == 1)
        #expect(row.openInTime == 1)
        #expect(row.openOverdue == 3)
        #expect(row.excepted == 3)
        #expect(Array(row.cells()[2...7]) == ["10", "2", "1", "1", "3", "3"])
    }

    @Test("without exceptions every case lands in exactly one status column")
    func countsWithoutExceptions() {
        let row = allRow([makeCase(.onTime), makeCase(.late), makeCase(.openInTime), makeCase(.openOverdue)])
        #expect([row.cases, row.onTime, row.late, row.openInTime, row.openOverdue, row.excepted] == [4, 1, 1, 1, 1, 0])
    }

    @Test("each rate uses its own denominator")
    func rateDefinitions() {
        // 3 on time, 1 late, 2 open overdue, 5 open in time; excepted: 2 on time, 2 late.
        var cases = [CaseResult]()
        cases += Array(repeating: makeCase(.onTime), count: 3)
        cases += [makeCase(.late)]
        cases += Array(repeating: makeCase(.openOverdue), count: 2)
        cases += Array(repeating: makeCase(.openInTime), count: 5)
        cases += Array(repeating: makeCase(.onTime, exception: .absentFromArea), count: 2)
        cases += Array(repeating: makeCase(.late, exception: .absentFromArea), count: 2)
        let row = allRow(cases)
        #expect(row.rateExclExceptions == 75.0)      // 3 / 4
        #expect(row.rateInclExceptions == 62.5)      // 5 / 8
        #expect(row.rateInclOverdue == 50.0)         // 3 / 6
        #expect(Array(row.cells()[8...10]) == ["75.0", "62.5", "50.0"])
    }
}

// MARK: - Blank cells for zero denominators

struct SummaryBlankTests {
    @Test("only open-in-time cases: every rate, the interval and the median are blank")
    func onlyOpenInTime() {
        let row = allRow([makeCase(.openInTime), makeCase(.openInTime)])
        #expect(row.rateExclExceptions == nil)
        #expect(row.rateInclExceptions == nil)
        #expect(row.rateInclOverdue == nil)
        #expect(row.ci95Low == nil && row.ci95High == nil)
        #expect(row.medianDays == nil)
        #expect(Array(row.cells()[8...]) == ["", "", "", "", "", "", "0", "0"])
    }

    @Test("only open-overdue cases: the overdue rate is 0.0, the completed rates are blank")
    func onlyOpenOverdue() {
        let row = allRow([makeCase(.openOverdue)])
        #expect(Array(row.cells()[8...]) == ["", "", "0.0", "", "", "", "0", "0"])
    }

    @Test("only excepted completed cases: the rate including exceptions alone is filled")
    func onlyExceptedCompleted() {
        let row = allRow([makeCase(.onTime, exception: .covid2020), makeCase(.late, exception: .covid2020)])
        #expect(row.rateExclExceptions == nil)
        #expect(row.rateInclExceptions == 50.0)
        #expect(row.rateInclOverdue == nil)
        #expect(Array(row.cells()[8...]) == ["", "50.0", "", "", "", "", "0", "0"])
    }

    @Test("Wilson interval of zero trials is nil")
    func wilsonZeroTrials() {
        #expect(Rates.wilsonTenths(0, of: 0) == nil)
        #expect(Rates.percentTenths(0, of: 0) == nil)
    }
}

// MARK: - Rounding

struct SummaryRoundingTests {
    @Test("rates from counts round half away from zero to exact tenths", arguments: [
        (1, 8, "12.5"), (1, 16, "6.3"), (3, 16, "18.8"), (7, 16, "43.8"), (2, 3, "66.7"),
        (5, 6, "83.3"), (1, 3, "33.3"), (1, 2, "50.0"), (0, 7, "0.0"), (7, 7, "100.0"),
        (23, 80, "28.8"), (41, 80, "51.3"), (51, 80, "63.8"), (281, 800, "35.1"), (1, 2000, "0.1"),
        (1, 2001, "0.0"),
    ])
    func exactRounding(part: Int, whole: Int, expected: String) {
        let tenths = Rates.percentTenths(part, of: whole)
        #expect(tenths.map(Rates.formatTenths) == expected)
    }

    @Test("23 of 80 is 28.75 %, which the obvious Double computation rounds down to 28.7")
    func floatingPointWouldBeWrong() {
        let viaDouble = (23.0 / 80.0 * 100 * 10).rounded(.toNearestOrAwayFromZero)
        #expect(viaDouble == 287)   // the trap this code avoids
        #expect(Rates.percentTenths(23, of: 80) == 288)
        var cases = Array(repeating: makeCase(.onTime), count: 23)
        cases += Array(repeating: makeCase(.late), count: 57)
        let row = allRow(cases)
        #expect(row.cells()[8] == "28.8")
        #expect(row.rateExclExceptions == 28.8)   // JSON sees the same rounded value
    }

    @Test("1 of 8 through a summary row writes 12.5 in CSV and 12.5 as a number")
    func eighthThroughRow() {
        let row = allRow([makeCase(.onTime)] + Array(repeating: makeCase(.late), count: 7))
        #expect(row.cells()[8] == "12.5")
        #expect(row.rateExclExceptions == 12.5)
    }

    @Test("tenths always print one decimal")
    func formatting() {
        #expect(Rates.formatTenths(0) == "0.0")
        #expect(Rates.formatTenths(500) == "50.0")
        #expect(Rates.formatTenths(667) == "66.7")
        #expect(Rates.formatTenths(1000) == "100.0")
        #expect(Rates.formatTenths(5) == "0.5")
    }
}

// MARK: - Wilson interval

struct SummaryWilsonTests {
    /// Expected values from a Python reference (z = 1.96, half away from zero).
    @Test("Wilson score interval matches known values", arguments: [
        (8, 10, 490, 943), (0, 10, 0, 278), (10, 10, 722, 1000), (1, 2, 95, 905),
        (1, 1, 207, 1000), (0, 1, 0, 793), (50, 100, 404, 596), (46, 100, 366, 557),
        (137, 300, 401, 513),
    ])
    func knownValues(successes: Int, trials: Int, low: Int, high: Int) {
        let w = Rates.wilsonTenths(successes, of: trials)
        #expect(w?.low == low)
        #expect(w?.high == high)
    }

    @Test("a summary row writes the interval of the rate excluding exceptions")
    func intervalInRow() {
        var cases = Array(repeating: makeCase(.onTime), count: 8) + [makeCase(.late), makeCase(.late)]
        cases += [makeCase(.late, exception: .unspecified), makeCase(.openOverdue)]   // not in n
        let row = allRow(cases)
        #expect(row.ci95Low == 49.0)
        #expect(row.ci95High == 94.3)
        #expect(Array(row.cells()[11...12]) == ["49.0", "94.3"])
    }

    @Test("all on time gives an upper bound of exactly 100.0 and none gives a lower bound of 0.0")
    func boundsAtExtremes() {
        #expect(Array(allRow(Array(repeating: makeCase(.onTime), count: 10)).cells()[11...12]) == ["72.2", "100.0"])
        #expect(Array(allRow(Array(repeating: makeCase(.late), count: 10)).cells()[11...12]) == ["0.0", "27.8"])
    }
}

// MARK: - Median

struct SummaryMedianTests {
    @Test("median of an odd count is the middle value")
    func oddCount() {
        let row = allRow([makeCase(.onTime, elapsed: 10), makeCase(.late, elapsed: 300), makeCase(.onTime, elapsed: 20)])
        #expect(row.medianDays == 20)
        #expect(row.cells()[13] == "20")
    }

    @Test("median of an even count is the mean of the two middle values, which may end in .5")
    func evenCount() {
        let whole = allRow([10, 20, 30, 41].map { makeCase(.onTime, elapsed: $0) })
        #expect(whole.medianDays == 25)
        #expect(whole.cells()[13] == "25")
        let half = allRow([makeCase(.onTime, elapsed: 10), makeCase(.onTime, elapsed: 11)])
        #expect(half.medianDays == 10.5)
        #expect(half.cells()[13] == "10.5")
    }

    @Test("repeated values are counted with their multiplicity")
    func repeatedValues() {
        let row = allRow([5, 5, 5, 100].map { makeCase(.onTime, elapsed: $0) })
        #expect(row.medianDays == 5)
        #expect(Rates.medianHalves([7: 2, 9: 2]) == 16)
        #expect(Rates.medianHalves([1: 1, 2: 1, 1000: 1, 1001: 1]) == 1002)   // (2 + 1000) / 2 = 501
    }

    @Test("a day histogram's median is the median of its counts, values below zero and past the dense run included")
    func dayHistogramMedianMatchesTheCounts() {
        var rng = SplitMix64(seed: 5)
        for _ in 0..<200 {
            var histogram = DayHistogram()
            var counts: [Int: Int] = [:]
            for _ in 0..<Int.random(in: 1...40, using: &rng) {
                let value = [Int.random(in: -400 ... -1, using: &rng), Int.random(in: 0...60, using: &rng),
                             Int.random(in: 2040...2100, using: &rng), Int.random(in: 0...3000, using: &rng)][Int.random(in: 0...3, using: &rng)]
                let weight = Int.random(in: 1...3, using: &rng)
                histogram.add(value, weight: weight)
                counts[value, default: 0] += weight
            }
            // A row taken back (weight -1) leaves a count of zero behind.
            if let (value, n) = counts.min(by: { $0.key < $1.key }), Bool.random(using: &rng) {
                histogram.add(value, weight: -n)
                counts[value] = nil
            }
            #expect(histogram.medianHalves() == Rates.medianHalves(counts))
        }
        #expect(DayHistogram().medianHalves() == nil)
    }

    @Test("excepted and open cases do not enter the median")
    func exceptedAndOpenExcluded() {
        let row = allRow([
            makeCase(.onTime, elapsed: 50),
            makeCase(.onTime, elapsed: 1, exception: .personalCircumstances),
            makeCase(.late, elapsed: 900, exception: .schoolClosure),
            makeCase(.openInTime), makeCase(.openOverdue),
        ])
        #expect(row.medianDays == 50)
    }

    @Test("median is blank with no completed case without an exception")
    func emptyMedian() {
        let row = allRow([makeCase(.onTime, exception: .unspecified), makeCase(.openOverdue)])
        #expect(row.medianDays == nil)
        #expect(row.cells()[13] == "")
        #expect(Rates.medianHalves([:]) == nil)
    }

    @Test("median is blank when the measure has no start date")
    func noStartDate() {
        let row = allRow([makeCase(.onTime, measure: .annualReview12m, start: nil, due: day("2025-06-01"))])
        #expect(row.onTime == 1)
        #expect(row.medianDays == nil)
        #expect(row.cells()[13] == "")
    }

    @Test("half days print as numbers, negative ones too")
    func halvesFormatting() {
        #expect(Rates.formatHalves(84) == "42")
        #expect(Rates.formatHalves(85) == "42.5")
        #expect(Rates.formatHalves(0) == "0")
        #expect(Rates.formatHalves(-3) == "-1.5")
        #expect(Rates.formatHalves(-4) == "-2")
    }

    @Test("the histogram holds one entry per distinct day count, not per case")
    func memoryIndependentOfCases() {
        var acc = SummaryAccumulator(unit: .year, dimensionCount: 0)
        for i in 0..<3000 { acc.add(makeCase(.onTime, elapsed: 100 + i % 3)) }
        #expect(acc.cells.count == 1)   // one cell: 2025, no cohort ("all" is summed from cells)
        #expect(acc.cells.allSatisfy { $0.days.distinctValues == 3 })
        #expect(acc.rows().last?.medianDays == 101)
    }
}

// MARK: - Periods, cohorts and totals

struct SummaryRowsTests {
    @Test("with no --by columns there is a row per period and one for all periods")
    func periodAndAllRows() {
        let acc = summarise([
            makeCase(.onTime, start: day("2025-01-06"), elapsed: 100),    // completed 2025-04-16
            makeCase(.late, start: day("2025-01-06"), elapsed: 160),      // completed 2025-06-15
            makeCase(.openOverdue, start: day("2025-01-06")),             // due 2025-05-26
        ])
        let rows = acc.rows()
        #expect(rows.map(\.period) == ["2025-04", "2025-05", "2025-06", "all"])
        #expect(rows.map(\.cases) == [1, 1, 1, 3])
        #expect(rows.allSatisfy { $0.cohort.isEmpty && !$0.isCohortTotal })
        #expect(rows[3].cells() == ["final-plan-20w", "all", "3", "1", "1", "0", "1", "0",
                                    "50.0", "50.0", "33.3", "9.5", "90.5", "130", "0", "0"])
    }

    @Test("with --by columns, totals across cohorts appear for each period and for all periods")
    func cohortTotals() {
        let q1 = day("2025-01-06")   // on time after 60 days → completed 2025-03-07 (Q1)
        let q2 = day("2025-03-03")   // on time after 60 days → completed 2025-05-02 (Q2)
        let acc = summarise([
            makeCase(.onTime, start: q1, elapsed: 60, dims: ["North", "under 5"]),
            makeCase(.late, start: q1, elapsed: 150, dims: ["North", "5 to 10"]),     // 2025-06-05, Q2
            makeCase(.onTime, start: q2, elapsed: 60, dims: ["South", "under 5"]),
            makeCase(.onTime, start: q2, elapsed: 60, exception: .unspecified, dims: ["North", "under 5"]),
        ], unit: .quarter, dims: 2)
        let summary = acc.rows().map { [$0.period] + $0.cohort + [String($0.cases)] }
        #expect(summary == [
            ["2025-Q1", "North", "under 5", "1"],
            ["2025-Q1", "all", "all", "1"],
            ["2025-Q2", "North", "5 to 10", "1"],
            ["2025-Q2", "North", "under 5", "1"],
            ["2025-Q2", "South", "under 5", "1"],
            ["2025-Q2", "all", "all", "3"],
            ["all", "North", "5 to 10", "1"],
            ["all", "North", "under 5", "2"],
            ["all", "South", "under 5", "1"],
            ["all", "all", "all", "4"],
        ])
        let total = acc.rows().last!
        #expect(total.isCohortTotal && total.isAllPeriods)
        #expect([total.onTime, total.late, total.excepted] == [2, 1, 1])
        #expect(total.medianDays == 60)
        // Only the all-columns total: no ("North", "all") partial rows.
        #expect(!acc.rows().contains { $0.cohort == ["North", "all"] || $0.cohort == ["all", "under 5"] })
    }

    @Test("a cohort whose value reads 'all' stays apart from the total across cohorts")
    func literalAllValue() {
        let acc = summarise([makeCase(.onTime, dims: ["all"]), makeCase(.late, dims: ["East"])], unit: .year, dims: 1)
        let allPeriods = acc.rows().filter(\.isAllPeriods)
        #expect(allPeriods.map(\.cohort) == [["East"], ["all"], ["all"]])
        #expect(allPeriods.map(\.isCohortTotal) == [false, false, true])
        #expect(allPeriods.map(\.cases) == [1, 1, 2])
    }

    @Test("rows sort by measure in catalogue order, period with all last, cohorts in byte order with the total last")
    func sortOrder() {
        let cases = [
            makeCase(.onTime, measure: .annualReview12m, start: nil, due: day("2025-02-10"), elapsed: 135, dims: ["b"]),
            makeCase(.onTime, measure: .finalPlan20w, start: day("2025-03-01"), elapsed: 10, dims: ["b"]),
            makeCase(.onTime, measure: .finalPlan20w, start: day("2025-01-01"), elapsed: 10, dims: ["é"]),
            makeCase(.onTime, measure: .finalPlan20w, start: day("2025-01-01"), elapsed: 10, dims: ["Z"]),
            makeCase(.onTime, measure: .finalPlan20w, start: day("2025-01-01"), elapsed: 10, dims: ["a"]),
            makeCase(.onTime, measure: .decisionToAssess6w, start: day("2025-12-01"), elapsed: 10, dims: ["a"]),
            makeCase(.onTime, measure: .decisionToAssess6w, start: day("2024-12-01"), elapsed: 10, dims: [""]),
        ]
        // Added in two different orders, the rows come out identical.
        let rows = summarise(cases, dims: 1).rows()
        #expect(summarise(cases.reversed(), dims: 1).rows() == rows)
        let keys = rows.map { "\($0.measure.rawValue) \($0.period) \($0.cohort[0])\($0.isCohortTotal ? "*" : "")" }
        #expect(keys == [
            "decision-to-assess-6w 2024-12 ",
            "decision-to-assess-6w 2024-12 all*",
            "decision-to-assess-6w 2025-12 a",
            "decision-to-assess-6w 2025-12 all*",
            "decision-to-assess-6w all ",
            "decision-to-assess-6w all a",
            "decision-to-assess-6w all all*",
            "final-plan-20w 2025-01 Z",
            "final-plan-20w 2025-01 a",
            "final-plan-20w 2025-01 é",
            "final-plan-20w 2025-01 all*",
            "final-plan-20w 2025-03 b",
            "final-plan-20w 2025-03 all*",
            "final-plan-20w all Z",
            "final-plan-20w all a",
            "final-plan-20w all b",
            "final-plan-20w all é",
            "final-plan-20w all all*",
            "annual-review-12m 2025-02 b",
            "annual-review-12m 2025-02 all*",
            "annual-review-12m all b",
            "annual-review-12m all all*",
        ])
    }

    @Test("with two --by columns, values sort column by column")
    func sortColumnByColumn() {
        let rows = summarise([
            makeCase(.onTime, dims: ["b", "a"]), makeCase(.onTime, dims: ["a", "z"]),
            makeCase(.onTime, dims: ["a", "b"]), makeCase(.onTime, dims: ["b", "A"]),
        ], unit: .year, dims: 2).rows().filter(\.isAllPeriods)
        #expect(rows.map(\.cohort) == [["a", "b"], ["a", "z"], ["b", "A"], ["b", "a"], ["all", "all"]])
    }

    @Test("header and cells follow the summary.csv column order")
    func headerAndCells() {
        #expect(SummaryRow.header(byColumns: ["team", "age_band"]) == [
            "measure", "period", "team", "age_band", "cases", "on_time", "late", "open_in_time",
            "open_overdue", "excepted", "rate_excl_exceptions", "rate_incl_exceptions",
            "rate_incl_overdue", "ci95_low", "ci95_high", "median_days", "not_measured", "short_representation",
        ])
        #expect(SummaryRow.header(byColumns: []).count == 16)
        let rows = summarise([makeCase(.onTime, elapsed: 42, dims: ["North", "under 5"])], unit: .financialYear, dims: 2).rows()
        #expect(rows[0].cells() == ["final-plan-20w", "2024-25", "North", "under 5", "1", "1", "0", "0", "0", "0",
                                    "100.0", "100.0", "100.0", "20.7", "100.0", "42", "", "0"])
        #expect(rows.allSatisfy { $0.cells().count == SummaryRow.header(byColumns: ["team", "age_band"]).count })
    }
}

// MARK: - Merging

struct SummaryMergeTests {
    private static func randomCases(count: Int, seed: UInt64) -> [CaseResult] {
        var rng = SplitMix64(seed: seed)
        let teams = ["North", "South", "all", "=East", ""]
        let bands = ["under 5", "5 to 10", "unknown"]
        return (0..<count).map { i in
            let measure = MeasureID.allCases.randomElement(using: &rng)!
            let start: Day? = Int.random(in: 0..<5, using: &rng) == 0 ? nil
                : day("2023-01-01") + Int.random(in: 0..<900, using: &rng)
            let due = (start ?? day("2023-06-01") + Int.random(in: 0..<900, using: &rng)) + 140
            let status = CaseStatus.allCases.randomElement(using: &rng)!
            let completed: Day? = switch status {
            case .onTime: due - Int.random(in: 0..<140, using: &rng)
            case .late: due + Int.random(in: 1..<200, using: &rng)
            case .openInTime, .openOverdue: nil
            }
            let exception: ExceptionCode? = Int.random(in: 0..<4, using: &rng) == 0
                ? ExceptionCode.allCases.randomElement(using: &rng) : nil
            return CaseResult(measure: measure, caseID: "c\(i)", line: i + 2, sequence: i, start: start, due: due,
                              completed: completed, status: status, exception: exception,
                              dimensions: [teams.randomElement(using: &rng)!, bands.randomElement(using: &rng)!])
        }
    }

    @Test("merging accumulators over chunks equals one accumulator over all cases",
          arguments: [(UInt64(1), PeriodUnit.month), (2, .quarter), (3, .academicYear), (4, .financialYear), (5, .year),
                     (6, .financialQuarter)])
    func mergeEqualsWhole(seed: UInt64, unit: PeriodUnit) {
        let cases = Self.randomCases(count: 400, seed: seed)
        let whole = summarise(cases, unit: unit, dims: 2)
        var rng = SplitMix64(seed: seed &* 31)
        let cut1 = Int.random(in: 0...cases.count, using: &rng)
        let cut2 = Int.random(in: cut1...cases.count, using: &rng)
        let chunks = [Array(cases[..<cut1]), Array(cases[cut1..<cut2]), Array(cases[cut2...])]
            .map { summarise($0, unit: unit, dims: 2) }

        var forward = SummaryAccumulator(unit: unit, dimensionCount: 2)
        for c in chunks { forward.merge(c) }
        var backward = chunks[2]
        backward.merge(chunks[0])
        backward.merge(chunks[1])

        #expect(forward == whole)
        #expect(backward == whole)
        #expect(forward.rows() == whole.rows())
        #expect(backward.rows().map { $0.cells() } == whole.rows().map { $0.cells() })
        let totals = whole.rows().filter { $0.isAllPeriods && $0.isCohortTotal }
        #expect(totals.count == Set(cases.map(\.measure)).count)
        #expect(totals.map(\.cases).reduce(0, +) == cases.count)
    }

    @Test("merging an empty accumulator changes nothing")
    func mergeEmpty() {
        let cases = Self.randomCases(count: 50, seed: 9)
        var acc = summarise(cases, dims: 2)
        let before = acc
        acc.merge(SummaryAccumulator(unit: .month, dimensionCount: 2))
        #expect(acc == before)
        var empty = SummaryAccumulator(unit: .month, dimensionCount: 2)
        #expect(empty.isEmpty && empty.rows().isEmpty)
        empty.merge(before)
        #expect(empty == before)
    }
}

/// Plans issued per calendar year (the 20-week benchmark's own figures), counted in an
/// array from the first year seen.
struct MeasureTalliesYearTests {
    /// A completed final plan, `onTime` or late, finished in `year`.
    static func completion(year: Int, onTime: Bool) -> CaseTiming {
        let completed = Day(year: year, month: 6, day: 1)!
        let start = completed - (onTime ? 100 : 200)
        return CaseTiming(measure: .finalPlan20w, start: start, due: start + 140, completed: completed,
                          status: onTime ? .onTime : .late, exception: nil)
    }

    @Test func yearsBeforeBetweenAndAfterTheFirstAreCountedAndMergeLikeOneTally() {
        var rng = SplitMix64(seed: 5)
        let years = (0..<400).map { _ in (year: Int.random(in: 2015...2025, using: &rng), onTime: Bool.random(using: &rng)) }
        var expected: [Int: (plans: Int, onTime: Int)] = [:]
        for y in years {
            expected[y.year, default: (0, 0)].plans += 1
            if y.onTime { expected[y.year, default: (0, 0)].onTime += 1 }
        }
        var whole = MeasureTallies(), first = MeasureTallies(), second = MeasureTallies()
        for (i, y) in years.enumerated() {
            let t = Self.completion(year: y.year, onTime: y.onTime)
            whole.add(t, asAt: t.due + 400)
            if i < 150 { first.add(t, asAt: t.due + 400) } else { second.add(t, asAt: t.due + 400) }
        }
        let asDictionary = { (t: MeasureTallies) in t.completedByYear.mapValues { [$0.plans, $0.onTime] } }
        #expect(asDictionary(whole) == expected.mapValues { [$0.plans, $0.onTime] })
        second.merge(first)  // the later chunk absorbing an earlier one, starting years apart
        #expect(second == whole)
    }

    @Test func aYearWhoseOnlyPlanIsTakenBackIsNotListed() {
        var tallies = MeasureTallies()
        tallies.add(Self.completion(year: 2021, onTime: true), asAt: Day(year: 2025, month: 1, day: 1)!)
        tallies.add(Self.completion(year: 2023, onTime: false), asAt: Day(year: 2025, month: 1, day: 1)!)
        tallies.add(Self.completion(year: 2023, onTime: false), asAt: Day(year: 2025, month: 1, day: 1)!, weight: -1)
        #expect(tallies.completedByYear.keys.sorted() == [2021])
        #expect(tallies.completedByYear[2021].map { [$0.plans, $0.onTime] } == [1, 1])
    }
}
