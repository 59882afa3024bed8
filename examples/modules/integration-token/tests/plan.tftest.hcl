# Plan-only runs: the review of each recipe, before anything is minted.
# Run with `xano-emulator run -- terraform test` or against a real instance.

variables {
  instance = "module-test"
}

run "weweb_reads_api_groups_and_content_only" {
  command = plan

  variables {
    recipe = "weweb"
  }

  assert {
    condition     = output.scopes == { workspace_api_groups = ["read"], workspace_content = ["read"] }
    error_message = "The weweb recipe must grant read on API groups and content, and nothing else."
  }

  assert {
    condition     = xano_metadata_token.this.name == "weweb-integration" && xano_metadata_token.this.expires_in == "30d"
    error_message = "The token must default to the name weweb-integration and a 30-day lifetime."
  }

  # The review: nothing high or critical in a read-only design tool token.
  assert {
    condition     = alltrue([for f in output.findings : !contains(["high", "critical"], f.severity)])
    error_message = "The weweb recipe must raise no high or critical finding."
  }
}

run "monitoring_never_writes" {
  command = plan

  variables {
    recipe = "monitoring"
  }

  assert {
    condition     = alltrue([for perms in values(output.scopes) : perms == ["read"]])
    error_message = "The monitoring recipe must grant read only."
  }

  assert {
    condition     = contains(keys(output.scopes), "workspace_request_history")
    error_message = "The monitoring recipe must read the request history."
  }

  assert {
    condition     = alltrue([for f in output.findings : !contains(["high", "critical"], f.severity)])
    error_message = "The monitoring recipe must raise no high or critical finding."
  }
}

run "automation_can_delete_records" {
  command = plan

  variables {
    recipe               = "automation"
    risk_acknowledgement = "Staging only; approved by the platform team"
  }

  # The grant the review calls out: full CRUD on the whole database.
  assert {
    condition     = output.scopes["workspace_database"] == ["create", "read", "update", "delete"]
    error_message = "The automation recipe must grant CRUD on the database."
  }

  assert {
    condition = anytrue([
      for f in output.findings : f.scope == "workspace_database" && f.permission == "delete" && f.severity == "critical"
    ])
    error_message = "The review must call deleting database records critical."
  }

  assert {
    condition     = length([for f in output.findings : f if f.severity == "critical"]) == 4
    error_message = "The review must find exactly the four database permissions critical."
  }

  assert {
    condition     = !contains(keys(output.scopes), "workspace_live_data_source")
    error_message = "No recipe may reach the live data source."
  }
}

run "unknown_recipe_is_refused" {
  command = plan

  variables {
    recipe = "zapier"
  }

  expect_failures = [var.recipe]
}
