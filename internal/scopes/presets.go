package scopes

import (
	"fmt"
	"strings"
)

// Preset is one of the recipes of Xano's scope guide.
type Preset struct {
	Name      string
	Purpose   string
	Rationale string
	Grants    Grants
}

func g(key, crud string) Grant {
	return Grant{
		Scope:  key,
		Create: strings.Contains(crud, "C"),
		Read:   strings.Contains(crud, "R"),
		Update: strings.Contains(crud, "U"),
		Delete: strings.Contains(crud, "D"),
	}
}

var presets = []Preset{
	{
		Name:      "weweb",
		Purpose:   "WeWeb's Xano plugins: API discovery for data binding.",
		Rationale: "WeWeb needs to discover available APIs for data binding; workspace content access enables proper configuration; read-only access maintains security while enabling functionality.",
		Grants:    Grants{g("workspace_api_groups", "R"), g("workspace_content", "R")},
	},
	{
		Name:      "monitoring",
		Purpose:   "Monitoring and logging tools.",
		Rationale: "API groups to monitor endpoint health and availability; content to understand workspace configuration context; request history for detailed performance and error data.",
		Grants:    Grants{g("workspace_api_groups", "R"), g("workspace_content", "R"), g("workspace_request_history", "R")},
	},
	{
		Name:      "automation",
		Purpose:   "Make.com and n8n automation platforms.",
		Rationale: "Full database operations for automation workflows; file upload and download for document processing; triggering and monitoring background tasks. Use environment-specific tokens and audit automation access regularly.",
		Grants:    Grants{g("workspace_database", "CRUD"), g("workspace_files", "CRU"), g("workspace_tasks", "CRU")},
	},
	{
		Name:      "admin_dashboard",
		Purpose:   "Admin dashboard applications.",
		Rationale: "Complete data management capabilities; API status display; a file management interface; performance monitoring and debugging.",
		Grants:    Grants{g("workspace_database", "CRUD"), g("workspace_api_groups", "R"), g("workspace_files", "CRUD"), g("workspace_request_history", "R")},
	},
	{
		Name:      "analytics",
		Purpose:   "Read-only analytics and reporting tools.",
		Rationale: "Read data for analysis and reporting; usage analytics and performance metrics; workspace metadata for context.",
		Grants:    Grants{g("workspace_database", "R"), g("workspace_request_history", "R"), g("workspace_content", "R")},
	},
}

// Presets returns the five presets in the order of Xano's scope guide.
func Presets() []Preset {
	out := make([]Preset, len(presets))
	for i, p := range presets {
		p.Grants = append(Grants(nil), p.Grants...).Sorted()
		out[i] = p
	}
	return out
}

// PresetNames returns the preset names in the order of Xano's scope guide.
func PresetNames() []string {
	out := make([]string, len(presets))
	for i, p := range presets {
		out[i] = p.Name
	}
	return out
}

// LookupPreset returns the named preset, or an error with a did-you-mean.
func LookupPreset(name string) (Preset, error) {
	for _, p := range Presets() {
		if p.Name == name {
			return p, nil
		}
	}
	msg := fmt.Sprintf("%q is not a preset.", name)
	if s := SuggestFrom(strings.ReplaceAll(strings.ToLower(name), "-", "_"), PresetNames()); s != "" {
		msg += fmt.Sprintf(" Did you mean %q?", s)
	}
	return Preset{}, fmt.Errorf("%s Valid presets: %s", msg, strings.Join(PresetNames(), ", "))
}
