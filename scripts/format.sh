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
mapfile -t drift < <(clang-format-14 --dry-run --Werror "${files[@]}" 2>&1 | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: .*/\1/p' | sort -u)
if ((${#drift[@]})); then
  echo "format: ${#drift[@]} file(s) differ from .clang-format; run 'bash scripts/format.sh --fix':" >&2
  printf '  %s\n' "${drift[@]}" >&2
  exit 1
fi
echo "format: ${#files[@]} files match .clang-format" >&2
