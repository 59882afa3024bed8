#!/usr/bin/env bash
# Runs under `xano-emulator run`, which exports XANO_BASE_URL and
# XANO_ACCESS_TOKEN for the emulator it started.
set -euo pipefail
cd "$DEMO_DIR"

destroy() { terraform destroy -auto-approve -no-color -compact-warnings >/dev/null 2>&1 || true; }
trap destroy EXIT

echo "==> terraform plan (the risk review prints its warnings here; about 3 s)"
terraform plan -no-color -out=demo.tfplan

# The plan above printed the review in full; the apply lists its summaries
# and then the outputs, once.
echo "==> terraform apply"
terraform apply -no-color -auto-approve -compact-warnings demo.tfplan

# The secret travels in an environment variable, never on a command line.
XANO_PROBE_TOKEN=$(terraform output -raw monitoring_token)
export XANO_PROBE_TOKEN
# The token is used where Xano says: its instance's own Metadata API.
meta_api=$(terraform output -raw monitoring_meta_api)
probe() { "$EMULATOR_BIN" probe "$meta_api$1"; }

echo "==> the monitoring token, at its meta_api ($meta_api), reaches what it declares and nothing else"
history=$(probe /workspace/1/request_history)
table=$(probe /workspace/1/table)
echo "GET <meta_api>/workspace/1/request_history -> $history (workspace_request_history: read)"
echo "GET <meta_api>/workspace/1/table           -> $table (workspace_database: not granted)"
if [[ "$history" != 200 || "$table" != 403 ]]; then
  echo "unexpected answer: request_history must be 200 and table 403" >&2
  exit 1
fi

# The destroy plan repeats every attribute of the three tokens: show its
# outcome, or all of it when it fails.
echo "==> terraform destroy"
trap - EXIT
if ! terraform destroy -no-color -auto-approve -compact-warnings >destroy.log 2>&1; then
  cat destroy.log
  exit 1
fi
grep -E 'Destruction complete|Destroy complete' destroy.log
