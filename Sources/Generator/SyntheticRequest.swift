import EHCPTimeliness
import EHCPOutputs
import EHCPStore
import EHCPRules

/// What a generated row is for: ordinary data, a deliberate boundary case, a deliberately
/// bad row for the data-quality report, or a 2020 case carrying the coronavirus exception.
package enum RowKind: Equatable, Sendable {
    case normal
    case boundary(BoundaryCase)
    case bad(BadRow)
    /// `valid`: the 20-week deadline falls inside 1 May – 25 Sep 2020.
    case covid(valid: Bool)
    /// A case for rule set version 2's checks (issue 15).
    case claim(ClaimCase)
}

/// Version 2's deliberate rows: the 15-day representation period at its boundary,
/// `school_closure` claims against the term dates (`TermDatesGenerator`) inside, outside
/// and one day either side of a summer window, `school_advice_date` on a window's first
/// and last day and the day before it, `none` in the exception columns, and
/// `early_years_closure` claimed on the 6-week decision (not a reg 5(4) ground).
package enum ClaimCase: Int, CaseIterable, Sendable {
    /// Final plan 14 days after the draft (a warning) and 15 days after (fine).
    case representation14, representation15
    /// Final plan 5 to 13 days after the draft.
    case representationShort
    /// `school_closure` on the 20-week plan, the clock well inside a summer window (applied).
    case closureInsideSummer
    /// `school_closure` on a clock from November that meets only short holidays (not applied).
    case closureOutsideWindows
    /// The 20-week clock ends on the window's first day (applied) or the day before (not).
    case closureTouchesWindow, closureMissesWindow
    /// `school_advice_date` on the window's first day, its last day (applied) and the day
    /// before it (not applied), with a clock that overlaps the window either way.
    case adviceFirstDay, adviceLastDay, adviceDayBefore
    /// `none` in both exception columns.
    case noneReasons
    /// `early_years_closure` on a late 6-week decision and on the 20-week plan.
    case earlyYearsOnDecision
}

/// A case completed exactly on, or one day after, a statutory due date
/// (day N = request_date + N).
package enum BoundaryCase: Int, CaseIterable, Sendable {
    case decisionDay42, decisionDay43, noPlanDay112, noPlanDay113, finalDay140, finalDay141

    /// The day of the event after the request.
    package var day: Int {
        switch self {
        case .decisionDay42: 42
        case .decisionDay43: 43
        case .noPlanDay112: 112
        case .noPlanDay113: 113
        case .finalDay140: 140
        case .finalDay141: 141
        }
    }
}

/// A deliberately bad row; each is rejected by the analyser for one reason.
package enum BadRow: Int, CaseIterable, Sendable {
    /// `assessment_decision_date` is 31 February 2025.
    case impossibleDate
    case finalBeforeRequest
    /// `final_plan_date` after the as-at date.
    case eventAfterAsAt
    /// `case_id` repeats an earlier row's id.
    case duplicateCaseID
    case missingRequestDate
    /// `assessment_decision` is `maybe`.
    case unknownDecision
}

package enum SyntheticAssessmentDecision: Sendable {
    case assess, refuse
    /// Not a valid code: written as `maybe` in both layouts.
    case unknown
}

package enum SyntheticPlanDecision: Sendable {
    case issue, noPlan
}

/// An exception reason as recorded: the statutory codes, the flag-only spellings, and
/// reasons that are not statutory grounds.
package enum RecordedException: Int, CaseIterable, Sendable {
    case personalCircumstances, schoolClosure, absentFromArea, earlyYearsClosure, covid2020
    case unspecified, flagOne, flagYes
    case missedAppointment, parentOnHoliday
    /// `none` written out, as some systems do in every row without an exception (never
    /// drawn at random: `ClaimCase.noneReasons` writes them).
    case noneLower, noneTitle

    /// The value in the canonical extract.
    package var canonical: String {
        switch self {
        case .personalCircumstances: "personal_circumstances"
        case .schoolClosure: "school_closure"
        case .absentFromArea: "absent_from_area"
        case .earlyYearsClosure: "early_years_closure"
        case .covid2020: "covid_2020"
        case .unspecified: "unspecified"
        case .flagOne: "1"
        case .flagYes: "Yes"
        case .missedAppointment: "missed appointment"
        case .parentOnHoliday: "parent on holiday"
        case .noneLower: "none"
        case .noneTitle: "None"
        }
    }

    /// The value in the other system's export. Coded grounds use the codes of
    /// `RequestGenerator.otherSystemProfile`; everything else is written as recorded
    /// (`1` and `Yes` are flag spellings the analyser reads as `unspecified` anyway).
    package var otherSystem: String {
        switch self {
        case .personalCircumstances: "PC"
        case .schoolClosure: "SC"
        case .absentFromArea: "AA"
        case .earlyYearsClosure: "EY"
        case .covid2020: "COV"
        case .unspecified: "Y"
        case .flagOne, .flagYes, .missedAppointment, .parentOnHoliday, .noneLower, .noneTitle: canonical
        }
    }
}

/// A date field: a real day, or a date that does not exist (written as such on purpose).
package enum DateValue: Equatable, Sendable {
    case day(Day)
    case impossible(year: Int, month: Int, day: Int)

    package var civil: (year: Int, month: Int, day: Int) {
        switch self {
        case .day(let d): d.civil
        case .impossible(let y, let m, let d): (y, m, d)
        }
    }
}

/// One generated request row, before it is written in either layout.
package struct SyntheticRequest: Sendable {
    /// Position in the file (0-based, data rows only).
    package var index: Int
    package var kind: RowKind
    /// The number in `case_id` (`REQ` + zero-padded).
    package var caseNumber: Int
    /// The number in `person_id` (`P` + zero-padded).
    package var personNumber: Int
    package var requestDate: Day?
    package var assessmentDecisionDate: DateValue?
    package var assessmentDecision: SyntheticAssessmentDecision?
    package var planDecisionDate: Day?
    package var planDecision: SyntheticPlanDecision?
    package var draftPlanDate: Day?
    package var finalPlanDate: Day?
    package var withdrawnDate: Day?
    /// Advice requested from the child's school (version 2).
    package var schoolAdviceDate: Day?
    package var exceptionReason: RecordedException?
    package var decisionExceptionReason: RecordedException?
    /// Indexes into `RequestGenerator.teams`, `.caseworkers`, `.primaryNeeds`.
    package var team: Int
    package var caseworker: Int
    package var primaryNeed: Int
    package var dateOfBirth: Day
}
