#!/usr/bin/env bash
# The C++ sources against the committed .clang-format (clang-format-14), CI's format stage.
#   bash scripts/format.sh          # check: lists each file that differs, exit 1 if any
#   bash scripts/format.sh --fix    # rewrite them in place
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format-14 >/dev/null || bash scripts/setup.sh --packages
if git rev-parse --git-dir >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.cc' '*.h')
else
  mapfile -t files < <(find engine cli tests bench -name '*.cc' -o -name '*.h' | sort)
fi
if [ "${1:-}" = "--fix" ]; then
  clang-format-14 -i "${files[@]}"
  exit 0
fi
# One clang-format for every file; it names each line that differs (FILE:L:C: error: ...).
# Its own failure (a broken .clang-format, a file it cannot read) fails the stage too.
report=$(mktemp)
trap 'rm -f "$report"' EXIT
status=0
clang-format-14 --dry-run --Werror "${files[@]}" >"$report" 2>&1 || status=$?
mapfile -t drift < <(sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: .*/\1/p' "$report" | sort -u)
if ((status != 0 && ${#drift[@]} == 0)); then
  echo "format: clang-format-14 failed (exit $status) without naming a file that differs:" >&2
  head -n 20 "$report" >&2
  exit 1
fi
if ((${#drift[@]})); then
  echo "format: ${#drift[@]} file(s) differ from .clang-format; run 'bash scripts/format.sh --fix':" >&2
  printf '  %s\n' "${drift[@]}" >&2
  exit 1
fi
echo "format: ${#files[@]} files match .clang-format" >&2
