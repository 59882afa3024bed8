package xano

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// accountFake answers the account endpoints as configured: GET /instance
// with the instance "main" (or listStatus), GET /instance/{name} per name
// (404 for names it lacks), and every token endpoint with tokenStatus.
type accountFake struct {
	listStatus  int
	getStatus   map[string]int
	tokenStatus int
}

func (a accountFake) handle(w http.ResponseWriter, r *http.Request, _ int) {
	path := strings.TrimPrefix(r.URL.Path, "/api:meta")
	switch {
	case path == PathInstances && a.listStatus == http.StatusOK:
		writeJSON(w, http.StatusOK, []Instance{{Name: "main", Display: "Main"}})
	case path == PathInstances:
		writeError(w, a.listStatus, CodeNotFound, "no list")
	case strings.Contains(path, "/token"):
		writeError(w, a.tokenStatus, CodeNotFound, "Unable to locate request.")
	case strings.HasPrefix(path, "/instance/"):
		name := strings.TrimPrefix(path, "/instance/")
		status, ok := a.getStatus[name]
		if !ok {
			status = http.StatusNotFound
		}
		if status == http.StatusOK {
			writeJSON(w, http.StatusOK, Instance{Name: name})
			return
		}
		writeError(w, status, CodeNotFound, "Instance not found.")
	default:
		writeError(w, http.StatusNotFound, CodeNotFound, "No such route.")
	}
}

// TestExplainNotFound classifies the failures of token calls: a 404 to the
// token list or a create is KindNoTokenAPI only when the account confirms
// the instance; a 404 about one token, an unconfirmed instance and any
// other failure keep their kind.
func TestExplainNotFound(t *testing.T) {
	t.Parallel()
	list := func(ctx context.Context, c *Client, d *Directory, instance string) error {
		_, err := d.ListTokens(ctx, instance)
		return err
	}
	create := func(ctx context.Context, c *Client, d *Directory, instance string) error {
		_, err := c.CreateToken(ctx, instance, CreateTokenRequest{Name: "a"})
		return d.ExplainNotFound(ctx, instance, err)
	}
	revoke := func(ctx context.Context, c *Client, d *Directory, instance string) error {
		return d.ExplainNotFound(ctx, instance, c.RevokeToken(ctx, instance, 7))
	}
	read := func(ctx context.Context, c *Client, d *Directory, instance string) error {
		_, err := c.GetToken(ctx, instance, 7)
		return d.ExplainNotFound(ctx, instance, err)
	}
	tests := []struct {
		name     string
		account  accountFake
		instance string
		call     func(context.Context, *Client, *Directory, string) error
		want     Kind
	}{
		{"list 404, instance listed", accountFake{listStatus: 200, tokenStatus: 404}, "main", list, KindNoTokenAPI},
		{"create 404, instance listed", accountFake{listStatus: 200, tokenStatus: 404}, "main", create, KindNoTokenAPI},
		{"revoke 404, then list 404, instance listed", accountFake{listStatus: 200, tokenStatus: 404}, "main", revoke, KindNoTokenAPI},
		{"list 404, no instance list, GET /instance/{name} confirms",
			accountFake{listStatus: 404, getStatus: map[string]int{"main": 200}, tokenStatus: 404}, "main", list, KindNoTokenAPI},
		{"list 404, instance unknown", accountFake{listStatus: 200, tokenStatus: 404}, "ghost", list, KindNotFound},
		{"create 404, instance unknown", accountFake{listStatus: 200, tokenStatus: 404}, "ghost", create, KindNotFound},
		{"list 404, instances may not be read", accountFake{listStatus: 403, getStatus: map[string]int{"main": 403}, tokenStatus: 404},
			"main", list, KindNotFound},
		{"list 404, instance lookup fails", accountFake{listStatus: 500, tokenStatus: 404}, "main", list, KindNotFound},
		{"read of one token 404", accountFake{listStatus: 200, tokenStatus: 404}, "main", read, KindNotFound},
		{"list 403, instance listed", accountFake{listStatus: 200, tokenStatus: 403}, "main", list, KindForbidden},
		{"list 500, instance listed", accountFake{listStatus: 200, tokenStatus: 500}, "main", list, KindServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, tt.account.handle)
			c := fastClient(t, f.srv.URL+"/api:meta", func(cfg *TestConfig) { cfg.MaxRetries = 0 })
			err := tt.call(t.Context(), c, NewDirectory(c), tt.instance)
			if got := KindOf(err); got != tt.want {
				t.Fatalf("kind = %v, want %v (error: %v)", got, tt.want, err)
			}
			var noAPI *NoTokenAPIError
			if errors.As(err, &noAPI) != (tt.want == KindNoTokenAPI) {
				t.Fatalf("error %T (%v): NoTokenAPIError %v, want %v", err, err, !(tt.want == KindNoTokenAPI), tt.want == KindNoTokenAPI)
			}
			if noAPI != nil && (noAPI.Instance != tt.instance || !strings.Contains(err.Error(), ": 404 ") ||
				!strings.Contains(err.Error(), `confirms instance "`+tt.instance+`"`)) {
				t.Errorf("error = %q, want the 404 and the confirmed instance %q", err, tt.instance)
			}
		})
	}
}

// TestExplainNotFoundAsksOnce checks that the directory confirms an instance
// once, however many token calls fail on it.
func TestExplainNotFoundAsksOnce(t *testing.T) {
	t.Parallel()
	f := newFake(t, accountFake{listStatus: 404, getStatus: map[string]int{"main": 200}, tokenStatus: 404}.handle)
	c := fastClient(t, f.srv.URL+"/api:meta")
	d := NewDirectory(c)
	for range 3 {
		if _, err := d.ListTokens(t.Context(), "main"); !IsNoTokenAPI(err) {
			t.Fatalf("err = %v, want kind %v", err, KindNoTokenAPI)
		}
	}
	lookups := 0
	for _, r := range f.requests() {
		if !strings.Contains(r.Path, "/token") {
			lookups++
		}
	}
	if lookups != 2 {
		t.Errorf("%d requests to the instance endpoints, want 2 (the list, then the instance): %+v", lookups, f.requests())
	}
}

// TestExplainNotFoundNil keeps the error of a nil directory, as a provider
// without a client has none.
func TestExplainNotFoundNil(t *testing.T) {
	t.Parallel()
	in := &APIError{StatusCode: http.StatusNotFound, Method: http.MethodGet, Path: "/instance/main/token"}
	var d *Directory
	if got := d.ExplainNotFound(t.Context(), "main", in); got != error(in) {
		t.Errorf("got %v, want the error unchanged", got)
	}
}

// TestAboutOneToken tells the calls about one token from the others.
func TestAboutOneToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method, path string
		want         bool
	}{
		{http.MethodGet, "/instance/main/token/7", true},
		{http.MethodPost, "/instance/main/token/7", true},
		{http.MethodDelete, "/instance/main/token/7", true},
		{http.MethodGet, "/instance/main/token?page=1&per_page=50", false},
		{http.MethodPost, "/instance/main/token", false},
		{http.MethodGet, "/instance/main", false},
		{http.MethodGet, "/instance", false},
		{http.MethodGet, "/auth/me", false},
	}
	for _, tt := range tests {
		err := &APIError{StatusCode: http.StatusNotFound, Method: tt.method, Path: tt.path}
		if got := AboutOneToken(err); got != tt.want {
			t.Errorf("%s %s: AboutOneToken = %v, want %v", tt.method, tt.path, got, tt.want)
		}
	}
	if AboutOneToken(errors.New("GET /instance/main/token/7: 404")) {
		t.Error("an error the client did not make is about no token")
	}
}
