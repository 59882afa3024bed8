package provider

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// The benchmarks of the per-token work of a plan: one PlanResourceChange (and
// one ValidateResourceConfig) through the framework's protocol 6 server, as
// Terraform sends them for every token of every plan. `make bench` reports
// them with -benchmem, so a regression in time or allocations shows.

// benchNow is the clock of the benchmarks: a day after the token was minted.
var benchNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// benchPlan is one prepared request and the server that answers it.
type benchPlan struct {
	srv tfprotov6.ProviderServer
	req *tfprotov6.PlanResourceChangeRequest
}

// newBenchServer returns a provider server configured against an emulator,
// so whatever Configure or a plan asks of the API is answered on loopback.
func newBenchServer(b *testing.B) tfprotov6.ProviderServer {
	b.Helper()
	emu := httptest.NewServer(emulator.New(emulator.Options{AdminTokens: []string{emulator.DefaultAdminToken}}))
	b.Cleanup(emu.Close)
	p := NewWithClock("bench", acctest.NewClock(benchNow).Now)()
	p.(*xanoProvider).env = environment{
		getenv:  func(string) string { return "" },
		homeDir: func() (string, error) { return b.TempDir(), nil },
	}
	srv, err := providerserver.NewProtocol6WithError(p)()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	schema, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		b.Fatal(err)
	}
	benchNoErrors(b, "GetProviderSchema", schema.Diagnostics)
	typ := schema.Provider.ValueType()
	attrs := map[string]tftypes.Value{}
	for name, t := range typ.(tftypes.Object).AttributeTypes {
		attrs[name] = tftypes.NewValue(t, nil)
	}
	attrs["base_url"] = tftypes.NewValue(tftypes.String, emu.URL+"/api:meta")
	attrs["access_token"] = tftypes.NewValue(tftypes.String, emulator.DefaultAdminToken)
	attrs["instance"] = tftypes.NewValue(tftypes.String, "bench")
	cfg, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
	if err != nil {
		b.Fatal(err)
	}
	resp, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: &cfg})
	if err != nil {
		b.Fatal(err)
	}
	benchNoErrors(b, "ConfigureProvider", resp.Diagnostics)
	return srv
}

func benchNoErrors(b *testing.B, what string, diags []*tfprotov6.Diagnostic) {
	b.Helper()
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			b.Fatalf("%s: %s: %s", what, d.Summary, d.Detail)
		}
	}
}

// benchValue renders a model as the resource's protocol value.
func benchValue(b *testing.B, m *metadataTokenModel) *tfprotov6.DynamicValue {
	b.Helper()
	ctx := context.Background()
	var sr resource.SchemaResponse
	NewMetadataTokenResource().Schema(ctx, resource.SchemaRequest{}, &sr)
	typ := sr.Schema.Type().TerraformType(ctx)
	st := tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)}
	if m != nil {
		if d := st.Set(ctx, m); d.HasError() {
			b.Fatalf("building a value: %v", d)
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, st.Raw)
	if err != nil {
		b.Fatal(err)
	}
	return &dv
}

// benchModels returns a token's configuration, as written with one scope
// block granting read, and its state a day after it was minted.
func benchModels(b *testing.B, gs scopes.Grants) (config, state metadataTokenModel) {
	b.Helper()
	cfgScopes, d := scopeSetFromGrants(gs)
	if d.HasError() {
		b.Fatal(d)
	}
	config = metadataTokenModel{
		ID: types.StringNull(), Instance: types.StringValue("bench"), TokenID: types.Int64Null(),
		Name: types.StringValue("bench-0"), Description: types.StringNull(),
		ExpiresIn: NewDurationValue("7d"), NeverExpires: types.BoolNull(), RotateBefore: NewDurationNull(),
		RevokeOnDestroy: types.BoolNull(), RiskAcknowledgement: types.StringNull(), Scope: cfgScopes,
		CreatedAt: types.StringNull(), ExpiresAt: types.StringNull(), Token: types.StringNull(),
		MetaAPI: types.StringNull(), Findings: types.ListNull(types.StringType),
	}
	created := benchNow.Add(-24 * time.Hour)
	state = config
	state.ID, state.TokenID = types.StringValue("bench/42"), types.Int64Value(42)
	state.NeverExpires, state.RevokeOnDestroy = types.BoolValue(false), types.BoolValue(true)
	state.CreatedAt = types.StringValue(formatTimestamp(created))
	state.ExpiresAt = types.StringValue(formatTimestamp(created.Add(7 * 24 * time.Hour)))
	state.Token = types.StringValue("minted-secret")
	state.MetaAPI = types.StringValue("http://127.0.0.1/api:meta")
	// State holds the findings the review gives the token under the default
	// policy, as after the apply, so the next plan has nothing to change.
	want, ok, d := state.desired(context.Background(), policy.Default())
	if !ok || d.HasError() {
		b.Fatalf("reviewing the benchmark token: known %t, %v", ok, d)
	}
	if state.Findings, d = findingsList(context.Background(), policy.ReviewChange(nil, want.Spec(), policy.Default())); d.HasError() {
		b.Fatal(d)
	}
	return config, state
}

// newBenchPlan prepares PlanResourceChange for config against prior (nil: a
// create). The proposed new state is what Terraform proposes: the
// configuration, with the computed values it leaves null taken from prior.
func newBenchPlan(b *testing.B, config metadataTokenModel, prior *metadataTokenModel) benchPlan {
	b.Helper()
	proposed := config
	if prior != nil {
		proposed.ID, proposed.TokenID = prior.ID, prior.TokenID
		proposed.NeverExpires, proposed.RevokeOnDestroy = prior.NeverExpires, prior.RevokeOnDestroy
		proposed.CreatedAt, proposed.ExpiresAt, proposed.Token = prior.CreatedAt, prior.ExpiresAt, prior.Token
		proposed.MetaAPI, proposed.Findings = prior.MetaAPI, prior.Findings
	}
	return benchPlan{srv: newBenchServer(b), req: &tfprotov6.PlanResourceChangeRequest{
		TypeName:         tokenTypeName,
		PriorState:       benchValue(b, prior),
		ProposedNewState: benchValue(b, &proposed),
		Config:           benchValue(b, &config),
	}}
}

// run sends the prepared request b.N times. It first checks the plan once:
// no error, the risk review's warnings only when wantWarnings, and a planned
// state equal to the prior one only when wantUnchanged.
func (p benchPlan) run(b *testing.B, wantWarnings, wantUnchanged bool) {
	b.Helper()
	ctx := context.Background()
	resp, err := p.srv.PlanResourceChange(ctx, p.req)
	if err != nil {
		b.Fatal(err)
	}
	benchNoErrors(b, "PlanResourceChange", resp.Diagnostics)
	if got := len(resp.Diagnostics) > 0; got != wantWarnings {
		b.Fatalf("PlanResourceChange returned %d diagnostics; want warnings: %t", len(resp.Diagnostics), wantWarnings)
	}
	var sr resource.SchemaResponse
	NewMetadataTokenResource().Schema(ctx, resource.SchemaRequest{}, &sr)
	typ := sr.Schema.Type().TerraformType(ctx)
	planned, err := resp.PlannedState.Unmarshal(typ)
	if err != nil {
		b.Fatal(err)
	}
	prior, err := p.req.PriorState.Unmarshal(typ)
	if err != nil {
		b.Fatal(err)
	}
	if unchanged := planned.Equal(prior); unchanged != wantUnchanged {
		b.Fatalf("the planned state equals the prior state: %t, want %t\nplanned: %s\nprior:   %s", unchanged, wantUnchanged, planned, prior)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.srv.PlanResourceChange(ctx, p.req); err != nil {
			b.Fatal(err)
		}
	}
}

var benchRead = scopes.Grants{{Scope: "workspace_content", Read: true}}

// BenchmarkPlanUnchangedToken is the per-token work of a steady plan.
func BenchmarkPlanUnchangedToken(b *testing.B) {
	config, state := benchModels(b, benchRead)
	newBenchPlan(b, config, &state).run(b, false, true)
}

// BenchmarkPlanUnchangedTokenFourScopes is the same with the four scope
// blocks of the admin_dashboard recipe: against BenchmarkPlanUnchangedToken,
// it shows what each element of the scope set costs the framework.
func BenchmarkPlanUnchangedTokenFourScopes(b *testing.B) {
	p, err := scopes.LookupPreset("admin_dashboard")
	if err != nil {
		b.Fatal(err)
	}
	if len(p.Grants) != 4 {
		b.Fatalf("the admin_dashboard recipe has %d scopes; this benchmark is named for 4", len(p.Grants))
	}
	config, state := benchModels(b, p.Grants)
	newBenchPlan(b, config, &state).run(b, false, true)
}

// BenchmarkPlanRenamedToken is a token whose name changes in place.
func BenchmarkPlanRenamedToken(b *testing.B) {
	config, state := benchModels(b, benchRead)
	config.Name = types.StringValue("bench-renamed")
	newBenchPlan(b, config, &state).run(b, false, false)
}

// BenchmarkPlanNewAutomationToken is the plan of a new token with the
// automation recipe of Xano's scope guide: the risk review runs and warns.
func BenchmarkPlanNewAutomationToken(b *testing.B) {
	p, err := scopes.LookupPreset("automation")
	if err != nil {
		b.Fatal(err)
	}
	config, _ := benchModels(b, p.Grants)
	newBenchPlan(b, config, nil).run(b, true, false)
}

// BenchmarkValidateToken is the validation Terraform asks for every token
// before it plans.
func BenchmarkValidateToken(b *testing.B) {
	config, _ := benchModels(b, benchRead)
	srv := newBenchServer(b)
	req := &tfprotov6.ValidateResourceConfigRequest{TypeName: tokenTypeName, Config: benchValue(b, &config)}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		resp, err := srv.ValidateResourceConfig(ctx, req)
		if err != nil {
			b.Fatal(err)
		}
		benchNoErrors(b, "ValidateResourceConfig", resp.Diagnostics)
	}
}
