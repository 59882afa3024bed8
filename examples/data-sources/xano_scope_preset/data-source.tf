# The monitoring preset: API groups, workspace content and request history,
# all read only.
data "xano_scope_preset" "monitoring" {
  name = "monitoring"
}

resource "xano_metadata_token" "grafana" {
  name        = "grafana-monitoring"
  description = "Grafana: endpoint health, workspace context and request logs"
  expires_in  = "30d"

  dynamic "scope" {
    for_each = data.xano_scope_preset.monitoring.scopes
    content {
      name   = scope.value.name
      create = scope.value.create
      read   = scope.value.read
      update = scope.value.update
      delete = scope.value.delete
    }
  }

  # One scope beyond the preset: the dashboard also shows background tasks.
  scope {
    name = "workspace_tasks"
    read = true
  }
}

output "monitoring_rationale" {
  value = data.xano_scope_preset.monitoring.rationale
}
