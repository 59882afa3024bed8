package provider

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// instanceValidators check an `instance` argument, the same way wherever it
// appears (provider, resource, ephemeral resource, data source), so that each
// refuses the same names with the same message.
func instanceValidators() []validator.String {
	return []validator.String{stringvalidator.LengthAtLeast(1), instanceNameValidator{}}
}

// instanceNameValidator refuses an instance name with surrounding white space
// or control characters. Xano compares names exactly, so " p2" would reach
// another instance than "p2": on a resource, a stray space would silently
// plan a replacement onto that other instance.
type instanceNameValidator struct{}

var _ validator.String = instanceNameValidator{}

func (instanceNameValidator) Description(context.Context) string {
	return "value must be a Xano instance name without surrounding white space or control characters"
}

func (v instanceNameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (instanceNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := checkInstanceName(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Xano instance", msg)
	}
}

// checkInstanceName returns what is wrong with a non-empty instance name, or
// "" when nothing is.
func checkInstanceName(name string) string {
	switch {
	case strings.TrimSpace(name) != name:
		return fmt.Sprintf("The instance %q has white space at its start or end, and Xano compares instance names exactly, "+
			"so it would name another instance. Write the name without it, such as %q.", name, strings.TrimSpace(name))
	case strings.ContainsFunc(name, unicode.IsControl):
		return fmt.Sprintf("The instance %q contains a control character such as a newline or a tab. "+
			"Write the instance name exactly as Xano shows it.", name)
	}
	// The client's own rule: "." and ".." or a slash would change the request
	// path, so the client refuses them before sending anything.
	if err := xano.ValidInstanceName(name); err != nil && name != "" {
		return fmt.Sprintf("The instance %q cannot be a Xano instance name: %s. "+
			"Write the instance name exactly as Xano shows it.", name, err)
	}
	return ""
}
