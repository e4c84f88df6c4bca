import EHCPTimeliness
import EHCPOutputs
import EHCPStore
import EHCPRules

/// Writes synthetic requests extracts: the canonical layout, and the same records as
/// "another system" would export them (other headers and column order, UK dates, coded
/// values, CRLF), read back through `otherSystemProfile`.
///
/// Every row is a pure function of (seed, count, asAt, row index): a row's random
/// numbers come from its own SplitMix64 stream, so a file is streamed row by row through
/// a 1 MiB buffer and nothing is held per row. The same seed gives byte-identical files
/// on every machine. All names and ids are fictional.
///
/// What the data looks like (tuned against the national picture, measured by the tests):
/// requests over the 36 months up to `asAt` with a mild seasonal and growth pattern;
/// ~22 % refused; ~80 % of decisions within 6 weeks; ~6.5 % of assessments ending with
/// no plan; about half of plans within 20 weeks and a long tail past a year; ~4 %
/// withdrawn; ~5 % with an exception reason (some not statutory grounds) and ~1 % with a
/// decision exception. Nothing after `asAt` is written, so recent requests are open.
/// On top of that, deliberate rows: decisions on day 42/43, no-plan notices on day
/// 112/113, final plans on day 140/141 (about one of each per 1,600 rows); one of each
/// kind of bad row per 2,000 rows (see `BadRow`); and one 2020 request with `covid_2020`
/// per 2,000 rows, every fourth of them with a deadline outside the relaxation window
/// (left out when `asAt` is before 2021).
public struct RequestGenerator: Sendable {
    public let seed: UInt64
    public let count: Int
    public let asAt: Day

    /// The canonical requests header, in file order.
    public static let canonicalHeader: [String] = Column.allCases.map(\.canonicalName)
    /// The other system's header, in file order.
    public static let otherSystemHeader: [String] = Layout.otherSystem.columns.map(\.otherSystemName)

    /// First possible request date: the day after `asAt` less 36 months.
    package let firstRequestDate: Day
    /// Cumulative request weight per day from `firstRequestDate` to `asAt`.
    private let dayCumulative: [UInt64]
    private let caseWidth: Int
    private let personWidth: Int
    private let personModulus: Int
    private let personKey: UInt64
    private let personBits: Int
    private let personMask: UInt64
    private let text: TextTables
    /// The summer closures of `TermDatesGenerator` the deliberate `ClaimCase` rows are
    /// placed against: those whose window ends a month before `asAt` and which start
    /// 300 days or more after the first request date.
    package let summers: [SchoolClosure]

    public init(seed: UInt64, count: Int, asAt: Day) {
        precondition(count >= 0, "count must not be negative")
        self.seed = seed
        self.count = count
        self.asAt = asAt
        let first = asAt.addingMonths(-36) + 1
        self.firstRequestDate = first
        var cumulative: [UInt64] = []
        var running: UInt64 = 0
        let span = asAt - first + 1
        cumulative.reserveCapacity(span)
        for k in 0..<span {
            let day = first + k
            let weekday = RequestGenerator.weekday(day)
            let month = RequestGenerator.monthWeights[day.month - 1]
            let dayOfWeek: UInt64 = weekday >= 5 ? 2 : 10
            let growth = UInt64(100 + 30 * k / max(1, span - 1))  // about +30 % over the period
            running += month * dayOfWeek * growth
            cumulative.append(running)
        }
        self.dayCumulative = cumulative
        let digits = RequestGenerator.decimalDigits(count)
        self.caseWidth = max(6, digits)
        self.personWidth = max(7, digits)
        var modulus = 1
        for _ in 0..<personWidth { modulus *= 10 }
        self.personModulus = modulus
        var bits = 1
        while (1 << bits) < modulus { bits += 1 }
        self.personBits = bits
        self.personMask = (1 << UInt64(bits)) - 1
        self.personKey = SplitMix64.mix(seed ^ 0x5045_5253_4F4E)
        self.text = TextTables()
        self.summers = TermDatesGenerator(asAt: asAt).closures.qualifying.filter {
            $0.window.upperBound <= asAt - 30 && $0.start - 300 >= first
        }
    }

    // MARK: - Writing

    /// Writes the canonical requests extract (ISO dates, canonical codes, `\n`).
    public func writeCanonical(to path: String) throws(GeneratorError) {
        try write(layout: .canonical, to: path)
    }

    /// Writes the same records as the other system exports them; read it with
    /// `otherSystemProfile`.
    public func writeOtherSystem(to path: String) throws(GeneratorError) {
        try write(layout: .otherSystem, to: path)
    }

    /// Writes `otherSystemProfile` to a file, for use next to `writeOtherSystem`.
    public func writeOtherSystemProfile(to path: String) throws(GeneratorError) {
        let out = try OutputFile(path: path)
        do {
            let bytes = Array(RequestGenerator.otherSystemProfile.utf8)
            var start = 0
            while start < bytes.count {
                let n = min(OutputFile.capacity, bytes.count - start)
                try out.reserve(n)
                out.append(Array(bytes[start..<start + n]))
                start += n
            }
            try out.close()
        } catch {
            out.discard()
            throw error
        }
    }

    private func write(layout: Layout, to path: String) throws(GeneratorError) {
        let out = try OutputFile(path: path)
        do {
            let header = layout.columns.map { layout == .canonical ? $0.canonicalName : $0.otherSystemName }
            let line = Array(header.map(CSVWriter.escape).joined(separator: ",").utf8)
            try out.reserve(line.count + 2)
            out.append(line)
            layout.endLine(out)
            for index in 0..<count {
                try out.reserve(RequestGenerator.maxRowBytes)
                encode(record(at: index), layout: layout, into: out)
            }
            try out.close()
        } catch {
            out.discard()
            throw error
        }
    }

    /// Generous upper bound of one encoded row (the longest row is well under 400 bytes).
    package static let maxRowBytes = 1024

    private func encode(_ r: SyntheticRequest, layout: Layout, into out: OutputFile) {
        var first = true
        for column in layout.columns {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            let other = layout == .otherSystem
            switch column {
            case .caseID:
                out.append(text.casePrefix)
                out.appendDigits(r.caseNumber, width: caseWidth)
            case .personID:
                out.append(text.personPrefix)
                out.appendDigits(r.personNumber, width: personWidth)
            case .requestDate:
                if let d = r.requestDate { layout.write(.day(d), column: column, into: out) }
            case .assessmentDecisionDate:
                if let d = r.assessmentDecisionDate { layout.write(d, column: column, into: out) }
            case .assessmentDecision:
                if let v = r.assessmentDecision {
                    switch v {
                    case .assess: out.append(other ? text.agreed : text.assess)
                    case .refuse: out.append(other ? text.notAgreed : text.refuse)
                    case .unknown: out.append(text.maybe)
                    }
                }
            case .planDecisionDate:
                if let d = r.planDecisionDate { layout.write(.day(d), column: column, into: out) }
            case .planDecision:
                if let v = r.planDecision {
                    switch v {
                    case .issue: out.append(other ? text.yes : text.issue)
                    case .noPlan: out.append(other ? text.no : text.noPlan)
                    }
                }
            case .draftPlanDate:
                if let d = r.draftPlanDate { layout.write(.day(d), column: column, into: out) }
            case .finalPlanDate:
                if let d = r.finalPlanDate { layout.write(.day(d), column: column, into: out) }
            case .withdrawnDate:
                if let d = r.withdrawnDate { layout.write(.day(d), column: column, into: out) }
            case .schoolAdviceDate:
                if let d = r.schoolAdviceDate { layout.write(.day(d), column: column, into: out) }
            case .exceptionReason:
                if let e = r.exceptionReason {
                    out.append(other ? text.otherExceptions[e.rawValue] : text.canonicalExceptions[e.rawValue])
                }
            case .decisionExceptionReason:
                if let e = r.decisionExceptionReason {
                    out.append(other ? text.otherExceptions[e.rawValue] : text.canonicalExceptions[e.rawValue])
                }
            case .team:
                out.append(text.teams[r.team])
            case .caseworker:
                out.append(other ? text.quotedCaseworkers[r.caseworker] : text.caseworkers[r.caseworker])
            case .primaryNeed:
                out.append(text.needs[r.primaryNeed])
            case .dateOfBirth:
                layout.write(.day(r.dateOfBirth), column: column, into: out)
            }
        }
        layout.endLine(out)
    }

    // MARK: - Rows

    /// The row at `index` (0-based): a pure function of the generator's settings.
    package func record(at index: Int) -> SyntheticRequest {
        let kind = self.kind(at: index)
        var ev = stream(index, 2)
        var request = quantileDate(index)

        let team = RequestGenerator.teamChoice.pick(&ev)
        let caseworker = team + RequestGenerator.teams.count * ev.below(RequestGenerator.caseworkersPerTeam)
        var decisionDay = RequestGenerator.decisionDays.pick(&ev)
        var refuse = ev.chance(perMille: 235)
        var noPlan = ev.chance(perMille: 65)
        var finalDay = RequestGenerator.finalPlanDays.pick(&ev)
        let draftGap = ev.int(in: 15...49)
        let noPlanOnTime = ev.chance(perMille: 800)
        let withdrawRoll = ev.below(1000)
        let stuckRoll = ev.below(1000)
        let decisionExceptionRoll = ev.below(1000)
        let decisionExceptionReason = RequestGenerator.decisionExceptionChoice.pick(&ev)
        let exceptionRoll = ev.below(1000)
        let exceptionReason = RequestGenerator.exceptionChoice.pick(&ev)

        var withdrawn = withdrawRoll < 45                // ~4.5 % (fewer visible: some after asAt)
        var stuckDecision = stuckRoll < 6               // never decided: open and overdue
        var stuckPlan = stuckRoll >= 6 && stuckRoll < 26  // assessed, plan never finalised
        var noPlanDay: Int? = nil
        var allowExceptions = true
        var forcedException: RecordedException? = nil

        switch kind {
        case .normal:
            break
        case .bad:
            withdrawn = false  // keep each bad row wrong in just its own way
        case .boundary(let b):
            withdrawn = false; stuckDecision = false; stuckPlan = false; allowExceptions = false
            switch b {
            case .decisionDay42, .decisionDay43:
                decisionDay = b.day
            case .noPlanDay112, .noPlanDay113:
                refuse = false; noPlan = true
                decisionDay = ev.int(in: 20...42)
                noPlanDay = b.day
            case .finalDay140, .finalDay141:
                refuse = false; noPlan = false
                decisionDay = ev.int(in: 20...42)
                finalDay = b.day
            }
            // The boundary event must have happened by asAt.
            let latest = asAt - b.day
            if request > latest { request = latest - ev.below(60) }
        case .covid(let valid):
            // Valid: request+140 within 1 May – 25 Sep 2020. Invalid: deadline from 19 Oct 2020.
            request = valid ? RequestGenerator.covidValidFirst + ev.below(127)
                            : RequestGenerator.covidInvalidFirst + ev.below(183)
            withdrawn = false; stuckDecision = false; stuckPlan = false
            refuse = false; noPlan = false
            decisionDay = ev.int(in: 20...42)
            finalDay = ev.int(in: 150...270)
            allowExceptions = false
            forcedException = .covid2020
        case .claim(let c):
            withdrawn = false; stuckDecision = false; stuckPlan = false
            refuse = false; noPlan = false; allowExceptions = false
            decisionDay = ev.int(in: 20...40)
            finalDay = ev.int(in: 150...200)
            let summer = summers[(index / 1000) % summers.count]
            let window = summer.window
            switch c {
            case .representation14, .representation15, .representationShort, .noneReasons, .earlyYearsOnDecision:
                finalDay = ev.int(in: 110...180)
                if c == .earlyYearsOnDecision { decisionDay = ev.int(in: 45...60) }
                // The final plan must have been issued by asAt.
                let latest = asAt - finalDay - 3
                if request > latest { request = latest - ev.below(90) }
            case .closureInsideSummer: request = window.lowerBound - 100
            case .closureOutsideWindows: request = summer.start - 250 - ev.below(20)
            case .closureTouchesWindow: request = window.lowerBound - 140
            case .closureMissesWindow: request = window.lowerBound - 141
            case .adviceFirstDay, .adviceLastDay, .adviceDayBefore: request = window.lowerBound - 60
            }
        }

        if finalDay < decisionDay + 35 { finalDay = decisionDay + 35 + ev.below(30) }
        var noPlanAt: Int
        if let forced = noPlanDay {
            noPlanAt = forced
        } else if noPlanOnTime && decisionDay + 28 <= 112 {
            noPlanAt = ev.int(in: (decisionDay + 28)...112)
        } else {
            noPlanAt = ev.int(in: max(113, decisionDay + 28)...max(200, decisionDay + 90))
        }

        // Letters go out on working days: an event drawn for a Saturday or Sunday moves
        // to the Monday (never a deliberate boundary day).
        func workday(_ day: Int) -> Int {
            switch RequestGenerator.weekday(request + day) {
            case 5: day + 2
            case 6: day + 1
            default: day
            }
        }
        var forcedDecision = false, forcedFinal = false
        if case .boundary(let b) = kind {
            forcedDecision = b == .decisionDay42 || b == .decisionDay43
            forcedFinal = b == .finalDay140 || b == .finalDay141
        }
        if !forcedDecision { decisionDay = workday(decisionDay) }
        if !forcedFinal { finalDay = workday(finalDay) }
        if noPlanDay == nil { noPlanAt = workday(noPlanAt) }

        var withdrawnDay: Int? = nil
        var decided = !stuckDecision
        var planGoesOn = true
        if withdrawn {
            if refuse || withdrawRoll < 18 {
                withdrawnDay = ev.int(in: 3...(decisionDay - 1))  // before any decision
                decided = false
            } else {
                withdrawnDay = decisionDay + ev.int(in: 7...96)  // after the decision to assess
                planGoesOn = false
            }
        }

        let (person, dob) = identity(at: index, kind: kind, requestDate: request)
        let age = RequestGenerator.age(born: dob, on: request)
        let primaryNeed = (age < 5 ? RequestGenerator.needUnder5 : RequestGenerator.needFrom5).pick(&ev)

        var r = SyntheticRequest(
            index: index, kind: kind, caseNumber: index + 1, personNumber: person,
            requestDate: request, assessmentDecisionDate: nil, assessmentDecision: nil,
            planDecisionDate: nil, planDecision: nil, draftPlanDate: nil, finalPlanDate: nil,
            withdrawnDate: nil, schoolAdviceDate: nil, exceptionReason: nil, decisionExceptionReason: nil,
            team: team, caseworker: caseworker, primaryNeed: primaryNeed, dateOfBirth: dob)

        // The extract is taken on asAt: an event after it has not happened yet.
        let asAt = self.asAt
        func seen(_ day: Int) -> Day? {
            let d = request + day
            return d <= asAt ? d : nil
        }

        r.withdrawnDate = withdrawnDay.flatMap(seen)
        if decided, let decisionDate = seen(decisionDay) {
            r.assessmentDecisionDate = .day(decisionDate)
            r.assessmentDecision = refuse ? .refuse : .assess
            var late = false
            if !refuse && planGoesOn {
                if noPlan {
                    late = noPlanAt > 112
                    if let d = seen(noPlanAt) {
                        r.planDecisionDate = d
                        r.planDecision = .noPlan
                    }
                } else if stuckPlan {
                    late = true
                    if draftGap % 2 == 0, let d = seen(workday(decisionDay + 50 + draftGap * 3)) {
                        r.planDecisionDate = d
                        r.planDecision = .issue
                        r.draftPlanDate = d
                    }
                } else {
                    late = finalDay > 140
                    if let d = seen(workday(max(finalDay - draftGap, decisionDay + 14))) {
                        r.planDecisionDate = d
                        r.planDecision = .issue
                        r.draftPlanDate = d
                    }
                    r.finalPlanDate = seen(finalDay)
                }
            }
            if allowExceptions {
                if decisionExceptionRoll < (decisionDay > 42 ? 40 : 4) {
                    r.decisionExceptionReason = RecordedException(rawValue: decisionExceptionReason)
                }
                // Recorded once the delay is known: only on assessed cases past week 14.
                if !refuse && planGoesOn && seen(98) != nil && exceptionRoll < (late ? 125 : 8) {
                    r.exceptionReason = RecordedException(rawValue: exceptionReason)
                }
            }
            if let forced = forcedException { r.exceptionReason = forced }
        }

        if case .bad(let bad) = kind { spoil(&r, as: bad, decisionDay: decisionDay, rng: &ev) }
        if case .claim(let c) = kind { shape(&r, as: c, rng: &ev) }
        if kind == .normal { r.schoolAdviceDate = adviceDate(r, index: index, decisionDay: decisionDay, age: age) }
        return r
    }

    /// Advice asked of the child's school on about half the assessed requests of children
    /// aged 4 or more, a few days after the decision to assess (or, when the 6-week
    /// decision claims the school closure, during the 6 weeks). Its own random stream, so
    /// the rest of the row is as it was before the column existed.
    private func adviceDate(_ r: SyntheticRequest, index: Int, decisionDay: Int, age: Int) -> Day? {
        guard let request = r.requestDate, r.assessmentDecision == .assess, age >= 4 else { return nil }
        var rng = stream(index, 4)
        guard rng.chance(perMille: 500) else { return nil }
        let day = r.decisionExceptionReason == .schoolClosure ? rng.int(in: 3...20) : decisionDay + rng.int(in: 1...7)
        let d = request + day
        return d <= asAt ? d : nil
    }

    /// Makes a row the version 2 case it is (see `ClaimCase`).
    private func shape(_ r: inout SyntheticRequest, as c: ClaimCase, rng: inout SplitMix64) {
        let window = summers[(r.index / 1000) % summers.count].window
        switch c {
        case .representation14, .representation15, .representationShort:
            guard let final = r.finalPlanDate else { return }
            let gap = c == .representation14 ? 14 : c == .representation15 ? 15 : rng.int(in: 5...13)
            r.draftPlanDate = final - gap
            r.planDecisionDate = final - gap
        case .closureInsideSummer, .closureOutsideWindows, .closureTouchesWindow, .closureMissesWindow:
            r.exceptionReason = .schoolClosure
        case .adviceFirstDay, .adviceLastDay, .adviceDayBefore:
            r.exceptionReason = .schoolClosure
            r.schoolAdviceDate = c == .adviceFirstDay ? window.lowerBound : c == .adviceLastDay ? window.upperBound : window.lowerBound - 1
        case .noneReasons:
            r.exceptionReason = .noneLower
            r.decisionExceptionReason = .noneTitle
        case .earlyYearsOnDecision:
            r.exceptionReason = .earlyYearsClosure
            r.decisionExceptionReason = .earlyYearsClosure
        }
    }

    /// Makes a row bad in one way the analyser must reject.
    private func spoil(_ r: inout SyntheticRequest, as bad: BadRow, decisionDay: Int, rng: inout SplitMix64) {
        guard let request = r.requestDate else { return }
        switch bad {
        case .impossibleDate:
            r.assessmentDecisionDate = .impossible(year: 2025, month: 2, day: 31)
            if r.assessmentDecision == nil { r.assessmentDecision = .refuse }
        case .finalBeforeRequest:
            r.finalPlanDate = request - rng.int(in: 1...200)
        case .eventAfterAsAt:
            r.finalPlanDate = asAt + rng.int(in: 1...60)
        case .duplicateCaseID:
            var j = r.index - 1 - rng.below(min(r.index, 50))
            while j > 0 && kind(at: j) == .bad(.duplicateCaseID) { j -= 1 }
            r.caseNumber = j + 1
        case .missingRequestDate:
            r.requestDate = nil
        case .unknownDecision:
            r.assessmentDecision = .unknown
            if r.assessmentDecisionDate == nil {
                r.assessmentDecisionDate = .day(min(request + decisionDay, asAt))
            }
        }
    }

    /// Which deliberate row, if any, sits at `index`. Bad rows and 2020 rows take fixed
    /// slots in each block of 2,000 rows, boundary cases in each block of 1,600; the slot
    /// positions move from block to block with the seed.
    package func kind(at index: Int) -> RowKind {
        let badBlock = index / 2000
        let badSlot = (index % 2000 + blockOffset(badBlock, tag: 0xBAD, size: 2000)) % 2000
        if badSlot < BadRow.allCases.count {
            let bad = BadRow(rawValue: badSlot)!
            return bad == .duplicateCaseID && index == 0 ? .normal : .bad(bad)
        }
        if badSlot == BadRow.allCases.count {
            // Only when the whole 2020 request window lies before asAt.
            if asAt >= RequestGenerator.covidNeedsAsAtFrom { return .covid(valid: badBlock % 4 != 3) }
            return .normal
        }
        let edgeBlock = index / 1600
        let edgeSlot = (index % 1600 + blockOffset(edgeBlock, tag: 0xED6E, size: 1600)) % 1600
        if edgeSlot < BoundaryCase.allCases.count { return .boundary(BoundaryCase(rawValue: edgeSlot)!) }
        // Version 2's cases take slots in each block of 1,000 (when a summer is in range).
        let claimBlock = index / 1000
        let claimSlot = (index % 1000 + blockOffset(claimBlock, tag: 0xC1A1, size: 1000)) % 1000
        if claimSlot < ClaimCase.allCases.count, !summers.isEmpty { return .claim(ClaimCase(rawValue: claimSlot)!) }
        return .normal
    }

    private func blockOffset(_ block: Int, tag: UInt64, size: Int) -> Int {
        let key = SplitMix64.mix(SplitMix64.mix(seed ^ tag) &+ UInt64(truncatingIfNeeded: block))
        return Int(key % UInt64(size))
    }

    /// The random stream of one row for one purpose (1 identity, 2 events, 3 request date).
    private func stream(_ index: Int, _ purpose: UInt64) -> SplitMix64 {
        let key = SplitMix64.mix(seed &+ purpose &* 0x9E37_79B9_7F4A_7C15)
        return SplitMix64(seed: SplitMix64.mix(key ^ (UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03)))
    }

    /// Request dates follow row order: row `index` takes a random point of its own
    /// 1/count slice of the seasonal request distribution.
    package func quantileDate(_ index: Int) -> Day {
        guard count > 0, let total = dayCumulative.last else { return asAt }
        var rng = stream(index, 3)
        let r = UInt64(rng.below(Int(total)))
        let product = UInt64(index).multipliedFullWidth(by: total)
        let (low, carry) = product.low.addingReportingOverflow(r)
        let high = product.high + (carry ? 1 : 0)
        let target = UInt64(count).dividingFullWidth((high: high, low: low)).quotient
        var lo = 0, hi = dayCumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if dayCumulative[mid] > target { hi = mid } else { lo = mid + 1 }
        }
        return firstRequestDate + lo
    }

    /// Person number and date of birth. About 3 % of ordinary rows are a second request
    /// for the person of an earlier ordinary row, and share that person's date of birth.
    private func identity(at index: Int, kind: RowKind, requestDate: Day) -> (person: Int, dob: Day) {
        var rng = stream(index, 1)
        let wantsRepeat = rng.chance(perMille: RequestGenerator.repeatPerMille)
        let years = RequestGenerator.ageAtRequest.pick(&rng)
        let extraDays = rng.below(365)
        if kind == .normal, wantsRepeat, index > 0 {
            let j = index - 1 - rng.below(min(index, max(1, count / 3)))
            var base = stream(j, 1)
            if self.kind(at: j) == .normal, !base.chance(perMille: RequestGenerator.repeatPerMille) {
                let baseYears = RequestGenerator.ageAtRequest.pick(&base)
                let baseExtra = base.below(365)
                return (personNumber(j), quantileDate(j).addingMonths(-12 * baseYears) - baseExtra)
            }
        }
        return (personNumber(index), requestDate.addingMonths(-12 * years) - extraDays)
    }

    /// Pseudonymous person number: a seeded permutation of `0..<personModulus` applied to
    /// the row index (a bijective mix on the enclosing power of two, cycle-walked back
    /// into range), so distinct rows get distinct, unordered numbers.
    private func personNumber(_ index: Int) -> Int {
        var x = UInt64(index % personModulus)
        repeat { x = scramble(x) } while x >= UInt64(personModulus)
        return Int(x)
    }

    private func scramble(_ value: UInt64) -> UInt64 {
        let mask = personMask, half = UInt64(personBits / 2)
        var x = value
        x = (x &+ personKey) & mask
        x = (x &* 0x9E37_79B9_7F4A_7C15) & mask  // odd multiplier: bijective mod 2^k
        x ^= x >> half
        x = (x &* 0xBF58_476D_1CE4_E5B9) & mask
        x ^= x >> (half + 1)
        x = (x &* 0x94D0_49BB_1331_11EB) & mask
        x ^= x >> half
        return x
    }

    /// Monday = 0 … Sunday = 6 (1 January 1970, day 0, was a Thursday).
    package static func weekday(_ day: Day) -> Int {
        Int((Int64(day.number) % 7 + 7 + 3) % 7)
    }

    package static func age(born: Day, on day: Day) -> Int {
        let b = born.civil, d = day.civil
        var years = d.year - b.year
        if d.month < b.month || (d.month == b.month && d.day < b.day) { years -= 1 }
        return years
    }

    package static func decimalDigits(_ value: Int) -> Int {
        var n = 1, v = value
        while v >= 10 { v /= 10; n += 1 }
        return n
    }

    // MARK: - Tables

    public static let teams = ["North", "South", "East", "West", "Central"]
    package static let teamChoice = WeightedChoice([22, 20, 18, 25, 15])
    package static let caseworkersPerTeam = 4
    /// `Caseworker 01` … `Caseworker 20`; caseworker k works in team k mod 5.
    public static let caseworkers: [String] = (1...20).map { $0 < 10 ? "Caseworker 0\($0)" : "Caseworker \($0)" }
    /// SEN2 primary-need codes.
    public static let primaryNeeds = ["SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI", "VI", "MSI", "PD", "ASD", "OTH"]
    package static let needFrom5 = WeightedChoice([40, 80, 55, 8, 190, 150, 17, 10, 3, 40, 330, 25])
    package static let needUnder5 = WeightedChoice([2, 20, 60, 20, 40, 330, 25, 12, 5, 50, 400, 30])
    /// Age in whole years at request, 0 to 23.
    package static let ageAtRequest = WeightedChoice([2, 6, 12, 18, 20, 18, 16, 14, 12, 12, 12, 14,
                                              12, 10, 10, 10, 6, 4, 3, 1, 1, 1, 1, 1])
    package static let repeatPerMille = 30
    /// Requests per calendar month: quieter in August, December and April.
    package static let monthWeights: [UInt64] = [95, 100, 110, 90, 105, 115, 105, 60, 95, 110, 110, 80]
    /// Days from request to the decision whether to assess: ~79 % within 42.
    package static let decisionDays = BandedChoice([
        (10...27, 18), (28...38, 30), (39...42, 31), (43...49, 10), (50...70, 7), (71...120, 3), (121...220, 1),
    ])
    /// Days from request to the final plan: about half within 140 once open cases are
    /// left out, with a tail past a year.
    package static let finalPlanDays = BandedChoice([
        (84...119, 15), (120...140, 30), (141...168, 18), (169...224, 14), (225...365, 13),
        (366...540, 6), (541...720, 2),
    ])
    /// Weights in `RecordedException` order.
    package static let exceptionChoice = WeightedChoice([38, 20, 10, 8, 0, 4, 5, 4, 6, 5])
    package static let decisionExceptionChoice = WeightedChoice([50, 20, 15, 10, 0, 5, 0, 0, 0, 0])
    package static let covidValidFirst = Day(year: 2020, month: 1, day: 2)!
    package static let covidInvalidFirst = Day(year: 2020, month: 6, day: 1)!
    package static let covidNeedsAsAtFrom = Day(year: 2021, month: 1, day: 1)!
}

// MARK: - Layouts

/// The columns of a requests extract, in canonical order.
package enum Column: CaseIterable, Sendable {
    case caseID, personID, requestDate, assessmentDecisionDate, assessmentDecision
    case planDecisionDate, planDecision, draftPlanDate, finalPlanDate, withdrawnDate
    case exceptionReason, decisionExceptionReason, schoolAdviceDate, team, caseworker, primaryNeed, dateOfBirth

    package var canonicalName: String {
        switch self {
        case .caseID: "case_id"
        case .personID: "person_id"
        case .requestDate: "request_date"
        case .assessmentDecisionDate: "assessment_decision_date"
        case .assessmentDecision: "assessment_decision"
        case .planDecisionDate: "plan_decision_date"
        case .planDecision: "plan_decision"
        case .draftPlanDate: "draft_plan_date"
        case .finalPlanDate: "final_plan_date"
        case .withdrawnDate: "withdrawn_date"
        case .exceptionReason: "exception_reason"
        case .decisionExceptionReason: "decision_exception_reason"
        case .schoolAdviceDate: "school_advice_date"
        case .team: "team"
        case .caseworker: "caseworker"
        case .primaryNeed: "primary_need"
        case .dateOfBirth: "date_of_birth"
        }
    }

    /// The header in the other system's export (as mapped in `otherSystemProfile`).
    package var otherSystemName: String {
        switch self {
        case .caseID: "Involvement ID"
        case .personID: "Child ID"
        case .requestDate: "Received Date"
        case .assessmentDecisionDate: "Decision Notified"
        case .assessmentDecision: "Decision Outcome"
        case .planDecisionDate: "Plan Decision Notified"
        case .planDecision: "Plan Outcome"
        case .draftPlanDate: "Draft Issued"
        case .finalPlanDate: "Date Final Issued"
        case .withdrawnDate: "Inactive Date"
        case .exceptionReason: "Exception"
        case .decisionExceptionReason: "Decision Exception"
        case .schoolAdviceDate: "School Advice Requested"
        case .team: "Locality"
        case .caseworker: "Officer"
        case .primaryNeed: "Primary Need"
        case .dateOfBirth: "DOB"
        }
    }
}

package enum Layout: Sendable {
    case canonical, otherSystem

    package var columns: [Column] {
        switch self {
        case .canonical: Column.allCases
        case .otherSystem: [
            .caseID, .team, .caseworker, .personID, .dateOfBirth, .primaryNeed, .requestDate,
            .assessmentDecisionDate, .assessmentDecision, .decisionExceptionReason,
            .planDecisionDate, .planDecision, .draftPlanDate, .finalPlanDate, .exceptionReason,
            .withdrawnDate, .schoolAdviceDate,
        ]
        }
    }

    @inline(__always)
    package func endLine(_ out: OutputFile) {
        if self == .otherSystem { out.append(13) }
        out.append(10)
    }

    /// Canonical: `yyyy-MM-dd`. Other system: `dd-MMM-yyyy` for the draft and final
    /// plan columns, `dd/MM/yyyy` elsewhere.
    @inline(__always)
    package func write(_ date: DateValue, column: Column, into out: OutputFile) {
        let (y, m, d) = date.civil
        switch self {
        case .canonical:
            out.appendDigits(y, width: 4)
            out.append(UInt8(ascii: "-"))
            out.appendDigits(m, width: 2)
            out.append(UInt8(ascii: "-"))
            out.appendDigits(d, width: 2)
        case .otherSystem:
            if column == .draftPlanDate || column == .finalPlanDate {
                out.appendDigits(d, width: 2)
                out.append(UInt8(ascii: "-"))
                out.append(Layout.monthAbbreviations[m - 1])
                out.append(UInt8(ascii: "-"))
                out.appendDigits(y, width: 4)
            } else {
                out.appendDigits(d, width: 2)
                out.append(UInt8(ascii: "/"))
                out.appendDigits(m, width: 2)
                out.append(UInt8(ascii: "/"))
                out.appendDigits(y, width: 4)
            }
        }
    }

    package static let monthAbbreviations: [[UInt8]] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                                                "Sep", "Oct", "Nov", "Dec"].map { Array($0.utf8) }
}

/// Every text cell, escaped once (CSVWriter.escape) and kept as bytes.
package struct TextTables: Sendable {
    package let casePrefix = Array("REQ".utf8)
    package let personPrefix = Array("P".utf8)
    package let assess = TextTables.cell("assess")
    package let refuse = TextTables.cell("refuse")
    package let agreed = TextTables.cell("Agreed")
    package let notAgreed = TextTables.cell("Not agreed")
    package let maybe = TextTables.cell("maybe")
    package let issue = TextTables.cell("issue")
    package let noPlan = TextTables.cell("no_plan")
    package let yes = TextTables.cell("Y")
    package let no = TextTables.cell("N")
    package let canonicalExceptions = RecordedException.allCases.map { TextTables.cell($0.canonical) }
    package let otherExceptions = RecordedException.allCases.map { TextTables.cell($0.otherSystem) }
    package let teams = RequestGenerator.teams.map(TextTables.cell)
    package let caseworkers = RequestGenerator.caseworkers.map(TextTables.cell)
    /// The other system quotes its Officer column always.
    package let quotedCaseworkers = RequestGenerator.caseworkers.map { name in
        Array(("\"" + CSVWriter.neutralise(name).replacingAll("\"", with: "\"\"") + "\"").utf8)
    }
    package let needs = RequestGenerator.primaryNeeds.map(TextTables.cell)

    package static func cell(_ value: String) -> [UInt8] { Array(CSVWriter.escape(value).utf8) }
}
