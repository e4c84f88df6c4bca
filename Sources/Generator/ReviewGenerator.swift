import EHCPTimeliness
import EHCPOutputs
import EHCPStore
import EHCPRules

/// Writes a synthetic canonical reviews extract: one row per annual review meeting, and
/// one row with a blank meeting date for a plan not yet reviewed.
///
/// Every plan is a pure function of (seed, plans, asAt, plan index): its random numbers
/// come from its own SplitMix64 streams. Plans are written in blocks of 16 whose rows are
/// interleaved by the block's own stream, so a plan's rows are seldom adjacent and some
/// plans are written newest first; only one block is held at a time, so memory does not
/// grow with `plans`. The same seed gives byte-identical files on every machine. All ids
/// and names are fictional.
///
/// What the data looks like (measured by the tests): plans issued over the 72 months up
/// to `asAt`; each review meeting mostly 9–12 months after the previous completion (the
/// decision notice; the plan date for the first review), so roughly a quarter of the
/// completed cycles are late under the decision clock and some plans have gone more than
/// a year without a review; ~75 % of decisions within 28 days of the meeting; decisions
/// ~60 % maintain, ~35 % amend, ~5 % cease (a cease ends the chain); for amend, the
/// amendment notice mostly with the decision, the final amended plan ~60 % within 56 days
/// of the notice, some later and some never issued, a few notices not recorded; ~3 % of
/// plans ceased by a `ceased_date` without a cease decision; the plan date on every row,
/// or (~12 % of plans with several rows) only on the first. Nothing after `asAt` is
/// written: a meeting after it has not happened, a decision after it is blank (an open
/// cycle). On top of that, in each block of 1,000 plans, three plans of each deliberate
/// kind (`ReviewPlanKind`): boundary dates, bad rows inside otherwise valid plans, the
/// two data-quality warning cases, and the cases of rule set version 2 (`ReviewV2Case`):
/// plans transferred in from another authority (the transfer date on every row, the
/// notice of reg 15(4) on the first), decisions not to amend, and covid_2020 claims in
/// and out of SI 2020/471's window.
public struct ReviewGenerator: Sendable {
    public let seed: UInt64
    public let plans: Int
    public let asAt: Day

    /// The canonical reviews header, in file order.
    public static let header = [
        "case_id", "plan_date", "review_meeting_date", "review_decision_date", "review_decision",
        "amendment_notice_date", "amended_plan_date", "no_amendment_date", "ceased_date", "transfer_in_date",
        "transfer_in_notice_date", "exception_reason", "team", "caseworker", "date_of_birth",
    ]

    /// Plans whose rows are interleaved with each other.
    package static let blockSize = 16
    /// Deliberate plans take fixed slots in each block of this many plans.
    package static let kindBlockSize = 1000
    /// Plans of each deliberate kind per `kindBlockSize` plans.
    package static let perKind = 3
    /// Safety limit on meetings per plan (six years of reviews need at most seven).
    package static let maxMeetings = 9
    /// Generous upper bound of one encoded row (the longest is under 200 bytes).
    package static let maxRowBytes = 512

    /// First possible plan date: the day after `asAt` less 72 months.
    package let firstPlanDate: Day
    private let caseWidth: Int
    private let text: ReviewTextTables

    public init(seed: UInt64, plans: Int, asAt: Day) {
        precondition(plans >= 0, "plans must not be negative")
        self.seed = seed
        self.plans = plans
        self.asAt = asAt
        self.firstPlanDate = asAt.addingMonths(-72) + 1
        self.caseWidth = max(6, RequestGenerator.decimalDigits(plans))
        self.text = ReviewTextTables()
    }

    // MARK: - Writing

    /// Writes the canonical reviews extract (ISO dates, canonical codes, `\n`).
    // Untyped `throws` on purpose: see OutputFolder.write (Swift 6.3 -O crash).
    public func write(to path: String) throws {
        try writeFile(to: path)
    }

    private func writeFile(to path: String) throws(GeneratorError) {
        let out = try OutputFile(path: path)
        do {
            let line = Array(ReviewGenerator.header.joined(separator: ",").utf8)
            try out.reserve(line.count + 1)
            out.append(line)
            out.append(10)
            var block: [SyntheticPlan] = []
            block.reserveCapacity(ReviewGenerator.blockSize)
            var order: [Int] = []
            var taken: [Int] = []
            var blockIndex = 0
            while blockIndex * ReviewGenerator.blockSize < plans {
                let start = blockIndex * ReviewGenerator.blockSize
                block.removeAll(keepingCapacity: true)
                for index in start..<min(plans, start + ReviewGenerator.blockSize) { block.append(plan(at: index)) }
                interleave(block, block: blockIndex, into: &order)
                taken.removeAll(keepingCapacity: true)
                taken.append(contentsOf: repeatElement(0, count: block.count))
                for slot in order {
                    let p = block[slot]
                    let k = taken[slot]
                    taken[slot] = k + 1
                    let row = p.reversed ? p.rows[p.rows.count - 1 - k] : p.rows[k]
                    try out.reserve(ReviewGenerator.maxRowBytes)
                    encode(row, of: p, into: out)
                }
                blockIndex += 1
            }
            try out.close()
        } catch {
            out.discard()
            throw error
        }
    }

    /// The order in which a block's rows are written, as plan slots in the block: a
    /// uniformly random merge of the plans' row sequences (each plan keeps its own order).
    package func interleave(_ block: [SyntheticPlan], block blockIndex: Int, into order: inout [Int]) {
        order.removeAll(keepingCapacity: true)
        var rng = stream(blockIndex, 4)
        var remaining = 0
        for p in block { remaining += p.rows.count }
        var left = block.map(\.rows.count)
        while remaining > 0 {
            var r = rng.below(remaining)
            var slot = 0
            while r >= left[slot] { r -= left[slot]; slot += 1 }
            order.append(slot)
            left[slot] -= 1
            remaining -= 1
        }
    }

    private func encode(_ row: SyntheticReviewRow, of plan: SyntheticPlan, into out: OutputFile) {
        let comma = UInt8(ascii: ",")
        out.append(text.casePrefix)
        out.appendDigits(plan.caseNumber, width: caseWidth)
        out.append(comma)
        if let d = row.planDate { out.appendISO(.day(d)) }
        out.append(comma)
        if let d = row.meeting { out.appendISO(d) }
        out.append(comma)
        if let d = row.decisionDate { out.appendISO(d) }
        out.append(comma)
        if let v = row.decision { out.append(text.decisions[v.rawValue]) }
        out.append(comma)
        if let d = row.notice { out.appendISO(.day(d)) }
        out.append(comma)
        if let d = row.amended { out.appendISO(.day(d)) }
        out.append(comma)
        if let d = row.noAmendment { out.appendISO(.day(d)) }
        out.append(comma)
        if let d = row.ceased { out.appendISO(.day(d)) }
        out.append(comma)
        if let d = row.transferIn { out.appendISO(.day(d)) }
        out.append(comma)
        if let d = row.transferNotice { out.appendISO(.day(d)) }
        out.append(comma)
        if row.covidClaim { out.append(text.covid) }
        out.append(comma)
        out.append(text.teams[plan.team])
        out.append(comma)
        out.append(text.caseworkers[plan.caseworker])
        out.append(comma)
        out.appendISO(.day(plan.dateOfBirth))
        out.append(10)
    }

    // MARK: - Plans

    /// The plan at `index` (0-based) with its rows in date order: a pure function of the
    /// generator's settings.
    package func plan(at index: Int) -> SyntheticPlan {
        let kind = self.kind(at: index)
        var id = stream(index, 1)
        var ev = stream(index, 2)
        var look = stream(index, 3)

        // Identity.
        let team = RequestGenerator.teamChoice.pick(&id)
        let caseworker = team + RequestGenerator.teams.count * id.below(RequestGenerator.caseworkersPerTeam)
        let age = RequestGenerator.ageAtRequest.pick(&id)
        let extraDays = id.below(365)
        let planRoll = id.below(Int(asAt - firstPlanDate) + 1)

        // How the rows are written.
        let firstRowOnlyRoll = look.below(1000)
        let reverseRoll = look.below(1000)
        let ceaseByDateRoll = look.below(1000)
        let ceaseFraction = look.below(1000)
        let conflictShift = look.int(in: 1...40)

        // The plan date.
        var planDate = firstPlanDate + planRoll
        var forced = false
        switch kind {
        case .boundary(let b):
            switch b {
            case .latestLeapDay, .earlierLeapDay, .march31, .january31, .otherMonthEnd:
                if let d = specialPlanDate(b, rng: &look) { planDate = d }
            default:
                forced = true
            }
        case .bad, .warning, .version2:
            forced = true
        case .normal:
            break
        }
        // Plans whose first cycle is set up on purpose start early enough for it to have
        // happened by asAt; plans with a bad row or a warning early enough for a second
        // meeting too, so that they keep valid rows.
        let latestForced: Day
        switch kind {
        case .bad, .warning: latestForced = asAt - 800
        // A plan transferred in needs its second cycle, the new authority's first, complete.
        case .version2: latestForced = asAt - 900
        default: latestForced = asAt - 500
        }
        if forced && latestForced >= firstPlanDate {
            planDate = firstPlanDate + planRoll % (latestForced - firstPlanDate + 1)
        }
        // A covid_2020 claim on a decision due in SI 2020/471's window: the plan early
        // enough for its first meeting to fall then (nil when the plans start too late).
        var covidMeeting: Day? = nil
        if kind == .version2(.covidInWindow) {
            var extra = stream(index, 5)
            let meeting = StatutoryExceptions.covidWindow.lowerBound + extra.int(in: 12...100) - 28
            let earliest = max(firstPlanDate, meeting - 300)
            if meeting - earliest >= 120 {
                planDate = earliest + extra.below(30)
                covidMeeting = meeting
            }
        }
        let dob = planDate.addingMonths(-12 * age) - extraDays

        var transfer: (date: Day, notice: Day?)? = nil
        var rows = chain(from: planDate, kind: forced ? kind : .normal, covidMeeting: covidMeeting, transfer: &transfer, rng: &ev)
        if transfer == nil, kind == .normal, asAt - planDate > 60 {
            // About 2.5 % of the other plans moved in from another authority at any time of
            // their life, so that the measure has recent cases: the notice mostly within
            // its 6 weeks, some late, some not sent by the as-at date.
            var moved = stream(index, 6)
            if moved.below(1000) < 25 {
                let date = planDate + 30 + moved.below(asAt - planDate - 30)
                let notice = date + (moved.below(100) < 80 ? moved.int(in: 10...42) : moved.int(in: 43...90))
                transfer = (date, notice <= asAt ? notice : nil)
            }
        }
        if let transfer {
            for k in rows.indices { rows[k].transferIn = transfer.date }
            rows[0].transferNotice = transfer.notice
        }
        if kind == .version2(.covidOutOfWindow) || (kind == .version2(.covidInWindow) && covidMeeting == nil) {
            // A claim on the latest decided review: its deadlines are years after 2020.
            let k = rows.lastIndex { $0.decisionDate != nil } ?? rows.count - 1
            rows[k].covidClaim = true
        }

        // A ceased_date without a cease decision (~3 % of plans), or after one (some).
        let endsInCease = rows.last?.decision == .cease
        if kind == .normal, !endsInCease, ceaseByDateRoll < 38, asAt - planDate > 60 {
            let chosen = planDate + 30 + ceaseFraction * (asAt - planDate - 30) / 1000
            while rows.count > 1, let m = rows.last?.meeting, case .day(let d) = m, d >= chosen { rows.removeLast() }
            if rows.count == 1, let m = rows[0].meeting, case .day(let d) = m, d >= chosen {
                rows[0] = SyntheticReviewRow()
            }
            let last = rows[rows.count - 1].latestEvent ?? planDate
            rows[rows.count - 1].ceased = min(asAt, max(chosen, last + 1))
        } else if endsInCease, ceaseByDateRoll < 400, case .day(let d)? = rows.last?.decisionDate {
            let ceased = d + ceaseFraction % 45
            if ceased <= asAt { rows[rows.count - 1].ceased = ceased }
        }

        // The plan date as recorded: on every row, only on the first (some plans with
        // several rows), or (warning case) a different date on one later row.
        for k in rows.indices { rows[k].planDate = planDate }
        if kind == .normal, rows.count > 1, firstRowOnlyRoll < 125 {
            for k in rows.indices.dropFirst() { rows[k].planDate = nil }
        }
        if kind == .warning(.conflictingPlanDates), rows.count > 1 {
            let k = 1 + conflictShift % (rows.count - 1)
            rows[k].planDate = conflictShift % 2 == 0 ? planDate - conflictShift : planDate + conflictShift
        }

        if case .bad(let bad) = kind { spoil(&rows, as: bad, planDate: planDate, rng: &look) }

        return SyntheticPlan(index: index, kind: kind, caseNumber: index + 1, team: team,
                             caseworker: caseworker, dateOfBirth: dob, planDate: planDate, rows: rows,
                             reversed: rows.count > 1 && reverseRoll < 150)
    }

    /// The plan's review meetings in date order, each with what followed it by asAt.
    /// `kind` shapes the first cycle of the deliberate plans.
    private func chain(from planDate: Day, kind: ReviewPlanKind, covidMeeting: Day?, transfer: inout (date: Day, notice: Day?)?,
                       rng: inout SplitMix64) -> [SyntheticReviewRow] {
        var rows: [SyntheticReviewRow] = []
        var start = planDate
        var nextMeeting: Day? = nil
        var cycle = 0
        while rows.count < ReviewGenerator.maxMeetings {
            // Draw everything for the cycle first, so overrides do not shift the stream.
            let gap = ReviewGenerator.meetingGaps.pick(&rng)
            var delay = ReviewGenerator.decisionDelays.pick(&rng)
            var outcome = SyntheticReviewDecision(rawValue: ReviewGenerator.outcomeChoice.pick(&rng))!
            var noticeDelay = ReviewGenerator.noticeDelays.pick(&rng)
            var amendedDelay = ReviewGenerator.amendedDelays.pick(&rng)
            let small = rng.int(in: 3...25)
            let roll = rng.below(1000)
            var noticeBlank = roll < 25
            var amendedNever = roll >= 30 && roll < 90
            var stuck = roll >= 990  // decision never recorded: the chain stops, overdue
            var notAmending = false  // a decision not to make the proposed amendments (reg 22(4))
            var covidClaim = false
            let pending = nextMeeting
            var meeting = pending ?? start + gap
            nextMeeting = nil
            var noticeDay: Int? = nil  // notice as days after the meeting, when forced

            if cycle == 1, kind != .normal {
                if case .boundary = kind {} else {
                    // A plan with a bad row or a warning has a second meeting, with a
                    // decision, soon enough to have happened by asAt.
                    if pending == nil { meeting = start + min(gap, 340) }
                    stuck = false
                }
            }
            if cycle == 0, kind != .normal {
                stuck = false
                if outcome == .cease { outcome = .maintain }
                meeting = start + min(gap, 340)
                let due = planDate.endOfTwelveMonthPeriod
                switch kind {
                case .boundary(.completionOnDue), .boundary(.completionDayAfter):
                    let completion = kind == .boundary(.completionOnDue) ? due : due + 1
                    meeting = completion - small
                    delay = small
                case .boundary(.meetingOnDue), .boundary(.meetingDayAfter):
                    meeting = kind == .boundary(.meetingOnDue) ? due : due + 1
                    delay = small
                case .boundary(.decisionDay27): delay = 27
                case .boundary(.decisionDay28): delay = 28
                case .boundary(.decisionDay29): delay = 29
                case .boundary(.noticeDay28), .boundary(.noticeDay29):
                    outcome = .amend
                    noticeDay = kind == .boundary(.noticeDay28) ? 28 : 29
                    delay = min(delay, noticeDay!)
                    noticeBlank = false
                case .boundary(.amendedDay56), .boundary(.amendedDay57):
                    outcome = .amend
                    delay = min(delay, 28)
                    noticeDelay = min(noticeDelay, 5)
                    amendedDelay = kind == .boundary(.amendedDay56) ? 56 : 57
                    noticeBlank = false; amendedNever = false
                case .bad(.amendedBeforeNotice):
                    outcome = .amend
                    delay = min(delay, 28)
                    amendedDelay = min(amendedDelay, 56)
                    noticeBlank = false; amendedNever = false
                case .bad, .warning(.conflictingPlanDates):
                    delay = min(delay, 28)
                case .warning(.noDecisionMidChain):
                    // A meeting with no decision, then another meeting a few months later.
                    stuck = true
                    nextMeeting = meeting + 60 + small * 4
                case .version2(.noAmendmentDay56), .version2(.noAmendmentDay57):
                    outcome = .amend
                    delay = min(delay, 28)
                    noticeDelay = min(noticeDelay, 5)
                    amendedDelay = kind == .version2(.noAmendmentDay56) ? 56 : 57
                    noticeBlank = false; amendedNever = false; notAmending = true
                case .version2(.covidInWindow):
                    // Notified late, 30 to 54 days after the meeting, in the window.
                    if let covidMeeting { meeting = covidMeeting; delay = 30 + small; covidClaim = true }
                case .version2:
                    delay = min(delay, 28)
                default:
                    break
                }
            }
            if cycle == 1, case .version2(let v) = kind, let due = v.transferInDue {
                // The plan moved in during its second cycle (the first was the old
                // authority's): reg 15(5)'s date the later one, the 12-month date the later
                // one, or a meeting before the transfer with its decision after it.
                if outcome == .cease { outcome = .maintain }
                let twelve = start.endOfTwelveMonthPeriod
                let date: Day
                switch due {
                case .threeMonthsLater(let dayAfter):
                    date = twelve - 20 - small
                    let completion = ReviewGenerator.transferInRule.due(twelveMonthDue: twelve, transfer: date) + (dayAfter ? 1 : 0)
                    meeting = completion - small
                    delay = small
                case .twelveMonthsLater(let dayAfter):
                    date = start + 30 + small
                    let completion = twelve + (dayAfter ? 1 : 0)
                    meeting = completion - small
                    delay = small
                case .meetingBefore:
                    delay = 10 + small
                    date = meeting + 1 + small % (delay - 1)
                }
                // The notice of reg 15(4): on its last day, the day after, or within it.
                let noticeDays = switch due {
                case .threeMonthsLater(let dayAfter), .twelveMonthsLater(let dayAfter): dayAfter ? 43 : 42
                case .meetingBefore: 10 + small
                }
                let notice = date + noticeDays
                transfer = (date, notice <= asAt ? notice : nil)
            }
            cycle += 1

            guard meeting <= asAt else { break }
            var row = SyntheticReviewRow()
            row.meeting = .day(meeting)
            let decision = meeting + delay
            if stuck || decision > asAt {
                rows.append(row)
                if nextMeeting != nil { continue }
                break
            }
            row.decisionDate = .day(decision)
            row.decision = outcome
            row.covidClaim = covidClaim
            if outcome == .amend {
                let notice = noticeDay.map { meeting + $0 } ?? decision + noticeDelay
                if notice <= asAt {
                    if !noticeBlank { row.notice = notice }
                    let amended = notice + amendedDelay
                    if !amendedNever && amended <= asAt {
                        if notAmending { row.noAmendment = amended } else { row.amended = amended }
                    }
                }
            }
            rows.append(row)
            if outcome == .cease { break }
            start = decision
        }
        if rows.isEmpty { rows.append(SyntheticReviewRow()) }
        return rows
    }

    /// Makes one row of an otherwise valid plan bad in the way the analyser must reject.
    private func spoil(_ rows: inout [SyntheticReviewRow], as bad: ReviewBadRow, planDate: Day, rng: inout SplitMix64) {
        guard case .day(let meeting)? = rows[0].meeting else { return }
        let shift = rng.int(in: 1...30)
        switch bad {
        case .meetingBeforePlan:
            rows[0].meeting = .day(planDate - shift)
        case .decisionBeforeMeeting:
            rows[0].decisionDate = .day(meeting - shift)
            if rows[0].decision == nil { rows[0].decision = .maintain }
        case .amendedBeforeNotice:
            let notice = rows[0].notice ?? meeting + 20
            rows[0].notice = notice
            rows[0].decision = .amend
            rows[0].amended = notice - shift
        case .unknownDecision:
            rows[0].decision = .unknown
            if rows[0].decisionDate == nil { rows[0].decisionDate = .day(min(meeting + 10, asAt)) }
        case .unreadableDate:
            rows[0].decisionDate = ReviewGenerator.unreadableDate
            if rows[0].decision == nil { rows[0].decision = .maintain }
        case .dateAfterAsAt:
            let k = rows.count - 1
            if rows[k].decision == .amend, rows[k].notice != nil {
                rows[k].amended = asAt + shift
            } else {
                rows[k].decisionDate = .day(asAt + shift)
                if rows[k].decision == nil || rows[k].decision == .cease { rows[k].decision = .maintain }
                rows[k].notice = nil
                rows[k].amended = nil
            }
        }
    }

    /// The plan dates of the date-boundary kinds: the latest 29 February on or before
    /// asAt and the one four years earlier (29 Feb 2024 and 2020 for asAt in 2025), a
    /// 31 March, a 31 January, another month end. Nil when none lies in the window.
    private func specialPlanDate(_ kind: ReviewBoundary, rng: inout SplitMix64) -> Day? {
        let lastYear = asAt.year, firstYear = firstPlanDate.year
        func inWindow(_ d: Day?) -> Day? {
            guard let d, d >= firstPlanDate, d <= asAt else { return nil }
            return d
        }
        switch kind {
        case .latestLeapDay, .earlierLeapDay:
            var leapDays: [Day] = []
            for y in stride(from: lastYear, through: firstYear, by: -1) {
                if let d = inWindow(Day(year: y, month: 2, day: 29)) { leapDays.append(d) }
            }
            let k = kind == .latestLeapDay ? 0 : 1
            return k < leapDays.count ? leapDays[k] : leapDays.first
        case .march31, .january31:
            let month = kind == .march31 ? 3 : 1
            let y = lastYear - rng.below(lastYear - firstYear + 1)
            return inWindow(Day(year: y, month: month, day: 31)) ?? inWindow(Day(year: y + 1, month: month, day: 31))
                ?? inWindow(Day(year: y - 1, month: month, day: 31))
        case .otherMonthEnd:
            let months = (asAt.year * 12 + asAt.month) - (firstPlanDate.year * 12 + firstPlanDate.month)
            let back = rng.below(max(1, months))
            let first = asAt.addingMonths(-back)
            let (y, m, _) = first.civil
            return inWindow(Day(year: y, month: m, day: Day.daysIn(month: m, year: y)))
        default:
            return nil
        }
    }

    /// Which deliberate plan, if any, sits at `index`: fixed slots in each block of 1,000
    /// plans (three of each kind), moved from block to block by the seed.
    package func kind(at index: Int) -> ReviewPlanKind {
        let size = ReviewGenerator.kindBlockSize, n = ReviewGenerator.perKind
        let block = index / size
        let key = SplitMix64.mix(SplitMix64.mix(seed ^ 0x5245_5649_4557) &+ UInt64(truncatingIfNeeded: block))
        var slot = (index % size + Int(key % UInt64(size))) % size
        if slot < ReviewBadRow.allCases.count * n { return .bad(ReviewBadRow(rawValue: slot / n)!) }
        slot -= ReviewBadRow.allCases.count * n
        if slot < ReviewBoundary.allCases.count * n { return .boundary(ReviewBoundary(rawValue: slot / n)!) }
        slot -= ReviewBoundary.allCases.count * n
        if slot < ReviewWarning.allCases.count * n { return .warning(ReviewWarning(rawValue: slot / n)!) }
        slot -= ReviewWarning.allCases.count * n
        if slot < ReviewV2Case.allCases.count * n { return .version2(ReviewV2Case(rawValue: slot / n)!) }
        return .normal
    }

    /// The random stream of one plan (or block) for one purpose (1 identity, 2 review
    /// events, 3 how the rows are written, 4 the block's interleaving, 5 the dates of a
    /// covid_2020 claim in its window).
    private func stream(_ index: Int, _ purpose: UInt64) -> SplitMix64 {
        let key = SplitMix64.mix(seed ^ 0x5245_5649_4557 &+ purpose &* 0x9E37_79B9_7F4A_7C15)
        return SplitMix64(seed: SplitMix64.mix(key ^ (UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03)))
    }

    // MARK: - Tables

    /// Days from the cycle's start (plan date or previous decision) to the meeting.
    package static let meetingGaps = BandedChoice([
        (250...300, 32), (301...330, 38), (331...350, 10), (351...366, 4), (367...420, 7),
        (421...550, 5), (551...900, 3),
    ])
    /// Days from the meeting to the decision notice: ~75 % within 28.
    package static let decisionDelays = BandedChoice([
        (0...7, 18), (8...21, 33), (22...28, 25), (29...42, 12), (43...90, 9), (91...200, 3),
    ])
    /// Weights in `SyntheticReviewDecision` order: maintain, amend, cease.
    package static let outcomeChoice = WeightedChoice([60, 35, 5])
    /// Days from the decision to the amendment notice: mostly the same day.
    package static let noticeDelays = BandedChoice([(0...0, 70), (1...5, 22), (6...20, 5), (21...60, 3)])
    /// Days from the amendment notice to the final amended plan: ~60 % within 56.
    package static let amendedDelays = BandedChoice([
        (10...42, 28), (43...56, 33), (57...84, 20), (85...150, 12), (151...300, 7),
    ])
    package static let unreadableDate = DateValue.impossible(year: 2025, month: 13, day: 1)
    /// Reg 15(5)'s rule for the first review after a transfer in, as the measure table has it.
    package static let transferInRule: TransferInReview = {
        guard case .reviews(.annualChain(let rule?)) = MeasureID.annualReview12m.definition.evaluation else {
            preconditionFailure("the annual review measure has no rule for plans transferred in")
        }
        return rule
    }()
}

// MARK: - Records

/// What a generated plan is for: ordinary data, a boundary case, a plan with one bad
/// row, or a data-quality warning case.
package enum ReviewPlanKind: Equatable, Sendable {
    case normal
    case boundary(ReviewBoundary)
    case bad(ReviewBadRow)
    case warning(ReviewWarning)
    case version2(ReviewV2Case)
}

/// The cases of rule set version 2 (issue 15): plans transferred in from another
/// authority at each boundary of reg 15(4) and (5), decisions not to amend (reg 22(4))
/// on the last on-time day and the day after, and covid_2020 claims in and out of SI
/// 2020/471's window.
package enum ReviewV2Case: Int, CaseIterable, Sendable {
    /// The second cycle's decision on the last day of the 3 months starting with the
    /// transfer (the later date), or the day after; the notice on day 42 or 43.
    case transferThreeMonthsOn, transferThreeMonthsDayAfter
    /// The same where the cycle's 12-month date is the later.
    case transferTwelveMonthsOn, transferTwelveMonthsDayAfter
    /// The second cycle's meeting before the transfer, its decision after it.
    case transferMeetingBefore
    /// The decision not to amend on day 56 or 57 after the amendment notice.
    case noAmendmentDay56, noAmendmentDay57
    /// covid_2020 on a review whose decision was due in the window (late), or on one due
    /// years after it.
    case covidInWindow, covidOutOfWindow

    /// How the first cycle after the transfer is set up, for the transfer cases.
    package enum TransferInDue: Sendable {
        case threeMonthsLater(dayAfter: Bool)
        case twelveMonthsLater(dayAfter: Bool)
        case meetingBefore
    }

    package var transferInDue: TransferInDue? {
        switch self {
        case .transferThreeMonthsOn: .threeMonthsLater(dayAfter: false)
        case .transferThreeMonthsDayAfter: .threeMonthsLater(dayAfter: true)
        case .transferTwelveMonthsOn: .twelveMonthsLater(dayAfter: false)
        case .transferTwelveMonthsDayAfter: .twelveMonthsLater(dayAfter: true)
        case .transferMeetingBefore: .meetingBefore
        default: nil
        }
    }
}

/// Dates on or next to a statutory limit. The first five set the plan date; the others
/// shape the plan's first review cycle (due = plan date's `endOfTwelveMonthPeriod`).
package enum ReviewBoundary: Int, CaseIterable, Sendable {
    /// 29 February (the latest before asAt; the one before that).
    case latestLeapDay, earlierLeapDay
    case march31, january31, otherMonthEnd
    /// The decision notice (decision clock) on the due date, or the day after.
    case completionOnDue, completionDayAfter
    /// The meeting (meeting clock) on the due date, or the day after.
    case meetingOnDue, meetingDayAfter
    /// The decision on day 27, 28 or 29 after the meeting.
    case decisionDay27, decisionDay28, decisionDay29
    /// The amendment notice on day 28 or 29 after the meeting.
    case noticeDay28, noticeDay29
    /// The final amended plan on day 56 or 57 after the notice.
    case amendedDay56, amendedDay57
}

/// One row of the plan is bad in one way; the rest of the plan is valid.
package enum ReviewBadRow: Int, CaseIterable, Sendable {
    case meetingBeforePlan, decisionBeforeMeeting, amendedBeforeNotice
    /// `review_decision` is `continue`.
    case unknownDecision
    /// `review_decision_date` is `2025-13-01`.
    case unreadableDate
    /// A decision or amended plan date after asAt.
    case dateAfterAsAt
}

/// Valid plans the analyser must warn about.
package enum ReviewWarning: Int, CaseIterable, Sendable {
    /// A later row carries a different plan date.
    case conflictingPlanDates
    /// The first meeting has no decision; a later one has.
    case noDecisionMidChain
}

package enum SyntheticReviewDecision: Int, Sendable {
    case maintain, amend, cease
    /// Not a valid code: written as `continue`.
    case unknown
}

/// One row of the reviews extract, before it is written.
package struct SyntheticReviewRow: Sendable {
    package var planDate: Day? = nil
    package var meeting: DateValue? = nil
    package var decisionDate: DateValue? = nil
    package var decision: SyntheticReviewDecision? = nil
    package var notice: Day? = nil
    package var amended: Day? = nil
    package var noAmendment: Day? = nil
    package var ceased: Day? = nil
    package var transferIn: Day? = nil
    package var transferNotice: Day? = nil
    /// `exception_reason` is `covid_2020`.
    package var covidClaim = false

    /// The latest real date among the row's events.
    package var latestEvent: Day? {
        var latest: Day? = nil
        func see(_ d: Day?) { if let d, latest.map({ d > $0 }) ?? true { latest = d } }
        if case .day(let d)? = meeting { see(d) }
        if case .day(let d)? = decisionDate { see(d) }
        see(notice)
        see(amended)
        see(noAmendment)
        see(transferIn)
        see(transferNotice)
        return latest
    }
}

/// One plan and its rows in date order.
package struct SyntheticPlan: Sendable {
    package var index: Int
    package var kind: ReviewPlanKind
    /// The number in `case_id` (`EHCP` + zero-padded).
    package var caseNumber: Int
    /// Indexes into `RequestGenerator.teams` and `.caseworkers`.
    package var team: Int
    package var caseworker: Int
    package var dateOfBirth: Day
    /// The date the plan was issued (as recorded on its first row).
    package var planDate: Day
    package var rows: [SyntheticReviewRow]
    /// Written newest first.
    package var reversed: Bool
}

/// Every text cell of the reviews extract, kept as bytes.
package struct ReviewTextTables: Sendable {
    package let casePrefix = Array("EHCP".utf8)
    package let decisions = ["maintain", "amend", "cease", "continue"].map(TextTables.cell)
    package let covid = TextTables.cell("covid_2020")
    package let teams = RequestGenerator.teams.map(TextTables.cell)
    package let caseworkers = RequestGenerator.caseworkers.map(TextTables.cell)
}

extension OutputFile {
    /// `yyyy-MM-dd` (an impossible date is written as its numbers, `2025-13-01`).
    @inline(__always)
    package func appendISO(_ date: DateValue) {
        let (y, m, d) = date.civil
        appendDigits(y, width: 4)
        append(UInt8(ascii: "-"))
        appendDigits(m, width: 2)
        append(UInt8(ascii: "-"))
        appendDigits(d, width: 2)
    }
}
