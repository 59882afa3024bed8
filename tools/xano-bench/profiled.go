package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/terraform-provider-xano/terraform-provider-xano/tools/xano-bench/benchprof"
)

// servedMain is the name main.go's func main takes in the profiled build.
const servedMain = "providerMain"

// profiledWrapper is the main of the profiled build: the CPU profile runs
// around main.go's own main, so item 6 profiles what the shipped binary does
// (its flags, GC setting and log levels) while the binary itself has no hook.
const profiledWrapper = `package main

import (
	"log"

	"` + benchModule + `/benchprof"
)

func main() {
	stop, err := benchprof.Start()
	if err != nil {
		log.Fatal(err)
	}
	` + servedMain + `()
	stop()
}
`

// renameMain returns main.go's source with its func main renamed
// servedMain, for the profiled build.
func renameMain(src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "main.go", src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	var found *ast.FuncDecl
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv != nil {
			continue
		}
		switch fd.Name.Name {
		case "main":
			found = fd
		case servedMain:
			return nil, fmt.Errorf("main.go already declares %s", servedMain)
		}
	}
	if found == nil {
		return nil, errors.New("main.go has no func main")
	}
	found.Name.Name = servedMain
	var b bytes.Buffer
	if err := format.Node(&b, fset, f); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// profilesItself reports whether a main.go starts its own CPU profile, as
// the provider's did before the hook moved here; such a build is profiled
// as it is.
func profilesItself(src []byte) bool {
	return bytes.Contains(src, []byte(`"`+benchprof.Env+`"`))
}

// buildProfiledProvider builds the provider whose module is src, wrapped in
// profiledWrapper, with the release link flags into dir, in a temporary
// module modDir that takes src's go.mod and go.sum and replaces the provider
// with src. A main.go that profiles itself is built as it is.
func buildProfiledProvider(ctx context.Context, src, modDir, dir string) (string, error) {
	mainGo, err := os.ReadFile(filepath.Join(src, "main.go"))
	if err != nil {
		return "", err
	}
	if profilesItself(mainGo) {
		return buildProvider(ctx, src, dir, true)
	}
	renamed, err := renameMain(mainGo)
	if err != nil {
		return "", fmt.Errorf("wrapping the provider's main.go: %w", err)
	}
	prof, err := noopSources.ReadFile("benchprof/benchprof.go")
	if err != nil {
		return "", err
	}
	files := map[string][]byte{
		"profiledprovider/main.go":    renamed,
		"profiledprovider/profile.go": []byte(profiledWrapper),
		"benchprof/benchprof.go":      prof,
	}
	// The provider's own module is the one dependency the module adds.
	replace := fmt.Sprintf("\nrequire %s v0.0.0\n\nreplace %s => %s\n", providerModule, providerModule, src)
	if err := writeBenchModule(src, modDir, replace, files); err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "terraform-provider-xano")
	if err := goBuild(ctx, modDir, bin, "./profiledprovider", releaseLDFlags); err != nil {
		return "", fmt.Errorf("building the profiled provider: %w", err)
	}
	return bin, nil
}

// writeBenchModule writes files into dir as a module named benchModule whose
// go.mod is root's with extra appended and whose go.sum is root's, so its
// binaries link the provider's own dependency versions.
func writeBenchModule(root, dir, extra string, files map[string][]byte) error {
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return err
	}
	gosum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		return err
	}
	mod, err := renameModule(string(gomod), benchModule)
	if err != nil {
		return err
	}
	all := map[string][]byte{"go.mod": []byte(mod + extra), "go.sum": gosum}
	for name, data := range files {
		all[name] = data
	}
	for name, data := range all {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// goBuild builds pkg of the module in dir into bin, trimmed and with the
// given link flags.
func goBuild(ctx context.Context, dir, bin, pkg, ldflags string) error {
	args := []string{"build", "-trimpath", "-ldflags", ldflags, "-o", bin, pkg}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	// The temporary module is not in a workspace, and its requirements
	// are a superset of what it imports, which a read-only build accepts.
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}
