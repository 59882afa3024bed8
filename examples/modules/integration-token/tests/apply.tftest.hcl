# Apply runs: mint a token, then check on the server that it exists with the
# recipe's scopes. terraform test destroys everything at the end.

variables {
  instance = "module-test"
}

run "mint" {
  variables {
    recipe = "monitoring"
    name   = "monitoring-module-test"
  }

  assert {
    condition     = output.token_id > 0 && output.id == "module-test/${output.token_id}"
    error_message = "The token must have an id once applied."
  }

  assert {
    condition     = nonsensitive(length(output.token) > 0)
    error_message = "The token's secret must be known after the apply."
  }

  assert {
    condition     = endswith(output.meta_api, "/api:meta")
    error_message = "The token must say where it is used: its instance's Metadata API."
  }

  assert {
    condition     = length(output.findings) > 0 && alltrue([for f in output.findings : f.severity != "critical"])
    error_message = "The applied token must keep its review, with nothing critical."
  }
}

run "token_exists_with_its_scopes" {
  module {
    source = "./tests/check"
  }

  variables {
    instance = "module-test"
    token_id = run.mint.token_id
  }

  assert {
    condition     = length(local.found) == 1
    error_message = "The minted token is not listed on the instance."
  }

  assert {
    condition     = local.found[0].name == "monitoring-module-test" && !local.found[0].expired
    error_message = "The listed token has the wrong name or has expired."
  }

  assert {
    condition = { for s in local.found[0].scopes : s.name => [for p in ["create", "read", "update", "delete"] : p if s[p]] } == {
      workspace_api_groups      = ["read"]
      workspace_content         = ["read"]
      workspace_request_history = ["read"]
    }
    error_message = "The server holds other scopes than the monitoring recipe's."
  }
}
