//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package emulator

import "io"

// lockStateFile does nothing where flock(2) is not available (Windows): two
// emulators must not be given the same state file there.
func lockStateFile(string) (io.Closer, error) { return nopCloser{}, nil }

type nopCloser struct{}

func (nopCloser) Close() error { return nil }
