# Every scope, in the order Xano lists them.
data "xano_scope_catalog" "all" {}

output "scope_display_names" {
  value = { for s in data.xano_scope_catalog.all.scopes : s.name => s.display_name }
}

# One scope, with what it reaches and the risk of each permission.
data "xano_scope_catalog" "files" {
  name = "workspace_files"
}

output "files_read_risk" {
  value = data.xano_scope_catalog.files.scopes[0].risk.read
}
