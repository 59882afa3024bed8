package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/duration"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// maxMaxRetries bounds max_retries. Defaults come from xano and policy, as
// provider schemas cannot carry them: Configure applies them and the schema
// descriptions quote them.
const maxMaxRetries = 10

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
	ExpiryWarning      DurationValue `tfsdk:"expiry_warning"`
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
					"expiry_warning": schema.StringAttribute{
						MarkdownDescription: "How far ahead `terraform plan` warns about a `xano_metadata_token` that will expire with " +
							"no `rotate_before` to replace it, as a duration such as `2d` or `12h`; `0s` turns the warning off. " +
							"Defaults to `" + duration.Format(policy.DefaultExpiryWarning) + "`. A token with `rotate_before` never " +
							"gets this warning: the plan replaces it before it expires.",
						CustomType: DurationType{},
						Optional:   true,
					},
				},
			},
		},
	}
}
