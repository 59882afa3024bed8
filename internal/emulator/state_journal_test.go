package emulator

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// TestLostAnswerAcrossRestart: a create whose answer was lost, retried with
// the same key after a restart, is answered 409 with the token's id, whether
// or not the token still exists; revoking it and creating with a new key
// then works, as the API contract page tells a client to do.
func TestLostAnswerAcrossRestart(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name          string
		revokedBefore bool
		revokeStatus  int
	}{
		{"token still active", false, http.StatusOK},
		{"token revoked since", true, http.StatusNotFound},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "state.json")
			clock := acctest.NewClock(acctest.Epoch)
			body := createBody("lost", 0, readAPI)
			c, stop := serveState(t, path, clock)
			lost := c.mustCreate("main", body, xano.HeaderIdempotency, "key-lost")
			if tt.revokedBefore {
				if r := c.do(http.MethodDelete, fmt.Sprintf("/instance/main/token/%d", lost.ID), nil); r.status != http.StatusOK {
					t.Fatalf("revoke: %d %s", r.status, r.body)
				}
			}
			stop()

			c, _ = serveState(t, path, clock)
			r := c.do(http.MethodPost, "/instance/main/token", body, xano.HeaderIdempotency, "key-lost")
			expectConflict(t, r, lost.ID)
			if strings.Contains(string(r.body), secretPrefix) {
				t.Fatalf("the 409 carries a secret: %s", r.body)
			}
			// The same key with another body is still the client's mistake.
			expectError(t, c.do(http.MethodPost, "/instance/main/token", createBody("other", 0, readAPI), xano.HeaderIdempotency, "key-lost"),
				http.StatusBadRequest, xano.CodeInputError, "different request body")
			if r := c.do(http.MethodDelete, fmt.Sprintf("/instance/main/token/%d", lost.ID), nil); r.status != tt.revokeStatus {
				t.Fatalf("revoking token_id: %d %s, want %d", r.status, r.body, tt.revokeStatus)
			}
			again := c.mustCreate("main", body, xano.HeaderIdempotency, "key-new")
			if again.ID == lost.ID || again.Secret == "" {
				t.Fatalf("the new create: %+v", again)
			}
			var page xano.TokenPage
			c.do(http.MethodGet, "/instance/main/token", nil).decode(t, &page)
			if len(page.Items) != 1 || page.Items[0].ID != again.ID {
				t.Fatalf("tokens after recovery: %+v, want only %d", page.Items, again.ID)
			}
		})
	}
}

// TestStateFileLockThroughLinks: the lock is on the file, so a second
// emulator is refused whichever name it is given for a held file.
func TestStateFileLockThroughLinks(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("state files are not locked on Windows")
	}
	for _, tt := range []struct {
		name string
		// link makes another name for path, in dir, before or after the
		// first emulator opens path.
		link  func(t *testing.T, dir, path string) string
		early bool
	}{
		{"symbolic link", func(t *testing.T, dir, path string) string {
			l := filepath.Join(dir, "link.json")
			mustDo(t, os.Symlink(path, l))
			return l
		}, false},
		{"relative symbolic link in another directory", func(t *testing.T, dir, path string) string {
			sub := filepath.Join(dir, "sub")
			mustDo(t, os.Mkdir(sub, 0o700))
			l := filepath.Join(sub, "link.json")
			mustDo(t, os.Symlink(filepath.Join("..", filepath.Base(path)), l))
			return l
		}, false},
		{"symbolic link made before the file exists", func(t *testing.T, dir, path string) string {
			l := filepath.Join(dir, "link.json")
			mustDo(t, os.Symlink(path, l))
			return l
		}, true},
		{"hard link", func(t *testing.T, dir, path string) string {
			l := filepath.Join(dir, "hard.json")
			mustDo(t, os.Link(path, l))
			return l
		}, false},
		{"another spelling of the path", func(t *testing.T, dir, path string) string {
			return filepath.Join(dir, ".", "sub2", "..", filepath.Base(path))
		}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			mustDo(t, os.Mkdir(filepath.Join(dir, "sub2"), 0o700))
			path := filepath.Join(dir, "state.json")
			var other string
			if tt.early {
				other = tt.link(t, dir, path)
			}
			first, err := Open(Options{StateFile: path})
			if err != nil {
				t.Fatal(err)
			}
			defer first.Close()
			if !tt.early {
				other = tt.link(t, dir, path)
			}
			if second, err := Open(Options{StateFile: other}); err == nil || !strings.Contains(err.Error(), "in use by another xano-emulator") {
				if second != nil {
					_ = second.Close()
				}
				t.Fatalf("Open(%s) while %s is held: %v, want an in-use error", other, path, err)
			}
		})
	}
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestStateFileThroughSymlink: an emulator given a symbolic link writes to
// the file it points to and leaves the link a link, compactions included.
func TestStateFileThroughSymlink(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	dir := t.TempDir()
	target := filepath.Join(dir, "state.json")
	link := filepath.Join(dir, "link.json")
	mustDo(t, os.Symlink(target, link))
	c, stop := serveState(t, link, acctest.NewClock(acctest.Epoch))
	tok := c.mustCreate("main", createBody("via-link", 0, readAPI))
	stop()
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", fi, err)
	}
	c, _ = serveState(t, target, acctest.NewClock(acctest.Epoch))
	expectError(t, c.do(http.MethodGet, fmt.Sprintf("/instance/main/token/%d", tok.ID+1), nil), http.StatusNotFound, xano.CodeNotFound)
	if r := c.do(http.MethodGet, fmt.Sprintf("/instance/main/token/%d", tok.ID), nil); r.status != http.StatusOK {
		t.Fatalf("the token written through the link is not in the file: %d %s", r.status, r.body)
	}
}

// TestStateFileHardLinkRefused: a compaction replaces the file, which would
// leave another hard link behind with old tokens, so Open refuses one.
func TestStateFileHardLinkRefused(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("link counts are not read on Windows")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	e, err := Open(Options{StateFile: path})
	mustDo(t, err)
	mustDo(t, e.Close())
	mustDo(t, os.Link(path, filepath.Join(dir, "hard.json")))
	if _, err := Open(Options{StateFile: path}); err == nil || !strings.Contains(err.Error(), "2 hard links") || !strings.Contains(err.Error(), path) {
		t.Fatalf("Open of a file with two hard links: %v", err)
	}
}

// TestIdempotencyKeysExpire: a key is remembered for 24 hours of the
// emulator's clock, then forgotten: the same key mints a new token, and the
// record is pruned from memory and from the state file.
func TestIdempotencyKeysExpire(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	clock := acctest.NewClock(acctest.Epoch)
	c, stop := serveState(t, path, clock)
	body := createBody("keyed", 0, readAPI)
	first := c.mustCreate("main", body, xano.HeaderIdempotency, "k1")
	for i := 2; i <= 5; i++ {
		c.mustCreate("other", createBody(fmt.Sprintf("n%d", i), 0, readAPI), xano.HeaderIdempotency, fmt.Sprintf("k%d", i))
	}

	clock.Advance(idempotencyTTL - time.Second)
	r := c.do(http.MethodPost, "/instance/main/token", body, xano.HeaderIdempotency, "k1")
	var replay xano.Token
	r.decode(t, &replay)
	if r.status != http.StatusOK || replay.ID != first.ID || r.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("a second before expiry: %d %s, want the replay of token %d", r.status, r.body, first.ID)
	}

	clock.Advance(time.Second)
	again := c.mustCreate("main", body, xano.HeaderIdempotency, "k1")
	if again.ID == first.ID {
		t.Fatalf("after 24 h the key still replays token %d", first.ID)
	}
	stop()
	// A restart loads only k1's second record, and writes only that.
	e, err := Open(Options{StateFile: path, Clock: clock.Now})
	mustDo(t, err)
	n := len(e.idem)
	mustDo(t, e.Close())
	data, err := os.ReadFile(path)
	mustDo(t, err)
	if n != 1 || bytes.Contains(data, []byte(`"key":"k2"`)) || bytes.Count(data, []byte(`"key":"k1"`)) != 1 {
		t.Fatalf("after a restart %d keys are remembered, want 1 (k1's second token); the file:\n%s", n, data)
	}

	// In memory, an expired key is dropped by the next create, whatever key
	// that create carries.
	e, c2, clock2 := newTestEmulator(t, Options{})
	for i := range 5 {
		c2.mustCreate(fmt.Sprintf("i%d", i), createBody("n", 0, readAPI), xano.HeaderIdempotency, fmt.Sprintf("m%d", i))
	}
	clock2.Advance(idempotencyTTL)
	c2.mustCreate("main", createBody("n", 0, readAPI), xano.HeaderIdempotency, "fresh")
	e.mu.Lock()
	n, queued := len(e.idem), len(e.idemOrder)
	e.mu.Unlock()
	if n != 1 || queued != 1 {
		t.Fatalf("%d keys remembered (%d queued) after expiry, want 1", n, queued)
	}
}

// TestStateFileWritesAreProportional: a change appends one journal line to
// the file instead of rewriting it; the file is replaced only when the
// journal outgrows the snapshot, and a restart replays the journal.
func TestStateFileWritesAreProportional(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	clock := acctest.NewClock(acctest.Epoch)
	c, stop := serveState(t, path, clock)
	stat := func() os.FileInfo {
		fi, err := os.Stat(path)
		mustDo(t, err)
		return fi
	}
	prev := stat()
	changes, replaced := 0, 0
	observe := func() {
		changes++
		cur := stat()
		switch {
		case !os.SameFile(prev, cur):
			replaced++
		case cur.Size()-prev.Size() > 1024:
			t.Fatalf("change %d wrote %d bytes to a %d-byte file: more than one journal line", changes, cur.Size()-prev.Size(), prev.Size())
		case cur.Size() <= prev.Size():
			t.Fatalf("change %d did not append to the file (%d bytes, then %d)", changes, prev.Size(), cur.Size())
		}
		prev = cur
	}
	for i := range 400 {
		tok := c.mustCreate("main", createBody(fmt.Sprintf("t%d", i), 0, readAPI), xano.HeaderIdempotency, fmt.Sprintf("key-%d", i))
		observe()
		if r := c.do(http.MethodDelete, fmt.Sprintf("/instance/main/token/%d", tok.ID), nil); r.status != http.StatusOK {
			t.Fatalf("delete: %d %s", r.status, r.body)
		}
		observe()
	}
	if replaced == 0 || replaced*50 > changes {
		t.Fatalf("the file was replaced %d times in %d changes; want a few compactions", replaced, changes)
	}
	kept := c.mustCreate("main", createBody("kept", 3600, readAPI), xano.HeaderIdempotency, "key-kept")
	mustDo(t, c.do(http.MethodPost, fmt.Sprintf("/instance/main/token/%d", kept.ID), map[string]any{"description": "renamed"}).err())
	clock.Advance(time.Minute)
	if r := c.as(kept.Secret).do(http.MethodGet, "/workspace/1/table", nil); r.status != http.StatusForbidden {
		t.Fatalf("a table read with an API-only token: %d", r.status)
	}
	if r := c.as(kept.Secret).do(http.MethodGet, "/workspace/1/apigroup", nil); r.status != http.StatusOK {
		t.Fatalf("an API group read: %d %s", r.status, r.body)
	}
	before := c.do(http.MethodGet, "/instance/main/token", nil)
	stop()

	c, _ = serveState(t, path, clock)
	if after := c.do(http.MethodGet, "/instance/main/token", nil); !bytes.Equal(after.body, before.body) {
		t.Fatalf("after replaying the journal:\n%s\nbefore:\n%s", after.body, before.body)
	}
	expectConflict(t, c.do(http.MethodPost, "/instance/main/token", createBody("t399", 0, readAPI), xano.HeaderIdempotency, "key-399"), 400)
}

// err turns a response other than 200 into an error.
func (r response) err() error {
	if r.status != http.StatusOK {
		return fmt.Errorf("status %d: %s", r.status, r.body)
	}
	return nil
}

// TestStateFileVersion1Loads: a file written by the earlier format, one
// indented object without key ages, loads, its keys kept a full period, and
// is rewritten in the current format.
func TestStateFileVersion1Loads(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	v1 := `{
  "version": 1,
  "next_id": 3,
  "tokens": [
    {
      "id": 2,
      "instance": "main",
      "name": "old",
      "description": "from version 1",
      "created_at": "2026-01-01T00:00:00Z",
      "last_used_at": "2026-01-02T00:00:00Z",
      "scopes": {
        "workspace:api": [
          "read"
        ]
      },
      "secret_sha256": "` + strings.Repeat("ab", 32) + `"
    }
  ],
  "idempotency": [
    {
      "instance": "main",
      "admin": 1,
      "key": "old-key",
      "body_sha256": "` + strings.Repeat("cd", 32) + `",
      "token_id": 2
    }
  ]
}
`
	mustDo(t, os.WriteFile(path, []byte(v1), 0o600))
	clock := acctest.NewClock(acctest.Epoch)
	c, _ := serveState(t, path, clock)
	var tok xano.Token
	c.do(http.MethodGet, "/instance/main/token/2", nil).decode(t, &tok)
	if tok.Name != "old" || tok.Description != "from version 1" || tok.LastUsedAt == nil {
		t.Fatalf("token from a version 1 file: %+v", tok)
	}
	data, err := os.ReadFile(path)
	mustDo(t, err)
	if !bytes.HasPrefix(data, []byte(`{"version":2,"next_id":3,`)) || !bytes.Contains(data, []byte(`"key":"old-key"`)) {
		t.Fatalf("the file was not rewritten as version 2:\n%s", data)
	}
	if next := c.mustCreate("main", createBody("next", 0, readAPI)); next.ID != 4 {
		t.Fatalf("id after a version 1 file: %d, want 4", next.ID)
	}
	// The key without an age counts from the load: remembered a day less
	// a second later (its body is another, hence the 400), gone at a day.
	clock.Advance(idempotencyTTL - time.Second)
	expectError(t, c.do(http.MethodPost, "/instance/main/token", createBody("n", 0, readAPI), xano.HeaderIdempotency, "old-key"),
		http.StatusBadRequest, xano.CodeInputError, "different request body")
	clock.Advance(time.Second)
	c.mustCreate("main", createBody("n", 0, readAPI), xano.HeaderIdempotency, "old-key")
}

// TestStateFileJournal: the lines after the snapshot are read strictly,
// except a last line without its newline, a write that never completed and
// so was never acknowledged, which is dropped.
func TestStateFileJournal(t *testing.T) {
	t.Parallel()
	hash := strings.Repeat("ab", 32)
	tok := func(id int, name string) string {
		return fmt.Sprintf(`{"id":%d,"instance":"main","name":%q,"description":"","created_at":"2026-01-01T00:00:00Z","scopes":{"workspace:api":["read"]},"secret_sha256":"%s"}`,
			id, name, strings.Repeat(fmt.Sprintf("%02x", id), 32))
	}
	snapshot := `{"version":2,"next_id":1,"tokens":[` + tok(1, "one") + `],"idempotency":[]}` + "\n"
	put2 := `{"op":"put_token","next_id":2,"token":` + tok(2, "two") + `}` + "\n"
	rename1 := `{"op":"put_token","next_id":2,"token":` + tok(1, "renamed") + `}` + "\n"
	del1 := `{"op":"delete_token","id":1}` + "\n"
	key := `{"op":"put_idempotency","idempotency":{"instance":"main","admin":1,"key":"k","body_sha256":"` + hash + `","token_id":2,"created_at":"2026-01-01T00:00:00Z"}}` + "\n"
	unkey := `{"op":"delete_idempotency","idempotency":{"instance":"main","admin":1,"key":"k"}}` + "\n"
	tests := []struct {
		name, content string
		// names are the tokens that load, or mention the error's subject.
		names   []string
		mention string
	}{
		{"snapshot only", snapshot, []string{"one"}, ""},
		{"put, rename and delete", snapshot + put2 + rename1 + del1, []string{"two"}, ""},
		{"a key recorded then expired", snapshot + put2 + key + unkey, []string{"one", "two"}, ""},
		{"torn last line dropped", snapshot + put2 + del1[:10], []string{"one", "two"}, ""},
		{"snapshot without its newline", strings.TrimSuffix(snapshot, "\n"), nil, "not followed by a newline"},
		{"line not JSON", snapshot + "{\"op\":\n", nil, "line 2: invalid JSON"},
		{"empty line", snapshot + "\n" + put2, nil, "line 2"},
		{"unknown operation", snapshot + `{"op":"drop_table"}` + "\n", nil, `unknown operation "drop_table"`},
		{"unknown field", snapshot + `{"op":"delete_token","id":1,"force":true}` + "\n", nil, "force"},
		{"delete of a missing token", snapshot + `{"op":"delete_token","id":7}` + "\n", nil, "token 7"},
		{"expiry of a missing key", snapshot + unkey, nil, `key "k"`},
		{"token beyond next_id", snapshot + `{"op":"put_token","token":` + tok(5, "five") + `}` + "\n", nil, "next_id"},
		{"key of a missing token", snapshot + key, nil, "token_id 2"},
		{"same id twice in the snapshot", `{"version":2,"next_id":1,"tokens":[` + tok(1, "a") + `,` + tok(1, "b") + `],"idempotency":[]}` + "\n", nil, "appears twice"},
		{"two JSON objects on a line", snapshot + strings.TrimSuffix(del1, "\n") + del1, nil, "line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "state.json")
			mustDo(t, os.WriteFile(path, []byte(tt.content), 0o600))
			e, err := Open(Options{StateFile: path})
			if tt.names == nil {
				if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tt.mention) {
					t.Fatalf("Open error = %v, want one naming %s and %q", err, path, tt.mention)
				}
				if got, _ := os.ReadFile(path); string(got) != tt.content {
					t.Fatalf("the refused file was changed:\n%q", got)
				}
				return
			}
			mustDo(t, err)
			defer e.Close()
			var names []string
			for _, tok := range e.Tokens("main") {
				names = append(names, tok.Name)
			}
			if strings.Join(names, ",") != strings.Join(tt.names, ",") {
				t.Fatalf("tokens %v, want %v", names, tt.names)
			}
			if data, _ := os.ReadFile(path); bytes.Count(data, []byte("\n")) != 1 {
				t.Fatalf("Open did not fold the journal into one snapshot line:\n%s", data)
			}
		})
	}
}
