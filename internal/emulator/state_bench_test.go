package emulator

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// BenchmarkStateFileChange measures one create, with an Idempotency-Key, and
// one delete against an emulator with a state file, after a history of
// create/delete pairs whose keys are all still remembered (the clock does
// not move). The time per pair should not grow with the history: each change
// appends one journal line, and the compactions it pays for are amortized
// over the journal. Each change syncs the file, so the figures are mostly
// the disk's.
func BenchmarkStateFileChange(b *testing.B) {
	for _, history := range []int{0, 1000, 3000} {
		e, err := Open(Options{StateFile: filepath.Join(b.TempDir(), "state.json"), Clock: acctest.NewClock(acctest.Epoch).Now})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		pair := func(b *testing.B) {
			n++
			rec := serveDirect(e, http.MethodPost, "/instance/main/token",
				fmt.Sprintf(`{"name":"t%d","expires_in":0,"scopes":{"workspace:api":["read"]}}`, n), fmt.Sprintf("key-%d", n))
			if rec.Code != http.StatusOK {
				b.Fatalf("create: %d %s", rec.Code, rec.Body)
			}
			id := strings.TrimPrefix(strings.SplitN(rec.Body.String(), ",", 2)[0], `{"id":`)
			if rec := serveDirect(e, http.MethodDelete, "/instance/main/token/"+id, "", ""); rec.Code != http.StatusOK {
				b.Fatalf("delete: %d %s", rec.Code, rec.Body)
			}
		}
		for range history {
			pair(b)
		}
		b.Run(fmt.Sprintf("history=%d", history), func(b *testing.B) {
			for b.Loop() {
				pair(b)
			}
		})
		if err := e.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// serveDirect answers one admin request without a network.
func serveDirect(e *Emulator, method, path, body, key string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "/api:meta"+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+DefaultAdminToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set(xano.HeaderIdempotency, key)
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}
