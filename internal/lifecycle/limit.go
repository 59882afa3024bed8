package lifecycle

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// Ledger checks Xano's limit of active tokens per instance at plan time.
// Terraform plans resources one call at a time and in parallel, so it lists
// an instance's tokens once, the first time a plan creates a token there,
// and counts every plan that creates one; a process plans one walk, so the
// apply's re-plan counts afresh and subtracts what that walk revoked.
type Ledger struct {
	list func(ctx context.Context, instance string) ([]xano.Token, error)
	now  func() time.Time

	mu        sync.Mutex
	instances map[string]*instanceLedger
}

type instanceLedger struct {
	loaded bool
	// skipped is why the instance is not checked (list refused or not found).
	skipped error
	// failed is a list failure, reported by the first plan only.
	failed   error
	failSaid bool
	active   map[int64]Listed // active tokens by id, as listed
	gone     map[int64]bool   // revoked, or revoked first by a registered plan
	revoked  map[int64]bool   // revoked by this process
	managed  map[int64]bool   // recorded in the state of a resource this process planned
	creates  int
}

// Listed is an active token as the instance's list gave it: enough to name
// it in a warning.
type Listed struct {
	ID   int64
	Name string
	// CreatedAt is zero when the list gave no readable creation time.
	CreatedAt time.Time
}

// NewLedger returns a ledger that lists tokens with list.
func NewLedger(list func(ctx context.Context, instance string) ([]xano.Token, error), now func() time.Time) *Ledger {
	return &Ledger{list: list, now: now, instances: map[string]*instanceLedger{}}
}

// Verdict is the ledger's answer to one plan that creates a token.
type Verdict struct {
	// Checked is false when nothing could be counted.
	Checked bool
	// Skipped is why the instance could not be checked, for every plan.
	Skipped error
	// Err is a list failure, set for the first plan only.
	Err error
	// Active tokens still counting, Creates planned so far, and Freed tokens
	// that registered plans revoke before they create.
	Active, Creates, Freed int
	// SameName are active tokens of the same name, which a tainted
	// replacement may be about to revoke; set only when the plan names no
	// token it revokes first.
	SameName []int64
	// Unmanaged are the active tokens of the same name that the plan does not
	// revoke first and no resource planned so far records: often the token
	// of a create whose answer was lost. Sorted by id.
	Unmanaged []Listed
}

// Total is the number of active tokens once every registered plan is applied.
func (v Verdict) Total() int { return v.Active - v.Freed + v.Creates }

// Over says the plan takes the instance past the limit.
func (v Verdict) Over() bool { return v.Checked && v.Total() > xano.MaxActiveTokens }

// Register counts a plan that creates token name on instance after revoking
// revokedFirst.
func (l *Ledger) Register(ctx context.Context, instance, name string, revokedFirst []int64) Verdict {
	l.mu.Lock()
	defer l.mu.Unlock()
	in := l.load(ctx, instance)
	switch {
	case in.skipped != nil:
		return Verdict{Skipped: in.skipped}
	case in.failed != nil:
		if in.failSaid {
			return Verdict{}
		}
		in.failSaid = true
		return Verdict{Err: in.failed}
	}
	for _, id := range revokedFirst {
		in.gone[id] = true
	}
	in.creates++
	v := Verdict{Checked: true, Creates: in.creates}
	for id, t := range in.active {
		switch {
		case in.revoked[id]:
			continue
		case in.gone[id]:
			v.Freed++
		case t.Name == name:
			if len(revokedFirst) == 0 {
				v.SameName = append(v.SameName, id)
			}
			if !in.managed[id] {
				v.Unmanaged = append(v.Unmanaged, t)
			}
		}
		v.Active++
	}
	slices.Sort(v.SameName)
	slices.SortFunc(v.Unmanaged, func(a, b Listed) int { return cmp.Compare(a.ID, b.ID) })
	return v
}

// NoteManaged records tokens that a resource's state holds, so that a plan
// creating a token of the same name does not report them as unmanaged.
func (l *Ledger) NoteManaged(instance string, ids ...int64) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	in := l.ledgerOf(instance)
	for _, id := range ids {
		in.managed[id] = true
	}
}

// NoteRevoked records a token this process revoked.
func (l *Ledger) NoteRevoked(instance string, id int64) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	in := l.ledgerOf(instance)
	in.gone[id] = true
	in.revoked[id] = true
}

func (l *Ledger) ledgerOf(instance string) *instanceLedger {
	in := l.instances[instance]
	if in == nil {
		in = &instanceLedger{gone: map[int64]bool{}, revoked: map[int64]bool{}, managed: map[int64]bool{}}
		l.instances[instance] = in
	}
	return in
}

// load lists the instance's tokens once; a refused or unknown instance is
// skipped, since other checks report it. A confirmed instance whose API
// serves no token endpoints (xano.KindNoTokenAPI) is a failure like any
// other, for the first plan to report.
func (l *Ledger) load(ctx context.Context, instance string) *instanceLedger {
	in := l.ledgerOf(instance)
	if in.loaded {
		return in
	}
	in.loaded = true
	tokens, err := l.list(ctx, instance)
	switch k := xano.KindOf(err); {
	case err == nil:
	case k == xano.KindForbidden || k == xano.KindNotFound:
		in.skipped = err
		return in
	default:
		in.failed = err
		return in
	}
	now := l.now()
	in.active = make(map[int64]Listed, len(tokens))
	for i := range tokens {
		if Active(&tokens[i], now) {
			t := Listed{ID: tokens[i].ID, Name: tokens[i].Name}
			if times, err := TimesOf(&tokens[i]); err == nil {
				t.CreatedAt = times.Created
			}
			in.active[t.ID] = t
		}
	}
	return in
}
