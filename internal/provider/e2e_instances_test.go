package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// These end-to-end tests read the text plan a user reads: the credentials
// check and the instance check must each fail a plan with exactly one error,
// however many resources the configuration holds.

// threeTokens is a configuration of three tokens and an audit, each of which
// would fail on its own if the provider let it reach the API.
func threeTokens(p acctest.Provider) string {
	parts := []string{}
	for _, name := range []string{"alpha", "beta", "gamma"} {
		parts = append(parts, acctest.Token(name, acctest.Scope("workspace_api_groups", "read")))
	}
	return acctest.E2EConfig(p, append(parts, `data "xano_metadata_tokens" "audit" {}`)...)
}

// requireOneError fails unless the text run failed with exactly one error
// whose summary is want and whose text holds every fragment.
func requireOneError(t *testing.T, run acctest.TextRun, want string, fragments ...string) {
	t.Helper()
	errs := run.Errors()
	if run.ExitCode == 0 || len(errs) != 1 || errs[0] != want {
		t.Fatalf("want exactly one error %q, got exit %d and errors %q\nstderr:\n%s", want, run.ExitCode, errs, run.Stderr)
	}
	flat := acctest.FlatText(run.Stderr)
	for _, f := range fragments {
		if !strings.Contains(flat, f) {
			t.Errorf("the error does not say %q:\n%s", f, run.Stderr)
		}
	}
}

func TestE2ECredentialsCheck(t *testing.T) {
	t.Parallel()

	t.Run("wrong token", func(t *testing.T) {
		t.Parallel()
		e := newE2E(t, emulator.Options{})
		e.Write(threeTokens(acctest.Provider{}))
		run := e.RunEnv(map[string]string{envAccessToken: "wrong-SECRET-token-42"}, "plan")
		requireOneError(t, run, "Xano rejected the access token",
			`in provider "xano"`, "401 ERROR_CODE_UNAUTHORIZED",
			"The access token comes from the XANO_ACCESS_TOKEN environment variable")
		if strings.Contains(run.Stdout+run.Stderr, "wrong-SECRET-token-42") {
			t.Error("the plan output shows the access token")
		}
		// The advice about the token is given once, not again inside the
		// quoted answer.
		if n := strings.Count(acctest.FlatText(run.Stderr), "wrong, expired or revoked"); n != 1 {
			t.Errorf("the advice appears %d times, want 1:\n%s", n, run.Stderr)
		}
		if strings.Contains(acctest.FlatText(run.Stderr), "Check the access token") {
			t.Errorf("the client's own advice is repeated:\n%s", run.Stderr)
		}
		if n := e.Emu.Count("GET", xano.PathMe); n != 1 {
			t.Errorf("%d GET /auth/me, want 1 per provider configuration", n)
		}
		// The account's instances and the default instance's tokens are
		// listed beside the check; nothing follows a failed check.
		if n := e.Emu.Count("GET", xano.PathTokens); n > 1 {
			t.Errorf("%d token lists, want at most the one sent beside the check", n)
		}
		if n := e.Emu.Count("GET", xano.PathInstances); n > 1 {
			t.Errorf("%d instance lists, want at most the one sent beside the check", n)
		}
		if n := e.Emu.Count("GET", xano.PathInstance) + e.Emu.Count("GET", xano.PathToken); n != 0 {
			t.Errorf("%d requests after the check failed, want none", n)
		}
	})

	t.Run("unreachable base_url", func(t *testing.T) {
		t.Parallel()
		e := newE2E(t, emulator.Options{})
		e.Write(threeTokens(acctest.Provider{}))
		run := e.RunEnv(map[string]string{envBaseURL: closedPortURL(t)}, "plan")
		requireOneError(t, run, "Cannot reach the Xano API",
			`in provider "xano"`, "connection refused", "(after 5 attempts)", "from the XANO_BASE_URL environment variable",
			"skip_credentials_validation")
		// Not an assertion (wall time depends on the machine): the refused
		// connection's retries wait the shortest time, as a unit test checks.
		t.Logf("the plan failed after %s", run.Elapsed.Round(100*time.Millisecond))
	})

	t.Run("offline data sources need no token", func(t *testing.T) {
		t.Parallel()
		e := newE2E(t, emulator.Options{})
		e.Write(acctest.E2EConfig(acctest.Provider{}, `
data "xano_scope_catalog" "all" {}

data "xano_scope_preset" "weweb" {
  name = "weweb"
}

output "scopes" {
  value = length(data.xano_scope_catalog.all.scopes) + length(data.xano_scope_preset.weweb.scopes)
}
`))
		run := e.RunEnv(map[string]string{envAccessToken: ""}, "plan")
		if run.ExitCode != 0 || len(run.Errors()) != 0 || !strings.Contains(run.Stdout, "scopes = 11") {
			t.Fatalf("plan without a token: exit %d, errors %q\nstdout:\n%s\nstderr:\n%s", run.ExitCode, run.Errors(), run.Stdout, run.Stderr)
		}
		if stats := e.Emu.Stats(); len(stats) != 0 {
			t.Errorf("a plan without a token made requests: %v", stats)
		}
	})

	t.Run("a missing token is said once", func(t *testing.T) {
		t.Parallel()
		e := newE2E(t, emulator.Options{})
		e.Write(strings.Replace(threeTokens(acctest.Provider{}), `data "xano_metadata_tokens" "audit" {}`, "", 1))
		run := e.RunEnv(map[string]string{envAccessToken: ""}, "plan")
		requireOneError(t, run, "Missing Xano access token", "XANO_ACCESS_TOKEN")
	})

	t.Run("skipped, a wrong token plans offline", func(t *testing.T) {
		t.Parallel()
		e := newE2E(t, emulator.Options{})
		e.Write(strings.Replace(threeTokens(acctest.Provider{Body: []string{"skip_credentials_validation = true"}}), `data "xano_metadata_tokens" "audit" {}`, "", 1))
		run := e.RunEnv(map[string]string{envAccessToken: "wrong-token"}, "plan")
		if run.ExitCode != 0 || !strings.Contains(run.Stdout, "3 to add") {
			t.Fatalf("plan: exit %d\nstdout:\n%s\nstderr:\n%s", run.ExitCode, run.Stdout, run.Stderr)
		}
		if stats := e.Emu.Stats(); len(stats) != 0 {
			t.Errorf("skip_credentials_validation made requests: %v", stats)
		}
	})
}

// declaredInstances are the emulated account's instances in these tests.
var declaredInstances = []emulator.InstanceSpec{
	{Name: "x1a2-b3c4-d5e6", Display: "Production"},
	{Name: "x9f8-e7d6-c5b4", Display: "Staging"},
}

func TestE2EInstanceCheck(t *testing.T) {
	t.Parallel()

	t.Run("the provider's instance mistyped", func(t *testing.T) {
		t.Parallel()
		e := newE2E(t, emulator.Options{Instances: declaredInstances})
		e.Write(strings.Replace(threeTokens(acctest.Provider{}), `data "xano_metadata_tokens" "audit" {}`, "", 1))
		run := e.RunEnv(map[string]string{envInstance: "x1a2-b3c4-d5e7"}, "plan")
		requireOneError(t, run, "Xano instance not found",
			`The account has no instance "x1a2-b3c4-d5e7" (from the XANO_INSTANCE environment variable). Did you mean "x1a2-b3c4-d5e6" (Production)?`)
		if n := e.Emu.Count("GET", xano.PathInstances); n != 1 {
			t.Errorf("%d GET /instance, want 1 per provider process", n)
		}
		if n := e.Emu.Count("GET", xano.PathInstance); n != 1 {
			t.Errorf("%d GET /instance/{name}, want 1 to confirm the missing name", n)
		}
		if n := e.Emu.Count("POST", xano.PathTokens); n != 0 {
			t.Errorf("%d tokens created by a failed plan", n)
		}
	})

	t.Run("a display name on the resource", func(t *testing.T) {
		t.Parallel()
		e := newE2E(t, emulator.Options{Instances: declaredInstances})
		e.Write(acctest.E2EConfig(acctest.Provider{}, `
resource "xano_metadata_token" "staging" {
  name     = "staging"
  instance = "Staging"
  scope {
    name = "workspace_api_groups"
    read = true
  }
}
`))
		run := e.RunEnv(map[string]string{envInstance: "x1a2-b3c4-d5e6"}, "plan")
		requireOneError(t, run, "Xano instance not found",
			`xano_metadata_token.staging`, `"Staging" (set in this block) is the display name of instance "x9f8-e7d6-c5b4", not its name. Set instance = "x9f8-e7d6-c5b4"`)
	})

	t.Run("requests of a steady plan", func(t *testing.T) {
		t.Parallel()
		e := newE2E(t, emulator.Options{Instances: declaredInstances})
		const n = 3
		e.Write(strings.Replace(threeTokens(acctest.Provider{}), `data "xano_metadata_tokens" "audit" {}`, "", 1))
		env := map[string]string{envInstance: "x1a2-b3c4-d5e6"}

		run := e.RunEnv(env, "plan")
		if run.ExitCode != 0 {
			t.Fatalf("plan: exit %d\n%s", run.ExitCode, run.Stderr)
		}
		// A plan of creates: the check, one list of instances, one list of
		// the instance's tokens for the token limit, nothing else.
		if got := e.Emu.Stats(); total(got) != 3 || got["GET /auth/me 200"] != 1 || got["GET /instance 200"] != 1 ||
			got["GET /instance/{instance}/token 200"] != 1 {
			t.Errorf("a plan of %d creates made %v, want GET /auth/me, GET /instance and the token list once each", n, got)
		}
		e.RunEnv(env, "apply", "-auto-approve")
		e.Emu.ResetStats()
		run = e.RunEnv(env, "plan")
		if run.ExitCode != 0 || !strings.Contains(run.Stdout, "No changes.") {
			t.Fatalf("steady plan: exit %d\nstdout:\n%s\nstderr:\n%s", run.ExitCode, run.Stdout, run.Stderr)
		}
		// The first refresh lists every instance of the account at once.
		got := e.Emu.Stats()
		if total(got) != 2+len(declaredInstances) || got["GET /auth/me 200"] != 1 || got["GET /instance 200"] != 1 ||
			got["GET /instance/{instance}/token 200"] != len(declaredInstances) {
			t.Errorf("a steady plan of %d tokens made %v, want the check, the instance list and one token list per instance", n, got)
		}
		e.RunEnv(env, "destroy", "-auto-approve")
	})
}

func total(stats map[string]int) int {
	n := 0
	for _, c := range stats {
		n += c
	}
	return n
}
