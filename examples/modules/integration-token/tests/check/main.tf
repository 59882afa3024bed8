# A helper module for the tests: reads the instance's tokens from the server,
# so an assertion sees what Xano holds rather than what Terraform planned.
terraform {
  required_providers {
    xano = {
      source = "terraform-provider-xano/xano"
    }
  }
}

variable "instance" {
  type = string
}

variable "token_id" {
  type = number
}

data "xano_metadata_tokens" "this" {
  instance = var.instance
}

locals {
  found = [for t in data.xano_metadata_tokens.this.tokens : t if t.token_id == var.token_id]
}
