/// What the rules depend on besides the records: the day the extracts were taken, the
/// two readings the law leaves to the council, and the measures to apply. The row loop
/// is given these and nothing else of the run's settings.
public struct RuleSettings: Sendable, Equatable {
    /// The date the extracts were taken: open cases are judged on it.
    public var asAt: Day
    /// When an annual review counts as complete.
    public var reviewClock: ReviewClock = .decision
    /// How "before 15 February" is read for phase transfers.
    public var transferDeadline: TransferDeadline = .literal
    /// The measures of the run: the statutory ones of version 1 unless a table adds more.
    public var measures: MeasureTable = .standard
    /// The council's school closures (`--term-dates`): when given, a `school_closure`
    /// claim stands only if they support it (`SchoolClosures.check`); nil checks nothing.
    public var schoolClosures: SchoolClosures?

    public init(asAt: Day, reviewClock: ReviewClock = .decision, transferDeadline: TransferDeadline = .literal,
                measures: MeasureTable = .standard, schoolClosures: SchoolClosures? = nil) {
        self.asAt = asAt
        self.reviewClock = reviewClock
        self.transferDeadline = transferDeadline
        self.measures = measures
        self.schoolClosures = schoolClosures
    }
}
