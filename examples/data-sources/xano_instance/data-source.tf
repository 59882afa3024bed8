# One instance by name. A name the account does not have fails the plan with
# the instance most likely meant, by name or by display name.
data "xano_instance" "production" {
  name = "x1234-4567-8901"
}

output "production" {
  value = {
    display  = data.xano_instance.production.display
    meta_api = data.xano_instance.production.meta_api
  }
}
