package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// instanceAPI is a fake master Metadata API whose GET /instance answers the
// statuses queued in list (200 once they run out) and which knows the
// instances named in known.
type instanceAPI struct {
	mu        sync.Mutex
	list      []int
	known     map[string]string
	listCalls atomic.Int32
	getCalls  atomic.Int32
}

func (a *instanceAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	name, one := strings.CutPrefix(r.URL.Path, "/api:meta/instance/")
	if one {
		a.getCalls.Add(1)
		if display, ok := a.known[name]; ok {
			_, _ = w.Write([]byte(`{"name":"` + name + `","display":"` + display + `","meta_api":"https://` + name + `.example/api:meta"}`))
			return
		}
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"code":"ERROR_CODE_NOT_FOUND","message":"Not Found."}`))
		return
	}
	a.listCalls.Add(1)
	a.mu.Lock()
	status := http.StatusOK
	if len(a.list) > 0 {
		status, a.list = a.list[0], a.list[1:]
	}
	a.mu.Unlock()
	if status != http.StatusOK {
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"code":"ERROR_FATAL","message":"no"}`))
		return
	}
	_, _ = w.Write([]byte(`[{"name":"x1a2-b3c4-d5e6","display":"Production","meta_api":"https://x1a2-b3c4-d5e6.example/api:meta"}]`))
}

func newInstanceTestData(t *testing.T, api *instanceAPI) *providerData {
	t.Helper()
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	client, err := xano.New(xano.Config{BaseURL: srv.URL + "/api:meta", AccessToken: "tok", MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	return &providerData{client: client, instances: xano.NewDirectory(client), instanceSource: envInstance}
}

func TestInstanceDirectoryReadsTheListOnce(t *testing.T) {
	t.Parallel()
	api := &instanceAPI{}
	d := newInstanceTestData(t, api)
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := d.instances.Lookup(t.Context(), "x1a2-b3c4-d5e6", false)
			if err != nil || res.Found == nil || res.Found.MetaAPI != "https://x1a2-b3c4-d5e6.example/api:meta" {
				t.Errorf("lookup = %+v, %v", res, err)
			}
		}()
	}
	wg.Wait()
	if n := api.listCalls.Load(); n != 1 {
		t.Errorf("%d GET /instance for 20 concurrent lookups, want 1", n)
	}
}

func TestInstanceDirectoryRetriesAPassingFailure(t *testing.T) {
	t.Parallel()
	api := &instanceAPI{list: []int{http.StatusInternalServerError}}
	d := newInstanceTestData(t, api)
	if _, err := d.instances.Lookup(t.Context(), "x1a2-b3c4-d5e6", false); err == nil {
		t.Fatal("the first lookup met a 500 and reported no error")
	}
	res, err := d.instances.Lookup(t.Context(), "x1a2-b3c4-d5e6", false)
	if err != nil || res.Found == nil {
		t.Fatalf("the second lookup = %+v, %v; want the instance", res, err)
	}
	if n := api.listCalls.Load(); n != 2 {
		t.Errorf("%d GET /instance, want 2: the failure must not be remembered", n)
	}
	// A cancelled context is not remembered either.
	d2 := newInstanceTestData(t, &instanceAPI{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := d2.instances.Lookup(ctx, "x1a2-b3c4-d5e6", false); err == nil {
		t.Fatal("a cancelled lookup reported no error")
	}
	if res, err := d2.instances.Lookup(t.Context(), "x1a2-b3c4-d5e6", false); err != nil || res.Found == nil {
		t.Fatalf("after a cancelled lookup: %+v, %v", res, err)
	}
}

func TestInstanceDirectorySkipsAForbiddenList(t *testing.T) {
	t.Parallel()
	api := &instanceAPI{list: []int{http.StatusForbidden}}
	d := newInstanceTestData(t, api)
	for range 3 {
		var diags diag.Diagnostics
		if got := d.checkInstance(t.Context(), "anything", d.originOf(false), path.Root("instance"), &diags); got != nil || diags.HasError() {
			t.Fatalf("checkInstance = %+v, %s; want nothing checked and no error", got, renderDiags(diags))
		}
	}
	if n, m := api.listCalls.Load(), api.getCalls.Load(); n != 1 || m != 0 {
		t.Errorf("%d GET /instance and %d GET /instance/{name}, want 1 and 0", n, m)
	}
}

func TestCheckInstance(t *testing.T) {
	t.Parallel()
	t.Run("a name missing from the list is confirmed once", func(t *testing.T) {
		t.Parallel()
		api := &instanceAPI{known: map[string]string{"x5555-6666-7777": "Created since"}}
		d := newInstanceTestData(t, api)
		for range 3 {
			var diags diag.Diagnostics
			got := d.checkInstance(t.Context(), "x5555-6666-7777", d.originOf(true), path.Root("instance"), &diags)
			if diags.HasError() || got == nil || got.Display != "Created since" {
				t.Fatalf("checkInstance = %+v, %s", got, renderDiags(diags))
			}
		}
		if n := api.getCalls.Load(); n != 1 {
			t.Errorf("%d GET /instance/{name}, want 1", n)
		}
	})
	t.Run("the provider's instance is reported once", func(t *testing.T) {
		t.Parallel()
		d := newInstanceTestData(t, &instanceAPI{})
		var diags, later diag.Diagnostics
		d.checkInstance(t.Context(), "x1a2-b3c4-d5e7", d.originOf(false), path.Root("instance"), &diags)
		for range 2 {
			d.checkInstance(t.Context(), "x1a2-b3c4-d5e7", d.originOf(false), path.Root("instance"), &later)
		}
		if len(later) != 0 {
			t.Errorf("later resources repeat the error: %s", renderDiags(later))
		}
		wantDiag(t, diags, "Xano instance not found", pathOf(path.Root("instance")),
			`The account has no instance "x1a2-b3c4-d5e7" (from the XANO_INSTANCE environment variable). Did you mean "x1a2-b3c4-d5e6" (Production)?`,
			"xano_instances")
	})
	t.Run("a resource's own instance is reported each time", func(t *testing.T) {
		t.Parallel()
		d := newInstanceTestData(t, &instanceAPI{})
		// Each resource plans with diagnostics of its own.
		for range 2 {
			var diags diag.Diagnostics
			d.checkInstance(t.Context(), "Production", d.originOf(true), path.Root("instance"), &diags)
			wantDiag(t, diags, "Xano instance not found", pathOf(path.Root("instance")),
				`"Production" (set in this block) is the display name of instance "x1a2-b3c4-d5e6", not its name. Set instance = "x1a2-b3c4-d5e6"`)
		}
	})
	t.Run("skip_credentials_validation makes no request", func(t *testing.T) {
		t.Parallel()
		api := &instanceAPI{}
		d := newInstanceTestData(t, api)
		d.skipChecks = true
		var diags diag.Diagnostics
		if got := d.checkInstance(t.Context(), "nope", d.originOf(true), path.Root("instance"), &diags); got != nil || diags.HasError() {
			t.Errorf("checkInstance = %+v, %s", got, renderDiags(diags))
		}
		if n := api.listCalls.Load() + api.getCalls.Load(); n != 0 {
			t.Errorf("%d requests, want none", n)
		}
	})
}
