package lifecycle

import (
	"slices"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

var (
	created = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	day     = 24 * time.Hour
	weweb   = scopes.Grants{{Scope: "workspace_api_groups", Read: true}, {Scope: "workspace_content", Read: true}}
)

func at(d time.Duration) *time.Time { t := created.Add(d); return &t }

// desired is a 30-day WeWeb token rotated 7 days before expiry.
func desired() Desired {
	return Desired{Instance: "main", Name: "weweb", Grants: weweb, Lifetime: 30 * day, RotateBefore: 7 * day}
}

// minted is desired as minted at created.
func minted() *Minted {
	return &Minted{Instance: "main", ID: 42, Name: "weweb", Grants: weweb, Lifetime: 30 * day,
		CreatedAt: created, ExpiresAt: at(30 * day)}
}

func intentFor(t *testing.T, w Desired) *Intent {
	t.Helper()
	req, err := w.CreateRequest()
	if err != nil {
		t.Fatal(err)
	}
	return &Intent{Key: "key-1", Request: Fingerprint(req)}
}

func TestDecide(t *testing.T) {
	t.Parallel()
	revokeAt := created.Add(2 * day)
	tests := []struct {
		name  string
		prior func(*Minted) *Minted // nil: no prior token
		want  func(*Desired)
		now   time.Duration // after created
		pend  bool          // the prior (or carried) intent matches the desired request
		carry bool          // the intent is carried to a create, not in the prior
		cut   *time.Time    // the policy's rotate_minted_before
		met   *time.Time    // the cut-off the prior token's mint recorded
		exp   Decision
	}{
		{name: "create", now: 0, exp: Decision{Action: Create}},
		{name: "revoked outside: create again", now: 10 * day, exp: Decision{Action: Create}},
		{name: "no-op", prior: same, now: day, exp: Decision{}},
		{name: "rename in place", prior: same, want: func(w *Desired) { w.Name = "weweb-prod" }, now: day, exp: Decision{Update: true}},
		{name: "purpose in place", prior: same, want: func(w *Desired) { w.Purpose = "weweb" }, now: day, exp: Decision{Update: true}},
		{name: "scope change: replace", prior: same, want: func(w *Desired) { w.Grants = weweb[:1] }, now: day,
			exp: Decision{Action: Replace, Reason: Changed}},
		{name: "lifetime change: replace", prior: same, want: func(w *Desired) { w.Lifetime = 60 * day }, now: day,
			exp: Decision{Action: Replace, Reason: Changed}},
		{name: "instance change: replace", prior: same, want: func(w *Desired) { w.Instance = "staging" }, now: day,
			exp: Decision{Action: Replace, Reason: Changed}},
		{name: "rotation window without overlap: replace", prior: same, now: 24 * day, exp: Decision{Action: Replace, Reason: Due}},
		{name: "rotation window with overlap: rotate in place", prior: same, want: func(w *Desired) { w.RotationOverlap = 2 * day },
			now: 24 * day, exp: Decision{Action: Rotate, Reason: Due}},
		{name: "rotation window with overlap and a scope change: replace", prior: same,
			want: func(w *Desired) { w.RotationOverlap = 2 * day; w.Grants = weweb[:1] }, now: 24 * day,
			exp: Decision{Action: Replace, Reason: Due}},
		{name: "rotation revokes the previous token first", prior: withPrevious(nil), want: func(w *Desired) { w.RotationOverlap = 2 * day },
			now: 24 * day, exp: Decision{Action: Rotate, Reason: Due, RevokePrevious: true}},
		{name: "overlap running: previous kept", prior: withPrevious(nil), want: func(w *Desired) { w.RotationOverlap = 2 * day },
			now: day, exp: Decision{PreviousRevokeAt: &revokeAt}},
		{name: "overlap ended: revoke previous", prior: withPrevious(nil), want: func(w *Desired) { w.RotationOverlap = 2 * day },
			now: 2 * day, exp: Decision{RevokePrevious: true}},
		{name: "previous expired before the overlap ends", prior: withPrevious(at(day)), want: func(w *Desired) { w.RotationOverlap = 2 * day },
			now: day, exp: Decision{RevokePrevious: true}},
		{name: "expired: replace", prior: same, now: 30 * day, exp: Decision{Action: Replace, Reason: Expired}},
		{name: "expired with overlap: replace", prior: same, want: func(w *Desired) { w.RotationOverlap = 2 * day },
			now: 31 * day, exp: Decision{Action: Replace, Reason: Expired}},
		{name: "never expires: never due", prior: func(m *Minted) *Minted { m.ExpiresAt, m.NeverExpires, m.Lifetime = nil, true, 0; return m },
			want: func(w *Desired) { w.NeverExpires, w.RotateBefore = true, 0 }, now: 1000 * day, exp: Decision{}},
		{name: "lost create: resume with the same key", prior: pending, pend: true, now: day, exp: Decision{Action: Resume, Reason: Changed, Key: "key-1"}},
		{name: "lost create, configuration changed: replace, abandoned", prior: pending, now: day,
			exp: Decision{Action: Replace, Reason: Changed, Abandoned: true}},
		{name: "lost create carried to the replacement's create", pend: true, carry: true, now: day, exp: Decision{Action: Create, Key: "key-1"}},
		{name: "lost rotation: rotate again with the same key", prior: same, pend: true, want: func(w *Desired) { w.RotationOverlap = 2 * day },
			now: 24 * day, exp: Decision{Action: Rotate, Reason: Due, Key: "key-1"}},
		{name: "lost rotation, no longer due: abandoned", prior: same, pend: true, now: day, exp: Decision{Abandoned: true}},
		{name: "minted before the cut-off: replace", prior: same, cut: at(day), now: 2 * day, exp: Decision{Action: Replace, Reason: Cutoff}},
		{name: "minted before the cut-off with overlap: rotate in place", prior: same, cut: at(day),
			want: func(w *Desired) { w.RotationOverlap = 2 * day }, now: 2 * day, exp: Decision{Action: Rotate, Reason: Cutoff}},
		{name: "cut-off rotation revokes the previous token first", prior: withPrevious(nil), cut: at(day),
			want: func(w *Desired) { w.RotationOverlap = 2 * day }, now: 2 * day, exp: Decision{Action: Rotate, Reason: Cutoff, RevokePrevious: true}},
		{name: "minted at the cut-off: kept", prior: same, cut: at(0), now: 2 * day, exp: Decision{}},
		{name: "minted after the cut-off: kept", prior: same, cut: at(-day), now: 2 * day, exp: Decision{}},
		{name: "cut-off ahead, met by the mint: kept", prior: same, cut: at(10 * day), met: at(10 * day), now: 2 * day, exp: Decision{}},
		{name: "cut-off ahead, another one met: replace", prior: same, cut: at(10 * day), met: at(5 * day), now: 2 * day,
			exp: Decision{Action: Replace, Reason: Cutoff}},
		{name: "cut-off and a scope change: replace for the cut-off", prior: same, cut: at(day), want: func(w *Desired) { w.Grants = weweb[:1] },
			now: 2 * day, exp: Decision{Action: Replace, Reason: Cutoff}},
		{name: "cut-off and expired: replace as expired", prior: same, cut: at(day), now: 30 * day, exp: Decision{Action: Replace, Reason: Expired}},
		{name: "cut-off and due: rotation as due", prior: same, cut: at(day), now: 24 * day, exp: Decision{Action: Replace, Reason: Due}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := desired()
			if tt.want != nil {
				tt.want(&w)
			}
			in := Input{Want: w, Now: created.Add(tt.now), Policy: policy.Default()}
			if tt.cut != nil {
				in.Policy.RotateMintedBefore = *tt.cut
			}
			if tt.prior != nil {
				in.Prior = tt.prior(minted())
				in.Prior.CutoffMet = tt.met
			}
			var i *Intent
			if tt.pend {
				i = intentFor(t, w)
			} else if in.Prior != nil && in.Prior.ID == 0 {
				i = intentFor(t, desired())
				i.Request = "another request"
			}
			switch {
			case tt.carry:
				in.Carried = i
			case in.Prior != nil:
				in.Prior.Pending = i
			}
			got := Decide(in)
			if got.Action != tt.exp.Action || got.Reason != tt.exp.Reason || got.Update != tt.exp.Update ||
				got.RevokePrevious != tt.exp.RevokePrevious || got.Key != tt.exp.Key || got.Abandoned != tt.exp.Abandoned ||
				!sameTime(got.PreviousRevokeAt, tt.exp.PreviousRevokeAt) {
				t.Errorf("Decide = %+v\nwant     %+v", got, tt.exp)
			}
			if len(got.Findings) == 0 {
				t.Error("no findings: the review did not run")
			}
		})
	}
}

func same(m *Minted) *Minted { return m }

func pending(m *Minted) *Minted {
	m.ID, m.ExpiresAt = 0, nil
	return m
}

func withPrevious(expires *time.Time) func(*Minted) *Minted {
	return func(m *Minted) *Minted {
		m.Previous = &Previous{ID: 41, ExpiresAt: expires}
		return m
	}
}

func sameTime(a, b *time.Time) bool {
	return (a == nil) == (b == nil) && (a == nil || a.Equal(*b))
}

// TestDecideNeedsOverlap: whether a due token rotates in place, and whether a
// previous token is revoked, cannot be decided on an unknown overlap.
func TestDecideNeedsOverlap(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		prior *Minted
		now   time.Duration
		want  bool
	}{
		{"due", minted(), 24 * day, true},
		{"not due", minted(), day, false},
		{"previous kept", withPrevious(nil)(minted()), day, true},
		{"new token", nil, 0, false},
		{"before the cut-off", minted(), 2 * day, true},
	} {
		in := Input{Prior: tt.prior, Want: desired(), OverlapUnknown: true, Now: created.Add(tt.now), Policy: policy.Default()}
		if tt.name == "before the cut-off" {
			in.Policy.RotateMintedBefore = created.Add(day)
		}
		if got := Decide(in).NeedsOverlap; got != tt.want {
			t.Errorf("%s: NeedsOverlap = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDueState(t *testing.T) {
	t.Parallel()
	expires := time.Date(2026, 12, 22, 11, 31, 20, 0, time.UTC)
	tests := []struct {
		name   string
		now    time.Time
		rotate time.Duration
		want   Reason
	}{
		{"well before", expires.Add(-30 * day), 7 * day, 0},
		{"just before the window", expires.Add(-7*day - time.Second), 7 * day, 0},
		{"window opens", expires.Add(-7 * day), 7 * day, Due},
		{"inside the window", expires.Add(-time.Hour), 7 * day, Due},
		{"no window configured", expires.Add(-time.Hour), 0, 0},
		{"expiry instant", expires, 0, Expired},
		{"expired with window", expires.Add(time.Hour), 7 * day, Expired},
	}
	for _, tt := range tests {
		if got := dueState(tt.now, &expires, tt.rotate); got != tt.want {
			t.Errorf("%s: dueState = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestDecideReviewsReplacement: a replacement names what it adds and removes;
// a kept token keeps the idleness its refresh judged.
func TestDecideReviewsReplacement(t *testing.T) {
	t.Parallel()
	w := desired()
	w.Grants = scopes.Grants{{Scope: "workspace_database", Read: true}}
	d := Decide(Input{Prior: minted(), Want: w, Now: created.Add(day), Policy: policy.Default()})
	rules := make([]string, 0, len(d.Findings))
	for _, f := range d.Findings {
		rules = append(rules, f.Rule)
	}
	if !slices.Contains(rules, policy.RuleWidening) || !slices.Contains(rules, policy.RuleNarrowing) {
		t.Errorf("replacement findings = %v, want widening and narrowing", rules)
	}
	pol := policy.Default()
	pol.MaxIdle = day
	idle := func(d Decision) bool {
		return slices.ContainsFunc(d.Findings, func(f policy.Finding) bool { return f.Rule == policy.RuleIdle })
	}
	if d = Decide(Input{Prior: minted(), Want: desired(), Now: created.Add(3 * day), Policy: pol}); idle(d) {
		t.Errorf("a kept token is judged idle by the plan, not its refresh: %+v", d.Findings)
	}
	refreshed := minted()
	refreshed.Findings = refreshed.Review(pol, created.Add(3*day))
	if d = Decide(Input{Prior: refreshed, Want: desired(), Now: created.Add(3 * day), Policy: pol}); !idle(d) {
		t.Errorf("a kept token its refresh found idle lost the finding: %+v", d.Findings)
	}
}

// TestReportLapsesAtNow: whether review_by has passed is judged at in.Now,
// the plan's clock, and a lapsed acknowledgement no longer passes enforce.
func TestReportLapsesAtNow(t *testing.T) {
	t.Parallel()
	review, err := policy.ParseReviewBy("2026-11-10")
	if err != nil {
		t.Fatal(err)
	}
	w := desired()
	w.Grants = scopes.Grants{{Scope: "workspace_database", Read: true, Delete: true}}
	w.Acknowledgement, w.ReviewBy = "approved by the data team", &review
	pol := policy.Default()
	pol.Enforce = true
	for _, tt := range []struct {
		now    time.Duration
		errors int
	}{{9 * day, 0}, {10*day - time.Second, 0}, {10 * day, 1}} {
		in := Input{Want: w, Now: created.Add(tt.now), Policy: pol}
		if got := len(Report(in, Decide(in), policy.Subject{Name: "db"}).Errors); got != tt.errors {
			t.Errorf("at %s: %d errors, want %d", in.Now, got, tt.errors)
		}
	}
}
