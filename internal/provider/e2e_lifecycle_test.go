package provider

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// End-to-end tests of the token lifecycle with the real CLI: the expiry
// warning as a user reads it, the token limit checked by `terraform plan`,
// the audit's expiry filter in a check block, and a rotation with an overlap
// under faults. The provider binary uses the real clock, so the emulator's
// clock runs behind to make tokens look old.

// lifecycleToken is one read-only token with extra arguments.
func lifecycleToken(name string, extra ...string) string {
	return acctest.Token(name, append(extra, acctest.Scope("workspace_api_groups", "read"))...)
}

// statKey is a key of emulator.Stats for a successful request.
func statKey(method, pattern string) string { return method + " " + pattern + " 200" }

// TestE2EExpiryWarningText checks the expiry warning on a steady plan, in
// the text a user reads and in -json: one warning per token expiring within
// the horizon without rotate_before, each summary naming its token so
// Terraform folds none, and none for a token with rotate_before. The steady
// plan lists the instance's tokens once, plus the credentials check.
func TestE2EExpiryWarningText(t *testing.T) {
	t.Parallel()
	// Tokens minted now look six days old to the provider.
	e := newE2E(t, emulator.Options{Clock: acctest.NewRunningClock(time.Now().Add(-6 * 24 * time.Hour)).Now})
	e.Write(acctest.E2EConfig(acctest.Provider{}, lifecycleToken("billing", `expires_in = "7d"`),
		lifecycleToken("reports", `expires_in = "7d"`),
		lifecycleToken("rotated", `expires_in = "7d"`, `rotate_before = "12h"`),
		lifecycleToken("fresh", `expires_in = "30d"`)))
	apply := e.MustApply()
	for _, w := range apply.Warnings() {
		if strings.Contains(w.Summary, "no rotate_before") {
			t.Errorf("creating a token warned about its expiry: %s", w.Summary)
		}
	}

	e.Emu.ResetStats()
	text := e.Run("plan", "-input=false")
	if text.Err != nil {
		t.Fatalf("plan: %v\n%s", text.Err, text.Out)
	}
	stats := e.Emu.Stats()
	if got := stats[statKey("GET", xano.PathToken)]; got != 0 {
		t.Errorf("the steady plan read %d tokens on their own, want none", got)
	}
	if got := stats[statKey("GET", xano.PathTokens)]; got != 1 {
		t.Errorf("the steady plan listed the instance's tokens %d times, want once", got)
	}
	var total int
	for _, n := range stats {
		total += n
	}
	if total != 3 || stats[statKey("GET", xano.PathInstances)] != 1 {
		t.Errorf("the steady plan made %d requests, want 3 (the credentials check, the account's instances and the instance's tokens): %v", total, stats)
	}
	if !strings.Contains(text.Out, "No changes.") {
		t.Errorf("the plan is not empty:\n%s", text.Out)
	}
	if strings.Contains(text.Out, "similar warnings") {
		t.Errorf("Terraform folded warnings:\n%s", text.Out)
	}
	summary := regexp.MustCompile(`^Token "(\w+)" on instance "e2e": expires in (\d+h\d+m|1d), no rotate_before$`)
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

// TestE2EExpiryWarningKeptTokens plans tokens the emulator minted days ago,
// as Terraform plans an existing token: the expiry warning names each token
// within the policy's horizon, renamed ones under their new name, counts
// down to minutes, and is silent for a token the plan replaces, one that
// never expires, one outside the horizon, and under expiry_warning = "0s".
func TestE2EExpiryWarningKeptTokens(t *testing.T) {
	t.Parallel()
	const day = 24 * time.Hour
	summary := regexp.MustCompile(`^Token "(.+)" on instance "e2e": expires in (\S+), no rotate_before$`)
	// expiring checks the plan's warnings: each is an expiry warning, for
	// the tokens named in want, left maps to the time left it shows.
	expiring := func(t *testing.T, p reviewedPlan, left *regexp.Regexp, want ...string) []acctest.Diag {
		t.Helper()
		if p.JSON.Err != nil {
			t.Fatalf("plan: %v\n%s", p.JSON.Err, acctest.DiagText(p.JSON.Diags))
		}
		var got []string
		for _, w := range p.JSON.Warnings() {
			m := summary.FindStringSubmatch(w.Summary)
			if m == nil || !left.MatchString(m[2]) {
				t.Errorf("unexpected warning %q, want expiry warnings showing %s", w.Summary, left)
				continue
			}
			got = append(got, m[1])
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("expiry warnings for %q, want %q\n%s", got, want, acctest.DiagText(p.JSON.Diags))
		}
		return p.JSON.Warnings()
	}

	t.Run("six days old", func(t *testing.T) {
		t.Parallel()
		e := newE2E(t, emulator.Options{Clock: acctest.NewRunningClock(time.Now().Add(-6 * day)).Now})
		config := func(p acctest.Provider, renamed string, scope string) {
			e.Write(acctest.E2EConfig(p,
				lifecycleToken("steady"),
				lifecycleToken("rename", acctest.Attr("name", renamed)),
				acctest.Token("rescoped", acctest.Scope(scope, "read")),
				lifecycleToken("forever", "never_expires = true", `risk_acknowledgement = "Legacy integration"`)))
		}
		config(acctest.Provider{}, "old-name", "workspace_request_history")
		e.MustApply()

		config(acctest.Provider{}, "renamed", "workspace_content")
		oneDay := regexp.MustCompile(`^(23h5\dm|1d)$`)
		p := planTwice(t, e)
		p.expect(t, map[string]string{"xano_metadata_token.rename": "update", "xano_metadata_token.rescoped": "replace"},
			acctest.Summaries(expiring(t, p, oneDay, "renamed", "steady")), nil)
		for _, w := range p.JSON.Warnings() {
			d := p.detail(t, w.Summary)
			for _, f := range []string{`rotate_before = "1d18h"`, "terraform apply -replace", "expiry_warning (2d)"} {
				if !strings.Contains(d, f) {
					t.Errorf("the warning %q lacks %q:\n%s", w.Summary, f, d)
				}
			}
			if w.Range == nil || !strings.Contains(d, "expires at ") {
				t.Errorf("the warning %q does not say when the token expires:\n%s", w.Summary, d)
			}
		}

		config(acctest.Provider{Policy: []string{`expiry_warning = "0s"`}}, "renamed", "workspace_content")
		expiring(t, planTwice(t, e), oneDay)
	})

	t.Run("four days old", func(t *testing.T) {
		t.Parallel()
		e := newE2E(t, emulator.Options{Clock: acctest.NewRunningClock(time.Now().Add(-4 * day)).Now})
		e.Write(acctest.E2EConfig(acctest.Provider{}, lifecycleToken("steady")))
		e.MustApply()
		threeDays := regexp.MustCompile(`^(2d23h5\dm|3d)$`)
		expiring(t, planTwice(t, e), threeDays)

		e.Write(acctest.E2EConfig(acctest.Provider{Policy: []string{`expiry_warning = "4d"`}}, lifecycleToken("steady")))
		p := planTwice(t, e)
		for _, w := range expiring(t, p, threeDays, "steady") {
			if d := p.detail(t, w.Summary); !strings.Contains(d, "expiry_warning (4d)") {
				t.Errorf("the warning does not name the horizon:\n%s", d)
			}
		}
	})

	t.Run("minutes left", func(t *testing.T) {
		t.Parallel()
		e := newE2E(t, emulator.Options{Clock: acctest.NewRunningClock(time.Now().Add(-7*day + 5*time.Minute)).Now})
		e.Write(acctest.E2EConfig(acctest.Provider{}, lifecycleToken("steady")))
		e.MustApply()
		expiring(t, planTwice(t, e), regexp.MustCompile(`^[1-5]m$`), "steady")
	})
}

// TestE2ETokenLimitPlan checks the token limit at plan time on an instance
// that holds 8 tokens: a plan of 3 new tokens fails with exactly one error,
// after one list of the instance's tokens and no create; 2 new tokens plan
// and apply (the apply's own plan, in a process of its own, lists again and
// counts them once); a steady plan lists once, for its refresh.
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
		return acctest.E2EConfig(acctest.Provider{}, lifecycleToken("fleet", acctest.Attr("count", n), `name  = "fleet-${count.index}"`))
	}

	e.Write(fleet(3))
	e.Emu.ResetStats()
	plan := e.Plan()
	if plan.Err == nil {
		t.Fatal("a plan of 3 tokens on an instance holding 8 succeeded")
	}
	errs := plan.Errors()
	if len(errs) != 1 {
		t.Fatalf("got %d errors, want 1:\n%s", len(errs), acctest.DiagText(plan.Diags))
	}
	want := regexp.MustCompile(`^Token "fleet-\d" on instance "e2e": over Xano's token limit$`)
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
		t.Fatalf("apply of 2 tokens: %v\n%s", apply.Err, acctest.DiagText(apply.Diags))
	}
	if got := e.Emu.Stats()[statKey("GET", xano.PathTokens)]; got != 2 {
		t.Errorf("plan and apply listed the tokens %d times, want twice: once per provider process", got)
	}
	if got := len(e.Emu.Tokens(e2eInstance)); got != 10 {
		t.Errorf("the instance holds %d tokens, want 10", got)
	}

	e.Emu.ResetStats()
	if steady := e.Plan(); steady.Err != nil || len(steady.Errors()) != 0 {
		t.Fatalf("steady plan: %v\n%s", steady.Err, acctest.DiagText(steady.Diags))
	}
	if got := e.Emu.Stats()[statKey("GET", xano.PathTokens)]; got != 1 {
		t.Errorf("a plan that creates nothing listed the tokens %d times, want once, for its refresh and limit check alike", got)
	}
	if got := e.Emu.Stats()[statKey("GET", xano.PathToken)]; got != 0 {
		t.Errorf("a plan that creates nothing read %d tokens on their own, want none", got)
	}
}

// TestE2EExpiresWithinCheck runs the audit data source's example: its check
// fails, in the plan and in the saved plan's JSON, while a token will expire
// within two days with nothing to rotate it, naming that token only.
func TestE2EExpiresWithinCheck(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{Clock: acctest.NewRunningClock(time.Now().Add(-6 * 24 * time.Hour)).Now})
	example, err := os.ReadFile(filepath.Join(acctest.RepoRoot(), "examples", "data-sources", "xano_metadata_tokens", "data-source.tf"))
	if err != nil {
		t.Fatal(err)
	}
	// weweb is the token the example's other blocks refer to.
	tokens := lifecycleToken("billing", `expires_in = "7d"`) + lifecycleToken("weekly", `expires_in = "14d"`) +
		lifecycleToken("weweb", `expires_in = "30d"`)
	e.Write(acctest.E2EConfig(acctest.Provider{}, tokens))
	e.MustApply()
	e.Write(acctest.E2EConfig(acctest.Provider{}, tokens, string(example)))
	_, out := e.SavedPlan()
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
	st := e.State()
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
	e := newE2E(t, emulator.Options{FaultRate: 0.3, Seed: rotationSeed(), Clock: acctest.NewRunningClock(time.Now().Add(-10 * time.Minute)).Now})
	e.Write(acctest.E2EConfig(acctest.Provider{Body: []string{`request_timeout = "5s"`}}, lifecycleToken("fleet",
		acctest.Attr("count", 4), `name             = "rotating-${count.index}"`, `expires_in       = "1h"`,
		`rotate_before    = "55m"`, `rotation_overlap = "30m"`)))
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
	runUntilClean(t, "create", 3, func() acctest.JSONRun { return e.Apply() })
	consistent("the create", 4)
	e.Emu.ResetStats()
	e.Emu.DropNext(1, true)
	runUntilClean(t, "first rotation", 3, func() acctest.JSONRun { return e.Apply() })
	consistent("the first rotation", 8)
	dropped("the first rotation", "POST /instance/{instance}/token 0")
	e.Emu.ResetStats()
	e.Emu.DropNext(1, true)
	runUntilClean(t, "second rotation", 3, func() acctest.JSONRun { return e.Apply() })
	consistent("the second rotation", 8)
	dropped("the second rotation", "DELETE /instance/{instance}/token/{id} 0")

	runUntilClean(t, "destroy", 3, func() acctest.JSONRun { return e.Destroy() })
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
	daysBehind := func(n int) time.Time { return time.Now().Add(-time.Duration(n) * 24 * time.Hour) }
	clock := acctest.NewRunningClock(daysBehind(24))
	e := newE2E(t, emulator.Options{Clock: clock.Now})
	example, err := os.ReadFile(filepath.Join(acctest.RepoRoot(), "examples", "resources", "xano_metadata_token", "rotation-overlap.tf"))
	if err != nil {
		t.Fatal(err)
	}
	e.Write(acctest.E2EConfig(acctest.Provider{}, string(example)))
	type snapshot struct {
		token, consumer, metaAPI string
		id, previous             int64
	}
	read := func() snapshot {
		t.Helper()
		var s snapshot
		for _, r := range e.State().Values.RootModule.Resources {
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

	e.MustApply()
	first := read()
	if first.token == "" || first.consumer != first.token {
		t.Fatalf("after the create the consumer holds a different secret than the token")
	}

	clock.Set(daysBehind(3))
	rotate := e.Apply()
	if rotate.Err != nil {
		t.Fatalf("rotation: %v\n%s", rotate.Err, acctest.DiagText(rotate.Diags))
	}
	mtWarning(t, rotate, "xano_metadata_token.make", `Token "make-alerting" on instance "e2e": due for rotation, new token planned`)
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

	e.MustApply()
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
