package acctest

import (
	"maps"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// ProviderName is the provider's local name in configurations and factories.
const ProviderName = "xano"

// Factories is what terraform-plugin-testing's ProtoV6ProviderFactories
// holds.
type Factories = map[string]func() (tfprotov6.ProviderServer, error)

// ProviderFactories serves the provider that newProvider builds, in-process,
// to the Terraform CLI terraform-plugin-testing drives. The caller passes
// the constructor, such as provider.NewWithClock("test", clock.Now), so a
// test chooses the clock and this package does not import the provider.
func ProviderFactories(newProvider func() provider.Provider) Factories {
	return Factories{ProviderName: providerserver.NewProtocol6WithError(newProvider())}
}

// WithEcho adds the echo provider, which copies what it is given into the
// state of echo resources: the way to see what an ephemeral resource
// returned. Tests that use it need EphemeralVersions.
func WithEcho(f Factories) Factories {
	out := maps.Clone(f)
	out["echo"] = echoprovider.NewProviderServer()
	return out
}

// EphemeralVersions skips a test on a Terraform older than 1.10, which has no
// ephemeral resources.
func EphemeralVersions() []tfversion.TerraformVersionCheck {
	return []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)}
}
