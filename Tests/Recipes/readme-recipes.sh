#!/usr/bin/env bash
# Runs the README's Kubernetes Indexed Job and GNU parallel recipes as written (the commands are
# read from README.md, so the check fails when the text stops working) on a generated input, and
# compares each site with the single run's, byte for byte.
# Usage: Tests/Recipes/readme-recipes.sh TRACEREPORT_BINARY
set -euo pipefail
readme="$(cd "$(dirname "$0")/../.." && pwd)/README.md"
binary=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/exports"
ln -s "$binary" "$work/bin/tracereport"
export PATH="$work/bin:$PATH"

# The fenced block that follows the first line starting with $1 in the README.
block() {
  awk -v start="$1" 'index($0, start) == 1 { found = 1; next }
    found && /^```/ { if (inside) exit; inside = 1; next }
    inside { print }' "$readme"
}

python3 "$(dirname "$readme")/Benchmarks/make-many-traces.py" 3000 "$work/exports/night.jsonl" 8
cp -r "$(dirname "$readme")/samples" "$work/exports/samples"

echo "-- GNU parallel"
recipe=$(block '**With GNU parallel on one box**')
grep -q '^parallel ' <<< "$recipe" || { echo "no GNU parallel recipe found in README.md"; exit 1; }
(cd "$work" && tracereport exports --output single --title Nightly --quiet && bash -euo pipefail -c "$recipe")
diff -r "$work/single" "$work/site" > /dev/null || { echo "the GNU parallel recipe's site differs from the single run's"; exit 1; }
echo "GNU parallel recipe: $(find "$work/site" -type f | wc -l) files, the single run's"

echo "-- Kubernetes Indexed Job (each pod's command run with its JOB_COMPLETION_INDEX)"
job=$(block '**As a Kubernetes Indexed Job**')
completions=$(awk '/^  completions:/ { print $2 }' <<< "$job")
# The container's command: the folded ('>-') scalar under args, lines joined by spaces.
pod=$(awk '/^ *- >-$/ { inside = 1; next } inside && /^ *[a-zA-Z]+:/ { exit } inside { sub(/^ +/, ""); printf "%s ", $0 }' <<< "$job")
before=$(sed -n 's/^# before: //p' <<< "$job")
after=$(sed -n 's/^# after: *//p' <<< "$job")
[ -n "$completions" ] && [ -n "$pod" ] && [ -n "$before" ] && [ -n "$after" ] || { echo "the Kubernetes recipe in README.md lost a part"; exit 1; }
data="$work/data"
mkdir -p "$data/exports" "$data/builds"
mv "$work/exports" "$data/exports/latest"
sh -c "${before//\/data/$data}"
# The single run reads the inputs by the same names (the site lists them).
tracereport "$data/exports/latest" --output "$work/single-k8s" --title Nightly --quiet
for ((index = 0; index < completions; index++)); do
  JOB_COMPLETION_INDEX=$index sh -c "${pod//\/data/$data}"
done
sh -c "${after//\/data/$data}"
diff -r "$work/single-k8s" "$data/site" > /dev/null || { echo "the Kubernetes recipe's site differs from the single run's"; exit 1; }
echo "Kubernetes recipe: $completions pods, $(find "$data/site" -type f | wc -l) files, the single run's"
