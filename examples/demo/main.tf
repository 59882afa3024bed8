# The demo: three tokens built from the scope guide's integration recipes.
# `make demo` runs it against the bundled emulator.
terraform {
  required_providers {
    xano = {
      source = "terraform-provider-xano/xano"
    }
  }
}

# base_url and access_token come from XANO_BASE_URL and XANO_ACCESS_TOKEN.
provider "xano" {
  instance = "demo"
}

# WeWeb's Xano plugin: API discovery for data binding, read only.
resource "xano_metadata_token" "weweb" {
  name          = "weweb-production"
  description   = "WeWeb Xano plugin: API discovery for data binding"
  expires_in    = "30d"
  rotate_before = "7d"

  scope {
    name = "workspace_api_groups"
    read = true
  }
  scope {
    name = "workspace_content"
    read = true
  }
}

# Monitoring and logging: endpoint health, workspace context, request logs.
resource "xano_metadata_token" "monitoring" {
  name        = "monitoring"
  description = "Uptime and error monitoring"
  expires_in  = "30d"

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

# Make.com / n8n automation: broad access, so the plan warns about it.
resource "xano_metadata_token" "automation" {
  name                 = "n8n-staging"
  description          = "n8n workflows: records, documents and background tasks"
  expires_in           = "7d"
  risk_acknowledgement = "Staging only; approved by the platform team"

  scope {
    name   = "workspace_database"
    create = true
    read   = true
    update = true
    delete = true
  }
  scope {
    name   = "workspace_files"
    create = true
    read   = true
    update = true
  }
  scope {
    name   = "workspace_tasks"
    create = true
    read   = true
    update = true
  }
}

output "token_ids" {
  value = {
    weweb      = xano_metadata_token.weweb.id
    monitoring = xano_metadata_token.monitoring.id
    automation = xano_metadata_token.automation.id
  }
}

output "weweb_expires_at" {
  value = xano_metadata_token.weweb.expires_at
}

output "monitoring_token" {
  value     = xano_metadata_token.monitoring.token
  sensitive = true
}

# Where the monitoring token is used: its instance's own Metadata API.
output "monitoring_meta_api" {
  value = xano_metadata_token.monitoring.meta_api
}
