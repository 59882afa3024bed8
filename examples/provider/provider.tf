terraform {
  required_providers {
    xano = {
      source = "terraform-provider-xano/xano"
    }
  }
}

# With no arguments the provider uses XANO_ACCESS_TOKEN (and XANO_BASE_URL,
# XANO_INSTANCE), or else the default profile that Xano's CLI wrote to
# ~/.xano/credentials.yaml.
provider "xano" {
  # Xano's account Metadata API, the default: it lists the account's
  # instances, so instance names are checked and meta_api is known.
  # base_url = "https://app.xano.com/api:meta"
  instance = "x1234-abcd-5678"

  # The access token is checked once when the provider is configured, and at
  # plan time the instance and, where the plan creates tokens, Xano's limit of
  # 10 tokens per instance. Set this to plan offline, without these checks.
  # skip_credentials_validation = true

  # Guardrails for every token this configuration declares.
  policy {
    warn_at             = "high"
    deny                = ["workspace_database.delete", "workspace_live_data_source.*"]
    max_lifetime        = "90d"
    require_description = true
    max_idle            = "30d" # warn about a token unused for a month
    expiry_warning      = "3d"  # warn when a token without rotate_before expires within 3 days
    name_pattern        = "^[a-z0-9]+(-[a-z0-9]+)*-(prod|staging|dev)$"
    # Every risk_acknowledgement needs a review_by at most a quarter ahead.
    acknowledgement_max_age = "90d"
    # After a leak: rotate every token minted before this time, then remove it.
    # rotate_minted_before = "2026-12-06T09:00:00Z"
  }
}
