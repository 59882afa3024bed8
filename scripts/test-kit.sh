#!/usr/bin/env bash
# make test-kit (and the end of make test): what a new user and a module
# author do, in a temporary HOME and GOPATH, with every network request
# refused once the install is done.
#   1. go.mod's go line is the Go version the README states.
#   2. make install writes the provider and xano-emulator, and prints both.
#   3. terraform init and plan of a plain configuration: no CLI
#      configuration, no dev_overrides, no registry.
#   4. the example module's terraform test, through xano-emulator run, with
#      nothing left behind: no state file and no token on the emulator.
#   5. examples/ci/terraform-test.yml's own steps, on a copy of the module
#      that commits a lock file recorded from another build.
#   6. make uninstall removes what make install wrote, with GOBIN unset and
#      set.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# shellcheck source=scripts/progress.sh
source scripts/progress.sh

command -v terraform >/dev/null || { echo "terraform is not on PATH" >&2; exit 1; }
fail() { echo "test-kit: $*" >&2; exit 1; }

work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

# Go keeps its caches and settings where they are; HOME, GOPATH and GOBIN
# are new, so make install writes only under $work.
export GOMODCACHE="$(go env GOMODCACHE)" GOCACHE="$(go env GOCACHE)" GOENV="$(go env GOENV)"
export XDG_CONFIG_HOME="${XDG_CONFIG_HOME:-$HOME/.config}"
export HOME="$work/home" GOPATH="$work/gopath"
unset GOBIN
mkdir -p "$HOME"
unset TF_CLI_CONFIG_FILE TF_PLUGIN_CACHE_DIR TF_DATA_DIR TF_CLI_ARGS TF_CLI_ARGS_init TF_CLI_ARGS_plan TF_CLI_ARGS_test
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

go_version=$(awk '$1 == "go" { print $2 }' go.mod)
phase "go.mod asks for Go $go_version; the README and the CI example say so"
grep -qF "Go $go_version" README.md || fail "README.md does not state \"Go $go_version\", go.mod's go line."
grep -qF "Go $go_version" examples/ci/terraform-test.yml || fail "examples/ci/terraform-test.yml does not state \"Go $go_version\", go.mod's go line."

phase "make install into a temporary HOME and GOPATH (about 15 s)"
heartbeat "make install" make --no-print-directory -C "$root" install > "$work/install.log" 2>&1 || { cat "$work/install.log"; fail "make install failed"; }
plugins=("$HOME"/.terraform.d/plugins/registry.terraform.io/terraform-provider-xano/xano/*/"$(go env GOOS)_$(go env GOARCH)"/terraform-provider-xano_v*)
[ "${#plugins[@]}" -eq 1 ] && [ -x "${plugins[0]}" ] || fail "make install did not write one provider binary: ${plugins[*]}"
provider=${plugins[0]}
version=${provider##*_v}
emulator="$GOPATH/bin/xano-emulator"
[ -x "$emulator" ] || fail "make install did not write $emulator (GOBIN unset: \$GOPATH/bin)"
for f in "$provider" "$emulator"; do
  grep -qxF "installed $f" "$work/install.log" || { cat "$work/install.log"; fail "make install did not print \"installed $f\""; }
done
"$emulator" version | grep -qxF "xano-emulator $version" || fail "the installed emulator is not version $version: $("$emulator" version)"
grep -E '^(installed|note)' "$work/install.log" | sed "s|$work|\$tmp|g"

# From here on, any request that leaves the machine fails at once (Go and
# Terraform never proxy loopback addresses, so the emulator is reachable).
export HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 NO_PROXY=

phase "terraform init and plan without dev_overrides (about 5 s)"
mkdir "$work/config"
cat > "$work/config/main.tf" <<'HCL'
terraform {
  required_providers {
    xano = {
      source = "terraform-provider-xano/xano"
    }
  }
}

provider "xano" {
  instance = "kit"
}

resource "xano_metadata_token" "check" {
  name = "install-check"
  scope {
    name = "workspace_api_groups"
    read = true
  }
}
HCL
(
  cd "$work/config"
  terraform init -input=false -no-color > init.log 2>&1 || { cat init.log; exit 1; }
  grep -qF "Installed terraform-provider-xano/xano v$version" init.log || { echo "init did not install the local build:"; cat init.log; exit 1; }
  set +e
  "$emulator" run -- terraform plan -input=false -no-color -detailed-exitcode > plan.log 2>&1
  status=$?
  set -e
  # 2: the plan succeeded with changes to make.
  if [ "$status" -ne 2 ] || ! grep -q 'Plan: 1 to add' plan.log; then
    echo "terraform plan exited $status:"; cat plan.log; exit 1
  fi
)

phase "terraform test of examples/modules/integration-token (about 10 s)"
cp -R examples/modules/integration-token "$work/module"
(
  cd "$work/module"
  terraform init -input=false -no-color > init.log 2>&1 || { cat init.log; exit 1; }
  heartbeat "terraform test" "$emulator" run --state-file "$work/emulator.json" -- terraform test -no-color > test.log 2>&1 || { cat test.log; exit 1; }
  grep -E '^(tests/|  run )|passed' test.log
  leftovers=$(find . -name '*.tfstate*')
  [ -z "$leftovers" ] || { echo "terraform test left state behind: $leftovers"; exit 1; }
)
# The state file is a snapshot line and a journal of changes; an emulator
# that opens it folds the journal in, leaving the snapshot alone to read.
"$emulator" run --state-file "$work/emulator.json" -- true > "$work/reopen.log" 2>&1 || { cat "$work/reopen.log"; exit 1; }
grep -q '"tokens":\[\]' "$work/emulator.json" || { echo "terraform test left tokens on the emulator:"; cat "$work/emulator.json"; exit 1; }

phase "examples/ci/terraform-test.yml on a module that commits its lock file (about 30 s)"
git_quiet() { git -c user.name=test-kit -c user.email=test-kit@localhost -c init.defaultBranch=main -c advice.detachedHead=false "$@"; }
# The provider's source as the workflow clones it: this working tree,
# uncommitted changes included, as the one commit of a branch main.
mkdir "$work/provider-src"
git ls-files -z --cached --others --exclude-standard |
  tar --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C "$work/provider-src"
(cd "$work/provider-src" && git_quiet init -q && git_quiet add -A && git_quiet commit -qm snapshot)
# The module's author recorded the lock file with a build of their own, so
# its checksum is not the one a fresh build from source will have.
echo "    the module's lock file, recorded from a build of its author's"
cp -R examples/modules/integration-token "$work/author"
heartbeat "the author's build" go build -trimpath -ldflags "-X main.version=author-build" -o "$provider" .
(
  cd "$work/author"
  terraform init -input=false -no-color > "$work/author-init.log" 2>&1 || { cat "$work/author-init.log"; exit 1; }
  printf '.terraform/\n' > .gitignore
  git_quiet init -q && git_quiet add -A && git_quiet commit -qm "module with its lock file"
  git ls-files --error-unmatch .terraform.lock.hcl >/dev/null
)
git_quiet clone -q "$work/author" "$work/checkout"
# The workflow's env names GitHub; offline, the snapshot stands in for it.
echo "    the workflow's steps, on a clone of the module (about 25 s)"
heartbeat "the workflow" go run ./scripts/workflowrun -workflow examples/ci/terraform-test.yml -job test \
  -workspace "$work/checkout" -set XANO_PROVIDER_REPO="file://$work/provider-src" -set XANO_PROVIDER_REF=main
# The lock file the workflow started from really did not match the build it
# made: a plain terraform init of the committed module fails.
git_quiet clone -q "$work/author" "$work/control"
if (cd "$work/control" && terraform init -input=false -no-color > init.log 2>&1); then
  fail "terraform init of the committed module passed without the workflow's step, so the lock-file case was not tested"
fi
grep -q "doesn't match any of the checksums" "$work/control/init.log" || { cat "$work/control/init.log"; fail "terraform init of the committed module failed for another reason than its lock file"; }
echo "    a plain terraform init of the committed module fails on its lock file; the workflow's steps pass"

phase "make uninstall removes what make install wrote (about 15 s)"
make --no-print-directory -C "$root" uninstall > "$work/uninstall.log" 2>&1 || { cat "$work/uninstall.log"; fail "make uninstall failed"; }
for f in "$provider" "$emulator"; do
  grep -qxF "removed $f" "$work/uninstall.log" || { cat "$work/uninstall.log"; fail "make uninstall did not print \"removed $f\""; }
done
[ ! -e "$HOME/.terraform.d/plugins/registry.terraform.io/terraform-provider-xano" ] || fail "make uninstall left the provider's directory: $(find "$HOME/.terraform.d" | sed "s|$work|\$tmp|g")"
left=$(find "$HOME/.terraform.d" "$GOPATH" -type f)
[ -z "$left" ] || fail "make uninstall left files behind: $left"
# With GOBIN set, the emulator goes there, as go install would put it.
export GOBIN="$work/gobin"
heartbeat "make install with GOBIN" make --no-print-directory -C "$root" install > "$work/install.log" 2>&1 || { cat "$work/install.log"; fail "make install with GOBIN failed"; }
grep -qxF "installed $GOBIN/xano-emulator" "$work/install.log" && [ -x "$GOBIN/xano-emulator" ] || { cat "$work/install.log"; fail "make install with GOBIN set did not write and print $GOBIN/xano-emulator"; }
[ ! -e "$GOPATH/bin/xano-emulator" ] || fail "make install with GOBIN set also wrote $GOPATH/bin/xano-emulator"
make --no-print-directory -C "$root" uninstall > "$work/uninstall.log" 2>&1 || { cat "$work/uninstall.log"; fail "make uninstall with GOBIN failed"; }
left=$(find "$HOME/.terraform.d" "$GOPATH" "$GOBIN" -type f)
[ -z "$left" ] || fail "make uninstall with GOBIN set left files behind: $left"
echo "    both installs wrote and printed the provider and xano-emulator; both uninstalls removed them"
echo "==> kit checks passed"
