package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/lifecycle"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// purposeDescription documents purpose on the resource and the ephemeral
// resource alike.
func purposeDescription() string {
	return "The recipe of Xano's scope guide the token serves: `" + strings.Join(scopes.PresetNames(), "`, `") + "` " +
		"(the `xano_scope_preset` data source shows each). Every grant beyond the recipe is a finding with rule " +
		"`purpose`, of severity high or more, in the token's plan warning. Xano has no field for it: the provider " +
		"appends `[purpose: <recipe>]` to the description it sends, strips it from the description it reads, " +
		"and the `xano_metadata_tokens` audit reads it from any token's description."
}

// purposeValidator accepts the names of the recipes, with a did-you-mean.
var purposeValidator = nameValidator[scopes.Preset]{
	what:   "one of the recipes of Xano's scope guide: `" + strings.Join(scopes.PresetNames(), "`, `") + "`",
	lookup: lookupPurpose,
}

// lookupPurpose returns the recipe a purpose names, reporting at p a name it
// does not know.
func lookupPurpose(p path.Path, name string, diags *diag.Diagnostics) (scopes.Preset, bool) {
	preset, err := scopes.LookupPreset(name)
	if err != nil {
		diags.AddAttributeError(p, "Unknown token purpose",
			err.Error()+". A purpose names the recipe of Xano's scope guide the token serves; the xano_scope_preset data source shows each one.")
		return scopes.Preset{}, false
	}
	return preset, true
}

// descriptionMarkerValidator refuses a description that ends with a purpose
// marker: the provider would read it back as the purpose and plan a change
// on every run.
type descriptionMarkerValidator struct{}

var _ validator.String = descriptionMarkerValidator{}

func (descriptionMarkerValidator) Description(context.Context) string {
	return "value must not end with a purpose marker such as [purpose: weweb]; set purpose instead"
}

func (v descriptionMarkerValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (descriptionMarkerValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	// A managed token must not carry a lease marker: the ephemeral block of
	// the same name prefix would revoke it once the lease has passed.
	if marker := lifecycle.LeaseMarkerIn(req.ConfigValue.ValueString()); marker != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Lease marker in the description",
			fmt.Sprintf("The description ends with %q, the marker the provider writes on an ephemeral token, so an ephemeral "+
				"xano_metadata_token of the same name prefix could revoke this token once the lease has passed. Remove the "+
				"marker from the description: the apply then removes it from the token in Xano.", marker))
		return
	}
	if _, purpose := lifecycle.SplitPurpose(req.ConfigValue.ValueString()); purpose != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Purpose marker in the description",
			fmt.Sprintf("The description ends with %q, the marker the provider writes for a token's purpose, so it would be "+
				"read back as purpose = %q. Remove it from the description and set purpose = %q instead.",
				lifecycle.PurposeMarkerIn(req.ConfigValue.ValueString()), purpose, purpose))
	}
}
