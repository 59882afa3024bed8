package lifecycle

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// documentedOnly serves what Xano documents of its account Metadata API:
// GET /instance with the instance "main", GET /instance/main, and a 404 for
// everything else, token endpoints included.
func documentedOnly(t *testing.T) (*xano.Client, *xano.Directory) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/api:meta/instance":
			_ = json.NewEncoder(w).Encode([]xano.Instance{{Name: "main", Display: "Main"}})
		case r.Method == http.MethodGet && r.URL.Path == "/api:meta/instance/main":
			_ = json.NewEncoder(w).Encode(xano.Instance{Name: "main", Display: "Main"})
		default:
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"code":"ERROR_CODE_NOT_FOUND","message":"Unable to locate request."}`))
		}
	}))
	t.Cleanup(srv.Close)
	c, err := xano.New(xano.Config{BaseURL: srv.URL + "/api:meta", AccessToken: "admin", MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	return c, xano.NewDirectory(c)
}

// TestServiceNoTokenAPI runs each call of the service against an account API
// with no token endpoints: every one fails with KindNoTokenAPI, the reads
// without a list warning or a per-token read, and without Instances the old
// kinds stay.
func TestServiceNoTokenAPI(t *testing.T) {
	t.Parallel()
	req := xano.CreateTokenRequest{Name: "a", ExpiresIn: 3600, Scopes: map[string][]string{"workspace:api": {"read"}}}
	tests := []struct {
		name string
		call func(ctx context.Context, s *Service) error
	}{
		{"mint", func(ctx context.Context, s *Service) error {
			intent, err := NewIntent(req)
			if err != nil {
				return err
			}
			_, err = s.Mint(ctx, "main", req, intent)
			return err
		}},
		{"read", func(ctx context.Context, s *Service) error {
			var last error
			for id := range int64(3) {
				_, gone, failed, err := s.Read(ctx, "main", id+1)
				switch {
				case gone || failed != nil:
					return fmt.Errorf("read %d: gone %v, list warning %v", id+1, gone, failed)
				case !xano.IsNoTokenAPI(err):
					return err
				}
				last = err
			}
			return last
		}},
		{"revoke", func(ctx context.Context, s *Service) error { return s.Revoke(ctx, "main", 7) }},
	}
	for _, tt := range tests {
		for _, explained := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s, explained %v", tt.name, explained), func(t *testing.T) {
				t.Parallel()
				c, dir := documentedOnly(t)
				s := &Service{Client: c}
				if explained {
					s.Lists, s.Instances = NewLists(dir.ListTokens), dir
				} else {
					s.Lists = NewLists(c.ListTokens)
				}
				err := tt.call(t.Context(), s)
				if got := xano.IsNoTokenAPI(err); got != explained {
					t.Fatalf("explained %v: error %v (kind %v)", explained, err, xano.KindOf(err))
				}
			})
		}
	}
}

// TestLedgerNoTokenAPI checks that the token limit of an instance whose API
// has no token endpoints is reported once, as the first plan's error, and
// that a plain 404 is skipped as before.
func TestLedgerNoTokenAPI(t *testing.T) {
	t.Parallel()
	c, dir := documentedOnly(t)
	tests := []struct {
		name    string
		list    func(context.Context, string) ([]xano.Token, error)
		wantErr bool
	}{
		{"explained", NewLists(dir.ListTokens).Tokens, true},
		{"plain 404", NewLists(c.ListTokens).Tokens, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := NewLedger(tt.list, func() time.Time { return limitNow })
			var errs []error
			for range 3 {
				v := l.Register(t.Context(), "main", "t", nil)
				if v.Checked || v.Over() {
					t.Errorf("verdict %+v counts tokens it could not list", v)
				}
				if v.Err != nil {
					errs = append(errs, v.Err)
				}
				if !tt.wantErr && !xano.IsNotFound(v.Skipped) {
					t.Errorf("skipped = %v, want the 404", v.Skipped)
				}
			}
			switch {
			case tt.wantErr && (len(errs) != 1 || !xano.IsNoTokenAPI(errs[0])):
				t.Errorf("errors %v, want one of kind %v", errs, xano.KindNoTokenAPI)
			case !tt.wantErr && len(errs) != 0:
				t.Errorf("errors %v, want none", errs)
			}
		})
	}
}
