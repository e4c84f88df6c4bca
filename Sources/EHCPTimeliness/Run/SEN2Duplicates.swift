import EHCPIngest

/// The copies of a case that a SEN2 return holds more than once: the same `case_id`
/// (person id and `ReceivedDate`) in two `<Person>`s, as when a child's record was
/// exported twice. As for a requests extract, `--duplicates` chooses the copy analysed
/// and every other copy is rejected and listed. A person's own repeated requests of one
/// day are not copies: the mapping numbers them `#2`, `#3`.
///
/// The first read cannot know whether a copy follows, in its chunk or another, so each
/// analysed request's id goes to a `DuplicateFinder`; when it finds repeats, the return
/// is read again with these decisions made before each copy is met.
struct SEN2Duplicates: Sendable, Equatable {
    /// The element a rejection names in data-quality.csv.
    static let element = "Requests"

    /// What becomes of one copy that is not kept.
    struct Drop: Sendable, Equatable {
        var policy: DuplicatePolicy
        /// Line of the `<Requests>` it is compared with: the copy kept, or (none kept) the
        /// first, itself compared with the second.
        var otherLine: Int
        var copies: Int
        /// Under `--duplicates reject` no copy is analysed: the first is listed as not checked.
        var listsUnchecked: Bool

        func message(caseID: String) -> String {
            switch policy {
            case .first:
                "case_id \(caseID) appears earlier in the return, at line \(otherLine) (the same person id and ReceivedDate in "
                    + "another <Person>); the first is kept and this <Requests> is rejected"
            case .last:
                "case_id \(caseID) appears again later in the return, at line \(otherLine); the last is kept and this "
                    + "<Requests> is rejected (--duplicates last)"
            case .reject:
                "case_id \(caseID) appears \(copies) times in the return (also at line \(otherLine)); every copy is rejected "
                    + "(--duplicates reject)"
            }
        }
    }

    /// Every copy of a repeated case, kept or not, by ordinal: their ids are noted on the
    /// second read, to check that the copies found by hash are the same case.
    var copies: Set<Int64> = []
    /// The copies not kept, by ordinal.
    var drops: [Int64: Drop] = [:]

    /// `groups`: the ordinals of each repeated case's copies, in file order.
    init(groups: [[Int64]], policy: DuplicatePolicy) {
        for group in groups where group.count > 1 {
            copies.formUnion(group)
            let kept = policy.kept(of: group.count)
            for (i, ordinal) in group.enumerated() where i != kept {
                let other = group[policy.reference(for: i, of: group.count)]
                drops[ordinal] = Drop(policy: policy, otherLine: rowLine(ordinal: other), copies: group.count,
                                      listsUnchecked: policy == .reject && i == 0)
            }
        }
    }

    var isEmpty: Bool { drops.isEmpty }

    /// `groups` split where the ids a read found differ: copies whose ids only hash alike
    /// are not copies. Groups of one are dropped.
    static func exactGroups(_ groups: [[Int64]], ids: [Int64: String]) -> [[Int64]] {
        var exact: [[Int64]] = []
        for group in groups {
            var byID: [String: [Int64]] = [:]
            var order: [String] = []
            for ordinal in group {
                let id = ids[ordinal] ?? ""
                if byID[id] == nil { order.append(id) }
                byID[id, default: []].append(ordinal)
            }
            exact += order.compactMap { byID[$0] }.filter { $0.count > 1 }
        }
        return exact.sorted { $0[0] < $1[0] }
    }
}
