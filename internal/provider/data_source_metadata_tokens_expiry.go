package provider

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// expiresWithinAttribute is the audit's expiry filter: the question the
// plan's expiry warning asks of each managed token, asked of every token of
// the instance.
func expiresWithinAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "List only the tokens that will expire within this duration from now, such as `\"7d\"`: " +
			"those still valid whose `expires_at` comes before then. Expired tokens and tokens that never expire are " +
			"left out. A `check` block over the result fails a scheduled plan's check while any token of the instance " +
			"is about to expire; see the example. Unset, every token is listed.",
		CustomType: DurationType{},
		Optional:   true,
		Validators: []validator.String{durationAtLeast{min: time.Second, why: "A window of zero lists nothing."}},
	}
}

// expiringWithin keeps the tokens that are valid at now and expire no later
// than within from now.
func expiringWithin(tokens []tokenAuditModel, within time.Duration, now time.Time) []tokenAuditModel {
	out := make([]tokenAuditModel, 0, len(tokens))
	horizon := now.Add(within)
	for _, t := range tokens {
		if t.Expired || t.ExpiresAt.IsNull() {
			continue
		}
		exp, err := time.Parse(time.RFC3339, t.ExpiresAt.ValueString())
		if err != nil || exp.After(horizon) {
			continue
		}
		out = append(out, t)
	}
	return out
}
