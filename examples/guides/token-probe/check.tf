# A token Terraform mints, and a check that its instance agrees with its
# grants: the read scopes it was granted, and nothing more.
resource "xano_metadata_token" "reporting" {
  instance    = "x1234-4567-8901"
  name        = "reporting"
  description = "Read-only analytics of the data team"
  expires_in  = "30d"

  scope {
    name = "workspace_api_groups"
    read = true
  }
  scope {
    name = "workspace_request_history"
    read = true
  }
}

check "reporting_token_reach" {
  data "xano_token_probe" "reporting" {
    token    = xano_metadata_token.reporting.token
    meta_api = xano_metadata_token.reporting.meta_api
    expect   = [for s in xano_metadata_token.reporting.scope : s.name if s.read]
    # This token may not list workspaces (no read on workspace_content), so
    # the probe is told one; any workspace of the instance will do.
    workspace_id = 1
  }

  assert {
    condition     = length(setsubtract(data.xano_token_probe.reporting.expect, data.xano_token_probe.reporting.readable)) == 0
    error_message = "The reporting token cannot read all it was granted: ${jsonencode(data.xano_token_probe.reporting.unknown)}."
  }

  assert {
    condition = length([for f in data.xano_token_probe.reporting.findings : f if f.rule == "excess"]) == 0
    error_message = "The reporting token reaches more than it was granted: ${join(", ", [
      for f in data.xano_token_probe.reporting.findings : "${f.scope} (${f.severity})" if f.rule == "excess"
    ])}. Revoke it, and report the instance's answer: Xano's scopes do not behave as documented."
  }
}
