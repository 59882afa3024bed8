//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package emulator

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// lockStateFile takes an exclusive lock on path's lock file, path + ".lock",
// so that two emulators never share a state file and overwrite each other's
// tokens. The kernel releases the lock when the process ends, however it
// ends, so a crash leaves nothing to clean up.
func lockStateFile(path string) (io.Closer, error) {
	f, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot lock state file %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("state file %s is in use by another xano-emulator (it holds %s.lock); stop that one, or give this one another --state-file", path, path)
		}
		return nil, fmt.Errorf("cannot lock state file %s: %w", path, err)
	}
	return f, nil
}
