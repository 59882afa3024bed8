// Command terraform-provider-xano serves the Xano provider to Terraform.
package main

import (
	"context"
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/provider"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	if !debug {
		quietSDKLogs(os.Getenv, os.Setenv)
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         "registry.terraform.io/terraform-provider-xano/xano",
		Debug:           debug,
		ProtocolVersion: 6,
	})
	// Serve returns when Terraform stops the plugin, which it does after a
	// failed run too, when it may not have closed every ephemeral token.
	ctx, cancel := context.WithTimeout(context.Background(), provider.ShutdownTimeout)
	if serr := provider.Shutdown(ctx); serr != nil {
		log.Printf("[WARN] revoking the ephemeral tokens left open: %v", serr)
	}
	cancel()
	if err != nil {
		log.Fatal(err)
	}
}

// sdkLogVars are the plugin SDK's own log levels.
var sdkLogVars = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}

// quietSDKLogs turns the SDK's trace loggers off when no log variable asks for
// anything: Terraform then discards the plugin's log lines anyway, and writing
// them cost a third of the provider's time in `make bench`.
func quietSDKLogs(getenv func(string) string, setenv func(string, string) error) {
	for _, k := range append([]string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_XANO"}, sdkLogVars...) {
		if getenv(k) != "" {
			return
		}
	}
	for _, k := range sdkLogVars {
		_ = setenv(k, "OFF")
	}
}
