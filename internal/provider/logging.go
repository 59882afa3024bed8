package provider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

var _ xano.Logger = tflogLogger{}

// tflogLogger sends the API client's per-attempt lines to Terraform's log.
// It logs with the caller's context, so the masks set by providerData.mask
// apply to every line.
type tflogLogger struct{}

// Debug implements xano.Logger.
func (tflogLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(ctx, msg, fields)
}

// secretPatterns catch credentials whose value the provider does not know,
// such as a header dumped by a library: a bearer token, or the value of an
// Authorization header or of a token field in JSON.
var secretPatterns = []*regexp.Regexp{
	regexp.MustCompile(`(?i)\bbearer\s+[^\s"',;}\]]+`),
	regexp.MustCompile(`(?i)\bauthorization["']?\s*[:=]\s*["']?(?:[a-z]+\s+)?[^\s"',;}\]]+`),
	regexp.MustCompile(`(?i)"(?:access_)?token"\s*:\s*"[^"]*"`),
	// A secret minted by the emulator, whose value another process knows.
	regexp.MustCompile(`xano_mt_[A-Za-z0-9_-]+`),
}

// secretFieldKeys are log field names whose values are always masked.
var secretFieldKeys = []string{"authorization", "Authorization", "access_token", "token", "secret"}

// maskSecrets returns ctx with log masks for the given secrets, the
// secretPatterns and the secretFieldKeys. Empty secrets are skipped: masking
// "" would put asterisks between every character of every line.
func maskSecrets(ctx context.Context, secrets ...string) context.Context {
	var nonEmpty []string
	for _, s := range secrets {
		if s != "" {
			nonEmpty = append(nonEmpty, s)
		}
	}
	if len(nonEmpty) > 0 {
		ctx = tflog.MaskLogStrings(ctx, nonEmpty...)
	}
	ctx = tflog.MaskLogRegexes(ctx, secretPatterns...)
	return tflog.MaskFieldValuesWithFieldKeys(ctx, secretFieldKeys...)
}
