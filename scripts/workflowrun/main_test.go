package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testWorkflow = `
env:
  GREETING: hello
  SUBDIR: sub
jobs:
  test:
    steps:
      - uses: actions/checkout@v4
      - name: add a tool to PATH
        run: |
          mkdir -p "$RUNNER_TEMP/bin"
          printf '#!/bin/sh\necho "tool says $GREETING"\n' > "$RUNNER_TEMP/bin/tool"
          chmod +x "$RUNNER_TEMP/bin/tool"
          echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"
          echo "FROM_ENV=set by step 2" >> "$GITHUB_ENV"
      - name: use it
        working-directory: ${{ env.SUBDIR }}
        env:
          WHERE: ${{ github.workspace }}
        run: |
          tool > out.txt
          echo "$FROM_ENV" >> out.txt
          test "$WHERE" = "$GITHUB_WORKSPACE"
          basename "$PWD" >> out.txt
  broken:
    steps:
      - name: fails
        run: |
          echo "the reason it failed"
          false
          echo "never reached"
  unknown:
    steps:
      - run: echo ${{ secrets.TOKEN }}
`

func TestRealMain(t *testing.T) {
	tests := []struct {
		name     string
		job      string
		sets     []string
		wantCode int
		wantOut  []string
		wantErr  string
		wantFile string
	}{{
		name:     "steps share PATH, env and the workspace",
		job:      "test",
		wantOut:  []string{"step 1: actions/checkout@v4: skipped", "step 2: add a tool to PATH", "step 3: use it", "ok ("},
		wantFile: "tool says hello\nset by step 2\nsub\n",
	}, {
		name:     "-set overrides a workflow env value",
		job:      "test",
		sets:     []string{"GREETING=bonjour"},
		wantFile: "tool says bonjour\nset by step 2\nsub\n",
	}, {
		name:     "-set of a name the workflow lacks is refused",
		job:      "test",
		sets:     []string{"NOPE=1"},
		wantCode: 1,
		wantErr:  "the workflow's env has no NOPE",
	}, {
		name:     "a failing step prints its output and stops",
		job:      "broken",
		wantCode: 1,
		wantOut:  []string{"the reason it failed"},
		wantErr:  "step 1 (fails) exited with status 1",
	}, {
		name:     "an expression it cannot evaluate is refused",
		job:      "unknown",
		wantCode: 1,
		wantErr:  "cannot evaluate ${{ secrets.TOKEN }}",
	}, {
		name:     "a missing job is refused",
		job:      "nope",
		wantCode: 1,
		wantErr:  `has no job "nope"`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "wf.yml")
			if err := os.WriteFile(file, []byte(testWorkflow), 0o600); err != nil {
				t.Fatal(err)
			}
			ws := filepath.Join(dir, "ws")
			if err := os.MkdirAll(filepath.Join(ws, "sub"), 0o700); err != nil {
				t.Fatal(err)
			}
			args := []string{"-workflow", file, "-job", tt.job, "-workspace", ws}
			for _, s := range tt.sets {
				args = append(args, "-set", s)
			}
			var stdout, stderr bytes.Buffer
			if code := realMain(args, &stdout, &stderr); code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stdout:\n%s\nstderr:\n%s", code, tt.wantCode, stdout.String(), stderr.String())
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout.String())
				}
			}
			if strings.Contains(stdout.String(), "never reached") {
				t.Errorf("the step went on after a failing command:\n%s", stdout.String())
			}
			if tt.wantErr != "" && !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErr, stderr.String())
			}
			if tt.wantFile != "" {
				b, err := os.ReadFile(filepath.Join(ws, "sub", "out.txt"))
				if err != nil {
					t.Fatal(err)
				}
				if string(b) != tt.wantFile {
					t.Errorf("out.txt = %q, want %q", b, tt.wantFile)
				}
			}
		})
	}
}
