package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// providerData is what Configure hands to every resource, data source and
// ephemeral resource.
type providerData struct {
	client *xano.Client
	// instance is the default instance; it may be "".
	instance string
	policy   policy.Policy
	// now is the clock used for expiry and rotation, time.Now outside tests.
	now func() time.Time
	// accessToken is kept only to mask it in logs.
	accessToken string
	// open records the ephemeral tokens opened and not closed, which the
	// process revokes when Terraform stops it.
	open *openTokens
}

// mask returns ctx with log masks for the provider's access token, the given
// secrets and anything shaped like a bearer token or Authorization header.
// Each RPC starts from a fresh log context, so every CRUD, Read, Open, Renew
// and Close call must begin with it.
func (d *providerData) mask(ctx context.Context, secrets ...string) context.Context {
	if d == nil {
		return maskSecrets(ctx, secrets...)
	}
	return maskSecrets(ctx, append([]string{d.accessToken}, secrets...)...)
}

// providerDataFrom converts the ProviderData of a Configure request. It
// returns nil, without a diagnostic, while the provider is not configured
// yet (Terraform calls Configure on resources before the provider's own
// Configure, for validation), and nil with an error for a foreign type.
func providerDataFrom(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	pd, ok := data.(*providerData)
	if !ok || pd == nil {
		diags.AddError("Unexpected Provider Data Type",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider, please report it.", data))
		return nil
	}
	return pd
}

// ready reports whether the provider was configured before what needed its
// client, adding an error when it was not. That is a bug in the provider or
// Terraform, never the user's, and the error says so.
func (d *providerData) ready(what string, diags *diag.Diagnostics) bool {
	if d != nil && d.client != nil {
		return true
	}
	diags.AddError("Provider not configured",
		fmt.Sprintf("The xano provider was not configured before %s. This is a bug in the provider or Terraform; please report it.", what))
	return false
}

// instanceOr returns the configured instance when it is set, and the
// provider's default instance otherwise; "" when neither is.
func (d *providerData) instanceOr(configured types.String) string {
	if s := configured.ValueString(); s != "" {
		return s
	}
	return d.instance
}

// revokeToken deletes a token. A token already gone counts as revoked, but
// only once the API confirms it (see xano.Client.ConfirmTokenGone).
func (d *providerData) revokeToken(ctx context.Context, instance string, id int64) error {
	err := d.client.DeleteToken(ctx, instance, id)
	if err != nil {
		_, err = d.client.ConfirmTokenGone(ctx, instance, id, err)
	}
	return err
}
