import EHCPTimeliness
import EHCPOutputs
import EHCPStore
import EHCPRules

/// A synthetic SEN2 person-level return (`generate --sen2`): the requests of
/// `RequestGenerator` with the same seed, as the return records them, so a return and the
/// requests extract of one seed describe the same requests (as far as a return can: it has
/// no draft plan, no decision exception, no team). Every `<Person>` is synthetic: its
/// name, birth date and postcode are made up, and are there only so that a test can show
/// they never reach an output.
///
/// Besides what `RequestGenerator` deliberately puts in (boundary cases at 42/43, 112/113
/// and 140/141 days, bad rows), the return has:
/// - plans (`<ActivePlans>`) on about one issued plan in seven: a review meeting about 11
///   months after the plan, its decision (`LastReview`) 28 or 29 days later, and every
///   other such plan a phase transfer due 15 February completed on the day or a day late;
/// - a second request on the same day for every 50th person (`case_id` `#2`);
/// - `NamedPlan/StartDate` a day after `AssessmentOutcomeDate` on every 101st plan (a warning);
/// - bad elements: the bad rows of `RequestGenerator` written as SEN2 elements, and six
///   bad `<Requests>` in each 1,002 persons (`badRequests`), each rejected.
public struct SEN2Generator: Sendable {
    public let requests: RequestGenerator

    public init(seed: UInt64, persons: Int, asAt: Day) {
        requests = RequestGenerator(seed: seed, count: persons, asAt: asAt)
    }

    public var asAt: Day { requests.asAt }

    /// Streams the return to `path`: one person at a time, whatever the count.
    public func write(to path: String) throws(GeneratorError) {
        let out = try OutputFile(path: path)
        out.append(Array(header.utf8))
        for i in 0..<requests.count {
            let person = self.person(at: i)
            let bytes = Array(person.utf8)
            try out.reserve(bytes.count)
            out.append(bytes)
        }
        out.append(Array("\t</Persons>\n</Message>\n".utf8))
        try out.close()
    }

    var header: String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <Message>
        \t<Header>
        \t\t<CollectionDetails>
        \t\t\t<Collection>SEN2</Collection>
        \t\t\t<Year>\(asAt.year)</Year>
        \t\t\t<ReferenceDate>\(asAt.iso)</ReferenceDate>
        \t\t</CollectionDetails>
        \t\t<Source>
        \t\t\t<SourceLevel>L</SourceLevel>
        \t\t\t<LEA>999</LEA>
        \t\t\t<SoftwareCode>ehcp-timeliness generate --sen2</SoftwareCode>
        \t\t\t<Release>synthetic</Release>
        \t\t\t<SerialNo>001</SerialNo>
        \t\t\t<DateTime>\(asAt.iso)T00:00:00</DateTime>
        \t\t\t<DMO>Y</DMO>
        \t\t\t<DCO>Y</DCO>
        \t\t</Source>
        \t</Header>
        \t<Persons>

        """
    }

    /// The `<Person>` element of request `index`, whole.
    package func person(at index: Int) -> String {
        let r = requests.record(at: index)
        var s = "\t\t<Person>\n"
        func item(_ depth: Int, _ name: String, _ value: String) {
            s += String(repeating: "\t", count: depth) + "<\(name)>\(value)</\(name)>\n"
        }
        func open(_ depth: Int, _ name: String) { s += String(repeating: "\t", count: depth) + "<\(name)>\n" }
        func close(_ depth: Int, _ name: String) { s += String(repeating: "\t", count: depth) + "</\(name)>\n" }
        item(3, "Surname", "Synthname\(index % 997)")
        item(3, "Forename", "Synthforename\(index % 389)")
        item(3, "PersonBirthDate", r.dateOfBirth.iso)
        item(3, "Sex", index % 3 == 0 ? "F" : "M")
        item(3, "Ethnicity", "WBRI")
        item(3, "PostCode", "ZZ99 \(index % 10)ZZ")
        // A UPN-shaped synthetic id, unique per person: Z and 12 digits.
        let digits = String(index + 1)
        item(3, "UPN", "Z" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits)
        if index % 167 == 83, let date = r.requestDate {
            badRequests(date, kind: (index / 167) % 6, into: &s)
        } else {
            requestsElement(r, index: index, into: &s)
        }
        if index % 50 == 49, let date = r.requestDate {
            // The same child asked again on the same day: the second request is `#2`.
            open(3, "Requests")
            item(4, "ReceivedDate", date.iso)
            item(4, "RequestOutcome", "A")
            close(3, "Requests")
        }
        s += "\t\t</Person>\n"
        return s
    }

    private func requestsElement(_ r: SyntheticRequest, index: Int, into s: inout String) {
        func item(_ depth: Int, _ name: String, _ value: String) {
            s += String(repeating: "\t", count: depth) + "<\(name)>\(value)</\(name)>\n"
        }
        func open(_ depth: Int, _ name: String) { s += String(repeating: "\t", count: depth) + "<\(name)>\n" }
        func close(_ depth: Int, _ name: String) { s += String(repeating: "\t", count: depth) + "</\(name)>\n" }
        func text(_ d: DateValue) -> String {
            let (y, m, day) = d.civil
            return padded(y, 4) + "-" + padded(m, 2) + "-" + padded(day, 2)
        }
        open(3, "Requests")
        if let d = r.requestDate { item(4, "ReceivedDate", d.iso) }
        item(4, "RequestSource", "1")
        item(4, "RYA", "0")
        let decided = r.assessmentDecision != nil && r.assessmentDecisionDate != nil
        // Withdrawn before the decision: W; the date it was withdrawn is not in a return.
        let withdrawnBeforeDecision = r.withdrawnDate != nil && !decided
        if let d = r.assessmentDecisionDate, r.assessmentDecision != nil { item(4, "RequestOutcomeDate", text(d)) }
        switch r.assessmentDecision {
        case .assess: item(4, "RequestOutcome", "Y")
        case .refuse: item(4, "RequestOutcome", "N")
        case .unknown: item(4, "RequestOutcome", "Q")  // not a SEN2 code: rejected
        case nil: item(4, "RequestOutcome", withdrawnBeforeDecision ? "W" : "A")
        }
        item(4, "RequestMediation", "0")
        item(4, "RequestTribunal", "0")
        if r.assessmentDecision == .assess {
            open(4, "Assessment")
            var plan: Day?
            if r.planDecision == .noPlan, let d = r.planDecisionDate {
                item(5, "AssessmentOutcome", "N")
                item(5, "AssessmentOutcomeDate", d.iso)
            } else if let d = r.finalPlanDate {
                item(5, "AssessmentOutcome", "Y")
                item(5, "AssessmentOutcomeDate", d.iso)
                plan = d
            } else {
                item(5, "AssessmentOutcome", r.withdrawnDate != nil ? "W" : "A")
            }
            let statutory: Set<RecordedException> = [.personalCircumstances, .schoolClosure, .absentFromArea,
                                                     .earlyYearsClosure, .covid2020, .unspecified, .flagOne, .flagYes]
            item(5, "Week20", r.exceptionReason.map { statutory.contains($0) } == true ? "1" : "0")
            if let plan {
                open(5, "NamedPlan")
                item(6, "StartDate", (index % 101 == 100 ? plan + 1 : plan).iso)
                item(6, "PlanRes", "A")
                close(5, "NamedPlan")
            }
            close(4, "Assessment")
            if let plan, index % 7 == 3 { activePlans(plan: plan, index: index, into: &s) }
        }
        close(3, "Requests")
    }

    /// A `<Requests>` wrong in one way, of six in turn: an impossible `ReceivedDate`, an
    /// unknown `RequestOutcome`, no `ReceivedDate`, a `RequestOutcomeDate` the day before
    /// the request, an unknown `Week20` and an `AssessmentOutcomeDate` after the reference
    /// date. Each rejects its `<Requests>`.
    private func badRequests(_ date: Day, kind: Int, into s: inout String) {
        func item(_ name: String, _ value: String) { s += "\t\t\t\t<\(name)>\(value)</\(name)>\n" }
        s += "\t\t\t<Requests>\n"
        switch kind {
        case 0: item("ReceivedDate", "\(date.year)-02-30")
        case 1: item("ReceivedDate", date.iso); item("RequestOutcome", "X")
        case 2: item("RequestOutcome", "A")
        case 3: item("ReceivedDate", date.iso); item("RequestOutcomeDate", (date - 1).iso); item("RequestOutcome", "Y")
        case 4:
            item("ReceivedDate", date.iso); item("RequestOutcomeDate", (date + 30).iso); item("RequestOutcome", "Y")
            s += "\t\t\t\t<Assessment>\n\t\t\t\t\t<AssessmentOutcome>A</AssessmentOutcome>\n\t\t\t\t\t<Week20>2</Week20>\n\t\t\t\t</Assessment>\n"
        default:
            item("ReceivedDate", date.iso); item("RequestOutcomeDate", (date + 30).iso); item("RequestOutcome", "Y")
            s += "\t\t\t\t<Assessment>\n\t\t\t\t\t<AssessmentOutcome>Y</AssessmentOutcome>\n"
                + "\t\t\t\t\t<AssessmentOutcomeDate>\((asAt + 3).iso)</AssessmentOutcomeDate>\n\t\t\t\t</Assessment>\n"
        }
        s += "\t\t\t</Requests>\n"
    }

    /// A plan's review and phase transfer items: the decision 28 or 29 days after the
    /// meeting (the last on-time day and the first late one), the transfer completed on
    /// its due day or the day after. Only what has happened by the reference date.
    private func activePlans(plan: Day, index: Int, into s: inout String) {
        func item(_ name: String, _ value: String) { s += "\t\t\t\t\t<\(name)>\(value)</\(name)>\n" }
        s += "\t\t\t\t<ActivePlans>\n"
        s += "\t\t\t\t\t<SENneed>\n\t\t\t\t\t\t<SENtype>ASD</SENtype>\n\t\t\t\t\t\t<SENtypeRank>1</SENtypeRank>\n\t\t\t\t\t</SENneed>\n"
        let meeting = plan + 330 + index % 20
        if meeting <= asAt {
            item("ReviewMeeting", meeting.iso)
            let decision = meeting + (index % 2 == 0 ? 28 : 29)
            if decision <= asAt {
                item("LastReview", decision.iso)
                item("ReviewOutcome", "M")
            }
        }
        if index % 14 == 3, let due = Day(year: plan.year + 1, month: 2, day: 15) {
            item("PhaseTransferDueDate", due.iso)
            let final = due + (index % 28 == 3 ? 0 : 1)
            if final <= asAt { item("PhaseTransferFinalDate", final.iso) }
        }
        s += "\t\t\t\t</ActivePlans>\n"
    }
}

/// Zero-padded decimal digits (an impossible date is written as it would be typed).
private func padded(_ n: Int, _ width: Int) -> String {
    let t = "\(n)"
    return t.count >= width ? t : Swift.String(repeating: "0", count: width - t.count) + t
}
