package provider

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// testAccProtoV6ProviderFactories serves the provider in-process to the
// Terraform CLI that terraform-plugin-testing drives.
var testAccProtoV6ProviderFactories = testAccProtoV6ProviderFactoriesWithClock(time.Now)

// testAccProtoV6ProviderFactoriesWithClock is testAccProtoV6ProviderFactories
// with the clock resources use for expiry and rotation, so a test can move
// time forward without waiting.
func testAccProtoV6ProviderFactoriesWithClock(now func() time.Time) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"xano": providerserver.NewProtocol6WithError(NewWithClock("test", now)()),
	}
}

// testAccProviderConfig returns a provider block pointing at the emulator.
// Both settings are explicit, so neither the environment nor a developer's
// own Xano CLI credentials can change what a test talks to.
func testAccProviderConfig(baseURL, token string) string {
	return fmt.Sprintf(`
provider "xano" {
  base_url     = %q
  access_token = %q
}
`, baseURL, token)
}

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
