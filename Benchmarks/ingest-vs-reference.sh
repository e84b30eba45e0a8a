#!/usr/bin/env bash
# Ingest (decode + assemble + aggregates, no HTML) of one generated OTLP JSON lines file, side by
# side with ../shared/bench/reference_ingest.py (Python + orjson) on the same file.
# Run from the repository root: bash Benchmarks/ingest-vs-reference.sh [MEGABYTES]
set -euo pipefail
size=${1:-100}
work=$(mktemp -d)
python3 Benchmarks/make-otlp-lines.py "$size" "$work/spans.jsonl"
swift build -c release --package-path Benchmarks --product Ingest >/dev/null
Benchmarks/.build/release/Ingest "$work/spans.jsonl"
reference=../shared/bench/reference_ingest.py
if [ -f "$reference" ]; then
  python3 -c "import orjson" 2>/dev/null || echo "note: orjson is not installed; the reference falls back to json"
  for run in 1 2 3; do python3 "$reference" "$work/spans.jsonl" 2>&1 >/dev/null | tail -1; done
else
  echo "NOTICE: $reference not found; no side-by-side figure"
fi
rm -rf "$work"
