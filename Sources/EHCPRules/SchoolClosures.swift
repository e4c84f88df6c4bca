/// The school-closure ground of regs 5(4)(a) and 10(4)(a) (and so 13(3)), checked against
/// the council's term dates (`--term-dates`).
///
/// The text: the authority "has requested advice from the head teacher or principal of a
/// school or post-16 institution during a period beginning one week before any date on
/// which that school or institution was closed for a continuous period of not less than
/// 4 weeks from that date and ending one week before the date on which it re-opens".
/// The earliest such date is the first day of a closure of 4 weeks or more, so each such
/// closure has one window: from 7 days before its first day to 7 days before the day it
/// re-opens (the day after its last day), both days included. A shorter closure (a
/// half-term) has none.
public struct SchoolClosure: Sendable, Equatable {
    /// The first and last day the schools are closed (both included).
    public var start: Day
    public var end: Day

    public init(start: Day, end: Day) { self.start = start; self.end = end }

    /// How many days the schools are closed.
    public var days: Int { end - start + 1 }
    /// The day the schools re-open: the day after the last day closed.
    public var reopens: Day { end + 1 }
    /// Whether the closure is long enough to have a window: at least 4 continuous weeks.
    public var isLongEnough: Bool { days >= SchoolClosures.minimumDays }
    /// The window in which a request for advice falls under the ground: from one week
    /// before the closure starts to one week before the school re-opens, both included.
    public var window: ClosedRange<Day> {
        (start - SchoolClosures.weekBefore)...(reopens - SchoolClosures.weekBefore)
    }
}

/// The closures of a term-dates file, and the check of a `school_closure` claim against them.
public struct SchoolClosures: Sendable, Equatable {
    /// "not less than 4 weeks": 28 days, counted continuously.
    public static let minimumDays = 28
    /// "one week before": 7 days.
    public static let weekBefore = 7

    /// The file the closures were read from, as the user named it (for messages).
    public let file: String
    /// Every closure, overlapping or adjacent periods joined (a school closed from one
    /// period straight into the next is closed continuously), in date order.
    public let closures: [SchoolClosure]
    /// Those of at least 4 weeks: the only ones with a window.
    public let qualifying: [SchoolClosure]

    /// `periods`: the file's rows, in any order.
    public init(file: String, periods: [SchoolClosure]) {
        self.file = file
        var joined: [SchoolClosure] = []
        for p in periods.sorted(by: { ($0.start, $0.end) < ($1.start, $1.end) }) {
            if let last = joined.last, p.start <= last.reopens {
                joined[joined.count - 1].end = max(last.end, p.end)
            } else {
                joined.append(p)
            }
        }
        closures = joined
        qualifying = joined.filter(\.isLongEnough)
    }

    /// What the term dates say of one claim.
    public enum Verdict: Sendable, Equatable {
        /// A window overlaps the clock period, or holds the advice date.
        case supported(SchoolClosure)
        /// No closure of the file lasts 4 weeks.
        case noQualifyingClosure
        /// No window overlaps the clock period `from`…`to`; `nearest` is the closure whose
        /// window comes closest.
        case clockMissesEveryWindow(from: Day, to: Day, nearest: SchoolClosure)
        /// The advice date is in no window; `nearest` is the closure whose window comes closest.
        case adviceOutsideEveryWindow(advice: Day, nearest: SchoolClosure)
    }

    /// The claim of a case whose clock runs from `clockStart` to `due` (both included):
    /// with `adviceDate` (the day advice was requested from the school), that day must be
    /// in a window, as the regulation says; without it, a window must overlap the clock
    /// period, the most the extract can show.
    public func check(clockStart: Day, due: Day, adviceDate: Day?) -> Verdict {
        guard !qualifying.isEmpty else { return .noQualifyingClosure }
        let (from, to) = adviceDate.map { ($0, $0) } ?? (clockStart, due)
        var nearest = qualifying[0], gap = Int.max
        for c in qualifying {
            let w = c.window
            if w.lowerBound <= to && w.upperBound >= from { return .supported(c) }
            let distance = w.lowerBound > to ? w.lowerBound - to : from - w.upperBound
            if distance < gap { gap = distance; nearest = c }
        }
        if let adviceDate { return .adviceOutsideEveryWindow(advice: adviceDate, nearest: nearest) }
        return .clockMissesEveryWindow(from: from, to: to, nearest: nearest)
    }

    /// Why a claim the term dates do not support is not applied, for the data-quality
    /// warning; nil when it is supported. `citation`: the paragraph of the ground for the
    /// measure ("reg 5(4)(a)").
    public func reason(_ verdict: Verdict, citation: String) -> String? {
        func describe(_ c: SchoolClosure) -> String {
            "the window \(c.window.lowerBound.iso) to \(c.window.upperBound.iso) of the closure \(c.start.iso) to \(c.end.iso)"
        }
        switch verdict {
        case .supported:
            return nil
        case .noQualifyingClosure:
            return "\(file) has no closure of at least 4 continuous weeks (\(Self.minimumDays) days), so no school-closure window exists (\(citation))"
        case let .clockMissesEveryWindow(from, to, nearest):
            let side = nearest.window.lowerBound > to ? "it begins after" : "it ends before"
            return "no school-closure window of \(file) overlaps the clock period \(from.iso) to \(to.iso); the nearest is "
                + "\(describe(nearest)), and \(side) the clock period (\(citation))"
        case let .adviceOutsideEveryWindow(advice, nearest):
            let side = nearest.window.lowerBound > advice ? "it begins after" : "it ends before"
            return "school_advice_date \(advice.iso) is in no school-closure window of \(file); the nearest is "
                + "\(describe(nearest)), and \(side) that date (\(citation))"
        }
    }
}
