#!/bin/bash
# Every command's output on every fixture and corpus capture, as one checksum line per
# run: run it before and after a change that must not change output (a refactoring),
# and diff the two files. Each line: sha256 of stdout, of stderr and the exit code,
# then the command. Needs a build (npm run build); writes to stdout.
#   test/bench/output-checksums.sh [SHARED_DIR] > before.txt
set -u
cd "$(dirname "$0")/../.."
shared=${1:-../shared}
cli="node dist/src/cli/main.js"
captures=$( (find fixtures -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.gz' -o -name '*.zst' \); \
  find "$shared/corpus" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' -o -name '*.gz' \) 2>/dev/null) | sort)
runs() {
  for f in $captures; do
    for fmt in table csv json ndjson; do echo "analyze $f --format $fmt"; done
    echo "analyze $f --format csv --sort problems"
    echo "analyze $f --format json --sort problems --problems"
    echo "analyze $f --format ndjson --sort finish"
    echo "analyze $f --format ndjson --threads 2"
    echo "analyze $f --format table --threads 2 --time relative"
    echo "connections $f"
    echo "connections $f --format ndjson"
    echo "triage $f"
    echo "triage $f --format json"
    echo "segments $f"
    echo "info $f --json"
    echo "assert $f --expect 'reset == 0' --expect 'refused <= 1' --expect 'no timeout'"
    for s in 0 1 2 5; do echo "show $f --stream $s"; done
  done
  # Several files at once, in one process and on --jobs workers.
  set -- $(echo "$captures" | grep -v /bad/ | head -40)
  for fmt in table csv json ndjson; do
    echo "analyze $* --format $fmt"
    echo "analyze $* --format $fmt --jobs 2"
  done
}
one() {
  local out err rc
  out=$(mktemp); err=$(mktemp)
  COLUMNS=120 NO_COLOR=1 timeout 120 bash -c "$cli $1" >"$out" 2>"$err"; rc=$?
  echo "$(sha256sum <"$out" | cut -c1-16) $(sha256sum <"$err" | cut -c1-16) $rc $1"
  rm -f "$out" "$err"
}
export -f one; export cli
runs | xargs -d '\n' -P 2 -I{} bash -c 'one "$@"' _ {} | sort -k4
