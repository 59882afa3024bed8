package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/lifecycle"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// TestDescriptionLeaseMarkerRefused checks that a managed token's
// description cannot end in an ephemeral lease marker, as one copied from an
// imported token would: with it the token would keep the marker in Xano, and
// the ephemeral block of the same name prefix would revoke it.
func TestDescriptionLeaseMarkerRefused(t *testing.T) {
	t.Parallel()
	past := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		description, want string
	}{
		{lifecycle.WithLease("CI billing export", past), "Lease marker in the description"},
		{lifecycle.WithLease("", past), "Lease marker in the description"},
		{"CI billing export", ""},
		{"mentions [xano_metadata_token ephemeral lease until 2026-01-02T03:04:05Z] midway", ""},
	}
	for _, tt := range tests {
		resp := &validator.StringResponse{}
		descriptionMarkerValidator{}.ValidateString(context.Background(), validator.StringRequest{
			Path: path.Root("description"), ConfigValue: types.StringValue(tt.description)}, resp)
		switch {
		case tt.want == "" && resp.Diagnostics.HasError():
			t.Errorf("description %q refused: %s", tt.description, renderDiags(resp.Diagnostics))
		case tt.want != "" && (resp.Diagnostics.ErrorsCount() != 1 || resp.Diagnostics[0].Summary() != tt.want):
			t.Errorf("description %q: %s, want one error %q", tt.description, renderDiags(resp.Diagnostics), tt.want)
		}
	}
}

// TestE2EImportedEphemeralTokenSurvivesLease imports a token an ephemeral
// block abandoned (its name is the block's prefix plus 8 hex digits and its
// description ends in a lease that has passed) into a managed resource. The
// plan shows the marker going, the apply removes it from the token in Xano,
// and a later run that opens the ephemeral block of that prefix, whose reaper
// revokes abandoned tokens, leaves the managed token alone.
func TestE2EImportedEphemeralTokenSurvivesLease(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	client := mtClientWith(t, e.BaseURL, e.Token)
	tok, err := client.CreateToken(t.Context(), e2eInstance, xano.CreateTokenRequest{Name: "billing-deadbeef",
		Description: lifecycle.WithLease("CI billing export", time.Now().Add(-time.Minute)), ExpiresIn: 3600,
		Scopes: map[string][]string{"workspace:api": {"read"}}})
	if err != nil {
		t.Fatal(err)
	}
	managed := fmt.Sprintf(`
import {
  to = xano_metadata_token.billing
  id = "%s/%d"
}

resource "xano_metadata_token" "billing" {
  name        = "billing-deadbeef"
  description = "CI billing export"
  expires_in  = "1h"
  scope {
    name = "workspace_api_groups"
    read = true
  }
}
`, e2eInstance, tok.ID)
	e.Write(acctest.E2EConfig(acctest.Provider{}, managed))
	e.MustApply()
	var found *xano.Token
	for _, got := range e.Emu.Tokens(e2eInstance) {
		if got.ID == tok.ID {
			found = &got
		}
	}
	if found == nil {
		t.Fatalf("the import apply lost token %d: %+v", tok.ID, e.Emu.Tokens(e2eInstance))
	}
	if found.Description != "CI billing export" {
		t.Fatalf("after the apply token %d's description is %q, want the lease marker removed", tok.ID, found.Description)
	}
	if m := e.Emu.Count("POST", "/instance/{instance}/token"); m != 1 {
		t.Fatalf("the import apply minted %d tokens beside the seed, want none", m-1)
	}

	e.Write(acctest.E2EConfig(acctest.Provider{}, managed, `
ephemeral "xano_metadata_token" "billing" {
  name = "billing"
  scope {
    name = "workspace_api_groups"
    read = true
  }
}

resource "terraform_data" "use" {
  triggers_replace = [timestamp()]
  provisioner "local-exec" {
    command = "test -n \"$XANO_TOKEN\""
    environment = {
      XANO_TOKEN = ephemeral.xano_metadata_token.billing.token
    }
  }
}
`))
	e.MustApply()
	if m := e.Emu.Count("POST", "/instance/{instance}/token"); m < 2 {
		t.Fatalf("%d token(s) minted in all: the run did not open the ephemeral block", m)
	}
	for _, got := range e.Emu.Tokens(e2eInstance) {
		if got.ID == tok.ID {
			if strings.Contains(got.Description, "lease") {
				t.Errorf("token %d carries a lease marker again: %q", tok.ID, got.Description)
			}
			return
		}
	}
	t.Fatalf("the ephemeral run revoked managed token %d", tok.ID)
}
