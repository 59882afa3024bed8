package xano

import (
	"errors"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// documentedInstance is the example answer of GET /instance/{name} on Xano's
// "Master Metadata API" page
// (https://docs.xano.com/xano-features/metadata-api/master-metadata-api),
// copied as published.
const documentedInstance = `{
  "name": "x1234-4567-8901",
  "display": "My Instance",
  "xano_domain": "x1234-4567-8901.n7.xano.com",
  "custom_domain": "text",
  "meta_api": "https://x1234-4567-8901.n7.xano.com/api:meta",
  "meta_swagger": "https://x1234-4567-8901.n7.xano.com/apispec:meta?type=json"
}`

func TestGetInstanceDecodesTheDocumentedExample(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(documentedInstance))
	})
	got, err := fastClient(t, f.srv.URL+"/api:meta").GetInstance(t.Context(), "x1234-4567-8901")
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range []struct{ name, got, want string }{
		{"name", got.Name, "x1234-4567-8901"},
		{"display", got.Display, "My Instance"},
		{"xano_domain", got.XanoDomain, "x1234-4567-8901.n7.xano.com"},
		{"custom_domain", got.CustomDomain, "text"},
		{"meta_api", got.MetaAPI, "https://x1234-4567-8901.n7.xano.com/api:meta"},
		{"meta_swagger", got.MetaSwagger, "https://x1234-4567-8901.n7.xano.com/apispec:meta?type=json"},
	} {
		if field.got != field.want {
			t.Errorf("%s = %q, want %q", field.name, field.got, field.want)
		}
	}
	reqs := f.requests()
	if len(reqs) != 1 || reqs[0].Method != http.MethodGet || reqs[0].Path != "/api:meta/instance/x1234-4567-8901" {
		t.Errorf("requests = %+v, want one GET /api:meta/instance/x1234-4567-8901", reqs)
	}
}

func TestListInstances(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		want    []string
		wantErr string
	}{
		{"the documented array", "[" + documentedInstance + "]", []string{"x1234-4567-8901"}, ""},
		{"no instance", "[]", []string{}, ""},
		{"null", "null", nil, "empty or null"},
		{"an object", `{"items": []}`, nil, "cannot unmarshal object"},
		{"an instance without a name", `[{"display": "Nameless"}]`, nil, "item 0 has no name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { _, _ = w.Write([]byte(tt.body)) })
			list, err := fastClient(t, f.srv.URL).ListInstances(t.Context())
			if tt.wantErr != "" {
				var de *DecodeError
				if !errors.As(err, &de) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want a decode error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := InstanceNames(list); strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("names = %v, want %v", got, tt.want)
			}
			if reqs := f.requests(); len(reqs) != 1 || reqs[0].Path != PathInstances || reqs[0].Query != "" {
				t.Errorf("requests = %+v, want one GET /instance without a query", reqs)
			}
		})
	}
}

func TestGetInstanceErrors(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if strings.HasSuffix(r.URL.Path, "/missing") {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"code":"ERROR_CODE_NOT_FOUND","message":"Not Found."}`))
			return
		}
		_, _ = w.Write([]byte(`{"name": "other"}`))
	})
	c := fastClient(t, f.srv.URL)
	if _, err := c.GetInstance(t.Context(), "missing"); !IsNotFound(err) {
		t.Errorf("missing: error = %v, want a 404", err)
	}
	if _, err := c.GetInstance(t.Context(), "asked"); err == nil || !strings.Contains(err.Error(), `describes instance "other", not "asked"`) {
		t.Errorf("another instance: error = %v", err)
	}
	if _, err := c.GetInstance(t.Context(), " "); err == nil {
		t.Error("a blank name was sent")
	}
	if got := f.requests(); len(got) != 2 {
		t.Errorf("%d requests, want 2", len(got))
	}
}

func TestSuggestInstance(t *testing.T) {
	t.Parallel()
	list := []Instance{
		{Name: "x1a2-b3c4-d5e6", Display: "Production"},
		{Name: "x9f8-e7d6-c5b4", Display: "Staging EU"},
		{Name: "x0000-0000-0001"},
	}
	tests := []struct {
		name      string
		want      string
		byDisplay bool
	}{
		{"x1a2-b3c4-d5e7", "x1a2-b3c4-d5e6", false},
		{"X1A2-B3C4-D5E6", "x1a2-b3c4-d5e6", false},
		{"Production", "x1a2-b3c4-d5e6", true},
		{" staging eu ", "x9f8-e7d6-c5b4", true},
		{"Staging-EU", "x9f8-e7d6-c5b4", true},
		{"Prodution", "x1a2-b3c4-d5e6", true},
		{"x0000-0000-0002", "x0000-0000-0001", false},
		{"something-else-entirely", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := SuggestInstance(list, tt.name)
			if got.Instance.Name != tt.want || got.ByDisplay != tt.byDisplay {
				t.Errorf("SuggestInstance(%q) = %q (display %v), want %q (display %v)",
					tt.name, got.Instance.Name, got.ByDisplay, tt.want, tt.byDisplay)
			}
		})
	}
	if _, ok := FindInstance(list, "Production"); ok {
		t.Error("FindInstance matched a display name")
	}
	if in, ok := FindInstance(list, "x9f8-e7d6-c5b4"); !ok || in.Display != "Staging EU" {
		t.Errorf("FindInstance = %+v, %v", in, ok)
	}
}

// TestRefusedConnectionRetriesAtTheShortestWait checks that a base_url where
// nothing listens fails after max_retries short waits rather than an
// exponential backoff that would keep a plan waiting.
func TestRefusedConnectionRetriesAtTheShortestWait(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var waits []time.Duration
	c := fastClient(t, "http://"+addr, func(cfg *TestConfig) {
		cfg.MaxRetries = 4
		cfg.RetryWaitMin = time.Millisecond
		cfg.RetryWaitMax = time.Hour
		cfg.Rand = func() float64 { return 0.9 }
		cfg.OnRetry = func(_ int, wait time.Duration, _ *http.Response, _ error) { waits = append(waits, wait) }
	})
	_, err = c.Me(t.Context())
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("error = %v, want a refused connection", err)
	}
	if len(waits) != 4 {
		t.Fatalf("%d retries, want 4", len(waits))
	}
	for i, w := range waits {
		if w != time.Millisecond {
			t.Errorf("wait %d = %s, want the minimum of 1ms", i+1, w)
		}
	}
}
