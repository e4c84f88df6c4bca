import EHCPRules
import EHCPStore
import EHCPIngest
import EHCPTimeliness

/// The report templates, compiled into the binary (no bundle resource: the tool works
/// when copied alone). Mustache escapes every `{{value}}` for the template's content
/// type; only the project's own SVG goes in unescaped, through `{{{…}}}`.
package enum ReportTemplates {
    // MARK: report.html

    package static let htmlStyle = """
        *{box-sizing:border-box}
        html{-webkit-text-size-adjust:100%}
        body{margin:0;background:#fff;color:#1a1a1a;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Liberation Sans","DejaVu Sans",sans-serif;font-size:16px;line-height:1.5}
        .page{max-width:1120px;margin:0 auto;padding:24px 24px 48px}
        h1{font-size:1.9rem;line-height:1.2;margin:0 0 .3rem}
        h2{font-size:1.45rem;line-height:1.25;margin:2.4rem 0 .6rem;padding-top:.6rem;border-top:3px solid #0072B2}
        h3{font-size:1.15rem;margin:1.8rem 0 .5rem}
        p,li{max-width:52rem}
        .subtitle{color:#444;margin:0 0 1rem}
        nav h2{border-top:none;margin-top:1rem;font-size:1.2rem}
        nav ol{margin:0;padding-left:1.4rem;columns:2 18rem}
        .id{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:.8rem;font-weight:normal;color:#333;background:#eef0f2;border-radius:3px;padding:.1rem .4rem;vertical-align:middle;white-space:nowrap}
        .rule{margin:0 0 .8rem}
        .cite{color:#444}
        .caveats li{margin-bottom:.45rem}
        #headline h2{border-top:none;margin-top:.8rem;padding-top:0}
        #headline .table-wrap{margin:.3rem 0 0}
        #headline p{max-width:none}
        #headline .benchmark{margin:.4rem 0 0;font-size:.95rem}
        table.headline{font-size:.95rem;width:100%;line-height:1.3}
        table.headline thead th{text-align:center;padding:.15rem .5rem}
        table.headline thead th[scope=colgroup]{white-space:nowrap}
        table.headline thead th.measure{text-align:left}
        table.headline tbody th{font-weight:600;min-width:19rem}
        table.headline td.rate{font-weight:700;font-size:1.05rem}
        table.headline td.count,table.headline td.overdue,table.headline td.oldest,table.headline td.rate{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        .warning{border:2px solid #E69F00;border-left-width:10px;background:#fff6e0;padding:.6rem .9rem;margin:.9rem 0;max-width:52rem}
        .callout{border-left:6px solid #56B4E9;background:#f0f7fc;padding:.5rem .9rem}
        .table-wrap{overflow-x:auto;margin:.6rem 0 1.4rem}
        table{border-collapse:collapse;font-size:.9rem}
        caption{caption-side:top;text-align:left;font-weight:600;padding:0 0 .35rem;max-width:calc(100vw - 48px)}
        th,td{border:1px solid #c4c4c4;padding:.2rem .55rem;vertical-align:top;text-align:left}
        td{overflow-wrap:break-word}
        tbody th:not(.nw){font-weight:normal}
        thead th{background:#e8eff6;vertical-align:bottom}
        tbody th{font-weight:600}
        tbody tr:nth-child(even){background:#f6f6f6}
        .nw{white-space:nowrap}
        .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap;overflow-wrap:normal}
        thead th.num{white-space:normal;min-width:4.5rem}
        .note{font-size:.85rem;color:#444;margin:.35rem 0 0}
        figure{margin:1rem 0 .6rem}
        .chart-scroll{overflow-x:auto}
        svg.chart{display:block;width:100%;max-width:880px;height:auto;min-width:560px;font-family:inherit}
        figcaption{font-size:.85rem;color:#444;margin-top:.35rem;max-width:52rem}
        footer{margin-top:2.5rem;border-top:1px solid #c4c4c4;padding-top:.6rem;font-size:.85rem;color:#444}
        @page{size:A4;margin:15mm}
        @media print{
        body{font-size:10pt;-webkit-print-color-adjust:exact;print-color-adjust:exact}
        .page{max-width:none;padding:0}
        section.measure{break-before:page}
        h2,h3,caption{break-after:avoid}
        table,figure,.warning,.callout{break-inside:avoid}
        table.long{break-inside:auto}
        thead th.num{min-width:0}
        thead{display:table-header-group}
        tr{break-inside:avoid}
        .table-wrap,.chart-scroll{overflow:visible}
        svg.chart{min-width:0;max-width:100%}
        table{font-size:8.5pt}
        }
        """

    package static let html = """
        <!DOCTYPE html>
        <html lang="en-GB">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
        <meta name="referrer" content="no-referrer">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>EHC plan timeliness: evidence pack as at {{asAt}}</title>
        <style>
        {{{style}}}
        </style>
        </head>
        <body>
        <div class="page">
        <header>
        <h1>EHC plan timeliness: evidence pack</h1>
        <p class="subtitle">As at {{asAtLong}} · {{toolName}} {{toolVersion}}, rule set version {{ruleSetVersion}}</p>
        </header>
        {{#kpiBoard}}
        <section id="kpis" aria-labelledby="kpis-title">
        <h2 id="kpis-title">Key performance indicators</h2>
        {{#kpiTable}}
        {{>table}}
        {{/kpiTable}}
        {{#kpiTrends}}
        <figure class="kpi-trend">{{{svg}}}<figcaption>{{name}}: {{text}}</figcaption></figure>
        {{/kpiTrends}}
        </section>
        {{/kpiBoard}}
        {{#headline}}
        <section id="headline" aria-labelledby="headline-title">
        <h2 id="headline-title">Headline</h2>
        {{#hasMeasures}}
        <div class="table-wrap">
        {{#compactHeadline}}<style>table.headline.compact{font-size:.76rem;line-height:1.15}table.headline.compact th,table.headline.compact td{padding:.08rem .35rem}table.headline.compact tbody th{min-width:0}table.headline.compact td.rate{font-size:.8rem}</style>{{/compactHeadline}}<table class="headline{{#compactHeadline}} compact{{/compactHeadline}}">
        <caption>{{caption}}</caption>
        <thead>
        <tr><th scope="col" rowspan="2" class="measure">Measure</th><th scope="colgroup" colspan="2">{{month}}</th><th scope="colgroup" colspan="2">{{window}}</th><th scope="colgroup" colspan="2">Open overdue on {{asAtLong}}</th></tr>
        <tr><th scope="col">On time of completed</th><th scope="col">On time %</th><th scope="col">On time of completed</th><th scope="col">On time %</th><th scope="col">Cases</th><th scope="col">Most overdue</th></tr>
        </thead>
        <tbody>
        {{#rows}}
        <tr><th scope="row">{{title}}</th>{{#cells}}<td class="{{kind}}">{{text}}</td>{{/cells}}</tr>
        {{/rows}}
        </tbody>
        </table>
        {{#hasBenchmark}}
        <p class="benchmark">{{benchmark}}</p>
        {{/hasBenchmark}}
        <p class="note">{{note}}</p>
        </div>
        {{/hasMeasures}}
        {{^hasMeasures}}
        <p>No case could be measured: see Data quality.</p>
        {{/hasMeasures}}
        </section>
        {{/headline}}
        <nav aria-label="Contents">
        <h2>Contents</h2>
        <ol>
        {{#toc}}
        <li><a href="#{{anchor}}">{{title}}</a></li>
        {{/toc}}
        </ol>
        </nav>
        <main>
        <section id="read-first">
        <h2>Read this first</h2>
        <ul class="caveats">
        {{#caveats}}
        <li><strong>{{lead}}</strong> {{text}}</li>
        {{/caveats}}
        </ul>
        </section>
        <section id="key-figures">
        <h2>Key figures</h2>
        {{#hasMeasures}}
        {{#keyFigures}}
        {{>table}}
        {{/keyFigures}}
        {{/hasMeasures}}
        {{^hasMeasures}}
        <p>No case could be measured: see Data quality.</p>
        {{/hasMeasures}}
        {{#terms}}
        {{>table}}
        {{/terms}}
        </section>
        {{#measures}}
        <section class="measure" id="{{anchor}}">
        <h2>{{title}} <span class="id">{{id}}</span></h2>
        <p class="rule">{{rule}} <span class="cite">({{citation}})</span></p>
        {{#warnings}}
        <div class="warning" role="note"><strong>Warning: high use of statutory exceptions.</strong> {{.}}</div>
        {{/warnings}}
        <h3>On time each {{unitNoun}}</h3>
        {{#hasRateChart}}
        <figure>
        <div class="chart-scroll">{{{rateChart}}}</div>
        <figcaption>{{rateChartCaption}}</figcaption>
        </figure>
        {{/hasRateChart}}
        {{#seriesEmpty}}
        <p>{{noRateChart}}</p>
        {{/seriesEmpty}}
        {{#periodTable}}
        {{>table}}
        {{/periodTable}}
        {{#hasCohortTable}}
        <h3>By {{cohortNoun}}</h3>
        {{#cohortTable}}
        {{>table}}
        {{/cohortTable}}
        {{/hasCohortTable}}
        {{#isFinalPlan}}
        <h3>Time to issue the final plan</h3>
        <p>{{issueSummary}}</p>
        {{#hasIssueChart}}
        <figure>
        <div class="chart-scroll">{{{issueChart}}}</div>
        <figcaption>Chart: {{issueChartTitle}}. The table below gives the same numbers.</figcaption>
        </figure>
        {{/hasIssueChart}}
        {{#issueTable}}
        {{>table}}
        {{/issueTable}}
        {{/isFinalPlan}}
        {{#hasDayCounting}}
        <p class="callout">{{dayCounting}}</p>
        {{/hasDayCounting}}
        <h3>Open overdue cases by time overdue</h3>
        <p>{{backlogSummary}}</p>
        {{#hasBacklog}}
        {{#hasBacklogChart}}
        <figure>
        <div class="chart-scroll">{{{backlogChart}}}</div>
        <figcaption>Chart: {{backlogChartTitle}}. The table below gives the same numbers.</figcaption>
        </figure>
        {{/hasBacklogChart}}
        {{#backlogTable}}
        {{>table}}
        {{/backlogTable}}
        {{/hasBacklog}}
        {{#hasMonthEnds}}
        <h3>Open cases at each month end</h3>
        <p>{{monthEndSummary}}</p>
        {{#monthEndChart}}
        <figure>
        <div class="chart-scroll">{{{monthEndChart}}}</div>
        <figcaption>Chart: open cases at the last month ends (at most 24), in time below, overdue above. backlog.csv gives the numbers.</figcaption>
        </figure>
        {{/monthEndChart}}
        {{/hasMonthEnds}}
        <h3>Statutory exceptions</h3>
        <p>{{exceptionSummary}}</p>
        {{#hasExceptions}}
        {{#exceptionReasons}}
        {{>table}}
        {{/exceptionReasons}}
        {{#hasExceptionPeriods}}
        {{#exceptionPeriods}}
        {{>table}}
        {{/exceptionPeriods}}
        {{/hasExceptionPeriods}}
        {{#hasExceptionCohorts}}
        {{#exceptionCohorts}}
        {{>table}}
        {{/exceptionCohorts}}
        {{/hasExceptionCohorts}}
        {{/hasExceptions}}
        </section>
        {{/measures}}
        {{#hasBenchmark}}
        <section id="benchmark">
        <h2>Comparison with published figures</h2>
        <p>{{benchmarkCaveat}}</p>
        {{#benchmarkTable}}
        {{>table}}
        {{/benchmarkTable}}
        </section>
        {{/hasBenchmark}}
        <section id="data-quality">
        <h2>Data quality</h2>
        <p>{{dataQualitySummary}}</p>
        {{#reconciliation}}
        {{>table}}
        {{/reconciliation}}
        {{#hasProblems}}
        {{#problems}}
        {{>table}}
        {{/problems}}
        {{/hasProblems}}
        {{#hasReasons}}
        {{#reasons}}
        {{>table}}
        {{/reasons}}
        {{/hasReasons}}
        </section>
        <section id="method">
        <h2>Method</h2>
        {{#methodMeasures}}
        {{>table}}
        {{/methodMeasures}}
        {{#settings}}
        {{>table}}
        {{/settings}}
        {{#inputs}}
        {{>table}}
        {{/inputs}}
        <h3>Counting conventions</h3>
        <ul>
        {{#conventions}}
        <li>{{.}}</li>
        {{/conventions}}
        </ul>
        </section>
        </main>
        <footer>
        <p>{{provenance}}</p>
        </footer>
        </div>
        </body>
        </html>

        """

    package static let htmlTable = """
        <div class="table-wrap">
        <table{{#long}} class="long"{{/long}}>
        <caption>{{caption}}</caption>
        <thead>
        <tr>{{#columns}}<th scope="col"{{#numeric}} class="num"{{/numeric}}>{{title}}</th>{{/columns}}</tr>
        </thead>
        <tbody>
        {{#rows}}
        <tr>{{#cells}}{{#header}}<th scope="row"{{#numeric}} class="num"{{/numeric}}{{^numeric}}{{#short}} class="nw"{{/short}}{{/numeric}}>{{text}}</th>{{/header}}{{^header}}<td{{#numeric}} class="num"{{/numeric}}{{^numeric}}{{#short}} class="nw"{{/short}}{{/numeric}}>{{text}}</td>{{/header}}{{/cells}}</tr>
        {{/rows}}
        </tbody>
        </table>
        {{#hasNote}}
        <p class="note">{{note}}</p>
        {{/hasNote}}
        </div>

        """

    // MARK: report.md

    package static let markdown = """
        {{% CONTENT_TYPE: MARKDOWN}}
        # EHC plan timeliness: evidence pack

        As at {{asAtLong}} · {{toolName}} {{toolVersion}}, rule set version {{ruleSetVersion}}

        {{#kpiBoard}}
        ## Key performance indicators

        {{#kpiTable}}
        {{>table}}
        {{/kpiTable}}
        {{/kpiBoard}}
        {{#headline}}
        ## Headline

        {{#hasMeasures}}
        {{#table}}
        {{>table}}
        {{/table}}
        {{#hasBenchmark}}
        {{benchmark}}

        {{/hasBenchmark}}
        {{/hasMeasures}}
        {{^hasMeasures}}
        No case could be measured: see Data quality.

        {{/hasMeasures}}
        {{/headline}}
        ## Contents

        {{#toc}}
        - {{title}}
        {{/toc}}

        ## Read this first

        {{#caveats}}
        - **{{lead}}** {{text}}
        {{/caveats}}

        ## Key figures

        {{#hasMeasures}}
        {{#keyFigures}}
        {{>table}}
        {{/keyFigures}}
        {{/hasMeasures}}
        {{^hasMeasures}}
        No case could be measured: see Data quality.

        {{/hasMeasures}}
        {{#terms}}
        {{>table}}
        {{/terms}}
        {{#measures}}
        ## {{title}} ({{id}})

        {{rule}} ({{citation}})

        {{#warnings}}
        > **Warning: high use of statutory exceptions.** {{.}}

        {{/warnings}}
        ### On time each {{unitNoun}}

        {{#seriesEmpty}}
        {{noRateChart}}

        {{/seriesEmpty}}
        {{#periodTable}}
        {{>table}}
        {{/periodTable}}
        {{#hasCohortTable}}
        ### By {{cohortNoun}}

        {{#cohortTable}}
        {{>table}}
        {{/cohortTable}}
        {{/hasCohortTable}}
        {{#isFinalPlan}}
        ### Time to issue the final plan

        {{issueSummary}}

        {{#issueTable}}
        {{>table}}
        {{/issueTable}}
        {{/isFinalPlan}}
        {{#hasDayCounting}}
        {{dayCounting}}

        {{/hasDayCounting}}
        ### Open overdue cases by time overdue

        {{backlogSummary}}

        {{#hasBacklog}}
        {{#backlogTable}}
        {{>table}}
        {{/backlogTable}}
        {{/hasBacklog}}
        {{#hasMonthEnds}}
        ### Open cases at each month end

        {{monthEndSummary}}

        {{/hasMonthEnds}}
        ### Statutory exceptions

        {{exceptionSummary}}

        {{#hasExceptions}}
        {{#exceptionReasons}}
        {{>table}}
        {{/exceptionReasons}}
        {{#hasExceptionPeriods}}
        {{#exceptionPeriods}}
        {{>table}}
        {{/exceptionPeriods}}
        {{/hasExceptionPeriods}}
        {{#hasExceptionCohorts}}
        {{#exceptionCohorts}}
        {{>table}}
        {{/exceptionCohorts}}
        {{/hasExceptionCohorts}}
        {{/hasExceptions}}
        {{/measures}}
        {{#hasBenchmark}}
        ## Comparison with published figures

        {{benchmarkCaveat}}

        {{#benchmarkTable}}
        {{>table}}
        {{/benchmarkTable}}
        {{/hasBenchmark}}
        ## Data quality

        {{dataQualitySummary}}

        {{#reconciliation}}
        {{>table}}
        {{/reconciliation}}
        {{#hasProblems}}
        {{#problems}}
        {{>table}}
        {{/problems}}
        {{/hasProblems}}
        {{#hasReasons}}
        {{#reasons}}
        {{>table}}
        {{/reasons}}
        {{/hasReasons}}
        ## Method

        {{#methodMeasures}}
        {{>table}}
        {{/methodMeasures}}
        {{#settings}}
        {{>table}}
        {{/settings}}
        {{#inputs}}
        {{>table}}
        {{/inputs}}
        ### Counting conventions

        {{#conventions}}
        - {{.}}
        {{/conventions}}

        {{provenance}}

        """

    /// A Markdown (GFM) table: its caption in bold above, its note below.
    package static let markdownTable = """
        {{% CONTENT_TYPE: MARKDOWN}}
        **{{caption}}**

        |{{#columns}} {{title}} |{{/columns}}
        |{{#columns}}{{#numeric}} ---: |{{/numeric}}{{^numeric}} --- |{{/numeric}}{{/columns}}
        {{#rows}}
        |{{#cells}} {{text}} |{{/cells}}
        {{/rows}}

        {{#hasNote}}
        {{note}}

        {{/hasNote}}

        """
}
