package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// Workspace is an entry of GET /workspace.
type Workspace struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Table is an entry of GET /workspace/{id}/table.
type Table struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// APIGroup is an entry of GET /workspace/{id}/apigroup.
type APIGroup struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// RequestLog is an entry of GET /workspace/{id}/request_history.
type RequestLog struct {
	ID         int64  `json:"id"`
	CreatedAt  string `json:"created_at"`
	Verb       string `json:"verb"`
	URI        string `json:"uri"`
	Status     int    `json:"status"`
	DurationMS int    `json:"duration_ms"`
}

// Page is the paginated envelope of the workspace read endpoints.
type Page[T any] struct {
	Items    []T  `json:"items"`
	CurPage  int  `json:"curPage"`
	NextPage *int `json:"nextPage"`
	PrevPage *int `json:"prevPage"`
}

// fixture is the fixed content of one workspace: enough for a test or the
// demo to see which endpoints a minted token opens.
type fixture struct {
	workspace Workspace
	tables    []Table
	apiGroups []APIGroup
	history   []RequestLog
}

var fixtures = []fixture{{
	workspace: Workspace{ID: 1, Name: "main", Description: "Emulated workspace"},
	tables:    []Table{{ID: 1, Name: "users"}, {ID: 2, Name: "orders"}},
	apiGroups: []APIGroup{
		{ID: 1, Name: "public", Description: "Endpoints the web app calls"},
		{ID: 2, Name: "admin", Description: "Back-office endpoints"},
	},
	history: []RequestLog{
		{ID: 1, CreatedAt: "2026-01-05 09:12:44+0000", Verb: "GET", URI: "/api:public/orders", Status: 200, DurationMS: 38},
		{ID: 2, CreatedAt: "2026-01-05 09:13:02+0000", Verb: "POST", URI: "/api:public/orders", Status: 400, DurationMS: 12},
	},
}}

// serveRead answers the scope-guarded read endpoints, under /api:meta and
// under each instance's own Metadata API. Admin tokens read everything; a
// minted token needs read on the endpoint's scope and, under an instance's
// Metadata API, must belong to that instance. The caller holds e.mu.
func (e *Emulator) serveRead(r *http.Request, rt route) reply {
	_, rec, rep, ok := e.authenticate(r)
	if !ok {
		return rep
	}
	if rep, ok := e.checkInstance(rt); !ok {
		return rep
	}
	if instance, scoped := rt.params["instance"]; scoped && rec != nil && rec.instance != instance {
		// Each instance has its own Metadata API, which knows only its own
		// tokens.
		return errorReply(http.StatusUnauthorized, "Invalid access token: it is unknown, revoked or malformed.")
	}
	if rec != nil {
		now := e.clock()
		if rec.expired(now) {
			return errorReply(http.StatusUnauthorized, fmt.Sprintf("This access token expired at %s: create a new one.", xano.FormatTime(rec.expires)))
		}
		if !slices.Contains(rec.scopes[rt.scope], string(scopes.Read)) {
			display := rt.scope
			if s, ok := scopes.ByWireKey(rt.scope); ok {
				display = s.DisplayName
			}
			return errorReply(http.StatusForbidden, fmt.Sprintf("Access denied: GET %s needs read permission on scope %q (%s), which this token does not grant.", rt.pattern, rt.scope, display))
		}
		rec.lastUsed = now.UTC().Truncate(time.Second)
	}
	if rt.kind == routeWorkspaces {
		out := make([]Workspace, len(fixtures))
		for i, f := range fixtures {
			out[i] = f.workspace
		}
		return jsonReply(http.StatusOK, out)
	}
	f, ok := findFixture(rt.params["id"])
	if !ok {
		return errorReply(http.StatusNotFound, fmt.Sprintf("Workspace %q not found: GET /workspace lists the workspaces.", rt.params["id"]))
	}
	switch rt.kind {
	case routeTables:
		return jsonReply(http.StatusOK, onePage(f.tables))
	case routeAPIGroups:
		return jsonReply(http.StatusOK, onePage(f.apiGroups))
	}
	return jsonReply(http.StatusOK, onePage(f.history))
}

func findFixture(id string) (fixture, bool) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return fixture{}, false
	}
	for _, f := range fixtures {
		if f.workspace.ID == n {
			return f, true
		}
	}
	return fixture{}, false
}

func onePage[T any](items []T) Page[T] { return Page[T]{Items: items, CurPage: 1} }
