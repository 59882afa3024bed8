package lifecycle

import (
	"fmt"
	"strings"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// Desired is the token a configuration asks for, every value known.
type Desired struct {
	Instance        string
	Name            string
	Description     string
	Purpose         string
	Grants          scopes.Grants
	Lifetime        time.Duration // ignored when NeverExpires
	NeverExpires    bool
	RotateBefore    time.Duration // 0: rotate only once expired
	RotationOverlap time.Duration // 0: a rotation replaces the token
	Acknowledgement string
	// ReviewBy dates the acknowledgement; nil means it never lapses.
	ReviewBy *policy.ReviewBy
}

// Spec is what the risk review reads of the token.
func (d Desired) Spec() policy.Spec {
	return policy.Spec{
		Grants:          d.Grants,
		Lifetime:        d.Lifetime,
		NeverExpires:    d.NeverExpires,
		Description:     d.Description,
		Acknowledgement: d.Acknowledgement,
		ReviewBy:        d.ReviewBy,
		Purpose:         d.Purpose,
	}
}

// CreateRequest is the API request that mints the token.
func (d Desired) CreateRequest() (xano.CreateTokenRequest, error) {
	wire, err := d.Grants.Wire()
	if err != nil {
		return xano.CreateTokenRequest{}, err
	}
	lifetime := int64(d.Lifetime / time.Second)
	if d.NeverExpires {
		lifetime = 0
	}
	return xano.CreateTokenRequest{
		Name:        d.Name,
		Description: WithPurpose(d.Description, d.Purpose),
		ExpiresIn:   lifetime,
		Scopes:      wire,
	}, nil
}

// Minted is a token as Terraform last recorded it.
type Minted struct {
	Instance     string
	ID           int64 // 0 while a lost create is pending
	Name         string
	Description  string
	Purpose      string
	Grants       scopes.Grants
	Lifetime     time.Duration
	NeverExpires bool
	CreatedAt    time.Time
	ExpiresAt    *time.Time
	LastUsedAt   *time.Time
	// Previous is the token a rotation with an overlap keeps valid.
	Previous *Previous
	// Pending is a create or rotation whose answer was lost.
	Pending *Intent
	// Findings are the review recorded with the token.
	Findings []policy.Finding
	// CutoffMet is the policy's rotate_minted_before when the token was
	// minted, nil when there was none: a mint under a cut-off still ahead
	// satisfies it, so the token is not rotated again by it.
	CutoffMet *time.Time
}

// Previous is the token a rotation kept valid for rotation_overlap.
type Previous struct {
	ID        int64
	ExpiresAt *time.Time
}

// Spec is what the review reads of the minted token.
func (m *Minted) Spec() policy.Spec {
	return policy.Spec{Grants: m.Grants, Lifetime: m.Lifetime, NeverExpires: m.NeverExpires, Description: m.Description, Purpose: m.Purpose}
}

// Usage is what the idle rule reads of the token.
func (m *Minted) Usage() policy.Usage {
	return policy.Usage{Created: m.CreatedAt, LastUsed: m.LastUsedAt, Expires: m.ExpiresAt}
}

// Times are a token's times as Xano sent them.
type Times struct {
	Created  time.Time
	Expires  *time.Time
	LastUsed *time.Time
}

// TimesOf parses a token's times.
func TimesOf(t *xano.Token) (Times, error) {
	created, err := xano.ParseTime(t.CreatedAt)
	if err != nil {
		return Times{}, fmt.Errorf("created_at of token %d: %w", t.ID, err)
	}
	out := Times{Created: created}
	for _, f := range []struct {
		name string
		raw  *string
		dst  **time.Time
	}{{"expires_at", t.ExpiresAt, &out.Expires}, {"last_used_at", t.LastUsedAt, &out.LastUsed}} {
		if f.raw == nil || strings.TrimSpace(*f.raw) == "" {
			continue
		}
		v, err := xano.ParseTime(*f.raw)
		if err != nil {
			return Times{}, fmt.Errorf("%s of token %d: %w", f.name, t.ID, err)
		}
		*f.dst = &v
	}
	return out, nil
}

// Lifetime is the lifetime a token was minted with; never is true for a
// token without an expiry.
func (t Times) Lifetime() (d time.Duration, never bool) {
	if t.Expires == nil {
		return 0, true
	}
	return max(t.Expires.Sub(t.Created).Round(time.Second), 0), false
}

// Active says whether a listed token still counts at now: unexpired, or
// with an expiry that cannot be read.
func Active(t *xano.Token, now time.Time) bool {
	if t.ExpiresAt == nil || strings.TrimSpace(*t.ExpiresAt) == "" {
		return true
	}
	exp, err := xano.ParseTime(*t.ExpiresAt)
	return err != nil || now.Before(exp)
}

// MintedOf reads a token Xano answered with.
func MintedOf(instance string, t *xano.Token) (*Minted, error) {
	times, err := TimesOf(t)
	if err != nil {
		return nil, err
	}
	grants, err := scopes.FromWire(t.Scopes)
	if err != nil {
		return nil, err
	}
	m := &Minted{Instance: instance, ID: t.ID, Name: t.Name, Grants: grants, CreatedAt: times.Created,
		ExpiresAt: times.Expires, LastUsedAt: times.LastUsed}
	m.Description, m.Purpose = SplitPurpose(t.Description)
	m.Lifetime, m.NeverExpires = times.Lifetime()
	return m, nil
}

// Review is the review of a token as found, as the audit and an import see
// it: its grants and lifetime, and its idleness at now.
func (m *Minted) Review(pol policy.Policy, now time.Time) []policy.Finding {
	out := policy.Review(m.Spec(), pol)
	if f, ok := policy.IdleFinding(m.Usage(), pol, now); ok {
		out = append(out, f)
	}
	return out
}
