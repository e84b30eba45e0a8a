#!/usr/bin/env bash
# The whole run side by side with the reference: `tracereport FILE` (reading, assembly, every
# aggregate, the default selection of pages, the index, services and health pages, summary.json,
# on every core) against ../shared/bench/reference_ingest.py (Python + orjson: aggregates only,
# no page), alternately RUNS times on the same OTLP JSON file. Prints each run's wall time and
# peak RSS, then the ratio of the reference's time to tracereport's: min / median / max.
# Run from the repository root: bash Benchmarks/whole-run-vs-reference.sh FILE [RUNS] [-- OPTIONS...]
# OPTIONS go to tracereport (e.g. -- --max-pages 0).
set -euo pipefail
file=$1
runs=${2:-5}
shift $(($# >= 2 ? 2 : 1))
[ "${1:-}" = "--" ] && shift
reference=../shared/bench/reference_ingest.py
[ -f "$reference" ] || { echo "$reference not found: nothing to compare with"; exit 1; }
python3 -c "import orjson" 2>/dev/null || echo "note: orjson is not installed; the reference falls back to json"
swift build -c release --product tracereport >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
measure() { /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>&1; cat "$work/time"; }
echo "side by side on $file ($(du -h "$file" | cut -f1)), $runs runs:"
for run in $(seq "$runs"); do
  read -r ours oursKB < <(measure .build/release/tracereport "$file" --output "$work/site" --force --quiet "$@")
  read -r theirs theirsKB < <(measure python3 "$reference" "$file")
  echo "run $run: tracereport $ours s ($((oursKB / 1024)) MB), reference $theirs s ($((theirsKB / 1024)) MB), ratio $(awk -v a="$theirs" -v b="$ours" 'BEGIN { printf "%.2f", a / b }')"
done | tee "$work/runs.txt"
awk '{ print $NF }' "$work/runs.txt" | sort -n | awk '{ r[NR] = $1 } END { printf "ratio (reference time / tracereport time) min %.2f, median %.2f, max %.2f\n", r[1], r[int((NR + 1) / 2)], r[NR] }'
