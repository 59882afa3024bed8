package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// Terraform does not close an ephemeral resource whose consumer failed or
// was interrupted, so two mechanisms keep such tokens from piling up toward
// Xano's limit of 10 active tokens per instance: the process revokes what it
// opened and did not close when Terraform stops it (Shutdown), and every
// token carries a lease in its description, after which the next Open on the
// instance revokes it as abandoned (a killed process cannot clean up).

const (
	// ephemeralDefaultLease outlasts a typical run by far: a token whose
	// lease has passed may be revoked by another run while still in use.
	ephemeralDefaultLease = "1h"
	// minLease keeps a lease long enough that a run is not cut short by a
	// concurrent one for a lease set too tight.
	minLease = 5 * time.Minute
	// ShutdownTimeout bounds Shutdown: after asking the plugin to exit,
	// Terraform waits two seconds before it kills the process.
	ShutdownTimeout = 1500 * time.Millisecond
)

// leaseMarkerRe finds the lease marker at the end of a description, and
// mintedNameRe the random suffix every ephemeral token's name ends with;
// a token is taken for an ephemeral one only with both.
var (
	leaseMarkerRe = regexp.MustCompile(`\[xano_metadata_token ephemeral lease until (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\]$`)
	mintedNameRe  = regexp.MustCompile(`-[0-9a-f]{8}$`)
)

// withLease appends the lease marker to a description.
func withLease(description string, until time.Time) string {
	marker := fmt.Sprintf("[xano_metadata_token ephemeral lease until %s]", until.UTC().Format(time.RFC3339))
	if description == "" {
		return marker
	}
	return description + " " + marker
}

// leaseOf returns the end of a token's lease, and false for a token that is
// not an ephemeral one of this provider.
func leaseOf(t xano.Token) (time.Time, bool) {
	m := leaseMarkerRe.FindStringSubmatch(t.Description)
	if m == nil || !mintedNameRe.MatchString(t.Name) {
		return time.Time{}, false
	}
	until, err := time.Parse(time.RFC3339, m[1])
	return until, err == nil
}

// abandoned returns the tokens whose lease has passed at now and that are
// still valid, skipping those open in this process: another run may still
// use a token whose lease has not passed, and an expired one no longer counts.
func abandoned(tokens []xano.Token, now time.Time, open func(id int64) bool) []xano.Token {
	var out []xano.Token
	for _, t := range tokens {
		until, ok := leaseOf(t)
		if !ok || now.Before(until) || open(t.ID) {
			continue
		}
		if times, err := parseTokenTimes(&t); err == nil && times.expires != nil && !now.Before(*times.expires) {
			continue
		}
		out = append(out, t)
	}
	return out
}

// openKey names a token across provider configurations: two aliases may
// reach instances of the same name on different servers.
type openKey struct {
	client   *xano.Client
	instance string
	id       int64
}

// openTokens are the ephemeral tokens a process opened and has not closed.
type openTokens struct {
	mu     sync.Mutex
	tokens map[openKey]*providerData
}

func newOpenTokens() *openTokens { return &openTokens{tokens: map[openKey]*providerData{}} }

// processOpenTokens is the registry of the running provider process, which
// Shutdown empties.
var processOpenTokens = newOpenTokens()

func (o *openTokens) add(d *providerData, instance string, id int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.tokens[openKey{d.client, instance, id}] = d
}

func (o *openTokens) remove(d *providerData, instance string, id int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.tokens, openKey{d.client, instance, id})
}

func (o *openTokens) has(d *providerData, instance string, id int64) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, ok := o.tokens[openKey{d.client, instance, id}]
	return ok
}

// revokeAll revokes every open token, all at once, until ctx ends. It
// returns one error per token it could not revoke; tokens revoked leave the
// registry.
func (o *openTokens) revokeAll(ctx context.Context) error {
	o.mu.Lock()
	pending := make(map[openKey]*providerData, len(o.tokens))
	for k, d := range o.tokens {
		pending[k] = d
	}
	o.mu.Unlock()
	if len(pending) == 0 {
		return nil
	}
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	for k, d := range pending {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := d.revokeToken(ctx, k.instance, k.id)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("ephemeral token %d on instance %q stays valid until it expires or its lease passes: %w", k.id, k.instance, err))
				return
			}
			o.remove(d, k.instance, k.id)
		}()
	}
	// The client's calls and retry waits end with ctx, so this wait is
	// bounded by its deadline.
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	return errors.Join(errs...)
}

// Shutdown revokes every ephemeral token this process opened and did not
// close. Terraform 1.11 does not close an ephemeral resource whose consumer
// failed, but it stops the provider at the end of every run, so main calls
// Shutdown once the server has stopped, with a context bounded by
// ShutdownTimeout. The errors name token ids, never secrets.
func Shutdown(ctx context.Context) error {
	return processOpenTokens.revokeAll(ctx)
}

// revokeAbandoned revokes the instance's ephemeral tokens whose lease has
// passed, so that tokens left behind by killed runs do not fill the
// instance. It is best effort: a failure is logged, and the mint goes on.
func (r *metadataTokenEphemeral) revokeAbandoned(ctx context.Context, instance string, now time.Time) {
	tokens, err := r.data.client.ListTokens(ctx, instance)
	if err != nil {
		tflog.Warn(ctx, "Could not list the instance's tokens to revoke abandoned ephemeral tokens", map[string]any{
			"instance": instance, "error": err.Error(),
		})
		return
	}
	open := func(id int64) bool { return r.data.open.has(r.data, instance, id) }
	for _, t := range abandoned(tokens, now, open) {
		until, _ := leaseOf(t)
		fields := map[string]any{"instance": instance, "token_id": t.ID, "name": t.Name, "lease_until": until.Format(time.RFC3339)}
		if err := r.data.revokeToken(ctx, instance, t.ID); err != nil {
			fields["error"] = err.Error()
			tflog.Warn(ctx, "Could not revoke an abandoned ephemeral token", fields)
			continue
		}
		tflog.Info(ctx, "Revoked an abandoned ephemeral token whose lease had passed", fields)
	}
}

// leaseUntil is when a token minted at now with the configured lease counts
// as abandoned: now plus the lease, but never after the token expires.
func (m *metadataTokenEphemeralModel) leaseUntil(now time.Time) (time.Time, error) {
	lease := m.Lease
	if lease.IsNull() {
		lease = NewDurationValue(ephemeralDefaultLease)
	}
	d, err := lease.Duration()
	if err != nil {
		return time.Time{}, err
	}
	lifetime, err := m.expiresIn().Duration()
	if err != nil {
		return time.Time{}, err
	}
	return now.Add(min(d, lifetime)).Truncate(time.Second), nil
}

// leaseDescription documents the lease attribute.
var leaseDescription = strings.Join([]string{
	"How long the token is reserved for this run, such as `\"1h\"` (the default) or `\"3h\"`; at least `\"5m\"`.",
	"The token's description ends with a marker holding the time the lease ends. If the run never closes the token",
	"(its process was killed), the next run that opens an ephemeral token on the instance revokes it once that time",
	"has passed; before then it is never touched, since a run may still use it. Set it longer than your longest run.",
	"A lease longer than `expires_in` ends when the token expires.",
}, " ")
