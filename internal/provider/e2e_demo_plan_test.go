package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator/emulatortest"
)

// demoPlanMaxLines bounds the demo's text plan of three tokens, which a
// reviewer reads whole (issue 22); the findings take one line each.
const demoPlanMaxLines = 170

// TestE2EDemoPlanLength plans examples/demo as scripts/demo.sh does (its
// one declared instance, the connection from XANO_BASE_URL and
// XANO_ACCESS_TOKEN, TF_IN_AUTOMATION, -out) and counts the lines of the text
// plan without Terraform's "Provider development overrides" warning, which
// a user of a released provider never sees.
func TestE2EDemoPlanLength(t *testing.T) {
	t.Parallel()
	acctest.SkipUnlessAcc(t)
	_, baseURL := emulatortest.Start(t, emulator.Options{
		AdminTokens: []string{emulator.DefaultAdminToken},
		Instances:   []emulator.InstanceSpec{{Name: "demo", Display: "Demo instance"}},
	})
	tf := newTerraformAt(t, baseURL, emulator.DefaultAdminToken, "")
	demo, err := os.ReadFile(filepath.Join(acctest.RepoRoot(), "examples", "demo", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	tf.Write(string(demo))
	run := tf.RunEnv(map[string]string{"TF_IN_AUTOMATION": "1"}, "plan", "-out=demo.tfplan")
	if run.Err != nil {
		t.Fatalf("plan: %v\n%s", run.Err, run.Out)
	}
	out := acctest.WithoutDevOverrides(run.Out)
	if out == run.Out || strings.Contains(out, "development overrides") {
		t.Fatalf("the dev-overrides warning was not found whole, so the count would be off:\n%s", run.Out)
	}
	if !strings.Contains(out, "Plan: 3 to add, 0 to change, 0 to destroy.") {
		t.Fatalf("the plan does not add the demo's three tokens:\n%s", out)
	}
	if n := strings.Count(out, "\n"); n > demoPlanMaxLines {
		t.Errorf("the demo's plan prints %d lines, want %d or fewer:\n%s", n, demoPlanMaxLines, out)
	} else {
		t.Logf("the demo's plan prints %d lines", n)
	}
}
