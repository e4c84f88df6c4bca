#!/bin/sh
# Renders a report.html in headless Chromium: proves the checker works (self-test),
# then checks the report (no network request, no console message, no script, no
# sideways scrolling, no overlapping chart labels, the headline's rates on the first
# 1280x800 screen) and leaves a PDF and screenshots
# beside it for a person to look at.
# Usage: Tests/check-report.sh [Reports/sample/report.html]
set -eu
cd "$(dirname "$0")/.."
report=${1:-Reports/sample/report.html}
dir=$(dirname "$report")
echo "check-report: self-test of the checker"
python3 Tests/check_report.py --self-test "$report"
python3 Tests/check_report.py "$report" --pdf "$dir/report.pdf" --png "$dir/report.png" --narrow-png "$dir/report-narrow.png" \
    --first-screen-png "$dir/report-first-screen.png"
