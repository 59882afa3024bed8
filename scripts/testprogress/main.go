// Command testprogress runs `go test -json` and prints one line per package
// as it finishes, a heartbeat while packages run, and the whole output of
// every failing test, so `make test` is never silent for long and a failure
// still shows everything it printed.
//
//	go run ./scripts/testprogress [-C dir] [-every 15s] -- [go test flags] [packages]
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"time"
)

func main() {
	os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
}

func realMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("testprogress", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("C", "", "run go test in `dir`")
	every := fs.Duration("every", 15*time.Second, "print a heartbeat after this long without a line")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cmd := exec.Command("go", append([]string{"test", "-json"}, fs.Args()...)...)
	cmd.Dir = *dir
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintf(stderr, "testprogress: %v\n", err)
		return 1
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(stderr, "testprogress: cannot start go test: %v\n", err)
		return 1
	}
	r := newReport(stdout, time.Now)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(*every / 5)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				r.heartbeat(*every)
			}
		}
	}()
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1024*1024), 64*1024*1024)
	for sc.Scan() {
		r.line(sc.Bytes())
	}
	waitErr := cmd.Wait()
	close(stop)
	wg.Wait()
	failed := r.finish()
	var exit *exec.ExitError
	switch {
	case errors.As(waitErr, &exit):
		if !failed {
			fmt.Fprintf(stdout, "go test exited with status %d\n", exit.ExitCode())
		}
		return exit.ExitCode()
	case waitErr != nil:
		fmt.Fprintf(stderr, "testprogress: %v\n", waitErr)
		return 1
	case failed:
		return 1
	}
	return 0
}

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Time       time.Time
	Action     string
	Package    string
	ImportPath string
	Test       string
	Elapsed    float64
	Output     string
}

// key names a test within its package; an empty test is the package itself.
type key struct{ pkg, test string }

type report struct {
	mu      sync.Mutex
	w       io.Writer
	now     func() time.Time
	last    time.Time           // when a line was last printed
	output  map[key][]string    // buffered output of tests still running
	started map[key]time.Time   // running tests and packages
	passed  map[string]int      // tests passed per package
	failed  bool                // a test, a package or a build failed
	done    map[string]bool     // packages already reported
	order   []string            // packages in the order they started
	summary map[string][]string // failing test names per package
	builds  map[string][]string // build output per import path
}

func newReport(w io.Writer, now func() time.Time) *report {
	return &report{
		w: w, now: now, last: now(),
		output:  map[key][]string{},
		started: map[key]time.Time{},
		passed:  map[string]int{},
		done:    map[string]bool{},
		summary: map[string][]string{},
		builds:  map[string][]string{},
	}
}

func (r *report) printf(format string, args ...any) {
	fmt.Fprintf(r.w, format, args...)
	r.last = r.now()
}

// modulePath is the repository's module, which every package name
// repeats.
const modulePath = "github.com/terraform-provider-xano/terraform-provider-xano"

// short drops the module path from a package's import path; the module's
// own root package keeps its last element.
func short(pkg string) string {
	if rest, ok := strings.CutPrefix(pkg, modulePath+"/"); ok {
		return rest
	}
	if pkg == modulePath {
		return "terraform-provider-xano"
	}
	return pkg
}

// line handles one line of go test's output; a line that is not an event
// (a build error printed before the tests start) is printed as it is.
func (r *report) line(b []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var e event
	if len(b) == 0 || b[0] != '{' || json.Unmarshal(b, &e) != nil {
		r.printf("%s\n", b)
		return
	}
	switch e.Action {
	case "build-output":
		r.builds[e.ImportPath] = append(r.builds[e.ImportPath], e.Output)
		return
	case "build-fail":
		r.failed = true
		r.printf("FAIL build %s\n%s", e.ImportPath, strings.Join(r.builds[e.ImportPath], ""))
		return
	}
	k := key{e.Package, e.Test}
	switch e.Action {
	case "start":
		r.started[k] = r.now()
		r.order = append(r.order, e.Package)
	case "run", "cont":
		r.started[k] = r.now()
	case "pause":
		// A parallel test waits for its turn: it is not what is running.
		delete(r.started, k)
	case "output":
		r.output[k] = append(r.output[k], e.Output)
	case "pass", "skip":
		if e.Test == "" {
			r.packageDone(e)
			return
		}
		if e.Action == "pass" {
			r.passed[e.Package]++
		}
		delete(r.output, k)
		delete(r.started, k)
	case "fail":
		r.failed = true
		if e.Test == "" {
			r.packageDone(e)
			return
		}
		r.summary[e.Package] = append(r.summary[e.Package], e.Test)
		r.printf("--- FAIL %s %s (%.2fs)\n%s", short(e.Package), e.Test, e.Elapsed, strings.Join(r.output[k], ""))
		delete(r.output, k)
		delete(r.started, k)
	}
}

// packageDone prints the package's line. A failed package also prints its
// own output and that of any test still running when it stopped (a panic or
// a timeout), which no test event will print.
func (r *report) packageDone(e event) {
	k := key{e.Package, ""}
	r.done[e.Package] = true
	delete(r.started, k)
	own := r.output[k]
	var rest []string
	for other, lines := range r.output {
		if other.pkg == e.Package {
			if other.test != "" && e.Action == "fail" {
				rest = append(rest, fmt.Sprintf("--- %s (did not finish)\n%s", other.test, strings.Join(lines, "")))
			}
			delete(r.output, other)
			delete(r.started, other)
		}
	}
	switch e.Action {
	case "fail":
		sort.Strings(rest)
		r.printf("%s%sFAIL %s (%.1fs)", strings.Join(rest, ""), strings.Join(own, ""), short(e.Package), e.Elapsed)
		if names := r.summary[e.Package]; len(names) > 0 {
			r.printf(": %s", strings.Join(names, ", "))
		}
		r.printf("\n")
	case "skip":
		r.printf("--   %s (no tests)\n", short(e.Package))
	default:
		r.printf("ok   %s %.1fs (%d tests)\n", short(e.Package), e.Elapsed, r.passed[e.Package])
	}
}

// heartbeat says what is still running once nothing has been printed for
// the given time: each running package, with its longest-running test.
func (r *report) heartbeat(after time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	if now.Sub(r.last) < after {
		return
	}
	var parts []string
	for _, pkg := range r.order {
		since, ok := r.started[key{pkg, ""}]
		if !ok || r.done[pkg] {
			continue
		}
		part := fmt.Sprintf("%s %ds, %d tests passed", short(pkg), int(now.Sub(since).Seconds()), r.passed[pkg])
		var oldest key
		var oldestAt time.Time
		for k, at := range r.started {
			if k.pkg == pkg && k.test != "" && !strings.Contains(k.test, "/") && (oldestAt.IsZero() || at.Before(oldestAt)) {
				oldest, oldestAt = k, at
			}
		}
		if !oldestAt.IsZero() {
			part += fmt.Sprintf(", in %s for %ds", oldest.test, int(now.Sub(oldestAt).Seconds()))
		}
		parts = append(parts, part)
	}
	if len(parts) == 0 {
		r.printf("     ... building and linking the test binaries\n")
		return
	}
	r.printf("     ... still running: %s\n", strings.Join(parts, "; "))
}

// finish reports tests that never finished (go test was killed) and
// whether anything failed.
func (r *report) finish() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	var lost []string
	for k, lines := range r.output {
		if len(lines) > 0 {
			name := short(k.pkg)
			if k.test != "" {
				name += " " + k.test
			}
			lost = append(lost, fmt.Sprintf("--- %s (no result)\n%s", name, strings.Join(lines, "")))
		}
	}
	sort.Strings(lost)
	for _, l := range lost {
		r.printf("%s", l)
	}
	return r.failed || len(lost) > 0
}
