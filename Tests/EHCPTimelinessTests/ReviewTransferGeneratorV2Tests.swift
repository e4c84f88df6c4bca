import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

/// The generator's cases of rule set version 2, checked through the real tool: every
/// deliberate plan or transfer of each kind lands on the boundary it is for.
@Suite struct ReviewTransferGeneratorV2Tests {
    static let asAt = Day(year: 2025, month: 10, day: 31)!

    struct Analysed {
        let reviews: ReviewGenerator
        let transfers: TransferGenerator
        let cases: [[String]]
        let problems: [[String]]
        let stdout: String

        /// The plan's or transfer's index from its case id (`EHCP` + number).
        static func index(_ caseID: String) -> Int { Int(caseID.dropFirst(4))! - 1 }

        func reviewCases(_ measure: MeasureID, kind: ReviewV2Case) -> [[String]] {
            cases.filter { $0[0] == measure.rawValue && reviews.kind(at: Self.index($0[1])) == .version2(kind) }
        }
        func days(_ row: [String], from: Int, to: Int) -> Int? {
            guard let a = Day(iso: row[from]), let b = Day(iso: row[to]) else { return nil }
            return b - a
        }
    }

    static let analysed: Analysed = {
        let folder = try! TemporaryFolder()
        let reviews = ReviewGenerator(seed: 20_251_032, plans: 1000, asAt: asAt)
        let transfers = TransferGenerator(seed: 20_251_033, count: 1000, asAt: asAt)
        try! reviews.write(to: folder.path + "/reviews.csv")
        try! transfers.write(to: folder.path + "/transfers.csv")
        let run = try! CLI.run(["analyse", "--reviews", "reviews.csv", "--transfers", "transfers.csv", "--as-at", asAt.iso,
                                "--out", "out"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        return Analysed(reviews: reviews, transfers: transfers, cases: parseCSV(try! folder.read("out/cases.csv")),
                        problems: Array(parseCSV(try! folder.read("out/data-quality.csv")).dropFirst()), stdout: run.stdout)
    }()

    @Test func everyKindHasThreePlansInABlockOfAThousand() {
        let r = Self.analysed.reviews
        for kind in ReviewV2Case.allCases {
            #expect((0..<1000).filter { r.kind(at: $0) == .version2(kind) }.count == 3, "\(kind)")
        }
        let t = Self.analysed.transfers
        for claim in TransferCovidClaim.allCases {
            #expect((0..<1000).filter { t.kind(at: $0) == .covid(claim) }.count == 3, "\(claim)")
        }
    }

    @Test func theTransferNoticeIsOnItsLastDayOrTheDayAfter() {
        let a = Self.analysed
        for (kinds, days, status) in [([ReviewV2Case.transferThreeMonthsOn, .transferTwelveMonthsOn], 42, "on_time"),
                                      ([.transferThreeMonthsDayAfter, .transferTwelveMonthsDayAfter], 43, "late")] {
            let rows = kinds.flatMap { a.reviewCases(.transferInNotice6w, kind: $0) }
            #expect(rows.count == 6)
            #expect(rows.allSatisfy { a.days($0, from: 3, to: 5) == days && a.days($0, from: 3, to: 4) == 42 && $0[6] == status })
        }
        #expect(a.reviewCases(.transferInNotice6w, kind: .transferMeetingBefore).count == 3)
    }

    @Test func theFirstReviewAfterATransferIsOnItsDueDateOrTheDayAfterWithTheLaterDateWhereMeant() {
        let a = Self.analysed
        for (kind, threeMonths, status) in [(ReviewV2Case.transferThreeMonthsOn, true, "on_time"), (.transferThreeMonthsDayAfter, true, "late"),
                                            (.transferTwelveMonthsOn, false, "on_time"), (.transferTwelveMonthsDayAfter, false, "late")] {
            let first = Dictionary(grouping: a.reviewCases(.annualReview12m, kind: kind), by: { $0[1] }).values.compactMap(\.first)
            #expect(first.count == 3, "\(kind)")
            for row in first {
                let start = Day(iso: row[3])!, due = Day(iso: row[4])!, completed = Day(iso: row[5])
                let notice = a.reviewCases(.transferInNotice6w, kind: kind).first { $0[1] == row[1] }
                let transfer = Day(iso: notice![3])!
                // The 3-month date or the 12-month date, whichever the case is for, is the later.
                #expect((due == transfer.endOfPeriod(months: 3)) == threeMonths, "\(row)")
                #expect(due == max(start.endOfTwelveMonthPeriod, transfer.endOfPeriod(months: 3)), "\(row)")
                #expect(completed.map { $0 - due } == (status == "on_time" ? 0 : 1), "\(row)")
                #expect(row[6] == status)
                // The old authority's cycle, from the plan date, anchors the chain but is not written.
                #expect(start > a.reviews.plan(at: Analysed.index(row[1])).planDate && start < transfer, "\(row)")
            }
        }
    }

    @Test func aMeetingBeforeTheTransferHasNoDecisionRowButTheCycleItsDecisionCompletesHasOne() {
        let a = Self.analysed
        let notices = a.reviewCases(.transferInNotice6w, kind: .transferMeetingBefore)
        #expect(notices.count == 3)
        for notice in notices {
            let transfer = Day(iso: notice[3])!
            let decisions = a.cases.filter { $0[0] == "review-decision-4w" && $0[1] == notice[1] }
            #expect(decisions.allSatisfy { Day(iso: $0[3])! >= transfer })
            let cycles = a.cases.filter { $0[0] == "annual-review-12m" && $0[1] == notice[1] }
            let first = cycles.first!
            // Completed by the decision after the transfer, due the later of the two dates.
            #expect(Day(iso: first[5])! > transfer)
            #expect(Day(iso: first[4])! == max(Day(iso: first[3])!.endOfTwelveMonthPeriod, transfer.endOfPeriod(months: 3)))
        }
    }

    @Test func theDecisionNotToAmendIsOnDay56OrDay57() {
        let a = Self.analysed
        for (kind, days, status) in [(ReviewV2Case.noAmendmentDay56, 56, "on_time"), (.noAmendmentDay57, 57, "late")] {
            let rows = a.reviewCases(.amendedPlan8w, kind: kind).filter { a.days($0, from: 3, to: 5) == days }
            #expect(Set(rows.map { $0[1] }).count == 3, "\(kind)")
            #expect(rows.allSatisfy { $0[6] == status })
        }
    }

    @Test func covid2020ClaimsAreAppliedInTheWindowAndWarnedOutsideIt() {
        let a = Self.analysed
        let inWindow = a.reviewCases(.reviewDecision4w, kind: .covidInWindow).filter { $0[7] == "covid_2020" }
        #expect(Set(inWindow.map { $0[1] }).count == 3)
        #expect(inWindow.allSatisfy { StatutoryExceptions.covidWindow.contains(Day(iso: $0[4])!) && $0[6] == "late" })
        let outside = a.problems.filter { $0[0] == "reviews.csv" && $0[3] == "exception_reason" && $0[6].contains("covid_2020 applies only") }
        let outsidePlans = Set(outside.compactMap { a.reviews.kind(at: Analysed.index($0[2])) == .version2(.covidOutOfWindow) ? $0[2] : nil })
        #expect(outsidePlans.count == 3)
        #expect(!a.cases.contains { $0[7] == "covid_2020" && a.reviews.kind(at: Analysed.index($0[1])) == .version2(.covidOutOfWindow)
            && $0[0] != "phase-transfer" })
        // Transfers: a post-16 move due in the window, excepted; a school transfer warned.
        let transferCases = a.cases.filter { $0[0] == "phase-transfer" }
        let applied = transferCases.filter { $0[7] == "covid_2020" }
        #expect(applied.count == 3)
        #expect(applied.allSatisfy { a.transfers.kind(at: Analysed.index($0[1])) == .covid(.inWindow) && $0[6] == "late" })
        let warned = a.problems.filter { $0[0] == "transfers.csv" && $0[6].hasPrefix("phase-transfer: covid_2020 applies only") }
        #expect(warned.count == 3)
        #expect(warned.allSatisfy { a.transfers.kind(at: Analysed.index($0[2])) == .covid(.outOfWindow) })
    }

    @Test func theSampleSizedExtractsAreStillAnalysedWithoutRejectingAVersion2Plan() {
        let a = Self.analysed
        // Every rejected review row is one of the deliberate bad rows.
        let rejected = a.problems.filter { $0[0] == "reviews.csv" && $0[5] == "error" && $0[6].contains("transfer_in") }
        #expect(rejected.isEmpty, "\(rejected)")
        #expect(a.stdout.contains("transfer-in-notice-6w"))
    }
}
