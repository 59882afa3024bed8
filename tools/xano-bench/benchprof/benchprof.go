// Package benchprof profiles the bench's own providers, the wrapped Xano
// provider and the no-op ones alike: with XANO_CPUPROFILE=dir, each process
// writes dir/cpu-<pid>.pprof, so item 6 compares like with like. The harness
// copies it into its temporary modules, so it imports nothing but the
// standard library.
package benchprof

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
)

// Env names the directory the profiles are written to.
const Env = "XANO_CPUPROFILE"

// Start starts the CPU profile when Env is set and returns the function that
// stops it and closes the file; without Env it does nothing.
func Start() (stop func(), err error) {
	dir := os.Getenv(Env)
	if dir == "" {
		return func() {}, nil
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("cpu-%d.pprof", os.Getpid())))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Env, err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("%s: %w", Env, err)
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}, nil
}
