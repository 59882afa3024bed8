package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

const mod = modulePath + "/internal/"

func TestReport(t *testing.T) {
	tests := []struct {
		name   string
		lines  []string
		failed bool
		want   []string // substrings of the report, in order
		absent []string
	}{{
		name: "a passing package is one line and hides its tests' output",
		lines: []string{
			`{"Action":"start","Package":"` + mod + `a"}`,
			`{"Action":"run","Package":"` + mod + `a","Test":"TestX"}`,
			`{"Action":"output","Package":"` + mod + `a","Test":"TestX","Output":"=== RUN TestX\n"}`,
			`{"Action":"output","Package":"` + mod + `a","Test":"TestX","Output":"noise of a passing test\n"}`,
			`{"Action":"pass","Package":"` + mod + `a","Test":"TestX","Elapsed":0.1}`,
			`{"Action":"output","Package":"` + mod + `a","Output":"PASS\n"}`,
			`{"Action":"pass","Package":"` + mod + `a","Elapsed":1.25}`,
		},
		want:   []string{"ok   internal/a 1.2s (1 tests)\n"},
		absent: []string{"noise"},
	}, {
		name: "a failing test prints all its output",
		lines: []string{
			`{"Action":"start","Package":"` + mod + `b"}`,
			`{"Action":"run","Package":"` + mod + `b","Test":"TestY"}`,
			`{"Action":"output","Package":"` + mod + `b","Test":"TestY","Output":"    y_test.go:9: got 1, want 2\n"}`,
			`{"Action":"fail","Package":"` + mod + `b","Test":"TestY","Elapsed":0.5}`,
			`{"Action":"fail","Package":"` + mod + `b","Elapsed":0.6}`,
		},
		failed: true,
		want:   []string{"--- FAIL internal/b TestY (0.50s)\n", "y_test.go:9: got 1, want 2\n", "FAIL internal/b (0.6s): TestY\n"},
	}, {
		name: "a panic prints the test that did not finish and the package output",
		lines: []string{
			`{"Action":"start","Package":"` + mod + `c"}`,
			`{"Action":"run","Package":"` + mod + `c","Test":"TestZ"}`,
			`{"Action":"output","Package":"` + mod + `c","Test":"TestZ","Output":"panic: test timed out after 1s\n"}`,
			`{"Action":"output","Package":"` + mod + `c","Output":"FAIL\texample.com/m/internal/c\t1.0s\n"}`,
			`{"Action":"fail","Package":"` + mod + `c","Elapsed":1.0}`,
		},
		failed: true,
		want:   []string{"--- TestZ (did not finish)\n", "panic: test timed out", "FAIL\texample.com/m/internal/c", "FAIL internal/c (1.0s)\n"},
	}, {
		name: "a build failure prints the compiler's output",
		lines: []string{
			`{"ImportPath":"` + mod + `d","Action":"build-output","Output":"internal/d/d.go:3:1: syntax error\n"}`,
			`{"ImportPath":"` + mod + `d","Action":"build-fail"}`,
			`{"Action":"start","Package":"` + mod + `d"}`,
			`{"Action":"output","Package":"` + mod + `d","Output":"FAIL\texample.com/m/internal/d [build failed]\n"}`,
			`{"Action":"fail","Package":"` + mod + `d","Elapsed":0}`,
		},
		failed: true,
		want:   []string{"FAIL build " + mod + "d\n", "syntax error", "[build failed]", "FAIL internal/d"},
	}, {
		name:   "a line that is not an event is printed as it is",
		lines:  []string{`go: errors parsing go.mod`},
		want:   []string{"go: errors parsing go.mod\n"},
		failed: false,
	}, {
		name: "a package without tests is one line",
		lines: []string{
			`{"Action":"start","Package":"` + mod + `e"}`,
			`{"Action":"output","Package":"` + mod + `e","Output":"?   \texample.com/m/internal/e\t[no test files]\n"}`,
			`{"Action":"skip","Package":"` + mod + `e","Elapsed":0}`,
		},
		want:   []string{"--   internal/e (no tests)\n"},
		absent: []string{"[no test files]"},
	}, {
		name: "output of a test cut off without a result is printed at the end",
		lines: []string{
			`{"Action":"start","Package":"` + mod + `f"}`,
			`{"Action":"run","Package":"` + mod + `f","Test":"TestK"}`,
			`{"Action":"output","Package":"` + mod + `f","Test":"TestK","Output":"last words\n"}`,
		},
		failed: true,
		want:   []string{"--- internal/f TestK (no result)\nlast words\n"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			now := time.Unix(0, 0)
			r := newReport(&buf, func() time.Time { return now })
			for _, l := range tt.lines {
				r.line([]byte(l))
			}
			if got := r.finish(); got != tt.failed {
				t.Errorf("finish() = %v, want %v", got, tt.failed)
			}
			out := buf.String()
			rest := out
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("report lacks %q (in order); report:\n%s", w, out)
				}
				rest = rest[i+len(w):]
			}
			for _, a := range tt.absent {
				if strings.Contains(out, a) {
					t.Errorf("report contains %q; report:\n%s", a, out)
				}
			}
		})
	}
}

func TestHeartbeat(t *testing.T) {
	tests := []struct {
		name    string
		lines   []string
		elapsed time.Duration
		want    string
	}{{
		name:    "quiet for less than the interval",
		lines:   []string{`{"Action":"start","Package":"` + mod + `a"}`},
		elapsed: 10 * time.Second,
		want:    "",
	}, {
		name: "names the running package and its oldest test",
		lines: []string{
			`{"Action":"start","Package":"` + mod + `a"}`,
			`{"Action":"run","Package":"` + mod + `a","Test":"TestSlow"}`,
			`{"Action":"run","Package":"` + mod + `a","Test":"TestSlow/sub"}`,
		},
		elapsed: 25 * time.Second,
		want:    "     ... still running: internal/a 25s, 0 tests passed, in TestSlow for 25s\n",
	}, {
		name: "a paused parallel test is not the one running",
		lines: []string{
			`{"Action":"start","Package":"` + mod + `a"}`,
			`{"Action":"run","Package":"` + mod + `a","Test":"TestParallel"}`,
			`{"Action":"pause","Package":"` + mod + `a","Test":"TestParallel"}`,
			`{"Action":"run","Package":"` + mod + `a","Test":"TestSerial"}`,
		},
		elapsed: 25 * time.Second,
		want:    "     ... still running: internal/a 25s, 0 tests passed, in TestSerial for 25s\n",
	}, {
		name: "the root package and a nested module's packages keep a short name",
		lines: []string{
			`{"Action":"start","Package":"` + modulePath + `"}`,
			`{"Action":"start","Package":"` + modulePath + `/tools/xano-bench/shape"}`,
		},
		elapsed: 25 * time.Second,
		want:    "     ... still running: terraform-provider-xano 25s, 0 tests passed; tools/xano-bench/shape 25s, 0 tests passed\n",
	}, {
		name:    "before any package starts",
		elapsed: 25 * time.Second,
		want:    "     ... building and linking the test binaries\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			now := time.Unix(0, 0)
			r := newReport(&buf, func() time.Time { return now })
			for _, l := range tt.lines {
				r.line([]byte(l))
			}
			buf.Reset()
			now = now.Add(tt.elapsed)
			r.heartbeat(20 * time.Second)
			if got := buf.String(); got != tt.want {
				t.Errorf("heartbeat = %q, want %q", got, tt.want)
			}
		})
	}
}
