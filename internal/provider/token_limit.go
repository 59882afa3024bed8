package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// The plan-time check of Xano's limit of active tokens per instance. The
// provider sees one resource per PlanResourceChange call, and Terraform plans
// resources in parallel, so the check keeps a ledger per instance: the
// instance's active tokens, listed once, the first time a plan creates a
// token there, and a tally of the plans that create one. Each creating plan
// registers itself; the one that takes the instance past the limit, and every
// one after it, fails. A plan that creates nothing never lists anything.
//
// The ledger lives as long as the provider's configuration: Terraform
// configures the provider once per graph walk (in a process of its own), so
// the plan of `terraform apply` and its apply count separately. The apply
// walk plans each change again just before applying it, with a fresh list;
// revocations this walk has made by then are subtracted, so a replacement
// whose old token is already gone is not counted twice.

// tokenLister lists the tokens of an instance, secrets excluded.
type tokenLister func(ctx context.Context, instance string) ([]xano.Token, error)

// tokenLedger is the ledger of one configured provider, safe for concurrent
// use.
type tokenLedger struct {
	list tokenLister
	now  func() time.Time

	mu        sync.Mutex
	instances map[string]*instanceLedger
}

// instanceLedger is what the ledger knows about one instance.
type instanceLedger struct {
	loaded bool
	// skipped is why the instance is not checked: the list was refused
	// (403) or the instance is unknown (404), which other checks report.
	skipped error
	// failed is the error of a list that failed otherwise; failSaid is set
	// once a plan reported it, as one error fails the whole plan.
	failed   error
	failSaid bool
	// active holds the ids of the tokens active when the list was read, and
	// names their names.
	active map[int64]bool
	names  map[int64]string
	// gone holds the ids this process revoked, or that a registered plan
	// revokes before it creates; they no longer count.
	gone map[int64]bool
	// revoked holds the ids this process actually revoked, for the message.
	revoked map[int64]bool
	// creates is how many registered plans create a token on the instance.
	creates int
}

func newTokenLedger(list tokenLister, now func() time.Time) *tokenLedger {
	return &tokenLedger{list: list, now: now, instances: map[string]*instanceLedger{}}
}

// limitVerdict is the ledger's answer to one registration.
type limitVerdict struct {
	// checked is false when nothing could be counted (the list was refused
	// or failed).
	checked bool
	// err is the list failure to report, set for one registration only.
	err error
	// active is the number of active tokens on the instance that still
	// count, creates the number of creating plans so far (this one
	// included), freed the number of active tokens those plans revoke
	// before they create.
	active, creates, freed int
	// sameName holds, for a plan that names no token it revokes first, the
	// active tokens that still count and bear the name it creates: most
	// likely the token a tainted resource's replacement revokes first.
	sameName []int64
}

// total is how many active tokens the instance would hold.
func (v limitVerdict) total() int { return v.active - v.freed + v.creates }

// over says whether this registration takes the instance past the limit.
func (v limitVerdict) over() bool { return v.checked && v.total() > xano.MaxActiveTokens }

// register records a plan that creates a token called name on instance
// after revoking the tokens revokedFirst (a replacement's old token, a
// rotation's previous one), and returns the count with it.
func (l *tokenLedger) register(ctx context.Context, instance, name string, revokedFirst []int64) limitVerdict {
	l.mu.Lock()
	defer l.mu.Unlock()
	in := l.load(ctx, instance)
	switch {
	case in.skipped != nil:
		return limitVerdict{}
	case in.failed != nil:
		if in.failSaid {
			return limitVerdict{}
		}
		in.failSaid = true
		return limitVerdict{err: in.failed}
	}
	for _, id := range revokedFirst {
		in.gone[id] = true
	}
	in.creates++
	v := in.verdict()
	if len(revokedFirst) == 0 {
		v.sameName = in.sameNamed(name)
	}
	return v
}

// noteRevoked records that this process revoked token id on instance: it no
// longer counts, whenever the list was read.
func (l *tokenLedger) noteRevoked(instance string, id int64) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	in := l.ledgerOf(instance)
	in.gone[id] = true
	in.revoked[id] = true
}

// ledgerOf returns the ledger of instance, made on first use. The caller
// holds l.mu.
func (l *tokenLedger) ledgerOf(instance string) *instanceLedger {
	in := l.instances[instance]
	if in == nil {
		in = &instanceLedger{gone: map[int64]bool{}, revoked: map[int64]bool{}}
		l.instances[instance] = in
	}
	return in
}

// load reads the instance's tokens once. The caller holds l.mu.
func (l *tokenLedger) load(ctx context.Context, instance string) *instanceLedger {
	in := l.ledgerOf(instance)
	if in.loaded {
		return in
	}
	in.loaded = true
	tokens, err := l.list(ctx, instance)
	switch {
	case err == nil:
	case xano.IsForbidden(err) || xano.IsNotFound(err):
		in.skipped = err
		tflog.Debug(ctx, "The instance's tokens cannot be listed; the token limit is not checked at plan time",
			map[string]any{"instance": instance, "error": err.Error()})
		return in
	default:
		in.failed = err
		return in
	}
	now := l.now()
	in.active = make(map[int64]bool, len(tokens))
	in.names = make(map[int64]string, len(tokens))
	for i := range tokens {
		if tokenActive(&tokens[i], now) {
			in.active[tokens[i].ID] = true
			in.names[tokens[i].ID] = tokens[i].Name
		}
	}
	tflog.Debug(ctx, "Listed the instance's tokens for the token limit", map[string]any{"instance": instance, "active": len(in.active)})
	return in
}

// sameNamed returns the ids of the active tokens called name that still
// count, in ascending order. The caller holds l.mu.
func (in *instanceLedger) sameNamed(name string) []int64 {
	var ids []int64
	for id := range in.active {
		if in.names[id] == name && !in.gone[id] && !in.revoked[id] {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// verdict counts the instance. The caller holds l.mu.
func (in *instanceLedger) verdict() limitVerdict {
	v := limitVerdict{checked: true, creates: in.creates}
	for id := range in.active {
		switch {
		case in.revoked[id]:
		case in.gone[id]:
			v.active++
			v.freed++
		default:
			v.active++
		}
	}
	return v
}

// tokenActive reports whether the API counts t against the limit at now: it
// has not expired. An unreadable expiry counts, to err on the safe side.
func tokenActive(t *xano.Token, now time.Time) bool {
	if t.ExpiresAt == nil || strings.TrimSpace(*t.ExpiresAt) == "" {
		return true
	}
	exp, err := xano.ParseTime(*t.ExpiresAt)
	return err != nil || now.Before(exp)
}

// checkTokenLimit is the limit check of one plan that creates a token named
// name on instance after revoking revokedFirst: an error when the plan takes
// the instance past the limit, or when the instance's tokens could not be
// listed. It does nothing under skip_credentials_validation or during a
// destroy.
func (d *providerData) checkTokenLimit(ctx context.Context, name, instance string, showInstance bool, revokedFirst []int64, diags *diag.Diagnostics) {
	if d == nil || d.limits == nil || d.skipChecks || instance == "" {
		return
	}
	v := d.limits.register(ctx, instance, name, revokedFirst)
	if v.err != nil {
		diags.Append(tokenLimitCheckError(instance, v.err))
		return
	}
	if !v.over() {
		return
	}
	subject := fmt.Sprintf("Token %q", name)
	if showInstance {
		subject += fmt.Sprintf(" on instance %q", instance)
	}
	// Terraform plans a tainted resource's replacement as a plain create and
	// never says which token it replaces; an active token of the same name
	// is most likely that one, which the apply revokes first.
	if len(v.sameName) > 0 {
		diags.Append(overTokenLimitUnlessReplaced(subject, instance, v.total(), v.active, v.creates, v.sameName))
		return
	}
	diags.Append(overTokenLimit(subject, instance, v.total(), v.active, v.creates, v.freed))
}
