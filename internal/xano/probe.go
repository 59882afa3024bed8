package xano

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// The probe asks an instance's own Metadata API (its meta_api) what a token
// can read: one GET per scope of a list that the scope guards, with the
// smallest page, and nothing else. Every path below is relative to meta_api;
// the API contract page lists them with their sources.
const (
	PathWorkspaces      = "/workspace"
	PathProbeTables     = "/workspace/{workspace_id}/table"
	PathProbeAPIGroups  = "/workspace/{workspace_id}/apigroup"
	PathProbeFunctions  = "/workspace/{workspace_id}/function"
	PathProbeAddons     = "/workspace/{workspace_id}/addon"
	PathProbeTasks      = "/workspace/{workspace_id}/task"
	PathProbeFiles      = "/workspace/{workspace_id}/file"
	PathProbeReqHistory = "/workspace/{workspace_id}/request_history"
	// ProbeSmallestPage is the query of every paginated probe: Xano's list
	// endpoints take page and per_page, so one item at most is read.
	ProbeSmallestPage = "page=1&per_page=1"
)

// ProbeEndpoint is the read that proves one scope's read permission.
type ProbeEndpoint struct {
	// Scope is the scope's HCL key.
	Scope string
	// Path is relative to meta_api, "" when no safe read separates the
	// scope; {workspace_id} stands for the workspace probed.
	Path string
	// Query is the smallest page, "" for an endpoint without paging.
	Query string
	// Documented is set when Xano documents the path (and its paging).
	Documented bool
	// Source is where Xano documents the path, or why it is assumed.
	Source string
	// Guard says how the scope is known to guard the path.
	Guard string
	// Unprobed is why no request is made for the scope, when Path is "".
	Unprobed string
}

// NeedsWorkspace reports whether the path names a workspace.
func (p ProbeEndpoint) NeedsWorkspace() bool { return strings.Contains(p.Path, "{workspace_id}") }

// Request renders the GET for workspace id (ignored when the path names no
// workspace), e.g. "/workspace/1/table?page=1&per_page=1".
func (p ProbeEndpoint) Request(workspaceID int64) string {
	path := strings.ReplaceAll(p.Path, "{workspace_id}", strconv.FormatInt(workspaceID, 10))
	if p.Query != "" {
		path += "?" + p.Query
	}
	return path
}

// Sources of the probe endpoints. Xano's instance API reference is built
// from the same OpenAPI document each instance serves at meta_swagger.
const (
	srcInstanceAPI  = "https://docs.xano.com/xano-features/metadata-api/instance_api/"
	srcDeveloperMCP = "github.com/xano-inc/xano-developer-mcp, api_docs/"
)

// unprobedLiveDataSource is why the live data source has no probe.
const unprobedLiveDataSource = "no safe read separates this scope: Xano documents no list endpoint that it alone guards, " +
	"and its reads of live data (a table's records, with the x-data-source header) need a table id, that is a " +
	"follow-up request, and are documented under Workspace Content"

// probeEndpoints holds one entry per scope, in catalog order.
var probeEndpoints = []ProbeEndpoint{
	{
		Scope: "workspace_database", Path: PathProbeTables, Query: ProbeSmallestPage, Documented: true,
		Source: srcInstanceAPI + "retrieve_all_tables_in_a_workspace_with_optional_filtering_and_pagination; " +
			srcDeveloperMCP + "table.md (page, per_page 1-10000)",
		Guard: "inferred: Xano's pages on a table's schema name Workspace Database: Read",
	},
	{
		Scope: "workspace_content", Path: PathWorkspaces, Documented: true,
		Source: "https://docs.xano.com/api-reference/workspace/retrieve-all-accessible-workspaces-for-the-authenticated-user " +
			"(a plain array, no paging parameters)",
		Guard: "inferred: Xano's scope reference puts basic workspace information under Workspace Content",
	},
	{
		Scope: "workspace_live_data_source", Unprobed: unprobedLiveDataSource,
		Source: "https://docs.xano.com/api-reference/table-content/retrieve-paginated-records-from-a-table",
	},
	{
		Scope: "workspace_api_groups", Path: PathProbeAPIGroups, Query: ProbeSmallestPage, Documented: true,
		Source: "https://docs.xano.com/api-reference/api-group/retrieve-all-api-groups-in-a-workspace; " +
			srcDeveloperMCP + "api_group.md (page, per_page)",
		Guard: "inferred: Xano's pages on one API group name Workspace Api: Read",
	},
	{
		Scope: "workspace_functions", Path: PathProbeFunctions, Query: ProbeSmallestPage, Documented: true,
		Source: srcInstanceAPI + "retrieve_all_functions_in_a_workspace_with_optional_filtering_and_pagination (page, per_page)",
		Guard:  "inferred from the path",
	},
	{
		Scope: "workspace_addons", Path: PathProbeAddons, Query: ProbeSmallestPage, Documented: true,
		Source: srcDeveloperMCP + "addon.md, List Addons (page, per_page 1-10000)",
		Guard:  "inferred from the path",
	},
	{
		Scope: "workspace_tasks", Path: PathProbeTasks, Query: ProbeSmallestPage, Documented: true,
		Source: srcInstanceAPI + "retrieve_all_scheduled_tasks_in_a_workspace_with_optional_filtering_and_pagination; " +
			srcDeveloperMCP + "task.md (page, per_page 1-10000)",
		Guard: "inferred from the path",
	},
	{
		Scope: "workspace_files", Path: PathProbeFiles, Query: ProbeSmallestPage, Documented: true,
		Source: srcInstanceAPI + "retrieve_workspace_files_with_optional_search_filtering_and_pagination; " +
			srcDeveloperMCP + "file.md (page, per_page 1-10000)",
		Guard: "inferred: Xano's page on uploading files names Workspace File: Create",
	},
	{
		Scope: "workspace_request_history", Path: PathProbeReqHistory, Query: ProbeSmallestPage, Documented: true,
		Source: "https://docs.xano.com/api-reference/request-history/retrieve-api-request-history (page, per_page)",
		Guard:  "documented: Xano's page names Workspace Request History: Read",
	},
}

// ProbeEndpoints returns the probe of every scope, in catalog order.
func ProbeEndpoints() []ProbeEndpoint {
	return append([]ProbeEndpoint(nil), probeEndpoints...)
}

// ProbeOutcome is what the probe learnt about one scope.
type ProbeOutcome string

// The three outcomes of a scope's probe.
const (
	// ProbeReadable: the read answered 2xx with JSON.
	ProbeReadable ProbeOutcome = "readable"
	// ProbeRefused: the read answered 403.
	ProbeRefused ProbeOutcome = "refused"
	// ProbeUnknown: no read was made, or its answer proves neither.
	ProbeUnknown ProbeOutcome = "unknown"
)

// ScopeProbe is the outcome of one scope's probe.
type ScopeProbe struct {
	Scope   string
	Outcome ProbeOutcome
	// Reason says why the outcome is unknown; "" otherwise.
	Reason string
	// Request is the GET made ("GET /workspace/1/table?page=1&per_page=1"),
	// "" when none was.
	Request string
}

// ProbeResult is what a token reaches, scope by scope.
type ProbeResult struct {
	// Scopes holds every scope of the catalog, in its order.
	Scopes []ScopeProbe
	// WorkspaceID is the workspace probed: the one given, else the first
	// that GET /workspace listed; 0 when there was none.
	WorkspaceID int64
	// Requests counts the GETs made (retries of one GET count once).
	Requests int
}

// With returns the names of the scopes whose outcome is o, in catalog order.
func (r *ProbeResult) With(o ProbeOutcome) []string {
	var out []string
	for _, s := range r.Scopes {
		if s.Outcome == o {
			out = append(out, s.Scope)
		}
	}
	return out
}

// UnknownReasons maps each scope of unknown outcome to its reason.
func (r *ProbeResult) UnknownReasons() map[string]string {
	out := map[string]string{}
	for _, s := range r.Scopes {
		if s.Outcome == ProbeUnknown {
			out[s.Scope] = s.Reason
		}
	}
	return out
}

// TokenRejectedError is the probe's answer to a 401: the token itself is
// refused, so no scope can be judged. Err is the 401, masked.
type TokenRejectedError struct{ Err error }

func (e *TokenRejectedError) Error() string {
	return "the token is wrong, expired or revoked: " + e.Err.Error()
}

// Unwrap returns the 401, so IsUnauthorized holds.
func (e *TokenRejectedError) Unwrap() error { return e.Err }

// Probe asks the instance Metadata API at cfg.BaseURL (an instance's
// meta_api) which scopes cfg.AccessToken can read, with cfg's retries and
// timeout. It makes one GET /workspace, which probes workspace_content and,
// when workspaceID is 0, gives the workspace to probe (the first listed),
// then one GET of the smallest page per workspace scope: never a write, a
// large page or a follow-up. A 401 stops it with a *TokenRejectedError;
// a GET /workspace that gets no HTTP answer stops it with that error.
func Probe(ctx context.Context, cfg Config, workspaceID int64) (*ProbeResult, error) {
	c, err := New(cfg)
	if err != nil {
		return nil, err
	}
	return c.probe(ctx, workspaceID)
}

// ProbeToken is Probe with this client's retries, timeout, logger and
// version, for token at metaAPI. The client's own token is not sent.
func (c *Client) ProbeToken(ctx context.Context, metaAPI, token string, workspaceID int64) (*ProbeResult, error) {
	pc, err := newClient(Config{
		BaseURL: metaAPI, AccessToken: token, Version: strings.TrimPrefix(c.userAgent, "terraform-provider-xano/"),
		MaxRetries: c.maxRetries, RequestTimeout: c.requestTimeout, Logger: c.logger,
	}, tuning{
		retryWaitMin: c.retryWaitMin, retryWaitMax: c.retryWaitMax, maxRetryWait: c.maxRetryWait,
		onRetry: c.onRetry, rand: c.rand, now: c.now, httpClient: c.httpClient,
	})
	if err != nil {
		return nil, err
	}
	return pc.probe(ctx, workspaceID)
}

// probeWorkspace is the part of a GET /workspace entry the probe reads.
type probeWorkspace struct {
	ID int64 `json:"id"`
}

func (c *Client) probe(ctx context.Context, workspaceID int64) (*ProbeResult, error) {
	if workspaceID < 0 {
		return nil, fmt.Errorf("the workspace id is %d; use a workspace's positive id, or 0 to probe the first listed", workspaceID)
	}
	res := &ProbeResult{WorkspaceID: workspaceID}
	outcome := map[string]ScopeProbe{}

	// GET /workspace probes workspace_content and names a workspace.
	content := probeEndpointOf("workspace_content")
	listed, sp, err := c.probeGet(ctx, content, 0, res)
	if err != nil {
		return nil, err
	}
	outcome[content.Scope] = sp
	var noWorkspace string
	if workspaceID == 0 {
		switch {
		case sp.Outcome == ProbeRefused:
			noWorkspace = "not probed: the token may not list workspaces (GET /workspace answered 403) and workspace_id " +
				"is not set; set workspace_id to probe this scope"
		case sp.Outcome != ProbeReadable:
			noWorkspace = "not probed: no workspace to probe, since GET /workspace did not list them; set workspace_id"
		default:
			id, reason := firstWorkspace(listed)
			if reason != "" {
				noWorkspace = "not probed: " + reason + "; set workspace_id"
			}
			res.WorkspaceID = id
		}
	}

	for _, ep := range probeEndpoints {
		switch {
		case ep.Scope == content.Scope:
			continue
		case ep.Path == "":
			outcome[ep.Scope] = ScopeProbe{Scope: ep.Scope, Outcome: ProbeUnknown, Reason: ep.Unprobed}
			continue
		case ep.NeedsWorkspace() && noWorkspace != "":
			outcome[ep.Scope] = ScopeProbe{Scope: ep.Scope, Outcome: ProbeUnknown, Reason: noWorkspace}
			continue
		}
		_, sp, err := c.probeGet(ctx, ep, res.WorkspaceID, res)
		if err != nil {
			return nil, err
		}
		outcome[ep.Scope] = sp
	}
	for _, key := range scopes.Keys() {
		res.Scopes = append(res.Scopes, outcome[key])
	}
	return res, nil
}

// probeGet makes ep's one GET and classifies its answer. The error is
// returned only for what ends the probe: a 401, a cancelled context, and
// the first GET getting no HTTP answer at all.
func (c *Client) probeGet(ctx context.Context, ep ProbeEndpoint, workspaceID int64, res *ProbeResult) (json.RawMessage, ScopeProbe, error) {
	path := ep.Request(workspaceID)
	sp := ScopeProbe{Scope: ep.Scope, Request: http.MethodGet + " " + path}
	res.Requests++
	body, err := doJSON[json.RawMessage](ctx, c, request{method: http.MethodGet, path: path, what: "JSON answer"})
	var transportErr *TransportError
	var decodeErr *DecodeError
	switch {
	case err == nil:
		sp.Outcome = ProbeReadable
		return *body, sp, nil
	case IsUnauthorized(err):
		return nil, sp, &TokenRejectedError{Err: err}
	case ctx.Err() != nil:
		return nil, sp, err
	case errors.As(err, &transportErr) && res.Requests == 1:
		return nil, sp, err
	case IsForbidden(err):
		sp.Outcome = ProbeRefused
	case errors.As(err, &decodeErr):
		sp.Outcome = ProbeUnknown
		sp.Reason = fmt.Sprintf("the answer is not the API's: %s; check that meta_api is the instance's Metadata API", err)
	default:
		sp.Outcome = ProbeUnknown
		sp.Reason = fmt.Sprintf("neither allowed (2xx) nor refused (403): %s", err)
	}
	return nil, sp, nil
}

// firstWorkspace reads the id of the first workspace of a GET /workspace
// answer: a plain array, as Xano documents it, or a page of items.
func firstWorkspace(body json.RawMessage) (int64, string) {
	var list []probeWorkspace
	if err := json.Unmarshal(body, &list); err != nil {
		var page struct {
			Items []probeWorkspace `json:"items"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			return 0, "GET /workspace answered with a body that is not a list of workspaces"
		}
		list = page.Items
	}
	if len(list) == 0 {
		return 0, "GET /workspace lists no workspace"
	}
	if list[0].ID <= 0 {
		return 0, "the first workspace GET /workspace lists has no id"
	}
	return list[0].ID, ""
}

func probeEndpointOf(scope string) ProbeEndpoint {
	for _, ep := range probeEndpoints {
		if ep.Scope == scope {
			return ep
		}
	}
	panic("xano: no probe endpoint for scope " + scope)
}
