output "token" {
  description = "The token's secret, known once the token is created."
  value       = xano_metadata_token.this.token
  sensitive   = true
}

output "token_id" {
  description = "The token's numeric id in Xano."
  value       = xano_metadata_token.this.token_id
}

output "id" {
  description = "\"<instance>/<token id>\", the import id."
  value       = xano_metadata_token.this.id
}

output "expires_at" {
  description = "When the token expires, in RFC 3339."
  value       = xano_metadata_token.this.expires_at
}

output "scopes" {
  description = "The token's grants: scope name to the permissions granted, in CRUD order. Known at plan time."
  value = {
    for s in xano_metadata_token.this.scope : s.name => [
      for p in ["create", "read", "update", "delete"] : p if s[p]
    ]
  }
}

output "meta_api" {
  description = "Base URL of the instance's own Metadata API, where the token is used."
  value       = xano_metadata_token.this.meta_api
}

# The token's findings are lines, "<severity> <rule> <scope>.<permission>: <summary>",
# with " <scope>" or ".<permission>" left out when not concerned; the head
# holds no colon, so the first ": " ends it.
locals {
  finding_pattern = "^(?P<severity>[a-z]+) (?P<rule>[^ :.]+)(?: (?P<scope>[^ :.]+)(?:\\.(?P<permission>[a-z]+))?)?: (?P<summary>(?s:.*))$"
}

output "findings" {
  description = "Every finding of the provider's risk review as an object (scope, permission, severity, rule, summary; scope and permission \"\" when not concerned), known at plan time."
  value = [
    for line in xano_metadata_token.this.findings : { for k, v in regex(local.finding_pattern, line) : k => v == null ? "" : v }
  ]
}
