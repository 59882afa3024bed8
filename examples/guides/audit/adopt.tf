# Bring every live token of an instance under Terraform in one apply, whatever
# its lifetime: the audit carries what each import needs (Terraform 1.7 or
# later, for import blocks with for_each).
terraform {
  required_version = ">= 1.7"
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

data "xano_metadata_tokens" "audit" {}

locals {
  # Expired tokens are left out: adopting one would plan its replacement.
  adopted = {
    for t in data.xano_metadata_tokens.audit.tokens : tostring(t.token_id) => t if !t.expired
  }
}

import {
  for_each = local.adopted
  to       = xano_metadata_token.adopted[each.key]
  id       = each.value.id
}

# Each token as the audit describes it, so the import plans no change.
resource "xano_metadata_token" "adopted" {
  for_each = local.adopted

  name          = each.value.name
  description   = each.value.description != "" ? each.value.description : null
  purpose       = each.value.purpose
  expires_in    = each.value.expires_in
  never_expires = each.value.never_expires

  dynamic "scope" {
    for_each = each.value.scopes
    content {
      name   = scope.value.name
      create = scope.value.create
      read   = scope.value.read
      update = scope.value.update
      delete = scope.value.delete
    }
  }
}
