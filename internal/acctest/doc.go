// Package acctest is what the tests of this module share: a fake clock,
// provider factories for terraform-plugin-testing, builders of HCL
// configurations, and an end-to-end runner that drives the real terraform
// CLI against the provider built from this tree.
//
// It imports no package of this module. The provider's own tests import it,
// and so do the emulator's in-package tests, so an import of either would be
// a cycle; what it needs of them, such as the provider's constructor or the
// emulator's address, it takes as parameters.
package acctest
