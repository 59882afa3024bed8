package benchprof

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStart(t *testing.T) {
	cases := []struct {
		name string
		// dir is the value of Env, relative to a temporary directory; "-"
		// leaves Env unset.
		dir        string
		wantFile   bool
		wantErrSub string
	}{
		{name: "unset: no profile", dir: "-"},
		{name: "set: one profile per process", dir: ".", wantFile: true},
		{name: "missing directory", dir: "missing", wantErrSub: Env},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			t.Setenv(Env, "")
			if tc.dir != "-" {
				t.Setenv(Env, filepath.Join(tmp, tc.dir))
			}
			stop, err := Start()
			if tc.wantErrSub != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErrSub) {
					t.Fatalf("Start() = %v, want an error naming %s", err, tc.wantErrSub)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			stop()
			name := filepath.Join(tmp, fmt.Sprintf("cpu-%d.pprof", os.Getpid()))
			fi, err := os.Stat(name)
			if !tc.wantFile {
				if err == nil {
					t.Fatalf("%s written with %s unset", name, Env)
				}
				return
			}
			if err != nil {
				t.Fatalf("no profile written: %v", err)
			}
			if fi.Size() == 0 {
				t.Fatalf("%s is empty", name)
			}
		})
	}
}
