#!/usr/bin/env bash
# Behaviour check for refactors: runs `sitrep extract` and `sitrep replay --offline --snapshots` on the demo corpora
# (and the seed reports when ../shared/corpus is beside the checkout), with every situation of the catalogue, at a
# base revision and at the working tree, and reports whether every output file is byte-identical.
# Usage: deploy/compare-outputs.sh [BASE_REV (default: main)]
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
base_rev="${1:-main}"
python="$root/.venv/bin/python"
work="$(mktemp -d)"
base_tree="$work/base"
trap 'git -C "$root" worktree remove --force "$base_tree" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add --detach --quiet "$base_tree" "$base_rev"

inputs=(corpus/2022-ukraine corpus/2025-india-pakistan)
if [ -f ../shared/corpus/seeds.jsonl ]; then inputs+=(../shared/corpus/seeds.jsonl); fi

# Run from inside a tree: `python -m` puts the current directory first on sys.path, so that tree's code is the one run.
outputs_of() {
  local tree="$1" out="$2"
  mkdir -p "$out"
  for input in "${inputs[@]}"; do
    local name
    name="$(basename "$input" .jsonl)"
    (cd "$tree" && "$python" -m streams.cli extract "$root/$input" --out "$out/extract-$name.jsonl" 2>"$out/extract-$name.err")
    if [ -d "$root/$input" ]; then
      (cd "$tree" && SITREP_SITUATIONS_PATH="$root/deploy/situations/catalogue.yaml" "$python" -m streams.cli replay \
        --offline --snapshots "$out/snapshots-$name.jsonl" "$root/$input" >/dev/null 2>&1)
    fi
  done
}

outputs_of "$base_tree" "$work/before"
outputs_of "$root" "$work/after"
status=0
for file in "$work"/before/*.jsonl; do
  name="$(basename "$file")"
  if cmp -s "$file" "$work/after/$name"; then
    echo "identical  $name ($(wc -l <"$file") lines)"
  else
    echo "DIFFERENT  $name"
    status=1
  fi
done
exit $status
