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

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/duration"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// Ensure the implementation satisfies the expected interfaces.
var (
	_ provider.Provider                       = &xanoProvider{}
	_ provider.ProviderWithValidateConfig     = &xanoProvider{}
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
	BaseURL        types.String `tfsdk:"base_url"`
	AccessToken    types.String `tfsdk:"access_token"`
	Instance       types.String `tfsdk:"instance"`
	Profile        types.String `tfsdk:"profile"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
	SkipCheck      types.Bool   `tfsdk:"skip_credentials_validation"`
	Policy         types.Object `tfsdk:"policy"`
}

// providerPolicyModel maps the policy block.
type providerPolicyModel struct {
	WarnAt             types.String `tfsdk:"warn_at"`
	Deny               types.List   `tfsdk:"deny"`
	MaxLifetime        types.String `tfsdk:"max_lifetime"`
	RequireDescription types.Bool   `tfsdk:"require_description"`
	Enforce            types.Bool   `tfsdk:"enforce"`
	MaxIdle            types.String `tfsdk:"max_idle"`
	ExpiryWarning      types.String `tfsdk:"expiry_warning"`
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
				Optional: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
				},
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
				Optional: true,
			},
			"skip_credentials_validation": schema.BoolAttribute{
				MarkdownDescription: "Skip the checks the provider makes when it is configured and at plan time: " +
					"`GET /auth/me` with the access token, so a wrong token or an unreachable `base_url` fails " +
					"`terraform plan` once, on this block; and the instance check (`GET /instance`), which fails a " +
					"plan whose `instance` is not one of the account's; and the token-limit check, which lists the tokens of " +
					"an instance where a plan creates tokens and fails a plan that would pass Xano's limit of 10. Set it to " +
					"`true` to plan offline. " +
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
					},
					"max_lifetime": schema.StringAttribute{
						MarkdownDescription: "Longest `expires_in` allowed without a high finding, as a duration " +
							"such as `90d` or `2w`. No cap when unset.",
						Optional: true,
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
						Optional: true,
					},
					"expiry_warning": expiryWarningAttribute(),
				},
			},
		},
	}
}

// ValidateConfig checks what the schema validators cannot: durations, the
// base URL and deny patterns, each error pointing at its attribute. Unknown
// values are skipped here and reported by Configure.
func (p *xanoProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var cfg xanoProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if known(cfg.BaseURL) {
		if err := checkBaseURL(cfg.BaseURL.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("base_url"), "Invalid Xano base URL", capitalize(err.Error())+".")
		}
	}
	if known(cfg.RequestTimeout) {
		parseRequestTimeout(cfg.RequestTimeout.ValueString(), &resp.Diagnostics)
	}
	policyFromConfig(ctx, cfg.Policy, false, &resp.Diagnostics)
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
	pol := policyFromConfig(ctx, cfg.Policy, true, &resp.Diagnostics)
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

	timeout := xano.DefaultRequestTimeout
	if !cfg.RequestTimeout.IsNull() {
		timeout = parseRequestTimeout(cfg.RequestTimeout.ValueString(), &resp.Diagnostics)
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
			resp.Diagnostics.AddError("Cannot create the Xano API client",
				fmt.Sprintf("The provider configuration was rejected: %s.", strings.TrimSuffix(err.Error(), ".")))
			return
		}
		data.client = client
		data.instances = newInstanceDirectory(client)
		data.limits = newTokenLedger(client.ListTokens, now)
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

func addUnknownError(diags *diag.Diagnostics, p path.Path, summary, hint string) {
	diags.AddAttributeError(p, summary, fmt.Sprintf(
		"The provider cannot create the Xano API client because %s is unknown until apply. "+
			"Set it to a value known at plan time, such as a literal or a variable%s, "+
			"or remove it to use the default.", p, hint))
}

// checkBaseURL rejects what the API client would refuse, with the client's
// own parser, so the error points at base_url rather than surfacing when the
// client is built. Like the parser's, its message never shows the URL's
// user information.
func checkBaseURL(raw string) error {
	_, err := xano.ParseBaseURL(raw)
	return err
}

// parseRequestTimeout parses request_timeout, adding an attribute error when
// it is not a positive duration.
func parseRequestTimeout(s string, diags *diag.Diagnostics) time.Duration {
	d, err := duration.Parse(s)
	if err == nil && d <= 0 {
		err = fmt.Errorf("duration %q is zero", s)
	}
	if err != nil {
		diags.AddAttributeError(path.Root("request_timeout"), "Invalid request_timeout",
			fmt.Sprintf("%s. Set a positive duration such as \"30s\" or \"2m\", or remove request_timeout to use %s.",
				strings.TrimSuffix(err.Error(), "."), xano.DefaultRequestTimeout))
	}
	return d
}

// policyFromConfig validates the policy block and, with requireKnown
// (Configure), builds the policy, an unknown value being an error. Without it
// (ValidateConfig) unknown values are skipped and nothing is built. The policy
// is meaningful only when no error was added.
func policyFromConfig(ctx context.Context, obj types.Object, requireKnown bool, diags *diag.Diagnostics) policy.Policy {
	root := path.Root("policy")
	if obj.IsNull() {
		return policy.Default()
	}
	if obj.IsUnknown() {
		if requireKnown {
			addUnknownError(diags, root, "Unknown policy", "")
		}
		return policy.Default()
	}
	var m providerPolicyModel
	if d := obj.As(ctx, &m, basetypes.ObjectAsOptions{}); d.HasError() {
		diags.Append(d...)
		return policy.Default()
	}

	complete := true
	unknown := func(p path.Path) {
		complete = false
		if requireKnown {
			addUnknownError(diags, p, "Unknown policy value", "")
		}
	}
	for _, v := range []struct {
		value interface{ IsUnknown() bool }
		attr  string
	}{
		{m.WarnAt, "warn_at"}, {m.Deny, "deny"}, {m.MaxLifetime, "max_lifetime"},
		{m.RequireDescription, "require_description"}, {m.Enforce, "enforce"}, {m.MaxIdle, "max_idle"},
		{m.ExpiryWarning, "expiry_warning"},
	} {
		if v.value.IsUnknown() {
			unknown(root.AtName(v.attr))
		}
	}

	valid := true
	var deny []string
	if !m.Deny.IsNull() && !m.Deny.IsUnknown() {
		for i, e := range m.Deny.Elements() {
			p := root.AtName("deny").AtListIndex(i)
			s, ok := e.(types.String)
			switch {
			case !ok:
				diags.AddAttributeError(p, "Invalid deny pattern", fmt.Sprintf("Expected a string, got %s. This is a bug in the provider, please report it.", e.Type(ctx)))
				valid = false
			case s.IsUnknown():
				unknown(p)
			case s.IsNull():
				diags.AddAttributeError(p, "Invalid deny pattern",
					"A deny entry is null. Write each entry as scope.permission, such as \"workspace_database.delete\", or remove it.")
				valid = false
			default:
				if _, err := policy.ParsePattern(s.ValueString()); err != nil {
					diags.AddAttributeError(p, "Invalid deny pattern", capitalize(err.Error())+".")
					valid = false
					continue
				}
				deny = append(deny, s.ValueString())
			}
		}
	}
	if known(m.MaxLifetime) {
		// ParsePolicy with only max_lifetime set reports exactly its errors,
		// so the message stays the policy package's and the path is precise.
		if _, errs := policy.ParsePolicy("", nil, m.MaxLifetime.ValueString(), false, false); len(errs) > 0 {
			for _, err := range errs {
				diags.AddAttributeError(root.AtName("max_lifetime"), "Invalid policy max_lifetime", capitalize(err.Error())+".")
			}
			valid = false
		}
	}
	maxIdle, ok := maxIdleFromConfig(m.MaxIdle, root.AtName("max_idle"), diags)
	valid = valid && ok
	expiryWarning, ok := parseExpiryWarning(m.ExpiryWarning, root.AtName("expiry_warning"), diags)
	valid = valid && ok
	// ValidateConfig stops here: all ParsePolicy could add is a second error
	// about warn_at, whose OneOf validator already reports it.
	if !complete || !valid || !requireKnown {
		return policy.Default()
	}

	// A null warn_at reaches ParsePolicy as "", which means the default.
	pol, errs := policy.ParsePolicy(m.WarnAt.ValueString(), deny, m.MaxLifetime.ValueString(),
		m.RequireDescription.ValueBool(), m.Enforce.ValueBool())
	for _, err := range errs {
		diags.AddAttributeError(root, "Invalid provider policy", capitalize(err.Error())+".")
	}
	pol.MaxIdle = maxIdle
	pol.ExpiryWarning = expiryWarning
	return pol
}

// maxIdleFromConfig parses the policy's max_idle, 0 when it is unset or
// unknown; ok is false when it added an error at p.
func maxIdleFromConfig(v types.String, p path.Path, diags *diag.Diagnostics) (time.Duration, bool) {
	if !known(v) {
		return 0, true
	}
	d, err := policy.ParseMaxIdle(v.ValueString())
	if err != nil {
		diags.AddAttributeError(p, "Invalid policy max_idle", capitalize(err.Error())+".")
		return 0, false
	}
	return d, true
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
// provider argument, then environment variable, then the CLI profile. The
// credentials file is read only when no token was given, or when a profile is
// chosen explicitly. A missing token is not added to diags but returned in
// missingToken: only what needs the API fails without one.
func resolveConnection(in connectionInput, env environment, diags *diag.Diagnostics) connection {
	var out connection
	pick := func(arg, envName string) (string, string) {
		if v := strings.TrimSpace(arg); v != "" {
			return v, "argument"
		}
		if v := strings.TrimSpace(env.getenv(envName)); v != "" {
			return v, envName
		}
		return "", ""
	}
	out.baseURL, out.baseURLSource = pick(in.baseURL, envBaseURL)
	out.accessToken, out.accessTokenSource = pick(in.accessToken, envAccessToken)
	out.instance, out.instanceSource = pick(in.instance, envInstance)
	profileName, profileSource := pick(in.profile, envProfile)
	explicit := profileName != ""

	// fileNote explains, in the missing-token error, what the file gave.
	var fileNote string
	if out.accessToken == "" || explicit {
		file := credentialsPath(env)
		var f *credentialsFile
		var err error
		if file != "" {
			f, err = loadCredentials(file)
		}
		switch {
		case file == "":
			fileNote = "No home directory was found to look for " + defaultCredentialsPath + "."
			if explicit {
				diags.AddAttributeError(path.Root("profile"), "Xano CLI profile not found", fmt.Sprintf(
					"Profile %q was chosen (%s), but no credentials file could be located: there is no home "+
						"directory and %s is not set. Set %s to the path of the file written by Xano's CLI.",
					profileName, sourceText(profileSource), envConfig, envConfig))
				return out
			}
		case errors.Is(err, fs.ErrNotExist):
			fileNote = fmt.Sprintf("The credentials file %s does not exist.", file)
			if explicit {
				diags.AddAttributeError(path.Root("profile"), "Xano CLI profile not found", fmt.Sprintf(
					"Profile %q was chosen (%s), but the credentials file %s does not exist. Log in with "+
						"Xano's CLI to create it, point %s at the file, or remove the profile setting.",
					profileName, sourceText(profileSource), file, envConfig))
				return out
			}
		case err != nil:
			diags.AddError("Cannot read the Xano CLI credentials file", fmt.Sprintf(
				"The provider read %s because no access token was set otherwise, and failed: %s. "+
					"Fix or remove the file, or set the access_token argument or the %s environment variable.",
				file, strings.TrimSuffix(err.Error(), "."), envAccessToken))
			return out
		default:
			name := profileName
			if name == "" {
				name = f.Default
			}
			if name == "" {
				name = defaultProfileName
			}
			prof, ok := f.profile(name)
			if !ok {
				available := "it has no profiles"
				if names := f.profileNames(); len(names) > 0 {
					available = "available profiles: " + strings.Join(quoteAll(names), ", ")
				}
				if explicit || f.Default != "" {
					where := sourceText(profileSource)
					if !explicit {
						where = "named by the file's default key"
					}
					detail := fmt.Sprintf(
						"Profile %q (%s) is not in %s; %s. Choose one of them with the profile argument or %s, "+
							"or log in with Xano's CLI to create the profile.",
						name, where, file, available, envProfile)
					if explicit {
						diags.AddAttributeError(path.Root("profile"), "Xano CLI profile not found", detail)
					} else {
						diags.AddError("Xano CLI profile not found", detail)
					}
					return out
				}
				fileNote = fmt.Sprintf("The credentials file %s has no %q profile; %s.", file, name, available)
				break
			}
			out.credentialsFile = file
			if out.accessToken == "" {
				out.accessToken, out.accessTokenSource = prof.AccessToken, "profile "+name
				if prof.AccessToken == "" {
					fileNote = fmt.Sprintf("Profile %q of %s has no access_token.", name, file)
				}
			}
			if out.baseURL == "" {
				if u := prof.metaBaseURL(); u != "" {
					out.baseURL, out.baseURLSource = u, "profile "+name
				}
			}
			if out.instance == "" && prof.Instance != "" {
				out.instance, out.instanceSource = prof.Instance, "profile "+name
			}
		}
	}

	if out.baseURL == "" {
		out.baseURL, out.baseURLSource = xano.DefaultBaseURL, "default"
	} else if err := checkBaseURL(out.baseURL); err != nil {
		diags.AddAttributeError(path.Root("base_url"), "Invalid Xano base URL",
			fmt.Sprintf("From %s: %s.", sourceText(out.baseURLSource), strings.TrimSuffix(err.Error(), ".")))
		return out
	}
	if out.accessToken == "" {
		detail := "The provider needs a Xano Metadata API access token and found none. Set one of:\n" +
			"  - the access_token argument of the provider block,\n" +
			"  - the " + envAccessToken + " environment variable,\n" +
			"  - a profile in " + defaultCredentialsPath + ", as written by Xano's CLI when you log in " +
			"(" + envConfig + " names another file; the profile argument or " + envProfile + " picks the profile).\n" +
			"Create a token in the Xano dashboard under Settings, Metadata API."
		if fileNote != "" {
			detail += "\n\n" + fileNote
		}
		out.missingToken = diag.NewAttributeErrorDiagnostic(path.Root("access_token"), "Missing Xano access token", detail)
	}
	return out
}

// sourceText names, in a diagnostic, where a setting came from: "argument",
// an environment variable's name or "profile <name>".
func sourceText(source string) string {
	if source == "argument" {
		return "the provider argument"
	}
	if strings.HasPrefix(source, "XANO_") {
		return "the " + source + " environment variable"
	}
	return source
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
