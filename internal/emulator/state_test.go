package emulator

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// serveState opens an emulator on the state file path and serves it until
// the returned stop function runs, as a process restart would end it.
func serveState(t *testing.T, path string, clock *acctest.Clock) (*client, func()) {
	t.Helper()
	e, err := Open(Options{StateFile: path, Clock: clock.Now})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	srv := httptest.NewServer(e)
	stop := func() {
		srv.Close()
		if err := e.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}
	t.Cleanup(stop)
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
	return &client{t: t, base: srv.URL + "/api:meta", token: DefaultAdminToken, hc: hc}, stop
}

// TestStateFileLock: a second emulator cannot open a state file another one
// holds, and can once the first is closed; Close is idempotent, and changes
// after it are no longer written.
func TestStateFileLock(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("state files are not locked on Windows")
	}
	path := filepath.Join(t.TempDir(), "state.json")
	first, err := Open(Options{StateFile: path})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(Options{StateFile: path}); err == nil || !strings.Contains(err.Error(), "in use by another xano-emulator") {
		t.Fatalf("a second Open of a held state file: %v, want an in-use error", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Fatalf("a second Close: %v", err)
	}
	second, err := Open(Options{StateFile: path})
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	defer second.Close()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(first)
	defer srv.Close()
	c := &client{t: t, base: srv.URL + "/api:meta", token: DefaultAdminToken, hc: srv.Client()}
	c.mustCreate("main", createBody("after-close", 0, readAPI))
	if after, err := os.ReadFile(path); err != nil || !bytes.Equal(after, before) {
		t.Fatalf("a change after Close was written to the state file:\n%s\nbefore:\n%s", after, before)
	}
}

func TestStateFileSurvivesRestart(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	clock := acctest.NewClock(acctest.Epoch)

	c, stop := serveState(t, path, clock)
	kept := c.mustCreate("main", createBody("kept", 86400, map[string][]string{"workspace:requesthistory": {"read"}}), xano.HeaderIdempotency, "key-1")
	gone := c.mustCreate("main", createBody("gone", 0, readAPI))
	other := c.mustCreate("other", createBody("other", 0, readAPI))
	if r := c.do(http.MethodDelete, fmt.Sprintf("/instance/main/token/%d", gone.ID), nil); r.status != http.StatusOK {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if r := c.do(http.MethodPost, fmt.Sprintf("/instance/main/token/%d", kept.ID), map[string]any{"description": "renamed"}); r.status != http.StatusOK {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	clock.Advance(time.Minute)
	if r := c.as(kept.Secret).do(http.MethodGet, "/workspace/1/request_history", nil); r.status != http.StatusOK {
		t.Fatalf("read with the secret before the restart: %d %s", r.status, r.body)
	}
	usedAt := xano.FormatTime(clock.Now())
	before := c.do(http.MethodGet, "/instance/main/token", nil)
	stop()

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{kept.Secret, other.Secret} {
		if bytes.Contains(data, []byte(secret)) || bytes.Contains(data, []byte(strings.TrimPrefix(secret, secretPrefix))) {
			t.Fatalf("the state file holds a secret in plain text:\n%s", data)
		}
	}

	clock.Advance(time.Hour)
	c, _ = serveState(t, path, clock)
	// Compare before anything uses a token, which would set its last use.
	t.Run("tokens, names and last use are the same", func(t *testing.T) {
		after := c.do(http.MethodGet, "/instance/main/token", nil)
		if after.status != http.StatusOK || !bytes.Equal(after.body, before.body) {
			t.Fatalf("listing after the restart:\n%s\nbefore:\n%s", after.body, before.body)
		}
		var tok xano.Token
		c.do(http.MethodGet, fmt.Sprintf("/instance/main/token/%d", kept.ID), nil).decode(t, &tok)
		if tok.Description != "renamed" || tok.LastUsedAt == nil || *tok.LastUsedAt != usedAt {
			t.Fatalf("token after the restart: %+v", tok)
		}
	})
	t.Run("a secret minted before the restart still works", func(t *testing.T) {
		if r := c.as(kept.Secret).do(http.MethodGet, "/workspace/1/request_history", nil); r.status != http.StatusOK {
			t.Fatalf("status %d, body %s", r.status, r.body)
		}
		if r := c.as(kept.Secret).do(http.MethodGet, "/workspace/1/table", nil); r.status != http.StatusForbidden {
			t.Fatalf("scopes not kept: a request history token read tables with status %d", r.status)
		}
	})
	t.Run("the instances of the tokens still exist", func(t *testing.T) {
		var got []xano.Instance
		c.do(http.MethodGet, xano.PathInstances, nil).decode(t, &got)
		if len(got) != 2 || got[0].Name != "main" || got[1].Name != "other" {
			t.Fatalf("instances after the restart: %+v", got)
		}
	})
	t.Run("a deleted token stays deleted", func(t *testing.T) {
		expectError(t, c.do(http.MethodGet, fmt.Sprintf("/instance/main/token/%d", gone.ID), nil), http.StatusNotFound, xano.CodeNotFound)
		if r := c.as(gone.Secret).do(http.MethodGet, "/workspace", nil); r.status != http.StatusUnauthorized {
			t.Fatalf("deleted token's secret: status %d", r.status)
		}
	})
	t.Run("ids continue", func(t *testing.T) {
		next := c.mustCreate("other", createBody("next", 0, readAPI))
		if next.ID != other.ID+1 {
			t.Fatalf("id %d after a restart, want %d", next.ID, other.ID+1)
		}
	})
	t.Run("idempotency keys are remembered", func(t *testing.T) {
		body := createBody("kept", 86400, map[string][]string{"workspace:requesthistory": {"read"}})
		expectConflict(t, c.do(http.MethodPost, "/instance/main/token", body, xano.HeaderIdempotency, "key-1"), kept.ID)
		expectError(t, c.do(http.MethodPost, "/instance/main/token", createBody("changed", 3600, readAPI), xano.HeaderIdempotency, "key-1"),
			http.StatusBadRequest, xano.CodeInputError, "different request body")
		if n := len(c.do(http.MethodGet, "/instance/main/token", nil).body); n != len(before.body) {
			t.Fatalf("a repeated key minted a token")
		}
	})
}

// TestStateFileMissingStartsEmpty: Open creates a missing file with an empty
// state, since the lock is on the file itself.
func TestStateFileMissingStartsEmpty(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	c, _ := serveState(t, path, acctest.NewClock(acctest.Epoch))
	if data, err := os.ReadFile(path); err != nil || string(data) != `{"version":2,"next_id":0,"tokens":[],"idempotency":[]}`+"\n" {
		t.Fatalf("Open did not create an empty state file: %q, %v", data, err)
	}
	var page xano.TokenPage
	c.do(http.MethodGet, "/instance/main/token", nil).decode(t, &page)
	if len(page.Items) != 0 {
		t.Fatalf("tokens in a new emulator: %+v", page.Items)
	}
	c.mustCreate("main", createBody("first", 0, readAPI))
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("no state file after a create: %v", err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("state file mode %o, want 600: it lists the tokens", perm)
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*"))
	if len(leftovers) != 0 {
		t.Fatalf("temporary files left beside the state file: %v", leftovers)
	}
}

func TestStateFileRefused(t *testing.T) {
	t.Parallel()
	valid := func(mutate string) string {
		tok := `{"id":1,"instance":"main","name":"n","description":"","created_at":"2026-01-01T00:00:00Z","scopes":{"workspace:api":["read"]},"secret_sha256":"` + strings.Repeat("ab", 32) + `"}`
		return strings.Replace(`{"version":1,"next_id":1,"tokens":[`+tok+`],"idempotency":[]}`, mutate[:strings.Index(mutate, "=>")], mutate[strings.Index(mutate, "=>")+2:], 1)
	}
	if _, err := decodeState([]byte(valid("=>"))); err != nil {
		t.Fatalf("the base case is refused: %v", err)
	}
	tests := []struct {
		name, content, mention string
	}{
		{"not JSON", "{\"version\": 1, \"tok", "invalid JSON"},
		{"empty", "", "invalid JSON"},
		{"truncated", valid("=>")[:40], "invalid JSON"},
		{"another version", valid(`"version":1=>"version":3`), "version 3"},
		{"unknown field", valid(`"next_id"=>"extra":1,"next_id"`), "extra"},
		{"trailing data", valid("=>") + "{}", "trailing data"},
		{"id beyond next_id", valid(`"next_id":1=>"next_id":0`), "next_id"},
		{"bad verifier", valid(`"secret_sha256":"ab=>"secret_sha256":"zz`), "secret_sha256"},
		{"unknown scope", valid(`workspace:api=>workspace:nope`), "workspace:nope"},
		{"empty name", valid(`"name":"n"=>"name":""`), "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "state.json")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Open(Options{StateFile: path})
			if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tt.mention) {
				t.Fatalf("Open error = %v, want one naming %s and %q", err, path, tt.mention)
			}
			got, _ := os.ReadFile(path)
			if string(got) != tt.content {
				t.Fatalf("the refused file was changed:\n%q\nwant\n%q", got, tt.content)
			}
		})
	}
	t.Run("unreadable", func(t *testing.T) {
		t.Parallel()
		// A directory cannot be read as a file, whoever runs the test.
		path := t.TempDir()
		if _, err := Open(Options{StateFile: path}); err == nil || !strings.Contains(err.Error(), path) {
			t.Fatalf("Open error = %v, want one naming %s", err, path)
		}
	})
	t.Run("directory missing", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "no-such-dir", "state.json")
		if _, err := Open(Options{StateFile: path}); err == nil || !strings.Contains(err.Error(), path) {
			t.Fatalf("Open error = %v, want one naming %s", err, path)
		}
	})
}

func TestNewRefusesStateFile(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Fatal("New accepted a StateFile it cannot load")
		}
	}()
	New(Options{StateFile: "state.json"})
}

// TestWithoutStateFileNothingIsWritten is not parallel: it changes the
// working directory, where a relative state file would land.
func TestWithoutStateFileNothingIsWritten(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	_, c, _ := newTestEmulator(t, Options{})
	c.mustCreate("main", createBody("n", 0, readAPI))
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 0 {
		t.Fatalf("files written without a state file: %v %v", entries, err)
	}
}
