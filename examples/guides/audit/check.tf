# The integrations this configuration manages, and an audit of the instance
# on every plan.
terraform {
  required_providers {
    xano = {
      source = "terraform-provider-xano/xano"
    }
  }
}

# base_url and access_token come from XANO_BASE_URL and XANO_ACCESS_TOKEN.
provider "xano" {
  instance = "main"

  policy {
    # A token nobody used for a month is a finding with rule "idle".
    max_idle = "30d"
  }
}

resource "xano_metadata_token" "grafana" {
  name        = "grafana"
  description = "Grafana dashboards of the platform team"
  purpose     = "monitoring"
  expires_in  = "90d"

  scope {
    name = "workspace_api_groups"
    read = true
  }
  scope {
    name = "workspace_content"
    read = true
  }
  scope {
    name = "workspace_request_history"
    read = true
  }
}

# No token on this instance that Terraform does not manage, and none left
# unused: each assertion that fails is a warning on every plan, naming the
# tokens, until they are imported here or revoked.
check "xano_tokens_audit" {
  data "xano_metadata_tokens" "audit" {
    managed_token_ids = [xano_metadata_token.grafana.token_id]
  }

  assert {
    condition = alltrue([for t in data.xano_metadata_tokens.audit.tokens : t.managed || t.expired])
    error_message = "Tokens Terraform does not manage: ${join(", ", [
      for t in data.xano_metadata_tokens.audit.tokens : "${t.name} (${t.id})" if !t.managed && !t.expired
    ])}. Import them into this configuration or revoke them."
  }

  assert {
    condition = alltrue([
      for t in data.xano_metadata_tokens.audit.tokens : alltrue([for f in t.findings : f.rule != "idle"])
    ])
    error_message = "Tokens unused for over 30 days: ${join(", ", [
      for t in data.xano_metadata_tokens.audit.tokens : "${t.name} (last used ${coalesce(t.last_used_at, "never")})"
      if anytrue([for f in t.findings : f.rule == "idle"])
    ])}."
  }
}
