package provider

import (
	"context"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// How a managed token's use reaches the plan: Read records last_used_at and
// swaps the idle finding in the state's findings for the one judged at the
// refresh; ModifyPlan plans the idle finding the state holds, judging
// nothing itself. The planned findings so equal the refreshed ones and a
// steady configuration plans no change, also with -refresh=false, while the
// warning names the idle token on every plan until it is used or removed.

// usage is the token's use as the state m records it; ok is false when its
// creation time is not known.
func (m *metadataTokenModel) usage() (u policy.Usage, ok bool) {
	created, ok := stateTime(m.CreatedAt)
	if !ok {
		return policy.Usage{}, false
	}
	u.Created = created
	if t, ok := stateTime(m.LastUsedAt); ok {
		u.LastUsed = &t
	}
	if t, ok := stateTime(m.ExpiresAt); ok {
		u.Expires = &t
	}
	return u, true
}

// idleFinding is the idle finding of the token m describes, judged at now.
func (m *metadataTokenModel) idleFinding(pol policy.Policy, now time.Time) (policy.Finding, bool) {
	u, ok := m.usage()
	if !ok {
		return policy.Finding{}, false
	}
	return policy.IdleFinding(u, pol, now)
}

// stateTime parses an RFC 3339 time of state; ok is false for null, unknown
// or unreadable values.
func stateTime(v types.String) (time.Time, bool) {
	if v.IsNull() || v.IsUnknown() {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, v.ValueString())
	return t, err == nil
}

// refreshIdle replaces the idle finding of m's findings with the one judged
// at now, leaving the others as the last plan made them. Findings not known
// or not readable are left alone.
func (m *metadataTokenModel) refreshIdle(ctx context.Context, pol policy.Policy, now time.Time) diag.Diagnostics {
	if m.Findings.IsNull() || m.Findings.IsUnknown() {
		return nil
	}
	var fs []findingModel
	if diags := m.Findings.ElementsAs(ctx, &fs, false); diags.HasError() {
		return diags
	}
	fs = slices.DeleteFunc(fs, func(f findingModel) bool { return f.Rule == policy.RuleIdle })
	if f, ok := m.idleFinding(pol, now); ok {
		fs = append(fs, findingModels([]policy.Finding{f})...)
	}
	list, diags := types.ListValueFrom(ctx, findingObjectType, fs)
	if !diags.HasError() {
		m.Findings = list
	}
	return diags
}

// stateIdleFinding is the idle finding the state's findings hold, as the
// last refresh judged it.
func stateIdleFinding(ctx context.Context, m *metadataTokenModel) (policy.Finding, bool) {
	if m.Findings.IsNull() || m.Findings.IsUnknown() {
		return policy.Finding{}, false
	}
	var fs []findingModel
	if m.Findings.ElementsAs(ctx, &fs, false).HasError() {
		return policy.Finding{}, false
	}
	for _, f := range fs {
		if f.Rule != policy.RuleIdle {
			continue
		}
		sev, err := scopes.ParseSeverity(f.Severity)
		if err != nil {
			return policy.Finding{}, false
		}
		return policy.Finding{Severity: sev, Rule: f.Rule, Summary: f.Summary}, true
	}
	return policy.Finding{}, false
}

// keptTokenFindings are the findings a plan that keeps the token warns
// about, when it neither creates nor replaces it: the idle finding, which
// says how the token is used now, and grants beyond a purpose that the
// state's findings did not hold yet (a purpose just set or changed).
// Everything else was reviewed when the token was created.
func keptTokenFindings(ctx context.Context, prior *metadataTokenModel, all []policy.Finding) []policy.Finding {
	var before []findingModel
	if !prior.Findings.IsNull() && !prior.Findings.IsUnknown() {
		_ = prior.Findings.ElementsAs(ctx, &before, false)
	}
	var out []policy.Finding
	for _, f := range all {
		switch f.Rule {
		case policy.RuleIdle:
			out = append(out, f)
		case policy.RulePurpose:
			known := slices.ContainsFunc(before, func(b findingModel) bool {
				return b.Rule == f.Rule && b.Scope == f.Scope && b.Permission == string(f.Permission) && b.Summary == f.Summary
			})
			if !known {
				out = append(out, f)
			}
		}
	}
	return out
}
