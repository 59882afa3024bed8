package emulator

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
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

// Function is an entry of GET /workspace/{id}/function.
type Function struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Addon is an entry of GET /workspace/{id}/addon.
type Addon struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Task is an entry of GET /workspace/{id}/task.
type Task struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Active bool   `json:"active"`
}

// File is an entry of GET /workspace/{id}/file.
type File struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	Mime   string `json:"mime"`
	Access string `json:"access"`
}

// Record is an entry of GET /workspace/{id}/table/{table_id}/content.
type Record map[string]any

// Paths of the read endpoints this file adds to those of emulator.go, one
// for each scope that had none, relative to /api:meta.
const (
	PathFunctions    = "/workspace/{id}/function"
	PathAddons       = "/workspace/{id}/addon"
	PathTasks        = "/workspace/{id}/task"
	PathFiles        = "/workspace/{id}/file"
	PathTableContent = "/workspace/{id}/table/{table_id}/content"
)

// routeScopedRead is the kind of the routes this file adds; serveRead finds
// their answer by pattern. It is negative so that no kind emulator.go
// numbers can take it.
const routeScopedRead routeKind = -1

// scopedReads are the added routes with the scope whose read permission a
// minted token needs. Reading a table's records reads the live data source
// (the x-data-source header, live by default); Xano's page on it names
// Workspace Content: Read, which alsoNeeds adds.
var scopedReads = []routeSpec{
	{PathFunctions, routeScopedRead, []string{http.MethodGet}, "workspace:function"},
	{PathAddons, routeScopedRead, []string{http.MethodGet}, "workspace:addon"},
	{PathTasks, routeScopedRead, []string{http.MethodGet}, "workspace:task"},
	{PathFiles, routeScopedRead, []string{http.MethodGet}, "workspace:file"},
	{PathTableContent, routeScopedRead, []string{http.MethodGet}, "workspace:datasource:live"},
}

// alsoNeeds lists, per pattern, the scopes beyond the route's own whose
// read permission a minted token needs.
var alsoNeeds = map[string][]string{PathTableContent: {"instance:workspace"}}

func init() {
	// The routes table lives in emulator.go; the reads of this file join it
	// here, unless it serves them already.
	for _, s := range scopedReads {
		if !slices.ContainsFunc(routes, func(r routeSpec) bool { return r.pattern == s.pattern }) {
			routes = append(routes, s)
		}
	}
}

// fixture is the fixed content of one workspace: enough for a test or the
// demo to see which endpoints a minted token opens.
type fixture struct {
	workspace Workspace
	tables    []Table
	apiGroups []APIGroup
	history   []RequestLog
	functions []Function
	addons    []Addon
	tasks     []Task
	files     []File
	// records holds each table's records in the live data source.
	records map[int64][]Record
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
	functions: []Function{
		{ID: 1, Name: "order_total", Description: "Sums an order's lines"},
		{ID: 2, Name: "send_receipt", Description: "Mails the receipt of an order"},
	},
	addons: []Addon{{ID: 1, Name: "order_lines", Description: "Adds an order's lines to the answer"}},
	tasks:  []Task{{ID: 1, Name: "nightly_cleanup", Active: true}, {ID: 2, Name: "weekly_report", Active: false}},
	files: []File{
		{ID: 1, Name: "logo.png", Size: 5120, Mime: "image/png", Access: "public"},
		{ID: 2, Name: "invoice-0001.pdf", Size: 48213, Mime: "application/pdf", Access: "private"},
	},
	records: map[int64][]Record{
		1: {{"id": 1, "email": "ada@example.invalid"}, {"id": 2, "email": "grace@example.invalid"}},
		2: {{"id": 1, "user_id": 1, "total": 42.5}},
	},
}}

// serveRead answers the scope-guarded read endpoints, under /api:meta and
// under each instance's own Metadata API. Admin tokens read everything; a
// minted token needs read on the endpoint's scope (and on those alsoNeeds
// lists) and, under an instance's Metadata API, must belong to that
// instance. The caller holds e.mu.
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
	pattern := strings.TrimPrefix(rt.pattern, PathInstanceMetaAPI)
	if rec != nil {
		now := e.clock()
		if rec.expired(now) {
			return errorReply(http.StatusUnauthorized, fmt.Sprintf("This access token expired at %s: create a new one.", xano.FormatTime(rec.expires)))
		}
		for _, scope := range append([]string{rt.scope}, alsoNeeds[pattern]...) {
			if !slices.Contains(rec.scopes[scope], string(scopes.Read)) {
				display := scope
				if s, ok := scopes.ByWireKey(scope); ok {
					display = s.DisplayName
				}
				return errorReply(http.StatusForbidden, fmt.Sprintf("Access denied: GET %s needs read permission on scope %q (%s), which this token does not grant.", rt.pattern, scope, display))
			}
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
	pg, rep, ok := pageOf(r)
	if !ok {
		return rep
	}
	switch pattern {
	case PathTables:
		return pagedReply(f.tables, pg)
	case PathAPIGroups:
		return pagedReply(f.apiGroups, pg)
	case PathRequestHistory:
		return pagedReply(f.history, pg)
	case PathFunctions:
		return pagedReply(f.functions, pg)
	case PathAddons:
		return pagedReply(f.addons, pg)
	case PathTasks:
		return pagedReply(f.tasks, pg)
	case PathFiles:
		return pagedReply(f.files, pg)
	case PathTableContent:
		if ds := r.Header.Get("X-Data-Source"); ds != "" && ds != "live" {
			return errorReply(http.StatusNotFound, fmt.Sprintf("Data source %q not found: the emulator has only the live data source.", ds))
		}
		id, err := strconv.ParseInt(rt.params["table_id"], 10, 64)
		records, found := f.records[id]
		if err != nil || !found {
			return errorReply(http.StatusNotFound, fmt.Sprintf("Table %q not found: GET %s lists the tables.", rt.params["table_id"], PathTables))
		}
		return pagedReply(records, pg)
	}
	return errorReply(http.StatusNotFound, "No such route.")
}

// page is the page and per_page of a list request.
type page struct{ number, size int }

// readPerPage is what Xano's list endpoints document as per_page's default;
// readMaxPerPage is the largest they accept.
const (
	readPerPage    = 50
	readMaxPerPage = 10000
)

// pageOf reads page and per_page, Xano's paging parameters, or returns the
// 400 to answer for values out of range.
func pageOf(r *http.Request) (page, reply, bool) {
	pg := page{number: 1, size: readPerPage}
	for _, p := range []struct {
		name     string
		to       *int
		min, max int
	}{{"page", &pg.number, 1, math.MaxInt32}, {"per_page", &pg.size, 1, readMaxPerPage}} {
		raw := r.URL.Query().Get(p.name)
		if raw == "" {
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < p.min || n > p.max {
			return page{}, errorReply(http.StatusBadRequest, fmt.Sprintf("%s is %q: use a whole number from %d to %d.", p.name, raw, p.min, p.max)), false
		}
		*p.to = n
	}
	return pg, reply{}, true
}

// pagedReply answers one page of items in Xano's envelope.
func pagedReply[T any](items []T, pg page) reply {
	start := min((pg.number-1)*pg.size, len(items))
	end := min(start+pg.size, len(items))
	out := Page[T]{Items: append([]T{}, items[start:end]...), CurPage: pg.number}
	if end < len(items) {
		next := pg.number + 1
		out.NextPage = &next
	}
	if pg.number > 1 {
		prev := pg.number - 1
		out.PrevPage = &prev
	}
	return jsonReply(http.StatusOK, out)
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
