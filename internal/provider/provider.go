// Package provider implements the Terraform provider for Xano Metadata API
// access tokens: the provider configuration, resources, data sources and the
// ephemeral resource.
package provider

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// Ensure the implementation satisfies the expected interfaces.
var (
	_ provider.Provider                       = &xanoProvider{}
	_ provider.ProviderWithEphemeralResources = &xanoProvider{}
)

// maxMaxRetries bounds max_retries. Defaults come from xano and policy, as
// provider schemas cannot carry them: Configure applies them and the schema
// descriptions quote them.
const maxMaxRetries = 10

// environment is where the provider reads environment variables and the home
// directory; tests substitute it so they need not touch the process state.
type environment struct {
	getenv  func(string) string
	homeDir func() (string, error)
}

func osEnvironment() environment {
	return environment{getenv: os.Getenv, homeDir: os.UserHomeDir}
}

// xanoProvider is the provider implementation.
type xanoProvider struct {
	// version is "dev" for local builds, the release version otherwise, and
	// "test" in acceptance tests.
	version string
	now     func() time.Time
	env     environment
	// open is where ephemeral tokens are recorded until they are closed:
	// the process's registry, which Shutdown empties, outside tests.
	open *openTokens
}

// New returns a constructor for the provider, as providerserver expects.
func New(version string) func() provider.Provider {
	return NewWithClock(version, time.Now)
}

// NewWithClock is New with the clock resources use to judge expiry and
// rotation, so acceptance tests can move time without waiting.
func NewWithClock(version string, now func() time.Time) func() provider.Provider {
	return func() provider.Provider {
		return &xanoProvider{version: version, now: now, env: osEnvironment(), open: processOpenTokens}
	}
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
}

// Metadata returns the provider type name.
func (p *xanoProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "xano"
	resp.Version = p.version
}

// Schema defines the provider-level schema.
func (p *xanoProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages [Xano](https://www.xano.com) Metadata API access tokens: their scopes, " +
			"lifetime and rotation, with a plan-time risk review of every grant.\n\n" +
			"Each setting is taken from the provider block first, then from its environment variable, then from " +
			"the profile of Xano's CLI credentials file (`~/.xano/credentials.yaml`, moved by `XANO_CONFIG`).",
		Attributes: map[string]schema.Attribute{
			"base_url": schema.StringAttribute{
				MarkdownDescription: "Root URL of the Xano Metadata API. Can also be set with the `XANO_BASE_URL` " +
					"environment variable, or comes from the profile's `instance_origin` plus `/api:meta`. " +
					"Defaults to `" + xano.DefaultBaseURL + "`.",
				Optional:   true,
				Validators: []validator.String{baseURLValidator{}},
			},
			"access_token": schema.StringAttribute{
				MarkdownDescription: "Metadata API access token used to manage other tokens. Can also be set with " +
					"the `XANO_ACCESS_TOKEN` environment variable, or comes from the selected profile of Xano's CLI " +
					"credentials file.",
				Optional:  true,
				Sensitive: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
				},
			},
			"instance": schema.StringAttribute{
				MarkdownDescription: "Default Xano instance for resources and data sources that do not set their " +
					"own. Can also be set with the `XANO_INSTANCE` environment variable, or comes from the profile's " +
					"`instance`.",
				Optional:   true,
				Validators: instanceValidators(),
			},
			"profile": schema.StringAttribute{
				MarkdownDescription: "Profile of Xano's CLI credentials file to use. Can also be set with the " +
					"`XANO_PROFILE` environment variable. Defaults to the file's `default` key, else `default`. " +
					"The file is read only when no access token is set otherwise, or when a profile is named " +
					"explicitly; a named profile that does not exist is an error.",
				Optional: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
				},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a request is retried after a rate limit (429), a "+
					"server error (5xx) or a dropped connection, with backoff that honours `Retry-After`. "+
					"Between 0 and %d; defaults to %d.", maxMaxRetries, xano.DefaultMaxRetries),
				Optional: true,
				Validators: []validator.Int64{
					int64validator.Between(0, maxMaxRetries),
				},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "Time limit of each HTTP attempt, as a duration such as `30s` or `2m`. " +
					"Defaults to `" + xano.DefaultRequestTimeout.String() + "`.",
				CustomType: DurationType{},
				Optional:   true,
				Validators: []validator.String{requestTimeoutRule},
			},
			"skip_credentials_validation": schema.BoolAttribute{
				MarkdownDescription: "Skip the checks the provider makes when it is configured and at plan time: " +
					"`GET /auth/me` with the access token, so a wrong token or an unreachable `base_url` fails " +
					"`terraform plan` once, on this block; and the instance check (`GET /instance`), which fails a " +
					"plan whose `instance` is not one of the account's. Set it to `true` to plan offline. " +
					"Defaults to `false`. Without an access token no check is made, so a configuration that uses only " +
					"the offline data sources (`xano_scope_catalog`, `xano_scope_preset`) needs no token at all.",
				Optional: true,
			},
		},
		Blocks: map[string]schema.Block{
			"policy": schema.SingleNestedBlock{
				MarkdownDescription: "Organisation guardrails applied to every token at plan time. Without this " +
					"block, findings of severity high and above are reported as warnings and nothing is denied.",
				Attributes: map[string]schema.Attribute{
					"warn_at": schema.StringAttribute{
						MarkdownDescription: "Lowest severity reported: `medium`, `high` or `critical`. " +
							"Defaults to `" + policy.Default().WarnAt.String() + "`.",
						Optional: true,
						Validators: []validator.String{
							stringvalidator.OneOf("medium", "high", "critical"),
						},
					},
					"deny": schema.ListAttribute{
						MarkdownDescription: "Grants that always fail the plan, written `scope.permission`, where " +
							"either side may be `*`: for example `workspace_database.delete`, " +
							"`workspace_live_data_source.*` or `*.delete`. A deny match is an error whatever " +
							"`enforce` or a resource's `risk_acknowledgement` say.",
						ElementType: types.StringType,
						Optional:    true,
						Validators:  []validator.List{listvalidator.ValueStringsAre(denyPatternValidator{})},
					},
					"max_lifetime": schema.StringAttribute{
						MarkdownDescription: "Longest `expires_in` allowed without a high finding, as a duration " +
							"such as `90d` or `2w`. No cap when unset.",
						CustomType: DurationType{},
						Optional:   true,
						Validators: []validator.String{maxLifetimeRule},
					},
					"require_description": schema.BoolAttribute{
						MarkdownDescription: "Make a token without a description a high finding. Defaults to `false`.",
						Optional:            true,
					},
					"enforce": schema.BoolAttribute{
						MarkdownDescription: "Turn findings at or above `warn_at` into errors, except on resources " +
							"that carry a `risk_acknowledgement`. Defaults to `false`.",
						Optional: true,
					},
					"max_idle": schema.StringAttribute{
						MarkdownDescription: "Longest a valid token may go unused, as a duration such as `30d`: a token " +
							"never used and created longer ago, or last used longer ago, is a high finding with rule `idle`, " +
							"in the audit (`xano_metadata_tokens`) and in the plan of a managed token, judged at its refresh. " +
							"An idle token warns but never fails a plan, even under `enforce`. No idle finding when unset.",
						CustomType: DurationType{},
						Optional:   true,
						Validators: []validator.String{maxIdleRule},
					},
				},
			},
		},
	}
}

// Configure resolves the connection settings and builds the API client
// shared by every resource, data source and ephemeral resource.
func (p *xanoProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg xanoProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// Follows the framework's guidance: a value unknown at plan time cannot
	// configure a client, so each one is an error on its own attribute.
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
	} {
		if u.value.IsUnknown() {
			addUnknownError(&resp.Diagnostics, path.Root(u.attr), u.summary, u.hint)
		}
	}
	pol := policyFromConfig(ctx, cfg.Policy, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	conn := resolveConnection(connectionInput{
		baseURL:     cfg.BaseURL.ValueString(),
		accessToken: cfg.AccessToken.ValueString(),
		instance:    cfg.Instance.ValueString(),
		profile:     cfg.Profile.ValueString(),
	}, p.env, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = maskSecrets(ctx, conn.accessToken)
	skipChecks := cfg.SkipCheck.ValueBool()

	// Validation has refused a bad request_timeout already; this error only
	// guards against a configuration that skipped it.
	timeout := xano.DefaultRequestTimeout
	if !cfg.RequestTimeout.IsNull() {
		d, err := parseRequestTimeout(cfg.RequestTimeout.ValueString())
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("request_timeout"), "Invalid request_timeout", capitalize(err.Error())+".")
		}
		timeout = d
	}
	retries := xano.DefaultMaxRetries
	if !cfg.MaxRetries.IsNull() {
		retries = int(cfg.MaxRetries.ValueInt64())
	}
	if resp.Diagnostics.HasError() {
		return
	}

	now := p.now
	if now == nil {
		now = time.Now
	}
	data := &providerData{
		instance:        conn.instance,
		instanceSource:  conn.instanceSource,
		credentialsFile: conn.credentialsFile,
		policy:          pol,
		now:             now,
		accessToken:     conn.accessToken,
		skipChecks:      skipChecks,
		missingToken:    conn.missingToken,
		open:            cmp.Or(p.open, processOpenTokens),
	}
	// Without a token there is no client: the offline data sources still
	// work, and whatever needs the API reports the missing token.
	if conn.missingToken == nil {
		client, err := xano.New(xano.Config{
			BaseURL:        conn.baseURL,
			AccessToken:    conn.accessToken,
			Version:        p.version,
			MaxRetries:     retries,
			RequestTimeout: timeout,
			Logger:         tflogLogger{},
		})
		if err != nil {
			resp.Diagnostics.Append(clientError(err))
			return
		}
		data.client = client
		data.instances = newInstanceDirectory(client)
		if !skipChecks {
			checkCredentials(ctx, client, conn, &resp.Diagnostics)
			if resp.Diagnostics.HasError() {
				return
			}
		}
	}

	tflog.Debug(ctx, "Configured the Xano API client", map[string]any{
		"base_url":        conn.baseURL,
		"base_url_source": conn.baseURLSource,
		"token_source":    conn.accessTokenSource,
		"instance":        conn.instance,
		"max_retries":     retries,
		"request_timeout": timeout.String(),
		"has_token":       data.client != nil,
		"skip_checks":     skipChecks,
	})
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.EphemeralResourceData = data
}

// Resources lists the managed resources.
func (p *xanoProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewMetadataTokenResource}
}

// DataSources lists the data sources.
func (p *xanoProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewScopeCatalogDataSource,
		NewScopePresetDataSource,
		NewMetadataTokensDataSource,
		NewInstancesDataSource,
		NewInstanceDataSource,
	}
}

// EphemeralResources lists the ephemeral resources.
func (p *xanoProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{NewMetadataTokenEphemeralResource}
}

// known reports whether a string is set to a known value.
func known(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }

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
		WarnAt:             m.WarnAt.ValueString(),
		Deny:               deny,
		MaxLifetime:        m.MaxLifetime.ValueString(),
		RequireDescription: m.RequireDescription.ValueBool(),
		Enforce:            m.Enforce.ValueBool(),
		MaxIdle:            m.MaxIdle.ValueString(),
	})
	// Validation reported each of these on its attribute already.
	for _, err := range errs {
		diags.AddAttributeError(root, "Invalid provider policy", capitalize(err.Error())+".")
	}
	return pol
}

// capitalize starts a diagnostic detail with a capital letter, as the error
// strings it wraps start in lower case by Go convention.
func capitalize(s string) string {
	s = strings.TrimSuffix(s, ".")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// connectionInput holds the connection arguments of the provider block, ""
// where unset.
type connectionInput struct {
	baseURL, accessToken, instance, profile string
}

// connection is where the provider will connect, and with which token.
type connection struct {
	baseURL, accessToken, instance string
	// Sources say where each setting came from ("argument", an environment
	// variable's name, "profile <name>" or "default"), for diagnostics and
	// debug logs; credentialsFile is the file a profile was read from.
	baseURLSource, accessTokenSource, instanceSource string
	credentialsFile                                  string
	// missingToken is the error to report, where the API is needed, when no
	// access token was found; nil when one was.
	missingToken diag.Diagnostic
}

// resolveConnection applies the documented precedence to each setting:
// provider argument, then environment variable, then the CLI profile. It
// loads what each place holds, merges it and validates the result. A missing
// token is not added to diags but returned in missingToken: only what needs
// the API fails without one.
func resolveConnection(in connectionInput, env environment, diags *diag.Diagnostics) connection {
	set := loadSettings(in, env)
	prof, ok := loadProfile(set, env, diags)
	if !ok {
		return connection{}
	}
	conn := mergeConnection(set, prof)
	validateConnection(&conn, prof.note, diags)
	return conn
}

// setting is one connection setting and where it came from: "argument", an
// environment variable's name, "profile <name>" or "default".
type setting struct{ value, source string }

// settings are the connection settings the provider block and the
// environment give, before the credentials file is read.
type settings struct{ baseURL, accessToken, instance, profile setting }

// loadSettings takes each setting from its argument, else its environment
// variable.
func loadSettings(in connectionInput, env environment) settings {
	pick := func(arg, envName string) setting {
		if v := strings.TrimSpace(arg); v != "" {
			return setting{v, "argument"}
		}
		if v := strings.TrimSpace(env.getenv(envName)); v != "" {
			return setting{v, envName}
		}
		return setting{}
	}
	return settings{
		baseURL:     pick(in.baseURL, envBaseURL),
		accessToken: pick(in.accessToken, envAccessToken),
		instance:    pick(in.instance, envInstance),
		profile:     pick(in.profile, envProfile),
	}
}

// loadedProfile is what the credentials file gave: the profile, when one was
// read, and otherwise a note on why not, for the missing-token error.
type loadedProfile struct {
	name, file string
	profile    *credentialsProfile
	note       string
}

// loadProfile reads the credentials file when no token was given, or when a
// profile is chosen explicitly. ok is false when it added an error: a chosen
// profile that cannot be found, or a file that cannot be read.
func loadProfile(set settings, env environment, diags *diag.Diagnostics) (loadedProfile, bool) {
	explicit := set.profile.value != ""
	if set.accessToken.value != "" && !explicit {
		return loadedProfile{}, true
	}
	file := credentialsPath(env)
	if file == "" {
		if explicit {
			diags.Append(profileWithoutFile(set.profile))
			return loadedProfile{}, false
		}
		return loadedProfile{note: "No home directory was found to look for " + defaultCredentialsPath + "."}, true
	}
	f, err := loadCredentials(file)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if explicit {
			diags.Append(profileFileMissing(set.profile, file))
			return loadedProfile{}, false
		}
		return loadedProfile{note: fmt.Sprintf("The credentials file %s does not exist.", file)}, true
	case err != nil:
		diags.Append(credentialsUnreadable(file, err))
		return loadedProfile{}, false
	}
	name := cmp.Or(set.profile.value, f.Default, defaultProfileName)
	prof, found := f.profile(name)
	if !found {
		available := "it has no profiles"
		if names := f.profileNames(); len(names) > 0 {
			available = "available profiles: " + strings.Join(quoteAll(names), ", ")
		}
		if explicit || f.Default != "" {
			diags.Append(profileNotFound(set.profile, name, file, available))
			return loadedProfile{}, false
		}
		return loadedProfile{note: fmt.Sprintf("The credentials file %s has no %q profile; %s.", file, name, available)}, true
	}
	out := loadedProfile{name: name, file: file, profile: &prof}
	if set.accessToken.value == "" && prof.AccessToken == "" {
		out.note = fmt.Sprintf("Profile %q of %s has no access_token.", name, file)
	}
	return out, true
}

// mergeConnection fills what the arguments and environment left unset from
// the profile, and base_url from the default last.
func mergeConnection(set settings, prof loadedProfile) connection {
	out := connection{
		baseURL: set.baseURL.value, baseURLSource: set.baseURL.source,
		accessToken: set.accessToken.value, accessTokenSource: set.accessToken.source,
		instance: set.instance.value, instanceSource: set.instance.source,
	}
	if p := prof.profile; p != nil {
		from := "profile " + prof.name
		out.credentialsFile = prof.file
		if out.accessToken == "" {
			out.accessToken, out.accessTokenSource = p.AccessToken, from
		}
		if u := p.metaBaseURL(); out.baseURL == "" && u != "" {
			out.baseURL, out.baseURLSource = u, from
		}
		if out.instance == "" && p.Instance != "" {
			out.instance, out.instanceSource = p.Instance, from
		}
	}
	if out.baseURL == "" {
		out.baseURL, out.baseURLSource = xano.DefaultBaseURL, "default"
	}
	return out
}

// validateConnection checks the merged settings: a base_url that did not go
// through schema validation (from the environment or a profile) is an error;
// a missing token is recorded in missingToken, with note saying what the
// credentials file gave.
func validateConnection(conn *connection, note string, diags *diag.Diagnostics) {
	if _, err := xano.ParseBaseURL(conn.baseURL); err != nil {
		diags.Append(invalidBaseURL(settingOrigin("base_url", conn.baseURLSource, conn.credentialsFile), err))
		return
	}
	if conn.accessToken == "" {
		conn.missingToken = missingTokenError(note)
	}
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
