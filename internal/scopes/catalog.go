// Package scopes is the single source of truth for Xano Metadata API token
// scopes: the catalog, the per-permission risk, the integration presets and
// name resolution with did-you-mean suggestions. It has no Terraform imports.
package scopes

import (
	"fmt"
	"sort"
	"strings"
)

// Permission is one of the four CRUD permissions a scope can grant.
type Permission string

// The four permissions, in the order Xano shows them.
const (
	Create Permission = "create"
	Read   Permission = "read"
	Update Permission = "update"
	Delete Permission = "delete"
)

// Permissions lists the four permissions in CRUD order.
var Permissions = []Permission{Create, Read, Update, Delete}

// ParsePermission returns the permission named s (case-insensitive).
func ParsePermission(s string) (Permission, bool) {
	switch Permission(strings.ToLower(strings.TrimSpace(s))) {
	case Create:
		return Create, true
	case Read:
		return Read, true
	case Update:
		return Update, true
	case Delete:
		return Delete, true
	}
	return "", false
}

// Severity ranks how much a grant exposes. The zero value is unknown.
type Severity int

// Severities from least to most dangerous.
const (
	SeverityLow Severity = iota + 1
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

// String returns the lower-case name used in HCL and in diagnostics.
func (s Severity) String() string {
	switch s {
	case SeverityLow:
		return "low"
	case SeverityMedium:
		return "medium"
	case SeverityHigh:
		return "high"
	case SeverityCritical:
		return "critical"
	}
	return "unknown"
}

// ParseSeverity parses "low", "medium", "high" or "critical".
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "low":
		return SeverityLow, nil
	case "medium":
		return SeverityMedium, nil
	case "high":
		return SeverityHigh, nil
	case "critical":
		return SeverityCritical, nil
	}
	return 0, fmt.Errorf("unknown severity %q: use one of low, medium, high, critical", s)
}

// Scope is one row of the catalog.
type Scope struct {
	// Key is the snake_case name written in HCL.
	Key string
	// WireKey is the key the Metadata API carries.
	WireKey string
	// DisplayName is the name Xano's dashboard shows.
	DisplayName string
	// Description is Xano's one-line description of the scope.
	Description string
	// Includes lists what the scope reaches, in the words of Xano's scope reference.
	Includes []string
	// Reach says in a few words what a grant on the scope exposes, for the
	// one line per scope of the plan's risk review.
	Reach string
	// Risk is the severity of granting each permission.
	Risk map[Permission]Severity
	// Exposure says, per permission, what a holder of the grant can do, in
	// words a reviewer who never read Xano's docs understands.
	Exposure map[Permission]string
	// Narrowing says how to reduce the grant.
	Narrowing string
}

// RiskOf returns the severity of granting p on this scope.
func (s Scope) RiskOf(p Permission) Severity { return s.Risk[p] }

func risk(c, r, u, d Severity) map[Permission]Severity {
	return map[Permission]Severity{Create: c, Read: r, Update: u, Delete: d}
}

const (
	low  = SeverityLow
	med  = SeverityMedium
	high = SeverityHigh
	crit = SeverityCritical
)

// catalog holds the nine scopes in the order Xano lists them. The wire keys
// that Xano's documentation does not show follow its pattern; correcting one
// is a one-line change here.
var catalog = []Scope{
	{
		Key:         "workspace_database",
		WireKey:     "workspace:database",
		DisplayName: "Workspace Database",
		Description: "Database access including table data and schema across all data sources.",
		Includes:    []string{"database table content (records)", "table schemas and structures", "all connected data sources", "field definitions and relationships"},
		Reach:       "every record and schema, all data sources",
		Risk:        risk(crit, crit, crit, crit),
		Exposure: map[Permission]string{
			Create: "insert records and create tables, fields and relationships in every data source",
			Read:   "read every table record and schema across all data sources, including any personal or business data they hold",
			Update: "change any record, field definition or relationship across all data sources",
			Delete: "delete records and drop tables across all data sources",
		},
		Narrowing: "Xano calls this the most powerful scope: serve application data through an API endpoint with its own authentication instead, and keep any grant of it to read.",
	},
	{
		Key:         "workspace_content",
		WireKey:     "instance:workspace",
		DisplayName: "Workspace Content",
		Description: "Workspace-wide information including data sources, branches, basic workspace metadata and import/export.",
		Includes:    []string{"data source configurations", "branch information and management", "basic workspace metadata", "import/export operations", "workspace cloning and migration"},
		Reach:       "data sources, branches, import, export and cloning",
		// Read is medium, not low: Xano's scope reference puts import, export
		// and cloning of a workspace under this scope.
		Risk: risk(high, med, high, high),
		Exposure: map[Permission]string{
			Create: "create data sources and branches, import data and clone workspaces",
			Read:   "read workspace metadata and data source and branch settings, under a scope that also covers exporting, importing and cloning whole workspaces",
			Update: "change data sources and branches, and import over an existing workspace",
			Delete: "delete data sources, branches and workspace content",
		},
		Narrowing: "Read alone is what integrations such as WeWeb and monitoring tools need; keep import/export rights for deployment tooling.",
	},
	{
		Key:         "workspace_live_data_source",
		WireKey:     "workspace:datasource:live",
		DisplayName: "Workspace Live Data Source",
		Description: "Specific access to the live (production) data source.",
		Includes:    []string{"the production data source only", "live branch database access", "production-specific configurations"},
		Reach:       "production data, your customers' records",
		Risk:        risk(crit, crit, crit, crit),
		Exposure: map[Permission]string{
			Create: "write new data into the live (production) data source",
			Read:   "read the live (production) data source, that is your customers' real data",
			Update: "change data in the live (production) data source",
			Delete: "delete data from the live (production) data source",
		},
		Narrowing: "Xano marks this scope critical: give it only to production-facing tools that need it, read only, with a short lifetime.",
	},
	{
		Key:         "workspace_api_groups",
		WireKey:     "workspace:api",
		DisplayName: "Workspace API Groups",
		Description: "Access to APIs and API group configurations.",
		Includes:    []string{"API endpoint definitions", "API group organization", "endpoint configurations and settings", "API metadata and documentation"},
		Reach:       "the API endpoints your application serves",
		Risk:        risk(high, low, high, high),
		Exposure: map[Permission]string{
			Create: "add API endpoints and groups, which go live for your application's callers",
			Read:   "read API endpoint definitions, groups and settings",
			Update: "change live API endpoints and their settings",
			Delete: "delete API endpoints and groups your application depends on",
		},
		Narrowing: "Read is enough for API discovery (WeWeb) and monitoring; keep write rights for deployment tooling.",
	},
	{
		Key:         "workspace_functions",
		WireKey:     "workspace:function",
		DisplayName: "Workspace Functions",
		Description: "Access to custom functions and logic.",
		Includes:    []string{"custom function definitions", "function code and logic", "function metadata and configuration", "dependency relationships"},
		Reach:       "the code of custom functions",
		Risk:        risk(high, med, high, high),
		Exposure: map[Permission]string{
			Create: "add custom functions, that is new code your endpoints and tasks can run",
			Read:   "read the code and logic of every custom function",
			Update: "change the code of custom functions your endpoints and tasks run",
			Delete: "delete custom functions your endpoints and tasks depend on",
		},
		Narrowing: "Grant read for backup or review tools; writes let the holder change code that runs in production.",
	},
	{
		Key:         "workspace_addons",
		WireKey:     "workspace:addon",
		DisplayName: "Workspace Addons",
		Description: "Access to workspace addons and extensions.",
		Includes:    []string{"addon configurations", "extension settings", "third-party integrations", "addon metadata"},
		Reach:       "addons and third-party integrations",
		Risk:        risk(med, low, med, high),
		Exposure: map[Permission]string{
			Create: "add addons and extensions to any workspace of the instance",
			Read:   "read addon and extension configuration",
			Update: "change addon and third-party integration settings",
			Delete: "delete addons and extensions",
		},
		Narrowing: "Grant read unless the tool manages addons itself.",
	},
	{
		Key:         "workspace_tasks",
		WireKey:     "workspace:task",
		DisplayName: "Workspace Tasks",
		Description: "Access to background tasks and job management.",
		Includes:    []string{"task definitions and configurations", "job queue management", "task execution history", "scheduled task settings"},
		Reach:       "background tasks, code run on a timer",
		Risk:        risk(high, low, high, high),
		Exposure: map[Permission]string{
			Create: "schedule new background tasks, that is code that runs on a timer",
			Read:   "read task definitions, schedules and execution history",
			Update: "change background tasks and their schedules",
			Delete: "delete background tasks and scheduled jobs",
		},
		Narrowing: "Read is enough to monitor tasks; writes schedule code that runs unattended.",
	},
	{
		Key:         "workspace_files",
		WireKey:     "workspace:file",
		DisplayName: "Workspace Files",
		Description: "Access to public and private file storage.",
		Includes:    []string{"file upload and download", "file metadata and organization", "storage quota management", "file access permissions"},
		Reach:       "every file, private ones included",
		Risk:        risk(high, high, high, high),
		Exposure: map[Permission]string{
			Create: "upload files into public and private storage",
			Read:   "download every file, private ones included",
			Update: "replace files and change file access permissions",
			Delete: "delete files from public and private storage",
		},
		Narrowing: "Grant it only to tools that process documents, without delete unless they must.",
	},
	{
		Key:         "workspace_request_history",
		WireKey:     "workspace:requesthistory",
		DisplayName: "Workspace Request History",
		Description: "Access to API request logs and history.",
		Includes:    []string{"API request logs", "performance metrics", "error tracking data", "usage analytics"},
		Reach:       "API request logs, may hold personal data",
		Risk:        risk(med, med, high, high),
		Exposure: map[Permission]string{
			Create: "write request history entries",
			Read:   "read API request logs, which may hold personal data sent by your users",
			Update: "change request history entries, tampering with the audit trail of API calls",
			Delete: "delete request history, erasing the audit trail of API calls",
		},
		Narrowing: "Read is what monitoring needs; keep the token's lifetime short.",
	},
}

var (
	byKey     = map[string]int{}
	byWire    = map[string]int{}
	byDisplay = map[string]int{}
)

func init() {
	for i, s := range catalog {
		byKey[s.Key] = i
		byWire[s.WireKey] = i
		byDisplay[normalize(s.DisplayName)] = i
	}
}

// All returns a copy of the catalog in Xano's order.
func All() []Scope {
	out := make([]Scope, len(catalog))
	copy(out, catalog)
	return out
}

// Keys returns the nine HCL keys in catalog order.
func Keys() []string {
	out := make([]string, len(catalog))
	for i, s := range catalog {
		out[i] = s.Key
	}
	return out
}

// WireKeys returns the nine wire keys in catalog order.
func WireKeys() []string {
	out := make([]string, len(catalog))
	for i, s := range catalog {
		out[i] = s.WireKey
	}
	return out
}

// ByKey looks a scope up by its HCL key.
func ByKey(key string) (Scope, bool) {
	i, ok := byKey[key]
	if !ok {
		return Scope{}, false
	}
	return catalog[i], true
}

// ByWireKey looks a scope up by the key the API carries.
func ByWireKey(wire string) (Scope, bool) {
	i, ok := byWire[wire]
	if !ok {
		return Scope{}, false
	}
	return catalog[i], true
}

// ByDisplayName looks a scope up by its dashboard name, ignoring case,
// spaces, dashes and underscores.
func ByDisplayName(name string) (Scope, bool) {
	i, ok := byDisplay[normalize(name)]
	if !ok {
		return Scope{}, false
	}
	return catalog[i], true
}

// Index returns the catalog position of key, or -1. It orders scopes stably.
func Index(key string) int {
	if i, ok := byKey[key]; ok {
		return i
	}
	return -1
}

func normalize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		switch r {
		case ' ', '_', '-', ':', '.':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// UnknownScopeError explains an unknown scope name and what was probably meant.
type UnknownScopeError struct {
	Name       string
	Suggestion string
	// Alias is true when Name is a display name or wire key of Suggestion,
	// rather than a typo.
	Alias bool
}

func (e *UnknownScopeError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%q is not a Xano scope.", e.Name)
	if e.Suggestion != "" {
		if e.Alias {
			fmt.Fprintf(&b, " Write it as its HCL key: did you mean %q?", e.Suggestion)
		} else {
			fmt.Fprintf(&b, " Did you mean %q?", e.Suggestion)
		}
	}
	fmt.Fprintf(&b, " Valid names: %s.", strings.Join(Keys(), ", "))
	return b.String()
}

// Resolve returns the scope whose HCL key is name. Anything else, including a
// display name or wire key, is an *UnknownScopeError carrying a suggestion.
func Resolve(name string) (Scope, error) {
	if s, ok := ByKey(name); ok {
		return s, nil
	}
	return Scope{}, &UnknownScopeError{Name: name, Suggestion: Suggest(name), Alias: isAlias(name)}
}

func isAlias(name string) bool {
	if _, ok := ByWireKey(strings.TrimSpace(name)); ok {
		return true
	}
	if _, ok := ByDisplayName(name); ok {
		return true
	}
	_, ok := byKey[strings.ToLower(strings.TrimSpace(name))]
	return ok
}

// Suggest returns the HCL key most likely meant by name, or "" when nothing is
// close. Display names and wire keys map to their key exactly; otherwise the
// nearest key by edit distance wins when it is close enough to be a typo.
func Suggest(name string) string {
	trimmed := strings.TrimSpace(name)
	if s, ok := ByWireKey(trimmed); ok {
		return s.Key
	}
	if s, ok := ByWireKey(strings.ToLower(trimmed)); ok {
		return s.Key
	}
	if s, ok := ByDisplayName(trimmed); ok {
		return s.Key
	}
	n := normalize(trimmed)
	if n == "" {
		return ""
	}
	type cand struct {
		key  string
		dist int
	}
	var cands []cand
	for _, s := range catalog {
		d := levenshtein(n, normalize(s.Key))
		// Xano's keys all start with "workspace", so people often drop it.
		if alt := levenshtein(n, strings.TrimPrefix(normalize(s.Key), "workspace")); alt < d {
			d = alt
		}
		cands = append(cands, cand{s.Key, d})
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].dist < cands[j].dist })
	best := cands[0]
	limit := len(n) / 3
	if limit < 2 {
		limit = 2
	}
	if best.dist > limit {
		return ""
	}
	return best.key
}

// SuggestFrom returns the candidate closest to s by edit distance, or "" when
// none is within a third of its length (at least 2 edits).
func SuggestFrom(s string, candidates []string) string {
	best, bestDist := "", -1
	for _, c := range candidates {
		d := levenshtein(strings.ToLower(s), strings.ToLower(c))
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	limit := len(s) / 3
	if limit < 2 {
		limit = 2
	}
	if bestDist < 0 || bestDist > limit {
		return ""
	}
	return best
}

// levenshtein is the classic edit distance on runes, two rows of memory.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) == 0 {
		return len(rb)
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
