//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package emulator

import (
	"errors"
	"io/fs"
	"os"
)

// errLocked is never returned here: see lockFile.
var errLocked = errors.New("locked by another process")

// lockFile does nothing where flock(2) is not available (Windows): two
// emulators must not be given the same state file there.
func lockFile(*os.File) error { return nil }

// linkCount is not known here; hard links go unnoticed, as the lock does.
func linkCount(fs.FileInfo) uint64 { return 1 }
