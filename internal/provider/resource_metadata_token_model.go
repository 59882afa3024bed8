package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/duration"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// defaultExpiresIn is the lifetime of a token whose configuration sets
// neither expires_in nor never_expires, as in Xano's dashboard.
const defaultExpiresIn = "7d"

// minExpiresIn is the shortest lifetime the API accepts.
const minExpiresIn = time.Hour

// metadataTokenModel maps the xano_metadata_token resource.
type metadataTokenModel struct {
	ID                  types.String  `tfsdk:"id"`
	Instance            types.String  `tfsdk:"instance"`
	TokenID             types.Int64   `tfsdk:"token_id"`
	Name                types.String  `tfsdk:"name"`
	Description         types.String  `tfsdk:"description"`
	ExpiresIn           DurationValue `tfsdk:"expires_in"`
	NeverExpires        types.Bool    `tfsdk:"never_expires"`
	RotateBefore        DurationValue `tfsdk:"rotate_before"`
	RevokeOnDestroy     types.Bool    `tfsdk:"revoke_on_destroy"`
	RiskAcknowledgement types.String  `tfsdk:"risk_acknowledgement"`
	Scope               types.Set     `tfsdk:"scope"`
	CreatedAt           types.String  `tfsdk:"created_at"`
	ExpiresAt           types.String  `tfsdk:"expires_at"`
	Token               types.String  `tfsdk:"token"`
	MetaAPI             types.String  `tfsdk:"meta_api"`
	Findings            types.List    `tfsdk:"findings"`
	Purpose             types.String  `tfsdk:"purpose"`
	LastUsedAt          types.String  `tfsdk:"last_used_at"`
	RotationOverlap     DurationValue `tfsdk:"rotation_overlap"`
	PreviousTokenID     types.Int64   `tfsdk:"previous_token_id"`
	PreviousRevokeAt    types.String  `tfsdk:"previous_revoke_at"`
}

// tokenResourceID is the resource id, "<instance>/<token id>".
func tokenResourceID(instance string, id int64) string {
	return instance + "/" + strconv.FormatInt(id, 10)
}

// parseTokenImportID splits "<instance>/<token id>". The instance is
// everything before the last slash, so it may not be empty; the id is a
// positive integer.
func parseTokenImportID(id string) (string, int64, error) {
	i := strings.LastIndex(id, "/")
	if i <= 0 || i == len(id)-1 {
		return "", 0, fmt.Errorf("the import id %q is not of the form <instance>/<token id>, e.g. \"main/42\"", id)
	}
	instance, num := strings.TrimSpace(id[:i]), strings.TrimSpace(id[i+1:])
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || instance == "" {
		return "", 0, fmt.Errorf("the import id %q is not of the form <instance>/<token id>: the token id must be a positive whole number, e.g. \"main/42\"", id)
	}
	return instance, n, nil
}

// tokenTimes are a token's timestamps parsed from the API.
type tokenTimes struct {
	created time.Time
	// expires is nil for a token that never expires.
	expires *time.Time
	// lastUsed is nil for a token never used.
	lastUsed *time.Time
}

// parseTokenTimes parses created_at, expires_at and last_used_at of an API
// token.
func parseTokenTimes(t *xano.Token) (tokenTimes, error) {
	created, err := xano.ParseTime(t.CreatedAt)
	if err != nil {
		return tokenTimes{}, fmt.Errorf("created_at of token %d: %w", t.ID, err)
	}
	out := tokenTimes{created: created}
	if t.ExpiresAt != nil && strings.TrimSpace(*t.ExpiresAt) != "" {
		exp, err := xano.ParseTime(*t.ExpiresAt)
		if err != nil {
			return tokenTimes{}, fmt.Errorf("expires_at of token %d: %w", t.ID, err)
		}
		out.expires = &exp
	}
	if t.LastUsedAt != nil && strings.TrimSpace(*t.LastUsedAt) != "" {
		used, err := xano.ParseTime(*t.LastUsedAt)
		if err != nil {
			return tokenTimes{}, fmt.Errorf("last_used_at of token %d: %w", t.ID, err)
		}
		out.lastUsed = &used
	}
	return out, nil
}

// deriveLifetime gives expires_in and never_expires for a token minted at
// created that expires at expires (nil: never), rounded to whole seconds as
// the API counts them.
func deriveLifetime(created time.Time, expires *time.Time) (expiresIn DurationValue, neverExpires bool) {
	if expires == nil {
		return NewDurationNull(), true
	}
	d := expires.Sub(created).Round(time.Second)
	if d < 0 {
		d = 0
	}
	return NewDurationValue(duration.Format(d)), false
}

// formatTimestamp renders an API time for state, in RFC 3339 UTC.
func formatTimestamp(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}

// descriptionValue maps the API's description to state: the API has no null
// description, so "" stays null while the prior value was null.
func descriptionValue(remote string, prior types.String) types.String {
	if remote == "" && prior.IsNull() {
		return types.StringNull()
	}
	return types.StringValue(remote)
}

// applyToken copies what the API says about a token into m: ids, name,
// description and the purpose its marker records, timestamps (null when
// times is nil, the API's being unreadable) and scopes. The secret, the
// lifetime text and the Terraform-only settings are the caller's business.
func (m *metadataTokenModel) applyToken(instance string, t *xano.Token, times *tokenTimes) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(tokenResourceID(instance, t.ID))
	m.Instance = types.StringValue(instance)
	m.TokenID = types.Int64Value(t.ID)
	m.Name = types.StringValue(t.Name)
	description, purpose := splitPurpose(t.Description)
	m.Description = descriptionValue(description, m.Description)
	m.Purpose = purposeValue(purpose)
	m.CreatedAt, m.ExpiresAt, m.LastUsedAt = types.StringNull(), types.StringNull(), types.StringNull()
	if times != nil {
		m.CreatedAt = types.StringValue(formatTimestamp(times.created))
		if times.expires != nil {
			m.ExpiresAt = types.StringValue(formatTimestamp(*times.expires))
		}
		if times.lastUsed != nil {
			m.LastUsedAt = types.StringValue(formatTimestamp(*times.lastUsed))
		}
	}
	grants, err := scopes.FromWire(t.Scopes)
	if err != nil {
		diags.Append(unexpectedScopes(t.ID, err))
		return diags
	}
	set, d := scopeSetFromGrants(grants)
	diags.Append(d...)
	m.Scope = set
	return diags
}

// reviewFindings sets Findings to the review of the token as the state m
// describes it, under pol, with its idle finding at now; null when the
// review cannot run.
func (m *metadataTokenModel) reviewFindings(ctx context.Context, pol policy.Policy, now time.Time) diag.Diagnostics {
	spec, ok, diags := tokenPolicySpec(ctx, pol, m)
	if !ok || diags.HasError() {
		m.Findings = types.ListNull(findingObjectType)
		return diags
	}
	all := policy.Review(spec, pol)
	if f, ok := m.idleFinding(pol, now); ok {
		all = append(all, f)
	}
	list, d := findingsList(ctx, all)
	m.Findings = list
	return append(diags, d...)
}

// tokenLifetime returns the token lifetime expires_in and never_expires ask
// for: 0 for never, otherwise expires_in or the 7-day default. ok is false
// while unknown.
func tokenLifetime(expiresIn DurationValue, neverExpires types.Bool) (d time.Duration, ok bool, err error) {
	if neverExpires.IsUnknown() || expiresIn.IsUnknown() {
		return 0, false, nil
	}
	if neverExpires.ValueBool() {
		return 0, true, nil
	}
	text := defaultExpiresIn
	if !expiresIn.IsNull() {
		text = expiresIn.ValueString()
	}
	d, err = duration.Parse(text)
	if err != nil {
		return 0, false, err
	}
	return d, true, nil
}

// createTokenRequest is the API request minting a token named name with
// spec's scopes, lifetime and description, for the resource and the
// ephemeral resource alike. Xano counts the lifetime in seconds, 0 for never.
func createTokenRequest(name string, spec policy.Spec) (xano.CreateTokenRequest, error) {
	wire, err := spec.Grants.Wire()
	if err != nil {
		return xano.CreateTokenRequest{}, err
	}
	return xano.CreateTokenRequest{
		Name:        name,
		Description: withPurpose(spec.Description, spec.Purpose),
		ExpiresIn:   int64(spec.Lifetime / time.Second),
		Scopes:      wire,
	}, nil
}
