package xano_test

import data.xano
import rego.v1

test_parse_grant if {
	xano.parse_finding("critical grant workspace_database.create: can insert records and create tables, fields and relationships in every data source") == {
		"severity": "critical", "rule": "grant", "scope": "workspace_database", "permission": "create",
		"summary": "can insert records and create tables, fields and relationships in every data source",
	}
}

test_parse_scope_only if {
	xano.parse_finding("high purpose workspace_files: beyond the recipe") == {
		"severity": "high", "rule": "purpose", "scope": "workspace_files", "permission": "", "summary": "beyond the recipe",
	}
}

test_parse_whole_token_summary_with_colons_and_dots if {
	xano.parse_finding("high idle: last used at 2030-01-01T00:00:10Z: more than 1s ago. See workspace_files.read: x") == {
		"severity": "high", "rule": "idle", "scope": "", "permission": "",
		"summary": "last used at 2030-01-01T00:00:10Z: more than 1s ago. See workspace_files.read: x",
	}
}

test_unparsable_lines_are_left_out if {
	rc := {"change": {"after": {"findings": ["high grant", "high grant workspace_files.read:x", "high never_expires: kept"]}}}
	xano.findings(rc) == [{"severity": "high", "rule": "never_expires", "scope": "", "permission": "", "summary": "kept"}]
}
