package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRenameMain(t *testing.T) {
	cases := []struct {
		name, src  string
		want       []string // substrings of the result
		wantErrSub string
	}{
		{
			name: "func main renamed, comments kept",
			src:  "package main\n\n// main serves.\nfunc main() { serve() }\n\nfunc serve() {}\n",
			want: []string{"// main serves.\nfunc providerMain() { serve() }", "func serve() {}"},
		},
		{
			name: "a method named main is not the entry point",
			src:  "package main\n\ntype t struct{}\n\nfunc (t) main() {}\n\nfunc main() {}\n",
			want: []string{"func (t) main() {}", "func providerMain() {}"},
		},
		{name: "no func main", src: "package main\n\nfunc serve() {}\n", wantErrSub: "no func main"},
		{name: "the new name taken", src: "package main\n\nfunc main() {}\n\nfunc providerMain() {}\n", wantErrSub: "already declares providerMain"},
		{name: "not Go", src: "package main\n\nfunc main( {\n", wantErrSub: "main.go"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := renameMain([]byte(tc.src))
			if tc.wantErrSub != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErrSub) {
					t.Fatalf("renameMain = %v, want an error containing %q", err, tc.wantErrSub)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(got), w) {
					t.Errorf("renameMain gave\n%s\nwithout %q", got, w)
				}
			}
			if strings.Contains(string(got), "func main()") {
				t.Errorf("renameMain left a func main:\n%s", got)
			}
		})
	}
}

func TestProfilesItself(t *testing.T) {
	for src, want := range map[string]bool{
		`const cpuProfileEnv = "XANO_CPUPROFILE"`:  true,
		"// XANO_CPUPROFILE is read by the bench.": false,
		"func main() {}": false,
	} {
		if got := profilesItself([]byte(src)); got != want {
			t.Errorf("profilesItself(%q) = %v, want %v", src, got, want)
		}
	}
}

// TestProfiledProviderWritesAProfile builds the repository's provider as item
// 6 does and checks that a process stopped the way Terraform stops it leaves
// a CPU profile, and that the shipped build leaves none.
func TestProfiledProviderWritesAProfile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the provider twice")
	}
	ctx := context.Background()
	root, err := moduleRoot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	shipped, err := buildProvider(ctx, root, t.TempDir(), true)
	if err != nil {
		t.Fatal(err)
	}
	profiled, err := buildProfiledProvider(ctx, root, filepath.Join(tmp, "module"), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, bin string
		profiles  int
	}{{"shipped", shipped, 0}, {"profiled", profiled, 1}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if _, err := launchAndAskSchema(ctx, tc.bin, filepath.Join(tmp, "sock-"+tc.name), profileEnv+"="+dir); err != nil {
				t.Fatal(err)
			}
			files, _ := filepath.Glob(filepath.Join(dir, "cpu-*.pprof"))
			if len(files) != tc.profiles {
				t.Fatalf("%d profiles written, want %d", len(files), tc.profiles)
			}
			for _, f := range files {
				if fi, err := os.Stat(f); err != nil || fi.Size() == 0 {
					t.Fatalf("%s is empty or unreadable: %v", f, err)
				}
			}
		})
	}
}
