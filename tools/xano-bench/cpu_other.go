//go:build !unix

package main

import "time"

// childCPU is not measured where getrusage does not exist.
func childCPU() (time.Duration, bool) { return 0, false }
