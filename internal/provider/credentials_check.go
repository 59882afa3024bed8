package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// checkCredentials calls GET /auth/me once, when the provider is configured
// with an access token, so that a wrong token or an unreachable base_url
// fails the plan once, on the provider block, instead of every resource
// failing later. The error names the setting to fix and where its value came
// from.
func checkCredentials(ctx context.Context, client *xano.Client, conn connection, diags *diag.Diagnostics) {
	if _, err := client.Me(ctx); err != nil {
		diags.Append(credentialsCheckError(conn, err))
	}
}
