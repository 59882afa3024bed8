package provider

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

func TestMask(t *testing.T) {
	t.Parallel()
	const (
		admin  = "admin-secret-123"
		minted = "minted-secret-456"
	)
	logLine := func(ctx context.Context) {
		tflog.Debug(ctx, "calling with "+admin+" and Bearer hdr.payload.sig", map[string]any{
			"authorization": "Bearer from-a-field",
			"url":           "https://x.example/?t=" + minted,
			"header":        "Authorization: Basic Zm9vOmJhcg==",
			"body":          `{"id":42,"token":"body-secret"}`,
			"token":         "field-secret",
			"name":          "weweb-production",
		})
		tflogLogger{}.Debug(ctx, "client attempt", map[string]any{"detail": "retrying with " + admin})
	}
	secrets := []string{admin, minted, "hdr.payload.sig", "from-a-field", "Zm9vOmJhcg==", "body-secret", "field-secret"}

	t.Run("control: unmasked logs show the secrets", func(t *testing.T) {
		t.Parallel()
		var buf bytes.Buffer
		logLine(tflogtest.RootLogger(context.Background(), &buf))
		for _, s := range secrets {
			if !strings.Contains(buf.String(), s) {
				t.Errorf("the unmasked log lacks %q, so the masked case proves nothing:\n%s", s, buf.String())
			}
		}
	})
	for name, data := range map[string]*providerData{
		"configured provider": {accessToken: admin},
		"no provider data":    nil,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			ctx := tflogtest.RootLogger(context.Background(), &buf)
			// The empty secret must not garble the output.
			ctx = data.mask(ctx, minted, "", admin)
			logLine(ctx)
			out := buf.String()
			for _, s := range secrets {
				if strings.Contains(out, s) {
					t.Errorf("log contains %q:\n%s", s, out)
				}
			}
			for _, keep := range []string{"calling with", "weweb-production", "client attempt", `"id\":42`} {
				if !strings.Contains(out, keep) {
					t.Errorf("log lost %q:\n%s", keep, out)
				}
			}
		})
	}
}
