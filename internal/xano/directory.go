package xano

import (
	"context"
	"sync"
)

// Directory is the account's instances as GET /instance lists them,
// read at most once per client, the first time something needs
// them. A read that fails for a passing reason (a timeout, a 500, a cancelled
// context) is not remembered, so the next caller tries again; a 403 or 404,
// which will not change, is.
type Directory struct {
	client *Client

	mu     sync.Mutex
	loaded bool
	list   []Instance
	// unavailable is the 403 or 404 answered to GET /instance: the token may
	// not list instances, or base_url is an instance's own Metadata API,
	// which has no such endpoint. Nothing is checked then.
	unavailable error
	// confirmed caches GET /instance/{name}: the instance, or nil when the
	// API answered that it does not exist.
	confirmed map[string]*Instance
}

// NewDirectory returns the directory of the account client reaches.
func NewDirectory(client *Client) *Directory {
	return &Directory{client: client, confirmed: map[string]*Instance{}}
}

// Lookup is what the account says about one instance name.
type Lookup struct {
	// Found is the instance; nil when it was not found or not checked.
	Found *Instance
	// NotFound is set when the API says the account has no such instance.
	NotFound bool
	// Skipped is why nothing could be checked (the list's 403 or 404).
	Skipped error
	// List is the account's instances, for suggestions.
	List []Instance
}

// Lookup finds name among the account's instances. A name missing from the
// list is confirmed with GET /instance/{name} before it counts as not found:
// the list may be stale or paginated, and a server may create instances on
// first use. With confirmAnyway, that GET is made even when the list cannot
// be read.
func (d *Directory) Lookup(ctx context.Context, name string, confirmAnyway bool) (Lookup, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.loadLocked(ctx); err != nil {
		return Lookup{}, err
	}
	if d.loaded {
		if in, ok := FindInstance(d.list, name); ok {
			return Lookup{Found: &in, List: d.list}, nil
		}
	}
	if d.unavailable != nil && !confirmAnyway {
		return Lookup{Skipped: d.unavailable}, nil
	}
	if in, ok := d.confirmed[name]; ok {
		return Lookup{Found: in, NotFound: in == nil, List: d.list}, nil
	}
	in, err := d.client.GetInstance(ctx, name)
	switch {
	case err == nil:
		d.confirmed[name] = in
		return Lookup{Found: in, List: d.list}, nil
	case KindOf(err) == KindNotFound:
		d.confirmed[name] = nil
		return Lookup{NotFound: true, List: d.list}, nil
	case KindOf(err) == KindForbidden:
		return Lookup{Skipped: err}, nil
	}
	return Lookup{}, err
}

// All returns the account's instances; skipped is the 403 or 404 that kept
// them from being listed.
func (d *Directory) All(ctx context.Context) (list []Instance, skipped error, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.loadLocked(ctx); err != nil {
		return nil, nil, err
	}
	return d.list, d.unavailable, nil
}

// loadLocked reads the list once. The caller holds d.mu.
func (d *Directory) loadLocked(ctx context.Context) error {
	if d.loaded || d.unavailable != nil {
		return nil
	}
	list, err := d.client.ListInstances(ctx)
	switch k := KindOf(err); {
	case err == nil:
		d.list, d.loaded = list, true
	case k == KindForbidden || k == KindNotFound:
		d.unavailable = err
	default:
		return err
	}
	return nil
}
