#!/usr/bin/env bash
# make test-quickstart (and the end of make test): runs the README's
# quickstart exactly as written, so the README and this test cannot drift.
#
# Between the markers <!-- quickstart:begin --> and <!-- quickstart:end -->:
#   - a ```sh block is run, each line as it is, in one bash session for the
#     whole quickstart (so cd, export and a job started with & carry on);
#   - a ```hcl block whose first line is "# FILE" is written to FILE;
#   - a ```text block right after a ```sh block is that block's exact
#     standard output.
# It runs in a temporary HOME and GOPATH, from the repository's root, with
# every request that would leave the machine refused.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# shellcheck source=scripts/progress.sh
source scripts/progress.sh
readme=${1:-README.md}

command -v terraform >/dev/null || { echo "terraform is not on PATH" >&2; exit 1; }
fail() { echo "test-quickstart: $*" >&2; exit 1; }

work=$(mktemp -d)
cleanup() {
  # Stop an emulator the quickstart left running, then remove everything.
  if [ -n "${qs_pid:-}" ]; then kill -- -"$qs_pid" 2>/dev/null || true; fi
  chmod -R u+w "$work" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

phase "the README's quickstart, run as written (about 30 s)"
# Split the quickstart into numbered block files: 001.sh, 002.hcl, 003.text…
mkdir "$work/blocks"
awk -v dir="$work/blocks" '
  /<!-- quickstart:begin -->/ { on = 1; next }
  /<!-- quickstart:end -->/   { on = 0; next }
  !on { next }
  /^```/ {
    if (lang == "") {
      lang = substr($0, 4); n++
      if (lang != "sh" && lang != "hcl" && lang != "text") { printf "quickstart block %d: unsupported language %s\n", n, lang > "/dev/stderr"; exit 1 }
      file = sprintf("%s/%03d.%s", dir, n, lang); printf "" > file
    } else { lang = ""; close(file) }
    next
  }
  lang != "" { print > file }
' "$readme"
blocks=("$work"/blocks/*)
[ "${#blocks[@]}" -ge 4 ] && [ -f "${blocks[0]}" ] || fail "$readme has no quickstart between <!-- quickstart:begin --> and <!-- quickstart:end -->"

# Turn the blocks into one script. Each command is announced on fd 3 (this
# test's output) before it runs; everything the commands print goes to the log.
script="$work/quickstart.sh"
{
  echo "set -euo pipefail"
  for ((i = 0; i < ${#blocks[@]}; i++)); do
    b=${blocks[$i]}
    case $b in
      *.sh)
        expect=
        next=${blocks[$((i + 1))]:-}
        if [[ $next == *.text ]]; then expect=$next; fi
        if [ -n "$expect" ]; then echo "{"; fi
        while IFS= read -r line || [ -n "$line" ]; do
          [[ -z ${line//[[:space:]]/} || $line =~ ^[[:space:]]*# ]] && continue
          printf 'printf "    + %%s\\n" %q >&3\n%s\n' "$line" "$line"
        done < "$b"
        if [ -n "$expect" ]; then
          printf '} > %q\n' "$b.out"
          printf 'cat %q\n' "$b.out"
          printf 'diff -u %q %q >&3 || { echo "    the output above is not what the README shows" >&3; exit 1; }\n' "$expect" "$b.out"
        fi
        ;;
      *.hcl)
        target=$(head -n 1 "$b" | sed -n 's/^# \([A-Za-z0-9_.-]*\)$/\1/p')
        [ -n "$target" ] || fail "quickstart block $(basename "$b"): an hcl block starts with the line \"# FILE\""
        printf 'printf "    (writes %%s)\\n" %q >&3\n' "$target"
        printf 'cp %q %q\n' "$b" "$target"
        ;;
      *.text)
        [[ ${blocks[$((i - 1))]:-} == *.sh ]] || fail "quickstart block $(basename "$b"): a text block follows a sh block"
        ;;
    esac
  done
} > "$script"

# The temporary HOME and GOPATH of a new user; Go keeps its caches.
export GOMODCACHE="$(go env GOMODCACHE)" GOCACHE="$(go env GOCACHE)" GOENV="$(go env GOENV)"
export XDG_CONFIG_HOME="${XDG_CONFIG_HOME:-$HOME/.config}"
export HOME="$work/home" GOPATH="$work/gopath" TMPDIR="$work"
unset GOBIN TF_CLI_CONFIG_FILE TF_PLUGIN_CACHE_DIR TF_DATA_DIR TF_CLI_ARGS TF_CLI_ARGS_init TF_CLI_ARGS_plan TF_CLI_ARGS_apply
unset XANO_BASE_URL XANO_ACCESS_TOKEN XANO_INSTANCE XANO_PROFILE XANO_CONFIG XANO_PROBE_TOKEN
mkdir -p "$HOME"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
export HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 NO_PROXY=

# The quickstart's emulator listens on its fixed port, 127.0.0.1:8787: one
# quickstart at a time on this machine, and the port must be free.
exec 9> "${TMPDIR_LOCK:-/tmp}/terraform-provider-xano-quickstart.lock"
flock -w 300 9 || fail "another quickstart test has held the lock for 5 minutes"
if (exec 8<> /dev/tcp/127.0.0.1/8787) 2>/dev/null; then
  fail "127.0.0.1:8787 is in use, and the quickstart's xano-emulator serve listens there: stop what listens on it and run again."
fi

# Its own process group, so that cleanup stops whatever it left running.
set +e
setsid bash "$script" 3>&1 > "$work/quickstart.log" 2>&1 &
qs_pid=$!
wait "$qs_pid"
status=$?
set -e
if [ "$status" -ne 0 ]; then
  echo "    the quickstart failed (exit $status); everything it printed:"
  sed 's/^/    | /' "$work/quickstart.log"
  exit 1
fi
for _ in 1 2 3 4 5 6 7 8 9 10; do
  (exec 8<> /dev/tcp/127.0.0.1/8787) 2>/dev/null || break
  sleep 0.5
done
if (exec 8<> /dev/tcp/127.0.0.1/8787) 2>/dev/null; then
  fail "the quickstart ended with its emulator still listening on 127.0.0.1:8787"
fi
echo "==> quickstart passed"
