# A monthly token for a Make.com connection: rotated a week before it
# expires, and the old secret kept valid two more days, so the connection
# keeps working until someone pastes the new secret into it.
resource "xano_metadata_token" "make" {
  name             = "make-alerting"
  description      = "Make.com connection: request history for alerting"
  expires_in       = "30d"
  rotate_before    = "7d"
  rotation_overlap = "2d"

  scope {
    name = "workspace_request_history"
    read = true
  }
}

# A consumer Terraform manages gets the new secret in the apply that rotates.
# terraform_data stands in for it: a secret store entry, a CI variable, a
# Kubernetes secret.
resource "terraform_data" "consumer" {
  input = {
    url   = xano_metadata_token.make.meta_api
    token = xano_metadata_token.make.token
  }
}

# Who still holds the old secret has until previous_revoke_at to switch.
output "make_rotation" {
  value = {
    token_id           = xano_metadata_token.make.token_id
    previous_token_id  = xano_metadata_token.make.previous_token_id
    previous_revoke_at = xano_metadata_token.make.previous_revoke_at
  }
}
