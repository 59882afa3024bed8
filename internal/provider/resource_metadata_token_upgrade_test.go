package provider

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// v0TokenState is a state of schema version 0, as the provider wrote it
// before findings became lines; findings is filled in per case.
func v0TokenState(t *testing.T, findings any) []byte {
	t.Helper()
	state := map[string]any{
		"id": "e2e/42", "token_id": 42, "instance": "e2e", "name": "weweb-production", "description": "WeWeb",
		"purpose": nil, "expires_in": "30d", "never_expires": false, "expires_at": "2026-02-01T00:00:00Z",
		"created_at": "2026-01-02T00:00:00Z", "last_used_at": nil, "rotate_before": nil, "rotation_overlap": nil,
		"previous_token_id": nil, "previous_revoke_at": nil, "revoke_on_destroy": true, "risk_acknowledgement": nil,
		"review_by": nil, "token": "secret-token-value", "meta_api": "http://127.0.0.1:9/api:meta",
		"scope": []any{map[string]any{"name": "workspace_content", "create": false, "read": true, "update": false, "delete": false}},
	}
	if findings != "absent" {
		state["findings"] = findings
	}
	b, err := json.Marshal(state)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestMetadataTokenUpgradeStateV0 upgrades version 0 states through the
// provider server, as Terraform does on the first plan with this version:
// the findings objects become lines in their order, a finding whose severity
// cannot be read is dropped, null stays null, and the rest is kept.
func TestMetadataTokenUpgradeStateV0(t *testing.T) {
	t.Parallel()
	s := newRiskServer(t, nil)
	for _, tt := range []struct {
		name     string
		findings any
		want     []string // nil: null findings
	}{
		{
			name: "objects",
			findings: []any{
				map[string]any{"scope": "workspace_content", "permission": "read", "severity": "medium", "rule": "grant",
					"summary": "can read workspace metadata: settings. And more"},
				map[string]any{"scope": "", "permission": "", "severity": "bogus", "rule": "grant", "summary": "dropped"},
				map[string]any{"scope": "workspace_files", "permission": "", "severity": "high", "rule": "purpose", "summary": "beyond the recipe"},
				map[string]any{"scope": "", "permission": "", "severity": "high", "rule": "never_expires", "summary": "never expires"},
			},
			want: []string{
				"medium grant workspace_content.read: can read workspace metadata: settings. And more",
				"high purpose workspace_files: beyond the recipe",
				"high never_expires: never expires",
			},
		},
		{name: "empty", findings: []any{}, want: []string{}},
		{name: "null", findings: nil},
		{name: "absent", findings: "absent"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			typ := s.resource.ValueType()
			resp, err := s.srv.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{
				TypeName: tokenTypeName, Version: 0, RawState: &tfprotov6.RawState{JSON: v0TokenState(t, tt.findings)},
			})
			if err != nil {
				t.Fatal(err)
			}
			requireNoDiags(t, "UpgradeResourceState", resp.Diagnostics)
			v, err := resp.UpgradedState.Unmarshal(typ)
			if err != nil {
				t.Fatal(err)
			}
			var attrs map[string]tftypes.Value
			if err := v.As(&attrs); err != nil {
				t.Fatal(err)
			}
			var token, name string
			if err := attrs["token"].As(&token); err != nil || token != "secret-token-value" {
				t.Errorf("token = %q, %v; want it kept", token, err)
			}
			if err := attrs["name"].As(&name); err != nil || name != "weweb-production" {
				t.Errorf("name = %q, %v; want it kept", name, err)
			}
			f := attrs["findings"]
			if tt.want == nil {
				if !f.IsNull() {
					t.Errorf("findings = %v, want null", f)
				}
				return
			}
			var list []tftypes.Value
			if err := f.As(&list); err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, item := range list {
				var line string
				if err := item.As(&line); err != nil {
					t.Fatal(err)
				}
				got = append(got, line)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestMetadataTokenUpgradeStateV0Unreadable checks that a state that is not
// a JSON object fails the upgrade with an error saying what to do.
func TestMetadataTokenUpgradeStateV0Unreadable(t *testing.T) {
	t.Parallel()
	s := newRiskServer(t, nil)
	for _, raw := range []string{`[]`, `{"findings": "not a list"}`, `null`} {
		resp, err := s.srv.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{
			TypeName: tokenTypeName, Version: 0, RawState: &tfprotov6.RawState{JSON: []byte(raw)},
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityError ||
			resp.Diagnostics[0].Summary != "Cannot upgrade the xano_metadata_token state" {
			t.Errorf("%s: diagnostics = %s, want the upgrade error", raw, protoDiagText(resp.Diagnostics))
		}
	}
}
