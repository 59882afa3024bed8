// Package duration parses the lifetimes written in HCL: Go duration units
// plus "d" (24h) and "w" (7d), with decimals and in combination, e.g. "12h",
// "7d", "2w", "1.5d", "1d12h".
package duration

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Day and Week are the two units added to Go's.
const (
	Day  = 24 * time.Hour
	Week = 7 * Day
)

// Parse parses s. It accepts Go units (ns, us, ms, s, m, h) plus d and w,
// in any combination, and refuses negative or empty values.
func Parse(s string) (time.Duration, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return 0, fmt.Errorf("empty duration: write a number and a unit, such as \"12h\", \"7d\" or \"2w\"")
	}
	if strings.HasPrefix(in, "-") {
		return 0, fmt.Errorf("duration %q is negative: write a length of time without the minus sign, such as \"12h\", \"7d\" or \"2w\"", s)
	}
	in = strings.TrimPrefix(in, "+")
	var total time.Duration
	rest := in
	for rest != "" {
		i := 0
		for i < len(rest) && (rest[i] >= '0' && rest[i] <= '9' || rest[i] == '.') {
			i++
		}
		if i == 0 {
			return 0, invalid(s)
		}
		num := rest[:i]
		rest = rest[i:]
		j := 0
		for j < len(rest) && !(rest[j] >= '0' && rest[j] <= '9' || rest[j] == '.') {
			j++
		}
		unit := rest[:j]
		rest = rest[j:]
		var mult time.Duration
		switch unit {
		case "d":
			mult = Day
		case "w":
			mult = Week
		case "h", "m", "s", "ms", "us", "µs", "ns":
			d, err := time.ParseDuration(num + unit)
			if err != nil {
				// Go's parser says only "invalid" when a number overflows.
				if _, ferr := strconv.ParseFloat(num, 64); ferr == nil {
					return 0, tooLong(s)
				}
				return 0, invalid(s)
			}
			total, err = add(total, d, s)
			if err != nil {
				return 0, err
			}
			continue
		default:
			return 0, invalid(s)
		}
		f, err := strconv.ParseFloat(num, 64)
		if err != nil {
			return 0, invalid(s)
		}
		v := f * float64(mult)
		if v > float64(Max) {
			return 0, tooLong(s)
		}
		total, err = add(total, time.Duration(v), s)
		if err != nil {
			return 0, err
		}
	}
	return total, nil
}

// Max is the longest duration Parse accepts, about 146 years: room is left
// below time.Duration's own limit for sums such as a lifetime plus a margin.
const Max time.Duration = 1 << 62

func add(a, b time.Duration, s string) (time.Duration, error) {
	if b < 0 || a > Max-b {
		return 0, tooLong(s)
	}
	return a + b, nil
}

// tooLong is the error for a duration above Max, stating the limit.
func tooLong(s string) error {
	return fmt.Errorf("duration %q is longer than the limit of %dd (about %d years): write a shorter one",
		s, Max/Day, Max/(365*Day))
}

func invalid(s string) error {
	hint := ""
	if sug := Suggest(s); sug != "" {
		hint = fmt.Sprintf(" (did you mean %q?)", sug)
	}
	return fmt.Errorf("duration %q is not valid%s: write a number and a unit (s, m, h, d for days, w for weeks), such as \"12h\", \"7d\" or \"2w\"", s, hint)
}

// unitAliases maps the unit words people write to a unit Parse accepts and
// a factor: a year is 365 days and a month 30, as lifetimes are counted.
var unitAliases = map[string]struct {
	unit   string
	factor float64
}{
	"y": {"d", 365}, "yr": {"d", 365}, "yrs": {"d", 365}, "year": {"d", 365}, "years": {"d", 365},
	"mo": {"d", 30}, "mon": {"d", 30}, "mons": {"d", 30}, "month": {"d", 30}, "months": {"d", 30},
	"w": {"w", 1}, "wk": {"w", 1}, "wks": {"w", 1}, "week": {"w", 1}, "weeks": {"w", 1},
	"d": {"d", 1}, "day": {"d", 1}, "days": {"d", 1},
	"h": {"h", 1}, "hr": {"h", 1}, "hrs": {"h", 1}, "hour": {"h", 1}, "hours": {"h", 1},
	"m": {"m", 1}, "min": {"m", 1}, "mins": {"m", 1}, "minute": {"m", 1}, "minutes": {"m", 1},
	"s": {"s", 1}, "sec": {"s", 1}, "secs": {"s", 1}, "second": {"s", 1}, "seconds": {"s", 1},
}

// Suggest returns the valid spelling nearest to an invalid duration such as
// "1 week" ("1w"), "30 days" ("30d"), "1y" ("365d") or "1 day, 12 hours"
// ("1d12h"), or "" when it sees none. Units are read without regard to case,
// spaces, commas and "and".
func Suggest(s string) string {
	fields := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r == ' ' || r == ',' || r == '\t' || r == '_'
	})
	var b strings.Builder
	var num string
	for _, f := range fields {
		if f == "and" {
			continue
		}
		for f != "" {
			i := 0
			for i < len(f) && (f[i] >= '0' && f[i] <= '9' || f[i] == '.') {
				i++
			}
			if i > 0 {
				if num != "" {
					return "" // two numbers in a row: no unit to guess
				}
				num, f = f[:i], f[i:]
				continue
			}
			j := 0
			for j < len(f) && !(f[j] >= '0' && f[j] <= '9' || f[j] == '.') {
				j++
			}
			alias, ok := unitAliases[f[:j]]
			if !ok || num == "" {
				return ""
			}
			n, err := strconv.ParseFloat(num, 64)
			if err != nil {
				return ""
			}
			b.WriteString(strconv.FormatFloat(n*alias.factor, 'f', -1, 64) + alias.unit)
			num, f = "", f[j:]
		}
	}
	out := b.String()
	if num != "" || out == "" || out == strings.TrimSpace(s) {
		return ""
	}
	if _, err := Parse(out); err != nil {
		return ""
	}
	return out
}

// Format renders d in days and smaller units, e.g. 7d, 30d, 1d12h, 1h30m.
// Days, not weeks, because token lifetimes are written that way ("7d" is
// Xano's default). Parse(Format(d)) == d for whole seconds.
func Format(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	if d%Day == 0 {
		return strconv.FormatInt(int64(d/Day), 10) + "d"
	}
	var b strings.Builder
	if days := d / Day; days > 0 {
		b.WriteString(strconv.FormatInt(int64(days), 10) + "d")
		d -= days * Day
	}
	s := d.String()
	// time.Duration prints "36h0m0s"; drop the zero tails.
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	if s == "" && b.Len() > 0 {
		return b.String()
	}
	b.WriteString(s)
	return b.String()
}
