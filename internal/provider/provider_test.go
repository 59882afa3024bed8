package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator/emulatortest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// Helpers that build a provider configuration as Terraform would send it, so
// Configure and the schema's validation can be called directly and their
// results inspected.

func testProviderType(t *testing.T) tftypes.Object {
	t.Helper()
	var resp provider.SchemaResponse
	(&xanoProvider{}).Schema(context.Background(), provider.SchemaRequest{}, &resp)
	return resp.Schema.Type().TerraformType(context.Background()).(tftypes.Object)
}

// testProviderConfig returns a provider configuration with the given
// attributes set and every other one null.
func testProviderConfig(t *testing.T, attrs map[string]tftypes.Value) tfsdk.Config {
	t.Helper()
	var resp provider.SchemaResponse
	(&xanoProvider{}).Schema(context.Background(), provider.SchemaRequest{}, &resp)
	typ := testProviderType(t)
	return tfsdk.Config{Schema: resp.Schema, Raw: tftypes.NewValue(typ, withNulls(typ, attrs))}
}

// testPolicyBlock returns a policy block value with the given attributes set.
func testPolicyBlock(t *testing.T, attrs map[string]tftypes.Value) tftypes.Value {
	t.Helper()
	typ := testProviderType(t).AttributeTypes["policy"].(tftypes.Object)
	return tftypes.NewValue(typ, withNulls(typ, attrs))
}

func withNulls(typ tftypes.Object, attrs map[string]tftypes.Value) map[string]tftypes.Value {
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		if v, ok := attrs[name]; ok {
			vals[name] = v
		} else {
			vals[name] = tftypes.NewValue(at, nil)
		}
	}
	return vals
}

func str(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

func strList(items ...tftypes.Value) tftypes.Value {
	return tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, items)
}

var unknownString = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)

func configure(t *testing.T, p *xanoProvider, attrs map[string]tftypes.Value) (*providerData, diag.Diagnostics) {
	t.Helper()
	var resp provider.ConfigureResponse
	p.Configure(context.Background(), provider.ConfigureRequest{Config: testProviderConfig(t, attrs)}, &resp)
	if resp.Diagnostics.HasError() {
		return nil, resp.Diagnostics
	}
	data, ok := resp.DataSourceData.(*providerData)
	if !ok {
		t.Fatalf("DataSourceData is %T, want *providerData", resp.DataSourceData)
	}
	if resp.ResourceData != data || resp.EphemeralResourceData != data {
		t.Fatalf("resources, data sources and ephemeral resources must share one *providerData")
	}
	return data, resp.Diagnostics
}

// validate runs the provider block's validation as Terraform asks for it,
// through the protocol server, since it is the schema's validators that run.
func validate(t *testing.T, attrs map[string]tftypes.Value) diag.Diagnostics {
	t.Helper()
	typ := testProviderType(t)
	cfg, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, withNulls(typ, attrs)))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := providerserver.NewProtocol6(New("test")())().ValidateProviderConfig(context.Background(),
		&tfprotov6.ValidateProviderConfigRequest{Config: &cfg})
	if err != nil {
		t.Fatal(err)
	}
	var diags diag.Diagnostics
	for _, d := range resp.Diagnostics {
		if d.Attribute == nil {
			diags.Append(diag.NewErrorDiagnostic(d.Summary, d.Detail))
			continue
		}
		p := path.Empty()
		for _, step := range d.Attribute.Steps() {
			switch s := step.(type) {
			case tftypes.AttributeName:
				p = p.AtName(string(s))
			case tftypes.ElementKeyInt:
				p = p.AtListIndex(int(s))
			default:
				t.Fatalf("unexpected path step %T in %s", step, d.Attribute)
			}
		}
		if d.Severity == tfprotov6.DiagnosticSeverityWarning {
			diags.AddAttributeWarning(p, d.Summary, d.Detail)
		} else {
			diags.AddAttributeError(p, d.Summary, d.Detail)
		}
	}
	return diags
}

// wantDiag fails unless diags holds exactly one error with the summary, at
// the path (when given), whose detail contains every fragment.
func wantDiag(t *testing.T, diags diag.Diagnostics, summary string, at *path.Path, fragments ...string) {
	t.Helper()
	if len(diags) != 1 || diags[0].Severity() != diag.SeverityError {
		t.Fatalf("want one error %q, got %s", summary, renderDiags(diags))
	}
	d := diags[0]
	if d.Summary() != summary {
		t.Errorf("summary = %q, want %q", d.Summary(), summary)
	}
	if at != nil {
		wp, ok := d.(diag.DiagnosticWithPath)
		if !ok || !wp.Path().Equal(*at) {
			t.Errorf("diagnostic path: got %s, want %s", renderDiags(diags), at)
		}
	}
	for _, f := range fragments {
		if !strings.Contains(d.Detail(), f) {
			t.Errorf("detail does not contain %q:\n%s", f, d.Detail())
		}
	}
}

func renderDiags(diags diag.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		fmt.Fprintf(&b, "\n[%s] %s: %s", d.Severity(), d.Summary(), d.Detail())
		if wp, ok := d.(diag.DiagnosticWithPath); ok {
			fmt.Fprintf(&b, " (at %s)", wp.Path())
		}
	}
	if b.Len() == 0 {
		return "no diagnostics"
	}
	return b.String()
}

func pathOf(p path.Path) *path.Path { return &p }

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestProviderMetadata(t *testing.T) {
	t.Parallel()
	var resp provider.MetadataResponse
	New("1.2.3")().Metadata(context.Background(), provider.MetadataRequest{}, &resp)
	if resp.TypeName != "xano" || resp.Version != "1.2.3" {
		t.Errorf("Metadata = %q %q, want xano 1.2.3", resp.TypeName, resp.Version)
	}
}

// TestSchemasDocumented walks every schema the provider serves, as Terraform
// receives it, and requires a description on each attribute and block, since
// the registry documentation is generated from them.
func TestSchemasDocumented(t *testing.T) {
	t.Parallel()
	srv := providerserver.NewProtocol6(New("test")())()
	resp, err := srv.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("schema diagnostic: %s: %s", d.Summary, d.Detail)
	}
	check := func(kind, name string, s *tfprotov6.Schema) {
		if s == nil || s.Block == nil {
			return
		}
		for _, missing := range undocumented(name, s.Block) {
			t.Errorf("%s %s has no description", kind, missing)
		}
	}
	check("provider", "xano", resp.Provider)
	for name, s := range resp.DataSourceSchemas {
		check("data source", name, s)
	}
	for name, s := range resp.ResourceSchemas {
		check("resource", name, s)
	}
	for name, s := range resp.EphemeralResourceSchemas {
		check("ephemeral resource", name, s)
	}
	for _, want := range []string{"xano_scope_catalog", "xano_scope_preset"} {
		if _, ok := resp.DataSourceSchemas[want]; !ok {
			t.Errorf("data source %s is not served", want)
		}
	}
}

func undocumented(prefix string, b *tfprotov6.SchemaBlock) []string {
	var out []string
	if b.Description == "" {
		out = append(out, prefix)
	}
	var walkAttrs func(prefix string, attrs []*tfprotov6.SchemaAttribute)
	walkAttrs = func(prefix string, attrs []*tfprotov6.SchemaAttribute) {
		for _, a := range attrs {
			name := prefix + "." + a.Name
			if a.Description == "" {
				out = append(out, name)
			}
			if a.NestedType != nil {
				walkAttrs(name, a.NestedType.Attributes)
			}
		}
	}
	walkAttrs(prefix, b.Attributes)
	for _, nb := range b.BlockTypes {
		out = append(out, undocumented(prefix+"."+nb.TypeName, nb.Block)...)
	}
	return out
}

// TestResolveConnection covers the precedence of arguments, environment
// variables and the Xano CLI credentials file.
func TestResolveConnection(t *testing.T) {
	t.Parallel()
	const twoProfiles = `default: staging
profiles:
  staging:
    access_token: tok-staging
    instance_origin: https://x-staging.xano.io
    instance: staging-instance
  prod:
    access_token: tok-prod
    instance_origin: https://x-prod.xano.io/
`
	tests := []struct {
		name string
		in   connectionInput
		env  map[string]string
		// file is written to a temporary path named by XANO_CONFIG, or to
		// the home directory when home is set; "" writes no file.
		file string
		home bool

		want       connection
		wantErr    string
		wantPath   *path.Path
		wantDetail []string
	}{
		{
			name: "token from the environment, default base URL",
			env:  map[string]string{envAccessToken: "tok-env"},
			want: connection{baseURL: xano.DefaultBaseURL, accessToken: "tok-env"},
		},
		{
			name: "environment variables",
			env:  map[string]string{envAccessToken: "tok-env", envBaseURL: "http://127.0.0.1:8080/api:meta", envInstance: "env-instance"},
			want: connection{baseURL: "http://127.0.0.1:8080/api:meta", accessToken: "tok-env", instance: "env-instance"},
		},
		{
			name: "arguments override environment variables",
			in:   connectionInput{baseURL: "https://arg.example/api:meta", accessToken: "tok-arg", instance: "arg-instance"},
			env:  map[string]string{envAccessToken: "tok-env", envBaseURL: "http://127.0.0.1:8080/api:meta", envInstance: "env-instance"},
			want: connection{baseURL: "https://arg.example/api:meta", accessToken: "tok-arg", instance: "arg-instance"},
		},
		{
			name: "the file's default profile",
			file: twoProfiles,
			want: connection{baseURL: "https://x-staging.xano.io/api:meta", accessToken: "tok-staging", instance: "staging-instance"},
		},
		{
			name: "the file in the home directory",
			file: twoProfiles,
			home: true,
			want: connection{baseURL: "https://x-staging.xano.io/api:meta", accessToken: "tok-staging", instance: "staging-instance"},
		},
		{
			name: "profile named by the argument",
			in:   connectionInput{profile: "prod"},
			file: twoProfiles,
			want: connection{baseURL: "https://x-prod.xano.io/api:meta", accessToken: "tok-prod"},
		},
		{
			name: "profile named by XANO_PROFILE",
			env:  map[string]string{envProfile: "prod"},
			file: twoProfiles,
			want: connection{baseURL: "https://x-prod.xano.io/api:meta", accessToken: "tok-prod"},
		},
		{
			name: "profile argument beats XANO_PROFILE",
			in:   connectionInput{profile: "staging"},
			env:  map[string]string{envProfile: "prod"},
			file: twoProfiles,
			want: connection{baseURL: "https://x-staging.xano.io/api:meta", accessToken: "tok-staging", instance: "staging-instance"},
		},
		{
			name: "profile called default when the file names none",
			file: "profiles:\n  default:\n    access_token: tok-default\n  other:\n    access_token: tok-other\n",
			want: connection{baseURL: xano.DefaultBaseURL, accessToken: "tok-default"},
		},
		{
			name: "arguments and environment override the profile setting by setting",
			in:   connectionInput{baseURL: "https://arg.example/api:meta"},
			env:  map[string]string{envInstance: "env-instance"},
			file: twoProfiles,
			want: connection{baseURL: "https://arg.example/api:meta", accessToken: "tok-staging", instance: "env-instance"},
		},
		{
			name: "an explicit profile with a token from the environment",
			in:   connectionInput{profile: "prod"},
			env:  map[string]string{envAccessToken: "tok-env"},
			file: twoProfiles,
			want: connection{baseURL: "https://x-prod.xano.io/api:meta", accessToken: "tok-env"},
		},
		{
			name: "the file is not read when a token is given",
			env:  map[string]string{envAccessToken: "tok-env"},
			file: "profiles: [\n",
			want: connection{baseURL: xano.DefaultBaseURL, accessToken: "tok-env"},
		},
		{
			name:       "explicit profile missing from the file",
			in:         connectionInput{profile: "qa"},
			file:       twoProfiles,
			wantErr:    "Xano CLI profile not found",
			wantPath:   pathOf(path.Root("profile")),
			wantDetail: []string{`Profile "qa" (the profile argument of the provider block)`, `available profiles: "prod", "staging"`},
		},
		{
			name:       "XANO_PROFILE names a missing profile",
			env:        map[string]string{envProfile: "qa", envAccessToken: "tok-env"},
			file:       twoProfiles,
			wantErr:    "Xano CLI profile not found",
			wantPath:   pathOf(path.Root("profile")),
			wantDetail: []string{"the XANO_PROFILE environment variable", `"prod", "staging"`},
		},
		{
			name:       "explicit profile without a credentials file",
			in:         connectionInput{profile: "qa"},
			wantErr:    "Xano CLI profile not found",
			wantPath:   pathOf(path.Root("profile")),
			wantDetail: []string{"does not exist", envConfig},
		},
		{
			name:       "the file's default names a missing profile",
			file:       "default: qa\nprofiles:\n  prod:\n    access_token: tok-prod\n",
			wantErr:    "Xano CLI profile not found",
			wantDetail: []string{`Profile "qa" (named by the file's default key)`, `available profiles: "prod"`},
		},
		{
			name:       "malformed file",
			file:       "profiles:\n  a:\n    access_token: tok-secret\n  - b\n",
			wantErr:    "Cannot read the Xano CLI credentials file",
			wantDetail: []string{"not valid YAML", envAccessToken},
		},
		{
			name:     "no token anywhere",
			wantErr:  "Missing Xano access token",
			wantPath: pathOf(path.Root("access_token")),
			wantDetail: []string{
				"access_token argument", envAccessToken, defaultCredentialsPath, envConfig, "does not exist",
			},
		},
		{
			name:       "no default profile in the file",
			file:       "profiles:\n  prod:\n    access_token: tok-prod\n",
			wantErr:    "Missing Xano access token",
			wantDetail: []string{`has no "default" profile; available profiles: "prod"`},
		},
		{
			name:       "profile without a token",
			file:       "profiles:\n  default:\n    instance_origin: https://x.xano.io\n",
			wantErr:    "Missing Xano access token",
			wantDetail: []string{`Profile "default" of`, "has no access_token"},
		},
		{
			name:       "invalid base URL from the environment",
			env:        map[string]string{envAccessToken: "tok-env", envBaseURL: "ftp://files.example"},
			wantErr:    "Invalid Xano base URL",
			wantPath:   pathOf(path.Root("base_url")),
			wantDetail: []string{"the XANO_BASE_URL environment variable", `"ftp://files.example"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			env := map[string]string{}
			for k, v := range tt.env {
				env[k] = v
			}
			home := filepath.Join(dir, "home")
			if tt.home {
				if tt.file != "" {
					writeFile(t, filepath.Join(home, ".xano", "credentials.yaml"), tt.file)
				}
			} else {
				env[envConfig] = filepath.Join(dir, "credentials.yaml")
				if tt.file != "" {
					writeFile(t, env[envConfig], tt.file)
				}
			}

			var diags diag.Diagnostics
			got := resolveConnection(tt.in, fakeEnv(env, home), &diags)
			if got.missingToken != nil {
				// Reported later, by whatever needs the API.
				diags.Append(got.missingToken)
			}
			if tt.wantErr != "" {
				wantDiag(t, diags, tt.wantErr, tt.wantPath, tt.wantDetail...)
				if strings.Contains(renderDiags(diags), "tok-") {
					t.Errorf("diagnostics echo a token: %s", renderDiags(diags))
				}
				return
			}
			if diags.HasError() {
				t.Fatalf("unexpected diagnostics: %s", renderDiags(diags))
			}
			got.baseURLSource, got.accessTokenSource, got.instanceSource, got.credentialsFile = "", "", "", ""
			if got != tt.want {
				t.Errorf("resolveConnection() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestProviderConfigureConnects checks, against the emulator, that each way
// of supplying credentials yields a client that authenticates at the right
// place, and that the same data reaches every kind of resource.
func TestProviderConfigureConnects(t *testing.T) {
	t.Parallel()
	const admin = "provider-test-admin-token"
	_, baseURL := emulatortest.Start(t, emulator.Options{AdminTokens: []string{admin}})
	origin := strings.TrimSuffix(baseURL, "/api:meta")
	dir := t.TempDir()
	file := writeFile(t, filepath.Join(dir, "credentials.yaml"), fmt.Sprintf(`default: work
profiles:
  work:
    access_token: %[1]s
    instance_origin: %[2]s
    instance: work-instance
  other:
    access_token: %[1]s
    instance_origin: %[2]s
  stale:
    access_token: revoked-token
    instance_origin: %[2]s
`, admin, origin))
	home := filepath.Join(dir, "home")
	writeFile(t, filepath.Join(home, ".xano", "credentials.yaml"), fmt.Sprintf(
		"profiles:\n  default:\n    access_token: %s\n    instance_origin: %s\n    instance: home-instance\n", admin, origin))
	unreachable := "http://127.0.0.1:9/api:meta"
	absent := filepath.Join(dir, "absent.yaml")

	tests := []struct {
		name         string
		attrs        map[string]tftypes.Value
		env          map[string]string
		wantInstance string
	}{
		{
			name:         "environment variables",
			env:          map[string]string{envBaseURL: baseURL, envAccessToken: admin, envInstance: "env-instance", envConfig: absent},
			wantInstance: "env-instance",
		},
		{
			name:         "arguments override environment variables",
			attrs:        map[string]tftypes.Value{"base_url": str(baseURL), "access_token": str(admin), "instance": str("arg-instance")},
			env:          map[string]string{envBaseURL: unreachable, envAccessToken: "wrong-token", envInstance: "env-instance"},
			wantInstance: "arg-instance",
		},
		{
			name:         "default profile of XANO_CONFIG",
			env:          map[string]string{envConfig: file},
			wantInstance: "work-instance",
		},
		{
			name:  "profile argument",
			attrs: map[string]tftypes.Value{"profile": str("other")},
			env:   map[string]string{envConfig: file},
		},
		{
			name: "XANO_PROFILE with the token from XANO_ACCESS_TOKEN",
			env:  map[string]string{envConfig: file, envProfile: "stale", envAccessToken: admin},
		},
		{
			name:         "~/.xano/credentials.yaml",
			wantInstance: "home-instance",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clock := acctest.NewClock(acctest.Epoch)
			p := &xanoProvider{version: "test", now: clock.Now, env: fakeEnv(tt.env, home)}
			data, diags := configure(t, p, tt.attrs)
			if diags.HasError() {
				t.Fatalf("Configure: %s", renderDiags(diags))
			}
			if data.instance != tt.wantInstance {
				t.Errorf("instance = %q, want %q", data.instance, tt.wantInstance)
			}
			if data.accessToken != admin {
				t.Errorf("the access token kept for masking is not the one in use")
			}
			if !data.now().Equal(clock.Now()) {
				t.Errorf("providerData.now is not the injected clock")
			}
			if !reflect.DeepEqual(data.policy, policy.Default()) {
				t.Errorf("policy = %+v, want the default", data.policy)
			}
			me, err := data.client.Me(context.Background())
			if err != nil {
				t.Fatalf("Me: %v", err)
			}
			if me == nil {
				t.Fatal("Me returned nil")
			}
		})
	}
}

func TestProviderConfigurePolicy(t *testing.T) {
	t.Parallel()
	env := fakeEnv(map[string]string{envAccessToken: "tok"}, "")
	tests := []struct {
		name   string
		policy tftypes.Value
		want   policy.Policy
	}{
		{name: "no block", policy: tftypes.NewValue(testProviderType(t).AttributeTypes["policy"], nil), want: policy.Default()},
		{name: "empty block", policy: testPolicyBlock(t, nil), want: policy.Default()},
		{
			name: "every setting",
			policy: testPolicyBlock(t, map[string]tftypes.Value{
				"warn_at":             str("medium"),
				"deny":                strList(str("workspace_database.delete"), str("*.delete"), str("workspace_database.delete")),
				"max_lifetime":        str("90d"),
				"require_description": tftypes.NewValue(tftypes.Bool, true),
				"enforce":             tftypes.NewValue(tftypes.Bool, true),
				"max_idle":            str("30d"),
				"expiry_warning":      str("36h"),
			}),
			want: policy.Policy{
				WarnAt:             scopes.SeverityMedium,
				Deny:               []policy.Pattern{{Scope: "workspace_database", Perm: "delete"}, {Scope: "*", Perm: "delete"}},
				MaxLifetime:        90 * 24 * time.Hour,
				RequireDescription: true,
				Enforce:            true,
				MaxIdle:            30 * 24 * time.Hour,
				ExpiryWarning:      36 * time.Hour,
			},
		},
		{
			name:   "max_idle alone",
			policy: testPolicyBlock(t, map[string]tftypes.Value{"max_idle": str("1s")}),
			want:   policy.Policy{WarnAt: scopes.SeverityHigh, MaxIdle: time.Second, ExpiryWarning: policy.DefaultExpiryWarning},
		},
		{
			name:   "expiry warning off",
			policy: testPolicyBlock(t, map[string]tftypes.Value{"expiry_warning": str("0s")}),
			want:   policy.Policy{WarnAt: scopes.SeverityHigh},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data, diags := configure(t, &xanoProvider{version: "test", env: env}, map[string]tftypes.Value{
				"policy": tt.policy, "skip_credentials_validation": tftypes.NewValue(tftypes.Bool, true),
			})
			if diags.HasError() {
				t.Fatalf("Configure: %s", renderDiags(diags))
			}
			if !reflect.DeepEqual(data.policy, tt.want) {
				t.Errorf("policy = %+v, want %+v", data.policy, tt.want)
			}
		})
	}
}

// TestProviderConfigureErrors covers what Configure rejects, unknown values
// among them: Terraform sends those when the provider block refers to
// something computed during apply.
func TestProviderConfigureErrors(t *testing.T) {
	t.Parallel()
	env := fakeEnv(map[string]string{envAccessToken: "tok"}, "")
	deny := path.Root("policy").AtName("deny")
	tests := []struct {
		name       string
		attrs      map[string]tftypes.Value
		summary    string
		at         path.Path
		wantDetail []string
	}{
		{name: "unknown base_url", attrs: map[string]tftypes.Value{"base_url": unknownString}, summary: "Unknown Xano base URL", at: path.Root("base_url"), wantDetail: []string{"known at plan time", envBaseURL}},
		{name: "unknown access_token", attrs: map[string]tftypes.Value{"access_token": unknownString}, summary: "Unknown Xano access token", at: path.Root("access_token"), wantDetail: []string{envAccessToken}},
		{name: "unknown instance", attrs: map[string]tftypes.Value{"instance": unknownString}, summary: "Unknown Xano instance", at: path.Root("instance")},
		{name: "unknown profile", attrs: map[string]tftypes.Value{"profile": unknownString}, summary: "Unknown Xano profile", at: path.Root("profile")},
		{name: "unknown max_retries", attrs: map[string]tftypes.Value{"max_retries": tftypes.NewValue(tftypes.Number, tftypes.UnknownValue)}, summary: "Unknown max_retries", at: path.Root("max_retries")},
		{name: "unknown request_timeout", attrs: map[string]tftypes.Value{"request_timeout": unknownString}, summary: "Unknown request_timeout", at: path.Root("request_timeout")},
		{name: "unknown insecure_http", attrs: map[string]tftypes.Value{"insecure_http": tftypes.NewValue(tftypes.Bool, tftypes.UnknownValue)}, summary: "Unknown insecure_http", at: path.Root("insecure_http")},
		{
			name:    "unknown deny entry",
			attrs:   map[string]tftypes.Value{"policy": testPolicyBlock(t, map[string]tftypes.Value{"deny": strList(str("*.delete"), unknownString)})},
			summary: "Unknown policy value", at: deny.AtListIndex(1),
		},
		{
			name:    "unknown max_idle",
			attrs:   map[string]tftypes.Value{"policy": testPolicyBlock(t, map[string]tftypes.Value{"max_idle": unknownString})},
			summary: "Unknown policy value", at: path.Root("policy").AtName("max_idle"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, diags := configure(t, &xanoProvider{version: "test", env: env}, tt.attrs)
			wantDiag(t, diags, tt.summary, &tt.at, tt.wantDetail...)
		})
	}
}

func TestProviderValidateConfig(t *testing.T) {
	t.Parallel()
	deny := path.Root("policy").AtName("deny")
	t.Run("valid configuration", func(t *testing.T) {
		t.Parallel()
		diags := validate(t, map[string]tftypes.Value{
			"base_url":        str("https://x1.xano.io/api:meta"),
			"request_timeout": str("1m"),
			"policy": testPolicyBlock(t, map[string]tftypes.Value{
				"warn_at":      str("critical"),
				"deny":         strList(str("workspace_live_data_source.*"), str("*.*")),
				"max_lifetime": str("2w"),
			}),
		})
		if len(diags) != 0 {
			t.Errorf("unexpected diagnostics: %s", renderDiags(diags))
		}
	})
	// Validation and Configure share one parser per value: what validation
	// let through, Configure must accept.
	t.Run("each invalid value at its attribute", func(t *testing.T) {
		t.Parallel()
		for _, tt := range []struct {
			name       string
			attrs      map[string]tftypes.Value
			summary    string
			at         path.Path
			wantDetail []string
		}{
			{
				name:    "deny entry",
				attrs:   map[string]tftypes.Value{"policy": testPolicyBlock(t, map[string]tftypes.Value{"deny": strList(str("*.delete"), str("workspace_database.delet"))})},
				summary: "Invalid deny pattern", at: deny.AtListIndex(1), wantDetail: []string{`Did you mean "delete"?`},
			},
			{
				name:    "null deny entry",
				attrs:   map[string]tftypes.Value{"policy": testPolicyBlock(t, map[string]tftypes.Value{"deny": strList(tftypes.NewValue(tftypes.String, nil))})},
				summary: "Invalid deny pattern", at: deny.AtListIndex(0), wantDetail: []string{"null"},
			},
			{
				name:    "max_lifetime",
				attrs:   map[string]tftypes.Value{"policy": testPolicyBlock(t, map[string]tftypes.Value{"max_lifetime": str("a quarter")})},
				summary: "Invalid duration", at: path.Root("policy").AtName("max_lifetime"), wantDetail: []string{`"a quarter"`},
			},
			{
				name:    "max_idle",
				attrs:   map[string]tftypes.Value{"policy": testPolicyBlock(t, map[string]tftypes.Value{"max_idle": str("a month")})},
				summary: "Invalid duration", at: path.Root("policy").AtName("max_idle"), wantDetail: []string{`"a month"`},
			},
			{
				name:    "request_timeout",
				attrs:   map[string]tftypes.Value{"request_timeout": str("soon")},
				summary: "Invalid duration", at: path.Root("request_timeout"), wantDetail: []string{`"soon"`},
			},
			{
				name:    "zero request_timeout",
				attrs:   map[string]tftypes.Value{"request_timeout": str("0s")},
				summary: "Invalid request_timeout", at: path.Root("request_timeout"), wantDetail: []string{"zero", xano.DefaultRequestTimeout.String()},
			},
			{
				name:    "empty base_url",
				attrs:   map[string]tftypes.Value{"base_url": str("")},
				summary: "Invalid Xano base URL", at: path.Root("base_url"), wantDetail: []string{"empty"},
			},
		} {
			t.Run(tt.name, func(t *testing.T) {
				wantDiag(t, validate(t, tt.attrs), tt.summary, &tt.at, tt.wantDetail...)
			})
		}
	})
	t.Run("unknown values are left to Configure", func(t *testing.T) {
		t.Parallel()
		diags := validate(t, map[string]tftypes.Value{
			"base_url":        unknownString,
			"request_timeout": unknownString,
			"policy": testPolicyBlock(t, map[string]tftypes.Value{
				"deny":           strList(unknownString, str("*.delete")),
				"max_lifetime":   unknownString,
				"expiry_warning": unknownString,
			}),
		})
		if len(diags) != 0 {
			t.Errorf("unexpected diagnostics: %s", renderDiags(diags))
		}
	})
	t.Run("each invalid deny entry at its index", func(t *testing.T) {
		t.Parallel()
		diags := validate(t, map[string]tftypes.Value{"policy": testPolicyBlock(t, map[string]tftypes.Value{
			"deny": strList(str("workspace_database.delete"), str("Workspace Files.read"), str("database")),
		})})
		if len(diags) != 2 {
			t.Fatalf("want 2 errors, got %s", renderDiags(diags))
		}
		wantDiag(t, diags[0:1], "Invalid deny pattern", pathOf(deny.AtListIndex(1)), `did you mean "workspace_files"?`)
		wantDiag(t, diags[1:2], "Invalid deny pattern", pathOf(deny.AtListIndex(2)), "scope.permission")
	})
	t.Run("zero max_lifetime", func(t *testing.T) {
		t.Parallel()
		diags := validate(t, map[string]tftypes.Value{"policy": testPolicyBlock(t, map[string]tftypes.Value{"max_lifetime": str("0d")})})
		wantDiag(t, diags, "Invalid policy max_lifetime", pathOf(path.Root("policy").AtName("max_lifetime")), "zero")
	})
	t.Run("malformed expiry_warning", func(t *testing.T) {
		t.Parallel()
		diags := validate(t, map[string]tftypes.Value{"policy": testPolicyBlock(t, map[string]tftypes.Value{"expiry_warning": str("two days")})})
		wantDiag(t, diags, "Invalid duration", pathOf(path.Root("policy").AtName("expiry_warning")), `"two days"`, "is not valid")
	})
	t.Run("zero max_idle", func(t *testing.T) {
		t.Parallel()
		diags := validate(t, map[string]tftypes.Value{"policy": testPolicyBlock(t, map[string]tftypes.Value{"max_idle": str("0s")})})
		wantDiag(t, diags, "Invalid policy max_idle", pathOf(path.Root("policy").AtName("max_idle")), "zero")
	})
	t.Run("warn_at is said once, by its OneOf validator", func(t *testing.T) {
		t.Parallel()
		diags := validate(t, map[string]tftypes.Value{"policy": testPolicyBlock(t, map[string]tftypes.Value{"warn_at": str("bogus")})})
		wantDiag(t, diags, "Invalid Attribute Value Match", pathOf(path.Root("policy").AtName("warn_at")), `"bogus"`)
	})
	t.Run("relative base_url", func(t *testing.T) {
		t.Parallel()
		diags := validate(t, map[string]tftypes.Value{"base_url": str("app.xano.com/api:meta")})
		wantDiag(t, diags, "Invalid Xano base URL", pathOf(path.Root("base_url")), xano.DefaultBaseURL)
	})
	t.Run("invalid request_timeout", func(t *testing.T) {
		t.Parallel()
		diags := validate(t, map[string]tftypes.Value{"request_timeout": str("-5s")})
		wantDiag(t, diags, "Invalid duration", pathOf(path.Root("request_timeout")), "negative")
	})
}

func TestProviderDataFrom(t *testing.T) {
	t.Parallel()
	var diags diag.Diagnostics
	if got := providerDataFrom(nil, &diags); got != nil || diags.HasError() {
		t.Errorf("nil provider data: got %v, %s; want nil and no diagnostics", got, renderDiags(diags))
	}
	want := &providerData{instance: "x"}
	if got := providerDataFrom(want, &diags); got != want || diags.HasError() {
		t.Errorf("providerDataFrom(*providerData) = %v, %s", got, renderDiags(diags))
	}
	if got := providerDataFrom("not provider data", &diags); got != nil {
		t.Errorf("providerDataFrom(string) = %v, want nil", got)
	}
	wantDiag(t, diags, "Unexpected Provider Data Type", nil, "got string", "bug in the provider")
}

// The tests below run the Terraform CLI against the provider served
// in-process. They set environment variables, so they do not run in
// parallel, and use the scope catalog data source, which needs a configured
// provider but no API, to make Terraform call Configure.

const catalogDataSource = `
data "xano_scope_catalog" "all" {}
`

// TestAccProviderMissingCredentials plans without any access token: the
// offline data sources work, and what needs the API says where to set one.
func TestAccProviderMissingCredentials(t *testing.T) {
	testAccIsolateEnv(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: catalogDataSource + `data "xano_scope_preset" "weweb" { name = "weweb" }`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.xano_scope_catalog.all", "scopes.#", "9"),
					resource.TestCheckResourceAttr("data.xano_scope_preset.weweb", "scopes.#", "2"),
				),
			},
			{
				Config: `data "xano_metadata_tokens" "audit" { instance = "main" }`,
				ExpectError: regexp.MustCompile(`Missing\s+Xano\s+access\s+token(.|\s)*access_token\s+argument` +
					`(.|\s)*XANO_ACCESS_TOKEN(.|\s)*~/\.xano/credentials\.yaml(.|\s)*XANO_CONFIG`),
			},
		},
	})
}

func TestAccProviderEnvironmentToken(t *testing.T) {
	testAccIsolateEnv(t)
	_, baseURL := emulatortest.Start(t, emulator.Options{AdminTokens: []string{"token-from-the-environment"}})
	t.Setenv(envBaseURL, baseURL)
	t.Setenv(envAccessToken, "token-from-the-environment")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: catalogDataSource,
			Check:  resource.TestCheckResourceAttr("data.xano_scope_catalog.all", "scopes.#", "9"),
		}},
	})
}

func TestAccProviderCredentialsFile(t *testing.T) {
	testAccIsolateEnv(t)
	_, baseURL := emulatortest.Start(t, emulator.Options{AdminTokens: []string{"token-from-the-file"}})
	file := writeFile(t, filepath.Join(t.TempDir(), "credentials.yaml"), fmt.Sprintf(
		"default: work\nprofiles:\n  work:\n    access_token: token-from-the-file\n    instance_origin: %s\n",
		strings.TrimSuffix(baseURL, "/api:meta")))
	t.Setenv(envConfig, file)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		// The failing step comes first: after it the state is still empty, so
		// the final destroy does not configure the provider with it.
		Steps: []resource.TestStep{
			{
				Config:      acctest.Provider{Body: []string{`profile = "staging"`}}.String() + catalogDataSource,
				ExpectError: regexp.MustCompile(`Xano\s+CLI\s+profile\s+not\s+found(.|\s)*"staging"(.|\s)*available\s+profiles:\s+"work"`),
			},
			{
				Config: catalogDataSource,
				Check:  resource.TestCheckResourceAttr("data.xano_scope_catalog.all", "scopes.#", "9"),
			},
		},
	})
}

func TestAccProviderInvalidPolicy(t *testing.T) {
	testAccIsolateEnv(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: acctest.Provider{BaseURL: "https://x1.xano.io/api:meta", AccessToken: "tok"}.String() +
					acctest.Provider{Alias: "strict", AccessToken: "tok",
						Policy: []string{acctest.Attr("deny", []string{"workspace_database.delete", "workspace_databse.delete"})}}.String() + `
data "xano_scope_catalog" "strict" {
  provider = xano.strict
}
`,
				ExpectError: regexp.MustCompile(`Invalid\s+deny\s+pattern(.|\s)*Did\s+you\s+mean\s+"workspace_database"\?`),
			},
			{
				Config:      acctest.Provider{AccessToken: "tok", Policy: []string{`warn_at = "low"`}}.String() + catalogDataSource,
				ExpectError: regexp.MustCompile(`(?i)value\s+must\s+be\s+one\s+of`),
			},
		},
	})
}

// TestAccProviderUnknownValue configures the provider from a value only
// known after apply, which Terraform allows and the provider must refuse
// with a clear message.
func TestAccProviderUnknownValue(t *testing.T) {
	testAccIsolateEnv(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "terraform_data" "instance" {
  input = "x1"
}
` + acctest.Provider{AccessToken: "tok", Body: []string{"instance = terraform_data.instance.output"}}.String() + catalogDataSource,
			ExpectError: regexp.MustCompile(`Unknown\s+Xano\s+instance(.|\s)*known\s+at\s+plan\s+time`),
		}},
	})
}

// fakeEnv is an environment with the given variables and home directory.
func fakeEnv(vars map[string]string, home string) environment {
	return environment{
		getenv: func(k string) string { return vars[k] },
		homeDir: func() (string, error) {
			if home == "" {
				return "", errors.New("no home directory")
			}
			return home, nil
		},
	}
}
