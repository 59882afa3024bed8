package duration

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in      string
		want    time.Duration
		wantErr string
	}{
		{in: "1h", want: time.Hour},
		{in: "12h", want: 12 * time.Hour},
		{in: "90m", want: 90 * time.Minute},
		{in: "3600s", want: time.Hour},
		{in: "1d", want: Day},
		{in: "7d", want: 7 * Day},
		{in: "2w", want: 2 * Week},
		{in: "1d12h", want: 36 * time.Hour},
		{in: "1w2d3h", want: Week + 2*Day + 3*time.Hour},
		{in: "1.5d", want: 36 * time.Hour},
		{in: " 30d ", want: 30 * Day},
		// Every form the provider page lists.
		{in: "+1d", want: Day},
		{in: "0.5h", want: 30 * time.Minute},
		{in: "1440m", want: Day},
		{in: "1500ms", want: 1500 * time.Millisecond},
		{in: "2h30m", want: 150 * time.Minute},
		{in: "12h1d", want: 36 * time.Hour},
		{in: "1.5w", want: 10*Day + 12*time.Hour},
		{in: "", wantErr: "empty duration"},
		{in: "7", wantErr: "not valid"},
		{in: "d", wantErr: "not valid"},
		{in: "7 days", wantErr: "not valid"},
		{in: "7D", wantErr: "not valid"},
		{in: "-1h", wantErr: "negative"},
		{in: "1y", wantErr: "not valid"},
		{in: "1..5h", wantErr: "not valid"},
		{in: "99999999999999w", wantErr: "longer than the limit of 53375d (about 146 years)"},
		{in: "2562048h", wantErr: "longer than the limit of 53375d"},
		{in: "99999999999999999999s", wantErr: "longer than the limit of 53375d"},
		{in: "53376d", wantErr: "longer than the limit of 53375d"},
		{in: "53375d", want: 53375 * Day},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Parse(%q) error = %v, want one containing %q", tc.in, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Fatalf("Parse(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestSuggest(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want string
	}{
		{"1 week", "1w"},
		{"2 weeks", "2w"},
		{"30 days", "30d"},
		{"7 days", "7d"},
		{"1 day", "1d"},
		{"1.5 days", "1.5d"},
		{"1y", "365d"},
		{"2 years", "730d"},
		{"1 month", "30d"},
		{"6mo", "180d"},
		{"12 hours", "12h"},
		{"12hrs", "12h"},
		{"90 mins", "90m"},
		{"30 sec", "30s"},
		{"7D", "7d"},
		{"1 day, 12 hours", "1d12h"},
		{"1 day and 12 hours", "1d12h"},
		{"1d 12h", "1d12h"},
		// Nothing to suggest: no unit, no number, or a word that is no unit.
		{"30", ""},
		{"soon", ""},
		{"", ""},
		{"week", ""},
		{"1 fortnight", ""},
		{"1 2 days", ""},
		{"1..5 days", ""},
		// Valid input needs no suggestion.
		{"7d", ""},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got := Suggest(tc.in)
			if got != tc.want {
				t.Fatalf("Suggest(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if got == "" {
				return
			}
			if _, err := Parse(got); err != nil {
				t.Fatalf("Suggest(%q) = %q, which Parse refuses: %v", tc.in, got, err)
			}
			_, err := Parse(tc.in)
			if want := fmt.Sprintf("(did you mean %q?)", got); err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("Parse(%q) error = %v, want one containing %s", tc.in, err, want)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   time.Duration
		want string
	}{
		{0, "0s"},
		{time.Hour, "1h"},
		{90 * time.Minute, "1h30m"},
		{Day, "1d"},
		{7 * Day, "7d"},
		{2 * Week, "14d"},
		{30 * Day, "30d"},
		{36 * time.Hour, "1d12h"},
		{Day + time.Second, "1d1s"},
		{2*Day + 30*time.Minute, "2d30m"},
	}
	for _, tc := range cases {
		if got := Format(tc.in); got != tc.want {
			t.Errorf("Format(%v) = %q, want %q", tc.in, got, tc.want)
		}
		back, err := Parse(Format(tc.in))
		if err != nil || back != tc.in {
			t.Errorf("Parse(Format(%v)) = %v, %v", tc.in, back, err)
		}
	}
}

// FuzzParse checks that Parse never panics and that whatever it accepts
// survives a round trip through Format.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"1h", "7d", "2w", "1d12h", "1.5d", "", "-1h", "1y", "99999999999999w", "0.0000001ns", "1h1h1h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("Parse(%q) = %v, negative", s, d)
		}
		back, err := Parse(Format(d))
		if err != nil {
			t.Fatalf("Parse(Format(%v)) for input %q: %v", d, s, err)
		}
		if d%time.Second == 0 && back != d {
			t.Fatalf("round trip of %q: %v -> %q -> %v", s, d, Format(d), back)
		}
	})
}
