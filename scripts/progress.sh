# Sourced by the scripts of make test and make demo: progress lines, so that
# no step is silent for long.

# phase prints the line that opens a phase, with how long it usually takes.
phase() { echo "==> $*"; }

# heartbeat LABEL COMMAND...: runs COMMAND and, while it runs, prints a line
# every HEARTBEAT_EVERY seconds (20 by default); returns COMMAND's status.
heartbeat() {
  local label=$1 start=$EPOCHSECONDS pid ticker status=0
  shift
  "$@" &
  pid=$!
  (
    while sleep "${HEARTBEAT_EVERY:-20}"; do
      echo "    ... $label: still running ($((EPOCHSECONDS - start))s)"
    done
  ) &
  ticker=$!
  wait "$pid" || status=$?
  kill "$ticker" 2>/dev/null || true
  wait "$ticker" 2>/dev/null || true
  return "$status"
}
