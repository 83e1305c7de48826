#!/bin/bash
# Is this build slower than an earlier one? Builds REV in a scratch worktree, then runs
# both builds' CLI in alternating rounds on the same capture (so a busy moment hurts
# both alike) and prints the best wall time and peak RSS of each:
#   analyze --format ndjson    read, decode, track, diagnose, write: the whole tool
#   info                       read and decode only (the floor of every command)
# Usage: test/bench/compare-builds.sh REV CAPTURE [ROUNDS]   (needs a build: npm run build)
# A capture the size of the benchmark's: test/bench/repeat-capture.ts makes one from a
# fixture repeated, e.g. fixtures/lab/mixed.pcap 300 times.
set -euo pipefail
rev=$1
capture=$2
rounds=${3:-7}
here=$(cd "$(dirname "$0")/../.." && pwd)
base=$(mktemp -d /tmp/teardown-base.XXXXXX)
trap 'git -C "$here" worktree remove --force "$base" >/dev/null 2>&1 || rm -rf "$base"' EXIT
git -C "$here" worktree add --detach "$base" "$rev" >/dev/null 2>&1
ln -s "$here/node_modules" "$base/node_modules"
(cd "$base" && npx tsc -p tsconfig.json >/dev/null)

# One timed run: prints "seconds peak-KB".
timed() {
  /usr/bin/time -f '%e %M' -o /tmp/teardown-time.$$ node "$@" >/dev/null 2>&1 || true
  cat /tmp/teardown-time.$$
}

declare -A best_s best_kb
for round in $(seq "$rounds"); do
  for build in base head; do
    dir=$here
    [ "$build" = base ] && dir=$base
    for cmd in analyze info; do
      args=(analyze --format ndjson "$capture")
      [ "$cmd" = info ] && args=(info "$capture")
      read -r s kb < <(timed "$dir/dist/src/cli/main.js" "${args[@]}")
      key=$build.$cmd
      if [ -z "${best_s[$key]:-}" ] || awk "BEGIN{exit !($s < ${best_s[$key]})}"; then best_s[$key]=$s; fi
      if [ -z "${best_kb[$key]:-}" ] || [ "$kb" -gt "${best_kb[$key]}" ]; then best_kb[$key]=$kb; fi
    done
  done
done
rm -f /tmp/teardown-time.$$
echo "$(basename "$capture"), best of $rounds rounds (peak RSS: the largest seen)"
printf '%-9s %-26s %10s %10s %8s\n' command build seconds 'peak MB' change
for cmd in analyze info; do
  for build in base head; do
    key=$build.$cmd
    label=$([ "$build" = base ] && echo "$rev" || echo "HEAD $(git -C "$here" rev-parse --short HEAD)")
    change=$([ "$build" = head ] && awk "BEGIN{printf \"%+.1f%%\", (${best_s[head.$cmd]} / ${best_s[base.$cmd]} - 1) * 100}" || echo)
    printf '%-9s %-26s %10s %10s %8s\n' "$cmd" "$label" "${best_s[$key]}" "$((best_kb[$key] / 1024))" "$change"
  done
done
