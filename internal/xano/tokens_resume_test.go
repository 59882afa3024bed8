package xano_test

import (
	"context"
	"testing"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator/emulatortest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// TestCreateTokenWithKeyRepeats checks that a create sent again with the key
// of an earlier one, in what could be a later run, gets the same token.
func TestCreateTokenWithKeyRepeats(t *testing.T) {
	t.Parallel()
	emu, baseURL := emulatortest.Start(t, emulator.Options{})
	c, err := xano.New(xano.Config{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken, MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	key, err := xano.NewIdempotencyKey()
	if err != nil {
		t.Fatal(err)
	}
	req := xano.CreateTokenRequest{Name: "repeat", ExpiresIn: 3600, Scopes: map[string][]string{"workspace:api": {"read"}}}
	first, err := c.CreateTokenWithKey(context.Background(), "main", req, key)
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.CreateTokenWithKey(context.Background(), "main", req, key)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID || len(emu.Tokens("main")) != 1 {
		t.Errorf("the repeated create gave token %d after %d, and the instance holds %d tokens; want the same token, alone",
			again.ID, first.ID, len(emu.Tokens("main")))
	}
	other, err := xano.NewIdempotencyKey()
	if err != nil || other == key {
		t.Fatalf("a second key %q (%v) repeats the first", other, err)
	}
	if _, err := c.CreateTokenWithKey(context.Background(), "main", req, " "); err == nil {
		t.Errorf("a blank key was accepted: %v", err)
	}
}
