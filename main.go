// Command terraform-provider-xano serves the Xano provider to Terraform.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/provider"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debugMode bool
	flag.BoolVar(&debugMode, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	if err := run(debugMode); err != nil {
		log.Fatal(err)
	}
}

// run serves the provider until Terraform stops it, then revokes the
// ephemeral tokens left open; it returns so that deferred work (the CPU
// profile) completes before the process exits.
func run(debugMode bool) error {
	if !debugMode {
		quietSDKLogs(os.Getenv, os.Setenv)
	}
	tuneGC(os.Getenv, debug.SetGCPercent)
	if dir := os.Getenv(cpuProfileEnv); dir != "" {
		stop, err := startCPUProfile(dir)
		if err != nil {
			return err
		}
		defer stop()
	}
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         "registry.terraform.io/terraform-provider-xano/xano",
		Debug:           debugMode,
		ProtocolVersion: 6,
	})
	// Serve returns when Terraform stops the plugin, which it does after a
	// failed run too, when it may not have closed every ephemeral token.
	ctx, cancel := context.WithTimeout(context.Background(), provider.ShutdownTimeout)
	if serr := provider.Shutdown(ctx); serr != nil {
		log.Printf("[WARN] revoking the ephemeral tokens left open: %v", serr)
	}
	cancel()
	return err
}

// gcPercent is the collector's target when GOGC is unset. A provider process
// lives for one Terraform walk with a heap of a few megabytes, while the
// plugin framework allocates about 0.8 MB per token per plan: at Go's default
// of 100 the collector ran every few tokens and took a fifth of the
// provider's CPU; at 400 the heap peaks a few tens of megabytes higher.
const gcPercent = 400

// tuneGC sets gcPercent unless GOGC chooses a setting of its own.
func tuneGC(getenv func(string) string, setGCPercent func(int) int) {
	if getenv("GOGC") == "" {
		setGCPercent(gcPercent)
	}
}

// cpuProfileEnv names a directory where every provider process writes a CPU
// profile of its whole life, for `go tool pprof`. Terraform starts the
// provider several times per command, so each process writes its own file.
const cpuProfileEnv = "XANO_CPUPROFILE"

// startCPUProfile starts profiling into dir/cpu-<pid>.pprof and returns the
// function that stops it; the profile is complete once the provider exits
// through Terraform's shutdown.
func startCPUProfile(dir string) (func(), error) {
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("cpu-%d.pprof", os.Getpid())))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cpuProfileEnv, err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", cpuProfileEnv, err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
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
