# Two tokens as a pull request might add them.
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
}

# A nightly export of invoices: it downloads private files.
resource "xano_metadata_token" "reports" {
  name        = "reports"
  description = "Nightly export of invoices"
  expires_in  = "30d"

  scope {
    name = "workspace_files"
    read = true
  }
  scope {
    name = "workspace_content"
    read = true
  }
}

# A CRM sync that writes records and was never given an expiry.
resource "xano_metadata_token" "crm_sync" {
  name                 = "crm-sync"
  description          = "CRM sync, retired in Q3"
  never_expires        = true
  risk_acknowledgement = "Retired in Q3; approved by the data team (SEC-311)"

  scope {
    name   = "workspace_database"
    read   = true
    update = true
  }
}
