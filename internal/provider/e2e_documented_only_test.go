package provider

import (
	"encoding/json"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// End-to-end tests against an account Metadata API that serves only what
// Xano documents: GET /auth/me, GET /instance and GET /instance/{name}.
// Every token endpoint answers 404, as Xano's does today.

// documentedOnlyToken is the access token the documented-only server takes.
const documentedOnlyToken = "documented-only-admin-token"

// documentedOnlyInstances are the account's instances.
var documentedOnlyInstances = []string{"main", "second"}

// documentedOnlyAPI serves Xano's documented account endpoints on 127.0.0.1,
// with the instance shapes the emulator answers, and a Xano-like 404 for
// everything else; tokenCalls counts the requests to token endpoints.
func documentedOnlyAPI(t *testing.T) (baseURL string, tokenCalls *tokenCallCounts) {
	t.Helper()
	tokenCalls = &tokenCallCounts{}
	var srv *httptest.Server
	instance := func(name string) xano.Instance {
		host := srv.Listener.Addr().String()
		origin := "http://" + host + "/_instance/" + url.PathEscape(name)
		return xano.Instance{Name: name, Display: name, XanoDomain: host, MetaAPI: origin + "/api:meta",
			MetaSwagger: origin + "/apispec:meta?type=json"}
	}
	reply := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	notFound := func(w http.ResponseWriter, msg string) {
		reply(w, http.StatusNotFound, xano.ErrorBody{Code: xano.CodeNotFound, Message: msg})
	}
	srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+documentedOnlyToken {
			reply(w, http.StatusUnauthorized, xano.ErrorBody{Code: xano.CodeUnauthorized, Message: "Invalid token."})
			return
		}
		p, ok := strings.CutPrefix(r.URL.Path, "/api:meta")
		segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
		switch {
		case !ok:
			notFound(w, "Unable to locate request.")
		case r.Method == http.MethodGet && p == xano.PathMe:
			reply(w, http.StatusOK, xano.Me{ID: 1, Name: "Documented Admin", Email: "admin@example.invalid"})
		case r.Method == http.MethodGet && p == xano.PathInstances:
			list := make([]xano.Instance, 0, len(documentedOnlyInstances))
			for _, name := range documentedOnlyInstances {
				list = append(list, instance(name))
			}
			reply(w, http.StatusOK, list)
		case r.Method == http.MethodGet && len(segs) == 2 && segs[0] == "instance":
			if !slices.Contains(documentedOnlyInstances, segs[1]) {
				notFound(w, "Instance not found.")
				return
			}
			reply(w, http.StatusOK, instance(segs[1]))
		default:
			if len(segs) >= 3 && segs[2] == "token" {
				tokenCalls.add(r.Method)
			}
			notFound(w, "Unable to locate request.")
		}
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL + "/api:meta", tokenCalls
}

// tokenCallCounts counts the requests to token endpoints by method.
type tokenCallCounts struct{ get, post, other atomic.Int32 }

func (c *tokenCallCounts) add(method string) {
	switch method {
	case http.MethodGet:
		c.get.Add(1)
	case http.MethodPost:
		c.post.Add(1)
	default:
		c.other.Add(1)
	}
}

// newDocumentedOnlyE2E prepares a working directory whose provider reads
// its connection from the environment and reaches the documented-only API.
func newDocumentedOnlyE2E(t *testing.T) (*acctest.Terraform, *tokenCallCounts) {
	t.Helper()
	acctest.SkipUnlessAcc(t)
	baseURL, tokenCalls := documentedOnlyAPI(t)
	return newTerraformAt(t, baseURL, documentedOnlyToken, "main"), tokenCalls
}

// The words no diagnostic may use when the instance is confirmed.
var documentedOnlyWrongWords = []string{"Check the instance name", "check the instance name", "deleted outside Terraform", "Not found in Xano"}

// documentedOnlyConfig plans three tokens, two on instance "main" and one on
// "second", each with a grant the review warns about, and reads the
// instances.
func documentedOnlyConfig() string {
	return acctest.E2EConfig(acctest.Provider{},
		tokenScope("a", "reports-a", "workspace_database", "read"),
		tokenScope("b", "reports-b", "workspace_database", "read"),
		acctest.Token("c", acctest.Attr("name", "reports-c"), acctest.Attr("instance", "second"),
			acctest.Attr("description", "Reports for reports-c"), acctest.Scope("workspace_database", "read")),
		`data "xano_instances" "all" {}`,
		`data "xano_instance" "second" {
  name = "second"
}`,
		`output "instances" {
  value = [for i in data.xano_instances.all.instances : i.name]
}`,
		`output "second_meta_api" {
  value = data.xano_instance.second.meta_api
}`)
}

// TestE2EDocumentedOnlyPlanAndApply plans and applies three tokens against
// the documented-only API: the plan reviews them, reads the instances and
// warns once per instance that the token limit went unchecked; the apply
// fails with one error per token saying that Xano publishes no token
// endpoints, never that the instance name may be wrong.
func TestE2EDocumentedOnlyPlanAndApply(t *testing.T) {
	t.Parallel()
	tf, tokenCalls := newDocumentedOnlyE2E(t)
	tf.Write(documentedOnlyConfig())

	plan := tf.Run("plan", "-detailed-exitcode")
	if plan.ExitCode != 2 {
		t.Fatalf("plan -detailed-exitcode exited %d, want 2 (changes, no error):\n%s", plan.ExitCode, plan.Out)
	}
	var limits, reviews []string
	for _, d := range plan.Diags() {
		switch {
		case d.Severity == "error":
			t.Errorf("the plan failed with %q:\n%s", d.Summary, d.Text())
		case strings.HasPrefix(d.Summary, "Xano token limit not checked"):
			limits = append(limits, d.Summary)
			text := acctest.FlatText(d.Text())
			for _, want := range []string{"The 10-token limit was not checked: ", "exists, but its token endpoints answer 404",
				"Xano publishes no token-management endpoints for this instance's account API",
				"API contract page (docs/guides/api-contract.md)", "xano-emulator"} {
				if !strings.Contains(text, want) {
					t.Errorf("the limit warning lacks %q:\n%s", want, d.Text())
				}
			}
		case strings.HasSuffix(d.Summary, "critical risk"):
			reviews = append(reviews, d.Summary)
		}
	}
	slices.Sort(limits)
	if want := []string{`Xano token limit not checked on instance "main"`, `Xano token limit not checked on instance "second"`}; !slices.Equal(limits, want) {
		t.Errorf("limit warnings %q, want one per instance %q:\n%s", limits, want, plan.Out)
	}
	if len(reviews) != 3 {
		t.Errorf("%d review warnings, want one per token:\n%s", len(reviews), plan.Out)
	}
	if strings.Contains(plan.Out, "similar warning") {
		t.Errorf("Terraform folded warnings together:\n%s", plan.Out)
	}
	for _, want := range []string{`+ instances = [ + "main", + "second", ]`, `+ second_meta_api = "http://127.0.0.1:`} {
		if !strings.Contains(acctest.FlatText(plan.Out), want) {
			t.Errorf("the plan lacks %q: the instance data sources did not read the account:\n%s", want, plan.Out)
		}
	}
	for _, wrong := range documentedOnlyWrongWords {
		if strings.Contains(acctest.FlatText(plan.Out), wrong) {
			t.Errorf("the plan says %q:\n%s", wrong, plan.Out)
		}
	}

	apply := tf.Run("apply", "-auto-approve")
	if apply.ExitCode == 0 {
		t.Fatalf("apply succeeded against an API without token endpoints:\n%s", apply.Out)
	}
	perToken := map[string]int{}
	for _, d := range apply.Diags() {
		if d.Severity != "error" {
			continue
		}
		text := acctest.FlatText(d.Text())
		at := ""
		for _, label := range []string{"a", "b", "c"} {
			if strings.Contains(text, "with xano_metadata_token."+label+",") {
				at = label
			}
		}
		perToken[at]++
		if d.Summary != "Xano publishes no token endpoints" {
			t.Errorf("apply error %q, want %q:\n%s", d.Summary, "Xano publishes no token endpoints", d.Text())
			continue
		}
		for _, want := range []string{"Could not create token", "exists, but its token endpoints answer 404",
			"Xano publishes no token-management endpoints for this instance's account API",
			"GET /auth/me, GET /instance and GET /instance/{name}",
			"API contract page (docs/guides/api-contract.md)", "which xano-emulator implements"} {
			if !strings.Contains(text, want) {
				t.Errorf("the apply error lacks %q:\n%s", want, d.Text())
			}
		}
	}
	if want := map[string]int{"a": 1, "b": 1, "c": 1}; !maps.Equal(perToken, want) {
		t.Errorf("apply errors per token %v, want one each %v:\n%s", perToken, want, apply.Out)
	}
	for _, wrong := range documentedOnlyWrongWords {
		if strings.Contains(acctest.FlatText(apply.Out), wrong) {
			t.Errorf("the apply says %q:\n%s", wrong, apply.Out)
		}
	}
	if st := tf.State(); st.Values != nil && st.Values.RootModule != nil {
		for _, r := range st.Values.RootModule.Resources {
			if r.Type == "xano_metadata_token" {
				t.Errorf("the failed apply recorded %s", r.Address)
			}
		}
	}
	if text := acctest.FlatText(apply.Out); strings.Count(text, "API answer: POST /instance/") != 3 {
		t.Errorf("the apply errors do not each end with the create's 404:\n%s", apply.Out)
	}
	// Each of the three provider processes (the plan, and the apply's plan
	// and apply walks) lists each instance's tokens at most once, and each
	// create is tried once: a 404 is not retried.
	if get, post, other := tokenCalls.get.Load(), tokenCalls.post.Load(), tokenCalls.other.Load(); get > 6 || post != 3 || other != 0 {
		t.Errorf("token endpoint requests: %d GET, %d POST, %d other; want at most 6 GET, 3 POST", get, post, other)
	}
}

// TestE2EDocumentedOnlyAudit reads the audit data source against the
// documented-only API: it fails with the same honest words.
func TestE2EDocumentedOnlyAudit(t *testing.T) {
	t.Parallel()
	tf, _ := newDocumentedOnlyE2E(t)
	tf.Write(acctest.E2EConfig(acctest.Provider{}, `data "xano_metadata_tokens" "audit" {
  instance = "second"
}`))
	plan := tf.Run("plan")
	if plan.ExitCode != 1 {
		t.Fatalf("plan exited %d, want 1:\n%s", plan.ExitCode, plan.Out)
	}
	ds := plan.Diags()
	if len(ds) != 1 || ds[0].Severity != "error" || ds[0].Summary != "Xano publishes no token endpoints" {
		t.Fatalf("want one error %q:\n%s", "Xano publishes no token endpoints", plan.Out)
	}
	text := acctest.FlatText(ds[0].Text())
	for _, want := range []string{`Could not list the tokens of instance "second"`,
		`The account's Metadata API confirms that instance "second" exists, but its token endpoints answer 404`,
		"API contract page (docs/guides/api-contract.md)", "which xano-emulator implements"} {
		if !strings.Contains(text, want) {
			t.Errorf("the error lacks %q:\n%s", want, ds[0].Text())
		}
	}
	if !strings.Contains(acctest.FlatText(plan.Out), "API answer: GET /instance/second/token?page=1&per_page=100: 404 ERROR_CODE_NOT_FOUND") {
		t.Errorf("the error does not end with the list's 404:\n%s", plan.Out)
	}
	for _, wrong := range documentedOnlyWrongWords {
		if strings.Contains(acctest.FlatText(plan.Out), wrong) {
			t.Errorf("the plan says %q:\n%s", wrong, plan.Out)
		}
	}
}
