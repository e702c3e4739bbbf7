#!/usr/bin/env bash
# TEST INFRASTRUCTURE ONLY: stops what start.sh DIR started (by the pids it recorded) and removes DIR.
set -uo pipefail
dir="${1:?usage: stop.sh DIR}"
[[ -f $dir/pids ]] || exit 0
while read -r pid name; do
  [[ $name == watch && $pid == "${PPID:-}" ]] && continue
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
done < "$dir/pids"
for _ in $(seq 1 50); do
  alive=0
  while read -r pid name; do kill -0 "$pid" 2>/dev/null && [[ $name != watch ]] && alive=1; done < "$dir/pids"
  [[ $alive == 0 ]] && break; sleep 0.1
done
while read -r pid name; do [[ $name != watch ]] && kill -KILL -- "-$pid" 2>/dev/null; done < "$dir/pids"
[[ ${KEEP_DIR:-} == 1 ]] || rm -rf "$dir"
