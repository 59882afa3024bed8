package tfcli

import (
	"os"
	"runtime"
	"slices"
	"testing"
)

func TestIsDestroy(t *testing.T) {
	tests := []struct {
		name string
		argv []string
		env  map[string]string
		want bool
	}{
		{"destroy", []string{"terraform", "destroy", "-auto-approve"}, nil, true},
		{"destroy after -chdir", []string{"/usr/bin/terraform", "-chdir=infra", "destroy"}, nil, true},
		{"opentofu destroy", []string{"tofu", "destroy"}, nil, true},
		{"apply -destroy", []string{"terraform", "apply", "-destroy", "-auto-approve"}, nil, true},
		{"plan --destroy", []string{"terraform", "plan", "--destroy"}, nil, true},
		{"plan -destroy=true", []string{"terraform", "plan", "-destroy=true"}, nil, true},
		{"plan -destroy=false", []string{"terraform", "plan", "-destroy=false"}, nil, false},
		{"the last -destroy wins", []string{"terraform", "plan", "-destroy", "-destroy=0"}, nil, false},
		{"plan", []string{"terraform", "plan", "-out=plan.tfplan"}, nil, false},
		{"apply", []string{"terraform", "apply", "-auto-approve"}, nil, false},
		{"a plan file named destroy", []string{"terraform", "apply", "destroy"}, nil, false},
		{"a variable named destroy", []string{"terraform", "plan", "-var", "destroy=true"}, nil, false},
		{"-destroy after --", []string{"terraform", "plan", "--", "-destroy"}, nil, false},
		{"-destroy before the subcommand", []string{"terraform", "-destroy", "plan"}, nil, false},
		{"-destroy on another command", []string{"terraform", "validate", "-destroy"}, nil, false},
		{"TF_CLI_ARGS_plan", []string{"terraform", "plan"}, map[string]string{"TF_CLI_ARGS_plan": "-input=false -destroy"}, true},
		{"TF_CLI_ARGS", []string{"terraform", "apply"}, map[string]string{"TF_CLI_ARGS": "-destroy"}, true},
		{"TF_CLI_ARGS of another command", []string{"terraform", "plan"}, map[string]string{"TF_CLI_ARGS_apply": "-destroy"}, false},
		{"go test", []string{"go", "test", "./..."}, nil, false},
		{"no subcommand", []string{"terraform", "-version"}, nil, false},
		{"no arguments", []string{"terraform"}, nil, false},
		{"empty", nil, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			getenv := func(k string) string { return tc.env[k] }
			if got := IsDestroy(tc.argv, getenv); got != tc.want {
				t.Errorf("IsDestroy(%q) = %v, want %v", tc.argv, got, tc.want)
			}
		})
	}
}

// TestProcArgs reads this test process's own command line the way
// Destroying reads its parent's.
func TestProcArgs(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skipf("the command line of another process is not read on %s", runtime.GOOS)
	}
	got, ok := procArgs(os.Getpid())
	if !ok {
		t.Fatal("procArgs could not read this process's command line")
	}
	if !slices.Equal(got, os.Args) {
		t.Errorf("procArgs = %q, want os.Args %q", got, os.Args)
	}
}
