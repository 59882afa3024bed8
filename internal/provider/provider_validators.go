package provider

import (
	"context"
	"fmt"
	"time"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/duration"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// The provider block's validators run the parsers of the packages that use
// the values (xano's base URL parser, policy's pattern and duration rules),
// so validation and Configure accept the same text and each error points at
// its attribute. Like every framework validator they skip unknown values,
// which Configure then refuses, as it cannot build a client from them.

// baseURLValidator refuses what xano.ParseBaseURL refuses. Like the parser's,
// its message never shows the URL's user information.
type baseURLValidator struct{}

var _ validator.String = baseURLValidator{}

func (baseURLValidator) Description(context.Context) string {
	return "value must be an absolute http or https URL without credentials, query or fragment"
}

func (v baseURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (baseURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := xano.ParseBaseURL(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.Append(invalidBaseURL("", err))
	}
}

// denyPatternValidator checks one entry of the policy's deny list with
// policy.ParsePattern. A null entry is refused too: it cannot mean anything,
// and a list validator for null entries would not say where it is.
type denyPatternValidator struct{}

var _ validator.String = denyPatternValidator{}

func (denyPatternValidator) Description(context.Context) string {
	return "value must be a deny pattern written scope.permission"
}

func (v denyPatternValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (denyPatternValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsUnknown() {
		return
	}
	if req.ConfigValue.IsNull() {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid deny pattern",
			"A deny entry is null. Write each entry as scope.permission, such as \"workspace_database.delete\", or remove it.")
		return
	}
	if _, err := policy.ParsePattern(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid deny pattern", capitalize(err.Error())+".")
	}
}

// durationRule applies a rule beyond being a duration to a DurationType
// attribute: check returns the error to report. Text that is not a duration
// is skipped, since the type's own validation reports it.
type durationRule struct {
	summary     string
	description string
	check       func(string) error
}

var _ validator.String = durationRule{}

func (d durationRule) Description(context.Context) string { return d.description }

func (d durationRule) MarkdownDescription(ctx context.Context) string { return d.Description(ctx) }

func (d durationRule) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := duration.Parse(req.ConfigValue.ValueString()); err != nil {
		return
	}
	if err := d.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, d.summary, capitalize(err.Error())+".")
	}
}

// requestTimeoutRule refuses a zero request_timeout, which would fail every
// request before it is sent.
var requestTimeoutRule = durationRule{
	summary:     "Invalid request_timeout",
	description: "value must be a positive duration",
	check: func(s string) error {
		_, err := parseRequestTimeout(s)
		return err
	},
}

// rotateBeforeRule refuses a zero rotate_before: it would plan no rotation
// before expiry yet silence the expiry warning, as a set rotate_before does.
var rotateBeforeRule = durationRule{
	summary:     "Invalid rotate_before",
	description: "value must be a positive duration",
	check: func(s string) error {
		if d, _ := duration.Parse(s); d <= 0 {
			return fmt.Errorf("the rotate_before %q is zero, so the token would be rotated only once it has expired, and "+
				"the plan would not warn as the expiry nears. Set how long before the expiry to rotate, such as \"7d\", or "+
				"remove rotate_before to be warned instead", s)
		}
		return nil
	},
}

// acknowledgementValidator refuses a risk_acknowledgement without a visible
// character: blank or zero-width text must not turn an enforced finding into
// a warning, as it records no reason and no approver.
type acknowledgementValidator struct{}

var _ validator.String = acknowledgementValidator{}

func (acknowledgementValidator) Description(context.Context) string {
	return "value must contain a visible character"
}

func (v acknowledgementValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (acknowledgementValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	// The empty string is the length validator's to refuse.
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueString() == "" ||
		hasVisible(req.ConfigValue.ValueString()) {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Empty risk_acknowledgement",
		fmt.Sprintf("risk_acknowledgement = %q has no visible character (only white space or invisible characters such as "+
			"U+200B), so it records neither why the grants are acceptable nor who approved them. Write the reason and "+
			"the approver, or remove risk_acknowledgement.", req.ConfigValue.ValueString()))
}

// hasVisible reports whether s holds a character that prints: a graphic one
// that is not a space, nor one of the letters and symbols that render blank.
func hasVisible(s string) bool {
	for _, r := range s {
		switch r {
		case '\u115F', '\u1160', '\u3164', '\uFFA0', '\u2800':
			continue
		}
		if unicode.IsGraphic(r) && !unicode.IsSpace(r) {
			return true
		}
	}
	return false
}

// maxLifetimeRule and maxIdleRule run the policy package's own parsers.
var (
	maxLifetimeRule = durationRule{
		summary:     "Invalid policy max_lifetime",
		description: "value must be a positive duration",
		check: func(s string) error {
			_, err := policy.ParseMaxLifetime(s)
			return err
		},
	}
	maxIdleRule = durationRule{
		summary:     "Invalid policy max_idle",
		description: "value must be a positive duration",
		check: func(s string) error {
			_, err := policy.ParseMaxIdle(s)
			return err
		},
	}
)

// parseRequestTimeout parses request_timeout, which must be a positive
// duration.
func parseRequestTimeout(s string) (time.Duration, error) {
	d, err := duration.Parse(s)
	if err != nil {
		return 0, err
	}
	if d <= 0 {
		return 0, fmt.Errorf("duration %q is zero. Set a positive duration such as \"30s\" or \"2m\", or remove request_timeout to use %s",
			s, xano.DefaultRequestTimeout)
	}
	return d, nil
}
