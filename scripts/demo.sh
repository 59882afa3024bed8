#!/usr/bin/env bash
# make demo: build the provider and the emulator, then plan, apply, prove and
# destroy examples/demo against the emulator. Offline; leaves nothing running.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# shellcheck source=scripts/progress.sh
source scripts/progress.sh

command -v terraform >/dev/null || { echo "terraform is not on PATH" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "==> building the provider and the emulator (a few seconds; about 40 s on a cold build cache)"
heartbeat "go build" go build -o "$work/bin/terraform-provider-xano" .
heartbeat "go build" go build -o "$work/bin/xano-emulator" ./internal/cmd/xano-emulator

# dev_overrides points Terraform at the fresh build: no registry, no init.
cat > "$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "terraform-provider-xano/xano" = "$work/bin"
  }
  direct {}
}
RC

cp -R examples/demo "$work/demo"
export TF_CLI_CONFIG_FILE="$work/terraformrc"
export CHECKPOINT_DISABLE=1
export TF_IN_AUTOMATION=1
export DEMO_DIR="$work/demo"
export EMULATOR_BIN="$work/bin/xano-emulator"

# The emulated account has one instance, the demo's: a mistyped instance
# would fail the plan, as it would against Xano.
"$work/bin/xano-emulator" run --instance "demo=Demo instance" -- bash "$root/scripts/demo-run.sh"
echo "==> demo finished: the emulator is stopped and the temporary files are removed"
