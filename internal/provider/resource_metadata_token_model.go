package provider

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/duration"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/lifecycle"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// defaultExpiresIn is Xano's default token lifetime, minExpiresIn its
// shortest, and maxTokenNameLen the longest name it accepts, in characters.
const (
	defaultExpiresIn = "7d"
	minExpiresIn     = time.Hour
	maxTokenNameLen  = 100
)

// Private-state keys of the token resource.
const (
	// privateCheckedAt is when Read last checked the token, so the plan made
	// again at apply time decides as the reviewed plan did.
	privateCheckedAt = "rotation_checked_at"
	// privatePreviousExpiresAt is when the previous token expires.
	privatePreviousExpiresAt = "previous_expires_at"
	// privateReplacing carries, from the plan of a replacement to the plan
	// of its create half, the tokens it revokes first, for the token limit.
	privateReplacing = "replacing"
	// privateIntent is the mint a plan decided for an Update (a rotation),
	// kept until its create is answered: in a state's private data, it is a
	// rotation whose answer was lost.
	privateIntent = "mint_intent"
	// privateCutoff is the policy's rotate_minted_before when the token was
	// minted: a cut-off still ahead at the mint is met by it, so it rotates
	// the token once, not at every plan until it passes.
	privateCutoff = "cutoff_met"
)

// metadataTokenModel is the resource's data.
type metadataTokenModel struct {
	ID                  types.String  `tfsdk:"id"`
	Instance            types.String  `tfsdk:"instance"`
	TokenID             types.Int64   `tfsdk:"token_id"`
	Name                types.String  `tfsdk:"name"`
	Description         types.String  `tfsdk:"description"`
	Purpose             types.String  `tfsdk:"purpose"`
	ExpiresIn           DurationValue `tfsdk:"expires_in"`
	NeverExpires        types.Bool    `tfsdk:"never_expires"`
	RotateBefore        DurationValue `tfsdk:"rotate_before"`
	RotationOverlap     DurationValue `tfsdk:"rotation_overlap"`
	RevokeOnDestroy     types.Bool    `tfsdk:"revoke_on_destroy"`
	RiskAcknowledgement types.String  `tfsdk:"risk_acknowledgement"`
	ReviewBy            types.String  `tfsdk:"review_by"`
	Scope               types.Set     `tfsdk:"scope"`
	CreatedAt           types.String  `tfsdk:"created_at"`
	ExpiresAt           types.String  `tfsdk:"expires_at"`
	LastUsedAt          types.String  `tfsdk:"last_used_at"`
	Token               types.String  `tfsdk:"token"`
	MetaAPI             types.String  `tfsdk:"meta_api"`
	PreviousTokenID     types.Int64   `tfsdk:"previous_token_id"`
	PreviousRevokeAt    types.String  `tfsdk:"previous_revoke_at"`
	Findings            types.List    `tfsdk:"findings"`
}

// desired is the token the model asks for; known is false while a value the
// review or the request needs is unknown.
// An unknown description reads as none unless the policy requires one.
func (m *metadataTokenModel) desired(ctx context.Context, pol policy.Policy) (w lifecycle.Desired, known bool, diags diag.Diagnostics) {
	grants, known, diags := grantsFromScopeSet(ctx, m.Scope)
	if !known || diags.HasError() || m.RiskAcknowledgement.IsUnknown() || m.Purpose.IsUnknown() ||
		(pol.RequireDescription && m.Description.IsUnknown()) {
		return w, false, diags
	}
	lifetime, known, err := tokenLifetime(m.ExpiresIn, m.NeverExpires)
	rotate, rerr := optionalDuration(m.RotateBefore)
	overlap, oerr := optionalDuration(m.RotationOverlap)
	if !known || err != nil || rerr != nil || oerr != nil || m.RotateBefore.IsUnknown() || m.ReviewBy.IsUnknown() {
		return w, false, diags
	}
	var reviewBy *policy.ReviewBy
	if !m.ReviewBy.IsNull() {
		r, err := policy.ParseReviewBy(m.ReviewBy.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("review_by"), "Invalid review_by", capitalize(err.Error())+".")
			return w, false, diags
		}
		reviewBy = &r
	}
	return lifecycle.Desired{
		ReviewBy:        reviewBy,
		Instance:        m.Instance.ValueString(),
		Name:            m.Name.ValueString(),
		Description:     m.Description.ValueString(),
		Purpose:         m.Purpose.ValueString(),
		Grants:          grants,
		Lifetime:        lifetime,
		NeverExpires:    m.NeverExpires.ValueBool(),
		RotateBefore:    rotate,
		RotationOverlap: overlap,
		Acknowledgement: m.RiskAcknowledgement.ValueString(),
	}, true, diags
}

// minted is the token the state records, with what its private data holds.
func (m *metadataTokenModel) minted(ctx context.Context, private privateGetter) *lifecycle.Minted {
	grants, _, _ := grantsFromScopeSet(ctx, m.Scope)
	lifetime, _, _ := tokenLifetime(m.ExpiresIn, m.NeverExpires)
	out := &lifecycle.Minted{
		Instance:     m.Instance.ValueString(),
		ID:           m.TokenID.ValueInt64(),
		Name:         m.Name.ValueString(),
		Description:  m.Description.ValueString(),
		Purpose:      m.Purpose.ValueString(),
		Grants:       grants,
		Lifetime:     lifetime,
		NeverExpires: m.NeverExpires.ValueBool(),
		ExpiresAt:    stateTime(m.ExpiresAt),
		LastUsedAt:   stateTime(m.LastUsedAt),
		Pending:      cmp.Or(m.pending(ctx), intentOf(ctx, private)),
		Findings:     m.findings(ctx),
		CutoffMet:    privateTime(ctx, private, privateCutoff),
	}
	if t := stateTime(m.CreatedAt); t != nil {
		out.CreatedAt = *t
	}
	if !m.PreviousTokenID.IsNull() && !m.PreviousTokenID.IsUnknown() {
		out.Previous = &lifecycle.Previous{ID: m.PreviousTokenID.ValueInt64(), ExpiresAt: privateTime(ctx, private, privatePreviousExpiresAt)}
	}
	return out
}

// pending is the intent of a create whose answer was lost, kept in the id
// since Terraform hands a tainted object's private state to no later call;
// the request is rebuilt from the saved attributes it was made from.
func (m *metadataTokenModel) pending(ctx context.Context) *lifecycle.Intent {
	_, key, ok := strings.Cut(m.ID.ValueString(), pendingIDInfix)
	if !m.TokenID.IsNull() || !ok || key == "" {
		return nil
	}
	want, known, _ := m.desired(ctx, policy.Policy{})
	req, err := want.CreateRequest()
	if !known || err != nil {
		return &lifecycle.Intent{Key: key}
	}
	return &lifecycle.Intent{Key: key, Request: lifecycle.Fingerprint(req)}
}

// pendingIDInfix marks the id of a create whose answer was lost.
const pendingIDInfix = "/pending-"

// record fills the model from a token Xano answered with; times is nil when
// they could not be read.
func (m *metadataTokenModel) record(instance string, t *xano.Token, times *lifecycle.Times) diag.Diagnostics {
	m.ID = types.StringValue(instance + "/" + strconv.FormatInt(t.ID, 10))
	m.Instance = types.StringValue(instance)
	m.TokenID = types.Int64Value(t.ID)
	m.Name = types.StringValue(t.Name)
	description, purpose := lifecycle.SplitPurpose(t.Description)
	if description != "" || !m.Description.IsNull() {
		m.Description = types.StringValue(description)
	}
	m.Purpose = optionalString(purpose)
	m.CreatedAt, m.ExpiresAt, m.LastUsedAt = types.StringNull(), types.StringNull(), types.StringNull()
	if times != nil {
		m.CreatedAt = types.StringValue(formatTimestamp(times.Created))
		m.ExpiresAt = timestampValue(times.Expires)
		m.LastUsedAt = timestampValue(times.LastUsed)
	}
	set, diags := scopeSetFromWire(t.ID, t.Scopes)
	m.Scope = set
	return diags
}

// findings decodes the review the state records.
func (m *metadataTokenModel) findings(ctx context.Context) []policy.Finding {
	var lines []string
	if m.Findings.IsNull() || m.Findings.IsUnknown() || m.Findings.ElementsAs(ctx, &lines, false).HasError() {
		return nil
	}
	return policyFindings(lines)
}

// tokenLifetime is the lifetime a model asks for: 0 for a token that never
// expires, the default when expires_in is unset.
func tokenLifetime(expiresIn DurationValue, neverExpires types.Bool) (d time.Duration, known bool, err error) {
	if neverExpires.IsUnknown() || expiresIn.IsUnknown() {
		return 0, false, nil
	}
	if neverExpires.ValueBool() {
		return 0, true, nil
	}
	if expiresIn.IsNull() {
		expiresIn = NewDurationValue(defaultExpiresIn)
	}
	d, err = expiresIn.Duration()
	return d, err == nil, err
}

// optionalDuration is a duration attribute's value, 0 when null or unknown.
func optionalDuration(v DurationValue) (time.Duration, error) {
	if v.IsNull() || v.IsUnknown() {
		return 0, nil
	}
	return v.Duration()
}

// deriveLifetime is expires_in and never_expires for a token's times.
func deriveLifetime(t lifecycle.Times) (DurationValue, types.Bool) {
	d, never := t.Lifetime()
	if never {
		return NewDurationNull(), types.BoolValue(true)
	}
	return NewDurationValue(duration.Format(d)), types.BoolValue(false)
}

// tokenImportID parses "<instance>/<token id>".
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

func formatTimestamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func timestampValue(t *time.Time) types.String {
	if t == nil {
		return types.StringNull()
	}
	return types.StringValue(formatTimestamp(*t))
}

func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// stateTime parses a timestamp attribute, nil when null, unknown or unreadable.
func stateTime(v types.String) *time.Time {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	t, err := time.Parse(time.RFC3339, v.ValueString())
	if err != nil {
		return nil
	}
	return &t
}

// privateGetter and privateSetter are the two sides of private state.
type (
	privateGetter interface {
		GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	}
	privateSetter interface {
		SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
	}
)

// setPrivate stores v as JSON under key; nil removes the key.
func setPrivate(ctx context.Context, p privateSetter, key string, v any) diag.Diagnostics {
	if v == nil {
		return p.SetKey(ctx, key, nil)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot record private state", err.Error()+". This is a bug in the provider; please report it.")
		return diags
	}
	return p.SetKey(ctx, key, raw)
}

// getPrivate decodes the JSON under key into v, reporting whether it was there.
func getPrivate(ctx context.Context, p privateGetter, key string, v any) bool {
	raw, _ := p.GetKey(ctx, key)
	return len(raw) > 0 && json.Unmarshal(raw, v) == nil
}

func privateTime(ctx context.Context, p privateGetter, key string) *time.Time {
	var s string
	if !getPrivate(ctx, p, key, &s) {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil
	}
	return &t
}

func intentOf(ctx context.Context, p privateGetter) *lifecycle.Intent {
	var i lifecycle.Intent
	if !getPrivate(ctx, p, privateIntent, &i) || i.Key == "" {
		return nil
	}
	return &i
}

// replacingMarker names the tokens a replacement revokes before it creates.
type replacingMarker struct {
	Instance string  `json:"instance"`
	TokenIDs []int64 `json:"token_ids,omitempty"`
}

// expiresInDefault plans the 7-day default lifetime when the configuration
// sets neither expires_in nor never_expires = true.
type expiresInDefault struct{}

func (expiresInDefault) Description(context.Context) string {
	return "Defaults to " + defaultExpiresIn + " unless never_expires is true."
}

func (m expiresInDefault) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (expiresInDefault) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.ConfigValue.IsNull() {
		return
	}
	var never types.Bool
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("never_expires"), &never)...)
	switch {
	case never.IsUnknown():
		resp.PlanValue = types.StringUnknown()
	case never.ValueBool():
		resp.PlanValue = types.StringNull()
	default:
		resp.PlanValue = types.StringValue(defaultExpiresIn)
	}
}

// keepEquivalentDuration plans the prior text when the configuration writes
// the same duration differently ("1d" after "24h"), so the rewrite plans no
// change and forces no replacement.
type keepEquivalentDuration struct{}

func (keepEquivalentDuration) Description(context.Context) string {
	return "Durations that denote the same length of time plan no change."
}

func (m keepEquivalentDuration) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (keepEquivalentDuration) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.StateValue.IsUnknown() || resp.PlanValue.IsNull() || resp.PlanValue.IsUnknown() {
		return
	}
	if durationTextEqual(req.StateValue.ValueString(), resp.PlanValue.ValueString()) {
		resp.PlanValue = req.StateValue
	}
}

// scopePermissionDefaults plans unset permissions as false. A schema default
// on a set element's attribute changes the element and breaks the lookup of
// its siblings (terraform-plugin-framework issues #783 and #867), so the
// planned set is built from the configuration instead.
type scopePermissionDefaults struct{}

func (scopePermissionDefaults) Description(context.Context) string {
	return "Permissions a scope block does not set are false."
}

func (m scopePermissionDefaults) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (scopePermissionDefaults) PlanModifySet(_ context.Context, req planmodifier.SetRequest, resp *planmodifier.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	elems := make([]attr.Value, 0, len(req.ConfigValue.Elements()))
	for _, elem := range req.ConfigValue.Elements() {
		obj, ok := elem.(types.Object)
		if !ok || obj.IsNull() || obj.IsUnknown() {
			return
		}
		attrs := make(map[string]attr.Value, len(scopeAttrTypes))
		for name, v := range obj.Attributes() {
			if b, isBool := v.(types.Bool); isBool && b.IsNull() {
				v = types.BoolValue(false)
			}
			attrs[name] = v
		}
		planned, diags := types.ObjectValue(scopeAttrTypes, attrs)
		resp.Diagnostics.Append(diags...)
		elems = append(elems, planned)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	set, diags := types.SetValue(scopeObjectType, elems)
	resp.Diagnostics.Append(diags...)
	if !diags.HasError() {
		resp.PlanValue = set
	}
}

// metaAPIDescription documents meta_api on the resource and the ephemeral
// resource alike.
const metaAPIDescription = "Base URL of the instance's own Metadata API, where the token is used, such as " +
	"`https://x1234-4567-8901.n7.xano.com/api:meta`: Xano's `meta_api` for the instance (see the `xano_instance` " +
	"data source). Minted tokens are used there, not at the account API that `base_url` names, so an integration " +
	"gets the URL and the token from one resource. Known at plan time when the account's instance list can be read; " +
	"null when it cannot (the access token may not list instances, or `base_url` is an instance's own Metadata API)."
