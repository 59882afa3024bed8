# One token per integration, scoped by a recipe of Xano's scope guide. The
# plan reviews the grants; the caller decides where the secret goes.
data "xano_scope_preset" "this" {
  name = var.recipe
}

resource "xano_metadata_token" "this" {
  instance             = var.instance
  name                 = coalesce(var.name, "${var.recipe}-integration")
  description          = coalesce(var.description, data.xano_scope_preset.this.purpose)
  purpose              = var.recipe
  expires_in           = var.expires_in
  rotate_before        = var.rotate_before
  risk_acknowledgement = var.risk_acknowledgement

  dynamic "scope" {
    for_each = data.xano_scope_preset.this.scopes
    content {
      name   = scope.value.name
      create = scope.value.create
      read   = scope.value.read
      update = scope.value.update
      delete = scope.value.delete
    }
  }
}
