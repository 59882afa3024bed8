# The tokens made by hand in Xano's dashboard and given to integrations, each
# probed against the recipe of Xano's scope guide it should follow.
variable "integration_tokens" {
  description = "Each integration's token, by integration: weweb, grafana..."
  type        = map(string)
  sensitive   = true
}

variable "integration_recipes" {
  description = "The scope guide recipe each integration should follow."
  type        = map(string)
  default = {
    weweb   = "weweb"
    grafana = "monitoring"
  }
}

data "xano_scope_preset" "recipe" {
  for_each = toset(values(var.integration_recipes))
  name     = each.value
}

# The names of the integrations are not secret; their tokens are.
data "xano_token_probe" "integration" {
  for_each = nonsensitive(toset(keys(var.integration_tokens)))

  token    = var.integration_tokens[each.key]
  instance = "x1234-4567-8901"
  expect = [
    for s in data.xano_scope_preset.recipe[var.integration_recipes[each.key]].scopes : s.name if s.read
  ]
}

# Per integration, what its token reads beyond its recipe (rule "excess")
# or lacks of it (rule "missing").
output "integration_findings" {
  value = {
    for name, probe in data.xano_token_probe.integration : name => [
      for f in probe.findings : "${f.rule} ${f.scope} (${f.severity})"
    ]
  }
}
