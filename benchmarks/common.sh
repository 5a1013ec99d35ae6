# Shared set-up for the benchmark scripts (sourced, not run): paths, the release binary,
# a scratch folder, and `measure NAME COMMAND...` (wall-clock seconds and peak RSS via GNU time).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
ref=${1:-$root/../shared/reference}
target=${CARGO_TARGET_DIR:-$root/target}
bin=$target/release/anchormap
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 1; }

# Each command runs RUNS times (default 3); the median wall-clock run is reported and kept in
# $work/NAME.time as "seconds peak_kb" (peak memory is the largest over the runs).
runs=${RUNS:-3}
measure() { # name, command...
  local name=$1; shift
  local i times=()
  for ((i = 1; i <= runs; i++)); do
    /usr/bin/time -f "%e %M" -o "$work/$name.time.$i" "$@" > "$work/$name.log" 2>&1 || { cat "$work/$name.log" >&2; exit 1; }
    times+=("$(cat "$work/$name.time.$i")")
  done
  local secs kb all
  secs=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}')
  kb=$(printf '%s\n' "${times[@]}" | sort -k2 -n | tail -1 | cut -d' ' -f2)
  all=$(printf '%s\n' "${times[@]}" | cut -d' ' -f1 | paste -sd' ')
  echo "$secs $kb" > "$work/$name.time"
  printf '%-12s %8.2f s %9.0f MB   (median of %d runs: %s)\n' "$name" "$secs" "$((kb / 1024))" "$runs" "$all"
}

# `compare A B`: how many times faster A ran than B (medians), and A's peak memory as a share of B's.
compare() {
  local a_s a_kb b_s b_kb
  read -r a_s a_kb < "$work/$1.time"
  read -r b_s b_kb < "$work/$2.time"
  awk -v a="$a_s" -v ak="$a_kb" -v b="$b_s" -v bk="$b_kb" -v an="$1" -v bn="$2" \
    'BEGIN { printf "%s vs %s: %.1fx faster; peak memory %.2f of %s'"'"'s\n", an, bn, b / a, ak / bk, bn }'
}
