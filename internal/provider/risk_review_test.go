package provider

import (
	"context"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// The protocol-level tests drive the provider as Terraform does, through
// ConfigureProvider and PlanResourceChange, so they check what a user sees:
// which diagnostics a plan carries, their severity, summary and attribute.

// riskNow is the fixed clock of the protocol tests.
var riskNow = time.Date(2026, 11, 22, 11, 31, 20, 0, time.UTC)

const tokenTypeName = "xano_metadata_token"

// riskServer is one configured provider server and the schema types needed
// to build request values.
type riskServer struct {
	t        *testing.T
	srv      tfprotov6.ProviderServer
	resource *tfprotov6.Schema
}

// newRiskServer starts the provider and configures it with the given policy
// block attributes (nil: no policy block). The provider never reads the
// environment or a credentials file here, and it makes no API call while
// planning, so the base URL points nowhere.
func newRiskServer(t *testing.T, pol map[string]any) *riskServer {
	t.Helper()
	p := NewWithClock("test", func() time.Time { return riskNow })()
	p.(*xanoProvider).env = environment{
		getenv:  func(string) string { return "" },
		homeDir: func() (string, error) { return t.TempDir(), nil },
	}
	srv, err := providerserver.NewProtocol6WithError(p)()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	schemaResp, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	requireNoDiags(t, "GetProviderSchema", schemaResp.Diagnostics)
	res := schemaResp.ResourceSchemas[tokenTypeName]
	if res == nil {
		t.Fatalf("the provider has no %s resource", tokenTypeName)
	}

	cfg := map[string]any{
		"base_url":     "http://127.0.0.1:9/api:meta",
		"access_token": "admin-token-for-tests",
		"instance":     "e2e",
		// Nothing listens at base_url: these plans are reviewed offline.
		"skip_credentials_validation": true,
	}
	if pol != nil {
		cfg["policy"] = pol
	}
	providerType := schemaResp.Provider.ValueType()
	confResp, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.11.4",
		Config:           dynamicValue(t, providerType, toValue(t, providerType, cfg)),
	})
	if err != nil {
		t.Fatal(err)
	}
	requireNoDiags(t, "ConfigureProvider", confResp.Diagnostics)
	return &riskServer{t: t, srv: srv, resource: res}
}

// plan sends PlanResourceChange for a token with the given configuration and
// prior state (nil: create; config nil: destroy) and returns the diagnostics.
// The proposed new state is built as Terraform builds it: the configuration,
// with computed attributes the configuration leaves null taken from the
// prior state.
func (s *riskServer) plan(config, prior map[string]any) *tfprotov6.PlanResourceChangeResponse {
	s.t.Helper()
	typ := s.resource.ValueType()
	cfgVal, priorVal := tftypes.NewValue(typ, nil), tftypes.NewValue(typ, nil)
	if config != nil {
		cfgVal = toValue(s.t, typ, config)
	}
	if prior != nil {
		priorVal = toValue(s.t, typ, prior)
	}
	proposed := tftypes.NewValue(typ, nil)
	if config != nil {
		merged := map[string]any{}
		for _, a := range s.resource.Block.Attributes {
			if v, ok := config[a.Name]; ok && v != nil {
				merged[a.Name] = v
			} else if a.Computed && prior != nil {
				merged[a.Name] = prior[a.Name]
			}
		}
		merged["scope"] = proposedScopes(config["scope"], prior["scope"])
		proposed = toValue(s.t, typ, merged)
	}
	resp, err := s.srv.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{
		TypeName:         tokenTypeName,
		PriorState:       dynamicValue(s.t, typ, priorVal),
		ProposedNewState: dynamicValue(s.t, typ, proposed),
		Config:           dynamicValue(s.t, typ, cfgVal),
	})
	if err != nil {
		s.t.Fatal(err)
	}
	return resp
}

// unknown marks a value as unknown until apply in toValue.
type unknown struct{}

// toValue builds a value of typ from plain Go values: nil is null, unknown{}
// is unknown, maps are objects (missing attributes null), slices are sets or
// lists.
func toValue(t *testing.T, typ tftypes.Type, v any) tftypes.Value {
	t.Helper()
	switch x := v.(type) {
	case nil:
		return tftypes.NewValue(typ, nil)
	case unknown:
		return tftypes.NewValue(typ, tftypes.UnknownValue)
	case tftypes.Value:
		return x
	}
	switch tt := typ.(type) {
	case tftypes.Object:
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("want a map for %s, got %T", typ, v)
		}
		vals := map[string]tftypes.Value{}
		for name, at := range tt.AttributeTypes {
			vals[name] = toValue(t, at, m[name])
		}
		for name := range m {
			if _, ok := tt.AttributeTypes[name]; !ok {
				t.Fatalf("attribute %q is not in the schema", name)
			}
		}
		return tftypes.NewValue(tt, vals)
	case tftypes.Set:
		return tftypes.NewValue(tt, elements(t, tt.ElementType, v))
	case tftypes.List:
		return tftypes.NewValue(tt, elements(t, tt.ElementType, v))
	}
	switch {
	case typ.Is(tftypes.Number):
		switch n := v.(type) {
		case int:
			return tftypes.NewValue(typ, big.NewFloat(float64(n)))
		case int64:
			return tftypes.NewValue(typ, big.NewFloat(float64(n)))
		}
	case typ.Is(tftypes.String), typ.Is(tftypes.Bool):
		return tftypes.NewValue(typ, v)
	}
	t.Fatalf("cannot build a %s from %T", typ, v)
	return tftypes.Value{}
}

func elements(t *testing.T, elem tftypes.Type, v any) []tftypes.Value {
	t.Helper()
	var out []tftypes.Value
	switch xs := v.(type) {
	case []any:
		for _, x := range xs {
			out = append(out, toValue(t, elem, x))
		}
	case []string:
		for _, x := range xs {
			out = append(out, toValue(t, elem, x))
		}
	default:
		t.Fatalf("want a slice for a collection of %s, got %T", elem, v)
	}
	return out
}

func dynamicValue(t *testing.T, typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

func requireNoDiags(t *testing.T, what string, ds []*tfprotov6.Diagnostic) {
	t.Helper()
	if len(ds) > 0 {
		t.Fatalf("%s: unexpected diagnostics:\n%s", what, protoDiagText(ds))
	}
}

func protoDiagText(ds []*tfprotov6.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "[%s] %s (at %v)\n", d.Severity, d.Summary, d.Attribute)
	}
	return b.String()
}

// permNames are the permission attributes of a scope block.
var permNames = []string{"create", "read", "update", "delete"}

// scopeBlocks renders grants as scope blocks the way people write them: the
// permissions granted set to true, the others left out.
func scopeBlocks(gs scopes.Grants) []any {
	out := make([]any, 0, len(gs))
	for _, g := range gs {
		block := map[string]any{"name": g.Scope}
		for _, p := range g.Perms() {
			block[string(p)] = true
		}
		out = append(out, block)
	}
	return out
}

// proposedScopes correlates configured scope blocks with the prior ones by
// name, as Terraform does for a set of blocks whose other attributes are
// computed, and takes the permissions the configuration leaves out from the
// prior block.
func proposedScopes(config, prior any) any {
	blocks, ok := config.([]any)
	if !ok {
		return config
	}
	priorBlocks, _ := prior.([]any)
	out := make([]any, 0, len(blocks))
	for _, b := range blocks {
		block, ok := b.(map[string]any)
		if !ok {
			out = append(out, b)
			continue
		}
		merged := map[string]any{}
		for k, v := range block {
			merged[k] = v
		}
		for _, pb := range priorBlocks {
			if pm := pb.(map[string]any); pm["name"] == block["name"] {
				for _, p := range permNames {
					if merged[p] == nil {
						merged[p] = pm[p]
					}
				}
			}
		}
		out = append(out, merged)
	}
	return out
}

func presetGrants(t *testing.T, name string) scopes.Grants {
	t.Helper()
	p, err := scopes.LookupPreset(name)
	if err != nil {
		t.Fatal(err)
	}
	return p.Grants
}

// tokenConfig is a token's configuration: name, description and the given
// scopes, plus any extra attributes.
func tokenConfig(gs scopes.Grants, extra map[string]any) map[string]any {
	cfg := map[string]any{
		"name":        "integration",
		"description": "An integration token",
		"scope":       scopeBlocks(gs),
	}
	for k, v := range extra {
		cfg[k] = v
	}
	return cfg
}

// tokenState is the state a token created from cfg has after apply, with the
// 7-day default lifetime unless cfg says otherwise, minted at riskNow minus
// age.
func tokenState(cfg map[string]any, age time.Duration) map[string]any {
	created := riskNow.Add(-age)
	st := map[string]any{
		"id":                "e2e/42",
		"instance":          "e2e",
		"token_id":          42,
		"expires_in":        "7d",
		"never_expires":     false,
		"revoke_on_destroy": true,
		"created_at":        created.Format(time.RFC3339),
		"token":             "minted-secret",
	}
	for k, v := range cfg {
		st[k] = v
	}
	// State holds every permission, false where the configuration left it out.
	var blocks []any
	for _, b := range cfg["scope"].([]any) {
		full := map[string]any{}
		for k, v := range b.(map[string]any) {
			full[k] = v
		}
		for _, p := range permNames {
			if full[p] == nil {
				full[p] = false
			}
		}
		blocks = append(blocks, full)
	}
	st["scope"] = blocks
	if st["never_expires"] == true {
		st["expires_in"] = nil
	} else {
		d, _ := DurationValue{StringValue: types.StringValue(st["expires_in"].(string))}.Duration()
		st["expires_at"] = created.Add(d).Format(time.RFC3339)
	}
	return st
}

// diagView is what a test asserts about one diagnostic.
type diagView struct {
	severity tfprotov6.DiagnosticSeverity
	summary  string
	path     string
}

func (d diagView) String() string { return fmt.Sprintf("[%s] %s @%s", d.severity, d.summary, d.path) }

func views(ds []*tfprotov6.Diagnostic) []diagView {
	out := make([]diagView, 0, len(ds))
	for _, d := range ds {
		p := ""
		if d.Attribute != nil {
			p = d.Attribute.String()
		}
		out = append(out, diagView{d.Severity, d.Summary, p})
	}
	return out
}

// reviewViews drops the diagnostics that are not the risk review's: the
// rotation warning of an expired token, on expires_at.
func reviewViews(ds []*tfprotov6.Diagnostic) []diagView {
	var out []diagView
	for _, v := range views(ds) {
		if strings.HasPrefix(v.summary, "Token expired") || strings.HasPrefix(v.summary, "Token due for rotation") {
			continue
		}
		out = append(out, v)
	}
	return out
}

// wantWarning and wantError are expected diagnostics on a root attribute.
func wantWarning(summary, attr string) diagView {
	return diagView{tfprotov6.DiagnosticSeverityWarning, summary, attrPath(attr)}
}

func wantError(summary, attr string) diagView {
	return diagView{tfprotov6.DiagnosticSeverityError, summary, attrPath(attr)}
}

func attrPath(attr string) string {
	return tftypes.NewAttributePath().WithAttributeName(attr).String()
}

// automationWarnings are the warnings of a token built from the automation
// preset: database CRUD, files CRU and tasks CRU, with a suffix such as
// ", acknowledged" after each severity.
func automationWarnings(suffix string) []diagView {
	return []diagView{
		wantWarning("Risky grant: workspace_database.create (critical"+suffix+")", "scope"),
		wantWarning("Risky grant: workspace_database.read (critical"+suffix+")", "scope"),
		wantWarning("Risky grant: workspace_database.update (critical"+suffix+")", "scope"),
		wantWarning("Risky grant: workspace_database.delete (critical"+suffix+")", "scope"),
		wantWarning("Risky grant: workspace_tasks.create (high"+suffix+")", "scope"),
		wantWarning("Risky grant: workspace_tasks.update (high"+suffix+")", "scope"),
		wantWarning("Risky grant: workspace_files.create (high"+suffix+")", "scope"),
		wantWarning("Risky grant: workspace_files.read (high"+suffix+")", "scope"),
		wantWarning("Risky grant: workspace_files.update (high"+suffix+")", "scope"),
	}
}

// asErrors turns expected warnings into the errors enforce makes of them.
func asErrors(ws []diagView) []diagView {
	out := make([]diagView, len(ws))
	for i, w := range ws {
		out[i] = diagView{tfprotov6.DiagnosticSeverityError, w.summary, w.path}
	}
	return out
}

func TestRiskReviewPlanResourceChange(t *testing.T) {
	t.Parallel()
	automation := func(t *testing.T) scopes.Grants { return presetGrants(t, "automation") }
	weweb := func(t *testing.T) scopes.Grants { return presetGrants(t, "weweb") }
	enforce := map[string]any{"enforce": true}

	tests := []struct {
		name   string
		policy map[string]any
		// config and prior build the request; prior nil plans a create.
		config func(t *testing.T) map[string]any
		prior  func(t *testing.T) map[string]any
		want   func(t *testing.T) []diagView
		// check, when set, asserts more about the response.
		check func(t *testing.T, resp *tfprotov6.PlanResourceChangeResponse)
	}{
		{
			name:   "weweb preset plans silently",
			config: func(t *testing.T) map[string]any { return tokenConfig(weweb(t), nil) },
		},
		{
			name: "monitoring preset plans silently",
			config: func(t *testing.T) map[string]any {
				return tokenConfig(presetGrants(t, "monitoring"), map[string]any{"expires_in": "30d"})
			},
		},
		{
			name:   "automation preset warns on each risky grant",
			config: func(t *testing.T) map[string]any { return tokenConfig(automation(t), nil) },
			want:   func(*testing.T) []diagView { return automationWarnings("") },
		},
		{
			name: "never_expires warns on its attribute",
			config: func(t *testing.T) map[string]any {
				return tokenConfig(weweb(t), map[string]any{"never_expires": true})
			},
			want: func(*testing.T) []diagView {
				return []diagView{wantWarning("Token never expires (high)", "never_expires")}
			},
		},
		{
			name:   "enforce turns findings into errors",
			policy: enforce,
			config: func(t *testing.T) map[string]any { return tokenConfig(automation(t), nil) },
			want:   func(*testing.T) []diagView { return asErrors(automationWarnings("")) },
		},
		{
			name:   "an acknowledgement keeps findings as warnings under enforce",
			policy: enforce,
			config: func(t *testing.T) map[string]any {
				return tokenConfig(automation(t), map[string]any{"risk_acknowledgement": "Staging only; approved by the platform team"})
			},
			want: func(*testing.T) []diagView { return automationWarnings(", acknowledged") },
		},
		{
			name:   "deny fails even with an acknowledgement",
			policy: map[string]any{"deny": []string{"workspace_database.delete"}},
			config: func(t *testing.T) map[string]any {
				return tokenConfig(automation(t), map[string]any{"risk_acknowledgement": "Approved"})
			},
			want: func(*testing.T) []diagView {
				return append(automationWarnings(", acknowledged"),
					wantError("Grant denied by the provider policy: workspace_database.delete (critical)", "scope"))
			},
		},
		{
			name:   "warn_at critical hides high findings",
			policy: map[string]any{"warn_at": "critical"},
			config: func(t *testing.T) map[string]any { return tokenConfig(automation(t), nil) },
			want:   func(*testing.T) []diagView { return automationWarnings("")[:4] },
		},
		{
			name:   "warn_at medium reports a long lifetime",
			policy: map[string]any{"warn_at": "medium"},
			config: func(t *testing.T) map[string]any {
				return tokenConfig(weweb(t), map[string]any{"expires_in": "180d"})
			},
			want: func(*testing.T) []diagView {
				return []diagView{wantWarning("Token lifetime longer than 90 days (medium)", "expires_in")}
			},
		},
		{
			name:   "max_lifetime applies to the 7-day default",
			policy: map[string]any{"max_lifetime": "3d"},
			config: func(t *testing.T) map[string]any { return tokenConfig(weweb(t), nil) },
			want: func(*testing.T) []diagView {
				return []diagView{wantWarning("Token lifetime exceeds the policy's max_lifetime (high)", "expires_in")}
			},
		},
		{
			name:   "require_description reports a missing description",
			policy: map[string]any{"require_description": true},
			config: func(t *testing.T) map[string]any {
				return tokenConfig(weweb(t), map[string]any{"description": nil})
			},
			want: func(*testing.T) []diagView {
				return []diagView{wantWarning("Description required by the provider policy (high)", "description")}
			},
		},
		{
			name: "every scope with full CRUD is an admin key",
			config: func(t *testing.T) map[string]any {
				var gs scopes.Grants
				for _, k := range scopes.Keys() {
					gs = append(gs, scopes.Grant{Scope: k, Create: true, Read: true, Update: true, Delete: true})
				}
				return tokenConfig(gs, nil)
			},
			want: func(t *testing.T) []diagView {
				// Every grant rated high or above warns, then the admin key.
				var gs scopes.Grants
				for _, k := range scopes.Keys() {
					gs = append(gs, scopes.Grant{Scope: k, Create: true, Read: true, Update: true, Delete: true})
				}
				var out []diagView
				for _, f := range policy.Review(policy.Spec{Grants: gs}, policy.Default()) {
					if f.Rule == policy.RuleGrant && f.Severity >= scopes.SeverityHigh {
						out = append(out, wantWarning(fmt.Sprintf("Risky grant: %s.%s (%s)", f.Scope, f.Permission, f.Severity), "scope"))
					}
				}
				return append(out, wantWarning("Admin key in disguise: every permission on every scope (critical)", "scope"))
			},
		},
		{
			name:   "an unchanged token plans silently",
			config: func(t *testing.T) map[string]any { return tokenConfig(automation(t), nil) },
			prior: func(t *testing.T) map[string]any {
				return tokenState(tokenConfig(automation(t), nil), time.Hour)
			},
		},
		{
			name: "an in-place update of name and description plans silently",
			config: func(t *testing.T) map[string]any {
				return tokenConfig(automation(t), map[string]any{"name": "renamed", "description": "New words"})
			},
			prior: func(t *testing.T) map[string]any {
				return tokenState(tokenConfig(automation(t), nil), time.Hour)
			},
		},
		{
			name:   "an unchanged token fails under enforce",
			policy: enforce,
			config: func(t *testing.T) map[string]any { return tokenConfig(automation(t), nil) },
			prior: func(t *testing.T) map[string]any {
				return tokenState(tokenConfig(automation(t), nil), time.Hour)
			},
			want: func(*testing.T) []diagView { return asErrors(automationWarnings("")) },
		},
		{
			name:   "an unchanged token fails a deny rule",
			policy: map[string]any{"deny": []string{"*.delete"}},
			config: func(t *testing.T) map[string]any { return tokenConfig(automation(t), nil) },
			prior: func(t *testing.T) map[string]any {
				return tokenState(tokenConfig(automation(t), nil), time.Hour)
			},
			want: func(*testing.T) []diagView {
				return []diagView{wantError("Grant denied by the provider policy: workspace_database.delete (critical)", "scope")}
			},
		},
		{
			name: "a widening replacement names the grants it adds",
			config: func(t *testing.T) map[string]any {
				return tokenConfig(append(weweb(t), scopes.Grant{Scope: "workspace_files", Read: true, Delete: true}), nil)
			},
			prior: func(t *testing.T) map[string]any { return tokenState(tokenConfig(weweb(t), nil), time.Hour) },
			want: func(*testing.T) []diagView {
				return []diagView{
					wantWarning("Risky grant: workspace_files.read (high)", "scope"),
					wantWarning("Risky grant: workspace_files.delete (high)", "scope"),
					wantWarning("Replacement token widens access: adds workspace_files.read, workspace_files.delete (high)", "scope"),
				}
			},
		},
		{
			name: "a narrowing replacement warns only about what remains",
			config: func(t *testing.T) map[string]any {
				return tokenConfig(scopes.Grants{{Scope: "workspace_database", Read: true}}, nil)
			},
			prior: func(t *testing.T) map[string]any { return tokenState(tokenConfig(automation(t), nil), time.Hour) },
			want: func(*testing.T) []diagView {
				return []diagView{wantWarning("Risky grant: workspace_database.read (critical)", "scope")}
			},
		},
		{
			name: "a lifetime change is a replacement and warns",
			config: func(t *testing.T) map[string]any {
				return tokenConfig(automation(t), map[string]any{"expires_in": "30d"})
			},
			prior: func(t *testing.T) map[string]any {
				return tokenState(tokenConfig(automation(t), nil), time.Hour)
			},
			want: func(*testing.T) []diagView { return automationWarnings("") },
		},
		{
			name: "the same lifetime written differently is no replacement",
			config: func(t *testing.T) map[string]any {
				return tokenConfig(automation(t), map[string]any{"expires_in": "1w"})
			},
			prior: func(t *testing.T) map[string]any {
				return tokenState(tokenConfig(automation(t), map[string]any{"expires_in": "7d"}), time.Hour)
			},
		},
		{
			name:   "an expired token is replaced and warns again",
			config: func(t *testing.T) map[string]any { return tokenConfig(automation(t), nil) },
			prior: func(t *testing.T) map[string]any {
				return tokenState(tokenConfig(automation(t), nil), 8*24*time.Hour)
			},
			want: func(*testing.T) []diagView { return automationWarnings("") },
			check: func(t *testing.T, resp *tfprotov6.PlanResourceChangeResponse) {
				// Only the rotation rule replaces this token: nothing else changed.
				want := tftypes.NewAttributePath().WithAttributeName("expires_at")
				if !slices.ContainsFunc(resp.RequiresReplace, want.Equal) {
					t.Errorf("RequiresReplace = %v, want it to hold expires_at", resp.RequiresReplace)
				}
			},
		},
		{
			name:   "a scope name unknown until apply skips the review",
			policy: enforce,
			config: func(t *testing.T) map[string]any {
				blocks := scopeBlocks(automation(t))
				blocks[0].(map[string]any)["name"] = unknown{}
				return tokenConfig(nil, map[string]any{"scope": blocks})
			},
		},
		{
			name:   "an acknowledgement unknown until apply skips the review",
			policy: enforce,
			config: func(t *testing.T) map[string]any {
				return tokenConfig(automation(t), map[string]any{"risk_acknowledgement": unknown{}})
			},
		},
		{
			name:   "destroying a token is not reviewed",
			policy: map[string]any{"deny": []string{"*.*"}, "enforce": true},
			config: func(*testing.T) map[string]any { return nil },
			prior: func(t *testing.T) map[string]any {
				return tokenState(tokenConfig(automation(t), nil), time.Hour)
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newRiskServer(t, tc.policy)
			var prior map[string]any
			if tc.prior != nil {
				prior = tc.prior(t)
			}
			resp := s.plan(tc.config(t), prior)
			var want []diagView
			if tc.want != nil {
				want = tc.want(t)
			}
			got := reviewViews(resp.Diagnostics)
			if !slices.Equal(got, want) {
				t.Errorf("diagnostics:\n got %v\nwant %v", got, want)
			}
			if tc.check != nil {
				tc.check(t, resp)
			}
		})
	}
}

// TestRiskReviewDetail checks the words under a warning: the finding's own
// summary, the explanation, and the acknowledgement when there is one.
func TestRiskReviewDetail(t *testing.T) {
	t.Parallel()
	s := newRiskServer(t, map[string]any{"enforce": true})
	gs := scopes.Grants{{Scope: "workspace_database", Delete: true, Read: true}}
	resp := s.plan(tokenConfig(gs, map[string]any{"risk_acknowledgement": "Approved by Dana for the nightly cleanup"}), nil)
	var del *tfprotov6.Diagnostic
	for _, d := range resp.Diagnostics {
		if d.Summary == "Risky grant: workspace_database.delete (critical, acknowledged)" {
			del = d
		}
	}
	if del == nil {
		t.Fatalf("no warning for workspace_database.delete:\n%s", protoDiagText(resp.Diagnostics))
	}
	f := findingFor(t, gs, "workspace_database", scopes.Delete)
	for _, want := range []string{
		f.Summary + "\n\n",
		"all workspaces of its instance",
		"Acknowledged: Approved by Dana for the nightly cleanup",
	} {
		if !strings.Contains(del.Detail, want) {
			t.Errorf("detail lacks %q:\n%s", want, del.Detail)
		}
	}
	if !strings.HasPrefix(del.Detail, f.Summary) {
		t.Errorf("detail should start with the finding's summary %q:\n%s", f.Summary, del.Detail)
	}
}

func findingFor(t *testing.T, gs scopes.Grants, key string, p scopes.Permission) policy.Finding {
	t.Helper()
	for _, f := range policy.Review(policy.Spec{Grants: gs}, policy.Default()) {
		if f.Rule == policy.RuleGrant && f.Scope == key && f.Permission == p {
			return f
		}
	}
	t.Fatalf("no finding for %s.%s", key, p)
	return policy.Finding{}
}

// TestRiskReviewEnforcedDetail checks that an enforced error says why it
// fails and how to proceed.
func TestRiskReviewEnforcedDetail(t *testing.T) {
	t.Parallel()
	s := newRiskServer(t, map[string]any{"enforce": true})
	resp := s.plan(tokenConfig(presetGrants(t, "weweb"), map[string]any{"never_expires": true}), nil)
	got := views(resp.Diagnostics)
	want := []diagView{wantError("Token never expires (high)", "never_expires")}
	if !slices.Equal(got, want) {
		t.Fatalf("diagnostics:\n got %v\nwant %v", got, want)
	}
	if d := resp.Diagnostics[0].Detail; !strings.Contains(d, "enforce = true") || !strings.Contains(d, "risk_acknowledgement") {
		t.Errorf("detail should name enforce and risk_acknowledgement:\n%s", d)
	}
}

// TestRiskReviewFunction covers riskReview directly, as the ephemeral
// resource calls it: prev nil, warn true.
func TestRiskReviewFunction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := scopes.Grants{{Scope: "workspace_database", Read: true}}
	denyDB, err := policy.ParsePattern("workspace_database.*")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		pol  policy.Policy
		prev *policy.Spec
		next policy.Spec
		warn bool
		want []string
	}{
		{
			name: "warnings when warn is set",
			pol:  policy.Default(), next: policy.Spec{Grants: db}, warn: true,
			want: []string{"warning|Risky grant: workspace_database.read (critical)|scope"},
		},
		{
			name: "no warnings without warn",
			pol:  policy.Default(), next: policy.Spec{Grants: db},
		},
		{
			name: "errors without warn",
			pol:  policy.Policy{Deny: []policy.Pattern{denyDB}}, next: policy.Spec{Grants: db},
			want: []string{"error|Grant denied by the provider policy: workspace_database.read (critical)|scope"},
		},
		{
			name: "widening only with prev",
			pol:  policy.Default(),
			prev: &policy.Spec{Grants: scopes.Grants{{Scope: "workspace_content", Read: true}}},
			next: policy.Spec{Grants: db}, warn: true,
			want: []string{
				"warning|Risky grant: workspace_database.read (critical)|scope",
				"warning|Replacement token widens access: adds workspace_database.read (critical)|scope",
			},
		},
		{
			name: "narrowing shows at warn_at low",
			pol:  policy.Policy{WarnAt: scopes.SeverityLow},
			prev: &policy.Spec{Grants: scopes.Grants{{Scope: "workspace_content", Read: true}, {Scope: "workspace_api_groups", Read: true}}},
			next: policy.Spec{Grants: scopes.Grants{{Scope: "workspace_content", Read: true}}}, warn: true,
			want: []string{
				"warning|Risky grant: workspace_content.read (low)|scope",
				"warning|Replacement token narrows access: drops workspace_api_groups.read (low)|scope",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, d := range riskReview(ctx, tc.pol, tc.prev, tc.next, tc.warn) {
				p := ""
				if wp, ok := d.(diag.DiagnosticWithPath); ok {
					p = wp.Path().String()
				}
				got = append(got, strings.ToLower(d.Severity().String())+"|"+d.Summary()+"|"+p)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestPolicySpec checks the conversion of attributes into a spec, and that
// unknown values the review needs skip it.
func TestPolicySpec(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	scopeSet, d := scopeSetFromGrants(scopes.Grants{{Scope: "workspace_files", Read: true}})
	if d.HasError() {
		t.Fatal(d)
	}
	unknownSet := types.SetUnknown(scopeObjectType)
	base := specValues{
		Scope:           scopeSet,
		ExpiresIn:       NewDurationNull(),
		NeverExpires:    types.BoolNull(),
		Description:     types.StringValue("d"),
		Acknowledgement: types.StringNull(),
	}
	with := func(f func(*specValues)) specValues { v := base; f(&v); return v }
	requireDesc := policy.Policy{RequireDescription: true}
	tests := []struct {
		name   string
		pol    policy.Policy
		in     specValues
		want   policy.Spec
		wantOK bool
	}{
		{"default lifetime", policy.Default(), base,
			policy.Spec{Grants: scopes.Grants{{Scope: "workspace_files", Read: true}}, Lifetime: 7 * 24 * time.Hour, Description: "d"}, true},
		{"expires_in", policy.Default(), with(func(v *specValues) { v.ExpiresIn = NewDurationValue("2w") }),
			policy.Spec{Grants: scopes.Grants{{Scope: "workspace_files", Read: true}}, Lifetime: 14 * 24 * time.Hour, Description: "d"}, true},
		{"never expires", policy.Default(), with(func(v *specValues) { v.NeverExpires = types.BoolValue(true) }),
			policy.Spec{Grants: scopes.Grants{{Scope: "workspace_files", Read: true}}, NeverExpires: true, Description: "d"}, true},
		{"acknowledgement", policy.Default(), with(func(v *specValues) { v.Acknowledgement = types.StringValue("ok") }),
			policy.Spec{Grants: scopes.Grants{{Scope: "workspace_files", Read: true}}, Lifetime: 7 * 24 * time.Hour, Description: "d", Acknowledgement: "ok"}, true},
		{"unknown scopes", policy.Default(), with(func(v *specValues) { v.Scope = unknownSet }), policy.Spec{}, false},
		{"unknown lifetime", policy.Default(), with(func(v *specValues) { v.ExpiresIn = NewDurationUnknown() }), policy.Spec{}, false},
		{"unknown never_expires", policy.Default(), with(func(v *specValues) { v.NeverExpires = types.BoolUnknown() }), policy.Spec{}, false},
		{"unknown acknowledgement", policy.Default(), with(func(v *specValues) { v.Acknowledgement = types.StringUnknown() }), policy.Spec{}, false},
		{"unknown description, not required", policy.Default(), with(func(v *specValues) { v.Description = types.StringUnknown() }),
			policy.Spec{Grants: scopes.Grants{{Scope: "workspace_files", Read: true}}, Lifetime: 7 * 24 * time.Hour}, true},
		{"unknown description, required", requireDesc, with(func(v *specValues) { v.Description = types.StringUnknown() }), policy.Spec{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok, d := policySpec(ctx, tc.pol, tc.in)
			if d.HasError() {
				t.Fatal(d)
			}
			if ok != tc.wantOK {
				t.Fatalf("ok = %v, want %v", ok, tc.wantOK)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("spec:\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// TestFindingPath checks that every finding points at a resource attribute.
func TestFindingPath(t *testing.T) {
	t.Parallel()
	for attr, want := range map[string]path.Path{
		policy.AttrScope:        path.Root("scope"),
		policy.AttrExpiresIn:    path.Root("expires_in"),
		policy.AttrNeverExpires: path.Root("never_expires"),
		policy.AttrDescription:  path.Root("description"),
		"":                      path.Root("scope"),
	} {
		if got := findingPath(policy.Finding{Attribute: attr}); !got.Equal(want) {
			t.Errorf("findingPath(%q) = %s, want %s", attr, got, want)
		}
	}
}

// TestRiskReviewGuideMatchesCatalog keeps the severity table of the risk
// review guide in step with the catalog and the policy rules.
func TestRiskReviewGuideMatchesCatalog(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("..", "..", "templates", "guides", "risk-review.md.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	for _, s := range scopes.All() {
		row := []string{"`" + s.Key + "`", s.DisplayName}
		for _, p := range scopes.Permissions {
			fs := policy.Review(policy.Spec{Grants: scopes.Grants{scopes.Grant{Scope: s.Key}.Set(p, true)}}, policy.Default())
			row = append(row, fs[0].Severity.String())
		}
		want := "| " + strings.Join(row, " | ") + " |"
		if !slices.Contains(lines, want) {
			t.Errorf("the guide's severity table lacks the row\n%s", want)
		}
	}
}
