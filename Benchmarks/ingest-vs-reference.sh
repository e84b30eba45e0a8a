#!/usr/bin/env bash
# The ingest benchmark: generates one file per input format with GenerateSpans (same seed, about
# MEGABYTES each, values unique to each request as real exports hold: `--unique`; pass
# `recurring` as the third argument for the older data whose attribute lists recur word for
# word), times Ingest (decode + assemble + aggregates, no HTML, one core) on each, then RUNS
# rounds of every format in turn (each format's spans/s against OTLP JSON's: min / median /
# max), then runs Ingest and ../shared/bench/reference_ingest.py (Python + orjson) alternately
# RUNS times on the OTLP JSON file and prints the ratio of their rates: min / median / max.
# Run from the repository root: bash Benchmarks/ingest-vs-reference.sh [MEGABYTES] [RUNS] [unique|recurring]
set -euo pipefail
size=${1:-100}
runs=${2:-5}
values=${3:-unique}
case $values in
  unique) unique=--unique ;;
  recurring) unique= ;;
  *) echo "values are unique or recurring, not $values"; exit 64 ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
swift build -c release --package-path Benchmarks --product GenerateSpans >/dev/null
swift build -c release --package-path Benchmarks --product Ingest >/dev/null
bin=Benchmarks/.build/release
formats="otlp-json otlp-proto jaeger zipkin"
for format in $formats; do
  "$bin/GenerateSpans" "$format" "$size" "$work/spans.$format" 1 $unique
  "$bin/Ingest" "$work/spans.$format"
done
# The formats side by side: RUNS rounds, each timing every format (best of 3) in turn, so that
# the machine's drift touches them alike; spans/s of each against OTLP JSON's in the same round.
echo "formats side by side, $runs rounds (ingest total, spans/s, best of 3 per round):"
for run in $(seq "$runs"); do
  line="round $run:"
  for format in $formats; do
    line="$line $format $("$bin/Ingest" "$work/spans.$format" | awk '/ingest total/ { print $7 }')"
  done
  echo "$line"
done | tee "$work/rounds.txt"
for format in otlp-proto jaeger zipkin; do
  awk -v f="$format" '{ for (i = 3; i < NF; i += 2) v[$i] = $(i + 1); print v[f] / v["otlp-json"] }' "$work/rounds.txt" | sort -n |
    awk -v f="$format" '{ r[NR] = $1 } END { printf "%s spans/s / OTLP JSON spans/s: min %.2f, median %.2f, max %.2f\n", f, r[1], r[int((NR + 1) / 2)], r[NR] }'
done
reference=../shared/bench/reference_ingest.py
if [ ! -f "$reference" ]; then
  echo "NOTICE: $reference not found; no side-by-side figure"
  exit 0
fi
python3 -c "import orjson" 2>/dev/null || echo "note: orjson is not installed; the reference falls back to json"
echo "side by side on $work/spans.otlp-json, $runs runs:"
for run in $(seq "$runs"); do
  ours=$("$bin/Ingest" --repeat 1 "$work/spans.otlp-json" | awk '/ingest total/ { print $5 }')
  theirs=$(python3 "$reference" "$work/spans.otlp-json" 2>&1 >/dev/null | tail -1 | sed -E 's/.*: ([0-9.]+) MB\/s.*/\1/')
  echo "run $run: tracereport $ours MB/s, reference $theirs MB/s, ratio $(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2f", a / b }')"
done | tee "$work/runs.txt"
awk '{ gsub(",", "", $NF); print $NF }' "$work/runs.txt" | sort -n | awk '{ r[NR] = $1 } END { printf "ratio min %.2f, median %.2f, max %.2f\n", r[1], r[int((NR + 1) / 2)], r[NR] }'
