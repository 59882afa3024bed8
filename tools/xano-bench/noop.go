package main

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"

	xprovider "github.com/terraform-provider-xano/terraform-provider-xano/internal/provider"
	"github.com/terraform-provider-xano/terraform-provider-xano/tools/xano-bench/shape"
)

// noopSources are the no-op providers, the package they build shapes with
// and the profile package they share with the profiled provider; as
// packages of this module they compile and are tested with it.
//
//go:embed noopprovider/main.go rawprovider/main.go shape/shape.go benchprof/benchprof.go
var noopSources embed.FS

// benchModule is this module's path, which the temporary module takes so
// that the no-op provider's import of package shape resolves there too.
const benchModule = providerModule + "/tools/xano-bench"

// noopProviderSource is the no-op provider's address, served through
// dev_overrides from the same directory as the Xano provider.
const noopProviderSource = "terraform-provider-xano/noop"

// rawProviderSource is the address of the no-op provider written on
// terraform-plugin-go alone, served from the same directory.
const rawProviderSource = "terraform-provider-xano/noopraw"

// buildNoopProviders compiles the no-op providers into dir in a temporary
// module whose requirements are the provider's own go.mod and go.sum, so
// every binary links the same plugin framework, plugin-go and gRPC versions,
// with the release link flags. The module holds nothing of the provider.
func buildNoopProviders(ctx context.Context, root, scratch, dir string) error {
	files := map[string][]byte{}
	for _, name := range []string{"noopprovider/main.go", "rawprovider/main.go", "shape/shape.go", "benchprof/benchprof.go"} {
		data, err := noopSources.ReadFile(name)
		if err != nil {
			return err
		}
		files[name] = data
	}
	src := filepath.Join(scratch, "noop-module")
	if err := writeBenchModule(root, src, "", files); err != nil {
		return err
	}
	for pkg, bin := range map[string]string{"./noopprovider": "terraform-provider-noop", "./rawprovider": "terraform-provider-noopraw"} {
		if err := goBuild(ctx, src, filepath.Join(dir, bin), pkg, "-s -w"); err != nil {
			return fmt.Errorf("building the no-op provider %s: %w", pkg, err)
		}
	}
	return nil
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

// noopHeader is the terraform and provider blocks every no-op configuration
// starts with.
const noopHeader = `terraform {
  required_providers {
    noop = {
      source = "` + noopProviderSource + `"
    }
  }
}

provider "noop" {}
`

// noopConfig is the same shape as tokensConfig on the no-op provider:
// instances counted resources of perInstance things each.
func noopConfig(instances, perInstance int) string {
	var b strings.Builder
	b.WriteString(noopHeader)
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

// tokenShape is xano_metadata_token's schema shape as JSON, for the no-op
// provider's noop_shaped (through shape.Env).
func tokenShape(ctx context.Context) (string, error) {
	var sr resource.SchemaResponse
	xprovider.NewMetadataTokenResource().Schema(ctx, resource.SchemaRequest{}, &sr)
	sh, err := shape.Describe(sr.Schema)
	if err != nil {
		return "", fmt.Errorf("describing xano_metadata_token's schema: %w", err)
	}
	data, err := json.Marshal(sh)
	return string(data), err
}

// rawHeader is noopHeader for the provider on terraform-plugin-go alone.
const rawHeader = `terraform {
  required_providers {
    noopraw = {
      source = "` + rawProviderSource + `"
    }
  }
}

provider "noopraw" {}
`

// shapedConfig is tokensConfig on noop_shaped: the same counted resources
// with the same configured attributes and scope block.
func shapedConfig(instances, perInstance int) string {
	return shapedResources(noopHeader, "noop_shaped", instances, perInstance)
}

// rawConfig is shapedConfig on noopraw_shaped, the same shape served
// without the plugin framework.
func rawConfig(instances, perInstance int) string {
	return shapedResources(rawHeader, "noopraw_shaped", instances, perInstance)
}

func shapedResources(header, typeName string, instances, perInstance int) string {
	var b strings.Builder
	b.WriteString(header)
	for i := 1; i <= instances; i++ {
		fmt.Fprintf(&b, `
resource %q "bench_%d" {
  count      = %d
  instance   = %q
  name       = "bench-${count.index}"
  expires_in = "7d"

  scope {
    name = "workspace_content"
    read = true
  }
}
`, typeName, i, perInstance, benchInstance(i))
	}
	return b.String()
}
