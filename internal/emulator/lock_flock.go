//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package emulator

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// errLocked reports a state file another emulator holds.
var errLocked = errors.New("locked by another process")

// lockFile takes an exclusive lock on the open state file itself, so that
// two emulators never share it, whichever name or link they opened it by.
// The kernel releases the lock when the file is closed or the process ends,
// however it ends, so a crash leaves nothing to clean up.
func lockFile(f *os.File) error {
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return errLocked
		}
		return err
	}
	return nil
}

// linkCount returns the number of hard links of a file.
func linkCount(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Nlink)
	}
	return 1
}
