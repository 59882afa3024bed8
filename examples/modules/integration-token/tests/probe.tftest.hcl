# Apply runs: mint a token, then ask its instance what the token reads. Its
# reach must equal its grants: every scope granted read is readable, no other
# scope is. terraform test destroys everything at the end.

variables {
  instance = "module-test"
}

run "mint_monitoring" {
  variables {
    recipe = "monitoring"
    name   = "monitoring-probe-test"
  }
}

run "reach_equals_grants" {
  module {
    source = "./tests/probe"
  }

  variables {
    token    = run.mint_monitoring.token
    meta_api = run.mint_monitoring.meta_api
    expect   = [for name, perms in run.mint_monitoring.scopes : name if contains(perms, "read")]
  }

  assert {
    condition     = data.xano_token_probe.this.readable == toset(["workspace_api_groups", "workspace_content", "workspace_request_history"])
    error_message = "The monitoring token must read API groups, content and request history, and nothing else."
  }

  assert {
    condition     = length(data.xano_token_probe.this.findings) == 0
    error_message = "The minted token reaches more, or less, than it was granted."
  }

  assert {
    condition     = contains(data.xano_token_probe.this.refused, "workspace_database")
    error_message = "The monitoring token must be refused the database."
  }
}
