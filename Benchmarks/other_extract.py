#!/usr/bin/env python3
"""A requests extract shaped unlike the tool's own generator, for `make bench`.

    python3 Benchmarks/other_extract.py OUT.csv [ROWS] [--seed N]

Synthetic only (fixed seed, fictional ids and names; nothing personal). It looks like a
case-management system's "EHC requests" report saved from Excel rather than like the
tool's own generator (`ehcp-timeliness generate`):

- 17 columns: the twelve requests fields with display headers that the header matching
  reads without a profile (`Case ID`, `Request Date`, `Decision Exception Reason`, …) and
  five a real export carries besides: `Team`, `Caseworker` ("Surname, Forename", quoted),
  `School` (some with a comma), `Postcode District` and free-text `Notes` (commas and
  doubled quotes inside quotes, now and then a line break);
- CRLF line ends, quoting only where needed (Python's csv module, as Excel writes);
- codes as people spell them: `Assess` / `Refuse`, `Issue` / `No Plan`,
  `Personal Circumstances`, `School Closure`, `Yes`, `No` (matched ignoring case and spaces);
- dates in the formats the contract recognises without configuration, mixed as a system
  migration and hand-kept rows leave them: `06/01/2025`, `06/01/2025 00:00` (Excel),
  `2025-01-06 00:00:00` (SQL), `06-Jan-2025`, `6 Jan 2025`, `6/1/2025`, `2025-01-06T09:30:00`,
  and a few cells with stray spaces;
- about 3.5 % of rows with a data-quality warning the tool raises (a reason that is not a
  statutory ground, a final plan before its draft or before the decision to assess, a
  plan decision after the withdrawal, a final plan on a refused or no-plan request,
  covid_2020 outside its window), and about 0.3 % of rows rejected (impossible dates,
  two-digit years, dates after the as-at date or before the request, unknown codes,
  blank ids, repeated ids).
"""
import csv
import datetime
import random
import sys

AS_AT = datetime.date(2025, 10, 31)
FIRST = datetime.date(2019, 1, 1)

HEADER = ["Case ID", "Person ID", "Team", "Caseworker", "Request Date", "Assessment Decision Date",
          "Assessment Decision", "Decision Exception Reason", "Plan Decision Date", "Plan Decision",
          "Draft Plan Date", "Final Plan Date", "Withdrawn Date", "Exception Reason", "School",
          "Postcode District", "Notes"]
assert len(HEADER) == 17

TEAMS = ["North Locality", "South Locality", "East Locality", "West Locality", "Central", "Early Years (0-5)",
         "Post-16 & Preparing for Adulthood"]
SURNAMES = ["Ashworth", "Begum", "Clarke", "Davies", "Evans", "Fletcher", "Green", "Hussain", "Iqbal", "Jones",
            "Khan", "Lewis", "Morgan", "Nowak", "O'Brien", "Patel", "Quinn", "Roberts", "Shah", "Taylor",
            "Usman", "Walsh", "Young"]
FORENAMES = ["Aisha", "Ben", "Chloe", "Dan", "Emma", "Farah", "Gareth", "Hannah", "Imran", "Jo", "Kate", "Liam",
             "Mina", "Nadia", "Owen", "Priya", "Rachel", "Sam", "Tom", "Zara"]
SCHOOL_STEMS = ["Oakfield", "Riverside", "St Mary's", "Greenbank", "Hill Top", "Moorside", "St John's", "Brookfield",
                "Park View", "Westfield", "Holy Trinity", "Ashgrove", "Beech Hill", "Castle", "Meadowbank"]
SCHOOL_KINDS = ["Primary School", "CofE Primary School", "RC Primary School", "Academy", "High School",
                "Infant School", "Junior School", "Nursery School", "College", "Special School"]
TOWNS = ["Northby", "Southam Green", "Eastwick", "Westerleigh"]
DISTRICT_LETTERS = ["ZA", "ZB", "ZC", "ZD", "ZE"]
NOTES = [
    "Parent contacted, awaiting EP advice",
    "Chased health advice, OT report outstanding",
    "Annual review brought forward; see file",
    "Request made by school (SENCO), parent in agreement",
    'Parent said "not ready" for the draft, meeting rebooked',
    "Transferred from another LA, plan to be reviewed",
    "Mediation requested, tribunal deadline noted",
    "Advice from social care received late, 3 weeks over",
    "Draft sent by email and post; parent prefers post",
    "Awaiting panel, 2nd request",
]
# Exception reasons that are not statutory grounds (warnings), and flags and grounds that are.
NOT_GROUNDS = ["Missed appointment", "Awaiting EP advice", "Parental request for delay", "Staff sickness",
               "Other - see notes", "N/A", "Health advice late"]
GROUNDS = ["Personal Circumstances", "School Closure", "Absent from area", "Early Years Closure"]
FLAGS = ["Yes", "Y", "1", "TRUE"]


def date_formats():
    """Cell writers of every date format used, by name."""
    def dmy(d): return f"{d.day:02d}/{d.month:02d}/{d.year}"
    def dmy_unpadded(d): return f"{d.day}/{d.month}/{d.year}"
    def excel(d): return f"{d.day:02d}/{d.month:02d}/{d.year} 00:00"
    def sql(d): return f"{d.year}-{d.month:02d}-{d.day:02d} 00:00:00"
    def dmon(d): return f"{d.day:02d}-{d.strftime('%b')}-{d.year}"
    def dmon_spaced(d): return f"{d.day} {d.strftime('%b')} {d.year}"
    def iso_time(d): return f"{d.year}-{d.month:02d}-{d.day:02d}T09:30:00"
    def iso(d): return d.isoformat()
    return {"dmy": dmy, "dmy_unpadded": dmy_unpadded, "excel": excel, "sql": sql, "dmon": dmon,
            "dmon_spaced": dmon_spaced, "iso_time": iso_time, "iso": iso}


FORMATS = date_formats()
# A row's style: most rows came through one of a few export routes.
STYLES = [("dmy", 40), ("excel", 20), ("sql", 15), ("dmon", 10), ("dmon_spaced", 5), ("iso_time", 4),
          ("dmy_unpadded", 4), ("iso", 2)]
STYLE_NAMES = [s for s, _ in STYLES]
STYLE_WEIGHTS = [w for _, w in STYLES]


class Writer:
    def __init__(self, rng):
        self.rng = rng
        self.cache = {}

    def date(self, d, style):
        if d is None:
            return ""
        if self.rng.random() < 0.15:  # a cell typed by hand, in another format
            style = self.rng.choices(STYLE_NAMES, STYLE_WEIGHTS)[0]
        key = (d, style)
        s = self.cache.get(key)
        if s is None:
            s = FORMATS[style](d)
            self.cache[key] = s
        if self.rng.random() < 0.005:
            s = " " + s + " "
        return s


def days(n):
    return datetime.timedelta(days=n)


def clip(d):
    """An event after the as-at date has not happened yet: blank."""
    return d if d is not None and d <= AS_AT else None


def main():
    args = [a for a in sys.argv[1:]]
    seed = 20251031
    if "--seed" in args:
        i = args.index("--seed")
        seed = int(args[i + 1])
        del args[i:i + 2]
    if not args:
        sys.exit(__doc__)
    out = args[0]
    rows = int(args[1]) if len(args) > 1 else 1_000_000
    rng = random.Random(seed)
    w = Writer(rng)
    span = (AS_AT - FIRST).days
    stats = {}

    def count(kind):
        stats[kind] = stats.get(kind, 0) + 1

    # Requests arrive over time, the export sorted by request date.
    offsets = sorted(int(span * (rng.random() ** 0.8)) for _ in range(rows))
    case_numbers = rng.sample(range(100_000, 100_000 + rows * 3), rows)
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(HEADER)
        previous_id = None
        for n in range(rows):
            rd = FIRST + days(offsets[n])
            style = rng.choices(STYLE_NAMES, STYLE_WEIGHTS)[0]
            case_id = f"EHC{rd.year}-{case_numbers[n]:07d}"
            person_id = f"CYP{rng.randrange(10**6, 10**7)}"
            team = rng.choice(TEAMS)
            caseworker = f"{rng.choice(SURNAMES)}, {rng.choice(FORENAMES)}"

            decided = decision = plan_decided = plan_decision = draft = final = withdrawn = None
            reason = decision_reason = ""
            # The usual course of a request.
            decided = rd + days(max(3, int(rng.gauss(36, 12))))
            decision = "Refuse" if rng.random() < 0.22 else "Assess"
            if decision == "Assess":
                if rng.random() < 0.07:
                    plan_decision = "No Plan"
                    plan_decided = rd + days(max(50, int(rng.gauss(105, 20))))
                else:
                    plan_decision = "Issue"
                    final = rd + days(max(70, int(rng.gauss(150, 45))))
                    draft = final - days(rng.randint(15, 35))
                    plan_decided = draft
            if rng.random() < 0.04:
                withdrawn = rd + days(rng.randint(10, 200))
                if withdrawn < decided:
                    decided = decision = None
                    plan_decided = plan_decision = draft = final = None
                elif plan_decided is not None and plan_decided > withdrawn:
                    plan_decided = plan_decision = draft = final = None
            r = rng.random()
            if r < 0.03:
                reason = rng.choice(GROUNDS)
            elif r < 0.045:
                reason = rng.choice(FLAGS)
            elif r < 0.12:
                reason = "No"
            if rng.random() < 0.01:
                decision_reason = rng.choice(GROUNDS + FLAGS)

            # About 3.5 % of rows with a warning (and 0.3 % rejected), as real data has.
            kind = None
            r = rng.random()
            if r < 0.012:
                kind = "reason not a ground"
                reason = rng.choice(NOT_GROUNDS)
            elif r < 0.020:
                kind = "final before draft"
                if final is None:
                    decision, plan_decision = "Assess", "Issue"
                    final = rd + days(max(70, int(rng.gauss(150, 45))))
                    decided = rd + days(30)
                withdrawn = None
                draft = final + days(rng.randint(1, 20))
                plan_decided = final
            elif r < 0.024:
                kind = "final before decision"
                decision, plan_decision, withdrawn, draft = "Assess", "Issue", None, None
                decided = rd + days(rng.randint(60, 120))
                final = rd + days(rng.randint(20, 55))
                plan_decided = None
            elif r < 0.028:
                kind = "plan decision after withdrawal"
                decision, plan_decision, draft, final = "Assess", "No Plan", None, None
                decided = rd + days(30)
                withdrawn = rd + days(rng.randint(40, 90))
                plan_decided = withdrawn + days(rng.randint(1, 30))
            elif r < 0.031:
                kind = "final on refused"
                decision, plan_decision, draft, plan_decided, withdrawn = "Refuse", None, None, None, None
                decided = rd + days(rng.randint(20, 42))
                final = rd + days(rng.randint(120, 200))
            elif r < 0.034:
                kind = "final on no plan"
                decision, plan_decision, draft, withdrawn = "Assess", "No Plan", None, None
                decided = rd + days(30)
                plan_decided = rd + days(rng.randint(90, 112))
                final = rd + days(rng.randint(130, 200))
            elif r < 0.035:
                kind = "covid outside window"
                rd = datetime.date(2020, rng.choice([8, 9, 10, 11]), rng.randint(1, 28))
                decision, plan_decision, withdrawn = "Assess", "Issue", None
                decided = rd + days(35)
                final = rd + days(rng.randint(130, 200))
                draft = final - days(10)
                plan_decided = draft
                reason = rng.choice(["covid_2020", "Covid 2020", "COVID-2020"])
            elif r < 0.0355:
                kind = "impossible date"
            elif r < 0.036:
                kind = "two-digit year"
            elif r < 0.0365:
                kind = "after as-at"
            elif r < 0.037:
                kind = "before request"
                if decided is None:
                    decided, decision = rd, "Assess"
                decided = rd - days(rng.randint(1, 30))
            elif r < 0.0373:
                kind = "unknown code"
                decision = rng.choice(["Deferred", "Pending panel"])
            elif r < 0.0375:
                kind = "blank id"
                case_id = ""
            elif r < 0.0380 and previous_id:
                kind = "repeated id"
                case_id = previous_id
            if kind:
                count(kind)
            if case_id:
                previous_id = case_id

            decided, plan_decided, draft, final, withdrawn = (clip(decided), clip(plan_decided), clip(draft),
                                                              clip(final), clip(withdrawn))
            if decided is None:
                decision = None if kind != "unknown code" else decision
            if plan_decided is None and kind not in ("final on no plan",):
                plan_decision = None
            cells = [case_id, person_id, team, caseworker, w.date(rd, style), w.date(decided, style),
                     decision or "", decision_reason, w.date(plan_decided, style), plan_decision or "",
                     w.date(draft, style), w.date(final, style), w.date(withdrawn, style), reason]
            if kind == "impossible date":
                cells[4] = f"{rng.choice([30, 31])}/02/{rd.year}"
            elif kind == "two-digit year":
                cells[4] = f"{rd.day:02d}/{rd.month:02d}/{rd.year % 100:02d}"
            elif kind == "after as-at":
                cells[5] = FORMATS["dmy"](AS_AT + days(rng.randint(1, 400)))
            # School: blank for the very young; a few names carry a town after a comma.
            if team.startswith("Early") and rng.random() < 0.6:
                school = ""
            else:
                school = f"{rng.choice(SCHOOL_STEMS)} {rng.choice(SCHOOL_KINDS)}"
                if rng.random() < 0.2:
                    school += f", {rng.choice(TOWNS)}"
            district = f"{rng.choice(DISTRICT_LETTERS)}{rng.randint(1, 19)}"
            r = rng.random()
            if r < 0.45:
                notes = ""
            elif r < 0.452:
                notes = rng.choice(NOTES) + "\nFollow-up: " + rng.choice(NOTES)
            else:
                notes = rng.choice(NOTES)
                if rng.random() < 0.3:
                    notes += f", {rng.choice(NOTES).lower()}"
            writer.writerow(cells + [school, district, notes])
    for kind in sorted(stats):
        print(f"{kind:32} {stats[kind]:8} rows ({100 * stats[kind] / rows:.2f} %)", file=sys.stderr)


if __name__ == "__main__":
    main()
