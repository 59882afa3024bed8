# Every token of the provider's instance, managed by Terraform or not, with
# every finding of the risk review. No secret is ever listed.
data "xano_metadata_tokens" "all" {}

# The high and critical findings of each token, one line each.
output "token_findings" {
  value = {
    for t in data.xano_metadata_tokens.all.tokens :
    "${t.name} (${t.id})" => [
      for f in t.findings : "${f.severity} ${f.scope == "" ? f.rule : "${f.scope}.${f.permission}"}: ${f.summary}"
      if contains(["high", "critical"], f.severity)
    ]
    if anytrue([for f in t.findings : contains(["high", "critical"], f.severity)])
  }
}

# An audit on every plan: the check fails (a warning, not an error) while a
# live token never expires or holds a critical grant. The API has no
# acknowledgement field, so a critical finding fails the check whoever
# approved it; revoke the token or replace it with a narrower one.
check "xano_token_hygiene" {
  assert {
    condition = alltrue([for t in data.xano_metadata_tokens.all.tokens : !t.never_expires])
    error_message = "Tokens that never expire: ${join(", ", [
      for t in data.xano_metadata_tokens.all.tokens : "${t.name} (${t.id})" if t.never_expires
    ])}."
  }

  assert {
    condition = alltrue([
      for t in data.xano_metadata_tokens.all.tokens :
      t.expired || alltrue([for f in t.findings : f.severity != "critical"])
    ])
    error_message = "Tokens with a critical finding: ${join(", ", [
      for t in data.xano_metadata_tokens.all.tokens : "${t.name} (${t.id})"
      if !t.expired && anytrue([for f in t.findings : f.severity == "critical"])
    ])}."
  }
}

# Given the ids of the tokens this configuration manages (here the weweb
# token of xano_metadata_token's example), each token says whether Terraform
# manages it, and the others get an "unmanaged" finding. The Token audit guide
# shows the check block and the bulk import that follow.
data "xano_metadata_tokens" "unmanaged" {
  managed_token_ids = [xano_metadata_token.weweb.token_id]
}

output "unmanaged_tokens" {
  value = [
    for t in data.xano_metadata_tokens.unmanaged.tokens :
    "${t.name} (${t.id}), last used ${coalesce(t.last_used_at, "never")}" if t.managed == false && !t.expired
  ]
}

# Tokens about to expire with nothing to rotate them. A token managed with a
# rotate_before longer than two days (say "7d") is replaced before it gets
# that close to its expiry, so any token listed here is one nobody rotates:
# an unmanaged token, a managed one without rotate_before, or a rotation
# that was planned but never applied.
data "xano_metadata_tokens" "expiring" {
  expires_within = "2d"
}

# Run `terraform plan -out=tfplan` on a schedule: the check fails (a warning
# in the plan) while such a token exists, and the job fails on it with
# `terraform show -json tfplan | jq -e '[.checks[]? | select(.status == "fail")] | length == 0'`.
check "no_token_expires_unrotated" {
  assert {
    condition = length(data.xano_metadata_tokens.expiring.tokens) == 0
    error_message = "Tokens expiring within 2 days with nothing to rotate them: ${join(", ", [
      for t in data.xano_metadata_tokens.expiring.tokens : "${t.name} (${t.id}) at ${t.expires_at}"
    ])}. Add rotate_before to the resource that manages each, or replace it."
  }
}
