import EHCPRules
import EHCPTimeliness

extension ActionList {
    /// The list less the cases whose (case id, measure) `wasListed` says were on an
    /// earlier run's action list (`exceptions --new-only`). A case that could not be
    /// checked stays when any of its measures (or the case itself, with none) is new.
    public func keepingNew(_ wasListed: (_ measure: String, _ caseID: String) -> Bool) -> ActionList {
        var list = self
        list.entries = entries.filter { !wasListed($0.item.measure.rawValue, $0.item.caseID) }
        list.items = list.entries.map(\.item)
        list.unchecked = unchecked.filter { u in
            u.item.measures.isEmpty ? !wasListed("", u.item.caseID) : u.item.measures.contains { !wasListed($0.rawValue, u.item.caseID) }
        }
        return list
    }
}
