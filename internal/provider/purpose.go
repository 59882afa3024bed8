package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// A token's purpose lives in Xano, at the end of its description, as a
// marker such as "[purpose: monitoring]": Xano has no field for it, and
// keeping it there lets the audit read the purpose of tokens made in the
// dashboard or by another tool, which only have to end their description
// with the same marker. The resource strips the marker from the description
// it reads, so the configured description round-trips unchanged.

// purposeMarkerRe finds a purpose marker at the very end of a description,
// alone or after one whitespace character. It is lenient about case and
// spacing, as people type it by hand. An ephemeral token's lease marker
// follows it, and splitPurpose looks before that.
var purposeMarkerRe = regexp.MustCompile(`(?i)(^|\s)\[purpose:\s*([a-z_-]+)\s*\]$`)

// purposeMarker is the marker the provider appends for a purpose.
func purposeMarker(purpose string) string { return "[purpose: " + purpose + "]" }

// withPurpose is the description the provider sends to Xano: the
// configured one, then the purpose marker when a purpose is set.
func withPurpose(description, purpose string) string {
	switch {
	case purpose == "":
		return description
	case description == "":
		return purposeMarker(purpose)
	}
	return description + " " + purposeMarker(purpose)
}

// splitPurpose separates a description read from Xano into what the user
// wrote and the purpose its marker records, "" when it has none. A marker
// naming no recipe of Xano's scope guide is not a purpose and stays in the
// description.
//
// An ephemeral token's description ends with its lease marker after the
// purpose marker; the lease marker stays in rest.
func splitPurpose(description string) (rest, purpose string) {
	body, lease := description, ""
	if loc := leaseMarkerRe.FindStringIndex(description); loc != nil {
		body, lease = strings.TrimRight(description[:loc[0]], " "), description[loc[0]:]
	}
	m := purposeMarkerRe.FindStringSubmatchIndex(body)
	if m == nil {
		return description, ""
	}
	name := strings.ReplaceAll(strings.ToLower(body[m[4]:m[5]]), "-", "_")
	if _, err := scopes.LookupPreset(name); err != nil {
		return description, ""
	}
	rest = body[:m[2]]
	if lease != "" {
		rest = strings.TrimSpace(rest + " " + lease)
	}
	return rest, name
}

// purposeDescription documents purpose on the resource and the ephemeral
// resource alike.
func purposeDescription() string {
	return "The recipe of Xano's scope guide the token serves: `" + strings.Join(scopes.PresetNames(), "`, `") + "` " +
		"(the `xano_scope_preset` data source shows each). Every grant beyond the recipe is a finding with rule " +
		"`purpose`, of severity high or more, in the token's plan warning. Xano has no field for it: the provider " +
		"appends `[purpose: <recipe>]` to the description it sends, strips it from the description it reads, " +
		"and the `xano_metadata_tokens` audit reads it from any token's description."
}

// purposeValue is a purpose as state holds it: null for none.
func purposeValue(purpose string) types.String {
	if purpose == "" {
		return types.StringNull()
	}
	return types.StringValue(purpose)
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
	if _, purpose := splitPurpose(req.ConfigValue.ValueString()); purpose != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Purpose marker in the description",
			fmt.Sprintf("The description ends with %q, the marker the provider writes for a token's purpose, so it would be "+
				"read back as purpose = %q. Remove it from the description and set purpose = %q instead.",
				strings.TrimSpace(purposeMarkerRe.FindString(req.ConfigValue.ValueString())), purpose, purpose))
	}
}
