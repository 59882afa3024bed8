# What a token made by hand in Xano's dashboard, and pasted into WeWeb,
# actually reads, compared with the weweb recipe of Xano's scope guide.
variable "weweb_token" {
  description = "The Metadata API token given to WeWeb."
  type        = string
  sensitive   = true
}

data "xano_scope_preset" "weweb" {
  name = "weweb"
}

data "xano_token_probe" "weweb" {
  token    = var.weweb_token
  instance = "x1234-4567-8901"
  expect   = [for s in data.xano_scope_preset.weweb.scopes : s.name if s.read]
}

# The scopes the token reads: ["workspace_api_groups", "workspace_content"]
# for a token that follows the recipe.
output "weweb_reaches" {
  value = data.xano_token_probe.weweb.readable
}

# One finding per scope it reads beyond the recipe (rule "excess") or
# cannot read within it (rule "missing"); empty when it matches.
output "weweb_findings" {
  value = data.xano_token_probe.weweb.findings
}
