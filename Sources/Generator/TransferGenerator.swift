import EHCPTimeliness
import EHCPOutputs
import EHCPStore
import EHCPRules

/// Writes a synthetic canonical transfers extract: one row per phase transfer (reg 18).
///
/// Every row is a pure function of (seed, count, asAt, row index), streamed through the
/// 1 MiB buffer like the requests extract; the same seed gives byte-identical files.
///
/// What the data looks like (measured by the tests): all seven transfer types, most
/// often primary → secondary and secondary → post-16. School transfers (and secondary →
/// post-16) on 1 September, some on another early-September day, of the years from
/// asAt's year − 3 to asAt's year + 1, so next September's transfers are still open;
/// post-16 → post-16 transfers spread through the year, some on 31 July and other month
/// ends. About 80 % of transfers whose due date has passed were amended on time (school
/// transfers before 15 February, secondary → post-16 before 31 March, post-16 → post-16
/// at least 5 months before the transfer, all read literally), the rest later or not
/// yet; no amended plan after asAt. On top of that, in each block of 1,000 rows, three
/// of each boundary case (`TransferBoundary`), three of each bad row (`TransferBadRow`)
/// and three of each covid_2020 claim (`TransferCovidClaim`).
public struct TransferGenerator: Sendable {
    public let seed: UInt64
    public let count: Int
    public let asAt: Day

    /// The canonical transfers header, in file order.
    public static let header = [
        "case_id", "transfer_type", "transfer_date", "amended_plan_date", "exception_reason", "team", "caseworker",
        "date_of_birth",
    ]

    package static let kindBlockSize = 1000
    package static let perKind = 3
    package static let maxRowBytes = 512

    /// Years of the September transfers: asAt's year − 3 to asAt's year + 1.
    package let firstYear: Int
    package let lastYear: Int
    /// The span of post-16 → post-16 transfer dates: asAt − 36 months to asAt + 12 months.
    package let firstPost16Date: Day
    package let lastPost16Date: Day
    private let caseWidth: Int
    private let text: TransferTextTables

    public init(seed: UInt64, count: Int, asAt: Day) {
        precondition(count >= 0, "count must not be negative")
        self.seed = seed
        self.count = count
        self.asAt = asAt
        self.firstYear = asAt.year - 3
        self.lastYear = asAt.year + 1
        self.firstPost16Date = asAt.addingMonths(-36)
        self.lastPost16Date = asAt.addingMonths(12)
        self.caseWidth = max(6, RequestGenerator.decimalDigits(count))
        self.text = TransferTextTables()
    }

    // MARK: - Writing

    /// Writes the canonical transfers extract (ISO dates, canonical codes, `\n`).
    // Untyped `throws` on purpose: see OutputFolder.write (Swift 6.3 -O crash).
    public func write(to path: String) throws {
        try writeFile(to: path)
    }

    private func writeFile(to path: String) throws(GeneratorError) {
        let out = try OutputFile(path: path)
        do {
            let line = Array(TransferGenerator.header.joined(separator: ",").utf8)
            try out.reserve(line.count + 1)
            out.append(line)
            out.append(10)
            for index in 0..<count {
                try out.reserve(TransferGenerator.maxRowBytes)
                encode(record(at: index), into: out)
            }
            try out.close()
        } catch {
            out.discard()
            throw error
        }
    }

    private func encode(_ r: SyntheticTransfer, into out: OutputFile) {
        let comma = UInt8(ascii: ",")
        out.append(text.casePrefix)
        out.appendDigits(r.caseNumber, width: caseWidth)
        out.append(comma)
        out.append(text.types[r.type.rawValue])
        out.append(comma)
        if let d = r.transferDate { out.appendISO(.day(d)) }
        out.append(comma)
        if let d = r.amendedPlanDate { out.appendISO(.day(d)) }
        out.append(comma)
        if r.covidClaim { out.append(text.covid) }
        out.append(comma)
        out.append(text.teams[r.team])
        out.append(comma)
        out.append(text.caseworkers[r.caseworker])
        out.append(comma)
        out.appendISO(.day(r.dateOfBirth))
        out.append(10)
    }

    // MARK: - Rows

    /// The row at `index` (0-based): a pure function of the generator's settings.
    package func record(at index: Int) -> SyntheticTransfer {
        let kind = self.kind(at: index)
        var id = stream(index, 1)
        var ev = stream(index, 2)

        let team = RequestGenerator.teamChoice.pick(&id)
        let caseworker = team + RequestGenerator.teams.count * id.below(RequestGenerator.caseworkersPerTeam)
        let birthDay = id.below(365)
        let post16Age = id.int(in: 17...23)

        var type = SyntheticTransferType(rawValue: TransferGenerator.typeChoice.pick(&ev))!
        let year = firstYear + ev.below(lastYear - firstYear + 1)
        let septemberRoll = ev.below(1000)
        let post16Roll = ev.below(1000)
        let post16Month = ev.int(in: 1...12)
        let post16Day = ev.below(lastPost16Date - firstPost16Date + 1)
        let timing = ev.below(1000)
        let early = TransferGenerator.earlyDays.pick(&ev)
        let late = TransferGenerator.lateDays.pick(&ev)
        let shift = ev.int(in: 1...60)

        switch kind {
        case .boundary(.febFourteenth), .boundary(.febFifteenth):
            if type == .secondaryToPost16 || type == .post16ToPost16 { type = .primaryToSecondary }
        case .boundary(.marchThirtieth), .boundary(.marchThirtyFirst):
            type = .secondaryToPost16
        case .boundary(.fiveMonthsOn), .boundary(.fiveMonthsDayAfter), .covid(.inWindow):
            type = .post16ToPost16
        case .covid(.outOfWindow):
            if type == .post16ToPost16 { type = .primaryToSecondary }
        default:
            break
        }

        // The transfer date.
        var transfer: Day
        if type == .post16ToPost16 {
            if post16Roll < 350 {
                transfer = TransferGenerator.september(year, day: 1)
            } else if post16Roll < 450 {
                transfer = Day(year: year, month: 7, day: 31)!
            } else if post16Roll < 650 {
                transfer = Day(year: year, month: post16Month, day: Day.daysIn(month: post16Month, year: year))!
            } else {
                transfer = firstPost16Date + post16Day
            }
        } else {
            let day = septemberRoll < 880 ? 1 : 2 + septemberRoll % 9  // 2–10 September
            transfer = TransferGenerator.september(year, day: day)
        }
        if kind == .covid(.inWindow) {
            // A move between post-16 institutions from October 2020 to January 2021: due
            // 5 months before, from May to August 2020, in SI 2020/471's window.
            transfer = Day(year: 2020, month: 10, day: 1)! + 2 * shift
        }

        var amended: Day? = nil
        switch kind {
        case .boundary(let b):
            // The boundary amendment must have happened by asAt: move the transfer back
            // a year at a time until it has.
            var due = TransferGenerator.dueDate(type, transfer)
            while due + 1 > asAt {
                transfer = transfer.addingMonths(-12)
                due = TransferGenerator.dueDate(type, transfer)
            }
            amended = b.isDayAfter ? due + 1 : due
        default:
            let due = TransferGenerator.dueDate(type, transfer)
            if timing < 800 {
                amended = due - early
            } else if timing < 975 {
                amended = due + late
            }  // else never amended: open, or overdue once due
            if kind == .covid(.inWindow) { amended = due + late }  // late: the claim matters
            if let a = amended, a > asAt { amended = nil }
        }

        let age: Int = switch type {
        case .eyToSchool: 4
        case .infantToJunior: 7
        case .primaryToMiddle: 9
        case .primaryToSecondary: 11
        case .middleToSecondary: 13
        case .secondaryToPost16: 16
        case .post16ToPost16: post16Age
        case .unknown: 18
        }
        // School moves: born in the school year that starts this type's age before the
        // transfer year. Post-16 moves: aged `age` on the transfer date.
        let dob = type == .post16ToPost16 ? transfer.addingMonths(-12 * (age + 1)) + 1 + birthDay
            : Day(year: transfer.year - age - 1, month: 9, day: 1)! + birthDay

        var r = SyntheticTransfer(index: index, kind: kind, caseNumber: index + 1, type: type,
                                  transferDate: transfer, amendedPlanDate: amended, team: team,
                                  caseworker: caseworker, dateOfBirth: dob)
        if case .covid = kind { r.covidClaim = true }
        if case .bad(let bad) = kind { spoil(&r, as: bad, shift: shift) }
        return r
    }

    private func spoil(_ r: inout SyntheticTransfer, as bad: TransferBadRow, shift: Int) {
        switch bad {
        case .unknownType:
            r.type = .unknown
        case .duplicate:
            // Same case, type and transfer date as an earlier ordinary row.
            var j = r.index - 1 - shift % max(1, min(r.index, 50))
            while j > 0 && kind(at: j) != .normal { j -= 1 }
            guard j >= 0, kind(at: j) == .normal else { return }
            let earlier = record(at: j)
            r.caseNumber = earlier.caseNumber
            r.type = earlier.type
            r.transferDate = earlier.transferDate
            r.dateOfBirth = earlier.dateOfBirth
            r.team = earlier.team
            r.caseworker = earlier.caseworker
        case .amendedAfterAsAt:
            r.amendedPlanDate = asAt + shift
        case .blankTransferDate:
            r.transferDate = nil
        }
    }

    /// The literal reg 18 due date (the last compliant day): 14 February of the year of
    /// a school transfer, 30 March for secondary → post-16, the date 5 months before a
    /// post-16 → post-16 transfer.
    package static func dueDate(_ type: SyntheticTransferType, _ transfer: Day) -> Day {
        switch type {
        case .secondaryToPost16: Day(year: transfer.year, month: 3, day: 30)!
        case .post16ToPost16: transfer.addingMonths(-5)
        default: Day(year: transfer.year, month: 2, day: 14)!
        }
    }

    package static func september(_ year: Int, day: Int) -> Day { Day(year: year, month: 9, day: day)! }

    /// Which deliberate row, if any, sits at `index`: fixed slots in each block of 1,000
    /// rows (three of each kind), moved from block to block by the seed.
    package func kind(at index: Int) -> TransferRowKind {
        let size = TransferGenerator.kindBlockSize, n = TransferGenerator.perKind
        let block = index / size
        let key = SplitMix64.mix(SplitMix64.mix(seed ^ 0x5452_414E_5346) &+ UInt64(truncatingIfNeeded: block))
        var slot = (index % size + Int(key % UInt64(size))) % size
        if slot < TransferBadRow.allCases.count * n {
            let bad = TransferBadRow(rawValue: slot / n)!
            return bad == .duplicate && index == 0 ? .normal : .bad(bad)
        }
        slot -= TransferBadRow.allCases.count * n
        if slot < TransferBoundary.allCases.count * n { return .boundary(TransferBoundary(rawValue: slot / n)!) }
        slot -= TransferBoundary.allCases.count * n
        if slot < TransferCovidClaim.allCases.count * n { return .covid(TransferCovidClaim(rawValue: slot / n)!) }
        return .normal
    }

    /// The random stream of one row for one purpose (1 identity, 2 transfer).
    private func stream(_ index: Int, _ purpose: UInt64) -> SplitMix64 {
        let key = SplitMix64.mix(seed ^ 0x5452_414E_5346 &+ purpose &* 0x9E37_79B9_7F4A_7C15)
        return SplitMix64(seed: SplitMix64.mix(key ^ (UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03)))
    }

    // MARK: - Tables

    /// Weights in `SyntheticTransferType` order.
    package static let typeChoice = WeightedChoice([13, 6, 2, 36, 3, 30, 10])
    /// Days before the due date of an amended plan on time.
    package static let earlyDays = BandedChoice([(0...0, 3), (1...14, 27), (15...60, 45), (61...140, 25)])
    /// Days after the due date of a late amended plan.
    package static let lateDays = BandedChoice([(1...1, 3), (2...30, 40), (31...120, 40), (121...240, 17)])
}

// MARK: - Records

package enum TransferRowKind: Equatable, Sendable {
    case normal
    case boundary(TransferBoundary)
    case bad(TransferBadRow)
    case covid(TransferCovidClaim)
}

/// A `covid_2020` claim (SI 2020/471): on a post-16 move due in the window (from 1 May
/// to 25 September 2020) and amended late, or on a school transfer due years after it.
package enum TransferCovidClaim: Int, CaseIterable, Sendable {
    case inWindow, outOfWindow
}

/// An amended plan on, or the day after, the literal due date.
package enum TransferBoundary: Int, CaseIterable, Sendable {
    /// School transfer: 14 or 15 February.
    case febFourteenth, febFifteenth
    /// Secondary → post-16: 30 or 31 March.
    case marchThirtieth, marchThirtyFirst
    /// Post-16 → post-16: exactly 5 months before the transfer, or the day after.
    case fiveMonthsOn, fiveMonthsDayAfter

    package var isDayAfter: Bool { self == .febFifteenth || self == .marchThirtyFirst || self == .fiveMonthsDayAfter }
}

/// A deliberately bad row; each is rejected by the analyser for one reason.
package enum TransferBadRow: Int, CaseIterable, Sendable {
    /// `transfer_type` is `primary_to_university`.
    case unknownType
    /// Same `case_id`, `transfer_type` and `transfer_date` as an earlier row.
    case duplicate
    case amendedAfterAsAt
    case blankTransferDate
}

/// The transfer types in file-code order, and one that is not a code.
package enum SyntheticTransferType: Int, CaseIterable, Sendable {
    case eyToSchool, infantToJunior, primaryToMiddle, primaryToSecondary, middleToSecondary
    case secondaryToPost16, post16ToPost16
    /// Written as `primary_to_university`.
    case unknown

    package var code: String {
        switch self {
        case .eyToSchool: "ey_to_school"
        case .infantToJunior: "infant_to_junior"
        case .primaryToMiddle: "primary_to_middle"
        case .primaryToSecondary: "primary_to_secondary"
        case .middleToSecondary: "middle_to_secondary"
        case .secondaryToPost16: "secondary_to_post16"
        case .post16ToPost16: "post16_to_post16"
        case .unknown: "primary_to_university"
        }
    }
}

/// One generated transfer row, before it is written.
package struct SyntheticTransfer: Sendable {
    package var index: Int
    package var kind: TransferRowKind
    /// The number in `case_id` (`EHCP` + zero-padded).
    package var caseNumber: Int
    package var type: SyntheticTransferType
    package var transferDate: Day?
    package var amendedPlanDate: Day?
    package var team: Int
    package var caseworker: Int
    package var dateOfBirth: Day
    /// `exception_reason` is `covid_2020`.
    package var covidClaim = false
}

package struct TransferTextTables: Sendable {
    package let casePrefix = Array("EHCP".utf8)
    package let covid = TextTables.cell("covid_2020")
    package let types = SyntheticTransferType.allCases.map { TextTables.cell($0.code) }
    package let teams = RequestGenerator.teams.map(TextTables.cell)
    package let caseworkers = RequestGenerator.caseworkers.map(TextTables.cell)
}
