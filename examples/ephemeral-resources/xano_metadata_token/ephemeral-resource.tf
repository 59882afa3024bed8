# A token that lives for one Terraform run: minted when the run needs it,
# revoked when the run ends, its secret never written to plan or state.
# Requires Terraform 1.10 or later.
ephemeral "xano_metadata_token" "smoke_test" {
  name        = "deploy-smoke-test" # minted as "deploy-smoke-test-<8 hex characters>"
  description = "Post-deployment check: lists the API groups of workspace 1"
  # A smoke test checks endpoint health, a subset of the monitoring recipe;
  # a grant beyond it would be a "purpose" finding in the plan's review.
  purpose    = "monitoring"
  expires_in = "1h" # the default and Xano's shortest; revoked sooner, when the run ends

  # Reserved for this run for an hour (the default). Should the run be killed
  # before it revokes the token, the next run that opens an ephemeral token on
  # the instance revokes it once the lease has passed. Set it longer than your
  # longest run: a token whose lease has passed may be revoked while in use.
  lease = "1h"

  scope {
    name = "workspace_api_groups"
    read = true
  }
}

# Ephemeral values go where Terraform does not store them: provider blocks,
# write-only arguments, provisioners and other ephemeral resources.
resource "terraform_data" "smoke_test" {
  triggers_replace = [timestamp()]

  provisioner "local-exec" {
    # The token is used at its instance's own Metadata API, meta_api.
    command = "curl -fsS -H \"Authorization: Bearer $XANO_TOKEN\" \"$XANO_META_API/workspace/1/apigroup\""
    environment = {
      XANO_TOKEN    = ephemeral.xano_metadata_token.smoke_test.token
      XANO_META_API = ephemeral.xano_metadata_token.smoke_test.meta_api
    }
  }
}
