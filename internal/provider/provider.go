// Package provider implements the Terraform provider for Xano Metadata API
// access tokens: the provider configuration, resources, data sources and the
// ephemeral resource.
package provider

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/duration"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/lifecycle"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// Ensure the implementation satisfies the expected interfaces.
var (
	_ provider.Provider                       = &xanoProvider{}
	_ provider.ProviderWithEphemeralResources = &xanoProvider{}
)

// xanoProvider is the provider implementation.
type xanoProvider struct {
	// version is "dev" for local builds, the release version otherwise, and
	// "test" in acceptance tests.
	version string
	now     func() time.Time
	env     environment
	// open is where ephemeral tokens are recorded until they are closed:
	// the process's registry, which Shutdown empties, outside tests.
	open *lifecycle.OpenTokens
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

// Metadata returns the provider type name.
func (p *xanoProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "xano"
	resp.Version = p.version
}

// Configure resolves the connection settings and builds the API client
// shared by every resource, data source and ephemeral resource.
func (p *xanoProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg xanoProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	checkKnown(cfg, &resp.Diagnostics)
	pol := policyFromConfig(ctx, cfg.Policy, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	conn := resolveConnection(connectionInput{
		baseURL:      cfg.BaseURL.ValueString(),
		accessToken:  cfg.AccessToken.ValueString(),
		instance:     cfg.Instance.ValueString(),
		profile:      cfg.Profile.ValueString(),
		insecureHTTP: cfg.InsecureHTTP.ValueBool(),
	}, p.env, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = maskSecrets(ctx, conn.accessToken)
	skipChecks := cfg.SkipCheck.ValueBool()

	timeout, retries := clientLimits(cfg, &resp.Diagnostics)
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
		intents:         &lifecycle.Intents{},
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
		data.instances = xano.NewDirectory(client)
		lists := lifecycle.NewLists(data.instances.ListTokens)
		lists.Detach = detachLogging
		data.limits = lifecycle.NewLedger(lists.Tokens, now)
		data.tokens = &lifecycle.Service{Client: client, Ledger: data.limits, Lists: lists, Instances: data.instances}
		if !skipChecks {
			data.prefetch(ctx)
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
		NewTokenProbeDataSource,
	}
}

// EphemeralResources lists the ephemeral resources.
func (p *xanoProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{NewMetadataTokenEphemeralResource}
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
			"insecure_http": schema.BoolAttribute{
				MarkdownDescription: "Allow a `base_url` that starts with `http://` and names a host other than a " +
					"loopback one (`localhost`, `127.0.0.0/8`, `::1`). Such a URL sends the access token in clear text, " +
					"so it is refused unless this is `true`, and then every run warns. Defaults to `false`.",
				Optional: true,
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
						MarkdownDescription: "Grants that fail a plan that would mint them (a create, a replacement " +
							"or a rotation), written `scope.permission`, where either side may be `*`: for example " +
							"`workspace_database.delete`, `workspace_live_data_source.*` or `*.delete`. Such a match is an " +
							"error whatever `enforce` or a resource's `risk_acknowledgement` say; on a token that already " +
							"exists it is one warning.",
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
						MarkdownDescription: "Turn findings at or above `warn_at` of a token a plan would mint into " +
							"errors, except on resources that carry a `risk_acknowledgement`; a token that already exists " +
							"gets one warning. Defaults to `false`.",
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
					"expiry_warning": schema.StringAttribute{
						MarkdownDescription: "How far ahead `terraform plan` warns about a `xano_metadata_token` that will expire with " +
							"no `rotate_before` to replace it, as a duration such as `2d` or `12h`; `0s` turns the warning off. " +
							"Defaults to `" + duration.Format(policy.DefaultExpiryWarning) + "`. A token with `rotate_before` never " +
							"gets this warning: the plan replaces it before it expires.",
						CustomType: DurationType{},
						Optional:   true,
					},
					"rotate_minted_before": schema.StringAttribute{
						MarkdownDescription: "Incident response: a cut-off time in RFC 3339, such as `\"2026-12-06T09:00:00Z\"`. " +
							"Every `xano_metadata_token` minted before it plans its rotation in the next plan: a replacement, " +
							"or the in-place rotation of a token with `rotation_overlap`, with a warning naming the cut-off. " +
							"A token minted after it is left alone, so the plan after the apply is empty; a cut-off in the " +
							"future rotates each token once, not at every plan. The audit (`xano_metadata_tokens`) reports " +
							"every token minted before it, managed or not, with rule `minted_before_cutoff`. Set it to the " +
							"time of a leak, apply, audit, then remove it; see the guide \"A token leaked\".",
						Optional: true,
					},
					"name_pattern": schema.StringAttribute{
						MarkdownDescription: "An RE2 regular expression every token name must match, such as " +
							"`\"^[a-z0-9]+(-[a-z0-9]+)*-(prod|staging|dev)$\"`. A plan that mints a token (create, replacement " +
							"or rotation) whose name does not match fails; an existing token that does not match gets a " +
							"warning. An ephemeral token's generated names (`<name>-<8 hex digits>`) must match it too. " +
							"An empty pattern is an error.",
						Optional: true,
					},
					"acknowledgement_max_age": schema.StringAttribute{
						MarkdownDescription: "Quarterly recertification: require `review_by` with every `risk_acknowledgement`, " +
							"no further ahead than this duration, such as `90d`. Past its `review_by` an acknowledgement " +
							"lapses whether this is set or not. Unset, `review_by` is optional.",
						CustomType: DurationType{},
						Optional:   true,
						Validators: []validator.String{durationRule{
							summary:     "Invalid policy acknowledgement_max_age",
							description: "value must be a positive duration",
							check: func(s string) error {
								_, err := policy.ParseAcknowledgementMaxAge(s)
								return err
							},
						}},
					},
				},
			},
		},
	}
}
