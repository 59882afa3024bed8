package duration

import (
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
		{in: "", wantErr: "empty duration"},
		{in: "7", wantErr: "not valid"},
		{in: "d", wantErr: "not valid"},
		{in: "7 days", wantErr: "not valid"},
		{in: "7D", wantErr: "not valid"},
		{in: "-1h", wantErr: "negative"},
		{in: "1y", wantErr: "not valid"},
		{in: "1..5h", wantErr: "not valid"},
		{in: "99999999999999w", wantErr: "too long"},
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
