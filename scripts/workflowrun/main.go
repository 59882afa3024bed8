// Command workflowrun runs the `run` steps of one job of a GitHub Actions
// workflow on this machine, so a test can prove that the workflow's own
// commands work instead of a copy of them. Steps that `uses` an action are
// skipped: the caller provides what they would (a checkout, Go, Terraform).
//
//	go run ./scripts/workflowrun -workflow FILE -job JOB -workspace DIR [-set NAME=VALUE]...
//
// Each step runs with bash -eo pipefail, as on GitHub's runners, in the
// workspace or its working-directory, with the workflow's and the step's
// env, RUNNER_TEMP, GITHUB_WORKSPACE, and GITHUB_PATH and GITHUB_ENV honoured
// between steps. -set overrides a workflow env value (a repository URL on an
// offline machine, for example). A step's output is printed when it fails.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"
)

func main() {
	os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
}

// workflow is the part of a workflow file this command reads.
type workflow struct {
	Env  map[string]string `yaml:"env"`
	Jobs map[string]struct {
		Env   map[string]string `yaml:"env"`
		Steps []step            `yaml:"steps"`
	} `yaml:"jobs"`
}

type step struct {
	Name             string            `yaml:"name"`
	Uses             string            `yaml:"uses"`
	Run              string            `yaml:"run"`
	Shell            string            `yaml:"shell"`
	Env              map[string]string `yaml:"env"`
	WorkingDirectory string            `yaml:"working-directory"`
}

// setFlag collects the repeatable -set NAME=VALUE.
type setFlag map[string]string

func (s setFlag) String() string { return fmt.Sprint(map[string]string(s)) }

func (s setFlag) Set(v string) error {
	name, value, ok := strings.Cut(v, "=")
	if !ok || name == "" {
		return fmt.Errorf("want NAME=VALUE, got %q", v)
	}
	s[name] = value
	return nil
}

func realMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("workflowrun", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("workflow", "", "the workflow `file`")
	job := fs.String("job", "", "the `job` whose steps run")
	workspace := fs.String("workspace", "", "the checked-out repository, `dir`")
	every := fs.Duration("every", 20*time.Second, "print a line while a step runs longer than this")
	sets := setFlag{}
	fs.Var(sets, "set", "override a workflow env value: `NAME=VALUE` (repeatable)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *file == "" || *job == "" || *workspace == "" {
		fmt.Fprintln(stderr, "workflowrun: -workflow, -job and -workspace are required.")
		return 2
	}
	steps, env, err := load(*file, *job, sets)
	if err != nil {
		fmt.Fprintf(stderr, "workflowrun: %v\n", err)
		return 1
	}
	ws, err := filepath.Abs(*workspace)
	if err != nil {
		fmt.Fprintf(stderr, "workflowrun: %v\n", err)
		return 1
	}
	r, err := newRunner(ws, env, *every, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "workflowrun: %v\n", err)
		return 1
	}
	defer os.RemoveAll(r.temp)
	for i, s := range steps {
		if err := r.step(i+1, s); err != nil {
			fmt.Fprintf(stderr, "workflowrun: %v\n", err)
			return 1
		}
	}
	return 0
}

// load reads the job's steps and the env they share: the workflow's, then
// the job's, then the overrides, each in name order so that one may refer to
// another already set.
func load(file, job string, sets map[string]string) ([]step, map[string]string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, err
	}
	var w workflow
	if err := yaml.Unmarshal(b, &w); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", file, err)
	}
	j, ok := w.Jobs[job]
	if !ok {
		return nil, nil, fmt.Errorf("%s has no job %q", file, job)
	}
	for name := range sets {
		if _, ok := w.Env[name]; !ok {
			return nil, nil, fmt.Errorf("-set %s: the workflow's env has no %s to override", name, name)
		}
	}
	env := map[string]string{}
	for _, layer := range []map[string]string{w.Env, j.Env, sets} {
		for name, v := range layer {
			env[name] = v
		}
	}
	return j.Steps, env, nil
}

type runner struct {
	workspace string
	temp      string
	env       map[string]string // workflow env, then GITHUB_ENV additions
	paths     []string          // GITHUB_PATH additions, newest first
	every     time.Duration
	out       io.Writer
}

func newRunner(workspace string, env map[string]string, every time.Duration, out io.Writer) (*runner, error) {
	temp, err := os.MkdirTemp("", "workflowrun-")
	if err != nil {
		return nil, err
	}
	return &runner{workspace: workspace, temp: temp, env: env, every: every, out: out}, nil
}

var expression = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)

// expand replaces the expressions this runner knows (env.NAME, runner.temp,
// github.workspace) and refuses any other, which it cannot evaluate honestly.
func (r *runner) expand(s string) (string, error) {
	var bad []string
	out := expression.ReplaceAllStringFunc(s, func(m string) string {
		e := expression.FindStringSubmatch(m)[1]
		switch {
		case strings.HasPrefix(e, "env."):
			if v, ok := r.env[strings.TrimPrefix(e, "env.")]; ok {
				return v
			}
		case e == "runner.temp":
			return r.temp
		case e == "github.workspace":
			return r.workspace
		}
		bad = append(bad, m)
		return m
	})
	if len(bad) > 0 {
		return "", fmt.Errorf("cannot evaluate %s here", strings.Join(bad, ", "))
	}
	return out, nil
}

func (r *runner) step(n int, s step) error {
	name := s.Name
	if name == "" {
		name = strings.SplitN(strings.TrimSpace(s.Run), "\n", 2)[0]
		if s.Uses != "" {
			name = s.Uses
		}
	}
	if s.Uses != "" {
		fmt.Fprintf(r.out, "    step %d: %s: skipped (uses: %s; provided by the caller)\n", n, name, s.Uses)
		return nil
	}
	if s.Shell != "" && s.Shell != "bash" {
		return fmt.Errorf("step %d (%s): shell %q is not supported; only bash", n, name, s.Shell)
	}
	dir := r.workspace
	if s.WorkingDirectory != "" {
		wd, err := r.expand(s.WorkingDirectory)
		if err != nil {
			return fmt.Errorf("step %d (%s): working-directory: %w", n, name, err)
		}
		dir = filepath.Join(r.workspace, wd)
	}
	script, err := r.expand(s.Run)
	if err != nil {
		return fmt.Errorf("step %d (%s): %w", n, name, err)
	}
	env, err := r.environ(s.Env)
	if err != nil {
		return fmt.Errorf("step %d (%s): env: %w", n, name, err)
	}
	ghPath := filepath.Join(r.temp, fmt.Sprintf("path-%d", n))
	ghEnv := filepath.Join(r.temp, fmt.Sprintf("env-%d", n))
	env = append(env, "GITHUB_PATH="+ghPath, "GITHUB_ENV="+ghEnv)

	fmt.Fprintf(r.out, "    step %d: %s\n", n, name)
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script)
	cmd.Dir, cmd.Env = dir, env
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	start := time.Now()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(r.every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				fmt.Fprintf(r.out, "      ... still running (%ds)\n", int(time.Since(start).Seconds()))
			}
		}
	}()
	err = cmd.Run()
	close(done)
	wg.Wait()
	if err != nil {
		fmt.Fprintf(r.out, "%s", log.Bytes())
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return fmt.Errorf("step %d (%s) exited with status %d", n, name, exit.ExitCode())
		}
		return fmt.Errorf("step %d (%s): %w", n, name, err)
	}
	fmt.Fprintf(r.out, "      ok (%.1fs)\n", time.Since(start).Seconds())
	return r.collect(ghPath, ghEnv)
}

// environ is this process's environment with the workflow's env, the
// GITHUB_ENV additions, the step's env and RUNNER_TEMP and GITHUB_WORKSPACE
// over it, and the GITHUB_PATH additions in front of PATH.
func (r *runner) environ(stepEnv map[string]string) ([]string, error) {
	vars := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vars[k] = v
		}
	}
	for k, v := range r.env {
		vars[k] = v
	}
	for k, v := range stepEnv {
		x, err := r.expand(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		vars[k] = x
	}
	vars["RUNNER_TEMP"] = r.temp
	vars["GITHUB_WORKSPACE"] = r.workspace
	if len(r.paths) > 0 {
		vars["PATH"] = strings.Join(append(append([]string{}, r.paths...), vars["PATH"]), string(os.PathListSeparator))
	}
	out := make([]string, 0, len(vars))
	for k, v := range vars {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out, nil
}

// collect reads what a step appended to GITHUB_PATH and GITHUB_ENV (the
// NAME=VALUE form; the multi-line form is refused).
func (r *runner) collect(ghPath, ghEnv string) error {
	lines, err := readLines(ghPath)
	if err != nil {
		return err
	}
	for _, l := range lines {
		r.paths = append([]string{l}, r.paths...)
	}
	lines, err = readLines(ghEnv)
	if err != nil {
		return err
	}
	for _, l := range lines {
		k, v, ok := strings.Cut(l, "=")
		if !ok || strings.Contains(k, "<<") {
			return fmt.Errorf("GITHUB_ENV line %q: only NAME=VALUE is supported", l)
		}
		r.env[k] = v
	}
	return nil
}

func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			lines = append(lines, l)
		}
	}
	return lines, sc.Err()
}
