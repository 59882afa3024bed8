package provider

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator/emulatortest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// faultRule is how faultServer answers one kind of request.
type faultRule struct {
	status int
	body   string
	// html serves the body as text/html instead of JSON.
	html bool
	// hang holds the request until the client gives up.
	hang bool
	// once answers the first matching request only, then steps aside.
	once bool
}

// faultServer stands in front of the emulator: a request on an instance it
// has a rule for gets the rule's answer, any other goes to the emulator.
// Rules are keyed by instance and operation (list, create, get, update,
// delete), so many cases share one terraform run, each on its own instance.
type faultServer struct {
	emu   *emulator.Emulator
	mu    sync.Mutex
	rules map[string]faultRule
}

func newFaultServer(t *testing.T, emu *emulator.Emulator) (*faultServer, string) {
	t.Helper()
	f := &faultServer{emu: emu, rules: map[string]faultRule{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv.URL + "/api:meta"
}

// set installs rules, replacing those of the same key.
func (f *faultServer) set(rules map[string]faultRule) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k, r := range rules {
		f.rules[k] = r
	}
}

// clear removes every rule.
func (f *faultServer) clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.rules)
}

// operation names the operation of r, as the API contract page
// (docs/guides/api-contract.md) names them, and its instance.
func operation(r *http.Request) (instance, op string) {
	segs := strings.Split(strings.TrimPrefix(r.URL.Path, "/api:meta/"), "/")
	if len(segs) < 3 || segs[0] != "instance" || segs[2] != "token" {
		return "", ""
	}
	switch {
	case len(segs) == 3 && r.Method == http.MethodGet:
		op = "list"
	case len(segs) == 3 && r.Method == http.MethodPost:
		op = "create"
	case len(segs) == 4 && r.Method == http.MethodGet:
		op = "get"
	case len(segs) == 4 && r.Method == http.MethodPost:
		op = "update"
	case len(segs) == 4 && r.Method == http.MethodDelete:
		op = "delete"
	}
	return segs[1], op
}

func (f *faultServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	instance, op := operation(r)
	f.mu.Lock()
	rule, ok := f.rules[instance+" "+op]
	if ok && rule.once {
		delete(f.rules, instance+" "+op)
	}
	f.mu.Unlock()
	if !ok {
		f.emu.ServeHTTP(w, r)
		return
	}
	if rule.hang {
		// The server notices the client leaving only once the body is read.
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-time.After(30 * time.Second):
		}
		return
	}
	if rule.html {
		w.Header().Set("Content-Type", "text/html")
	} else {
		w.Header().Set("Content-Type", "application/json")
	}
	// Retries come at once, so cases whose retries run out cost no waiting.
	w.Header().Set("Retry-After", "0")
	w.WriteHeader(rule.status)
	_, _ = w.Write([]byte(rule.body))
}

// xanoError is a Xano JSON error body.
func xanoError(code, message string) string {
	return fmt.Sprintf(`{"code":%q,"message":%q}`, code, message)
}

// Bodies of 200 answers that do not fit the API contract page
// (docs/guides/api-contract.md).
const (
	htmlPage      = `<!DOCTYPE html><html><head><title>Sign in</title></head><body>Please sign in</body></html>`
	truncatedJSON = `{"id": 7, "name": "cut", "created_at": "2026-11-22 11:31:20+0000", "sco`
)

// apiProvider is the provider block of the API error tests: one retry,
// answered at once, and a short attempt timeout, so the cases that wait for
// it cost little.
func apiProvider(baseURL string) string {
	return acctest.Provider{BaseURL: baseURL, AccessToken: badAdminToken, Instance: "main",
		Body: []string{"max_retries = 1", `request_timeout = "500ms"`}}.String()
}

// apiToken is a token on its own instance, named after it.
func apiToken(instance, name string) string {
	return acctest.Token(strings.ReplaceAll(instance, "-", "_"), acctest.Attr("instance", instance), acctest.Attr("name", name), readAPIGroups)
}

// apiCase is a badCase on its own instance, with the rule that breaks it.
type apiCase struct {
	instance string
	rule     faultRule
	want     string
	warning  bool
}

func (c apiCase) badCase(hcl string) badCase {
	return badCase{name: c.instance, key: `"` + c.instance + `"`, hcl: hcl, want: c.want, warning: c.warning}
}

// rulesFor keys each case's rule by its instance and op.
func rulesFor(op string, cases []apiCase) map[string]faultRule {
	out := map[string]faultRule{}
	for _, c := range cases {
		if c.rule.status != 0 || c.rule.hang {
			out[c.instance+" "+op] = c.rule
		}
	}
	return out
}

// withRule returns the cases that have a rule, each with rule instead.
func withRule(cases []apiCase, rule faultRule) []apiCase {
	var out []apiCase
	for _, c := range cases {
		if c.rule.status != 0 || c.rule.hang {
			c.rule = rule
			out = append(out, c)
		}
	}
	return out
}

// Patterns shared by many cases.
const (
	wantRetriesRanOut = `\(after \d+ attempts\)`
	wantCheckBaseURL  = `Check that base_url points at the Xano Metadata API`
	wantTryLater      = `try again later`
)

// TestBadInputAPIErrors runs the resource through every class of API error
// and malformed answer, each case on its own instance: creates in one apply,
// refreshes in one plan, updates in one apply and revocations in one destroy.
func TestBadInputAPIErrors(t *testing.T) {
	t.Parallel()
	emu, _ := emulatortest.Start(t, emulator.Options{AdminTokens: []string{badAdminToken}})
	faults, baseURL := newFaultServer(t, emu)

	creates := []apiCase{
		{"c-400", faultRule{status: 400, body: xanoError(xano.CodeInputError, "name contains characters Xano refuses")},
			`Xano API error.*create token "c-400".*400 ERROR_CODE_INPUT_ERROR: name contains characters Xano refuses`, false},
		{"c-limit", faultRule{status: 400, body: xanoError(xano.CodeInputError, xano.LimitMessage)},
			`Xano token limit reached.*Free tokens before applying again.*at most 10 active tokens`, false},
		{"c-401", faultRule{status: 401, body: xanoError(xano.CodeUnauthorized, "Invalid access token.")},
			`Xano rejected the access token.*missing, wrong, expired or revoked.*401 ERROR_CODE_UNAUTHORIZED`, false},
		{"c-403", faultRule{status: 403, body: xanoError(xano.CodeAccessDenied, "Access denied.")},
			`The access token lacks the rights for this.*use a token of an account that administers it.*403 ERROR_CODE_ACCESS_DENIED`, false},
		{"c-404", faultRule{status: 404, body: xanoError(xano.CodeNotFound, "Instance not found.")},
			`Xano publishes no token endpoints.*create token "c-404".*confirms that instance "c-404" exists.*404 ERROR_CODE_NOT_FOUND: Instance not found`, false},
		{"c-429", faultRule{status: 429, body: xanoError(xano.CodeTooManyRequests, "Slow down.")},
			`Xano rate limit.*raise max_retries.*` + wantRetriesRanOut, false},
		{"c-500", faultRule{status: 500, body: xanoError(xano.CodeFatal, "Something broke.")},
			`Xano API error.*` + wantTryLater + `.*keeps the resource as tainted.*repeats the create.*API answer: .*500 ERROR_FATAL: Something broke.*` + wantRetriesRanOut, false},
		{"c-502", faultRule{status: 502, body: `<html><body><h1>502 Bad Gateway</h1></body></html>`, html: true},
			`Xano API error.*` + wantTryLater + `.*502 Bad Gateway, and the body is not a Xano JSON error`, false},
		{"c-500-empty", faultRule{status: 500},
			`Xano API error.*` + wantTryLater + `.*500 Internal Server Error with an empty body`, false},
		{"c-timeout", faultRule{hang: true},
			`Xano API error.*create token "c-timeout".*raise request_timeout.*(Timeout|deadline exceeded).*` + wantRetriesRanOut, false},
		{"c-truncated", faultRule{status: 200, body: truncatedJSON},
			`Xano API error.*` + wantCheckBaseURL + `.*not a valid token.*unexpected end of JSON input`, false},
		{"c-types", faultRule{status: 200, body: `{"id":"seven","name":"c-types","token":"` + mintedPrefix + `never-shown"}`},
			`Xano API error.*` + wantCheckBaseURL + `.*not a valid token.*cannot unmarshal string.*not shown`, false},
		{"c-html", faultRule{status: 200, body: htmlPage, html: true},
			`Xano API error.*` + wantCheckBaseURL + `.*not a valid token.*Please sign in`, false},
		{"c-empty", faultRule{status: 200},
			`Xano API error.*` + wantCheckBaseURL + `.*not a valid token`, false},
		{"c-null", faultRule{status: 200, body: `null`},
			`Xano API error.*` + wantCheckBaseURL + `.*not a valid token.*empty or null`, false},
		{"c-no-secret", faultRule{status: 200, body: `{"id":77,"name":"c-no-secret","created_at":"2026-11-22 11:31:20+0000","scopes":{"workspace:api":["read"]}}`},
			`Xano API error.*` + wantCheckBaseURL + `.*carries no "token" secret`, false},
	}
	reads := []apiCase{
		{"r-401", faultRule{status: 401, body: xanoError(xano.CodeUnauthorized, "Invalid access token.")},
			`Xano rejected the access token.*read token`, false},
		{"r-403", faultRule{status: 403, body: xanoError(xano.CodeAccessDenied, "Access denied.")},
			`The access token lacks the rights for this.*read token`, false},
		{"r-404-listed", faultRule{status: 404, body: xanoError(xano.CodeNotFound, "Not found.")},
			`read token.*try again.*404.*yet the instance's token list still holds token`, false},
		{"r-404-proxy", faultRule{status: 404, body: `<html>Not Found</html>`, html: true},
			`read token.*check that base_url.*404.*without Xano's ERROR_CODE_NOT_FOUND code`, false},
		{"r-429", faultRule{status: 429, body: xanoError(xano.CodeTooManyRequests, "Slow down.")},
			`Xano rate limit.*read token.*` + wantRetriesRanOut, false},
		{"r-500", faultRule{status: 500, body: xanoError(xano.CodeFatal, "Something broke.")},
			`Xano API error.*read token.*` + wantTryLater + `.*500.*` + wantRetriesRanOut, false},
		{"r-timeout", faultRule{hang: true},
			`Xano API error.*read token.*(Timeout|deadline exceeded).*` + wantRetriesRanOut, false},
		{"r-truncated", faultRule{status: 200, body: truncatedJSON},
			`Xano API error.*read token.*` + wantCheckBaseURL + `.*not a valid token`, false},
		{"r-wrong-token", faultRule{status: 200, body: `{"id":999999,"name":"other","created_at":"2026-11-22 11:31:20+0000","scopes":{}}`},
			`Xano API error.*read token.*` + wantCheckBaseURL + `.*describes token 999999`, false},
		{"r-html", faultRule{status: 200, body: htmlPage, html: true},
			`Xano API error.*read token.*` + wantCheckBaseURL + `.*Please sign in`, false},
		{"r-empty", faultRule{status: 200},
			`Xano API error.*read token.*` + wantCheckBaseURL + `.*not a valid token`, false},
		{"r-gone", faultRule{},
			`Token revoked outside Terraform.*Possible causes: .*Xano dashboard.*another tool.*lost its data.*emulator.*will be created again`, true},
	}
	updates := []apiCase{
		{"u-400", faultRule{status: 400, body: xanoError(xano.CodeInputError, "name is too long for Xano")},
			`Xano API error.*update token.*400 ERROR_CODE_INPUT_ERROR: name is too long for Xano`, false},
		{"u-403", faultRule{status: 403, body: xanoError(xano.CodeAccessDenied, "Access denied.")},
			`The access token lacks the rights for this.*update token`, false},
		{"u-404", faultRule{status: 404, body: xanoError(xano.CodeNotFound, "Not found.")},
			`Not found in Xano.*update token.*Check the instance name and base_url.*noticed by the next plan.*404 ERROR_CODE_NOT_FOUND`, false},
		{"u-429", faultRule{status: 429, body: xanoError(xano.CodeTooManyRequests, "Slow down.")},
			`Xano rate limit.*update token.*` + wantRetriesRanOut, false},
		{"u-500", faultRule{status: 500, body: xanoError(xano.CodeFatal, "Something broke.")},
			`Xano API error.*update token.*` + wantTryLater + `.*500 ERROR_FATAL`, false},
		{"u-timeout", faultRule{hang: true},
			`Xano API error.*update token.*raise request_timeout.*(Timeout|deadline exceeded)`, false},
		{"u-truncated", faultRule{status: 200, body: truncatedJSON},
			`Xano API error.*update token.*` + wantCheckBaseURL + `.*not a valid token`, false},
	}
	deletes := []apiCase{
		{"d-403", faultRule{status: 403, body: xanoError(xano.CodeAccessDenied, "Access denied.")},
			`The access token lacks the rights for this.*revoke token`, false},
		{"d-404-proxy", faultRule{status: 404, body: `<html>Not Found</html>`, html: true},
			`revoke token.*check that base_url.*404.*without Xano's ERROR_CODE_NOT_FOUND code`, false},
		{"d-429", faultRule{status: 429, body: xanoError(xano.CodeTooManyRequests, "Slow down.")},
			`Xano rate limit.*revoke token.*` + wantRetriesRanOut, false},
		{"d-500", faultRule{status: 500, body: xanoError(xano.CodeFatal, "Something broke.")},
			`Xano API error.*revoke token.*` + wantTryLater + `.*500.*` + wantRetriesRanOut, false},
		{"d-timeout", faultRule{hang: true},
			`Xano API error.*revoke token.*(Timeout|deadline exceeded).*` + wantRetriesRanOut, false},
	}

	// configs: the tokens that exist from the first step on, with the
	// update cases' names changed from step 3 on.
	lasting := func(renamed bool) string {
		var b strings.Builder
		for _, group := range [][]apiCase{reads, updates, deletes} {
			for _, c := range group {
				name := c.instance
				if renamed && strings.HasPrefix(c.instance, "u-") {
					name += "-renamed"
				}
				b.WriteString(apiToken(c.instance, name))
			}
		}
		return b.String()
	}
	toCases := func(cases []apiCase) []badCase {
		out := make([]badCase, len(cases))
		for i, c := range cases {
			out[i] = c.badCase(apiToken(c.instance, c.instance))
		}
		return out
	}
	createCases, readCases, updateCases, deleteCases := toCases(creates), toCases(reads), toCases(updates), toCases(deletes)

	rec := &diagRecorder{}
	marks := make([]int, 5)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					marks[0] = rec.mark()
					faults.set(rulesFor("create", creates))
				},
				Config:      apiProvider(baseURL) + lasting(false) + batchHCL("", createCases),
				ExpectError: expectFirst(createCases),
			},
			{
				// The creates whose outcome is unknown are kept as pending
				// (tainted, with no token id); once they leave the
				// configuration, their destroy repeats each create with its
				// key and revokes what it minted.
				PreConfig: func() { faults.clear() },
				Config:    apiProvider(baseURL) + lasting(false),
				Check: func(*terraform.State) error {
					for _, c := range creates {
						if left := emu.Tokens(c.instance); len(left) != 0 {
							return fmt.Errorf("instance %s holds %d tokens after its pending create was settled", c.instance, len(left))
						}
					}
					return nil
				},
			},
			{
				PreConfig: func() {
					marks[1] = rec.mark()
					faults.clear()
					faults.set(rulesFor("get", reads))
					// A refresh reads tokens from their instance's list; a
					// refused first list makes it read each token on its own.
					refused := faultRule{status: 403, body: xanoError(xano.CodeAccessDenied, "Access denied."), once: true}
					faults.set(rulesFor("list", withRule(reads, refused)))
					// r-gone is revoked behind Terraform's back.
					for _, tok := range emu.Tokens("r-gone") {
						if err := mtClientWith(t, baseURL, badAdminToken).DeleteToken(t.Context(), "r-gone", tok.ID); err != nil {
							t.Errorf("revoking r-gone: %v", err)
						}
					}
				},
				Config:      apiProvider(baseURL) + lasting(false),
				PlanOnly:    true,
				ExpectError: expectFirst(readCases),
			},
			{
				PreConfig: func() {
					marks[2] = rec.mark()
					faults.clear()
					faults.set(rulesFor("update", updates))
				},
				Config:      apiProvider(baseURL) + lasting(true),
				ExpectError: expectFirst(updateCases),
			},
			{
				PreConfig: func() {
					marks[3] = rec.mark()
					faults.clear()
					faults.set(rulesFor("delete", deletes))
				},
				Config:      apiProvider(baseURL) + lasting(true),
				Destroy:     true,
				ExpectError: expectFirst(deleteCases),
			},
			{
				// With the faults gone, the tokens left behind are revoked.
				PreConfig: func() {
					marks[4] = rec.mark()
					faults.clear()
				},
				Config:  apiProvider(baseURL) + lasting(true),
				Destroy: true,
			},
		},
	})
	checkBatch(t, "create", rec.since(marks[0], marks[1]), createCases)
	checkBatch(t, "read", rec.since(marks[1], marks[2]), readCases)
	checkBatch(t, "update", rec.since(marks[2], marks[3]), updateCases)
	checkBatch(t, "delete", rec.since(marks[3], marks[4]), deleteCases)
	checkClean(t, rec)
	for _, group := range [][]apiCase{creates, reads, updates, deletes} {
		for _, c := range group {
			if left := emu.Tokens(c.instance); len(left) != 0 {
				t.Errorf("instance %s still holds %d tokens after the final destroy", c.instance, len(left))
			}
		}
	}
}

// mtClientWith is an API client with the given access token.
func mtClientWith(t *testing.T, baseURL, token string) *xano.Client {
	t.Helper()
	c, err := xano.New(xano.Config{BaseURL: baseURL, AccessToken: token})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestBadInputAPIErrorsPlanTime feeds the same errors and malformed answers
// to the audit data source and the ephemeral resource, which call the API
// while Terraform plans.
func TestBadInputAPIErrorsPlanTime(t *testing.T) {
	t.Parallel()
	emu, _ := emulatortest.Start(t, emulator.Options{AdminTokens: []string{badAdminToken}})
	faults, baseURL := newFaultServer(t, emu)

	lists := []apiCase{
		{"l-401", faultRule{status: 401, body: xanoError(xano.CodeUnauthorized, "Invalid access token.")},
			`Xano rejected the access token.*list the tokens of instance`, false},
		{"l-403", faultRule{status: 403, body: xanoError(xano.CodeAccessDenied, "Access denied.")},
			`The access token lacks the rights for this.*list the tokens`, false},
		{"l-404", faultRule{status: 404, body: xanoError(xano.CodeNotFound, "Instance not found.")},
			`Xano publishes no token endpoints.*list the tokens of instance.*confirms that instance "l-404" exists.*404 ERROR_CODE_NOT_FOUND: Instance not found`, false},
		{"l-429", faultRule{status: 429, body: xanoError(xano.CodeTooManyRequests, "Slow down.")},
			`Xano rate limit.*list the tokens.*` + wantRetriesRanOut, false},
		{"l-500", faultRule{status: 500, body: xanoError(xano.CodeFatal, "Something broke.")},
			`Xano API error.*list the tokens.*` + wantTryLater + `.*500.*` + wantRetriesRanOut, false},
		{"l-timeout", faultRule{hang: true},
			`Xano API error.*list the tokens.*(Timeout|deadline exceeded).*` + wantRetriesRanOut, false},
		{"l-truncated", faultRule{status: 200, body: `{"items":[{"id":1,"name":"x"`},
			`Xano API error.*list the tokens.*` + wantCheckBaseURL + `.*not a valid page of tokens`, false},
		{"l-types", faultRule{status: 200, body: `{"items":"none","curPage":1}`},
			`Xano API error.*list the tokens.*` + wantCheckBaseURL + `.*not a valid page of tokens.*cannot unmarshal`, false},
		{"l-html", faultRule{status: 200, body: htmlPage, html: true},
			`Xano API error.*list the tokens.*` + wantCheckBaseURL + `.*Please sign in`, false},
		{"l-empty", faultRule{status: 200},
			`Xano API error.*list the tokens.*` + wantCheckBaseURL + `.*not a valid page of tokens`, false},
		{"l-loop", faultRule{status: 200, body: `{"items":[],"curPage":1,"nextPage":1}`},
			`Xano API error.*list the tokens.*` + wantCheckBaseURL + `.*would never end`, false},
		{"l-unknown-scope", faultRule{status: 200, body: `{"items":[{"id":5,"name":"odd","created_at":"2026-11-22 11:31:20+0000","expires_at":null,"scopes":{"workspace:unheard_of":["read"]}}],"curPage":1,"nextPage":null}`},
			`Unexpected token from the Xano API.*token 5 of instance "l-unknown-scope".*upgrade the provider`, false},
	}
	opens := []apiCase{
		{"e-401", faultRule{status: 401, body: xanoError(xano.CodeUnauthorized, "Invalid access token.")},
			`Xano rejected the access token.*mint ephemeral token`, false},
		{"e-403", faultRule{status: 403, body: xanoError(xano.CodeAccessDenied, "Access denied.")},
			`The access token lacks the rights for this.*mint ephemeral token`, false},
		{"e-limit", faultRule{status: 400, body: xanoError(xano.CodeInputError, xano.LimitMessage)},
			`Xano token limit reached.*mint ephemeral token`, false},
		{"e-500", faultRule{status: 500, body: xanoError(xano.CodeFatal, "Something broke.")},
			`Xano API error.*mint ephemeral token.*500.*` + wantRetriesRanOut, false},
		{"e-truncated", faultRule{status: 200, body: truncatedJSON},
			`Xano API error.*mint ephemeral token.*` + wantCheckBaseURL + `.*not a valid token`, false},
	}
	var cases []badCase
	for _, c := range lists {
		cases = append(cases, c.badCase(fmt.Sprintf(`
data "xano_metadata_tokens" %q {
  instance = %q
}
`, strings.ReplaceAll(c.instance, "-", "_"), c.instance)))
	}
	for _, c := range opens {
		cases = append(cases, c.badCase(fmt.Sprintf(`
ephemeral "xano_metadata_token" %q {
  instance = %q
  name     = %q
%s}
`, strings.ReplaceAll(c.instance, "-", "_"), c.instance, c.instance, readAPIGroups)))
	}
	rules := rulesFor("list", lists)
	for k, v := range rulesFor("create", opens) {
		rules[k] = v
	}
	faults.set(rules)

	rec := &diagRecorder{}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{{
			Config:      apiProvider(baseURL) + batchHCL("", cases),
			PlanOnly:    true,
			ExpectError: expectFirst(cases),
		}},
	})
	checkBatch(t, "plan-time API calls", rec.since(0, -1), cases)
	checkClean(t, rec)
	if n := emu.Count("POST", "/instance/{instance}/token"); n != 0 {
		t.Errorf("%d creates reached the emulator, though every mint was answered by a fault", n)
	}
}

// TestBadInputUnreachable points the provider at a port nobody listens on:
// no request leaves the machine, so the create and the mint certainly did
// not happen, and the error says so instead of sending the user to look for
// a token that may exist. A create that reached the server and failed keeps
// that warning (case c-500 of TestBadInputAPIErrors).
func TestBadInputUnreachable(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	baseURL := "http://" + l.Addr().String() + "/api:meta"
	l.Close()
	const notCarriedOut = `No attempt reached the Xano API.*was not carried out: nothing was created.*API answer: .*could not reach the Xano API.*refused`
	// The mint fails the plan, so the create needs a step of its own.
	steps := [][]badCase{
		{{name: "create", key: `create token "down"`, hcl: apiToken("down", "down"), want: `Xano API error.*` + notCarriedOut}},
		{{name: "mint", key: `mint ephemeral token "down-e-`, hcl: `
ephemeral "xano_metadata_token" "down" {
  instance = "down"
  name     = "down-e"
` + readAPIGroups + `}
`, want: `Xano API error.*` + notCarriedOut}},
	}
	// The credentials check would stop the plan at configure time (see
	// TestE2ECredentialsCheck); skipped, the create and the mint meet the
	// refused connection themselves.
	provider := strings.Replace(apiProvider(baseURL), "provider \"xano\" {", "provider \"xano\" {\n  skip_credentials_validation = true", 1)
	rec := &diagRecorder{}
	marks := make([]int, len(steps))
	var tsteps []resource.TestStep
	for i, cases := range steps {
		tsteps = append(tsteps, resource.TestStep{
			PreConfig:   func() { marks[i] = rec.mark() },
			Config:      provider + batchHCL("", cases),
			ExpectError: expectFirst(cases),
		})
	}
	resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: rec.factories(), Steps: tsteps})
	checkBatch(t, "unreachable create", rec.since(marks[0], marks[1]), steps[0])
	checkBatch(t, "unreachable mint", rec.since(marks[1], -1), steps[1])
	checkClean(t, rec, "may have carried out", "a token may exist")
}
