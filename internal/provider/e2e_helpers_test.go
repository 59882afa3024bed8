package provider

import (
	"path/filepath"
	"testing"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator/emulatortest"
)

// TestMain removes the provider binary built for the end-to-end tests.
func TestMain(m *testing.M) { acctest.Main(m) }

// e2eInstance is the instance newE2E configures through XANO_INSTANCE.
const e2eInstance = "e2e"

// e2eEnv is one working directory of the end-to-end runner wired to one
// emulator.
type e2eEnv struct {
	*acctest.Terraform
	Emu     *emulator.Emulator
	BaseURL string
	Token   string
}

// newE2E serves an emulator with opts and prepares a working directory whose
// provider reads its connection from the environment, as a user's does.
func newE2E(t *testing.T, opts emulator.Options) *e2eEnv {
	t.Helper()
	acctest.SkipUnlessAcc(t)
	if len(opts.AdminTokens) == 0 {
		opts.AdminTokens = []string{emulator.DefaultAdminToken}
	}
	emu, baseURL := emulatortest.Start(t, opts)
	tf := newTerraformAt(t, baseURL, opts.AdminTokens[0], e2eInstance)
	return &e2eEnv{Terraform: tf, Emu: emu, BaseURL: baseURL, Token: opts.AdminTokens[0]}
}

// newTerraformAt prepares a working directory whose provider reads its
// connection from the environment: baseURL, token and, unless "", the
// default instance.
func newTerraformAt(t *testing.T, baseURL, token, instance string) *acctest.Terraform {
	t.Helper()
	env := map[string]string{
		envBaseURL:     baseURL,
		envAccessToken: token,
		// The provider must not read a developer's own Xano CLI profile.
		envConfig: filepath.Join(t.TempDir(), "no-credentials.yaml"),
	}
	if instance != "" {
		env[envInstance] = instance
	}
	return acctest.NewTerraform(t, env)
}
