package provider

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// TestScopePresetTemplateMatchesCatalog keeps the preset table of the
// documentation template in step with internal/scopes.
func TestScopePresetTemplateMatchesCatalog(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../../templates/data-sources/scope_preset.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `([a-z_]+)`[^|]* \\| (.+) \\|$")
	rows := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(string(data), -1) {
		rows[m[1]] = m[2]
	}
	for _, p := range scopes.Presets() {
		got, ok := rows[p.Name]
		if !ok {
			t.Errorf("preset %q is missing from the template's table", p.Name)
			continue
		}
		var want []string
		for _, g := range p.Grants {
			want = append(want, "`"+g.Scope+"` "+strings.ReplaceAll(g.Letters(), "-", ""))
		}
		// The table lists scopes in the order of Xano's scope guide; compare as sets.
		gotParts := strings.Split(got, "; ")
		if len(gotParts) != len(want) {
			t.Errorf("preset %q: template lists %q, catalog has %q", p.Name, got, want)
			continue
		}
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("preset %q: template lists %q, missing %q", p.Name, got, w)
			}
		}
	}
	if len(rows) != len(scopes.Presets()) {
		t.Errorf("template lists %d presets, catalog has %d", len(rows), len(scopes.Presets()))
	}
}
