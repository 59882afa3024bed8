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

output "findings" {
  description = "Every finding of the provider's risk review (scope, permission, severity, rule, summary), known at plan time."
  value       = xano_metadata_token.this.findings
}
