package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/lifecycle"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// managedTokenIDs reads the audit's managed_token_ids: nil when the argument
// is not set, so no token is judged managed or not.
func managedTokenIDs(ctx context.Context, set types.Set) (map[int64]bool, diag.Diagnostics) {
	if set.IsNull() || set.IsUnknown() {
		return nil, nil
	}
	var ids []int64
	diags := set.ElementsAs(ctx, &ids, false)
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, diags
}

// markManaged sets managed when the audit was given managed_token_ids
// (managed is then not nil), and adds the unmanaged finding to a token
// Terraform does not manage. An ephemeral token of this provider counts as
// managed: the run that opened it revokes it, or the next one once its lease
// has passed.
func (a *tokenAuditModel) markManaged(managed map[int64]bool, t *xano.Token) {
	if managed == nil {
		return
	}
	_, ephemeral := lifecycle.LeaseOf(*t)
	is := managed[t.ID] || ephemeral
	a.Managed = types.BoolValue(is)
	if !is {
		a.Findings = append(a.Findings, findingModels([]policy.Finding{policy.UnmanagedFinding()})...)
	}
}
