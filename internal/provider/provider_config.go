package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// The provider block as Configure reads it: the schema's validators have
// checked every known value, so what is left is refusing the values still
// unknown at plan time, which cannot configure a client, and turning the
// rest into the policy and the client's limits.

// checkKnown adds an error on each connection setting unknown at plan time,
// as the framework's guidance asks: a client cannot be built from it.
func checkKnown(cfg xanoProviderModel, diags *diag.Diagnostics) {
	for _, u := range []struct {
		value   interface{ IsUnknown() bool }
		attr    string
		summary string
		hint    string
	}{
		{cfg.BaseURL, "base_url", "Unknown Xano base URL", " or the " + envBaseURL + " environment variable"},
		{cfg.AccessToken, "access_token", "Unknown Xano access token", " or the " + envAccessToken + " environment variable"},
		{cfg.Instance, "instance", "Unknown Xano instance", " or the " + envInstance + " environment variable"},
		{cfg.Profile, "profile", "Unknown Xano profile", " or the " + envProfile + " environment variable"},
		{cfg.MaxRetries, "max_retries", "Unknown max_retries", ""},
		{cfg.RequestTimeout, "request_timeout", "Unknown request_timeout", ""},
		{cfg.InsecureHTTP, "insecure_http", "Unknown insecure_http", ""},
	} {
		if u.value.IsUnknown() {
			addUnknownError(diags, path.Root(u.attr), u.summary, u.hint)
		}
	}
}

// clientLimits returns request_timeout and max_retries, or their defaults.
func clientLimits(cfg xanoProviderModel, diags *diag.Diagnostics) (time.Duration, int) {
	// Validation has refused a bad request_timeout already; this error only
	// guards against a configuration that skipped it.
	timeout := xano.DefaultRequestTimeout
	if !cfg.RequestTimeout.IsNull() {
		d, err := parseRequestTimeout(cfg.RequestTimeout.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("request_timeout"), "Invalid request_timeout", capitalize(err.Error())+".")
		}
		timeout = d
	}
	retries := xano.DefaultMaxRetries
	if !cfg.MaxRetries.IsNull() {
		retries = int(cfg.MaxRetries.ValueInt64())
	}
	return timeout, retries
}

// policyFromConfig builds the policy of the provider block. Validation has
// checked each value against the policy package's parsers; what is left here
// is a value unknown at plan time, which is an error on its own attribute,
// as the policy must be known to review any plan. The policy is meaningful
// only when no error was added.
func policyFromConfig(ctx context.Context, obj types.Object, diags *diag.Diagnostics) policy.Policy {
	root := path.Root("policy")
	if obj.IsNull() {
		return policy.Default()
	}
	if obj.IsUnknown() {
		addUnknownError(diags, root, "Unknown policy", "")
		return policy.Default()
	}
	var m providerPolicyModel
	if d := obj.As(ctx, &m, basetypes.ObjectAsOptions{}); d.HasError() {
		diags.Append(d...)
		return policy.Default()
	}
	before := diags.ErrorsCount()
	for _, v := range []struct {
		value interface{ IsUnknown() bool }
		attr  string
	}{
		{m.WarnAt, "warn_at"}, {m.Deny, "deny"}, {m.MaxLifetime, "max_lifetime"},
		{m.RequireDescription, "require_description"}, {m.Enforce, "enforce"}, {m.MaxIdle, "max_idle"},
		{m.ExpiryWarning, "expiry_warning"}, {m.RotateMintedBefore, policy.SettingRotateMintedBefore},
		{m.NamePattern, policy.SettingNamePattern}, {m.AcknowledgementMaxAge, policy.SettingAcknowledgementMaxAge},
	} {
		if v.value.IsUnknown() {
			addUnknownError(diags, root.AtName(v.attr), "Unknown policy value", "")
		}
	}
	var deny []string
	for i, e := range m.Deny.Elements() {
		s, ok := e.(types.String)
		switch {
		case !ok:
			diags.AddAttributeError(root.AtName("deny").AtListIndex(i), "Invalid deny pattern",
				fmt.Sprintf("Expected a string, got %s. This is a bug in the provider, please report it.", e.Type(ctx)))
		case s.IsUnknown():
			addUnknownError(diags, root.AtName("deny").AtListIndex(i), "Unknown policy value", "")
		default:
			deny = append(deny, s.ValueString())
		}
	}
	if diags.ErrorsCount() > before {
		return policy.Default()
	}
	pol, errs := policy.ParsePolicy(policy.Config{
		WarnAt:                m.WarnAt.ValueString(),
		Deny:                  deny,
		MaxLifetime:           m.MaxLifetime.ValueString(),
		RequireDescription:    m.RequireDescription.ValueBool(),
		Enforce:               m.Enforce.ValueBool(),
		MaxIdle:               m.MaxIdle.ValueString(),
		ExpiryWarning:         m.ExpiryWarning.ValueString(),
		RotateMintedBefore:    m.RotateMintedBefore.ValueString(),
		NamePattern:           m.NamePattern.ValueStringPointer(),
		AcknowledgementMaxAge: m.AcknowledgementMaxAge.ValueString(),
	})
	// Validation reported most of these on their attribute already; the
	// settings validation leaves to this parse name their attribute.
	for _, err := range errs {
		at := root
		if name := policy.SettingOf(err); name != "" {
			at = root.AtName(name)
		}
		diags.AddAttributeError(at, "Invalid provider policy", capitalize(err.Error())+".")
	}
	return pol
}

// xanoProviderModel maps the provider block.
type xanoProviderModel struct {
	BaseURL        types.String  `tfsdk:"base_url"`
	AccessToken    types.String  `tfsdk:"access_token"`
	Instance       types.String  `tfsdk:"instance"`
	Profile        types.String  `tfsdk:"profile"`
	MaxRetries     types.Int64   `tfsdk:"max_retries"`
	RequestTimeout DurationValue `tfsdk:"request_timeout"`
	SkipCheck      types.Bool    `tfsdk:"skip_credentials_validation"`
	InsecureHTTP   types.Bool    `tfsdk:"insecure_http"`
	Policy         types.Object  `tfsdk:"policy"`
}

// providerPolicyModel maps the policy block.
type providerPolicyModel struct {
	WarnAt             types.String  `tfsdk:"warn_at"`
	Deny               types.List    `tfsdk:"deny"`
	MaxLifetime        DurationValue `tfsdk:"max_lifetime"`
	RequireDescription types.Bool    `tfsdk:"require_description"`
	Enforce            types.Bool    `tfsdk:"enforce"`
	MaxIdle            DurationValue `tfsdk:"max_idle"`
	ExpiryWarning      DurationValue `tfsdk:"expiry_warning"`
	// The settings of incident response and recertification.
	RotateMintedBefore    types.String  `tfsdk:"rotate_minted_before"`
	NamePattern           types.String  `tfsdk:"name_pattern"`
	AcknowledgementMaxAge DurationValue `tfsdk:"acknowledgement_max_age"`
}
