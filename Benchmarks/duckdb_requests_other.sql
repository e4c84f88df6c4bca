-- The `base` table of duckdb_requests.sql for the "other export" (other_extract.py): the
-- same work as the tool does on it, in SQL. Headers as the export spells them; every
-- date format the extract mixes, tried in turn (trimmed first, as the tool trims cells);
-- codes matched ignoring case, spaces, hyphens and underscores, as the contract says.
-- Exception reasons as the tool reads them: none / a flag / a statutory code, and any
-- other reason counted without an exception. run_duckdb.py puts this statement in
-- place of the first statement of duckdb_requests.sql; the measures and outputs are
-- that file's. Simplifications (favouring DuckDB) as there: no validation, no rejection.
CREATE MACRO ehcp_date(t) AS
    try_strptime(trim(t), ['%d/%m/%Y', '%d/%m/%Y %H:%M', '%Y-%m-%d %H:%M:%S', '%d-%b-%Y', '%d %b %Y',
                           '%Y-%m-%dT%H:%M:%S', '%Y-%m-%d'])::DATE;
CREATE MACRO ehcp_key(t) AS translate(lower(t), ' _-', '');
CREATE MACRO ehcp_exception(t) AS
    CASE WHEN ehcp_key(coalesce(t, '')) IN ('', '0', 'no', 'n', 'false', 'none') THEN NULL
         WHEN ehcp_key(t) IN ('1', 'yes', 'y', 'true', 'unspecified') THEN 'unspecified'
         WHEN ehcp_key(t) = 'schoolclosure' THEN 'school_closure'
         WHEN ehcp_key(t) = 'earlyyearsclosure' THEN 'early_years_closure'
         WHEN ehcp_key(t) = 'personalcircumstances' THEN 'personal_circumstances'
         WHEN ehcp_key(t) = 'absentfromarea' THEN 'absent_from_area'
         WHEN ehcp_key(t) = 'covid2020' THEN 'covid_2020'
         ELSE NULL END;
CREATE TEMP TABLE base AS
SELECT
    "Case ID" AS case_id,
    row_number() OVER () + 1 AS line,
    ehcp_date("Request Date") AS rd,
    ehcp_date("Assessment Decision Date") AS decided,
    CASE ehcp_key("Assessment Decision") WHEN 'assess' THEN 'assess' WHEN 'refuse' THEN 'refuse' END
        AS assessment_decision,
    ehcp_date("Plan Decision Date") AS plan_decided,
    CASE ehcp_key("Plan Decision") WHEN 'issue' THEN 'issue' WHEN 'noplan' THEN 'no_plan' END AS plan_decision,
    ehcp_date("Final Plan Date") AS final_plan,
    ehcp_date("Withdrawn Date") AS withdrawn,
    ehcp_exception("Exception Reason") AS exception_reason,
    ehcp_exception("Decision Exception Reason") AS decision_exception_reason,
    "Team" AS team
FROM read_csv('{input}', header = true, all_varchar = true);
