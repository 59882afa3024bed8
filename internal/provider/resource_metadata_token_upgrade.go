package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// UpgradeState upgrades a state written before findings became one line
// each; the rest of the state is kept byte for byte.
func (r *metadataTokenResource) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	return map[int64]resource.StateUpgrader{
		0: {StateUpgrader: upgradeFindingsToLines},
	}
}

// findingObjectV0 is one finding as schema version 0 held it.
type findingObjectV0 struct {
	Scope      string `json:"scope"`
	Permission string `json:"permission"`
	Severity   string `json:"severity"`
	Rule       string `json:"rule"`
	Summary    string `json:"summary"`
}

// upgradeFindingsToLines rewrites the findings of a version 0 state as
// lines; a finding whose severity cannot be read is dropped, as reading it
// back from a version 0 state did.
func upgradeFindingsToLines(_ context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
	upgraded, err := findingsToLinesJSON(req.RawState.JSON)
	if err != nil {
		resp.Diagnostics.AddError("Cannot upgrade the xano_metadata_token state",
			fmt.Sprintf("The state written by an earlier version of the provider could not be read: %s. "+
				"Remove the resource from state (terraform state rm) and import it again by its id.", err))
		return
	}
	resp.DynamicValue = &tfprotov6.DynamicValue{JSON: upgraded}
}

// findingsToLinesJSON rewrites the findings attribute of a version 0 state.
func findingsToLinesJSON(raw []byte) ([]byte, error) {
	var attrs map[string]json.RawMessage
	if err := json.Unmarshal(raw, &attrs); err != nil {
		return nil, err
	}
	if attrs == nil {
		return nil, fmt.Errorf("the state is empty")
	}
	var old []findingObjectV0
	if err := json.Unmarshal(attrs["findings"], &old); attrs["findings"] != nil && err != nil {
		return nil, fmt.Errorf("findings: %w", err)
	}
	if old == nil {
		// Null findings (an imported token before its first refresh) stay null.
		attrs["findings"] = json.RawMessage("null")
		return json.Marshal(attrs)
	}
	lines := make([]string, 0, len(old))
	for _, o := range old {
		sev, err := scopes.ParseSeverity(o.Severity)
		if err != nil {
			continue
		}
		f := policy.Finding{Severity: sev, Rule: o.Rule, Scope: o.Scope, Permission: scopes.Permission(o.Permission), Summary: o.Summary}
		lines = append(lines, f.Line())
	}
	b, err := json.Marshal(lines)
	if err != nil {
		return nil, err
	}
	attrs["findings"] = b
	return json.Marshal(attrs)
}
