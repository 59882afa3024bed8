package main

import (
	"archive/tar"
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		name string
		in   []time.Duration
		want time.Duration
	}{
		{"none", nil, 0},
		{"one", []time.Duration{7 * ms}, 7 * ms},
		{"odd, unsorted", []time.Duration{9 * ms, 1 * ms, 5 * ms}, 5 * ms},
		{"even: mean of the middle two", []time.Duration{4 * ms, 1 * ms, 10 * ms, 2 * ms}, 3 * ms},
		{"even with an odd gap", []time.Duration{1, 2}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.in)
			if got := median(in); got != tt.want {
				t.Fatalf("median(%v) = %v, want %v", tt.in, got, tt.want)
			}
			if !slices.Equal(in, tt.in) {
				t.Fatalf("median reordered its input: %v", in)
			}
		})
	}
}

func TestMedianInt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   []int
		want int
	}{
		{nil, 0},
		{[]int{50}, 50},
		{[]int{100, 50, 75}, 75},
		{[]int{1, 2}, 2},
		{[]int{50, 50, 52, 50}, 50},
	}
	for _, tt := range tests {
		if got := medianInt(tt.in); got != tt.want {
			t.Errorf("medianInt(%v) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestRatio(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b time.Duration
		want string
	}{
		{3 * time.Second, 2 * time.Second, "1.50×"},
		{time.Second, 3 * time.Second, "0.33×"},
		{25 * time.Second, 2 * time.Second, "12.5×"},
		{300 * time.Second, time.Second, "300×"},
		{time.Second, 0, "n/a"},
		{time.Second, -time.Second, "n/a"},
		{0, time.Second, "0.00×"},
	}
	for _, tt := range tests {
		if got := ratio(tt.a, tt.b); got != tt.want {
			t.Errorf("ratio(%v, %v) = %q, want %q", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestPercent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		part, whole time.Duration
		want        string
	}{
		{time.Second, 4 * time.Second, "25%"},
		{-time.Second, 4 * time.Second, "-25%"},
		{time.Second, 0, "n/a"},
	}
	for _, tt := range tests {
		if got := percent(tt.part, tt.whole); got != tt.want {
			t.Errorf("percent(%v, %v) = %q, want %q", tt.part, tt.whole, got, tt.want)
		}
	}
}

func TestFmtDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   time.Duration
		want string
	}{
		{2346 * time.Millisecond, "2.35 s"},
		{time.Second, "1.00 s"},
		{250 * time.Millisecond, "250 ms"},
		{1500 * time.Microsecond, "1.5 ms"},
		{1800 * time.Nanosecond, "1.8 µs"},
		{-300 * time.Millisecond, "-300 ms"},
	}
	for _, tt := range tests {
		if got := fmtDuration(tt.in); got != tt.want {
			t.Errorf("fmtDuration(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTableMarkdown(t *testing.T) {
	t.Parallel()
	tb := table{header: []string{"op", "n"}, right: []bool{false, true}}
	tb.addRow("create", "1")
	tb.addRow("a|b\nc", "10", "dropped")
	tb.addRow("short")
	want := "" +
		"| op     |   n |\n" +
		"| ------ | --: |\n" +
		"| create |   1 |\n" +
		"| a\\|b c |  10 |\n" +
		"| short  |     |\n"
	if got := tb.markdown(); got != want {
		t.Fatalf("markdown:\n%s\nwant:\n%s", got, want)
	}
	if got := (table{}).markdown(); got != "" {
		t.Fatalf("a table without header renders %q, want nothing", got)
	}
}

func TestTableMarkdownCountsRunesNotBytes(t *testing.T) {
	t.Parallel()
	tb := table{header: []string{"A − B"}}
	tb.addRow("x")
	lines := strings.Split(strings.TrimSpace(tb.markdown()), "\n")
	for _, l := range lines {
		if n := len([]rune(l)); n != len([]rune(lines[0])) {
			t.Fatalf("line %q is %d runes wide, header line %d:\n%s", l, n, len([]rune(lines[0])), tb.markdown())
		}
	}
}

func TestSectionAndSummary(t *testing.T) {
	t.Parallel()
	s := section{item: 3, title: "Rate limit", intro: "Intro.", notes: []string{"a note"},
		checks: []check{{item: 3, what: "failed", target: "0", measured: "2", met: false}, {item: 3, what: "429s", target: "any", measured: "4", met: true}}}
	md := s.markdown()
	for _, want := range []string{"## 3. Rate limit\n\nIntro.\n\n", "- a note\n"} {
		if !strings.Contains(md, want) {
			t.Errorf("section lacks %q:\n%s", want, md)
		}
	}
	sum := summaryTable(s.checks).markdown()
	if !strings.Contains(sum, "| **no** |") || !strings.Contains(sum, "| yes    |") {
		t.Errorf("summary does not mark both outcomes:\n%s", sum)
	}
}

func TestParseGoBench(t *testing.T) {
	t.Parallel()
	out := `goos: linux
goarch: amd64
pkg: github.com/example/m/internal/scopes
cpu: AMD EPYC
BenchmarkResolveTypo-2          	   31789	     31749 ns/op	    5904 B/op	      97 allocs/op
BenchmarkNoMem-2   	 1000000	      1.25 ns/op
PASS
ok  	github.com/example/m/internal/scopes	3.1s
pkg: github.com/example/m/internal/policy
BenchmarkReview/weweb-16    59959	     21714 ns/op	   16953 B/op	      34 allocs/op
Benchmark garbage line
`
	got := parseGoBench(out)
	want := []goBench{
		{pkg: "github.com/example/m/internal/scopes", name: "BenchmarkResolveTypo", iterations: 31789, nsPerOp: 31749, bytesPerOp: 5904, allocsPerOp: 97, hasMem: true},
		{pkg: "github.com/example/m/internal/scopes", name: "BenchmarkNoMem", iterations: 1000000, nsPerOp: 1.25},
		{pkg: "github.com/example/m/internal/policy", name: "BenchmarkReview/weweb", iterations: 59959, nsPerOp: 21714, bytesPerOp: 16953, allocsPerOp: 34, hasMem: true},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("parseGoBench:\n got %+v\nwant %+v", got, want)
	}
}

func TestStripProcs(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"BenchmarkX-8":          "BenchmarkX",
		"BenchmarkX":            "BenchmarkX",
		"BenchmarkX/case-a":     "BenchmarkX/case-a",
		"BenchmarkX/case-a-16":  "BenchmarkX/case-a",
		"BenchmarkWith-Dash-12": "BenchmarkWith-Dash",
	} {
		if got := stripProcs(in); got != want {
			t.Errorf("stripProcs(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseOnly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    []int
		wantErr string
	}{
		{"", []int{1, 2, 3, 4, 5, 6, 7}, ""},
		{"3,1", []int{1, 3}, ""},
		{" ratelimit , 1, requests ", []int{1, 3}, ""},
		{"GOBENCH", []int{5}, ""},
		{"8", nil, `"8" is not an item`},
		{"latency,2", []int{2, 7}, ""},
		{"profile", []int{6}, ""},
		{"fast", nil, `"fast" is not an item`},
		{",", nil, "lists no item"},
	}
	for _, tt := range tests {
		got, err := parseOnly(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseOnly(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("parseOnly(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestDefaultRounds(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int{"": 3, "5": 5, " 2 ": 2, "0": 3, "-1": 3, "many": 3} {
		if got := defaultRounds(in); got != want {
			t.Errorf("defaultRounds(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestRequests(t *testing.T) {
	t.Parallel()
	r := requests{stats: map[string]int{
		"POST /instance/{instance}/token 200":      50,
		"POST /instance/{instance}/token 429":      7,
		"DELETE /instance/{instance}/token/{id} 0": 1,
	}}
	if got := r.total(); got != 58 {
		t.Errorf("total = %d, want 58", got)
	}
	if got := r.ok(); got != 50 {
		t.Errorf("ok = %d, want 50", got)
	}
	if got := r.tooMany(); got != 7 {
		t.Errorf("tooMany = %d, want 7", got)
	}
	want := "DELETE /instance/{instance}/token/{id} 0 ×1; POST /instance/{instance}/token 200 ×50; POST /instance/{instance}/token 429 ×7"
	if got := r.breakdown(); got != want {
		t.Errorf("breakdown = %q, want %q", got, want)
	}
	if got := (requests{}).breakdown(); got != "none" {
		t.Errorf("empty breakdown = %q, want none", got)
	}
	if got := statusOf("GET * x"); got != -1 {
		t.Errorf("statusOf without a status = %d, want -1", got)
	}
}

func TestSummarizeGaps(t *testing.T) {
	t.Parallel()
	s := time.Second
	g := summarizeGaps([]retryGap{
		{asked: s, waited: s + 10*time.Millisecond},
		{asked: s, waited: s + 300*time.Millisecond},
		{asked: 2 * s, waited: 2*s - 5*time.Millisecond},
	})
	if g.asked != "1.00 s ×2, 2.00 s ×1" {
		t.Errorf("asked = %q", g.asked)
	}
	if g.excess != 300*time.Millisecond || g.minExcess != -5*time.Millisecond {
		t.Errorf("excess = %v, minExcess = %v; want 300ms and -5ms", g.excess, g.minExcess)
	}
	if g.max != 2*s-5*time.Millisecond || g.median != s+300*time.Millisecond {
		t.Errorf("max = %v, median = %v", g.max, g.median)
	}
	if g := summarizeGaps([]retryGap{{waited: time.Second}}); g.asked != "no header ×1" {
		t.Errorf("a 429 without Retry-After is summarised as %q", g.asked)
	}
	if none := summarizeGaps(nil); none.asked != "none" || none.excess != 0 {
		t.Errorf("no gaps: %+v", none)
	}
}

// TestRecorderMeasuresRetryWaits drives the recorder with a fake clock: a
// 429 followed by the same request is one retry; another key is not.
func TestRecorderMeasuresRetryWaits(t *testing.T) {
	t.Parallel()
	now := time.Unix(1000, 0)
	limited := true
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if limited && r.Header.Get("Idempotency-Key") == "k1" {
			w.Header().Set("Retry-After", "2")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		_, _ = w.Write([]byte("{}"))
	})
	rec := newRecorder(next, func() time.Time { return now })
	send := func(key string) int {
		req := httptest.NewRequest(http.MethodPost, "/api:meta/instance/a/token", nil)
		req.Header.Set("Idempotency-Key", key)
		w := httptest.NewRecorder()
		rec.ServeHTTP(w, req)
		return w.Code
	}
	if code := send("k1"); code != http.StatusTooManyRequests {
		t.Fatalf("first attempt answered %d", code)
	}
	now = now.Add(2100 * time.Millisecond)
	send("k2")
	limited = false
	send("k1")
	got := rec.retryGaps()
	want := []retryGap{{asked: 2 * time.Second, waited: 2100 * time.Millisecond}}
	if !slices.Equal(got, want) {
		t.Fatalf("retry gaps = %+v, want %+v", got, want)
	}
	rec.reset()
	if len(rec.retryGaps()) != 0 {
		t.Fatal("reset kept the gaps")
	}
}

func TestParseHandshake(t *testing.T) {
	t.Parallel()
	sock, err := parseHandshake("1|6|unix|/tmp/plugin123|grpc|\n")
	if err != nil || sock != "/tmp/plugin123" {
		t.Fatalf("parseHandshake = %q, %v", sock, err)
	}
	for _, bad := range []string{"", "1|5|unix|/tmp/p|grpc|", "1|6|tcp|127.0.0.1:1|grpc|", "1|6|unix|/tmp/p|netrpc|", "garbage"} {
		if _, err := parseHandshake(bad); err == nil {
			t.Errorf("parseHandshake(%q) accepted it", bad)
		}
	}
}

func TestGRPCMessage(t *testing.T) {
	t.Parallel()
	msg, err := grpcMessage([]byte{0, 0, 0, 0, 3, 'a', 'b', 'c', 'x'})
	if err != nil || string(msg) != "abc" {
		t.Fatalf("grpcMessage = %q, %v", msg, err)
	}
	for name, body := range map[string][]byte{
		"empty":      nil,
		"compressed": {1, 0, 0, 0, 0},
		"cut short":  {0, 0, 0, 0, 9, 'a'},
	} {
		if _, err := grpcMessage(body); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestTokensConfig(t *testing.T) {
	t.Parallel()
	hcl := tokensConfig(5, 10)
	if n := strings.Count(hcl, `resource "xano_metadata_token"`); n != 5 {
		t.Errorf("%d token resources, want 5", n)
	}
	for _, want := range []string{`instance   = "bench-1"`, `instance   = "bench-5"`, "count      = 10", `name       = "bench-${count.index}"`, `source = "terraform-provider-xano/xano"`} {
		if !strings.Contains(hcl, want) {
			t.Errorf("configuration lacks %q:\n%s", want, hcl)
		}
	}
	single := tokenBlock("t", "ops", "one", 0)
	if strings.Contains(single, "count") || !strings.Contains(single, `name       = "one"`) {
		t.Errorf("single token block:\n%s", single)
	}
}

func TestKindOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key  string
		want requestKind
	}{
		{"POST /instance/{instance}/token 200", kindToken},
		{"GET /instance/{instance}/token/{id} 200", kindToken},
		{"POST /instance/{instance}/token/{id} 200", kindToken},
		{"DELETE /instance/{instance}/token/{id} 0", kindToken},
		{"GET /instance/{instance}/token 200", kindList},
		{"GET /auth/me 200", kindCredential},
		{"GET /instance 200", kindInstance},
		{"GET /instance/{name} 404", kindInstance},
		{"GET * 404", kindOther},
		{"", kindOther},
	}
	for _, tt := range tests {
		if got := kindOf(tt.key); got != tt.want {
			t.Errorf("kindOf(%q) = %d, want %d", tt.key, got, tt.want)
		}
	}
}

func TestRequestRowMet(t *testing.T) {
	t.Parallel()
	steady := func(stats map[string]int) requestRow {
		return requestRow{tokenTarget: 10, configures: 1, instances: 1, got: requests{stats: stats}}
	}
	creating := func(stats map[string]int) requestRow {
		return requestRow{tokenTarget: 0, configures: 1, instances: 2, creates: true, got: requests{stats: stats}}
	}
	listed := func(stats map[string]int) requestRow {
		return requestRow{tokenTarget: 1, configures: 1, instances: 1, refreshLists: 1, got: requests{stats: stats}}
	}
	tests := []struct {
		name string
		row  requestRow
		want bool
	}{
		{"token reads only", steady(map[string]int{"GET /instance/{instance}/token/{id} 200": 10}), true},
		{"with a credential check and an instance list",
			steady(map[string]int{"GET /instance/{instance}/token/{id} 200": 10, "GET /auth/me 200": 1, "GET /instance 200": 1}), true},
		{"one read short", steady(map[string]int{"GET /instance/{instance}/token/{id} 200": 9}), false},
		{"a retried read", steady(map[string]int{"GET /instance/{instance}/token/{id} 200": 10, "GET /instance/{instance}/token/{id} 429": 1}), false},
		{"two credential checks in one process", steady(map[string]int{"GET /instance/{instance}/token/{id} 200": 10, "GET /auth/me 200": 2}), false},
		{"a limit-check list in a plan that creates nothing",
			steady(map[string]int{"GET /instance/{instance}/token/{id} 200": 10, "GET /instance/{instance}/token 200": 1}), false},
		{"an unknown route", steady(map[string]int{"GET /instance/{instance}/token/{id} 200": 10, "GET * 404": 1}), false},
		{"creating plan with one list per instance", creating(map[string]int{"GET /instance/{instance}/token 200": 2}), true},
		{"creating plan listing an instance twice", creating(map[string]int{"GET /instance/{instance}/token 200": 3}), false},
		{"refresh from one list", listed(map[string]int{"GET /instance/{instance}/token 200": 1, "GET /auth/me 200": 1}), true},
		{"refresh listing the instance twice", listed(map[string]int{"GET /instance/{instance}/token 200": 2, "GET /auth/me 200": 1}), false},
		{"refresh reading each token", listed(map[string]int{"GET /instance/{instance}/token/{id} 200": 10}), false},
		{"failed command", requestRow{tokenTarget: 0, err: errors.New("boom")}, false},
	}
	for _, tt := range tests {
		if got := tt.row.met(); got != tt.want {
			t.Errorf("%s: met = %t, want %t", tt.name, got, tt.want)
		}
	}
}

func TestNoopConfigMatchesTokensConfig(t *testing.T) {
	t.Parallel()
	noop, tokens := noopConfig(5, 10), tokensConfig(5, 10)
	if got, want := strings.Count(noop, "count = 10"), strings.Count(tokens, "count      = 10"); got != 5 || want != 5 {
		t.Fatalf("counted blocks: no-op %d, tokens %d; want 5 each", got, want)
	}
	if !strings.Contains(noop, `source = "`+noopProviderSource+`"`) {
		t.Fatalf("the no-op configuration does not require %s:\n%s", noopProviderSource, noop)
	}
}

// The shaped and raw configurations differ only in their provider: the
// same resources, attributes and scope block as the token configuration.
func TestRawConfigMatchesShapedConfig(t *testing.T) {
	t.Parallel()
	shaped, raw := shapedConfig(5, 10), rawConfig(5, 10)
	if !strings.Contains(raw, `source = "`+rawProviderSource+`"`) || strings.Contains(raw, "noop_shaped") {
		t.Fatalf("the raw configuration does not require %s only:\n%s", rawProviderSource, raw)
	}
	body := func(s string) string { return s[strings.Index(s, "resource "):] }
	if got := strings.ReplaceAll(body(raw), "noopraw_shaped", "noop_shaped"); got != body(shaped) {
		t.Fatalf("the raw resources\n%s\ndiffer from the shaped ones\n%s", body(raw), body(shaped))
	}
	if n := strings.Count(raw, "scope {"); n != 5 {
		t.Fatalf("the raw configuration has %d scope blocks, want 5", n)
	}
}

func TestRenameModule(t *testing.T) {
	t.Parallel()
	got, err := renameModule("// comment\nmodule example.com/x\n\ngo 1.26\n", "noopprovider")
	if err != nil {
		t.Fatal(err)
	}
	if want := "// comment\nmodule noopprovider\n\ngo 1.26\n"; got != want {
		t.Fatalf("renameModule = %q, want %q", got, want)
	}
	if _, err := renameModule("go 1.26\n", "x"); err == nil {
		t.Fatal("a go.mod without a module line was accepted")
	}
}

func TestParsePprofTop(t *testing.T) {
	t.Parallel()
	out := `File: terraform-provider-xano
Type: cpu
Duration: 4.35s, Total samples = 1580ms (36.33%)
Showing nodes accounting for 1580ms, 100% of 1580ms total
      flat  flat%   sum%        cum   cum%
         0     0%     0%     1130ms 71.52%  google.golang.org/grpc.(*Server).handleStream
      10ms  0.63%  3.80%      160ms 10.13%  github.com/hashicorp/terraform-plugin-framework/resource/schema.schemaAttributes (inline)
      30ms  1.90%  5.70%       30ms  1.90%  crypto/internal/fips140/nistec/fiat.p521CmovznzU64 (partial-inline)
     120ms  7.59% 12.66%      130ms  8.23%  crypto/internal/fips140/nistec/fiat.p521Mul
`
	top := parsePprofTop(out)
	if top.total != 1580*time.Millisecond {
		t.Fatalf("total = %v, want 1.58s", top.total)
	}
	if d, ok := top.cum("github.com/hashicorp/terraform-plugin-framework/resource/schema.schemaAttributes"); !ok || d != 160*time.Millisecond {
		t.Fatalf("cum of an inlined function = %v, %t; want 160ms", d, ok)
	}
	if _, ok := top.cum("crypto/internal/fips140/nistec/fiat.p521CmovznzU64"); !ok {
		t.Fatal("a partly inlined function was not found by its name")
	}
	if _, ok := top.cum("main.main"); ok {
		t.Fatal("a function missing from the profile was found")
	}
	flat := top.topFlat(2)
	if len(flat) != 2 || flat[0].function != "crypto/internal/fips140/nistec/fiat.p521Mul" || flat[1].flat != 30*time.Millisecond {
		t.Fatalf("topFlat(2) = %+v", flat)
	}
	if got := profileCell(top, "google.golang.org/grpc.(*Server).handleStream", 2); got != "565 ms (72%)" {
		t.Fatalf("profileCell = %q", got)
	}
	if got := profileCell(top, "main.main", 1); got != "—" {
		t.Fatalf("profileCell of a missing function = %q", got)
	}
}

func TestExtractTarRefusesEscapes(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, name := range []string{"ok/main.go", "../escape.go"} {
		if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: 2}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte("hi")); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	err := extractTar(&buf, dir)
	if err == nil || !strings.Contains(err.Error(), "outside") {
		t.Fatalf("extractTar = %v, want an error about a path outside", err)
	}
	if data, err := os.ReadFile(filepath.Join(dir, "ok", "main.go")); err != nil || string(data) != "hi" {
		t.Fatalf("the file before the escape was not extracted: %q, %v", data, err)
	}
}
