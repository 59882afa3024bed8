# The WeWeb plugin discovers API endpoints for data binding: read access to
# API groups and workspace content is all it needs.
resource "xano_metadata_token" "weweb" {
  name          = "weweb-production"
  description   = "WeWeb Xano plugin: API discovery for data binding"
  purpose       = "weweb" # a grant beyond the weweb recipe would warn
  expires_in    = "30d"   # default 7d, as in Xano; minimum 1h
  rotate_before = "7d"    # plan a replacement this long before expiry

  scope {
    name = "workspace_api_groups"
    read = true
  }
  scope {
    name = "workspace_content"
    read = true
  }

  # Mint the replacement before revoking the old token, so the integration
  # can switch to the new secret without a gap.
  lifecycle {
    create_before_destroy = true
  }
}

# Hand the secret to whatever needs it; it is sensitive and shown once.
output "weweb_token" {
  value     = xano_metadata_token.weweb.token
  sensitive = true
}

# The token is used at its instance's own Metadata API, not at base_url:
# meta_api gives that URL, known at plan time.
output "weweb_meta_api" {
  value = xano_metadata_token.weweb.meta_api
}

# When Xano last accepted the token: null until the plugin first uses it.
output "weweb_last_used_at" {
  value = xano_metadata_token.weweb.last_used_at
}
