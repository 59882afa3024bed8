package provider

import (
	"path/filepath"
	"testing"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
)

// testAccProtoV6ProviderFactories serves the provider in-process, on the
// real clock, to the Terraform CLI that terraform-plugin-testing drives.
var testAccProtoV6ProviderFactories = acctest.ProviderFactories(New("test"))

// testAccIsolateEnv clears the provider's environment variables and points
// XANO_CONFIG at a file that does not exist, so tests that rely on where the
// provider finds credentials are not influenced by the machine running them.
// It uses t.Setenv, so the test cannot run in parallel.
func testAccIsolateEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{envBaseURL, envAccessToken, envInstance, envProfile} {
		t.Setenv(k, "")
	}
	t.Setenv(envConfig, filepath.Join(t.TempDir(), "absent-credentials.yaml"))
}
