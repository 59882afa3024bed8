//go:build unix

package main

import (
	"syscall"
	"time"
)

// childCPU is the CPU time, user and system, of every child process this
// process has waited for, with the descendants they waited for: terraform
// reaps its plugin processes, so the difference across one command is the
// CPU of terraform and of every provider process it started.
func childCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
