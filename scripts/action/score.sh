#!/usr/bin/env bash
# The action's score step (action.yml): `secsli score` with the action's inputs, then the step
# summary and outputs (dist/scripts/action/step-outputs.js). Exits with secsli's exit code, so
# the step fails on 1 (--fail-on), 2 and 3; the upload step runs anyway (if: always()).
# Inputs come as INPUT_* variables; test/action/action.test.ts runs this file as the action does.
set -uo pipefail
root="${GITHUB_ACTION_PATH:?}"
tmp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
history="${INPUT_HISTORY:-reports}"
args=(score --config "${INPUT_CONFIG:-assets.yaml}" --out "$history" --log-format json)
if [ -n "${INPUT_FAIL_ON:-}" ]; then args+=(--fail-on "$INPUT_FAIL_ON"); fi
# Extra arguments are split on whitespace, newlines included (no quoting, no globbing): flags and
# paths without spaces, on one line or a YAML `args: |` block. -d '' reads to the end, not one line
# (it then reports end of input, hence || true).
extra=()
IFS=$' \t\n' read -r -d '' -a extra <<< "${INPUT_ARGS:-}" || true
log="$tmp/secsli-log.ndjson"
# stdout (the run folder) to a file; the JSON log to the job log and to a file for the summary.
# Node 24 lets the young generation grow to 134 MB (Node 20 and 22: 34 MB), which puts a million-finding run over
# 1 GiB; 16 MB semi-spaces (Node 20's size) keep it under (docs/benchmarks.md). NODE_OPTIONS wins.
node_flags=()
if [[ "${NODE_OPTIONS:-}" != *semi-space* ]]; then node_flags+=(--max-semi-space-size=16); fi
node "${node_flags[@]}" "$root/dist/src/cli/index.js" "${args[@]}" "${extra[@]}" 2>&1 > "$tmp/secsli-stdout" | tee "$log" >&2
code=${PIPESTATUS[0]}
run_dir="$(tail -n 1 "$tmp/secsli-stdout")"
node "$root/dist/scripts/action/step-outputs.js" "$code" "$run_dir" "$log" || echo "secsli: warn: could not write the step summary" >&2
exit "$code"
