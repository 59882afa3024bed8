package provider

import (
	"context"
	"fmt"
	"net"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator/emulatortest"
)

// The bad-input tests feed the provider every invalid argument and
// combination, every class of API error and malformed responses, and check
// that each case yields exactly one clear diagnostic that names the attribute
// or the API error and says what to do, and that no diagnostic carries a
// secret, a panic or a Go stack trace. Cases are batched, many to one
// terraform run, and told apart by what their diagnostic names; a recorder
// wrapped around the provider server sees every diagnostic it returns,
// which ExpectError alone cannot count.

// badAdminToken is the provider's access token in these tests, distinctive so
// a diagnostic that shows it is caught.
const badAdminToken = "adm-SECRET-b4d1nput-91e0c7"

// forbiddenInDiagnostics are texts no diagnostic may contain: secrets, and
// the marks of a panic or a Go stack trace.
var forbiddenInDiagnostics = []string{badAdminToken, mintedPrefix, "goroutine ", "panic:", "runtime error", ".go:", "runtime/debug"}

// recordedDiag is one diagnostic returned by the provider server.
type recordedDiag struct {
	RPC, TypeName, Severity, Summary, Detail, Attribute string
}

func (d recordedDiag) text() string { return d.Summary + "\n" + d.Detail }

func (d recordedDiag) String() string {
	return fmt.Sprintf("[%s %s %s] %s | %s | attr=%s", d.RPC, d.TypeName, d.Severity, d.Summary, d.Detail, d.Attribute)
}

// diagRecorder collects the diagnostics of every provider server it wraps.
type diagRecorder struct {
	mu    sync.Mutex
	diags []recordedDiag
}

func (r *diagRecorder) add(rpc, typeName string, ds []*tfprotov6.Diagnostic) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, d := range ds {
		if d == nil {
			continue
		}
		rd := recordedDiag{RPC: rpc, TypeName: typeName, Summary: d.Summary, Detail: d.Detail}
		switch d.Severity {
		case tfprotov6.DiagnosticSeverityError:
			rd.Severity = "error"
		case tfprotov6.DiagnosticSeverityWarning:
			rd.Severity = "warning"
		default:
			rd.Severity = "invalid"
		}
		if d.Attribute != nil {
			rd.Attribute = d.Attribute.String()
		}
		r.diags = append(r.diags, rd)
	}
}

// mark returns the number of diagnostics recorded so far, the start of the
// next step's share.
func (r *diagRecorder) mark() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.diags)
}

// since returns the distinct diagnostics recorded from mark on to end (-1:
// to the last); Terraform asks for the same validation several times.
func (r *diagRecorder) since(mark, end int) []recordedDiag {
	r.mu.Lock()
	defer r.mu.Unlock()
	if end < 0 || end > len(r.diags) {
		end = len(r.diags)
	}
	seen := map[recordedDiag]bool{}
	var out []recordedDiag
	for _, d := range r.diags[mark:end] {
		key := d
		key.RPC = "" // the same diagnostic from validate and from plan is one
		if !seen[key] {
			seen[key] = true
			out = append(out, d)
		}
	}
	return out
}

// factories serves the provider in-process with every RPC's diagnostics
// recorded.
func (r *diagRecorder) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"xano": func() (tfprotov6.ProviderServer, error) {
			s, err := providerserver.NewProtocol6WithError(New("test")())()
			if err != nil {
				return nil, err
			}
			return &recordingServer{ProviderServer: s, rec: r}, nil
		},
	}
}

// recordingServer is a provider server that records the diagnostics of the
// RPCs that can return them.
type recordingServer struct {
	tfprotov6.ProviderServer
	rec *diagRecorder
}

func (s *recordingServer) ValidateProviderConfig(ctx context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	resp, err := s.ProviderServer.ValidateProviderConfig(ctx, req)
	if resp != nil {
		s.rec.add("ValidateProviderConfig", "provider", resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	resp, err := s.ProviderServer.ConfigureProvider(ctx, req)
	if resp != nil {
		s.rec.add("ConfigureProvider", "provider", resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	resp, err := s.ProviderServer.ValidateResourceConfig(ctx, req)
	if resp != nil {
		s.rec.add("ValidateResourceConfig", req.TypeName, resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	resp, err := s.ProviderServer.UpgradeResourceState(ctx, req)
	if resp != nil {
		s.rec.add("UpgradeResourceState", req.TypeName, resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, err := s.ProviderServer.ReadResource(ctx, req)
	if resp != nil {
		s.rec.add("ReadResource", req.TypeName, resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		s.rec.add("PlanResourceChange", req.TypeName, resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp, err := s.ProviderServer.ApplyResourceChange(ctx, req)
	if resp != nil {
		s.rec.add("ApplyResourceChange", req.TypeName, resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	resp, err := s.ProviderServer.ImportResourceState(ctx, req)
	if resp != nil {
		s.rec.add("ImportResourceState", req.TypeName, resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	resp, err := s.ProviderServer.ValidateDataResourceConfig(ctx, req)
	if resp != nil {
		s.rec.add("ValidateDataResourceConfig", req.TypeName, resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	resp, err := s.ProviderServer.ReadDataSource(ctx, req)
	if resp != nil {
		s.rec.add("ReadDataSource", req.TypeName, resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) ValidateEphemeralResourceConfig(ctx context.Context, req *tfprotov6.ValidateEphemeralResourceConfigRequest) (*tfprotov6.ValidateEphemeralResourceConfigResponse, error) {
	resp, err := s.ProviderServer.ValidateEphemeralResourceConfig(ctx, req)
	if resp != nil {
		s.rec.add("ValidateEphemeralResourceConfig", req.TypeName, resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) OpenEphemeralResource(ctx context.Context, req *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	resp, err := s.ProviderServer.OpenEphemeralResource(ctx, req)
	if resp != nil {
		s.rec.add("OpenEphemeralResource", req.TypeName, resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) CloseEphemeralResource(ctx context.Context, req *tfprotov6.CloseEphemeralResourceRequest) (*tfprotov6.CloseEphemeralResourceResponse, error) {
	resp, err := s.ProviderServer.CloseEphemeralResource(ctx, req)
	if resp != nil {
		s.rec.add("CloseEphemeralResource", req.TypeName, resp.Diagnostics)
	}
	return resp, err
}

// badCase is one invalid input and the one diagnostic it must produce.
type badCase struct {
	// name labels the case; key is the text that ties the diagnostic to
	// it (a value, an instance or an address), "" when want alone does.
	name, key string
	// hcl is the case's part of the configuration.
	hcl string
	// want matches the diagnostic's summary and detail; spaces match any
	// run of white space, as Terraform wraps text.
	want string
	// attr, when set, is the attribute path the diagnostic must name.
	attr string
	// typ, when set, is the resource, data source or ephemeral resource
	// type whose RPC must return the diagnostic.
	typ string
	// warning expects a warning instead of an error.
	warning bool
}

// wrapped compiles pattern with each space matching any white space.
func wrapped(pattern string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(pattern, " ", `\s+`))
}

// batchHCL joins the cases' configuration after a common prefix.
func batchHCL(prefix string, cases []badCase) string {
	var b strings.Builder
	b.WriteString(prefix)
	for _, c := range cases {
		b.WriteString("\n")
		b.WriteString(c.hcl)
	}
	return b.String()
}

// expectFirst is the ExpectError of a batch step: its first error case, so
// the step fails unless Terraform reports it; the recorder checks the rest.
func expectFirst(cases []badCase) *regexp.Regexp {
	for _, c := range cases {
		if !c.warning {
			return wrapped(`(?s)` + c.want)
		}
	}
	return regexp.MustCompile(`Error`)
}

// checkBatch checks that each case produced exactly one diagnostic of its
// severity and that no error came from anything but the cases.
func checkBatch(t *testing.T, step string, diags []recordedDiag, cases []badCase) {
	t.Helper()
	claimed := make([]bool, len(diags))
	for _, c := range cases {
		re := wrapped(`(?s)` + c.want)
		sev := "error"
		if c.warning {
			sev = "warning"
		}
		var hits []int
		for i, d := range diags {
			if d.Severity == sev && re.MatchString(d.text()) && (c.key == "" || strings.Contains(d.text(), c.key)) &&
				(c.attr == "" || d.Attribute == c.attr) && (c.typ == "" || d.TypeName == c.typ) {
				hits = append(hits, i)
			}
		}
		if len(hits) != 1 {
			t.Errorf("%s: case %q produced %d matching %s diagnostics (attribute %q), want 1", step, c.name, len(hits), sev, c.attr)
		}
		for _, i := range hits {
			claimed[i] = true
		}
	}
	for i, d := range diags {
		if d.Severity == "error" && !claimed[i] {
			t.Errorf("%s: unexpected error diagnostic, or a second one for a case: %s", step, d)
		}
	}
	if t.Failed() {
		for _, d := range diags {
			t.Logf("%s diagnostic: %s", step, d)
		}
	}
}

// checkClean checks every recorded diagnostic for secrets, panics and
// stack traces, and for an empty summary or detail.
func checkClean(t *testing.T, rec *diagRecorder, extra ...string) {
	t.Helper()
	for _, d := range rec.since(0, -1) {
		for _, bad := range append(append([]string(nil), forbiddenInDiagnostics...), extra...) {
			if strings.Contains(d.text(), bad) {
				t.Errorf("a diagnostic contains %q: %s", bad, d)
			}
		}
		if strings.TrimSpace(d.Summary) == "" || strings.TrimSpace(d.Detail) == "" {
			t.Errorf("a diagnostic lacks a summary or a detail: %s", d)
		}
	}
}

// badProvider is the default provider block of the bad-input tests.
func badProvider(baseURL string) string {
	return acctest.Provider{BaseURL: baseURL, AccessToken: badAdminToken, Instance: "main"}.String()
}

var readAPIGroups = acctest.Scope("workspace_api_groups", "read")

// TestBadInputValidation batches every invalid argument of the resource,
// the ephemeral resource and the data sources into one plan: each must fail
// validation with its own diagnostic, before any API call.
func TestBadInputValidation(t *testing.T) {
	t.Parallel()
	emu, baseURL := emulatortest.Start(t, emulator.Options{AdminTokens: []string{badAdminToken}})
	cases := []badCase{
		{name: "empty name", hcl: acctest.Token("empty_name", `  name = ""`+"\n"+readAPIGroups),
			want: `character count must be between 1 and 100, got: 0`, attr: "AttributeName(\"name\")"},
		{name: "long name", hcl: acctest.Token("long_name", `  name = "`+strings.Repeat("n", 101)+`"`+"\n"+readAPIGroups),
			want: `character count must be between 1 and 100, got: 101`},
		// Names count characters, as Xano does: 150 "é" are 150, not 300.
		{name: "long name of accented characters", hcl: acctest.Token("long_accented", `  name = "`+strings.Repeat("é", 150)+`"`+"\n"+readAPIGroups),
			want: `character count must be between 1 and 100, got: 150`},
		{name: "scope typo", hcl: acctest.Token("typo", acctest.Scope("workspace_databse", "read")),
			want: `Unknown Xano scope.*"workspace_databse".*Did you mean "workspace_database"\?.*Valid names`},
		{name: "display name", hcl: acctest.Token("display", acctest.Scope("Workspace Files", "read")),
			want: `Unknown Xano scope.*"Workspace Files".*did you mean "workspace_files"\?`},
		{name: "wire key", hcl: acctest.Token("wire", acctest.Scope("workspace:task", "read")),
			want: `Unknown Xano scope.*"workspace:task".*did you mean "workspace_tasks"\?`},
		{name: "empty scope name", hcl: acctest.Token("empty_scope", acctest.Scope("", "read")),
			want: `Unknown Xano scope.*""`},
		{name: "duplicate scope", hcl: acctest.Token("dup", readAPIGroups+acctest.Scope("workspace_api_groups", "create")),
			want: `Duplicate scope.*workspace_api_groups.*merge the blocks into one`},
		{name: "grants nothing", hcl: acctest.Token("nothing", acctest.Scope("workspace_addons", "read = false")),
			want: `Scope grants nothing.*workspace_addons.*Grant at least one permission or remove the block`},
		// Nothing in this diagnostic tells the resource apart; its wording does.
		{name: "no scope", hcl: acctest.Token("no_scope", ""), want: `(?i)scope.*(must have a configuration value|at least 1)`, attr: `AttributeName("scope")`},
		{name: "malformed duration", hcl: acctest.Token("malformed", `  expires_in = "7 days"`+"\n"+readAPIGroups),
			want: `Invalid duration.*"7 days".*did you mean "7d"\?.*write a number and a unit`},
		{name: "duration in years", hcl: acctest.Token("years", `  expires_in = "1y"`+"\n"+readAPIGroups),
			want: `Invalid duration.*"1y".*did you mean "365d"\?`},
		{name: "unitless duration", hcl: acctest.Token("unitless", `  expires_in = "30"`+"\n"+readAPIGroups),
			want: `Invalid duration.*"30".*write a number and a unit`},
		{name: "negative duration", hcl: acctest.Token("negative", `  expires_in = "-2h"`+"\n"+readAPIGroups),
			want: `Invalid duration.*"-2h".*negative.*without the minus sign`},
		{name: "empty duration", hcl: acctest.Token("empty_duration", `  expires_in = ""`+"\n"+readAPIGroups),
			want: `Invalid duration.*empty.*write a number and a unit`},
		{name: "too short", hcl: acctest.Token("short", `  expires_in = "30m"`+"\n"+readAPIGroups),
			want: `Duration too short.*"30m".*Xano refuses tokens.*Use "1h" or longer`},
		{name: "fraction of a second", hcl: acctest.Token("fraction", `  expires_in = "2h0.5s"`+"\n"+readAPIGroups),
			want: `Lifetime not in whole seconds.*"2h0.5s".*Use`},
		{name: "rotate_before malformed", hcl: acctest.Token("rotate_bad", `  rotate_before = "soon"`+"\n"+readAPIGroups),
			want: `Invalid duration.*"soon".*write a number and a unit`, attr: `AttributeName("rotate_before")`},
		{name: "rotate_before in words", hcl: acctest.Token("rotate_words", `  rotate_before = "1 week"`+"\n"+readAPIGroups),
			want: `Invalid duration.*"1 week".*did you mean "1w"\?`, attr: `AttributeName("rotate_before")`},
		{name: "rotate_before too long", hcl: acctest.Token("rotate_long", `  expires_in = "7d"`+"\n"+`  rotate_before = "1w"`+"\n"+readAPIGroups),
			want: `rotate_before is not shorter than the lifetime.*"1w".*Use a rotate_before shorter`},
		{name: "rotate_before without expiry", hcl: acctest.Token("rotate_never", `  never_expires = true`+"\n"+`  rotate_before = "1d"`+"\n"+readAPIGroups),
			want: `rotate_before needs an expiry.*Remove rotate_before`},
		{name: "never_expires and expires_in", hcl: acctest.Token("conflict", `  never_expires = true`+"\n"+`  expires_in = "30d"`+"\n"+readAPIGroups),
			want: `Conflicting lifetime.*Remove one of them`},
		{name: "empty instance", hcl: acctest.Token("empty_instance", `  instance = ""`+"\n"+readAPIGroups),
			want: `length must be at least 1, got: 0`, attr: "AttributeName(\"instance\")", typ: "xano_metadata_token"},
		{name: "instance with a leading space", hcl: acctest.Token("spaced_instance", `  instance = " p2"`+"\n"+readAPIGroups),
			want: `Invalid Xano instance.*" p2".*white space at its start or end.*such as "p2"`, attr: "AttributeName(\"instance\")", typ: "xano_metadata_token", key: `" p2"`},
		{name: "ephemeral instance with a trailing space", hcl: `ephemeral "xano_metadata_token" "spaced" {
  name     = "spaced"
  instance = "p3 "
` + readAPIGroups + `}
`, want: `Invalid Xano instance.*"p3 ".*white space`, attr: "AttributeName(\"instance\")", key: `"p3 "`},
		{name: "audit instance with a newline", hcl: `data "xano_metadata_tokens" "newline" {
  instance = "p4\n"
}
`, want: `Invalid Xano instance.*white space`, attr: "AttributeName(\"instance\")", typ: "xano_metadata_tokens", key: `"p4\n"`},
		{name: "empty acknowledgement", hcl: acctest.Token("empty_ack", `  risk_acknowledgement = ""`+"\n"+readAPIGroups),
			want: `length must be at least 1, got: 0`, attr: "AttributeName(\"risk_acknowledgement\")"},

		{name: "ephemeral long name", hcl: `ephemeral "xano_metadata_token" "long" {
  name = "` + strings.Repeat("e", maxEphemeralNameLen+1) + `"
` + readAPIGroups + `}
`, want: fmt.Sprintf(`character count must be between 1 and %d, got: %d`, maxEphemeralNameLen, maxEphemeralNameLen+1)},
		{name: "ephemeral long name of accented characters", hcl: `ephemeral "xano_metadata_token" "long_accented" {
  name = "` + strings.Repeat("ü", maxEphemeralNameLen+5) + `"
` + readAPIGroups + `}
`, want: fmt.Sprintf(`character count must be between 1 and %d, got: %d`, maxEphemeralNameLen, maxEphemeralNameLen+5)},
		{name: "ephemeral too short", hcl: `ephemeral "xano_metadata_token" "short" {
  name       = "short"
  expires_in = "45m"
` + readAPIGroups + `}
`, want: `Duration too short.*"45m"`},
		{name: "ephemeral lease too short", hcl: `ephemeral "xano_metadata_token" "short_lease" {
  name  = "short-lease"
  lease = "4m"
` + readAPIGroups + `}
`, want: `Duration too short.*"4m".*another run revoke the token.*Use "5m" or longer`, attr: `AttributeName("lease")`},
		{name: "ephemeral lease malformed", hcl: `ephemeral "xano_metadata_token" "bad_lease" {
  name  = "bad-lease"
  lease = "forever"
` + readAPIGroups + `}
`, want: `Invalid duration.*"forever"`, attr: `AttributeName("lease")`},
		{name: "ephemeral scope typo", hcl: `ephemeral "xano_metadata_token" "typo" {
  name = "typo"
` + acctest.Scope("workspace_functons", "read") + `}
`, want: `Unknown Xano scope.*"workspace_functons".*Did you mean "workspace_functions"\?`},
		{name: "ephemeral grants nothing", hcl: `ephemeral "xano_metadata_token" "nothing" {
  name = "nothing"
` + acctest.Scope("workspace_request_history") + `}
`, want: `Scope grants nothing.*workspace_request_history`},

		{name: "preset typo", hcl: `data "xano_scope_preset" "typo" {
  name = "wewbe"
}
`, want: `Unknown scope preset.*Did you mean "weweb"\?`},
		{name: "catalog typo", hcl: `data "xano_scope_catalog" "typo" {
  name = "workspace_live_datasource"
}
`, want: `"workspace_live_datasource".*(D|d)id you mean "workspace_live_data_source"\?`},
		{name: "audit empty instance", hcl: `data "xano_metadata_tokens" "empty" {
  instance = ""
}
`, want: `length must be at least 1, got: 0`, attr: "AttributeName(\"instance\")", typ: "xano_metadata_tokens"},
	}
	rec := &diagRecorder{}
	var mark int
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{{
			PreConfig:   func() { mark = rec.mark() },
			Config:      batchHCL(badProvider(baseURL), cases),
			PlanOnly:    true,
			ExpectError: expectFirst(cases),
		}},
	})
	checkBatch(t, "validation", rec.since(mark, -1), cases)
	checkClean(t, rec)
	if n := emu.Count("POST", "/instance/{instance}/token"); n != 0 {
		t.Errorf("%d creates reached the API: validation must come first", n)
	}
}

// closedPortURL returns a base URL on a loopback port where nothing listens.
func closedPortURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return "http://" + addr + "/api:meta"
}

// TestBadInputProviderConfig batches the invalid provider arguments, one
// provider alias each: first those validation catches, then those only
// Configure can see.
func TestBadInputProviderConfig(t *testing.T) {
	t.Parallel()
	_, baseURL := emulatortest.Start(t, emulator.Options{AdminTokens: []string{badAdminToken}})
	alias := func(name, body string) string {
		return acctest.Config(acctest.Provider{Alias: name, Body: []string{body}}.String(),
			acctest.Block(fmt.Sprintf("data %q %q", "xano_scope_catalog", name), "provider = xano."+name))
	}
	conn := fmt.Sprintf("  base_url     = %q\n  access_token = %q\n", baseURL, badAdminToken)
	validation := []badCase{
		{name: "base_url not a URL", hcl: alias("url_text", `  base_url = "not a url"`),
			want: `Invalid Xano base URL.*not an absolute http or https URL.*Metadata API root`, attr: `AttributeName("base_url")`},
		// The validation uses the client's parser: what the client would
		// refuse fails on base_url, before the client is built.
		{name: "base_url with credentials", hcl: alias("url_creds", `  base_url = "https://usr-SECRET-66:pw-SECRET-77@example.com/api:meta"`+"\n"+`  access_token = "`+badAdminToken+`"`),
			want: `Invalid Xano base URL.*"https://\*\*\*@example.com/api:meta" carries credentials.*access_token`, attr: `AttributeName("base_url")`},
		{name: "base_url with a query", hcl: alias("url_query", `  base_url = "https://example.com/api:meta?key=q-SECRET-55"`+"\n"+`  access_token = "`+badAdminToken+`"`),
			want: `Invalid Xano base URL.*"https://example.com/api:meta\?key=\*\*\*" has a query or fragment`, attr: `AttributeName("base_url")`},
		{name: "request_timeout text", hcl: alias("timeout_text", conn+`  request_timeout = "fast"`),
			want: `Invalid duration.*"fast".*write a number and a unit`, attr: `AttributeName("request_timeout")`},
		{name: "request_timeout zero", hcl: alias("timeout_zero", conn+`  request_timeout = "0s"`),
			want: `Invalid request_timeout.*"0s".*zero`},
		{name: "max_retries negative", hcl: alias("retries_neg", conn+`  max_retries = -1`),
			want: `between 0 and 10, got: -1`, attr: `AttributeName("max_retries")`},
		{name: "max_retries too many", hcl: alias("retries_many", conn+`  max_retries = 11`),
			want: `between 0 and 10, got: 11`},
		{name: "access_token empty", hcl: alias("token_empty", `  base_url = "`+baseURL+`"`+"\n"+`  access_token = ""`),
			want: `length must be at least 1, got: 0`, attr: `AttributeName("access_token")`},
		{name: "instance empty", hcl: alias("instance_empty", conn+`  instance = ""`),
			want: `length must be at least 1, got: 0`, attr: `AttributeName("instance")`},
		{name: "instance with a leading space", hcl: alias("instance_space", conn+`  instance = " p2"`),
			want: `Invalid Xano instance.*" p2".*white space at its start or end.*such as "p2"`, attr: `AttributeName("instance")`},
		{name: "profile empty", hcl: alias("profile_empty", conn+`  profile = ""`),
			want: `length must be at least 1, got: 0`, attr: `AttributeName("profile")`},
		{name: "warn_at low", hcl: alias("warn_low", conn+`  policy {
    warn_at = "low"
  }`), want: `value must be one of.*"medium".*"low"`},
		{name: "deny typo", hcl: alias("deny_typo", conn+`  policy {
    deny = ["workspace_databse.delete"]
  }`), want: `Invalid deny pattern.*"workspace_databse.delete".*Did you mean "workspace_database"\?`},
		{name: "deny without permission", hcl: alias("deny_nodot", conn+`  policy {
    deny = ["workspace_files"]
  }`), want: `Invalid deny pattern.*"workspace_files".*scope.permission`},
		{name: "deny unknown permission", hcl: alias("deny_perm", conn+`  policy {
    deny = ["*.remove"]
  }`), want: `Invalid deny pattern.*"remove".*create, read, update, delete`},
		{name: "deny null", hcl: alias("deny_null", conn+`  policy {
    deny = [null]
  }`), want: `Invalid deny pattern.*null`},
		{name: "max_lifetime text", hcl: alias("life_text", conn+`  policy {
    max_lifetime = "forever"
  }`), want: `Invalid duration.*"forever"`},
		{name: "max_lifetime in words", hcl: alias("life_words", conn+`  policy {
    max_lifetime = "30 days"
  }`), want: `Invalid duration.*"30 days".*did you mean "30d"\?`},
		{name: "max_lifetime zero", hcl: alias("life_zero", conn+`  policy {
    max_lifetime = "0d"
  }`), want: `Invalid policy max_lifetime.*"0d".*zero`},
	}
	configure := []badCase{
		{name: "access token with a newline", hcl: alias("token_newline", `  base_url = "`+baseURL+`"`+"\n"+`  access_token = "abc\ndef-SECRET-88"`),
			want: `Cannot create the Xano API client.*newline or control character`},
		{name: "profile not found", hcl: alias("profile_missing", `  base_url = "`+baseURL+`"`+"\n"+`  profile = "bad-input-no-such-profile"`),
			want: `Xano CLI profile not found.*"bad-input-no-such-profile"`, attr: `AttributeName("profile")`},
		// The credentials check: one error each, on the setting to fix.
		{name: "wrong access token", hcl: alias("token_wrong", `  base_url = "`+baseURL+`"`+"\n"+`  access_token = "wrong-SECRET-99"`),
			want: `Xano rejected the access token.*access_token argument of the provider block.*API answer: .*401 ERROR_CODE_UNAUTHORIZED`,
			attr: `AttributeName("access_token")`},
		{name: "unreachable base_url", hcl: alias("url_closed", `  base_url = "`+closedPortURL(t)+`"`+"\n"+`  access_token = "`+badAdminToken+`"`),
			want: `Cannot reach the Xano API.*base_url argument of the provider block.*API answer: .*connection refused`, attr: `AttributeName("base_url")`},
		{name: "base_url not a Metadata API", hcl: alias("url_nothing", `  base_url = "`+strings.TrimSuffix(baseURL, "/api:meta")+`/nothing"`+"\n"+`  access_token = "`+badAdminToken+`"`),
			want: `No Xano Metadata API at base_url.*404`, attr: `AttributeName("base_url")`},
	}
	// A missing token is not here: this test's in-process server is shared by
	// every alias, and a data source may see another alias's configuration.
	// TestAccProviderMissingCredentials and the end-to-end tests cover it.

	rec := &diagRecorder{}
	marks := make([]int, 2)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { marks[0] = rec.mark() },
				Config:      badProvider(baseURL) + batchHCL("", validation),
				PlanOnly:    true,
				ExpectError: expectFirst(validation),
			},
			{
				PreConfig:   func() { marks[1] = rec.mark() },
				Config:      badProvider(baseURL) + batchHCL("", configure),
				PlanOnly:    true,
				ExpectError: expectFirst(configure),
			},
		},
	})
	checkBatch(t, "provider validation", rec.since(marks[0], marks[1]), validation)
	checkBatch(t, "provider configure", rec.since(marks[1], -1), configure)
	checkClean(t, rec, "pw-SECRET-77", "usr-SECRET-66", "q-SECRET-55", "def-SECRET-88", "wrong-SECRET-99")
}

// TestBadInputPolicy checks the plans a provider policy refuses and the
// missing instance, one batch per provider configuration: the in-process
// provider of these tests is one server for every alias, so each batch gets
// a provider of its own.
func TestBadInputPolicy(t *testing.T) {
	t.Parallel()
	emu, baseURL := emulatortest.Start(t, emulator.Options{AdminTokens: []string{badAdminToken}})
	provider := func(body string) string {
		return acctest.Provider{BaseURL: baseURL, AccessToken: badAdminToken, Body: []string{body}}.String()
	}
	batches := []struct {
		name     string
		provider string
		cases    []badCase
		skip     bool
	}{
		{
			name: "deny",
			provider: provider(`  instance = "main"
  policy {
    deny = ["workspace_database.delete", "workspace_live_data_source.*"]
  }`),
			cases: []badCase{
				{name: "deny match", hcl: acctest.Token("denied", acctest.Scope("workspace_database", "read", "delete")),
					want: `Token "denied" on instance "main": grant denied by the provider policy.*workspace_database - - - D critical denied by "workspace_database.delete"`},
				{name: "deny wildcard", hcl: acctest.Token("denied_live", acctest.Scope("workspace_live_data_source", "read")),
					want: `Token "denied_live" on instance "main": grant denied by the provider policy.*denied by "workspace_live_data_source.\*"`},
				{name: "deny under an acknowledgement", hcl: acctest.Token("denied_ack", `  risk_acknowledgement = "Approved by nobody"
`+acctest.Scope("workspace_files", "read")+acctest.Scope("workspace_database", "delete")),
					want: `Token "denied_ack" on instance "main": grant denied by the provider policy.*whatever enforce and risk_acknowledgement say: remove workspace_database.delete,`},
				{name: "ephemeral deny match", typ: "xano_metadata_token", hcl: `ephemeral "xano_metadata_token" "denied" {
  name = "denied"
` + acctest.Scope("workspace_live_data_source", "update") + `}
`, want: `Ephemeral token "denied" on instance "main": grant denied by the provider policy.*workspace_live_data_source - - U -`},
			},
		},
		{
			name: "enforce",
			provider: provider(`  instance = "main"
  policy {
    enforce             = true
    require_description = true
    max_lifetime        = "30d"
  }`),
			cases: []badCase{
				{name: "enforced high grant", hcl: acctest.Token("files", `  description = "Reads private files"
  expires_in  = "7d"
`+acctest.Scope("workspace_files", "read")), want: `Token "files" on instance "main": high risk refused by the provider policy.*workspace_files - R - - high.*Enforced:.*risk_acknowledgement`},
				{name: "enforced missing description", hcl: acctest.Token("undescribed", `  expires_in = "7d"
`+readAPIGroups), want: `Token "undescribed" on instance "main": high risk refused by the provider policy.*Description: the provider policy requires one.*Enforced:`},
				{name: "enforced max_lifetime", hcl: acctest.Token("long_lived", `  description = "Lives too long"
  expires_in  = "60d"
`+readAPIGroups), want: `Token "long_lived" on instance "main": high risk refused by the provider policy.*Max lifetime: 60d is over the provider policy's cap of 30d; set expires_in to 30d or less.*Enforced:`},
				{name: "enforced never_expires", hcl: acctest.Token("forever", `  description   = "Never expires"
  never_expires = true
`+readAPIGroups), want: `Token "forever" on instance "main": high risk refused by the provider policy.*Lifetime: never expires.*Enforced:`},
				// The same token breaks a second rule, and says so on a line of the same error.
				{name: "never_expires beyond max_lifetime", want: `Token "forever" on instance "main":.*Max lifetime: the provider policy caps tokens at 30d; replace never_expires with expires_in.*Enforced:`},
			},
		},
		{
			name:     "no instance",
			provider: provider(""),
			skip:     os.Getenv(envInstance) != "",
			cases: []badCase{
				{name: "resource without instance", hcl: acctest.Token("homeless", readAPIGroups),
					want: `Missing Xano instance.*Set instance on the resource`, attr: `AttributeName("instance")`, typ: "xano_metadata_token"},
				{name: "audit without instance", hcl: `data "xano_metadata_tokens" "homeless" {}
`, want: `Missing Xano instance.*Set instance on the data source`, typ: "xano_metadata_tokens"},
			},
		},
	}
	for _, b := range batches {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			if b.skip {
				t.Skip("XANO_INSTANCE is set, so every configuration has an instance")
			}
			rec := &diagRecorder{}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: rec.factories(),
				Steps: []resource.TestStep{{
					Config:      batchHCL(b.provider, b.cases),
					PlanOnly:    true,
					ExpectError: expectFirst(b.cases),
				}},
			})
			checkBatch(t, b.name, rec.since(0, -1), b.cases)
			checkClean(t, rec)
		})
	}
	t.Cleanup(func() {
		if n := emu.Count("POST", "/instance/{instance}/token"); n != 0 {
			t.Errorf("%d tokens were minted although every plan was refused", n)
		}
	})
}
