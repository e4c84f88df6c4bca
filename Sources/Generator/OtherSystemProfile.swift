import EHCPTimeliness
import EHCPOutputs
import EHCPStore
import EHCPRules

extension RequestGenerator {
    /// The TOML mapping profile that reads `writeOtherSystem`'s file as a canonical
    /// requests extract (format: extract-format.md, "Mapping profiles").
    public static let otherSystemProfile: String = #"""
    # Mapping profile for the "other system" requests export written by the
    # ehcp-timeliness synthetic data generator (RequestGenerator.writeOtherSystem).
    # All data in that file is synthetic; ids and names are fictional.
    #
    # It tells the analyser how to read that export as a canonical requests
    # extract (docs/extract-format.md):
    #   [columns]  canonical or dimension name = "header in the file"
    #   [dates]    the date formats used, tried in order (dd-MMM-yyyy is used
    #              by the draft and final plan columns)
    #   [values.*] "value in the file" = "canonical value", matched
    #              case-insensitively ignoring spaces, hyphens and underscores.
    #              Values not listed are read as written: the flag spellings
    #              "1" and "Yes", and free-text reasons such as
    #              "missed appointment", which are not statutory grounds.

    [columns]
    case_id = "Involvement ID"
    person_id = "Child ID"
    request_date = "Received Date"
    assessment_decision_date = "Decision Notified"
    assessment_decision = "Decision Outcome"
    plan_decision_date = "Plan Decision Notified"
    plan_decision = "Plan Outcome"
    draft_plan_date = "Draft Issued"
    final_plan_date = "Date Final Issued"
    withdrawn_date = "Inactive Date"
    exception_reason = "Exception"
    decision_exception_reason = "Decision Exception"
    school_advice_date = "School Advice Requested"
    team = "Locality"
    caseworker = "Officer"
    primary_need = "Primary Need"
    date_of_birth = "DOB"

    [dates]
    formats = ["dd/MM/yyyy", "dd-MMM-yyyy"]

    [values.assessment_decision]
    "Agreed" = "assess"
    "Not agreed" = "refuse"

    [values.plan_decision]
    "Y" = "issue"
    "N" = "no_plan"

    [values.exception_reason]
    "PC" = "personal_circumstances"
    "SC" = "school_closure"
    "EY" = "early_years_closure"
    "AA" = "absent_from_area"
    "COV" = "covid_2020"
    "Y" = "unspecified"

    [values.decision_exception_reason]
    "PC" = "personal_circumstances"
    "SC" = "school_closure"
    "EY" = "early_years_closure"
    "AA" = "absent_from_area"
    "COV" = "covid_2020"
    "Y" = "unspecified"

    """#
}
