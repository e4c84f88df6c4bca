/// The typed records Ingest builds from extract rows and the rules read: dates as day
/// numbers, codes as enums. Nothing here reads bytes.

/// One request for an EHC needs assessment, as read from a requests extract.
public struct RequestRecord: Sendable, Equatable {
    public var caseID: String
    public var line: Int
    public var requestDate: Day
    public var assessmentDecisionDate: Day?
    public var assessmentDecision: AssessmentDecision?
    public var planDecisionDate: Day?
    public var planDecision: PlanDecision?
    public var draftPlanDate: Day?
    public var finalPlanDate: Day?
    public var withdrawnDate: Day?
    /// The day advice was requested from the child's school or post-16 institution: the
    /// school-closure ground is checked against it when term dates are given.
    public var schoolAdviceDate: Day?
    /// Applies to the 16- and 20-week measures.
    public var exception: ExceptionReading
    /// Applies to the 6-week measure.
    public var decisionException: ExceptionReading
    public var cohort: Cohort
    /// Optional fields whose value could not be used (an impossible date, a date after the
    /// as-at date, an unknown code, a date before the request date), by canonical name.
    /// Each is blank in the record; the measures that need one are not measured for the
    /// case (`RuleTimings.unmeasured`), the others are.
    public var unusable: [String] = []

    /// A record to read a row into (`RowReader.readRequest`): every field is set there.
    public static var blank: RequestRecord {
        RequestRecord(caseID: "", line: 0, requestDate: Day(number: 0), exception: .none, decisionException: .none,
                      cohort: Cohort(values: [], ageBandSlots: []))
    }

    @inlinable public init(caseID: String, line: Int, requestDate: Day, assessmentDecisionDate: Day? = nil, assessmentDecision: AssessmentDecision? = nil, planDecisionDate: Day? = nil, planDecision: PlanDecision? = nil, draftPlanDate: Day? = nil, finalPlanDate: Day? = nil, withdrawnDate: Day? = nil, schoolAdviceDate: Day? = nil, exception: ExceptionReading, decisionException: ExceptionReading, cohort: Cohort, unusable: [String] = []) {
        self.caseID = caseID
        self.line = line
        self.requestDate = requestDate
        self.assessmentDecisionDate = assessmentDecisionDate
        self.assessmentDecision = assessmentDecision
        self.planDecisionDate = planDecisionDate
        self.planDecision = planDecision
        self.draftPlanDate = draftPlanDate
        self.finalPlanDate = finalPlanDate
        self.withdrawnDate = withdrawnDate
        self.schoolAdviceDate = schoolAdviceDate
        self.exception = exception
        self.decisionException = decisionException
        self.cohort = cohort
        self.unusable = unusable
    }
}

/// One annual review meeting as read from a reviews extract (or a plan's only row,
/// with a blank meeting date, before its first review).
public struct ReviewRow: Sendable, Equatable {
    public var caseID: String
    public var line: Int
    public var planDate: Day?
    public var meetingDate: Day?
    public var decisionDate: Day?
    public var decision: ReviewDecision?
    public var amendmentNoticeDate: Day?
    public var amendedPlanDate: Day?
    /// The decision not to make the proposed amendments, notified (reg 22(4)): it
    /// completes the amended plan measure as the amended plan does.
    public var noAmendmentDate: Day?
    public var ceasedDate: Day?
    /// The plan was transferred in from another authority on this day (reg 15(2)).
    public var transferInDate: Day?
    /// The new authority's notice of the transfer (reg 15(4)).
    public var transferInNoticeDate: Day?
    /// The row's `exception_reason`: applies to the row's measures that accept the ground
    /// (`MeasureDefinition.grounds`).
    public var exception: ExceptionReading = .none
    public var cohort: Cohort
    /// Optional fields whose value could not be used, by canonical name (as `RequestRecord.unusable`).
    public var unusable: [String] = []

    @inlinable public init(caseID: String, line: Int, planDate: Day? = nil, meetingDate: Day? = nil, decisionDate: Day? = nil, decision: ReviewDecision? = nil, amendmentNoticeDate: Day? = nil, amendedPlanDate: Day? = nil, noAmendmentDate: Day? = nil, ceasedDate: Day? = nil, transferInDate: Day? = nil, transferInNoticeDate: Day? = nil, exception: ExceptionReading = .none, cohort: Cohort) {
        self.caseID = caseID
        self.line = line
        self.planDate = planDate
        self.meetingDate = meetingDate
        self.decisionDate = decisionDate
        self.decision = decision
        self.amendmentNoticeDate = amendmentNoticeDate
        self.amendedPlanDate = amendedPlanDate
        self.noAmendmentDate = noAmendmentDate
        self.ceasedDate = ceasedDate
        self.transferInDate = transferInDate
        self.transferInNoticeDate = transferInNoticeDate
        self.exception = exception
        self.cohort = cohort
    }
}

/// One phase transfer as read from a transfers extract.
public struct TransferRecord: Sendable, Equatable {
    public var caseID: String
    public var line: Int
    public var type: TransferType
    /// When the child moves; may be in the future.
    public var transferDate: Day
    /// Final amended plan naming the new setting, or the confirmation that none was needed.
    public var amendedPlanDate: Day?
    /// The row's `exception_reason` (`MeasureDefinition.grounds` says which grounds apply).
    public var exception: ExceptionReading = .none
    public var cohort: Cohort
    /// Optional fields whose value could not be used, by canonical name (as `RequestRecord.unusable`).
    public var unusable: [String] = []

    @inlinable public init(caseID: String, line: Int, type: TransferType, transferDate: Day, amendedPlanDate: Day? = nil,
                           exception: ExceptionReading = .none, cohort: Cohort) {
        self.caseID = caseID
        self.line = line
        self.type = type
        self.transferDate = transferDate
        self.amendedPlanDate = amendedPlanDate
        self.exception = exception
        self.cohort = cohort
    }
}

/// The decision whether to carry out an EHC needs assessment.
public enum AssessmentDecision: String, Sendable, CaseIterable {
    case assess, refuse
}

/// The decision, after assessment, whether to issue a plan.
public enum PlanDecision: String, Sendable, CaseIterable {
    case issue
    case noPlan = "no_plan"
}

/// What the authority decided after an annual review meeting.
public enum ReviewDecision: String, Sendable, CaseIterable {
    case maintain, amend, cease
}

/// A phase transfer (reg 18) and the setting it moves between.
public enum TransferType: String, Sendable, CaseIterable {
    case eyToSchool = "ey_to_school"
    case infantToJunior = "infant_to_junior"
    case primaryToMiddle = "primary_to_middle"
    case primaryToSecondary = "primary_to_secondary"
    case middleToSecondary = "middle_to_secondary"
    case secondaryToPost16 = "secondary_to_post16"
    case post16ToPost16 = "post16_to_post16"
}

/// What an exception-reason cell says (extract-format.md, "Codes").
public enum ExceptionReading: Sendable, Equatable {
    case none
    case code(ExceptionCode)
    /// A recorded reason that is not a statutory ground: counted as no exception, with a warning.
    case unrecognised(String)

    /// The ground recorded, if the cell holds one.
    public var code: ExceptionCode? {
        if case .code(let c) = self { return c }
        return nil
    }
}

/// One row's cohort: its `--by` values, with the age band filled in per measure.
public struct Cohort: Sendable, Equatable {
    /// The label of an unknown or blank value.
    public static let unknown = "unknown"

    @usableFromInline package var values: [String]
    @usableFromInline package var ageBandSlots: [Int]
    @usableFromInline package var dateOfBirth: Day?
    public var team: String?
    public var caseworker: String?

    /// The `--by` values when the measure's age reference date is `on`.
    public func values(on day: Day?) -> [String] {
        guard !ageBandSlots.isEmpty else { return values }
        var v = values
        let band = AgeBand.label(dateOfBirth: dateOfBirth, on: day)
        for slot in ageBandSlots { v[slot] = band }
        return v
    }

    @inlinable public init(values: [String], ageBandSlots: [Int], dateOfBirth: Day? = nil, team: String? = nil, caseworker: String? = nil) {
        self.values = values
        self.ageBandSlots = ageBandSlots
        self.dateOfBirth = dateOfBirth
        self.team = team
        self.caseworker = caseworker
    }
}

/// The DfE age bands (outputs.md, "Derived dimensions").
public enum AgeBand {
    public static func label(dateOfBirth: Day?, on day: Day?) -> String {
        guard let dob = dateOfBirth, let day, day >= dob else { return Cohort.unknown }
        let (y1, m1, d1) = dob.civil
        let (y2, m2, d2) = day.civil
        let age = y2 - y1 - ((m2, d2) < (m1, d1) ? 1 : 0)
        switch age {
        case ..<5: return "under 5"
        case 5...10: return "5 to 10"
        case 11...15: return "11 to 15"
        case 16...19: return "16 to 19"
        case 20...25: return "20 to 25"
        default: return "26 and over"
        }
    }
}
