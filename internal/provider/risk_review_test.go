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
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// The protocol-level tests drive the provider as Terraform does, through
// ConfigureProvider and PlanResourceChange, so they check what a user sees:
// which diagnostics a plan carries, their severity, summary and attribute.

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
	p := NewWithClock("test", acctest.NewClock(acctest.Epoch).Now)()
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

// plan sends PlanResourceChange for the create of a token with the given
// configuration and returns the response. The proposed new state of a
// create is the configuration, with the computed attributes it leaves out
// null, as Terraform builds it; plans that keep, update or replace a token
// depend on how Terraform merges the prior state, so they are tested on the
// real CLI (e2e_risk_review_test.go), not here.
func (s *riskServer) plan(config map[string]any) *tfprotov6.PlanResourceChangeResponse {
	s.t.Helper()
	typ := s.resource.ValueType()
	cfg := toValue(s.t, typ, config)
	resp, err := s.srv.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{
		TypeName:         tokenTypeName,
		PriorState:       dynamicValue(s.t, typ, tftypes.NewValue(typ, nil)),
		ProposedNewState: dynamicValue(s.t, typ, cfg),
		Config:           dynamicValue(s.t, typ, cfg),
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
// rotation and expiry warnings, on expires_at, which the review never uses.
func reviewViews(ds []*tfprotov6.Diagnostic) []diagView {
	var out []diagView
	for _, v := range views(ds) {
		if v.path == attrPath("expires_at") {
			continue
		}
		out = append(out, v)
	}
	return out
}

// attrPath is the path of a root attribute, as diagnostics carry it.
func attrPath(attr string) string {
	return tftypes.NewAttributePath().WithAttributeName(attr).String()
}

// tokenWarning and tokenError are the one review diagnostic of the token
// tokenConfig names, with the given summary after the token's name, on a
// root attribute.
func tokenWarning(rest, attr string) diagView {
	return diagView{tfprotov6.DiagnosticSeverityWarning, `Token "integration" on instance "e2e": ` + rest, attrPath(attr)}
}

func tokenError(rest, attr string) diagView {
	return diagView{tfprotov6.DiagnosticSeverityError, `Token "integration" on instance "e2e": ` + rest, attrPath(attr)}
}

func TestRiskReviewPlanResourceChange(t *testing.T) {
	t.Parallel()
	automation := func(t *testing.T) scopes.Grants { return presetGrants(t, "automation") }
	weweb := func(t *testing.T) scopes.Grants { return presetGrants(t, "weweb") }
	enforce := map[string]any{"enforce": true}
	one := func(d diagView) func(*testing.T) []diagView {
		return func(*testing.T) []diagView { return []diagView{d} }
	}

	tests := []struct {
		name   string
		policy map[string]any
		// config is the configuration of the token the plan creates.
		config func(t *testing.T) map[string]any
		want   func(t *testing.T) []diagView
		// check, when set, asserts more about the response.
		check func(t *testing.T, s *riskServer, resp *tfprotov6.PlanResourceChangeResponse)
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
			name:   "automation preset is one warning",
			config: func(t *testing.T) map[string]any { return tokenConfig(automation(t), nil) },
			want:   one(tokenWarning("critical risk", "scope")),
		},
		{
			name: "never_expires warns on its attribute",
			config: func(t *testing.T) map[string]any {
				return tokenConfig(weweb(t), map[string]any{"never_expires": true})
			},
			want: one(tokenWarning("high risk", "never_expires")),
		},
		{
			name:   "enforce turns the warning into an error",
			policy: enforce,
			config: func(t *testing.T) map[string]any { return tokenConfig(automation(t), nil) },
			want:   one(tokenError("critical risk refused by the provider policy", "scope")),
		},
		{
			name:   "an acknowledgement keeps the warning under enforce",
			policy: enforce,
			config: func(t *testing.T) map[string]any {
				return tokenConfig(automation(t), map[string]any{"risk_acknowledgement": "Staging only; approved by the platform team"})
			},
			want: one(tokenWarning("critical risk, acknowledged", "scope")),
		},
		{
			name:   "deny is an error only, even with an acknowledgement",
			policy: map[string]any{"deny": []string{"workspace_database.delete"}},
			config: func(t *testing.T) map[string]any {
				return tokenConfig(automation(t), map[string]any{"risk_acknowledgement": "Approved"})
			},
			want: one(tokenError("grant denied by the provider policy", "scope")),
		},
		{
			name:   "warn_at critical keeps the critical scope only",
			policy: map[string]any{"warn_at": "critical"},
			config: func(t *testing.T) map[string]any { return tokenConfig(automation(t), nil) },
			want:   one(tokenWarning("critical risk", "scope")),
			check: func(t *testing.T, s *riskServer, resp *tfprotov6.PlanResourceChangeResponse) {
				if d := resp.Diagnostics[0].Detail; strings.Contains(d, "workspace_files") || !strings.Contains(d, "workspace_database") {
					t.Errorf("the table should hold workspace_database alone:\n%s", d)
				}
			},
		},
		{
			name:   "warn_at medium reports a long lifetime",
			policy: map[string]any{"warn_at": "medium"},
			config: func(t *testing.T) map[string]any {
				return tokenConfig(scopes.Grants{{Scope: "workspace_api_groups", Read: true}}, map[string]any{"expires_in": "180d"})
			},
			want: one(tokenWarning("medium risk", "expires_in")),
		},
		{
			name:   "warn_at medium mentions a token whose highest finding is medium",
			policy: map[string]any{"warn_at": "medium"},
			config: func(t *testing.T) map[string]any {
				return tokenConfig(scopes.Grants{{Scope: "workspace_request_history", Read: true}}, nil)
			},
			want: one(tokenWarning("medium risk", "scope")),
			check: func(t *testing.T, s *riskServer, resp *tfprotov6.PlanResourceChangeResponse) {
				if d := resp.Diagnostics[0].Detail; !strings.Contains(d, "  workspace_request_history  - R - -  medium  ") {
					t.Errorf("the warning lacks the medium grant's line:\n%s", d)
				}
			},
		},
		{
			name: "the default policy plans a medium-only token silently",
			config: func(t *testing.T) map[string]any {
				return tokenConfig(scopes.Grants{{Scope: "workspace_request_history", Read: true}}, nil)
			},
		},
		{
			name:   "max_lifetime applies to the 7-day default",
			policy: map[string]any{"max_lifetime": "3d"},
			config: func(t *testing.T) map[string]any { return tokenConfig(weweb(t), nil) },
			want:   one(tokenWarning("high risk", "expires_in")),
		},
		{
			name:   "require_description reports a missing description",
			policy: map[string]any{"require_description": true},
			config: func(t *testing.T) map[string]any {
				return tokenConfig(weweb(t), map[string]any{"description": nil})
			},
			want: one(tokenWarning("high risk", "description")),
		},
		{
			name: "every scope with full CRUD is an admin key, in the same warning",
			config: func(t *testing.T) map[string]any {
				var gs scopes.Grants
				for _, k := range scopes.Keys() {
					gs = append(gs, scopes.Grant{Scope: k, Create: true, Read: true, Update: true, Delete: true})
				}
				return tokenConfig(gs, nil)
			},
			want: one(tokenWarning("critical risk", "scope")),
			check: func(t *testing.T, s *riskServer, resp *tfprotov6.PlanResourceChangeResponse) {
				if d := resp.Diagnostics[0].Detail; !strings.Contains(d, "\nAdmin key: ") {
					t.Errorf("the warning should carry the admin key line:\n%s", d)
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
			check: func(t *testing.T, s *riskServer, resp *tfprotov6.PlanResourceChangeResponse) {
				if f := s.plannedFindings(resp); f.IsKnown() {
					t.Errorf("findings = %v, want unknown until the scopes are known", f)
				}
			},
		},
		{
			name:   "an acknowledgement unknown until apply skips the review",
			policy: enforce,
			config: func(t *testing.T) map[string]any {
				return tokenConfig(automation(t), map[string]any{"risk_acknowledgement": unknown{}})
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newRiskServer(t, tc.policy)
			resp := s.plan(tc.config(t))
			var want []diagView
			if tc.want != nil {
				want = tc.want(t)
			}
			got := reviewViews(resp.Diagnostics)
			if !slices.Equal(got, want) {
				t.Errorf("diagnostics:\n got %v\nwant %v\n%s", got, want, protoDiagText(resp.Diagnostics))
			}
			if tc.check != nil {
				tc.check(t, s, resp)
			}
		})
	}
}

// plannedFindings returns the findings attribute of a planned state.
func (s *riskServer) plannedFindings(resp *tfprotov6.PlanResourceChangeResponse) tftypes.Value {
	t := s.t
	t.Helper()
	v, err := resp.PlannedState.Unmarshal(s.resource.ValueType())
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	return attrs["findings"]
}

// TestRiskReviewPlannedFindings checks the findings a create plans: known at
// plan time, every finding whatever warn_at says, in review order.
func TestRiskReviewPlannedFindings(t *testing.T) {
	t.Parallel()
	s := newRiskServer(t, map[string]any{"warn_at": "critical", "max_lifetime": "30d"})
	gs := scopes.Grants{{Scope: "workspace_content", Read: true}, {Scope: "workspace_files", Delete: true}}
	resp := s.plan(tokenConfig(gs, map[string]any{"expires_in": "120d"}))
	requireNoDiags(t, "PlanResourceChange", resp.Diagnostics)
	f := s.plannedFindings(resp)
	var list []tftypes.Value
	if err := f.As(&list); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, item := range list {
		var line string
		if err := item.As(&line); err != nil {
			t.Fatal(err)
		}
		got = append(got, line)
	}
	want := []string{
		"medium grant workspace_content.read: can read workspace metadata and data source and branch settings, under a scope that also covers exporting, importing and cloning whole workspaces",
		"high grant workspace_files.delete: can delete files from public and private storage",
		"medium long_lifetime: lives 120d, longer than the 90 days of a quarterly rotation",
		"high max_lifetime: lives 120d, over the provider policy's max_lifetime of 30d",
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n got %q\nwant %q", got, want)
	}
}

// TestRiskReviewDetail checks the words under the warning: a table row per
// reported scope, the reach, how to narrow, and the acknowledgement.
func TestRiskReviewDetail(t *testing.T) {
	t.Parallel()
	s := newRiskServer(t, map[string]any{"enforce": true})
	gs := scopes.Grants{{Scope: "workspace_database", Delete: true, Read: true}}
	resp := s.plan(tokenConfig(gs, map[string]any{"risk_acknowledgement": "Approved by Dana for the nightly cleanup"}))
	if len(resp.Diagnostics) != 1 {
		t.Fatalf("want one warning:\n%s", protoDiagText(resp.Diagnostics))
	}
	want := strings.Join([]string{
		"  workspace_database  - R - D  critical  every record and schema, all data sources",
		`Reach: the token works in every workspace of instance "e2e", not only the one an integration uses.`,
		"Narrow workspace_database: Xano calls this the most powerful scope: serve application data through an API " +
			"endpoint with its own authentication instead, and keep any grant of it to read.",
		"Acknowledged: Approved by Dana for the nightly cleanup",
	}, "\n")
	if d := resp.Diagnostics[0]; d.Summary != `Token "integration" on instance "e2e": critical risk, acknowledged` || d.Detail != want {
		t.Errorf("warning:\n%s\n%s\nwant the detail:\n%s", d.Summary, d.Detail, want)
	}
}

// TestRiskReviewEnforcedDetail checks that an enforced error says why it
// fails and how to proceed.
func TestRiskReviewEnforcedDetail(t *testing.T) {
	t.Parallel()
	s := newRiskServer(t, map[string]any{"enforce": true})
	resp := s.plan(tokenConfig(presetGrants(t, "weweb"), map[string]any{"never_expires": true}))
	got := views(resp.Diagnostics)
	want := []diagView{tokenError("high risk refused by the provider policy", "never_expires")}
	if !slices.Equal(got, want) {
		t.Fatalf("diagnostics:\n got %v\nwant %v", got, want)
	}
	if d := resp.Diagnostics[0].Detail; !strings.Contains(d, "Enforced: ") || !strings.Contains(d, "risk_acknowledgement") {
		t.Errorf("detail should say enforce made it an error and name risk_acknowledgement:\n%s", d)
	}
}

// TestRiskReviewFunction covers a review turned into diagnostics, as the
// ephemeral resource makes it: prev nil, the warning only when asked.
func TestRiskReviewFunction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := scopes.Grants{{Scope: "workspace_database", Read: true}}
	denyDB, err := policy.ParsePattern("workspace_database.*")
	if err != nil {
		t.Fatal(err)
	}
	sub := policy.Subject{Name: "ci", Ephemeral: true}
	tests := []struct {
		name string
		pol  policy.Policy
		prev *policy.Spec
		next policy.Spec
		warn bool
		want []string
	}{
		{
			name: "a warning when warn is set",
			pol:  policy.Default(), next: policy.Spec{Grants: db}, warn: true,
			want: []string{`warning|Ephemeral token "ci": critical risk|scope`},
		},
		{
			name: "no warning without warn",
			pol:  policy.Default(), next: policy.Spec{Grants: db},
		},
		{
			name: "errors without warn",
			pol:  policy.Policy{Deny: []policy.Pattern{denyDB}}, next: policy.Spec{Grants: db},
			want: []string{`error|Ephemeral token "ci": grant denied by the provider policy|scope`},
		},
		{
			name: "a lifetime and a scope finding concern the whole token",
			pol:  policy.Default(), next: policy.Spec{Grants: db, NeverExpires: true}, warn: true,
			want: []string{`warning|Ephemeral token "ci": critical risk|`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			rep := policy.Assess(sub, policy.ReviewChange(tc.prev, tc.next, tc.pol), tc.next, tc.pol)
			if !tc.warn {
				rep.Warning = nil
			}
			for _, d := range reportDiagnostics(ctx, rep) {
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

// TestReviewSubject checks how a token is named: by its name and, whenever
// it is known, its instance, the provider's default included.
func TestReviewSubject(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		tokenName types.String
		instance  types.String
		ephemeral bool
		want      string
		wantInst  string
	}{
		{"default instance", types.StringValue("n8n"), types.StringValue("main"), false, `Token "n8n" on instance "main"`, "main"},
		{"another instance", types.StringValue("n8n"), types.StringValue("staging"), false, `Token "n8n" on instance "staging"`, "staging"},
		{"instance from the provider", types.StringValue("ci"), types.StringNull(), true, `Ephemeral token "ci" on instance "main"`, "main"},
		{"name unknown", types.StringUnknown(), types.StringValue("main"), false, `Token "(name known after apply)" on instance "main"`, "main"},
		{"instance unknown", types.StringValue("ci"), types.StringUnknown(), false, `Token "ci"`, ""},
	}
	for _, tc := range tests {
		got := (&providerData{instance: "main"}).subject(tc.tokenName, tc.instance, tc.ephemeral)
		if got.String() != tc.want || got.Instance != tc.wantInst {
			t.Errorf("%s: subject = %q on %q, want %q on %q", tc.name, got, got.Instance, tc.want, tc.wantInst)
		}
	}
}

// TestDesiredToken checks the conversion of attributes into the desired
// token, and that unknown values the review needs skip it.
func TestDesiredToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	scopeSet, d := scopeSetFromGrants(scopes.Grants{{Scope: "workspace_files", Read: true}})
	if d.HasError() {
		t.Fatal(d)
	}
	base := metadataTokenModel{
		Scope:               scopeSet,
		ExpiresIn:           NewDurationNull(),
		NeverExpires:        types.BoolNull(),
		Description:         types.StringValue("d"),
		RiskAcknowledgement: types.StringNull(),
	}
	with := func(f func(*metadataTokenModel)) metadataTokenModel { v := base; f(&v); return v }
	files := scopes.Grants{{Scope: "workspace_files", Read: true}}
	week := 7 * 24 * time.Hour
	requireDesc := policy.Policy{RequireDescription: true}
	tests := []struct {
		name   string
		pol    policy.Policy
		in     metadataTokenModel
		want   policy.Spec
		wantOK bool
	}{
		{"default lifetime", policy.Default(), base, policy.Spec{Grants: files, Lifetime: week, Description: "d"}, true},
		{"expires_in", policy.Default(), with(func(v *metadataTokenModel) { v.ExpiresIn = NewDurationValue("2w") }),
			policy.Spec{Grants: files, Lifetime: 2 * week, Description: "d"}, true},
		{"never expires", policy.Default(), with(func(v *metadataTokenModel) { v.NeverExpires = types.BoolValue(true) }),
			policy.Spec{Grants: files, NeverExpires: true, Description: "d"}, true},
		{"acknowledgement", policy.Default(), with(func(v *metadataTokenModel) { v.RiskAcknowledgement = types.StringValue("ok") }),
			policy.Spec{Grants: files, Lifetime: week, Description: "d", Acknowledgement: "ok"}, true},
		{"unknown scopes", policy.Default(), with(func(v *metadataTokenModel) { v.Scope = types.SetUnknown(scopeObjectType) }), policy.Spec{}, false},
		{"unknown lifetime", policy.Default(), with(func(v *metadataTokenModel) { v.ExpiresIn = NewDurationUnknown() }), policy.Spec{}, false},
		{"unknown never_expires", policy.Default(), with(func(v *metadataTokenModel) { v.NeverExpires = types.BoolUnknown() }), policy.Spec{}, false},
		{"unknown acknowledgement", policy.Default(), with(func(v *metadataTokenModel) { v.RiskAcknowledgement = types.StringUnknown() }), policy.Spec{}, false},
		{"unknown description, not required", policy.Default(), with(func(v *metadataTokenModel) { v.Description = types.StringUnknown() }),
			policy.Spec{Grants: files, Lifetime: week}, true},
		{"unknown description, required", requireDesc, with(func(v *metadataTokenModel) { v.Description = types.StringUnknown() }), policy.Spec{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok, d := tc.in.desired(ctx, tc.pol)
			if d.HasError() {
				t.Fatal(d)
			}
			if ok != tc.wantOK {
				t.Fatalf("ok = %v, want %v", ok, tc.wantOK)
			}
			if ok && fmt.Sprint(got.Spec()) != fmt.Sprint(tc.want) {
				t.Errorf("spec:\n got %+v\nwant %+v", got.Spec(), tc.want)
			}
		})
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
