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

# Each finding is one line: "<severity> <rule> <scope>.<permission>: <summary>",
# "<severity> <rule> <scope>: <summary>" or "<severity> <rule>: <summary>".
# The head holds no colon, so the first ": " ends it; the summary may hold
# colons and dots.
finding_pattern := `^([a-z]+) ([^ :.]+)(?: ([^ :.]+)(?:\.([a-z]+))?)?: ((?s:.*))$`

# A finding line as an object with the fields severity, rule, scope,
# permission and summary; scope and permission are "" when not concerned.
parse_finding(line) := {"severity": m[1], "rule": m[2], "scope": m[3], "permission": m[4], "summary": m[5]} if {
	[m] := regex.find_all_string_submatch_n(finding_pattern, line, 1)
}

# The parsed findings of a token; a line that does not parse is left out.
findings(rc) := [f |
	some line in rc.change.after.findings
	f := parse_finding(line)
]

# The parsed findings of each planned token, by address.
parsed_findings[rc.address] := findings(rc) if some rc in planned_tokens

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
	some f in findings(rc)
	severity_rank[f.severity] >= severity_rank[fail_at]
	msg := sprintf("%s (%q): %s %s: %s", [rc.address, rc.change.after.name, f.severity, subject(f), f.summary])
}

# A token that never expires fails, acknowledged or not.
deny contains msg if {
	some rc in planned_tokens
	some f in findings(rc)
	f.rule == "never_expires"
	msg := sprintf("%s (%q): never expires; set expires_in", [rc.address, rc.change.after.name])
}

# Findings that depend on a value known only at apply cannot be checked here.
warn contains msg if {
	some rc in planned_tokens
	rc.change.after_unknown.findings == true
	msg := sprintf("%s: findings known only after apply; check the plan of the apply", [rc.address])
}
