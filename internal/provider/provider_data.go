package provider

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/lifecycle"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// providerData is what Configure hands to every resource, data source and
// ephemeral resource.
type providerData struct {
	// client is nil when no access token was found; missingToken then holds
	// the error that whatever needs the API reports.
	client       *xano.Client
	missingToken diag.Diagnostic
	// missingTokenSaid is set once a plan-time caller has reported the
	// missing token, so the others need not say it again.
	missingTokenSaid atomic.Bool
	// instance is the default instance; it may be "". instanceSource says
	// where it came from, as connection does.
	instance       string
	instanceSource string
	// credentialsFile is the Xano CLI file a profile was read from, if any.
	credentialsFile string
	// instances is the account's instance list, read at most once per
	// provider process; nil without a client.
	instances *xano.Directory
	// instanceListErrorSaid and instanceMissingSaid keep plan-time errors
	// about the list and the provider's own instance to one per process.
	instanceListErrorSaid atomic.Bool
	instanceMissingSaid   sync.Map
	// limits is the plan-time ledger of the token limit, and tokens the
	// token service; nil without a client.
	limits *lifecycle.Ledger
	tokens *lifecycle.Service
	// intents hands the mints a plan decided to the creates that make them.
	intents *lifecycle.Intents
	// prefetched guards prefetchAccountLists.
	prefetched sync.Once
	// imported holds the ids ("<instance>/<token id>") of the tokens this
	// process imported: Terraform plans an import block's token in the
	// process that imports it, and its plan shows the review of a create.
	imported sync.Map
	// skipChecks is skip_credentials_validation: no request is made only to
	// check the configuration.
	skipChecks bool
	policy     policy.Policy
	// now is the clock used for expiry and rotation, time.Now outside tests.
	now func() time.Time
	// accessToken is kept only to mask it in logs.
	accessToken string
	// open records the ephemeral tokens opened and not closed, which the
	// process revokes when Terraform stops it.
	open *lifecycle.OpenTokens
}

// mask returns ctx with log masks for the access token and secrets; each RPC
// starts from a fresh log context, so every call begins with it.
func (d *providerData) mask(ctx context.Context, secrets ...string) context.Context {
	if d == nil {
		return maskSecrets(ctx, secrets...)
	}
	return maskSecrets(ctx, append([]string{d.accessToken}, secrets...)...)
}

// providerDataFrom converts a Configure request's ProviderData: nil while the
// provider is not configured yet, nil with an error for a foreign type.
func providerDataFrom(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	pd, ok := data.(*providerData)
	if !ok || pd == nil {
		diags.AddError("Unexpected Provider Data Type",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider, please report it.", data))
		return nil
	}
	return pd
}

// ready reports whether the provider was configured before what needed its
// client, adding an error when it was not. That is a bug in the provider or
// Terraform, never the user's, and the error says so.
func (d *providerData) ready(what string, diags *diag.Diagnostics) bool {
	if d != nil && d.client != nil {
		return true
	}
	if d != nil && d.missingToken != nil {
		d.missingTokenSaid.Store(true)
		diags.Append(d.missingTokenError())
		return false
	}
	diags.AddError("Provider not configured",
		fmt.Sprintf("The xano provider was not configured before %s. This is a bug in the provider or Terraform; please report it.", what))
	return false
}

// missingTokenError is the missing-token error as a resource or data source
// reports it: without the provider's attribute path, which names nothing in
// their schemas.
func (d *providerData) missingTokenError() diag.Diagnostic {
	return diag.NewErrorDiagnostic(d.missingToken.Summary(), d.missingToken.Detail())
}

// readyOnce is ready for the plan-time callers, a refresh and a plan, that
// can leave what they were given unchanged: the missing token is reported
// by the first of them only, as one error fails the whole plan.
func (d *providerData) readyOnce(what string, diags *diag.Diagnostics) bool {
	if d != nil && d.client == nil && d.missingToken != nil {
		if d.missingTokenSaid.CompareAndSwap(false, true) {
			diags.Append(d.missingTokenError())
		}
		return false
	}
	return d.ready(what, diags)
}

// instanceOr returns the configured instance when it is set, and the
// provider's default instance otherwise; "" when neither is.
func (d *providerData) instanceOr(configured types.String) string {
	if s := configured.ValueString(); s != "" {
		return s
	}
	return d.instance
}

// originOf returns the origin of the instance a resource, data source or
// ephemeral resource uses: its own argument when configured, the provider's
// setting otherwise.
func (d *providerData) originOf(configured bool) instanceOrigin {
	if configured {
		return instanceOrigin{text: "set in this block"}
	}
	return instanceOrigin{fromProvider: true, text: "from " + settingOrigin("instance", d.instanceSource, d.credentialsFile)}
}

// checkInstance fails the plan on attr when the account has no instance
// called name, with a did-you-mean, and returns the instance when known.
// Errors about the provider's own instance or the list are said once.
func (d *providerData) checkInstance(ctx context.Context, name string, origin instanceOrigin, attr path.Path, diags *diag.Diagnostics) *xano.Instance {
	if d == nil || d.skipChecks || d.instances == nil || name == "" {
		return nil
	}
	res, err := d.instances.Lookup(ctx, name, false)
	if err != nil {
		if d.instanceListErrorSaid.CompareAndSwap(false, true) {
			diags.Append(instanceCheckError(attr, name, origin, err))
		}
		return nil
	}
	if res.NotFound {
		if origin.fromProvider {
			if _, said := d.instanceMissingSaid.LoadOrStore(name, true); said {
				return nil
			}
		}
		diags.AddAttributeError(attr, "Xano instance not found", instanceNotFoundDetail(name, origin.text, "instance", res.List))
	}
	return res.Found
}

// metaAPIOf returns the Metadata API URL of instance, "" when it cannot be
// known; a failed lookup is only logged, since meta_api is not a check.
func (d *providerData) metaAPIOf(ctx context.Context, instance string) string {
	if d == nil || d.instances == nil || instance == "" {
		return ""
	}
	res, err := d.instances.Lookup(ctx, instance, false)
	if err != nil {
		tflog.Debug(ctx, "Cannot read the instance's Metadata API URL", map[string]any{"instance": instance, "error": err.Error()})
		return ""
	}
	if res.Found == nil {
		return ""
	}
	return res.Found.MetaAPI
}

// maxPrefetchInstances is the most instances an account may have for the
// first refresh to list them all; beyond it each instance is listed when a
// token of it is refreshed.
const maxPrefetchInstances = 10

// prefetch starts, beside the credentials check, the list of the account's
// instances and of the default instance's tokens: a request each, after
// which a steady refresh waits for one round trip of lists at most.
func (d *providerData) prefetch(ctx context.Context) {
	if d.instance != "" {
		d.tokens.Lists.Prefetch(ctx, d.instance)
	}
	go func(ctx context.Context) { _, _, _ = d.instances.All(ctx) }(detachLogging(context.WithoutCancel(ctx)))
}

// prefetchAccountLists starts, at the first refresh of a process, the token
// list of every instance of the account. Terraform refreshes at most 10
// resources at once, often every token of one instance first, so without it
// each instance's list would wait for the previous instance's tokens. Like
// prefetch, it makes no request under skip_credentials_validation.
func (d *providerData) prefetchAccountLists(ctx context.Context) {
	if d.tokens == nil || d.skipChecks {
		return
	}
	d.prefetched.Do(func() {
		go func(ctx context.Context) {
			all, _, err := d.instances.All(ctx)
			if err != nil || len(all) > maxPrefetchInstances {
				return
			}
			for _, in := range all {
				d.tokens.Lists.Prefetch(ctx, in.Name)
			}
		}(detachLogging(context.WithoutCancel(ctx)))
	})
}

// detachLogging gives a goroutine a logging context of its own: Terraform's
// logger masks a context's fields in place, so two goroutines logging with
// one context race.
func detachLogging(ctx context.Context) context.Context {
	return tflog.SetField(ctx, "background", true)
}
