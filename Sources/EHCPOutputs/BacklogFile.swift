import EHCPRules
import EHCPTimeliness

extension OutputFiles {
    /// backlog.csv: `as_at,measure,<by columns>,open_in_time,open_overdue`, one row per
    /// month end (the as-at date last), measure and cohort, with the `all` rows when
    /// there are `--by` columns. Exceptions included, as cases.csv's statuses count them.
    public static func backlog(_ result: AnalysisResult) -> String {
        var w = CSVWriter(header: ["as_at", "measure"] + result.byColumns + ["open_in_time", "open_overdue"])
        for row in result.backlog {
            w.appendRow([row.asAt.iso, row.measure.rawValue] + row.cohort + [String(row.openInTime), String(row.openOverdue)])
        }
        return w.text
    }
}
