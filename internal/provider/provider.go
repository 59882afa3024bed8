// Package provider implements the Terraform provider for Xano Metadata API
// access tokens: the provider configuration, resources, data sources and the
// ephemeral resource.
package provider

import (
	"cmp"
	"context"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// Ensure the implementation satisfies the expected interfaces.
var (
	_ provider.Provider                       = &xanoProvider{}
	_ provider.ProviderWithEphemeralResources = &xanoProvider{}
)

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
		NewTokenProbeDataSource,
	}
}

// EphemeralResources lists the ephemeral resources.
func (p *xanoProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{NewMetadataTokenEphemeralResource}
}
