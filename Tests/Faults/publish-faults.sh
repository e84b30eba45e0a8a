#!/usr/bin/env bash
# Faults while a site is published (README: "What survives a fault"). Each case checks the site
# byte for byte against one written without faults, and that the next run leaves nothing beside
# it. Needs root (tmpfs mounts, another user), strace and setpriv.
# Usage: Tests/Faults/publish-faults.sh path/to/tracereport
set -euo pipefail
binary=$(realpath "$1")
root=$(mktemp -d)
chmod 755 "$root"
trap 'umount -q "$root"/full 2>/dev/null || true; umount -q "$root"/mounted 2>/dev/null || true; rm -rf "$root"' EXIT
cd "$root"

# Two inputs with different sites: A is the site in place, B the one being published.
mkdir a b
cp "$OLDPWD"/samples/checkout.jsonl a/
cp "$OLDPWD"/samples/checkout-zipkin.json "$OLDPWD"/samples/checkout-jaeger.json b/
"$binary" a --output ref-a --quiet
"$binary" b --output ref-b --quiet
same() { diff -r "$1" "$2" >/dev/null 2>&1; }
fail() { echo "FAIL: $*"; exit 1; }
# Only the inputs, references and the site may be in the folder.
clean() {
  local extra
  extra=$(ls -A | grep -vxE 'a|b|ref-a|ref-b|site|said.txt' || true)
  [ -z "$extra" ] || fail "$1: left behind: $extra"
}
fresh() { rm -rf site; cp -a ref-a site; }

kills=0
# A kill at the Nth call (on the main thread) of each system call of publishing, in order:
# the lock, the staging folder, a page being written, the flush, the rename that finds the
# previous site, the exchange, and the removal of the previous site (its first folder, a file,
# its last folder). Then a normal run. The site is A or B after the kill, B after the next run,
# and nothing is left beside it.
for point in flock:1 mkdir:1 mkdir:2 openat:40 sync:1 rename:1 renameat2:1 rmdir:1 unlink:5 rmdir:3; do
  call=${point%%:*}
  when=${point##*:}
  fresh
  status=0
  (strace -f -qq -o /dev/null -e trace="$call" -e inject="$call":signal=KILL:when="$when" \
    "$binary" b --output site --quiet 2>/dev/null) || status=$?
  [ "$status" -eq 137 ] || fail "the kill at $call #$when did not happen (exit $status)"
  if same site ref-a; then was=previous; elif same site ref-b; then was=new; else fail "kill at $call #$when: the site is neither the previous nor the new one"; fi
  "$binary" b --output site --quiet
  same site ref-b || fail "kill at $call #$when: the next run did not publish"
  clean "kill at $call #$when"
  echo "killed at $call #$when (exit $status): the $was site, nothing left after the next run"
  kills=$((kills + 1))
done

# Where the file system cannot exchange (renameat2 fails with EINVAL): two renames. A kill
# between them leaves the previous site aside; the next run puts it back, then publishes.
fresh
(strace -f -qq -o /dev/null -e trace=renameat2,rename -e inject=renameat2:error=EINVAL -e inject=rename:signal=KILL:when=3 \
  "$binary" b --output site --quiet 2>/dev/null) || true
aside=$(ls -d .site.tracereport-old-* 2>/dev/null | head -1)
[ ! -e site ] && [ -n "$aside" ] && same "$aside" ref-a || fail "no exchange, kill between the renames: the previous site is not aside"
strace -f -qq -o /dev/null -e trace=renameat2 -e inject=renameat2:error=EINVAL "$binary" b --output site --quiet
same site ref-b || fail "no exchange: the next run did not publish"
clean "no exchange"
echo "no exchange, killed between the two renames: the previous site aside, put back and replaced by the next run, nothing left"

# Names an earlier version left (a run killed as process 999999, or as this process's id).
fresh
cp -a ref-a .site.old-999999
cp -a ref-a .site.partial-999999
"$binary" b --output site --quiet
same site ref-b && clean "earlier version's leftovers" || fail "earlier version's leftovers"
echo "leftovers of an earlier version (.site.old-PID, .site.partial-PID): removed"

# A full disk: the run fails naming the file system's message, the site stays, nothing is left.
mkdir full
# Room for site A and a little more: site B (3,000 pages) cannot fit.
mount -t tmpfs -o size=$(($(du -sk ref-a | cut -f1) + 256))k tmpfs full
cp -a ref-a full/site
python3 - > b/big.jsonl <<'EOF'
import json
for i in range(3000):
    t = f"{i:032x}"
    print(json.dumps({"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": f"svc{i % 7}"}}]},
        "scopeSpans": [{"spans": [{"traceId": t, "spanId": f"{i + 1:016x}", "name": f"GET /item/{i}",
            "startTimeUnixNano": str(1700000000000000000 + i), "endTimeUnixNano": str(1700000000000000000 + i + 5000000)}]}]}]}))
EOF
status=0
"$binary" b --output full/site --select all --quiet 2> said.txt || status=$?
[ "$status" -eq 73 ] && grep -q 'No space left on device' said.txt || { cat said.txt; fail "full disk: expected exit 73 naming ENOSPC (got $status)"; }
same full/site ref-a || fail "full disk: the previous site changed"
[ "$(ls -A full)" = site ] || fail "full disk: left behind: $(ls -A full)"
rm b/big.jsonl
umount full
rmdir full
echo "full disk: exit 73 ($(tail -c 60 said.txt | tr -d '\n')), the previous site unchanged, nothing left"

# A mount point as the output (a volume in a container): it cannot be renamed, so the site is
# written inside it and its entries replaced one by one, a journal letting the next run finish a
# publishing a kill interrupted. Its lost+found is left alone, and every name a run makes in it
# begins with two dots. A kill at each rename of publishing (the journal, then every entry), and
# at the journal's flush; the next run is itself killed at its first rename (finishing the
# journal) every other time, then one more run publishes.
mkdir mounted empty && touch empty/none.jsonl
mount -t tmpfs tmpfs mounted
mkdir mounted/lost+found
"$binary" a --output mounted --quiet
same_mounted() { diff -r --exclude=lost+found --exclude='..*' mounted "$1" >/dev/null 2>&1; }
clean_mounted() {
  local extra
  extra=$(ls -A mounted | grep -vxF -f <(ls -A ref-a; echo lost+found) || true)
  [ -z "$extra" ] && [ -d mounted/lost+found ] || fail "mount point, $1: left behind: $extra"
}
same_mounted ref-a || fail "mount point: the first run did not publish"
for point in fsync:1 rename:1 rename:2 rename:3 rename:4 rename:5 rename:6 rename:7 rename:8 rename:9 rename:10 rename:11; do
  call=${point%%:*}
  when=${point##*:}
  find mounted -mindepth 1 -maxdepth 1 ! -name lost+found -exec rm -rf {} +
  cp -a ref-a/. mounted/
  status=0
  (strace -f -qq -o /dev/null -e trace="$call" -e inject="$call":signal=KILL:when="$when" \
    "$binary" b --output mounted --quiet 2>/dev/null) || status=$?
  [ "$status" -eq 137 ] || fail "mount point: the kill at $call #$when did not happen (exit $status)"
  if same_mounted ref-a; then was=previous; elif same_mounted ref-b; then was=new; else was="partly new"; fi
  again=""
  if [ $((when % 2)) -eq 1 ] && ls mounted/..tracereport-journal-* >/dev/null 2>&1; then
    status=0
    (strace -f -qq -o /dev/null -e trace=rename -e inject=rename:signal=KILL:when=1 \
      "$binary" b --output mounted --quiet 2>/dev/null) || status=$?
    [ "$status" -eq 137 ] || fail "mount point: the kill while finishing at $call #$when did not happen (exit $status)"
    again=", the next run killed while finishing it"
  fi
  # A run on inputs with no span publishes nothing (exit 65): what is there is what recovery made.
  status=0
  "$binary" empty --output mounted --quiet 2>/dev/null || status=$?
  [ "$status" -eq 65 ] || fail "mount point: a run on no spans exited $status"
  { [ "$was" = previous ] && same_mounted ref-a; } || same_mounted ref-b || fail "mount point, kill at $call #$when$again: not recovered"
  clean_mounted "kill at $call #$when"
  "$binary" a --output mounted --quiet
  same_mounted ref-a || fail "mount point, kill at $call #$when$again: the next run did not publish"
  clean_mounted "kill at $call #$when, then a run"
  echo "mount point killed at $call #$when: the $was site$again; the next run finished it, nothing left"
  kills=$((kills + 1))
done
umount mounted
rmdir mounted && rm -r empty
# A bind mount of a folder of the same file system (the same device as its parent).
mkdir bound-source mounted
mount --bind bound-source mounted
mkdir mounted/lost+found
"$binary" a --output mounted --quiet
"$binary" b --output mounted --quiet
same_mounted ref-b && clean_mounted "bind mount" || fail "bind mount: not published"
umount mounted
rm -rf bound-source
# A spilled run (its work folder inside the mount point too) writes the site of a single run.
mount -t tmpfs tmpfs mounted
python3 "$OLDPWD"/Benchmarks/make-many-traces.py 3000 night.jsonl 20 > /dev/null
"$binary" night.jsonl --output single --quiet
"$binary" night.jsonl --output mounted --memory-budget 20M --quiet 2> /dev/null
diff -r mounted single > /dev/null || fail "a spilled run into a mount point: not the site of a single run"
umount mounted
rm -rf mounted single night.jsonl
echo "mount point as --output (tmpfs, bind mount, a spilled run): published in place, lost+found kept"

# Two runs on one output at once: the second is refused while the first publishes (held for 2 s
# at its exchange).
fresh
strace -f -qq -o /dev/null -e trace=renameat2 -e inject=renameat2:delay_enter=2000000 "$binary" b --output site --quiet &
first=$!
sleep 1
status=0
"$binary" a --output site --quiet 2> said.txt || status=$?
wait "$first"
[ "$status" -eq 73 ] && grep -q 'another tracereport run is writing it' said.txt || fail "concurrent runs: the second was not refused (exit $status)"
same site ref-b && clean "concurrent runs" || fail "concurrent runs: the site is not the first run's"
echo "two runs on one output: the second refused ($(cut -c1-80 said.txt)...), the first published"

# As an unprivileged user: a read-only parent, and an output folder that cannot be listed.
chown -R 65534 "$root"
as_user() { setpriv --reuid 65534 --regid 65534 --clear-groups "$@"; }
fresh
chown -R 65534 site
chmod 555 "$root"
status=0
as_user "$binary" b --output site --quiet 2> said.txt || status=$?
chmod 755 "$root"
[ "$status" -eq 73 ] && same site ref-a || fail "read-only parent: expected exit 73 and the site unchanged (got $status)"
echo "read-only parent: exit 73 ($(cut -c1-100 said.txt)...), the site unchanged"
fresh
chown -R 65534 site
chmod -R a-w site
as_user "$binary" b --output site --quiet
same site ref-b && clean "read-only previous site" || fail "a read-only previous site: not replaced, or left behind"
echo "a read-only previous site: replaced, and removed"
mkdir mounted
mount -t tmpfs tmpfs mounted
cp -a ref-a/. mounted/
mkdir mounted/lost+found
chown -R 65534 mounted
chmod -R a-w mounted/traces mounted/services
as_user "$binary" b --output mounted --quiet
same_mounted ref-b && clean_mounted "read-only previous site in a mount point" || fail "a read-only previous site in a mount point: not replaced"
umount mounted
rmdir mounted
echo "a read-only previous site in a mount point: replaced, and removed"
mkdir locked
echo keep > locked/thesis.tex
chown -R 65534 locked
chmod 300 locked
status=0
as_user "$binary" b --output locked --quiet 2> said.txt || status=$?
chmod 755 locked
[ "$status" -eq 73 ] && [ "$(cat locked/thesis.tex)" = keep ] && grep -q 'cannot be listed' said.txt || fail "unlistable folder: not refused (exit $status)"
rm -rf locked
echo "an output folder that cannot be listed: refused ($(cut -c1-100 said.txt)...)"
echo "publishing faults: $kills kill points and 8 other faults, each leaving the previous or the new site"
