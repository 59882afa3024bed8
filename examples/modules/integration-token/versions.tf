terraform {
  # terraform test, which this module's tests use, arrived in 1.6.
  required_version = ">= 1.6"

  required_providers {
    xano = {
      source = "terraform-provider-xano/xano"
    }
  }
}
