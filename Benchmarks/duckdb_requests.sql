-- The same work as `ehcp-timeliness analyse --requests … --by team` in SQL, for the
-- benchmark only: the three request measures per case written to a CSV, and the
-- summary by month and team. Placeholders: {input}, {as_at}, {cases}, {summary}.
-- Simplifications (favouring DuckDB): no row validation or rejection list, exception
-- codes taken as written, no Wilson interval or median.
CREATE TEMP TABLE base AS
SELECT
    case_id,
    row_number() OVER () + 1 AS line,
    try_cast(request_date AS DATE) AS rd,
    try_cast(assessment_decision_date AS DATE) AS decided,
    assessment_decision,
    try_cast(plan_decision_date AS DATE) AS plan_decided,
    plan_decision,
    try_cast(final_plan_date AS DATE) AS final_plan,
    try_cast(withdrawn_date AS DATE) AS withdrawn,
    nullif(exception_reason, '') AS exception_reason,
    nullif(decision_exception_reason, '') AS decision_exception_reason,
    team
FROM read_csv('{input}', header = true, all_varchar = true);

CREATE TEMP TABLE measured AS
WITH m AS (
    SELECT 1 AS ord, 'decision-to-assess-6w' AS measure, case_id, line, rd AS start_date, rd + 42 AS due,
           decided AS completed, decision_exception_reason AS exception, team
    FROM base WHERE rd IS NOT NULL AND NOT (withdrawn IS NOT NULL AND decided IS NULL)
    UNION ALL
    SELECT 2, 'no-plan-decision-16w', case_id, line, rd, rd + 112, plan_decided, exception_reason, team
    FROM base WHERE rd IS NOT NULL AND withdrawn IS NULL AND plan_decision = 'no_plan'
    UNION ALL
    SELECT 3, 'final-plan-20w', case_id, line, rd, rd + 140, final_plan, exception_reason, team
    FROM base WHERE rd IS NOT NULL AND withdrawn IS NULL AND coalesce(plan_decision, '') <> 'no_plan'
                AND coalesce(assessment_decision, '') <> 'refuse'
)
SELECT ord, measure, case_id, line, start_date, due, completed,
       CASE WHEN completed IS NOT NULL THEN (CASE WHEN completed <= due THEN 'on_time' ELSE 'late' END)
            WHEN DATE '{as_at}' <= due THEN 'open_in_time' ELSE 'open_overdue' END AS status,
       exception,
       coalesce(completed, DATE '{as_at}') - start_date AS days_elapsed,
       coalesce(completed, DATE '{as_at}') - due AS days_from_due,
       strftime(coalesce(completed, due), '%Y-%m') AS period,
       team
FROM m;

COPY (SELECT measure, case_id, line, start_date, due AS due_date, completed AS completed_date, status,
             exception, days_elapsed, days_from_due, period, team
      FROM measured ORDER BY ord, line) TO '{cases}' (HEADER, DELIMITER ',');

COPY (SELECT measure, period, team, count(*) AS cases,
             count(*) FILTER (WHERE exception IS NULL AND status = 'on_time') AS on_time,
             count(*) FILTER (WHERE exception IS NULL AND status = 'late') AS late,
             count(*) FILTER (WHERE exception IS NULL AND status = 'open_in_time') AS open_in_time,
             count(*) FILTER (WHERE exception IS NULL AND status = 'open_overdue') AS open_overdue,
             count(*) FILTER (WHERE exception IS NOT NULL) AS excepted,
             round(100.0 * count(*) FILTER (WHERE exception IS NULL AND status = 'on_time')
                   / nullif(count(*) FILTER (WHERE exception IS NULL AND status IN ('on_time', 'late')), 0), 1)
                 AS rate_excl_exceptions
      FROM measured GROUP BY ALL ORDER BY min(ord), period, team) TO '{summary}' (HEADER, DELIMITER ',');
