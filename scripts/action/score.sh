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
# Node 24 lets the young generation grow to 134 MB (Node 20 and 22: 34 MB), which puts a million-finding run over
# 1 GiB; 16 MB semi-spaces (Node 20's size) keep it under (docs/benchmarks.md). NODE_OPTIONS wins.
node_flags=()
if [[ "${NODE_OPTIONS:-}" != *semi-space* ]]; then node_flags+=(--max-semi-space-size=16); fi
# A cancelled or timed-out job: the runner signals this shell only (SIGINT, SIGTERM 7.5 s later,
# SIGKILL of the tree 2.5 s after that: actions/runner ProcessInvoker), never its children;
# action.yml `exec`s this script, so this shell is the one signalled. The traps pass the signal on
# to secsli, which abandons the run (exit 130/143), and the outputs are still written. secsli runs
# in the background for that (a trapped signal interrupts `wait`, not a foreground command), its
# stderr to tee through a FIFO so that $! is secsli's pid. tee ignores the signals (a Ctrl-C
# reaches the whole process group): it logs all of secsli's stderr and ends when secsli does.
pid='' sig=''
forward() { sig=$1; if [ -n "$pid" ]; then kill -s "$1" "$pid" 2>/dev/null; fi; }
trap 'forward INT' INT
trap 'forward TERM' TERM
# Sets `status` to the exit code of child $1. A trapped signal makes `wait` return early (128 + the
# signal): then it waits again. (A child already waited for gives its status again.)
wait_child() { while :; do sig=''; wait "$1"; status=$?; if [ -z "$sig" ]; then return; fi; done; }
fifo="$tmp/secsli-stderr.fifo"
rm -f "$fifo" && mkfifo "$fifo" || exit 70
(trap '' INT TERM; exec tee "$log") < "$fifo" >&2 &
tee_pid=$!
# stdout (the run folder) to a file; the JSON log to the job log and to a file for the summary.
# ${a[@]+"${a[@]}"}: an empty array is "unbound" under set -u in bash before 4.4 (macOS's 3.2).
node ${node_flags[@]+"${node_flags[@]}"} "$root/dist/src/cli/index.js" "${args[@]}" ${extra[@]+"${extra[@]}"} > "$tmp/secsli-stdout" 2> "$fifo" &
pid=$!
if [ -n "$sig" ]; then kill -s "$sig" "$pid"; fi # a signal before $pid was set
wait_child "$pid"
code=$status
pid=''
wait_child "$tee_pid"
rm -f "$fifo"
run_dir="$(tail -n 1 "$tmp/secsli-stdout")"
node "$root/dist/scripts/action/step-outputs.js" "$code" "$run_dir" "$log" || echo "secsli: warn: could not write the step summary" >&2
exit "$code"
