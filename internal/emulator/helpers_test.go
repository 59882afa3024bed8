package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// client sends requests to an emulator under test.
type client struct {
	t     testing.TB
	base  string
	token string
	hc    *http.Client
}

// newTestEmulator starts an emulator with a fake clock and returns an admin
// client for it. Keep-alives are off so a dropped connection is seen as an
// error rather than retried by the transport.
func newTestEmulator(t testing.TB, opts Options) (*Emulator, *client, *acctest.Clock) {
	t.Helper()
	clock := acctest.NewClock(acctest.Epoch)
	if opts.Clock == nil {
		opts.Clock = clock.Now
	}
	e := New(opts)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	base := srv.URL + "/api:meta"
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
	return e, &client{t: t, base: base, token: DefaultAdminToken, hc: hc}, clock
}

func (c *client) as(token string) *client {
	cp := *c
	cp.token = token
	return &cp
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) errorBody(t testing.TB) xano.ErrorBody {
	t.Helper()
	var b xano.ErrorBody
	if err := json.Unmarshal(r.body, &b); err != nil {
		t.Fatalf("error body %q is not JSON: %v", r.body, err)
	}
	return b
}

func (r response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
}

// try sends a request and returns the transport error, if any. body may be
// nil, a string sent as is, or a value encoded as JSON. headers are pairs.
func (c *client) try(method, path string, body any, headers ...string) (response, error) {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	return response{status: resp.StatusCode, header: resp.Header, body: raw}, nil
}

func (c *client) do(method, path string, body any, headers ...string) response {
	c.t.Helper()
	r, err := c.try(method, path, body, headers...)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	return r
}

func createBody(name string, expiresIn int64, scopes map[string][]string) map[string]any {
	return map[string]any{"name": name, "description": "", "expires_in": expiresIn, "scopes": scopes}
}

var readAPI = map[string][]string{"workspace:api": {"read"}}

// mustCreate mints a token on instance and returns it, secret included.
func (c *client) mustCreate(instance string, body any, headers ...string) xano.Token {
	c.t.Helper()
	r := c.do(http.MethodPost, "/instance/"+instance+"/token", body, headers...)
	if r.status != http.StatusOK {
		c.t.Fatalf("create: status %d, body %s", r.status, r.body)
	}
	var tok xano.Token
	r.decode(c.t, &tok)
	return tok
}

func expectError(t testing.TB, r response, status int, code string, contains ...string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	b := r.errorBody(t)
	if b.Code != code {
		t.Errorf("code %q, want %q", b.Code, code)
	}
	for _, s := range contains {
		if !strings.Contains(b.Message, s) {
			t.Errorf("message %q does not mention %q", b.Message, s)
		}
	}
}

// expectConflict checks the 409 of a key whose token was minted before a
// restart: the agreed body, with the token's id to revoke.
func expectConflict(t testing.TB, r response, tokenID int64) {
	t.Helper()
	expectError(t, r, http.StatusConflict, CodeConflict, "before the emulator restarted", fmt.Sprintf("Revoke token %d", tokenID))
	var body struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		TokenID *int64 `json:"token_id"`
	}
	r.decode(t, &body)
	if body.TokenID == nil || *body.TokenID != tokenID {
		t.Errorf("token_id in %s, want %d", r.body, tokenID)
	}
}
