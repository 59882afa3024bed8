package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// End-to-end tests of the token lifecycle with the real CLI: the expiry
// warning as a user reads it, the token limit checked by `terraform plan`,
// the audit's expiry filter in a check block, and a rotation with an overlap
// under faults. The provider binary uses the real clock, so the emulator's
// clock runs behind to make tokens look old.

// lifecycleToken is one read-only token with extra attribute lines.
func lifecycleToken(name, extra string) string {
	return fmt.Sprintf(`
resource "xano_metadata_token" %[1]q {
  name = %[1]q
  %[2]s
  scope {
    name = "workspace_api_groups"
    read = true
  }
}
`, name, extra)
}

// statKey is a key of emulator.Stats for a successful request.
func statKey(method, pattern string) string { return method + " " + pattern + " 200" }

// TestE2EExpiryWarningText checks the expiry warning on a steady plan, in
// the text a user reads and in -json: one warning per token expiring within
// the horizon without rotate_before, each summary naming its token so
// Terraform folds none, and none for a token with rotate_before. The steady
// plan makes one request per token, plus the credentials check.
func TestE2EExpiryWarningText(t *testing.T) {
	t.Parallel()
	// Tokens minted now look six days old to the provider.
	e := newE2E(t, emulator.Options{Clock: func() time.Time { return time.Now().Add(-6 * 24 * time.Hour) }})
	e.Write(e2eHCL("", lifecycleToken("billing", `expires_in = "7d"`)+
		lifecycleToken("reports", `expires_in = "7d"`)+
		lifecycleToken("rotated", `expires_in = "7d"
  rotate_before = "12h"`)+
		lifecycleToken("fresh", `expires_in = "30d"`)))
	apply := e.Apply()
	if apply.Err != nil {
		t.Fatalf("apply: %v\n%s", apply.Err, diagText(apply.Diags))
	}
	for _, w := range apply.Warnings() {
		if strings.Contains(w.Summary, "no rotate_before") {
			t.Errorf("creating a token warned about its expiry: %s", w.Summary)
		}
	}

	e.Emu.ResetStats()
	text := e.runText("plan", "-input=false")
	if text.Err != nil {
		t.Fatalf("plan: %v\n%s", text.Err, text.Out)
	}
	stats := e.Emu.Stats()
	if got := stats[statKey("GET", xano.PathToken)]; got != 4 {
		t.Errorf("the steady plan read %d tokens, want 4", got)
	}
	if got := stats[statKey("GET", xano.PathTokens)]; got != 0 {
		t.Errorf("the steady plan listed the instance's tokens %d times, want none", got)
	}
	var total int
	for _, n := range stats {
		total += n
	}
	if total != 5 {
		t.Errorf("the steady plan made %d requests, want 5 (4 tokens and the credentials check): %v", total, stats)
	}
	if !strings.Contains(text.Out, "No changes.") {
		t.Errorf("the plan is not empty:\n%s", text.Out)
	}
	if strings.Contains(text.Out, "similar warnings") {
		t.Errorf("Terraform folded warnings:\n%s", text.Out)
	}
	summary := regexp.MustCompile(`^Token "(\w+)": expires in (\d+h\d+m|1d), no rotate_before$`)
	var warned []string
	for _, d := range text.Diags() {
		if m := summary.FindStringSubmatch(d.Summary); m != nil && d.Severity == "warning" {
			warned = append(warned, m[1])
			body := strings.Join(d.Lines, "\n")
			for _, f := range []string{"with xano_metadata_token." + m[1], "rotate_before", "expires_in", "expiry_warning (2d)"} {
				if !strings.Contains(body, f) {
					t.Errorf("the warning for %s lacks %q:\n%s", m[1], f, body)
				}
			}
		}
	}
	slices.Sort(warned)
	if want := []string{"billing", "reports"}; !slices.Equal(warned, want) {
		t.Errorf("expiry warnings for %q, want %q; plan:\n%s", warned, want, text.Out)
	}

	plan := e.Plan()
	if plan.Err != nil {
		t.Fatalf("plan -json: %v", plan.Err)
	}
	var addrs []string
	for _, w := range plan.Warnings() {
		if strings.Contains(w.Summary, "no rotate_before") {
			addrs = append(addrs, w.Address)
		}
	}
	slices.Sort(addrs)
	if want := []string{"xano_metadata_token.billing", "xano_metadata_token.reports"}; !slices.Equal(addrs, want) {
		t.Errorf("-json expiry warnings on %q, want %q", addrs, want)
	}
}

// TestE2ETokenLimitPlan checks the token limit at plan time on an instance
// that holds 8 tokens: a plan of 3 new tokens fails with exactly one error,
// after one list of the instance's tokens and no create; 2 new tokens plan
// and apply (the apply's own plan, in a process of its own, lists again and
// counts them once); a steady plan lists nothing.
func TestE2ETokenLimitPlan(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	client := mtClientWith(t, e.BaseURL, e.Token)
	for i := range 8 {
		if _, err := client.CreateToken(context.Background(), e2eInstance, xano.CreateTokenRequest{
			Name: "unmanaged-" + strconv.Itoa(i), ExpiresIn: 86400, Scopes: map[string][]string{"workspace:api": {"read"}},
		}); err != nil {
			t.Fatal(err)
		}
	}
	fleet := func(n int) string {
		return e2eHCL("", fmt.Sprintf(`
resource "xano_metadata_token" "fleet" {
  count = %d
  name  = "fleet-${count.index}"
  scope {
    name = "workspace_api_groups"
    read = true
  }
}
`, n))
	}

	e.Write(fleet(3))
	e.Emu.ResetStats()
	plan := e.Plan()
	if plan.Err == nil {
		t.Fatal("a plan of 3 tokens on an instance holding 8 succeeded")
	}
	errs := plan.Errors()
	if len(errs) != 1 {
		t.Fatalf("got %d errors, want 1:\n%s", len(errs), diagText(plan.Diags))
	}
	want := regexp.MustCompile(`^Token "fleet-\d": over Xano's token limit$`)
	if !want.MatchString(errs[0].Summary) || !strings.HasPrefix(errs[0].Address, "xano_metadata_token.fleet[") {
		t.Errorf("error %q on %q, want a summary naming the token, on its address", errs[0].Summary, errs[0].Address)
	}
	for _, f := range []string{`Instance "e2e" would hold 11 active tokens`, "limit of 10", "it has 8 now", "creates at least 3", "xano_metadata_tokens"} {
		if !strings.Contains(errs[0].Detail, f) {
			t.Errorf("the error lacks %q:\n%s", f, errs[0].Detail)
		}
	}
	stats := e.Emu.Stats()
	if got := stats[statKey("GET", xano.PathTokens)]; got != 1 {
		t.Errorf("the plan listed the instance's tokens %d times, want once", got)
	}
	if got := e.Emu.Count("POST", xano.PathTokens); got != 0 {
		t.Errorf("the failed plan created %d tokens", got)
	}

	e.Write(fleet(2))
	e.Emu.ResetStats()
	if apply := e.Apply(); apply.Err != nil {
		t.Fatalf("apply of 2 tokens: %v\n%s", apply.Err, diagText(apply.Diags))
	}
	if got := e.Emu.Stats()[statKey("GET", xano.PathTokens)]; got != 2 {
		t.Errorf("plan and apply listed the tokens %d times, want twice: once per provider process", got)
	}
	if got := len(e.Emu.Tokens(e2eInstance)); got != 10 {
		t.Errorf("the instance holds %d tokens, want 10", got)
	}

	e.Emu.ResetStats()
	if steady := e.Plan(); steady.Err != nil || len(steady.Errors()) != 0 {
		t.Fatalf("steady plan: %v\n%s", steady.Err, diagText(steady.Diags))
	}
	if got := e.Emu.Stats()[statKey("GET", xano.PathTokens)]; got != 0 {
		t.Errorf("a plan that creates nothing listed the tokens %d times", got)
	}
}

// TestE2EExpiresWithinCheck runs the audit data source's example: its check
// fails, in the plan and in the saved plan's JSON, while a token will expire
// within two days with nothing to rotate it, naming that token only.
func TestE2EExpiresWithinCheck(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{Clock: func() time.Time { return time.Now().Add(-6 * 24 * time.Hour) }})
	_, file, _, _ := runtime.Caller(0)
	example, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "examples", "data-sources", "xano_metadata_tokens", "data-source.tf"))
	if err != nil {
		t.Fatal(err)
	}
	// weweb is the token the example's other blocks refer to.
	tokens := lifecycleToken("billing", `expires_in = "7d"`) + lifecycleToken("weekly", `expires_in = "14d"`) +
		lifecycleToken("weweb", `expires_in = "30d"`)
	e.Write(e2eHCL("", tokens))
	if apply := e.Apply(); apply.Err != nil {
		t.Fatalf("apply: %v\n%s", apply.Err, diagText(apply.Diags))
	}
	e.Write(e2eHCL("", tokens+string(example)))
	out := e.savedPlanJSON()
	var plan struct {
		Checks []struct {
			Address struct {
				Name string `json:"name"`
			} `json:"address"`
			Status    string `json:"status"`
			Instances []struct {
				Problems []struct {
					Message string `json:"message"`
				} `json:"problems"`
			} `json:"instances"`
		} `json:"checks"`
	}
	if err := json.Unmarshal(out, &plan); err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, c := range plan.Checks {
		if c.Address.Name != "no_token_expires_unrotated" {
			continue
		}
		found = true
		if c.Status != "fail" || len(c.Instances) != 1 || len(c.Instances[0].Problems) != 1 {
			t.Fatalf("check %+v, want one failed instance with one problem", c)
		}
		msg := c.Instances[0].Problems[0].Message
		if !strings.Contains(msg, "billing (e2e/") || strings.Contains(msg, "weekly") || strings.Contains(msg, "weweb") {
			t.Errorf("the check names the wrong tokens: %s", msg)
		}
	}
	if !found {
		t.Fatalf("the saved plan has no no_token_expires_unrotated check:\n%s", out)
	}
}

// previousIDs reads previous_token_id of every xano_metadata_token in state.
func previousIDs(t *testing.T, e *e2eEnv) []int64 {
	t.Helper()
	st, err := e.TF.Show(context.Background())
	if err != nil {
		t.Fatalf("terraform show: %v", err)
	}
	var out []int64
	if st == nil || st.Values == nil || st.Values.RootModule == nil {
		return out
	}
	for _, r := range st.Values.RootModule.Resources {
		if id := jsonInt(r.AttributeValues["previous_token_id"]); id != 0 {
			out = append(out, id)
		}
	}
	return out
}

// jsonInt reads a whole number of `terraform show -json`; 0 for null.
func jsonInt(v any) int64 {
	switch n := v.(type) {
	case json.Number:
		i, _ := n.Int64()
		return i
	case float64:
		return int64(n)
	}
	return 0
}

// TestE2ERotationOverlapFaults rotates four tokens with an overlap, twice,
// while the emulator fails 30% of creates and revocations (half with a 500
// before committing, half by dropping the connection after committing).
// After each converged apply, the instance holds exactly the tokens the
// state names, current and previous: no orphan, no duplicate. Destroy
// leaves none.
func TestE2ERotationOverlapFaults(t *testing.T) {
	t.Parallel()
	// Tokens minted now look ten minutes old: with a 1h lifetime and a 55m
	// window, every plan finds them due for rotation.
	e := newE2E(t, emulator.Options{FaultRate: 0.3, Seed: rotationSeed(), Clock: func() time.Time { return time.Now().Add(-10 * time.Minute) }})
	e.Write(e2eHCL(`  request_timeout = "5s"`, `
resource "xano_metadata_token" "fleet" {
  count            = 4
  name             = "rotating-${count.index}"
  expires_in       = "1h"
  rotate_before    = "55m"
  rotation_overlap = "30m"

  scope {
    name = "workspace_api_groups"
    read = true
  }
}
`))
	consistent := func(what string, wantTokens int) {
		t.Helper()
		want := append(stateIDs(stateTokens(t, e)), previousIDs(t, e)...)
		slices.Sort(want)
		if got := emulatorIDs(e.Emu); !slices.Equal(got, want) {
			t.Fatalf("after %s the emulator holds tokens %v, the state names %v: orphans or duplicates", what, got, want)
		}
		if len(want) != wantTokens {
			t.Fatalf("after %s the state names %d tokens, want %d", what, len(want), wantTokens)
		}
	}
	// Which requests the random faults hit depends on the order Terraform
	// sends them in, so each rotation also loses for sure the answer of its
	// first write after it was carried out: the first rotation's first
	// create, the second rotation's first revocation of a previous token
	// (each update revokes before it creates).
	dropped := func(what, key string) {
		t.Helper()
		if e.Emu.Stats()[key] == 0 {
			t.Errorf("%s lost no answer (%s): the test proves less than it says", what, key)
		}
	}
	runUntilClean(t, "create", 3, func() e2eRun { return e.Apply() })
	consistent("the create", 4)
	e.Emu.ResetStats()
	e.Emu.DropNext(1, true)
	runUntilClean(t, "first rotation", 3, func() e2eRun { return e.Apply() })
	consistent("the first rotation", 8)
	dropped("the first rotation", "POST /instance/{instance}/token 0")
	e.Emu.ResetStats()
	e.Emu.DropNext(1, true)
	runUntilClean(t, "second rotation", 3, func() e2eRun { return e.Apply() })
	consistent("the second rotation", 8)
	dropped("the second rotation", "DELETE /instance/{instance}/token/{id} 0")

	runUntilClean(t, "destroy", 3, func() e2eRun { return e.Destroy() })
	if left := emulatorIDs(e.Emu); len(left) != 0 {
		t.Errorf("the emulator still holds tokens %v after destroy", left)
	}
	if left := stateTokens(t, e); len(left) != 0 {
		t.Errorf("state still holds %d tokens after destroy", len(left))
	}
}

// rotationSeed is the fault seed of TestE2ERotationOverlapFaults: XANO_SEED
// when set, so a failing sequence can be tried again.
func rotationSeed() int64 {
	n, err := strconv.ParseInt(os.Getenv("XANO_SEED"), 10, 64)
	if err != nil {
		return 4
	}
	return n
}

// TestE2ERotationOverlapExample applies the resource's rotation-overlap
// example with the real CLI: the apply that rotates hands the new secret to
// the terraform_data consumer while the old secret still works, and the next
// apply, once the overlap has passed, revokes the old one.
func TestE2ERotationOverlapExample(t *testing.T) {
	t.Parallel()
	// The emulator's clock runs behind by skew days: the first token looks
	// 24 days old as soon as it is minted, inside its 7-day window; the
	// second, minted at 3 days behind, is out of its window but already
	// past the 2-day overlap.
	var skew atomic.Int64
	skew.Store(24)
	e := newE2E(t, emulator.Options{Clock: func() time.Time { return time.Now().Add(-time.Duration(skew.Load()) * 24 * time.Hour) }})
	_, file, _, _ := runtime.Caller(0)
	example, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "examples", "resources", "xano_metadata_token", "rotation-overlap.tf"))
	if err != nil {
		t.Fatal(err)
	}
	e.Write(e2eHCL("", string(example)))
	type snapshot struct {
		token, consumer, metaAPI string
		id, previous             int64
	}
	read := func() snapshot {
		t.Helper()
		st, err := e.TF.Show(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var s snapshot
		for _, r := range st.Values.RootModule.Resources {
			switch r.Address {
			case "xano_metadata_token.make":
				s.token, _ = r.AttributeValues["token"].(string)
				s.metaAPI, _ = r.AttributeValues["meta_api"].(string)
				s.id, s.previous = jsonInt(r.AttributeValues["token_id"]), jsonInt(r.AttributeValues["previous_token_id"])
			case "terraform_data.consumer":
				out, _ := r.AttributeValues["output"].(map[string]any)
				s.consumer, _ = out["token"].(string)
			}
		}
		return s
	}
	status := func(secret, metaAPI string) int {
		t.Helper()
		got, err := getStatus(context.Background(), metaAPI+"/workspace/1/request_history", secret)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	if run := e.Apply(); run.Err != nil {
		t.Fatalf("create: %v\n%s", run.Err, diagText(run.Diags))
	}
	first := read()
	if first.token == "" || first.consumer != first.token {
		t.Fatalf("after the create the consumer holds a different secret than the token")
	}

	skew.Store(3)
	rotate := e.Apply()
	if rotate.Err != nil {
		t.Fatalf("rotation: %v\n%s", rotate.Err, diagText(rotate.Diags))
	}
	mtWarning(t, rotate, "xano_metadata_token.make", `Token "make-alerting": due for rotation, new token planned`)
	second := read()
	switch {
	case second.id == first.id || second.token == first.token:
		t.Fatal("the apply did not rotate the token")
	case second.previous != first.id:
		t.Errorf("previous_token_id = %d, want %d", second.previous, first.id)
	case second.consumer != second.token:
		t.Error("the consumer did not get the new secret in the apply that rotated")
	}
	if got := status(first.token, second.metaAPI); got != 200 {
		t.Errorf("the old secret got %d during the overlap, want 200", got)
	}
	if got := status(second.token, second.metaAPI); got != 200 {
		t.Errorf("the new secret got %d, want 200", got)
	}

	if run := e.Apply(); run.Err != nil {
		t.Fatalf("revocation: %v\n%s", run.Err, diagText(run.Diags))
	}
	if got := status(first.token, second.metaAPI); got != 401 {
		t.Errorf("the old secret got %d after the overlap, want 401", got)
	}
	if third := read(); third.id != second.id || third.previous != 0 {
		t.Errorf("after the revocation the state holds token %d with previous %d, want %d and none", third.id, third.previous, second.id)
	}
	if ids := emulatorIDs(e.Emu); len(ids) != 1 || ids[0] != second.id {
		t.Errorf("the instance holds tokens %v, want only %d", ids, second.id)
	}
}
