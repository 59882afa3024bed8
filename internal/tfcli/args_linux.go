package tfcli

import (
	"os"
	"strconv"
	"strings"
)

// parentArgs reads the parent process's command line from /proc.
func parentArgs() ([]string, bool) {
	return procArgs(os.Getppid())
}

func procArgs(pid int) ([]string, bool) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil || len(raw) == 0 {
		return nil, false
	}
	return strings.Split(strings.TrimSuffix(string(raw), "\x00"), "\x00"), true
}
