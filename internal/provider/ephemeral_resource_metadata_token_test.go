package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/lifecycle"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator/emulatortest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// mintRecorder serves an emulator and records every token it mints: the
// create body and the id and name it answered with, never the secret.
type mintRecorder struct {
	emu     *emulator.Emulator
	baseURL string

	mu    sync.Mutex
	mints []recordedMint
}

type recordedMint struct {
	Request xano.CreateTokenRequest
	ID      int64
	Name    string
}

func startMintRecorder(t *testing.T, opts emulator.Options) *mintRecorder {
	t.Helper()
	if len(opts.AdminTokens) == 0 {
		opts.AdminTokens = []string{emulator.DefaultAdminToken}
	}
	rec := &mintRecorder{emu: emulator.New(opts)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/token") {
			rec.emu.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		tee := &teeWriter{ResponseWriter: w}
		rec.emu.ServeHTTP(tee, r)
		var req xano.CreateTokenRequest
		var tok xano.Token
		if json.Unmarshal(body, &req) == nil && json.Unmarshal(tee.buf.Bytes(), &tok) == nil && tok.ID > 0 {
			rec.mu.Lock()
			rec.mints = append(rec.mints, recordedMint{Request: req, ID: tok.ID, Name: tok.Name})
			rec.mu.Unlock()
		}
	}))
	t.Cleanup(srv.Close)
	rec.baseURL = srv.URL + "/api:meta"
	return rec
}

func (m *mintRecorder) Mints() []recordedMint {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]recordedMint(nil), m.mints...)
}

// teeWriter keeps a copy of the response body.
type teeWriter struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (w *teeWriter) Write(p []byte) (int, error) {
	w.buf.Write(p)
	return w.ResponseWriter.Write(p)
}

// checkMints checks every token minted so far against the configuration:
// a unique name made of the prefix and 8 hex characters, and the requested
// description, lifetime and scopes.
func (m *mintRecorder) checkMints(prefix, description string, expiresIn int64, wire map[string][]string) error {
	mints := m.Mints()
	if len(mints) == 0 {
		return fmt.Errorf("no token was minted")
	}
	nameRE := regexp.MustCompile("^" + regexp.QuoteMeta(prefix) + "-[0-9a-f]{8}$")
	seen := map[string]bool{}
	for _, mt := range mints {
		if !nameRE.MatchString(mt.Request.Name) || mt.Name != mt.Request.Name {
			return fmt.Errorf("token %d was minted as %q, want %s", mt.ID, mt.Request.Name, nameRE)
		}
		if seen[mt.Name] {
			return fmt.Errorf("name %q was minted twice", mt.Name)
		}
		seen[mt.Name] = true
		if !leaseDescriptionRe(description).MatchString(mt.Request.Description) || mt.Request.ExpiresIn != expiresIn {
			return fmt.Errorf("token %d: description %q, expires_in %d; want %q and a lease marker, %d", mt.ID, mt.Request.Description, mt.Request.ExpiresIn, description, expiresIn)
		}
		if fmt.Sprint(mt.Request.Scopes) != fmt.Sprint(wire) {
			return fmt.Errorf("token %d: scopes %v, want %v", mt.ID, mt.Request.Scopes, wire)
		}
	}
	return nil
}

// leaseDescriptionRe matches the description an ephemeral token is minted
// with: the configured one followed by the lease marker.
func leaseDescriptionRe(description string) *regexp.Regexp {
	prefix := ""
	if description != "" {
		prefix = regexp.QuoteMeta(description) + " "
	}
	return regexp.MustCompile(`^` + prefix + `\[xano_metadata_token ephemeral lease until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\]$`)
}

// noTokensLeft fails when any token of instance still exists.
func noTokensLeft(emu *emulator.Emulator, instance string) error {
	if left := emu.Tokens(instance); len(left) > 0 {
		names := make([]string, len(left))
		for i, t := range left {
			names[i] = fmt.Sprintf("%d %q", t.ID, t.Name)
		}
		return fmt.Errorf("%d token(s) left on %s after the run: %s", len(left), instance, strings.Join(names, ", "))
	}
	return nil
}

// stateCheckFunc adapts a function to statecheck.StateCheck. It gets the
// state as `terraform show -json` prints it.
type stateCheckFunc func(raw []byte) error

func (f stateCheckFunc) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	raw, err := json.Marshal(req.State)
	if err != nil {
		resp.Error = err
		return
	}
	resp.Error = f(raw)
}

// echoedTokenID returns the token_id the echo resource at address holds,
// read from the JSON state.
func echoedTokenID(raw []byte, address string) (int64, error) {
	var state struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string `json:"address"`
					Values  struct {
						Data struct {
							TokenID *int64 `json:"token_id"`
						} `json:"data"`
					} `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		return 0, err
	}
	for _, r := range state.Values.RootModule.Resources {
		if r.Address != address {
			continue
		}
		if r.Values.Data.TokenID == nil {
			return 0, fmt.Errorf("%s holds no token_id", address)
		}
		return *r.Values.Data.TokenID, nil
	}
	return 0, fmt.Errorf("%s is not in the state", address)
}

// TestAccEphemeralMetadataToken mints a token for the length of each run,
// hands it to another provider, and proves that the run leaves no token
// behind and writes neither the secret nor the minted name to state.
func TestAccEphemeralMetadataToken(t *testing.T) {
	t.Parallel()
	rec := startMintRecorder(t, emulator.Options{})
	config := acctest.Provider{BaseURL: rec.baseURL, AccessToken: emulator.DefaultAdminToken, Instance: "main"}.String() +
		acctest.EphemeralToken("ci", `name        = "ci-smoke"`, `description = "CI smoke test"`, `expires_in  = "2h"`,
			acctest.Scope("workspace_api_groups", "read"), acctest.Scope("workspace_request_history", "read")) + `
provider "echo" {
  data = {
    token_id     = ephemeral.xano_metadata_token.ci.token_id
    instance     = ephemeral.xano_metadata_token.ci.instance
    token_length = length(ephemeral.xano_metadata_token.ci.token)
    expires_at   = ephemeral.xano_metadata_token.ci.expires_at
  }
}

resource "echo" "ci" {}
`

	wire := map[string][]string{"workspace:api": {"read"}, "workspace:requesthistory": {"read"}}
	data := tfjsonpath.New("data")
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   acctest.EphemeralVersions(),
		ProtoV6ProviderFactories: acctest.WithEcho(testAccProtoV6ProviderFactories),
		CheckDestroy: func(*terraform.State) error {
			return noTokensLeft(rec.emu, "main")
		},
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.ci", data.AtMapKey("token_id"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue("echo.ci", data.AtMapKey("instance"), knownvalue.StringExact("main")),
				// "xano_mt_" and 40 hex digits: the secret reached the run.
				statecheck.ExpectKnownValue("echo.ci", data.AtMapKey("token_length"), knownvalue.Int64Exact(48)),
				statecheck.ExpectKnownValue("echo.ci", data.AtMapKey("expires_at"),
					knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))),
				stateCheckFunc(func(raw []byte) error {
					if err := noTokensLeft(rec.emu, "main"); err != nil {
						return err
					}
					if err := rec.checkMints("ci-smoke", "CI smoke test", 7200, wire); err != nil {
						return err
					}
					id, err := echoedTokenID(raw, "echo.ci")
					if err != nil {
						return err
					}
					if !slices.ContainsFunc(rec.Mints(), func(m recordedMint) bool { return m.ID == id }) {
						return fmt.Errorf("echo.ci holds token_id %d, which the run never minted", id)
					}
					if bytes.Contains(raw, []byte("xano_mt_")) {
						return fmt.Errorf("the state holds a token secret")
					}
					for _, mt := range rec.Mints() {
						if bytes.Contains(raw, []byte(mt.Name)) {
							return fmt.Errorf("the state holds the minted name %q", mt.Name)
						}
					}
					return nil
				}),
			},
		}},
	})
}

// TestAccEphemeralMetadataTokenCharacterNames opens a token whose name
// prefix is as long as allowed in two-byte characters: with its suffix the
// minted name has exactly the 100 characters Xano accepts.
func TestAccEphemeralMetadataTokenCharacterNames(t *testing.T) {
	t.Parallel()
	rec := startMintRecorder(t, emulator.Options{})
	prefix := strings.Repeat("ü", maxEphemeralNameLen)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   acctest.EphemeralVersions(),
		ProtoV6ProviderFactories: acctest.WithEcho(testAccProtoV6ProviderFactories),
		Steps: []resource.TestStep{{
			Config: acctest.Provider{BaseURL: rec.baseURL, AccessToken: emulator.DefaultAdminToken, Instance: "main"}.String() + fmt.Sprintf(`
ephemeral "xano_metadata_token" "accented" {
  name = %q
  scope {
    name = "workspace_api_groups"
    read = true
  }
}

provider "echo" {
  data = {
    minted_name = ephemeral.xano_metadata_token.accented.minted_name
  }
}

resource "echo" "accented" {}
`, prefix),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.accented", tfjsonpath.New("data").AtMapKey("minted_name"),
					knownvalue.StringRegexp(regexp.MustCompile("^"+prefix+"-[0-9a-f]{8}$"))),
				stateCheckFunc(func([]byte) error {
					for _, m := range rec.Mints() {
						if n := utf8.RuneCountInString(m.Name); n != maxTokenNameLen {
							return fmt.Errorf("token %d was minted with a name of %d characters, want %d", m.ID, n, maxTokenNameLen)
						}
					}
					if len(rec.Mints()) == 0 {
						return fmt.Errorf("no token was minted")
					}
					return nil
				}),
			},
		}},
	})
}

// TestAccEphemeralMetadataTokenRefused checks that validation and the
// provider policy stop a token before anything is minted.
func TestAccEphemeralMetadataTokenRefused(t *testing.T) {
	t.Parallel()
	rec := startMintRecorder(t, emulator.Options{})
	provider := acctest.Provider{BaseURL: rec.baseURL, AccessToken: emulator.DefaultAdminToken, Instance: "main",
		Policy: []string{acctest.Attr("deny", []string{"workspace_database.delete"})}}.String()
	token := func(body ...string) string {
		return provider + acctest.EphemeralToken("ci", body...) + `
provider "echo" {
  data = ephemeral.xano_metadata_token.ci.token_id
}

resource "echo" "ci" {}
`
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   acctest.EphemeralVersions(),
		ProtoV6ProviderFactories: acctest.WithEcho(testAccProtoV6ProviderFactories),
		Steps: []resource.TestStep{
			{
				Config:      token(acctest.Scope("workspace_database", "read", "delete")),
				ExpectError: regexp.MustCompile(`grant\s+denied\s+by\s+the\s+provider\s+policy(.|\n)*workspace_database\s+-\s+-\s+-\s+D`),
			},
			{
				Config:      token(acctest.Scope("Workspace Database", "read")),
				ExpectError: regexp.MustCompile(`Unknown Xano scope`),
			},
			{
				Config:      token(`expires_in = "30m"`, acctest.Scope("workspace_api_groups", "read")),
				ExpectError: regexp.MustCompile(`Duration too short`),
			},
			{
				Config:      token(acctest.Attr("name", strings.Repeat("n", maxEphemeralNameLen+1)), acctest.Scope("workspace_api_groups", "read")),
				ExpectError: regexp.MustCompile(fmt.Sprintf(`character\s+count\s+must\s+be\s+between\s+1\s+and\s+%d`, maxEphemeralNameLen)),
			},
		},
	})
	if n := len(rec.Mints()); n != 0 {
		t.Errorf("%d token(s) minted by configurations that should have been refused", n)
	}
}

// ephemeralHarness drives the provider over the plugin protocol, as
// Terraform does, so Open and Close can be called one at a time.
type ephemeralHarness struct {
	t       *testing.T
	srv     tfprotov6.ProviderServer
	typ     tftypes.Object
	baseURL string
}

const ephemeralTypeName = "xano_metadata_token"

// newEphemeralHarness serves the provider; with configure it is configured
// for the emulator at baseURL, instance "main", no retries and the given
// policy block attributes (nil: no policy block).
func newEphemeralHarness(t *testing.T, baseURL string, configure bool, policy ...map[string]tftypes.Value) *ephemeralHarness {
	t.Helper()
	return newEphemeralHarnessFor(t, New("test")(), baseURL, configure, policy...)
}

// newEphemeralHarnessFor is newEphemeralHarness serving p, such as a
// provider with its own clock and its own record of open tokens.
func newEphemeralHarnessFor(t *testing.T, p provider.Provider, baseURL string, configure bool, policy ...map[string]tftypes.Value) *ephemeralHarness {
	t.Helper()
	srv, err := providerserver.NewProtocol6WithError(p)()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := srv.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		t.Fatalf("GetProviderSchema: %v %v", err, schemas.Diagnostics)
	}
	eph, ok := schemas.EphemeralResourceSchemas[ephemeralTypeName]
	if !ok {
		t.Fatalf("the provider has no ephemeral %s", ephemeralTypeName)
	}
	h := &ephemeralHarness{t: t, srv: srv, typ: eph.ValueType().(tftypes.Object), baseURL: baseURL}
	if configure {
		provType := schemas.Provider.ValueType().(tftypes.Object)
		attrs := map[string]tftypes.Value{
			"base_url":     str(baseURL),
			"access_token": str(emulator.DefaultAdminToken),
			"instance":     str("main"),
			"max_retries":  tftypes.NewValue(tftypes.Number, 0),
		}
		if len(policy) > 0 {
			polType := provType.AttributeTypes["policy"].(tftypes.Object)
			attrs["policy"] = tftypes.NewValue(polType, withNulls(polType, policy[0]))
		}
		cfg := h.dynamic(provType, attrs)
		resp, err := srv.ConfigureProvider(t.Context(), &tfprotov6.ConfigureProviderRequest{Config: &cfg})
		if err != nil || len(resp.Diagnostics) > 0 {
			t.Fatalf("ConfigureProvider: %v %s", err, protoDiags(resp.Diagnostics))
		}
	}
	return h
}

func (h *ephemeralHarness) dynamic(typ tftypes.Object, attrs map[string]tftypes.Value) tfprotov6.DynamicValue {
	h.t.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, withNulls(typ, attrs)))
	if err != nil {
		h.t.Fatal(err)
	}
	return dv
}

// config builds the ephemeral resource's configuration with the given
// attributes and one scope block per entry of scopes (name -> permissions).
func (h *ephemeralHarness) config(attrs map[string]tftypes.Value, scopes map[string][]string) tfprotov6.DynamicValue {
	h.t.Helper()
	setType := h.typ.AttributeTypes["scope"].(tftypes.Set)
	elemType := setType.ElementType.(tftypes.Object)
	var elems []tftypes.Value
	for name, perms := range scopes {
		block := map[string]tftypes.Value{"name": str(name)}
		for _, p := range perms {
			block[p] = tftypes.NewValue(tftypes.Bool, true)
		}
		elems = append(elems, tftypes.NewValue(elemType, withNulls(elemType, block)))
	}
	all := map[string]tftypes.Value{"scope": tftypes.NewValue(setType, elems)}
	for k, v := range attrs {
		all[k] = v
	}
	return h.dynamic(h.typ, all)
}

func (h *ephemeralHarness) open(cfg tfprotov6.DynamicValue) *tfprotov6.OpenEphemeralResourceResponse {
	h.t.Helper()
	resp, err := h.srv.OpenEphemeralResource(h.t.Context(), &tfprotov6.OpenEphemeralResourceRequest{TypeName: ephemeralTypeName, Config: &cfg})
	if err != nil {
		h.t.Fatal(err)
	}
	return resp
}

func (h *ephemeralHarness) close(private []byte) []*tfprotov6.Diagnostic {
	h.t.Helper()
	resp, err := h.srv.CloseEphemeralResource(h.t.Context(), &tfprotov6.CloseEphemeralResourceRequest{TypeName: ephemeralTypeName, Private: private})
	if err != nil {
		h.t.Fatal(err)
	}
	return resp.Diagnostics
}

func (h *ephemeralHarness) validate(cfg tfprotov6.DynamicValue) []*tfprotov6.Diagnostic {
	h.t.Helper()
	resp, err := h.srv.ValidateEphemeralResourceConfig(h.t.Context(), &tfprotov6.ValidateEphemeralResourceConfigRequest{TypeName: ephemeralTypeName, Config: &cfg})
	if err != nil {
		h.t.Fatal(err)
	}
	return resp.Diagnostics
}

// result decodes an Open result into plain Go values.
func (h *ephemeralHarness) result(resp *tfprotov6.OpenEphemeralResourceResponse) map[string]tftypes.Value {
	h.t.Helper()
	if resp.Result == nil {
		h.t.Fatalf("Open returned no result; diagnostics: %s", protoDiags(resp.Diagnostics))
	}
	v, err := resp.Result.Unmarshal(h.typ)
	if err != nil {
		h.t.Fatal(err)
	}
	out := map[string]tftypes.Value{}
	if err := v.As(&out); err != nil {
		h.t.Fatal(err)
	}
	return out
}

func protoDiags(ds []*tfprotov6.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "\n  %s: %s: %s", d.Severity, d.Summary, d.Detail)
	}
	return b.String()
}

func errorDiags(ds []*tfprotov6.Diagnostic) []*tfprotov6.Diagnostic {
	var out []*tfprotov6.Diagnostic
	for _, d := range ds {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			out = append(out, d)
		}
	}
	return out
}

func valueString(t *testing.T, v tftypes.Value) string {
	t.Helper()
	var s string
	if err := v.As(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestEphemeralMetadataTokenOpenClose opens a token, checks what Open
// returns against the API, closes it, and closes it again once it is gone.
func TestEphemeralMetadataTokenOpenClose(t *testing.T) {
	t.Parallel()
	emu, baseURL := emulatortest.Start(t, emulator.Options{})
	h := newEphemeralHarness(t, baseURL, true)
	cfg := h.config(map[string]tftypes.Value{
		"name":        str("deploy"),
		"description": str("deploy job"),
	}, map[string][]string{"workspace_api_groups": {"read"}, "workspace_content": {"read"}})

	opened := h.open(cfg)
	if len(opened.Diagnostics) > 0 {
		t.Fatalf("Open: %s", protoDiags(opened.Diagnostics))
	}
	got := h.result(opened)
	tokens := emu.Tokens("main")
	if len(tokens) != 1 {
		t.Fatalf("emulator holds %d tokens, want 1", len(tokens))
	}
	api := tokens[0]
	var id *big.Float
	if err := got["token_id"].As(&id); err != nil {
		t.Fatal(err)
	}
	if n, _ := id.Int64(); n != api.ID {
		t.Errorf("token_id = %v, want %d", id, api.ID)
	}
	if name := valueString(t, got["minted_name"]); name != api.Name || !regexp.MustCompile(`^deploy-[0-9a-f]{8}$`).MatchString(name) {
		t.Errorf("minted_name = %q, API name %q", name, api.Name)
	}
	if secret := valueString(t, got["token"]); !strings.HasPrefix(secret, "xano_mt_") {
		t.Errorf("token does not look like a minted secret (length %d)", len(secret))
	}
	if inst := valueString(t, got["instance"]); inst != "main" {
		t.Errorf("instance = %q, want the provider's \"main\"", inst)
	}
	// The emulator creates instances on first use, so "main" has a meta_api.
	if u, want := valueString(t, got["meta_api"]), strings.TrimSuffix(baseURL, "/api:meta")+"/_instance/main/api:meta"; u != want {
		t.Errorf("meta_api = %q, want %q", u, want)
	}
	created, _ := xano.ParseTime(api.CreatedAt)
	if exp := valueString(t, got["expires_at"]); exp != created.Add(time.Hour).UTC().Format(time.RFC3339) {
		t.Errorf("expires_at = %q, want one hour after %s (the default)", exp, api.CreatedAt)
	}
	if !leaseDescriptionRe("deploy job").MatchString(api.Description) || fmt.Sprint(api.Scopes) != fmt.Sprint(map[string][]string{"instance:workspace": {"read"}, "workspace:api": {"read"}}) {
		t.Errorf("minted description %q, scopes %v", api.Description, api.Scopes)
	}
	if bytes.Contains(opened.Private, []byte("xano_mt_")) {
		t.Errorf("private data holds the secret")
	}

	if ds := h.close(opened.Private); len(ds) > 0 {
		t.Fatalf("Close: %s", protoDiags(ds))
	}
	if err := noTokensLeft(emu, "main"); err != nil {
		t.Fatal(err)
	}
	// The token is gone: a second Close meets a 404, which is fine.
	if ds := h.close(opened.Private); len(ds) > 0 {
		t.Fatalf("Close of a token already revoked: %s", protoDiags(ds))
	}
	// Two opens of one configuration never share a name.
	again := h.result(h.open(cfg))
	if valueString(t, again["minted_name"]) == valueString(t, got["minted_name"]) {
		t.Errorf("two opens minted the same name %q", valueString(t, got["minted_name"]))
	}
}

// TestEphemeralMetadataTokenPurpose opens a token with a purpose: the
// description Xano holds ends with the purpose marker, then the lease
// marker, and the audit reads both the purpose and the lease back.
func TestEphemeralMetadataTokenPurpose(t *testing.T) {
	t.Parallel()
	emu, baseURL := emulatortest.Start(t, emulator.Options{})
	h := newEphemeralHarness(t, baseURL, true)
	cfg := h.config(map[string]tftypes.Value{
		"name":        str("probe"),
		"description": str("uptime probe"),
		"purpose":     str("monitoring"),
	}, map[string][]string{"workspace_content": {"read"}})
	opened := h.open(cfg)
	if len(opened.Diagnostics) > 0 {
		t.Fatalf("Open: %s", protoDiags(opened.Diagnostics))
	}
	tokens := emu.Tokens("main")
	if len(tokens) != 1 {
		t.Fatalf("emulator holds %d tokens, want 1", len(tokens))
	}
	api := tokens[0]
	if !leaseDescriptionRe("uptime probe [purpose: monitoring]").MatchString(api.Description) {
		t.Errorf("minted description %q, want the purpose marker before the lease marker", api.Description)
	}
	if _, ok := lifecycle.LeaseOf(api); !ok {
		t.Errorf("the lease of %q is not found", api.Description)
	}
	audit, err := auditToken("main", &api, policy.Policy{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if audit.Purpose.ValueString() != "monitoring" || !leaseDescriptionRe("uptime probe").MatchString(audit.Description) {
		t.Errorf("the audit reads purpose %s and description %q", audit.Purpose, audit.Description)
	}
	if ds := h.close(opened.Private); len(ds) > 0 {
		t.Fatalf("Close: %s", protoDiags(ds))
	}
}

// TestEphemeralMetadataTokenUnknownInstance opens a token on an instance the
// account does not have: nothing is minted, and the error suggests the
// instance meant.
func TestEphemeralMetadataTokenUnknownInstance(t *testing.T) {
	t.Parallel()
	emu, baseURL := emulatortest.Start(t, emulator.Options{Instances: []emulator.InstanceSpec{{Name: "main"}, {Name: "x1a2-b3c4-d5e6", Display: "Production"}}})
	h := newEphemeralHarness(t, baseURL, true)
	opened := h.open(h.config(map[string]tftypes.Value{"name": str("job"), "instance": str("x1a2-b3c4-d5e7")},
		map[string][]string{"workspace_api_groups": {"read"}}))
	ds := errorDiags(opened.Diagnostics)
	if len(ds) != 1 || ds[0].Summary != "Xano instance not found" || !strings.Contains(ds[0].Detail, `Did you mean "x1a2-b3c4-d5e6" (Production)?`) {
		t.Fatalf("Open diagnostics: %s", protoDiags(opened.Diagnostics))
	}
	if n := emu.Count(http.MethodPost, "/instance/{instance}/token"); n != 0 {
		t.Errorf("%d tokens minted for an unknown instance", n)
	}
}

// TestEphemeralMetadataTokenFailures covers what can go wrong around the
// API: the policy refusing the token, the 10-token limit, and a revoke that
// fails for a reason other than the token being gone.
func TestEphemeralMetadataTokenFailures(t *testing.T) {
	t.Parallel()
	scopes := map[string][]string{"workspace_api_groups": {"read"}}

	t.Run("revoke fails", func(t *testing.T) {
		t.Parallel()
		emu, baseURL := emulatortest.Start(t, emulator.Options{})
		h := newEphemeralHarness(t, baseURL, true)
		opened := h.open(h.config(map[string]tftypes.Value{"name": str("job")}, scopes))
		if len(opened.Diagnostics) > 0 {
			t.Fatalf("Open: %s", protoDiags(opened.Diagnostics))
		}
		secret := valueString(t, h.result(opened)["token"])
		emu.FailNext(1, http.StatusInternalServerError)
		ds := errorDiags(h.close(opened.Private))
		if len(ds) != 1 || !strings.Contains(ds[0].Detail, "revoke ephemeral token 1 on instance \"main\"") ||
			!strings.Contains(ds[0].Detail, "stays valid until it expires at ") {
			t.Fatalf("Close diagnostics: %s", protoDiags(ds))
		}
		if strings.Contains(ds[0].Summary+ds[0].Detail, secret) {
			t.Errorf("the diagnostic holds the secret")
		}
		if len(emu.Tokens("main")) != 1 {
			t.Errorf("the failed revoke should have left the token")
		}
	})

	t.Run("token limit", func(t *testing.T) {
		t.Parallel()
		emu, baseURL := emulatortest.Start(t, emulator.Options{})
		client := mtClient(t, baseURL)
		for i := range xano.MaxActiveTokens {
			if _, err := client.CreateToken(t.Context(), "main", xano.CreateTokenRequest{Name: fmt.Sprint("t", i), ExpiresIn: 3600,
				Scopes: map[string][]string{"workspace:api": {"read"}}}); err != nil {
				t.Fatal(err)
			}
		}
		h := newEphemeralHarness(t, baseURL, true)
		opened := h.open(h.config(map[string]tftypes.Value{"name": str("job")}, scopes))
		ds := errorDiags(opened.Diagnostics)
		if len(ds) != 1 || ds[0].Summary != "Xano token limit reached" {
			t.Fatalf("Open diagnostics: %s", protoDiags(opened.Diagnostics))
		}
		if len(opened.Private) > 0 {
			if cds := h.close(opened.Private); len(cds) > 0 {
				t.Errorf("Close after a failed Open: %s", protoDiags(cds))
			}
		}
		if n := len(emu.Tokens("main")); n != xano.MaxActiveTokens {
			t.Errorf("emulator holds %d tokens, want %d", n, xano.MaxActiveTokens)
		}
	})

	t.Run("policy", func(t *testing.T) {
		t.Parallel()
		emu, baseURL := emulatortest.Start(t, emulator.Options{})
		h := newEphemeralHarness(t, baseURL, true, map[string]tftypes.Value{
			"enforce": tftypes.NewValue(tftypes.Bool, true),
			"deny":    strList(str("workspace_files.delete")),
		})
		db := map[string][]string{"workspace_database": {"read"}}
		cases := []struct {
			name    string
			attrs   map[string]tftypes.Value
			scopes  map[string][]string
			wantErr string
		}{
			{"enforced finding", map[string]tftypes.Value{"name": str("db")}, db, `Ephemeral token "db" on instance "main": critical risk refused by the provider policy`},
			{"deny wins over an acknowledgement", map[string]tftypes.Value{"name": str("files"), "risk_acknowledgement": str("approved by sec")},
				map[string][]string{"workspace_files": {"delete"}}, `Ephemeral token "files" on instance "main": grant denied by the provider policy`},
			{"acknowledged finding", map[string]tftypes.Value{"name": str("db"), "risk_acknowledgement": str("approved by sec")}, db, ""},
		}
		for _, c := range cases {
			opened := h.open(h.config(c.attrs, c.scopes))
			ds := errorDiags(opened.Diagnostics)
			if c.wantErr == "" {
				if len(opened.Diagnostics) > 0 {
					t.Errorf("%s: Open: %s", c.name, protoDiags(opened.Diagnostics))
				}
				if cds := h.close(opened.Private); len(cds) > 0 {
					t.Errorf("%s: Close: %s", c.name, protoDiags(cds))
				}
				continue
			}
			if len(ds) != 1 || ds[0].Summary != c.wantErr {
				t.Errorf("%s: Open diagnostics: %s", c.name, protoDiags(opened.Diagnostics))
			}
			if opened.Result != nil {
				if secret := h.result(opened)["token"]; !secret.IsNull() {
					t.Errorf("%s: a refused Open returned a token", c.name)
				}
			}
		}
		if n := len(emu.Tokens("main")); n != 0 {
			t.Errorf("%d token(s) left; the refused ones must never be minted", n)
		}
		if n := emu.Count(http.MethodPost, "/instance/{instance}/token"); n != 1 {
			t.Errorf("%d create request(s), want 1 (the acknowledged token)", n)
		}
	})
}

// TestEphemeralMetadataTokenValidateConfig checks the risk review at
// validation: warnings under the provider's policy once it is configured,
// nothing before (terraform validate has no policy to apply).
func TestEphemeralMetadataTokenValidateConfig(t *testing.T) {
	t.Parallel()
	_, baseURL := emulatortest.Start(t, emulator.Options{})
	db := map[string][]string{"workspace_database": {"read"}}
	weweb := map[string][]string{"workspace_api_groups": {"read"}, "workspace_content": {"read"}}

	unconfigured := newEphemeralHarness(t, baseURL, false)
	if ds := unconfigured.validate(unconfigured.config(map[string]tftypes.Value{"name": str("db")}, db)); len(ds) > 0 {
		t.Errorf("validation without a configured provider: %s", protoDiags(ds))
	}

	h := newEphemeralHarness(t, baseURL, true)
	ds := h.validate(h.config(map[string]tftypes.Value{"name": str("db")}, db))
	if len(ds) != 1 || ds[0].Severity != tfprotov6.DiagnosticSeverityWarning || ds[0].Summary != `Ephemeral token "db" on instance "main": critical risk` {
		t.Errorf("database token: %s", protoDiags(ds))
	}
	if ds := h.validate(h.config(map[string]tftypes.Value{"name": str("weweb"), "expires_in": str("2h")}, weweb)); len(ds) > 0 {
		t.Errorf("weweb token: %s", protoDiags(ds))
	}
	ds = h.validate(h.config(map[string]tftypes.Value{"name": str("weweb"), "expires_in": str("100d")}, weweb))
	if len(ds) != 0 {
		t.Errorf("a 100-day lifetime is a medium finding, below the default warn_at: %s", protoDiags(ds))
	}
}

// TestE2EEphemeralMetadataTokenPlanWarnings runs the real CLI to show what a
// reviewer sees: Terraform validates an ephemeral resource with the provider
// configured right before opening it, so a plan prints each finding once,
// and a plan that mints and revokes a token leaves none behind.
func TestE2EEphemeralMetadataTokenPlanWarnings(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	token := func(scopes ...string) string {
		return acctest.E2EConfig(acctest.Provider{}, acctest.EphemeralToken("ci", scopes...), `
locals {
  token_id = ephemeral.xano_metadata_token.ci.token_id
}`)
	}

	e.Write(token(acctest.Scope("workspace_database", "read")))
	run := e.Plan()
	if run.Err != nil {
		t.Fatalf("plan: %v\n%s", run.Err, acctest.DiagText(run.Diags))
	}
	warnings := run.Warnings()
	if len(warnings) != 1 || warnings[0].Summary != `Ephemeral token "ci" on instance "e2e": critical risk` {
		t.Errorf("plan warnings, want one for workspace_database.read:\n%s", acctest.DiagText(warnings))
	}

	e.Write(token(wewebScopes))
	run = e.Plan()
	if run.Err != nil || len(run.Warnings()) > 0 {
		t.Errorf("plan of a WeWeb-shaped token: %v\n%s", run.Err, acctest.DiagText(run.Diags))
	}

	if n := e.Emu.Count(http.MethodPost, "/instance/{instance}/token"); n != 2 {
		t.Errorf("%d token(s) minted, want one per plan", n)
	}
	if err := noTokensLeft(e.Emu, e2eInstance); err != nil {
		t.Error(err)
	}
}

// TestEphemeralMetadataTokenInterruptedOpen stops the run while the token is
// being minted: Open sends nothing more and fails, and the token the API
// minted carries the lease that lets the block's next Open revoke it.
func TestEphemeralMetadataTokenInterruptedOpen(t *testing.T) {
	t.Parallel()
	emu := emulator.New(emulator.Options{})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	// A front that cancels the run once the emulator has minted the token
	// and before its answer reaches the provider.
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		emu.ServeHTTP(rec, r)
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/token") {
			cancel()
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(front.Close)
	h := newEphemeralHarness(t, front.URL+"/api:meta", true)
	cfg := h.config(map[string]tftypes.Value{"name": str("deploy")}, map[string][]string{"workspace_content": {"read"}})

	resp, err := h.srv.OpenEphemeralResource(ctx, &tfprotov6.OpenEphemeralResourceRequest{TypeName: ephemeralTypeName, Config: &cfg})
	if err != nil {
		t.Fatal(err)
	}
	errs := errorDiags(resp.Diagnostics)
	if len(errs) != 1 || !strings.Contains(errs[0].Summary, "interrupted") {
		t.Fatalf("diagnostics: %s; want one error about the interrupted run", protoDiags(resp.Diagnostics))
	}
	if n := emu.Count(http.MethodDelete, "/instance/{instance}/token/{id}"); n != 0 {
		t.Errorf("%d DELETE(s) sent after the run was stopped, want none", n)
	}
	toks := emu.Tokens("main")
	if len(toks) != 1 {
		t.Fatalf("the instance holds %d tokens, want the one minted", len(toks))
	}
	if _, ok := lifecycle.LeaseOf(toks[0]); !ok {
		t.Errorf("the minted token %q / %q carries no lease marker", toks[0].Name, toks[0].Description)
	}
}
