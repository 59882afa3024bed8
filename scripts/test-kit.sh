#!/usr/bin/env bash
# make test-kit (and the end of make test): what a new user and a module
# author do, in a temporary HOME, with every network request refused.
#   1. make install, then terraform init and plan of a plain configuration:
#      no CLI configuration, no dev_overrides, no registry.
#   2. the example module's terraform test, through xano-emulator run, with
#      nothing left behind: no state file and no token on the emulator.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

command -v terraform >/dev/null || { echo "terraform is not on PATH" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Go keeps its caches where they are; only Terraform sees the new HOME.
export GOPATH="$(go env GOPATH)" GOMODCACHE="$(go env GOMODCACHE)" GOCACHE="$(go env GOCACHE)" GOENV="$(go env GOENV)"
export HOME="$work/home"
mkdir -p "$HOME"
unset TF_CLI_CONFIG_FILE TF_PLUGIN_CACHE_DIR TF_DATA_DIR TF_CLI_ARGS TF_CLI_ARGS_init TF_CLI_ARGS_plan TF_CLI_ARGS_test
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

echo "==> make install into $HOME"
make --no-print-directory -C "$root" install >/dev/null
plugins=("$HOME"/.terraform.d/plugins/registry.terraform.io/terraform-provider-xano/xano/*/"$(go env GOOS)_$(go env GOARCH)"/terraform-provider-xano_v*)
[ "${#plugins[@]}" -eq 1 ] && [ -x "${plugins[0]}" ] || { echo "make install did not write one provider binary: ${plugins[*]}" >&2; exit 1; }
version=${plugins[0]##*_v}
go build -o "$work/bin/xano-emulator" ./internal/cmd/xano-emulator
emulator="$work/bin/xano-emulator"

# From here on, any request that leaves the machine fails at once (Go and
# Terraform never proxy loopback addresses, so the emulator is reachable).
export HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 NO_PROXY=

echo "==> terraform init and plan without dev_overrides"
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

echo "==> terraform test of examples/modules/integration-token"
cp -R examples/modules/integration-token "$work/module"
(
  cd "$work/module"
  terraform init -input=false -no-color > init.log 2>&1 || { cat init.log; exit 1; }
  "$emulator" run --state-file "$work/emulator.json" -- terraform test -no-color > test.log 2>&1 || { cat test.log; exit 1; }
  grep -E '^(tests/|  run )|passed' test.log
  leftovers=$(find . -name '*.tfstate*')
  [ -z "$leftovers" ] || { echo "terraform test left state behind: $leftovers"; exit 1; }
)
# The state file is a snapshot line and a journal of changes; an emulator
# that opens it folds the journal in, leaving the snapshot alone to read.
"$emulator" run --state-file "$work/emulator.json" -- true > "$work/reopen.log" 2>&1 || { cat "$work/reopen.log"; exit 1; }
grep -q '"tokens":\[\]' "$work/emulator.json" || { echo "terraform test left tokens on the emulator:"; cat "$work/emulator.json"; exit 1; }
echo "==> kit checks passed"
