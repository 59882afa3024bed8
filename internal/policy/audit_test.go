package policy

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/duration"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

func TestParseMaxIdle(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    time.Duration
		wantErr string
	}{
		{in: "30d", want: 30 * duration.Day},
		{in: "1s", want: time.Second},
		{in: "2w", want: 2 * duration.Week},
		{in: "0s", wantErr: `policy max_idle "0s" is zero`},
		{in: "a month", wantErr: `policy max_idle: duration "a month"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseMaxIdle(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseMaxIdle(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestIdleFinding(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { v := now.Add(-d); return &v }
	month := Policy{MaxIdle: 30 * duration.Day}
	tests := []struct {
		name        string
		usage       Usage
		pol         Policy
		wantSummary string // "" when no finding is expected
	}{
		{
			name:  "no max_idle, no finding",
			usage: Usage{Created: *at(400 * duration.Day)},
			pol:   Default(),
		},
		{
			name:        "never used, created more than max_idle ago",
			usage:       Usage{Created: *at(31 * duration.Day)},
			pol:         month,
			wantSummary: "never used since its creation at 2026-10-22T12:00:00Z, more than the provider policy's max_idle of 30d ago",
		},
		{
			name:  "never used, created exactly max_idle ago",
			usage: Usage{Created: *at(30 * duration.Day)},
			pol:   month,
		},
		{
			name:  "never used, created recently",
			usage: Usage{Created: *at(time.Hour)},
			pol:   month,
		},
		{
			name:        "last used more than max_idle ago",
			usage:       Usage{Created: *at(90 * duration.Day), LastUsed: at(45 * duration.Day)},
			pol:         month,
			wantSummary: "last used at 2026-10-08T12:00:00Z, more than the provider policy's max_idle of 30d ago",
		},
		{
			name:  "old token used recently",
			usage: Usage{Created: *at(90 * duration.Day), LastUsed: at(time.Hour)},
			pol:   month,
		},
		{
			name:  "an expired token is not idle",
			usage: Usage{Created: *at(60 * duration.Day), Expires: at(time.Second)},
			pol:   month,
		},
		{
			name:        "a token that still works is",
			usage:       Usage{Created: *at(60 * duration.Day), Expires: at(-time.Hour)},
			pol:         month,
			wantSummary: "never used since its creation at 2026-09-23T12:00:00Z, more than the provider policy's max_idle of 30d ago",
		},
		{
			name:        "seconds",
			usage:       Usage{Created: *at(2 * time.Second)},
			pol:         Policy{MaxIdle: time.Second},
			wantSummary: "never used since its creation at 2026-11-22T11:59:58Z, more than the provider policy's max_idle of 1s ago",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, ok := IdleFinding(tt.usage, tt.pol, now)
			if ok != (tt.wantSummary != "") {
				t.Fatalf("finding = %v (%+v), want one: %v", ok, f, tt.wantSummary != "")
			}
			if !ok {
				return
			}
			if f.Rule != RuleIdle || f.Severity != scopes.SeverityHigh || f.Scope != "" || f.Permission != "" {
				t.Errorf("finding = %+v, want a high idle finding about the whole token", f)
			}
			if f.Summary != tt.wantSummary {
				t.Errorf("summary = %q\nwant      %q", f.Summary, tt.wantSummary)
			}
		})
	}
}

func TestPurposeFindings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		purpose string
		grants  scopes.Grants
		want    []string // "scope.permission severity summary"
	}{
		{
			name:    "within the recipe",
			purpose: "weweb",
			grants:  preset(t, "weweb"),
		},
		{
			name:    "less than the recipe",
			purpose: "monitoring",
			grants:  only("workspace_request_history", scopes.Read),
		},
		{
			name:    "a low grant beyond the recipe is high",
			purpose: "monitoring",
			grants:  append(preset(t, "monitoring"), scopes.Grant{Scope: "workspace_addons", Read: true}),
			want:    []string{"workspace_addons.read high workspace_addons.read is not part of the monitoring recipe"},
		},
		{
			name:    "a critical grant beyond the recipe stays critical",
			purpose: "weweb",
			grants:  scopes.Grants{{Scope: "workspace_api_groups", Read: true, Update: true}, {Scope: "workspace_database", Delete: true}},
			want: []string{
				"workspace_database.delete critical workspace_database.delete is not part of the weweb recipe",
				"workspace_api_groups.update high workspace_api_groups.update is not part of the weweb recipe",
			},
		},
		{
			name:   "no purpose",
			grants: allCRUD(),
		},
		{
			name:    "an unknown purpose is left to validation",
			purpose: "monitorin",
			grants:  allCRUD(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fs := Review(Spec{Grants: tt.grants, Lifetime: defaultLifetime, Purpose: tt.purpose}, Default())
			var got []string
			for _, f := range byRule(fs, RulePurpose) {
				if f.About != AboutGrants {
					t.Errorf("%s points at %q, want scope", f.Summary, f.About)
				}
				got = append(got, scopes.Pair{Scope: f.Scope, Perm: f.Permission}.String()+" "+f.Severity.String()+" "+f.Summary)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("purpose findings:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestPurposeFindingFollowsItsGrant keeps a purpose finding next to the
// grant it is about, as deny findings are.
func TestPurposeFindingFollowsItsGrant(t *testing.T) {
	t.Parallel()
	gs := append(preset(t, "monitoring"), scopes.Grant{Scope: "workspace_files", Read: true})
	fs := Review(Spec{Grants: gs, Lifetime: defaultLifetime, Purpose: "monitoring"}, Default())
	i := slices.IndexFunc(fs, func(f Finding) bool { return f.Rule == RulePurpose })
	if i < 1 || fs[i-1].Rule != RuleGrant || fs[i-1].Scope != "workspace_files" {
		t.Fatalf("findings = %v: the purpose finding should follow the workspace_files.read grant", paths(fs))
	}
}

func TestAssessPurposeAndIdle(t *testing.T) {
	t.Parallel()
	sub := Subject{Name: "grafana", Instance: "main"}
	monitoring := preset(t, "monitoring")
	addons := append(preset(t, "monitoring"), scopes.Grant{Scope: "workspace_addons", Read: true})
	idle := Finding{Severity: scopes.SeverityHigh, Rule: RuleIdle, Summary: "never used since its creation at 2026-10-22T12:00:00Z, more than the provider policy's max_idle of 30d ago"}
	tests := []struct {
		name      string
		grants    scopes.Grants
		purpose   string
		ack       string
		enforce   bool
		idle      bool
		wantWarn  string
		wantError string
		wantLines []string
		wantAttr  Aspect
	}{
		{
			name:    "within the recipe: nothing to say",
			grants:  monitoring,
			purpose: "monitoring",
		},
		{
			name:     "beyond the recipe: one warning naming the recipe and the grant",
			grants:   addons,
			purpose:  "monitoring",
			wantWarn: `Token "grafana": high risk`,
			wantLines: []string{
				"Purpose: workspace_addons.read is not part of the monitoring recipe of Xano's scope guide; remove it, or set the purpose the token really serves.",
			},
			wantAttr: AboutGrants,
		},
		{
			name:     "several grants beyond the recipe share the line",
			grants:   append(slices.Clone(addons), scopes.Grant{Scope: "workspace_tasks", Read: true}),
			purpose:  "monitoring",
			wantWarn: `Token "grafana": high risk`,
			wantLines: []string{
				"Purpose: workspace_addons.read, workspace_tasks.read are not part of the monitoring recipe of Xano's scope guide; remove them, or set the purpose the token really serves.",
			},
		},
		{
			name:      "enforced: a purpose finding fails the plan",
			grants:    addons,
			purpose:   "monitoring",
			enforce:   true,
			wantError: `Token "grafana": high risk refused by the provider policy`,
		},
		{
			name:     "idle: a warning with its line",
			grants:   monitoring,
			idle:     true,
			wantWarn: `Token "grafana": high risk`,
			wantLines: []string{
				"Idle: never used since its creation at 2026-10-22T12:00:00Z, more than the provider policy's max_idle of 30d ago; " +
					"revoke it if nothing needs it (remove the resource, or terraform destroy -target), or raise max_idle. Idle tokens warn but never fail a plan.",
			},
		},
		{
			name:     "idle under enforce still only warns",
			grants:   monitoring,
			idle:     true,
			enforce:  true,
			wantWarn: `Token "grafana": high risk`,
		},
		{
			name:      "idle beside an enforced finding: one error that says both",
			grants:    addons,
			purpose:   "monitoring",
			idle:      true,
			enforce:   true,
			wantError: `Token "grafana": high risk refused by the provider policy`,
			wantLines: []string{
				"Purpose: workspace_addons.read is not part of the monitoring recipe of Xano's scope guide; remove it, or set the purpose the token really serves.",
				"Idle: never used since its creation at 2026-10-22T12:00:00Z, more than the provider policy's max_idle of 30d ago; " +
					"revoke it if nothing needs it (remove the resource, or terraform destroy -target), or raise max_idle. Idle tokens warn but never fail a plan.",
			},
		},
		{
			name:     "acknowledged",
			grants:   addons,
			purpose:  "monitoring",
			ack:      "Grafana's add-on panel; approved by SEC-7",
			enforce:  true,
			wantWarn: `Token "grafana": high risk, acknowledged`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pol := Default()
			pol.Enforce = tt.enforce
			spec := Spec{Grants: tt.grants, Lifetime: defaultLifetime, Purpose: tt.purpose, Acknowledgement: tt.ack}
			fs := Review(spec, pol)
			if tt.idle {
				fs = append(fs, idle)
			}
			rep := Assess(sub, fs, spec, pol)
			var msg *Message
			gotWarn, gotErr := "", ""
			if rep.Warning != nil {
				gotWarn, msg = rep.Warning.Summary, rep.Warning
			}
			if len(rep.Errors) > 0 {
				gotErr, msg = rep.Errors[0].Summary, &rep.Errors[0]
			}
			if gotWarn != tt.wantWarn || gotErr != tt.wantError || len(rep.Errors) > 1 {
				t.Fatalf("warning %q, errors %+v; want warning %q, error %q", gotWarn, rep.Errors, tt.wantWarn, tt.wantError)
			}
			if msg == nil {
				return
			}
			lines := strings.Split(msg.Detail, "\n")
			for _, want := range tt.wantLines {
				if !slices.Contains(lines, want) {
					t.Errorf("detail lacks the line %q:\n%s", want, msg.Detail)
				}
			}
			requireOnce(t, lines)
			if tt.wantAttr != AboutToken && msg.About != tt.wantAttr {
				t.Errorf("aspect = %d, want %d", msg.About, tt.wantAttr)
			}
		})
	}
}

func TestUnmanagedFinding(t *testing.T) {
	t.Parallel()
	f := UnmanagedFinding()
	if f.Rule != RuleUnmanaged || f.Severity != scopes.SeverityHigh || f.Scope != "" || f.Permission != "" || f.Summary == "" {
		t.Fatalf("finding = %+v, want a high unmanaged finding about the whole token", f)
	}
	if !advisory(f) {
		t.Error("an unmanaged token should never fail a plan")
	}
}
