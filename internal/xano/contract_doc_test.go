package xano

import (
	"encoding/json"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// TestAPIContractPage keeps the API contract page's template in step with
// the client: every path, header, error code, wire key and the limit it
// states are the ones in this package, and its instance example is the one
// Xano documents.
func TestAPIContractPage(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../../templates/guides/api-contract.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	page := string(raw)
	for _, want := range []string{
		"`GET " + PathMe + "`", "`GET " + PathInstances + "`", "`GET " + PathInstance + "`",
		"`GET " + PathTokens + "`", "`POST " + PathTokens + "`",
		"`GET " + PathToken + "`", "`POST " + PathToken + "`", "`DELETE " + PathToken + "`",
		HeaderIdempotency, DefaultBaseURL,
		CodeInputError, CodeUnauthorized, CodeAccessDenied, CodeNotFound, CodeTooManyRequests, CodeFatal,
		"**" + strconv.Itoa(MaxActiveTokens) + " active tokens**",
		"https://docs.xano.com/xano-features/metadata-api/master-metadata-api",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the API contract page does not mention %s", want)
		}
	}
	for _, s := range scopes.All() {
		if !strings.Contains(page, "| `"+s.Key+"` | `"+s.WireKey+"` |") {
			t.Errorf("the API contract page's wire key table lacks %s -> %s", s.Key, s.WireKey)
		}
	}
	// Each endpoint of the table says where it comes from.
	row := regexp.MustCompile("(?m)^\\| `(GET|POST|DELETE) [^`]+` \\|.*\\| (.*) \\|$")
	rows := row.FindAllStringSubmatch(page, -1)
	if len(rows) != 8 {
		t.Fatalf("the endpoint table has %d rows, want 8", len(rows))
	}
	for _, r := range rows {
		if !strings.HasPrefix(r[2], "documented by Xano: [") && r[2] != "assumed by this provider" {
			t.Errorf("endpoint row %q does not say whether Xano documents it", r[0])
		}
	}
	// The page's instance example is Xano's, which the wire type decodes.
	example := regexp.MustCompile("(?s)### `GET /instance`.*?```json\\n\\[\\n(.*?)\\n\\]\\n```").FindStringSubmatch(page)
	if example == nil {
		t.Fatal("no JSON example under GET /instance")
	}
	var fromPage, documented map[string]any
	if err := json.Unmarshal([]byte(example[1]), &fromPage); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(documentedInstance), &documented); err != nil {
		t.Fatal(err)
	}
	if a, b := mustJSON(t, fromPage), mustJSON(t, documented); a != b {
		t.Errorf("the page's instance example %s is not Xano's %s", a, b)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
