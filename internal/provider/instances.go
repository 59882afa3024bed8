package provider

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// instanceDirectory is the account's instances as GET /instance lists them,
// read at most once per provider process, the first time something needs
// them. A read that fails for a passing reason (a timeout, a 500, a cancelled
// context) is not remembered, so the next caller tries again; a 403 or 404,
// which will not change, is.
type instanceDirectory struct {
	client *xano.Client

	mu     sync.Mutex
	loaded bool
	list   []xano.Instance
	// unavailable is the 403 or 404 answered to GET /instance: the token may
	// not list instances, or base_url is an instance's own Metadata API,
	// which has no such endpoint. Nothing is checked then.
	unavailable error
	// confirmed caches GET /instance/{name}: the instance, or nil when the
	// API answered that it does not exist.
	confirmed map[string]*xano.Instance

	// listErrorSaid and saidMissing keep plan-time errors about the list and
	// about the provider's own instance to one per process.
	listErrorSaid atomic.Bool
	saidMissing   sync.Map
}

func newInstanceDirectory(client *xano.Client) *instanceDirectory {
	return &instanceDirectory{client: client, confirmed: map[string]*xano.Instance{}}
}

// instanceLookup is what the account says about one instance name.
type instanceLookup struct {
	// found is the instance; nil when it was not found or not checked.
	found *xano.Instance
	// notFound is set when the API says the account has no such instance.
	notFound bool
	// skipped is why nothing could be checked (the list's 403 or 404).
	skipped error
	// list is the account's instances, for suggestions.
	list []xano.Instance
}

// lookup finds name among the account's instances. A name missing from the
// list is confirmed with GET /instance/{name} before it counts as not found:
// the list may be stale or paginated, and a server may create instances on
// first use. With confirmAnyway, that GET is made even when the list cannot
// be read.
func (d *instanceDirectory) lookup(ctx context.Context, name string, confirmAnyway bool) (instanceLookup, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.loadLocked(ctx); err != nil {
		return instanceLookup{}, err
	}
	if d.loaded {
		if in, ok := xano.FindInstance(d.list, name); ok {
			return instanceLookup{found: &in, list: d.list}, nil
		}
	}
	if d.unavailable != nil && !confirmAnyway {
		return instanceLookup{skipped: d.unavailable}, nil
	}
	if in, ok := d.confirmed[name]; ok {
		return instanceLookup{found: in, notFound: in == nil, list: d.list}, nil
	}
	in, err := d.client.GetInstance(ctx, name)
	switch {
	case err == nil:
		d.confirmed[name] = in
		return instanceLookup{found: in, list: d.list}, nil
	case xano.IsNotFound(err):
		d.confirmed[name] = nil
		return instanceLookup{notFound: true, list: d.list}, nil
	case xano.IsForbidden(err):
		return instanceLookup{skipped: err}, nil
	}
	return instanceLookup{}, err
}

// all returns the account's instances; skipped is the 403 or 404 that kept
// them from being listed.
func (d *instanceDirectory) all(ctx context.Context) (list []xano.Instance, skipped error, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.loadLocked(ctx); err != nil {
		return nil, nil, err
	}
	return d.list, d.unavailable, nil
}

// loadLocked reads the list once. The caller holds d.mu.
func (d *instanceDirectory) loadLocked(ctx context.Context) error {
	if d.loaded || d.unavailable != nil {
		return nil
	}
	list, err := d.client.ListInstances(ctx)
	var apiErr *xano.APIError
	switch {
	case err == nil:
		d.list, d.loaded = list, true
	case errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusForbidden || apiErr.StatusCode == http.StatusNotFound):
		d.unavailable = err
		tflog.Debug(ctx, "The account's instances cannot be listed; instance names are not checked", map[string]any{"error": err.Error()})
	default:
		return err
	}
	return nil
}

// instanceOrigin says where an instance name came from, for diagnostics.
type instanceOrigin struct {
	// fromProvider is set when the name is the provider's default instance.
	fromProvider bool
	text         string
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

// checkInstance is the plan-time instance check: it fails the plan, on
// attr, when the account has no instance called name, with a did-you-mean
// over names and display names. It returns the instance when it is known,
// nil otherwise. It makes no request under skip_credentials_validation or
// without a client, and says nothing when the list is forbidden. An error
// about the provider's own instance, or about reading the list, is said once
// per process, since one error fails the whole plan.
func (d *providerData) checkInstance(ctx context.Context, name string, origin instanceOrigin, attr path.Path, diags *diag.Diagnostics) *xano.Instance {
	if d == nil || d.skipChecks || d.instances == nil || name == "" {
		return nil
	}
	res, err := d.instances.lookup(ctx, name, false)
	if err != nil {
		if d.instances.listErrorSaid.CompareAndSwap(false, true) {
			diags.Append(instanceCheckError(attr, name, origin, err))
		}
		return nil
	}
	if res.notFound {
		if origin.fromProvider {
			if _, said := d.instances.saidMissing.LoadOrStore(name, true); said {
				return nil
			}
		}
		diags.AddAttributeError(attr, "Xano instance not found", instanceNotFoundDetail(name, origin.text, "instance", res.list))
	}
	return res.found
}

// metaAPIOf returns the Metadata API URL of instance for a computed
// meta_api: "" when it cannot be known (no client, the list is forbidden, or
// the lookup failed, which is logged and otherwise ignored, since meta_api
// is information and not a check).
func (d *providerData) metaAPIOf(ctx context.Context, instance string) string {
	if d == nil || d.instances == nil || instance == "" {
		return ""
	}
	res, err := d.instances.lookup(ctx, instance, false)
	if err != nil {
		tflog.Debug(ctx, "Cannot read the instance's Metadata API URL", map[string]any{"instance": instance, "error": err.Error()})
		return ""
	}
	if res.found == nil {
		return ""
	}
	return res.found.MetaAPI
}

// metaAPIDescription documents meta_api on the resource and the ephemeral
// resource alike.
const metaAPIDescription = "Base URL of the instance's own Metadata API, where the token is used, such as " +
	"`https://x1234-4567-8901.n7.xano.com/api:meta`: Xano's `meta_api` for the instance (see the `xano_instance` " +
	"data source). Minted tokens are used there, not at the account API that `base_url` names, so an integration " +
	"gets the URL and the token from one resource. Known at plan time when the account's instance list can be read; " +
	"null when it cannot (the access token may not list instances, or `base_url` is an instance's own Metadata API)."
