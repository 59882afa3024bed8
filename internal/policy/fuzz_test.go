package policy

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// FuzzParsePattern checks that a deny entry either parses into a pattern
// that names real catalog entries (or the wildcard) and prints back to
// itself, or fails with a readable one-line error that quotes the entry;
// never a panic. A pattern naming something outside the catalog would never
// match, silently denying nothing.
func FuzzParsePattern(f *testing.F) {
	for _, s := range []string{
		"workspace_database.delete", "workspace_live_data_source.*", "*.delete", "*.*",
		"  workspace_files.read  ", "workspace_databse.delete", "workspace:database.read",
		"Workspace Files.read", "workspace_database.remove", "workspace_database", ".", "*.",
		".read", "a.b.c", "work*.read", "*.del*", "", " ", "\x00.\x00", "ü.ü", "workspace_database.DELETE",
		"workspace_database .delete", "workspace_database.\tdelete",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePattern(s)
		if err != nil {
			if p != (Pattern{}) {
				t.Fatalf("ParsePattern(%q) returned %+v with error %v", s, p, err)
			}
			msg := err.Error()
			if utf8.ValidString(s) && !utf8.ValidString(msg) {
				t.Fatalf("ParsePattern(%q): error is not valid UTF-8: %q", s, msg)
			}
			if !strings.HasPrefix(msg, "deny pattern ") {
				t.Fatalf("ParsePattern(%q): error %q does not start by naming the deny pattern", s, msg)
			}
			return
		}
		if p.Scope != Wildcard {
			if _, ok := scopes.ByKey(p.Scope); !ok {
				t.Fatalf("ParsePattern(%q) accepted scope %q, which is not a catalog key", s, p.Scope)
			}
		}
		if p.Perm != Wildcard && !slices.Contains(scopes.Permissions, scopes.Permission(p.Perm)) {
			t.Fatalf("ParsePattern(%q) accepted permission %q", s, p.Perm)
		}
		if p.String() != strings.TrimSpace(s) {
			t.Fatalf("ParsePattern(%q).String() = %q, want the trimmed entry", s, p.String())
		}
		again, err := ParsePattern(p.String())
		if err != nil || again != p {
			t.Fatalf("ParsePattern(%q) = %+v does not round-trip: %+v, %v", s, p, again, err)
		}
		// A parsed pattern matches at least one grant, so a deny entry that
		// parses is never a silent no-op.
		matched := false
		for _, sc := range scopes.All() {
			for _, perm := range scopes.Permissions {
				if p.Matches(sc.Key, perm) {
					matched = true
				}
			}
		}
		if !matched {
			t.Fatalf("ParsePattern(%q) = %+v matches no grant of the catalog", s, p)
		}
	})
}
