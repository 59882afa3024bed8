package main

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// table is one markdown table; it renders with padded columns so the same
// text reads well on a terminal and in docs/benchmarks.md.
type table struct {
	header []string
	rows   [][]string
	// right marks the columns aligned right (numbers); missing entries mean left.
	right []bool
}

// addRow appends one row; cells beyond the header are dropped when rendering.
func (t *table) addRow(cells ...string) { t.rows = append(t.rows, cells) }

// markdown renders t as a GitHub-flavoured markdown table ending in a newline.
// Pipes and newlines inside cells are escaped so a message cannot break the
// table.
func (t table) markdown() string {
	n := len(t.header)
	if n == 0 {
		return ""
	}
	cell := func(row []string, i int) string {
		if i >= len(row) {
			return ""
		}
		s := strings.ReplaceAll(row[i], "|", `\|`)
		return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
	}
	widths := make([]int, n)
	for i := range n {
		widths[i] = max(3, utf8.RuneCountInString(cell(t.header, i)))
		for _, r := range t.rows {
			widths[i] = max(widths[i], utf8.RuneCountInString(cell(r, i)))
		}
	}
	rightAligned := func(i int) bool { return i < len(t.right) && t.right[i] }
	var b strings.Builder
	line := func(row []string) {
		b.WriteString("|")
		for i := range n {
			s := cell(row, i)
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(s))
			if rightAligned(i) {
				b.WriteString(" " + pad + s + " |")
			} else {
				b.WriteString(" " + s + pad + " |")
			}
		}
		b.WriteString("\n")
	}
	line(t.header)
	b.WriteString("|")
	for i := range n {
		if rightAligned(i) {
			b.WriteString(" " + strings.Repeat("-", widths[i]-1) + ": |")
		} else {
			b.WriteString(" " + strings.Repeat("-", widths[i]) + " |")
		}
	}
	b.WriteString("\n")
	for _, r := range t.rows {
		line(r)
	}
	return b.String()
}

// section is the result of one numbered item of the benchmark.
type section struct {
	item   int
	title  string
	intro  string
	tables []table
	notes  []string
	checks []check
}

// check is one figure compared with its target, for the summary.
type check struct {
	item     int
	what     string
	target   string
	measured string
	met      bool
	info     bool // a figure for context, with no target to meet
}

// markdown renders the section with a level-two heading.
func (s section) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "## %d. %s\n\n", s.item, s.title)
	if s.intro != "" {
		b.WriteString(s.intro + "\n\n")
	}
	for _, t := range s.tables {
		b.WriteString(t.markdown() + "\n")
	}
	for _, n := range s.notes {
		b.WriteString("- " + n + "\n")
	}
	if len(s.notes) > 0 {
		b.WriteString("\n")
	}
	return b.String()
}

// summaryTable lists every check with its outcome.
func summaryTable(checks []check) table {
	t := table{header: []string{"item", "figure", "target", "measured", "met"}, right: []bool{true}}
	for _, c := range checks {
		met := yesNo(c.met)
		if c.info {
			met = "—"
		}
		t.addRow(fmt.Sprint(c.item), c.what, c.target, c.measured, met)
	}
	return t
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

// median returns the median of ds (the mean of the two middle values for an
// even count), or 0 for none; ds is not modified.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	mid := len(s) / 2
	if len(s)%2 == 1 {
		return s[mid]
	}
	return s[mid-1] + (s[mid]-s[mid-1])/2
}

// medianInt is median for counts, rounding half up.
func medianInt(xs []int) int {
	ds := make([]time.Duration, len(xs))
	for i, x := range xs {
		ds[i] = time.Duration(x) * 2
	}
	return int((median(ds) + 1) / 2)
}

// ratio formats a/b as "1.23×"; it is "n/a" when b is not positive.
// ratioOf is a / b, or 0 when b is not positive.
func ratioOf(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func ratio(a, b time.Duration) string {
	if b <= 0 {
		return "n/a"
	}
	r := ratioOf(a, b)
	switch {
	case r >= 100:
		return fmt.Sprintf("%.0f×", r)
	case r >= 10:
		return fmt.Sprintf("%.1f×", r)
	}
	return fmt.Sprintf("%.2f×", r)
}

// percent formats part/whole as a whole percentage; it is "n/a" when whole
// is not positive.
func percent(part, whole time.Duration) string {
	if whole <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(part)/float64(whole))
}

// fmtDuration renders a wall time with a precision that suits its size:
// seconds with two decimals from one second up, milliseconds below, and
// microseconds under a millisecond.
func fmtDuration(d time.Duration) string {
	switch {
	case d < 0:
		return "-" + fmtDuration(-d)
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	case d >= time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.1f µs", float64(d)/float64(time.Microsecond))
}

// fmtDurations lists the samples in run order, for the reader who wants the
// spread behind a median.
func fmtDurations(ds []time.Duration) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = fmtDuration(d)
	}
	return strings.Join(parts, ", ")
}

// fmtBytes renders a size in MiB with two decimals and the exact byte count.
func fmtBytes(n int64) string {
	return fmt.Sprintf("%.2f MiB (%d bytes)", float64(n)/(1<<20), n)
}

// fmtFloat renders a benchmark figure without spurious decimals.
func fmtFloat(v float64) string {
	switch {
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return fmt.Sprintf("%.0f", v)
	case math.Abs(v) >= 100:
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.2f", v)
}
