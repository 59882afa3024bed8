// Package tfcli tells what the Terraform CLI that started this provider is
// doing, when the plugin protocol does not say. It has no Terraform imports.
//
// Its one question is whether the run destroys: before a destroy plan,
// Terraform makes a normal plan of the whole configuration to refresh the
// state, and a provider error in that plan fails the destroy. The protocol
// gives the provider no way to tell that plan from an ordinary one, so the
// answer comes from the command line of the parent process, which is the
// Terraform (or OpenTofu) CLI.
package tfcli

import (
	"os"
	"strconv"
	"strings"
	"sync"
)

// Destroying reports whether the parent process runs `terraform destroy`,
// `terraform apply -destroy` or `terraform plan -destroy`. It is false when
// the command line cannot be read (an unsupported system, or a provider
// started by a debugger), so a caller must only use it to relax a check that
// cannot matter in a destroy run: such a run deletes and never creates.
var Destroying = sync.OnceValue(func() bool {
	args, ok := parentArgs()
	return ok && IsDestroy(args, os.Getenv)
})

// IsDestroy reports whether a Terraform command line, program name first,
// runs in destroy mode. getenv reads the TF_CLI_ARGS variables, whose
// arguments Terraform adds to the command line.
func IsDestroy(argv []string, getenv func(string) string) bool {
	if len(argv) < 2 {
		return false
	}
	args := argv[1:]
	// Global options such as -chdir=DIR come before the subcommand.
	i := 0
	for i < len(args) && strings.HasPrefix(args[i], "-") {
		i++
	}
	if i == len(args) {
		return false
	}
	switch sub := args[i]; sub {
	case "destroy":
		return true
	case "apply", "plan":
		rest := append([]string{}, args[i+1:]...)
		rest = append(rest, strings.Fields(getenv("TF_CLI_ARGS"))...)
		rest = append(rest, strings.Fields(getenv("TF_CLI_ARGS_"+sub))...)
		return hasDestroyFlag(rest)
	}
	return false
}

// hasDestroyFlag finds -destroy among args as Go's flag package reads it:
// one or two dashes, and an optional boolean value after "=".
func hasDestroyFlag(args []string) bool {
	destroy := false
	for _, a := range args {
		if a == "--" {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "destroy" {
			continue
		}
		if !hasValue {
			destroy = true
			continue
		}
		if b, err := strconv.ParseBool(value); err == nil {
			destroy = b
		}
	}
	return destroy
}
