package provider

import (
	"cmp"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator/emulatortest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

func auditAPITime(t time.Time) string { return t.UTC().Format(xano.TimeLayout) }

func auditStrPtr(s string) *string { return &s }

// findingKeys renders findings as "rule:scope.permission" (or just the rule)
// so a table can list what it expects in order.
func findingKeys(fs []findingModel) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Rule + "/" + f.Severity
	}
	return out
}

func TestMetadataTokensAuditToken(t *testing.T) {
	t.Parallel()
	created := time.Date(2026, 11, 22, 11, 31, 20, 0, time.UTC)
	month := created.Add(30 * 24 * time.Hour)
	mustPolicy := func(warnAt string, deny []string, maxLifetime string, requireDescription bool) policy.Policy {
		pol, errs := policy.ParsePolicy(policy.Config{WarnAt: warnAt, Deny: deny, MaxLifetime: maxLifetime, RequireDescription: requireDescription})
		if len(errs) > 0 {
			t.Fatalf("policy: %v", errs)
		}
		return pol
	}
	weweb := map[string][]string{"workspace:api": {"read"}, "instance:workspace": {"read"}}
	mustIdle := func(pol policy.Policy, maxIdle string) policy.Policy {
		d, err := policy.ParseMaxIdle(maxIdle)
		if err != nil {
			t.Fatal(err)
		}
		pol.MaxIdle = d
		return pol
	}

	tests := []struct {
		name  string
		token xano.Token
		pol   policy.Policy
		now   time.Time
		// wantDescription is the token's own when empty.
		wantDescription string
		wantPurpose     types.String
		wantExpiresIn   types.String
		wantLastUsed    types.String
		wantExpires     types.String
		wantExpired     bool
		wantNever       bool
		wantScopes      []scopeGrantModel
		wantFindings    []string
		wantErr         string
	}{
		{
			name:        "weweb preset, default policy: nothing to report",
			token:       xano.Token{ID: 7, Name: "weweb", Description: "WeWeb", CreatedAt: auditAPITime(created), ExpiresAt: auditStrPtr(auditAPITime(month)), Scopes: weweb},
			pol:         policy.Default(),
			now:         created.Add(time.Hour),
			wantExpires: types.StringValue("2026-12-22T11:31:20Z"),
			wantScopes: []scopeGrantModel{
				{Name: "workspace_content", Read: true},
				{Name: "workspace_api_groups", Read: true},
			},
			wantExpiresIn: types.StringValue("30d"),
			wantFindings:  []string{"grant/medium", "grant/low"},
		},
		{
			name: "database read that never expires",
			token: xano.Token{ID: 8, Name: "db", CreatedAt: auditAPITime(created),
				Scopes: map[string][]string{"workspace:database": {"read"}}},
			pol:          policy.Default(),
			now:          created.Add(1000 * 24 * time.Hour),
			wantExpires:  types.StringNull(),
			wantNever:    true,
			wantScopes:   []scopeGrantModel{{Name: "workspace_database", Read: true}},
			wantFindings: []string{"grant/critical", "never_expires/high"},
		},
		{
			name:         "expired exactly at expires_at",
			token:        xano.Token{ID: 9, Name: "old", CreatedAt: auditAPITime(created), ExpiresAt: auditStrPtr(auditAPITime(month)), Scopes: weweb},
			pol:          policy.Default(),
			now:          month,
			wantExpires:  types.StringValue("2026-12-22T11:31:20Z"),
			wantExpired:  true,
			wantScopes:   []scopeGrantModel{{Name: "workspace_content", Read: true}, {Name: "workspace_api_groups", Read: true}},
			wantFindings: []string{"grant/medium", "grant/low"},
		},
		{
			name: "one second before expiry is not expired",
			token: xano.Token{ID: 10, Name: "fresh", CreatedAt: auditAPITime(created), ExpiresAt: auditStrPtr(auditAPITime(month)),
				Scopes: map[string][]string{"workspace:file": {"delete", "read"}}},
			pol:          policy.Default(),
			now:          month.Add(-time.Second),
			wantExpires:  types.StringValue("2026-12-22T11:31:20Z"),
			wantScopes:   []scopeGrantModel{{Name: "workspace_files", Read: true, Delete: true}},
			wantFindings: []string{"grant/high", "grant/high"},
		},
		{
			name: "every finding whatever warn_at says",
			token: xano.Token{ID: 11, Name: "logs", Description: "logs", CreatedAt: auditAPITime(created),
				ExpiresAt: auditStrPtr(auditAPITime(created.Add(120 * 24 * time.Hour))),
				Scopes:    map[string][]string{"workspace:requesthistory": {"read"}, "instance:workspace": {"read"}}},
			pol:           mustPolicy("medium", nil, "", false),
			now:           created,
			wantExpires:   types.StringValue("2027-03-22T11:31:20Z"),
			wantScopes:    []scopeGrantModel{{Name: "workspace_content", Read: true}, {Name: "workspace_request_history", Read: true}},
			wantExpiresIn: types.StringValue("120d"),
			wantFindings:  []string{"grant/medium", "grant/medium", "long_lifetime/medium"},
		},
		{
			name:        "deny matches follow their grant",
			token:       xano.Token{ID: 12, Name: "weweb", Description: "WeWeb", CreatedAt: auditAPITime(created), ExpiresAt: auditStrPtr(auditAPITime(month)), Scopes: weweb},
			pol:         mustPolicy("critical", []string{"workspace_content.*"}, "", false),
			now:         created,
			wantExpires: types.StringValue("2026-12-22T11:31:20Z"),
			wantScopes: []scopeGrantModel{
				{Name: "workspace_content", Read: true},
				{Name: "workspace_api_groups", Read: true},
			},
			wantFindings: []string{"grant/medium", "deny/medium", "grant/low"},
		},
		{
			name:         "policy max_lifetime and require_description",
			token:        xano.Token{ID: 13, Name: "weweb", CreatedAt: auditAPITime(created), ExpiresAt: auditStrPtr(auditAPITime(month)), Scopes: weweb},
			pol:          mustPolicy("", nil, "14d", true),
			now:          created,
			wantExpires:  types.StringValue("2026-12-22T11:31:20Z"),
			wantScopes:   []scopeGrantModel{{Name: "workspace_content", Read: true}, {Name: "workspace_api_groups", Read: true}},
			wantFindings: []string{"grant/medium", "grant/low", "max_lifetime/high", "description_required/high"},
		},
		{
			name: "a one-hour token, used once",
			token: xano.Token{ID: 16, Name: "ci", CreatedAt: auditAPITime(created), ExpiresAt: auditStrPtr(auditAPITime(created.Add(time.Hour))),
				LastUsedAt: auditStrPtr(auditAPITime(created.Add(10 * time.Minute))), Scopes: map[string][]string{"workspace:api": {"read"}}},
			pol:           mustIdle(mustPolicy("", nil, "", false), "1s"),
			now:           created.Add(30 * time.Minute),
			wantExpires:   types.StringValue("2026-11-22T12:31:20Z"),
			wantExpiresIn: types.StringValue("1h"),
			wantLastUsed:  types.StringValue("2026-11-22T11:41:20Z"),
			wantScopes:    []scopeGrantModel{{Name: "workspace_api_groups", Read: true}},
			wantFindings:  []string{"grant/low", "idle/high"},
		},
		{
			name:         "never used under max_idle: idle once max_idle has passed",
			token:        xano.Token{ID: 17, Name: "forgotten", CreatedAt: auditAPITime(created), Scopes: map[string][]string{"workspace:api": {"read"}}},
			pol:          mustIdle(policy.Default(), "30d"),
			now:          created.Add(31 * 24 * time.Hour),
			wantExpires:  types.StringNull(),
			wantNever:    true,
			wantScopes:   []scopeGrantModel{{Name: "workspace_api_groups", Read: true}},
			wantFindings: []string{"grant/low", "never_expires/high", "idle/high"},
		},
		{
			name:         "never used, younger than max_idle",
			token:        xano.Token{ID: 18, Name: "new", CreatedAt: auditAPITime(created), Scopes: map[string][]string{"workspace:api": {"read"}}},
			pol:          mustIdle(policy.Default(), "30d"),
			now:          created.Add(29 * 24 * time.Hour),
			wantExpires:  types.StringNull(),
			wantNever:    true,
			wantScopes:   []scopeGrantModel{{Name: "workspace_api_groups", Read: true}},
			wantFindings: []string{"grant/low", "never_expires/high"},
		},
		{
			name: "a purpose marker: the purpose, and the description without it",
			token: xano.Token{ID: 19, Name: "grafana", Description: "Grafana dashboards [purpose: monitoring]", CreatedAt: auditAPITime(created),
				ExpiresAt: auditStrPtr(auditAPITime(month)),
				Scopes:    map[string][]string{"workspace:api": {"read"}, "workspace:addon": {"read"}}},
			pol:             policy.Default(),
			now:             created,
			wantDescription: "Grafana dashboards",
			wantPurpose:     types.StringValue("monitoring"),
			wantExpires:     types.StringValue("2026-12-22T11:31:20Z"),
			wantExpiresIn:   types.StringValue("30d"),
			wantScopes:      []scopeGrantModel{{Name: "workspace_api_groups", Read: true}, {Name: "workspace_addons", Read: true}},
			wantFindings:    []string{"grant/low", "grant/low", "purpose/high"},
		},
		{
			name:    "malformed created_at",
			token:   xano.Token{ID: 14, Name: "bad", CreatedAt: "yesterday", Scopes: weweb},
			pol:     policy.Default(),
			now:     created,
			wantErr: "created_at of token 14",
		},
		{
			name: "malformed last_used_at",
			token: xano.Token{ID: 20, Name: "bad", CreatedAt: auditAPITime(created), LastUsedAt: auditStrPtr("recently"),
				Scopes: weweb},
			pol:     policy.Default(),
			now:     created,
			wantErr: "last_used_at of token 20",
		},
		{
			name:    "scope missing from the catalog",
			token:   xano.Token{ID: 15, Name: "new", CreatedAt: auditAPITime(created), Scopes: map[string][]string{"workspace:agents": {"read"}}},
			pol:     policy.Default(),
			now:     created,
			wantErr: `unknown scope "workspace:agents"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := auditToken("main", &tt.token, tt.pol, tt.now)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if want := fmt.Sprintf("main/%d", tt.token.ID); got.ID != want || got.TokenID != tt.token.ID {
				t.Errorf("id = %q, token_id = %d; want %q, %d", got.ID, got.TokenID, want, tt.token.ID)
			}
			wantDesc := cmp.Or(tt.wantDescription, tt.token.Description)
			if got.Name != tt.token.Name || got.Description != wantDesc {
				t.Errorf("name, description = %q, %q; want %q, %q", got.Name, got.Description, tt.token.Name, wantDesc)
			}
			if !got.Purpose.Equal(tt.wantPurpose) || !got.LastUsedAt.Equal(tt.wantLastUsed) {
				t.Errorf("purpose, last_used_at = %s, %s; want %s, %s", got.Purpose, got.LastUsedAt, tt.wantPurpose, tt.wantLastUsed)
			}
			if tt.wantExpiresIn.IsNull() && !tt.wantNever {
				// The cases above that do not say mint 30-day tokens.
				tt.wantExpiresIn = types.StringValue("30d")
			}
			if !got.ExpiresIn.Equal(tt.wantExpiresIn) {
				t.Errorf("expires_in = %s, want %s", got.ExpiresIn, tt.wantExpiresIn)
			}
			if !got.Managed.IsNull() {
				t.Errorf("managed = %s, want null without managed_token_ids", got.Managed)
			}
			if got.CreatedAt != "2026-11-22T11:31:20Z" {
				t.Errorf("created_at = %q", got.CreatedAt)
			}
			if !got.ExpiresAt.Equal(tt.wantExpires) {
				t.Errorf("expires_at = %s, want %s", got.ExpiresAt, tt.wantExpires)
			}
			if got.Expired != tt.wantExpired || got.NeverExpires != tt.wantNever {
				t.Errorf("expired, never_expires = %t, %t; want %t, %t", got.Expired, got.NeverExpires, tt.wantExpired, tt.wantNever)
			}
			if fmt.Sprint(got.Scopes) != fmt.Sprint(tt.wantScopes) {
				t.Errorf("scopes = %v, want %v", got.Scopes, tt.wantScopes)
			}
			if keys := findingKeys(got.Findings); strings.Join(keys, ",") != strings.Join(tt.wantFindings, ",") {
				t.Errorf("findings = %v, want %v", keys, tt.wantFindings)
			}
			for _, f := range got.Findings {
				if f.Summary == "" || strings.Contains(f.Summary, "\n") {
					t.Errorf("finding %s has summary %q, want one line", f.Rule, f.Summary)
				}
				if (f.Rule == policy.RuleGrant || f.Rule == policy.RuleDeny || f.Rule == policy.RulePurpose) != (f.Scope != "" && f.Permission != "") {
					t.Errorf("finding %s names scope %q and permission %q", f.Rule, f.Scope, f.Permission)
				}
			}
		})
	}
}

// TestMetadataTokensSummariesMatchReview checks that the listing holds the
// review's findings, as objects with the fields of the resource's lines.
func TestMetadataTokensSummariesMatchReview(t *testing.T) {
	t.Parallel()
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tok := xano.Token{ID: 1, Name: "admin", CreatedAt: auditAPITime(created),
		Scopes: map[string][]string{"workspace:database": {"create", "read", "update", "delete"}}}
	got, err := auditToken("main", &tok, policy.Default(), created)
	if err != nil {
		t.Fatal(err)
	}
	grants, err := scopes.FromWire(tok.Scopes)
	if err != nil {
		t.Fatal(err)
	}
	review := policy.Review(policy.Spec{Grants: grants, NeverExpires: true}, policy.Default())
	if want := findingModels(review); fmt.Sprint(got.Findings) != fmt.Sprint(want) {
		t.Errorf("findings:\n got %+v\nwant %+v", got.Findings, want)
	}
}

// TestAccMetadataTokensDataSource lists tokens minted directly through the
// API, among them an expired one and a database token, none of them managed
// by the configuration.
func TestAccMetadataTokensDataSource(t *testing.T) {
	t.Parallel()
	clock := acctest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	emu, baseURL := emulatortest.Start(t, emulator.Options{Clock: clock.Now})
	client := mtClient(t, baseURL)

	mint := func(name string, expiresIn time.Duration, wire map[string][]string) {
		t.Helper()
		_, err := client.CreateToken(t.Context(), "main", xano.CreateTokenRequest{
			Name: name, Description: name + " token", ExpiresIn: int64(expiresIn / time.Second), Scopes: wire,
		})
		if err != nil {
			t.Fatalf("minting %s: %v", name, err)
		}
	}
	mint("short", time.Hour, map[string][]string{"workspace:api": {"read"}})
	mint("weweb", 30*24*time.Hour, map[string][]string{"workspace:api": {"read"}, "instance:workspace": {"read"}})
	mint("automation", 0, map[string][]string{"workspace:database": {"create", "read", "update", "delete"}})
	mint("monitoring", 7*24*time.Hour, map[string][]string{"workspace:api": {"read"}, "instance:workspace": {"read"}, "workspace:requesthistory": {"read"}})
	mint("elsewhere", time.Hour, map[string][]string{"workspace:api": {"read"}})
	if err := client.DeleteToken(t.Context(), "main", 5); err != nil {
		t.Fatal(err)
	}
	_, err := client.CreateToken(t.Context(), "other", xano.CreateTokenRequest{Name: "other", ExpiresIn: 3600,
		Scopes: map[string][]string{"workspace:api": {"read"}}})
	if err != nil {
		t.Fatal(err)
	}
	// Two hours later the one-hour token has expired, for the emulator and
	// the provider alike.
	clock.Advance(2 * time.Hour)
	if len(emu.Tokens("main")) != 4 {
		t.Fatalf("emulator holds %d tokens on main, want 4", len(emu.Tokens("main")))
	}

	config := acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken}.String() + `
data "xano_metadata_tokens" "all" {
  instance = "main"
}

output "risky" {
  value = [
    for t in data.xano_metadata_tokens.all.tokens : t.name
    if anytrue([for f in t.findings : contains(["high", "critical"], f.severity)])
  ]
}
`
	tokens := tfjsonpath.New("tokens")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(NewWithClock("test", clock.Now)),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.xano_metadata_tokens.all", tfjsonpath.New("instance"), knownvalue.StringExact("main")),
				statecheck.ExpectKnownValue("data.xano_metadata_tokens.all", tokens, knownvalue.ListSizeExact(4)),
				statecheck.ExpectKnownValue("data.xano_metadata_tokens.all", tokens.AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"id":            knownvalue.StringExact("main/1"),
					"token_id":      knownvalue.Int64Exact(1),
					"name":          knownvalue.StringExact("short"),
					"description":   knownvalue.StringExact("short token"),
					"created_at":    knownvalue.StringExact("2026-03-01T09:00:00Z"),
					"expires_at":    knownvalue.StringExact("2026-03-01T10:00:00Z"),
					"expired":       knownvalue.Bool(true),
					"never_expires": knownvalue.Bool(false),
					"findings": knownvalue.ListExact([]knownvalue.Check{
						findingCheck("workspace_api_groups", "read", "low", "grant", "can read API endpoint"),
					}),
				})),
				statecheck.ExpectKnownValue("data.xano_metadata_tokens.all", tokens.AtSliceIndex(1), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"name":    knownvalue.StringExact("weweb"),
					"expired": knownvalue.Bool(false),
					"scopes": knownvalue.ListExact([]knownvalue.Check{
						scopeCheck("workspace_content", "-R--"),
						scopeCheck("workspace_api_groups", "-R--"),
					}),
				})),
				statecheck.ExpectKnownValue("data.xano_metadata_tokens.all", tokens.AtSliceIndex(2), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"name":          knownvalue.StringExact("automation"),
					"expires_at":    knownvalue.Null(),
					"expired":       knownvalue.Bool(false),
					"never_expires": knownvalue.Bool(true),
					"scopes":        knownvalue.ListExact([]knownvalue.Check{scopeCheck("workspace_database", "CRUD")}),
					"findings": knownvalue.ListExact([]knownvalue.Check{
						findingCheck("workspace_database", "create", "critical", "grant", "can insert records"),
						findingCheck("workspace_database", "read", "critical", "grant", "can read every table record"),
						findingCheck("workspace_database", "update", "critical", "grant", "can change any record"),
						findingCheck("workspace_database", "delete", "critical", "grant", "can delete records"),
						findingCheck("", "", "high", "never_expires", "never expires"),
					}),
				})),
				statecheck.ExpectKnownValue("data.xano_metadata_tokens.all", tokens.AtSliceIndex(3), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"id":       knownvalue.StringExact("main/4"),
					"name":     knownvalue.StringExact("monitoring"),
					"findings": knownvalue.ListSizeExact(3),
				})),
				statecheck.ExpectKnownOutputValue("risky", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("automation")})),
			},
		}},
	})
}

// TestAccMetadataTokensDataSourceProviderInstance lists the provider's
// default instance, and fails with a clear error when there is none.
func TestAccMetadataTokensDataSourceProviderInstance(t *testing.T) {
	t.Parallel()
	_, baseURL := emulatortest.Start(t, emulator.Options{})
	client := mtClient(t, baseURL)
	if _, err := client.CreateToken(t.Context(), "staging", xano.CreateTokenRequest{Name: "ci", ExpiresIn: 3600,
		Scopes: map[string][]string{"workspace:api": {"read"}}}); err != nil {
		t.Fatal(err)
	}
	withInstance := acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken, Instance: "staging"}.String() + `
data "xano_metadata_tokens" "all" {}
`
	withoutInstance := acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken}.String() + `
data "xano_metadata_tokens" "all" {}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: withInstance,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.xano_metadata_tokens.all", tfjsonpath.New("instance"), knownvalue.StringExact("staging")),
					statecheck.ExpectKnownValue("data.xano_metadata_tokens.all", tfjsonpath.New("tokens"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"id":   knownvalue.StringExact("staging/1"),
							"name": knownvalue.StringExact("ci"),
						}),
					})),
				},
			},
			{
				Config:      withoutInstance,
				ExpectError: regexp.MustCompile(`Missing Xano instance`),
			},
		},
	})
}

// scopeCheck expects one scope object, its permissions written like
// scopes.Grant.Letters ("CR--").
func scopeCheck(name, letters string) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"name":   knownvalue.StringExact(name),
		"create": knownvalue.Bool(letters[0] == 'C'),
		"read":   knownvalue.Bool(letters[1] == 'R'),
		"update": knownvalue.Bool(letters[2] == 'U'),
		"delete": knownvalue.Bool(letters[3] == 'D'),
	})
}

// findingCheck expects one finding whose summary starts with prefix.
func findingCheck(scope, permission, severity, rule, prefix string) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"scope":      knownvalue.StringExact(scope),
		"permission": knownvalue.StringExact(permission),
		"severity":   knownvalue.StringExact(severity),
		"rule":       knownvalue.StringExact(rule),
		"summary":    knownvalue.StringRegexp(regexp.MustCompile("^" + regexp.QuoteMeta(prefix))),
	})
}
