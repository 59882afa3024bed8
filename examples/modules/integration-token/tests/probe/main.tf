# A helper module for the tests: asks the instance what a token reads, so an
# assertion sees the token's reach rather than its declared grants.
terraform {
  required_providers {
    xano = {
      source = "terraform-provider-xano/xano"
    }
  }
}

variable "token" {
  type      = string
  sensitive = true
}

variable "meta_api" {
  type = string
}

variable "expect" {
  type = set(string)
}

data "xano_token_probe" "this" {
  token    = var.token
  meta_api = var.meta_api
  expect   = var.expect
}
