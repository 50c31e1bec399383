#!/usr/bin/env bash
# Renders the four HTML reports of the quickstart example and checks each one in a real
# headless browser (Debian's chromium): it must load, and its screenshot must not be blank.
# The screenshots are written to docs/img/ (linked from docs/reports.md).
#
#   apt-get install -y chromium     # once
#   scripts/report-screenshots.sh   # from the repository root
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[ -n "$chromium" ] || { echo "no chromium: apt-get install -y chromium" >&2; exit 2; }
cargo build --quiet --locked
sluice="$root/target/debug/sluice"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r examples/quickstart "$work/project"
rm -f "$work/project/"*.db
mkdir -p docs/img "$work/html"
cd "$work/project"
"$sluice" report pending --format html --out "$work/html/pending.html" >/dev/null
"$sluice" up >/dev/null
"$sluice" report runbook --run-verify --format html --out "$work/html/runbook.html" >/dev/null
"$sluice" report log --format html --out "$work/html/log.html" >/dev/null
"$sluice" report status --format html --out "$work/html/status.html" >/dev/null
cd "$root"
for kind in pending runbook log status; do
  html="$work/html/$kind.html"
  png="docs/img/report-$kind.png"
  # The page must parse into a DOM with its title, in the browser.
  dom=$("$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --dump-dom "file://$html" 2>/dev/null)
  grep -q "<h1>" <<<"$dom" || { echo "$kind: the browser did not render the page" >&2; exit 1; }
  "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --hide-scrollbars --window-size=1100,1400 \
    --screenshot="$root/$png" "file://$html" >/dev/null 2>&1
  size=$(stat -c %s "$png")
  # A blank white 1100x1400 PNG is a few kilobytes; a rendered report is far larger.
  [ "$size" -gt 20000 ] || { echo "$kind: the screenshot looks blank ($size bytes)" >&2; exit 1; }
  echo "$kind: rendered, $png ($size bytes)"
done
