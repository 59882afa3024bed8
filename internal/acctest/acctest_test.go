package acctest

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/plancheck"
)

func TestClock(t *testing.T) {
	t.Parallel()
	c := NewClock(Epoch)
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Advance(time.Minute)
			_ = c.Now()
		}()
	}
	wg.Wait()
	if got, want := c.Now(), Epoch.Add(10*time.Minute); !got.Equal(want) {
		t.Errorf("after ten concurrent advances of a minute: %s, want %s", got, want)
	}
	c.AdvanceAfterPlan(time.Hour).CheckPlan(context.Background(), plancheck.CheckPlanRequest{}, &plancheck.CheckPlanResponse{})
	if got, want := c.Now(), Epoch.Add(70*time.Minute); !got.Equal(want) {
		t.Errorf("after the plan check: %s, want %s", got, want)
	}
	c.Set(Epoch)
	if !c.Now().Equal(Epoch) {
		t.Errorf("Set: %s, want %s", c.Now(), Epoch)
	}
}

func TestRunningClock(t *testing.T) {
	t.Parallel()
	start := time.Now().Add(-24 * time.Hour)
	c := NewRunningClock(start)
	first := c.Now()
	time.Sleep(2 * time.Millisecond)
	if second := c.Now(); !second.After(first) || first.Before(start) {
		t.Errorf("a running clock read %s then %s from %s: it does not move on", first, second, start)
	}
	c.Set(start)
	c.Advance(time.Hour)
	if got := c.Now(); got.Before(start.Add(time.Hour)) || got.After(start.Add(time.Hour+time.Minute)) {
		t.Errorf("after Set and Advance: %s, want just after %s", got, start.Add(time.Hour))
	}
}

func TestBuilders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, got, want string
	}{
		{"provider", Provider{BaseURL: "http://127.0.0.1:9/api:meta", AccessToken: "tok", Instance: "main",
			Body: []string{"max_retries = 1"}, Policy: []string{Attr("deny", []string{"*.delete"}), Attr("enforce", true)}}.String(),
			`provider "xano" {
  base_url = "http://127.0.0.1:9/api:meta"
  access_token = "tok"
  instance = "main"
  max_retries = 1
  policy {
    deny = ["*.delete"]
    enforce = true
  }
}
`},
		{"empty provider", Provider{}.String(), "provider \"xano\" {\n}\n"},
		{"token named after its label", Token("ci", Attr("expires_in", "1d"), Scope("workspace_api_groups", "read", "delete")),
			`resource "xano_metadata_token" "ci" {
  name = "ci"
  expires_in = "1d"
  scope {
    name = "workspace_api_groups"
    read = true
    delete = true
  }
}
`},
		{"a name in a part of several lines", EphemeralToken("ci", "  name = \"other\"\n"+Scope("x", "read = false")),
			`ephemeral "xano_metadata_token" "ci" {
    name = "other"
  scope {
    name = "x"
    read = false
  }
}
`},
		{"a scope's name is not the token's", Token("ci", Scope("x", "read")),
			`resource "xano_metadata_token" "ci" {
  name = "ci"
  scope {
    name = "x"
    read = true
  }
}
`},
		{"expression", Attr("for_each", Expr("data.x.y")), "for_each = data.x.y"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, tt.got, tt.want)
		}
	}
	if !strings.HasPrefix(E2EConfig(Provider{}), RequiredProviders) || !strings.Contains(RequiredProviders, `source = "`+ProviderSource+`"`) {
		t.Errorf("E2EConfig does not start with the required_providers block:\n%s", E2EConfig(Provider{}))
	}
}

func TestWithNoColor(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want []string }{
		{[]string{"plan"}, []string{"plan", "-no-color"}},
		{[]string{"apply", "-auto-approve", "saved.tfplan"}, []string{"apply", "-no-color", "-auto-approve", "saved.tfplan"}},
		{[]string{"-chdir=x", "show", "saved.tfplan"}, []string{"-chdir=x", "show", "-no-color", "saved.tfplan"}},
		{[]string{"-version"}, []string{"-version", "-no-color"}},
	}
	for _, tt := range tests {
		in := slices.Clone(tt.in)
		if got := withNoColor(in); !slices.Equal(got, tt.want) {
			t.Errorf("withNoColor(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if !slices.Equal(in, tt.in) {
			t.Errorf("withNoColor changed its argument to %q", in)
		}
	}
}

func TestParseJSONRun(t *testing.T) {
	t.Parallel()
	raw := `{"type":"version"}
{"type":"diagnostic","diagnostic":{"severity":"warning","summary":"Provider development overrides are in effect"}}
{"type":"diagnostic","diagnostic":{"severity":"warning","summary":"W","detail":"d","address":"a.b"}}
{"type":"diagnostic","diagnostic":{"severity":"error","summary":"E"}}
{"type":"planned_change","change":{"resource":{"addr":"a.b"},"action":"replace"}}
not json
`
	run := parseJSONRun(raw, nil)
	if got := Summaries(run.Warnings()); !slices.Equal(got, []string{"W"}) {
		t.Errorf("warnings %q, want W alone", got)
	}
	if got := Summaries(run.Errors()); !slices.Equal(got, []string{"E"}) {
		t.Errorf("errors %q, want E", got)
	}
	if run.Actions["a.b"] != "replace" || len(run.Actions) != 1 {
		t.Errorf("actions %v, want a.b replaced", run.Actions)
	}
}

func TestTextRunDiags(t *testing.T) {
	t.Parallel()
	out := `
Warning: Provider development overrides are in effect

The following provider development overrides are set in the CLI
configuration:
 - terraform-provider-xano/xano in /tmp/bin

The behavior may therefore not match any released version of the provider
and applying changes may cause the state to become incompatible with
published
releases.

Plan: 1 to add, 0 to change, 0 to destroy.

Warning: Token "a": critical risk

  with xano_metadata_token.a,
  on main.tf line 12, in resource "xano_metadata_token" "a":
  12: resource "xano_metadata_token" "a" {

  workspace_database  - R - -  critical  every record

Warning: Check block assertion failed

Tokens Terraform does not manage: x.
`
	run := TextRun{Out: out, Stderr: "│ Error: First\n│\nError: Second\n"}
	var got []string
	for _, d := range run.Diags() {
		got = append(got, d.Severity+": "+d.Summary+" ("+d.Lines[len(d.Lines)-1]+")")
	}
	want := []string{
		`warning: Token "a": critical risk (  workspace_database  - R - -  critical  every record)`,
		`warning: Check block assertion failed (Tokens Terraform does not manage: x.)`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("Diags:\n got %q\nwant %q", got, want)
	}
	if got := run.Errors(); !slices.Equal(got, []string{"First", "Second"}) {
		t.Errorf("Errors = %q", got)
	}
	if got := WithoutDevOverrides(out); strings.Contains(got, "overrides") || !strings.Contains(got, "Plan: 1 to add") {
		t.Errorf("WithoutDevOverrides left:\n%s", got)
	}
	if got := FlatText("a\n│ b   c"); got != "a b c" {
		t.Errorf("FlatText = %q", got)
	}
}

func TestWithEcho(t *testing.T) {
	t.Parallel()
	f := Factories{ProviderName: nil}
	got := WithEcho(f)
	if _, ok := got["echo"]; !ok || len(got) != 2 {
		t.Errorf("WithEcho serves %d providers, want xano and echo", len(got))
	}
	if _, ok := f["echo"]; ok {
		t.Error("WithEcho changed the factories it was given")
	}
}
