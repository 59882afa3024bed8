package main

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// noopSource is the no-op provider's main.go; the package beside this file
// keeps it compiling and vetted with the harness.
//
//go:embed noopprovider/main.go
var noopSource []byte

// noopProviderSource is the no-op provider's address, served through
// dev_overrides from the same directory as the Xano provider.
const noopProviderSource = "terraform-provider-xano/noop"

// buildNoopProvider compiles the no-op provider into dir in a temporary
// module whose requirements are the provider's own go.mod and go.sum, so
// both binaries link the same plugin framework, plugin-go and gRPC versions,
// with the release link flags.
func buildNoopProvider(ctx context.Context, root, scratch, dir string) (string, error) {
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", err
	}
	gosum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		return "", err
	}
	mod, err := renameModule(string(gomod), "noopprovider")
	if err != nil {
		return "", err
	}
	src := filepath.Join(scratch, "noopprovider")
	if err := os.MkdirAll(src, 0o755); err != nil {
		return "", err
	}
	for name, data := range map[string][]byte{"go.mod": []byte(mod), "go.sum": gosum, "main.go": noopSource} {
		if err := os.WriteFile(filepath.Join(src, name), data, 0o644); err != nil {
			return "", err
		}
	}
	bin := filepath.Join(dir, "terraform-provider-noop")
	args := []string{"build", "-trimpath", "-ldflags", "-s -w", "-o", bin, "."}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = src
	// The temporary module is not in a workspace, and its requirements are
	// a superset of what it imports, which a read-only build accepts.
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the no-op provider: go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return bin, nil
}

// renameModule replaces the module line of a go.mod.
func renameModule(gomod, name string) (string, error) {
	lines := strings.Split(gomod, "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "module ") {
			lines[i] = "module " + name
			return strings.Join(lines, "\n"), nil
		}
	}
	return "", fmt.Errorf("the provider's go.mod has no module line")
}

// noopConfig is the same shape as tokensConfig on the no-op provider:
// instances counted resources of perInstance things each.
func noopConfig(instances, perInstance int) string {
	var b strings.Builder
	b.WriteString(`terraform {
  required_providers {
    noop = {
      source = "` + noopProviderSource + `"
    }
  }
}

provider "noop" {}
`)
	for i := 1; i <= instances; i++ {
		fmt.Fprintf(&b, `
resource "noop_thing" "bench_%d" {
  count = %d
  name  = "bench-${count.index}"
}
`, i, perInstance)
	}
	return b.String()
}
