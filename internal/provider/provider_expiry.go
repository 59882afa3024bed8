package provider

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/duration"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
)

// expiryWarningAttribute is the policy block's expiry horizon.
func expiryWarningAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "How far ahead `terraform plan` warns about a `xano_metadata_token` that will expire with " +
			"no `rotate_before` to replace it, as a duration such as `2d` or `12h`; `0s` turns the warning off. " +
			"Defaults to `" + duration.Format(policy.DefaultExpiryWarning) + "`. A token with `rotate_before` never " +
			"gets this warning: the plan replaces it before it expires.",
		Optional: true,
	}
}

// parseExpiryWarning reads expiry_warning: the default when null, and an
// error on p when malformed. ok is false only for a malformed value; an
// unknown one is the caller's to report.
func parseExpiryWarning(v types.String, p path.Path, diags *diag.Diagnostics) (d time.Duration, ok bool) {
	if v.IsNull() || v.IsUnknown() {
		return policy.DefaultExpiryWarning, true
	}
	d, err := policy.ParseExpiryWarning(v.ValueString())
	if err != nil {
		diags.AddAttributeError(p, "Invalid policy expiry_warning", capitalize(err.Error())+". Use \"0s\" to turn the warning off.")
		return 0, false
	}
	return d, true
}
