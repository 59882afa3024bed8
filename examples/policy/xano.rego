# Reviews the Xano Metadata API tokens of a saved Terraform plan, reading the
# findings the xano provider computes at plan time. See README.md.
package xano

import rego.v1

# The lowest severity that fails a token: "low", "medium", "high" or "critical".
fail_at := "high"

severity_rank := {"low": 1, "medium": 2, "high": 3, "critical": 4}

# Tokens the plan creates or changes; a replacement both deletes and creates.
planned_tokens contains rc if {
	some rc in input.resource_changes
	rc.type == "xano_metadata_token"
	some action in rc.change.actions
	action in {"create", "update"}
}

# A token whose configuration records why its risk is accepted, and who
# accepted it.
acknowledged(rc) if {
	is_string(rc.change.after.risk_acknowledgement)
	trim_space(rc.change.after.risk_acknowledgement) != ""
}

# What a finding is about: a grant, a scope, or the token as a whole.
subject(f) := sprintf("%s.%s", [f.scope, f.permission]) if f.permission != ""

subject(f) := f.scope if {
	f.permission == ""
	f.scope != ""
}

subject(f) := f.rule if f.scope == ""

# Every finding at or above fail_at fails an unacknowledged token.
deny contains msg if {
	some rc in planned_tokens
	not acknowledged(rc)
	some f in rc.change.after.findings
	severity_rank[f.severity] >= severity_rank[fail_at]
	msg := sprintf("%s (%q): %s %s: %s", [rc.address, rc.change.after.name, f.severity, subject(f), f.summary])
}

# A token that never expires fails, acknowledged or not.
deny contains msg if {
	some rc in planned_tokens
	some f in rc.change.after.findings
	f.rule == "never_expires"
	msg := sprintf("%s (%q): never expires; set expires_in", [rc.address, rc.change.after.name])
}

# Findings that depend on a value known only at apply cannot be checked here.
warn contains msg if {
	some rc in planned_tokens
	rc.change.after_unknown.findings == true
	msg := sprintf("%s: findings known only after apply; check the plan of the apply", [rc.address])
}
