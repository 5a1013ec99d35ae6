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

measure() { # name, command...
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/$name.time" "$@" > "$work/$name.log" 2>&1 || { cat "$work/$name.log" >&2; exit 1; }
  read -r secs kb < "$work/$name.time"
  printf '%-12s %8.2f s %9.0f MB\n' "$name" "$secs" "$((kb / 1024))"
}
