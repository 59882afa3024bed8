package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/duration"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

func strPtr(s string) *string { return &s }

// TestParsePolicyIncidentSettings: each of the three settings parses, and a
// bad value is one error naming its setting, with an example of the format.
func TestParsePolicyIncidentSettings(t *testing.T) {
	t.Parallel()
	cut := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		cfg         Config
		wantCut     time.Time
		wantPattern string
		wantMaxAge  time.Duration
		wantSetting string   // the setting of the one expected error, "" for none
		wantErr     []string // substrings of that error
	}{
		{name: "cut-off", cfg: Config{RotateMintedBefore: "2026-12-06T09:00:00Z"}, wantCut: cut},
		{name: "cut-off with a zone is kept in UTC", cfg: Config{RotateMintedBefore: "2026-12-06T10:00:00+01:00"}, wantCut: cut},
		{name: "cut-off as a date only", cfg: Config{RotateMintedBefore: "2026-12-06"}, wantSetting: SettingRotateMintedBefore,
			wantErr: []string{`"2026-12-06"`, "RFC 3339", `"2026-12-06T09:00:00Z"`}},
		{name: "cut-off unparsable", cfg: Config{RotateMintedBefore: "yesterday"}, wantSetting: SettingRotateMintedBefore,
			wantErr: []string{`rotate_minted_before "yesterday"`, `such as "2026-12-06T09:00:00Z"`}},
		{name: "name pattern", cfg: Config{NamePattern: strPtr("^[a-z0-9]+(-[a-z0-9]+)*-(prod|staging|dev)$")},
			wantPattern: "^[a-z0-9]+(-[a-z0-9]+)*-(prod|staging|dev)$"},
		{name: "empty name pattern", cfg: Config{NamePattern: strPtr("")}, wantSetting: SettingNamePattern,
			wantErr: []string{"name_pattern is empty", "would match every name"}},
		{name: "blank name pattern", cfg: Config{NamePattern: strPtr("  ")}, wantSetting: SettingNamePattern,
			wantErr: []string{"name_pattern is empty"}},
		{name: "invalid name pattern", cfg: Config{NamePattern: strPtr("^(prod")}, wantSetting: SettingNamePattern,
			wantErr: []string{`name_pattern "^(prod"`, "RE2", "missing closing )"}},
		{name: "a Perl-only construct is not RE2", cfg: Config{NamePattern: strPtr(`^(?!tmp)`)}, wantSetting: SettingNamePattern,
			wantErr: []string{"RE2"}},
		{name: "acknowledgement max age", cfg: Config{AcknowledgementMaxAge: "90d"}, wantMaxAge: 90 * duration.Day},
		{name: "zero acknowledgement max age", cfg: Config{AcknowledgementMaxAge: "0s"}, wantSetting: SettingAcknowledgementMaxAge,
			wantErr: []string{"acknowledgement_max_age", `"90d"`}},
		{name: "unparsable acknowledgement max age", cfg: Config{AcknowledgementMaxAge: "a quarter"}, wantSetting: SettingAcknowledgementMaxAge,
			wantErr: []string{"acknowledgement_max_age", `"a quarter"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, errs := ParsePolicy(tt.cfg)
			if tt.wantSetting == "" {
				if len(errs) > 0 {
					t.Fatalf("errors: %v", errs)
				}
			} else {
				if len(errs) != 1 {
					t.Fatalf("errors = %v, want one", errs)
				}
				if s := SettingOf(errs[0]); s != tt.wantSetting {
					t.Errorf("error is about %q, want %q", s, tt.wantSetting)
				}
				for _, sub := range tt.wantErr {
					if !strings.Contains(errs[0].Error(), sub) {
						t.Errorf("error %q does not contain %q", errs[0], sub)
					}
				}
			}
			if !got.RotateMintedBefore.Equal(tt.wantCut) {
				t.Errorf("RotateMintedBefore = %v, want %v", got.RotateMintedBefore, tt.wantCut)
			}
			if pat := ""; got.NamePattern != nil || tt.wantPattern != "" {
				if got.NamePattern != nil {
					pat = got.NamePattern.String()
				}
				if pat != tt.wantPattern {
					t.Errorf("NamePattern = %q, want %q", pat, tt.wantPattern)
				}
			}
			if got.AcknowledgementMaxAge != tt.wantMaxAge {
				t.Errorf("AcknowledgementMaxAge = %v, want %v", got.AcknowledgementMaxAge, tt.wantMaxAge)
			}
		})
	}
}

// TestSettingOfOtherErrors: the settings validated in the schema carry no
// setting, so the provider keeps reporting them on the block.
func TestSettingOfOtherErrors(t *testing.T) {
	t.Parallel()
	_, errs := ParsePolicy(Config{WarnAt: "severe"})
	if len(errs) != 1 || SettingOf(errs[0]) != "" {
		t.Fatalf("errors = %v, want one without a setting", errs)
	}
}

func TestMintedBefore(t *testing.T) {
	t.Parallel()
	cut := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	other := cut.Add(-time.Hour)
	tests := []struct {
		name    string
		cut     time.Time
		created time.Time
		met     *time.Time
		want    bool
	}{
		{"no cut-off", time.Time{}, cut.Add(-time.Hour), nil, false},
		{"before", cut, cut.Add(-time.Second), nil, true},
		{"at the cut-off", cut, cut, nil, false},
		{"after", cut, cut.Add(time.Second), nil, false},
		{"before, but minted under this cut-off", cut, cut.Add(-time.Second), &cut, false},
		{"before, minted under another cut-off", cut, cut.Add(-time.Second), &other, true},
	}
	for _, tt := range tests {
		p := Policy{RotateMintedBefore: tt.cut}
		if got := p.MintedBefore(tt.created, tt.met); got != tt.want {
			t.Errorf("%s: MintedBefore = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCutoffFinding(t *testing.T) {
	t.Parallel()
	cut := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	pol := Policy{RotateMintedBefore: cut}
	f, ok := CutoffFinding(cut.Add(-24*time.Hour), pol)
	if !ok || f.Rule != RuleMintedBeforeCutoff {
		t.Fatalf("CutoffFinding = %+v, %v; want a minted_before_cutoff finding", f, ok)
	}
	for _, sub := range []string{"2026-12-05T09:00:00Z", "2026-12-06T09:00:00Z", "revoke"} {
		if !strings.Contains(f.Summary, sub) {
			t.Errorf("summary %q does not contain %q", f.Summary, sub)
		}
	}
	if _, ok := CutoffFinding(cut, pol); ok {
		t.Error("a token minted at the cut-off is flagged")
	}
	if _, ok := CutoffFinding(cut.Add(-time.Hour), Default()); ok {
		t.Error("a token is flagged without a cut-off")
	}
}

// TestNameMessage: a mint with a name off the pattern is refused naming the
// pattern and the name; an existing token is told it would be; a match or
// no pattern says nothing.
func TestNameMessage(t *testing.T) {
	t.Parallel()
	pol, errs := ParsePolicy(Config{NamePattern: strPtr("^[a-z0-9]+(-[a-z0-9]+)*-(prod|staging|dev)$")})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	sub := Subject{Name: "token 2"}
	m := pol.NameMessage(sub, "token 2", true)
	if m == nil || !strings.Contains(m.Summary, "refused") || !strings.Contains(m.Detail, `"token 2"`) ||
		!strings.Contains(m.Detail, `"^[a-z0-9]+(-[a-z0-9]+)*-(prod|staging|dev)$"`) {
		t.Fatalf("mint message = %+v", m)
	}
	if m := pol.NameMessage(sub, "token 2", false); m == nil || !strings.Contains(m.Detail, "does not fail") {
		t.Fatalf("existing message = %+v", m)
	}
	if m := pol.NameMessage(Subject{Name: "weweb-prod"}, "weweb-prod", true); m != nil {
		t.Fatalf("a matching name got %+v", m)
	}
	if m := Default().NameMessage(sub, "token 2", true); m != nil {
		t.Fatalf("no pattern, yet %+v", m)
	}
}

func TestEphemeralNameError(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		pattern, prefix string
		ok              bool
	}{
		{"^[a-z0-9]+(-[a-z0-9]+)*-(prod|staging|dev)$", "ci-prod", false},
		{"^[a-z0-9-]+-(prod|staging|dev)-[0-9a-f]{8}$", "ci-prod", true},
		{"^ci-[0-9]+$", "ci", false}, // accepts some hex suffixes, not all
		{"^ci-", "ci", true},
		{"^ci-", "cd", false},
	} {
		pol, errs := ParsePolicy(Config{NamePattern: strPtr(tt.pattern)})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		err := pol.EphemeralNameError(tt.prefix)
		if (err == nil) != tt.ok {
			t.Errorf("pattern %q, prefix %q: error %v, want ok=%v", tt.pattern, tt.prefix, err, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), tt.pattern) {
			t.Errorf("error %q does not name the pattern", err)
		}
	}
}

func TestParseReviewBy(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in      string
		lapses  time.Time
		wantErr bool
	}{
		{"2027-03-31", time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC), false},
		{"2027-03-31T17:00:00Z", time.Date(2027, 3, 31, 17, 0, 0, 0, time.UTC), false},
		{"2027-03-31T17:00:00+02:00", time.Date(2027, 3, 31, 15, 0, 0, 0, time.UTC), false},
		{"31/03/2027", time.Time{}, true},
		{"next quarter", time.Time{}, true},
	} {
		got, err := ParseReviewBy(tt.in)
		if tt.wantErr {
			if err == nil || !strings.Contains(err.Error(), `"2027-03-31"`) || !strings.Contains(err.Error(), tt.in) {
				t.Errorf("ParseReviewBy(%q) error = %v, want one quoting the value and an example", tt.in, err)
			}
			continue
		}
		if err != nil || !got.Lapses.Equal(tt.lapses) || got.Text != tt.in {
			t.Errorf("ParseReviewBy(%q) = %+v, %v; want lapse at %s", tt.in, got, err, tt.lapses)
		}
	}
}

// TestAssessLapsedAcknowledgement: past review_by an acknowledgement no
// longer counts: the warning names the date; enforce fails a mint naming it;
// an existing token gets a warning, never an error.
func TestAssessLapsedAcknowledgement(t *testing.T) {
	t.Parallel()
	db := scopes.Grants{{Scope: "workspace_database", Read: true, Delete: true}}
	review, err := ParseReviewBy("2030-03-31")
	if err != nil {
		t.Fatal(err)
	}
	sub := Subject{Name: "bi"}
	spec := func(lapsed bool) Spec {
		return Spec{Grants: db, Lifetime: 7 * duration.Day, Acknowledgement: "BI team, approved", ReviewBy: &review, Lapsed: lapsed}
	}
	tests := []struct {
		name      string
		pol       Policy
		lapsed    bool
		existing  bool
		wantWarn  string
		wantError string
	}{
		{name: "before the date", pol: Default(), wantWarn: `Token "bi": critical risk, acknowledged`},
		{name: "before the date, enforced", pol: Policy{Enforce: true}, wantWarn: `Token "bi": critical risk, acknowledged`},
		{name: "lapsed", pol: Default(), lapsed: true, wantWarn: `Token "bi": critical risk, acknowledgement lapsed (review_by 2030-03-31)`},
		{name: "lapsed, enforced", pol: Policy{Enforce: true}, lapsed: true,
			wantError: `Token "bi": critical risk refused by the provider policy, acknowledgement lapsed (review_by 2030-03-31)`},
		{name: "lapsed, existing", pol: Default(), lapsed: true, existing: true,
			wantWarn: `Token "bi": critical risk, acknowledgement lapsed (review_by 2030-03-31)`},
		{name: "lapsed, existing, enforced", pol: Policy{Enforce: true}, lapsed: true, existing: true,
			wantWarn: `Token "bi": existing token above the enforced policy`},
		{name: "not lapsed, existing", pol: Default(), existing: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := spec(tt.lapsed)
			findings := Review(s, tt.pol)
			var rep Report
			if tt.existing {
				rep = AssessExisting(sub, findings, findings, s, tt.pol)
			} else {
				rep = Assess(sub, findings, s, tt.pol)
			}
			gotWarn, gotErr := "", ""
			if rep.Warning != nil {
				gotWarn = rep.Warning.Summary
			}
			if len(rep.Errors) > 1 {
				t.Fatalf("%d errors, want at most one", len(rep.Errors))
			}
			if len(rep.Errors) == 1 {
				gotErr = rep.Errors[0].Summary
			}
			if gotWarn != tt.wantWarn || gotErr != tt.wantError {
				t.Fatalf("warning %q, error %q; want %q, %q", gotWarn, gotErr, tt.wantWarn, tt.wantError)
			}
			if tt.lapsed {
				var detail string
				if rep.Warning != nil {
					detail = rep.Warning.Detail
				} else {
					detail = rep.Errors[0].Detail
				}
				if !strings.Contains(detail, "reviewed by 2030-03-31") {
					t.Errorf("detail does not name the review date:\n%s", detail)
				}
			}
		})
	}
}

func TestAcknowledgementAgeMessage(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	pol := Policy{AcknowledgementMaxAge: 90 * duration.Day}
	sub := Subject{Name: "bi"}
	review := func(s string) *ReviewBy {
		r, err := ParseReviewBy(s)
		if err != nil {
			t.Fatal(err)
		}
		return &r
	}
	tests := []struct {
		name   string
		pol    Policy
		spec   Spec
		mints  bool
		want   string // summary, "" for none
		wantIn string
	}{
		{name: "no max age", pol: Default(), spec: Spec{Acknowledgement: "ok"}},
		{name: "no acknowledgement", pol: pol, spec: Spec{}},
		{name: "no review_by", pol: pol, spec: Spec{Acknowledgement: "ok"}, mints: true,
			want: `Token "bi": acknowledgement refused by the provider policy`, wantIn: "has no review_by"},
		{name: "no review_by, existing", pol: pol, spec: Spec{Acknowledgement: "ok"},
			want: `Token "bi": existing token's acknowledgement outside the provider policy`, wantIn: "does not fail"},
		{name: "90 days ahead", pol: pol, spec: Spec{Acknowledgement: "ok", ReviewBy: review("2030-04-01")}, mints: true},
		{name: "too far ahead", pol: pol, spec: Spec{Acknowledgement: "ok", ReviewBy: review("2030-04-03")}, mints: true,
			want: `Token "bi": acknowledgement refused by the provider policy`, wantIn: "review_by 2030-04-03 is more than"},
	}
	for _, tt := range tests {
		m := tt.pol.AcknowledgementAgeMessage(sub, tt.spec, now, tt.mints)
		switch {
		case tt.want == "" && m != nil:
			t.Errorf("%s: got %+v, want none", tt.name, m)
		case tt.want != "" && (m == nil || m.Summary != tt.want || !strings.Contains(m.Detail, tt.wantIn)):
			t.Errorf("%s: got %+v, want %q with %q", tt.name, m, tt.want, tt.wantIn)
		}
	}
}
