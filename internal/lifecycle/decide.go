package lifecycle

import (
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// Action is what a plan does to a token.
type Action int

const (
	// Nothing leaves the token in Xano as it is (see Decision.Update and
	// Decision.RevokePrevious for in-place work).
	Nothing Action = iota
	// Create mints a token where there is none.
	Create
	// Resume repeats a create whose answer was lost, with the same key.
	Resume
	// Replace mints a new token and revokes the old one.
	Replace
	// Rotate mints the successor in place and keeps the old token valid for
	// rotation_overlap as the previous token.
	Rotate
)

// Mints says whether the action mints a token.
func (a Action) Mints() bool { return a != Nothing }

func (a Action) String() string {
	return [...]string{"nothing", "create", "resume", "replace", "rotate"}[a]
}

// Reason says why a token is replaced or rotated.
type Reason int

const (
	// Changed: an instance, lifetime or scope change, which Xano fixes at mint.
	Changed Reason = iota + 1
	// Expired: the token has expired.
	Expired
	// Due: the token is inside its rotate_before window.
	Due
	// Cutoff: the token was minted before the policy's rotate_minted_before.
	Cutoff
)

// Input is everything the decision reads.
type Input struct {
	// Prior is the token in state, nil when there is none (a new token, or
	// one revoked outside Terraform and dropped by the refresh).
	Prior *Minted
	// Carried is a lost create handed from a replaced object to the create
	// that replaces it.
	Carried *Intent
	Want    Desired
	// OverlapUnknown says rotation_overlap is not known at plan time.
	OverlapUnknown bool
	// Imported says Prior was imported by this plan, so the plan shows the
	// review a create of it would, as warnings: an import mints nothing.
	Imported bool
	// Now is when the token was last checked, so the plan made again at
	// apply time decides as the reviewed plan did.
	Now    time.Time
	Policy policy.Policy
}

// Decision is what a plan does to one token, and the review of the token
// it leaves.
type Decision struct {
	Action Action
	Reason Reason
	// Update says name, description or purpose change in place.
	Update bool
	// RevokePrevious says the previous token is revoked by this apply.
	RevokePrevious bool
	// PreviousRevokeAt is when a previous token kept by this plan is due.
	PreviousRevokeAt *time.Time
	// Key resumes a lost create; "" means a mint makes a new intent.
	Key string
	// Abandoned says a lost create cannot be resumed because the token's
	// configuration changed since; whatever it minted stays unmanaged.
	Abandoned bool
	// NeedsOverlap says the decision depends on rotation_overlap, unknown.
	NeedsOverlap bool
	// Findings is every finding of the review, all severities.
	Findings []policy.Finding
}

// Decide decides what a plan does to one token. It is pure: everything it
// reads is in the input.
func Decide(in Input) Decision {
	var d Decision
	pending := in.Carried
	if in.Prior != nil {
		pending = in.Prior.Pending
	}
	switch p := in.Prior; {
	case p == nil:
		d.Action = Create
	case p.ID == 0:
		d.Action, d.Reason = Resume, Changed
	default:
		d = decideExisting(p, in)
	}
	if pending != nil {
		req, err := in.Want.CreateRequest()
		if err == nil && d.Action.Mints() && pending.For(req) {
			d.Key = pending.Key
		} else {
			d.Abandoned = true
			if d.Action == Resume {
				d.Action = Replace
			}
		}
	}
	d.Findings = review(in, d)
	return d
}

// decideExisting decides for a token Xano has minted.
func decideExisting(p *Minted, in Input) Decision {
	var d Decision
	changed := mintChanged(p, in.Want)
	due := dueState(in.Now, p.ExpiresAt, in.Want.RotateBefore)
	if due == 0 && in.Policy.MintedBefore(p.CreatedAt, p.CutoffMet) {
		due = Cutoff
	}
	switch {
	case (due == Due || due == Cutoff) && !changed && in.OverlapUnknown:
		d.NeedsOverlap = true
		return d
	case (due == Due || due == Cutoff) && !changed && in.Want.RotationOverlap > 0:
		d.Action, d.Reason = Rotate, due
		d.RevokePrevious = p.Previous != nil
		return d
	case due != 0:
		d.Action, d.Reason = Replace, due
		return d
	case changed:
		d.Action, d.Reason = Replace, Changed
		return d
	}
	d.Update = p.Name != in.Want.Name || p.Description != in.Want.Description || p.Purpose != in.Want.Purpose
	if p.Previous == nil {
		return d
	}
	if in.OverlapUnknown {
		d.NeedsOverlap = true
		return d
	}
	at := PreviousRevokeAt(p.CreatedAt, in.Want.RotationOverlap, p.Previous.ExpiresAt)
	if !in.Now.Before(at) {
		d.RevokePrevious = true
	} else {
		d.PreviousRevokeAt = &at
	}
	return d
}

// mintChanged says whether the wanted token differs in what Xano fixes when
// it mints: instance, lifetime and scopes.
func mintChanged(p *Minted, w Desired) bool {
	if p.Instance != w.Instance || p.NeverExpires != w.NeverExpires || (!w.NeverExpires && p.Lifetime != w.Lifetime) {
		return true
	}
	added, removed := scopes.Diff(p.Grants, w.Grants)
	return len(added) > 0 || len(removed) > 0
}

// dueState says whether a token expiring at expires must be replaced at now:
// Expired, Due inside the rotate_before window, 0 otherwise.
func dueState(now time.Time, expires *time.Time, rotateBefore time.Duration) Reason {
	switch {
	case expires == nil:
		return 0
	case !now.Before(*expires):
		return Expired
	case rotateBefore > 0 && !now.Before(expires.Add(-rotateBefore)):
		return Due
	}
	return 0
}

// PreviousRevokeAt is when a previous token is due for revocation: overlap
// after the rotation, or its own expiry when that comes first.
func PreviousRevokeAt(rotatedAt time.Time, overlap time.Duration, expires *time.Time) time.Time {
	at := rotatedAt.Add(overlap)
	if expires != nil && expires.Before(at) {
		return *expires
	}
	return at
}

// review is every finding for the wanted token; a mint that replaces a token
// also names the grants it adds and removes, and a kept token keeps the
// idleness its last refresh judged, so a plan without refresh changes nothing.
func review(in Input, d Decision) []policy.Finding {
	var prev *policy.Spec
	if p := in.Prior; p != nil && p.ID != 0 && (d.Action == Replace || d.Action == Rotate) {
		s := p.Spec()
		prev = &s
	}
	out := policy.ReviewChange(prev, in.Want.Spec(), in.Policy)
	if p := in.Prior; p != nil && p.ID != 0 && !d.Action.Mints() {
		for _, f := range p.Findings {
			if f.Rule == policy.RuleIdle {
				out = append(out, f)
			}
		}
	}
	return out
}
