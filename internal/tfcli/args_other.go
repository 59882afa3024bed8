//go:build !linux && !darwin

package tfcli

// parentArgs is not implemented here: the answer is "unknown", and
// Destroying reports false.
func parentArgs() ([]string, bool) { return nil, false }

func procArgs(int) ([]string, bool) { return nil, false }
