package xano

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// probedToken is the token a probe asks about; it differs from testToken,
// the account client's, so a test can tell which one was sent.
const probedToken = "probed-S3CR3T-9d2f71c0"

// probeServer answers each probe path with the status that statusOf gives
// (200 when it gives 0), a JSON page or workspace list on 200 and a Xano
// error otherwise. The error message echoes the bearer token, as a careless
// server could.
func probeServer(t *testing.T, workspaces string, statusOf func(path string) int) *fake {
	return newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		status := statusOf(r.URL.Path)
		if status == 0 {
			status = http.StatusOK
		}
		if status != http.StatusOK {
			writeError(w, status, codeForTest(status), "denied for "+r.Header.Get("Authorization"))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/workspace" {
			_, _ = w.Write([]byte(workspaces))
			return
		}
		_, _ = w.Write([]byte(`{"curPage":1,"nextPage":null,"prevPage":null,"items":[{"id":1}]}`))
	})
}

func codeForTest(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return CodeUnauthorized
	case http.StatusForbidden:
		return CodeAccessDenied
	case http.StatusNotFound:
		return CodeNotFound
	}
	return CodeFatal
}

func probeConfig(baseURL string) TestConfig {
	cfg := fastConfig(baseURL)
	cfg.AccessToken = probedToken
	return cfg
}

func runProbe(t *testing.T, f *fake, workspaceID int64, logger Logger) (*ProbeResult, error) {
	t.Helper()
	cfg := probeConfig(f.srv.URL)
	cfg.Logger = logger
	c, err := NewForTest(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c.probe(context.Background(), workspaceID)
}

func TestProbeClassifies(t *testing.T) {
	t.Parallel()
	allWorkspaceScopes := []string{"workspace_database", "workspace_api_groups", "workspace_functions", "workspace_addons",
		"workspace_tasks", "workspace_files", "workspace_request_history"}
	tests := []struct {
		name        string
		workspaces  string
		workspaceID int64
		status      map[string]int
		readable    []string
		refused     []string
		// unknown maps a scope to a part of its reason.
		unknown map[string]string
		// paths are the request paths the server must see, in order.
		paths []string
	}{
		{
			name:       "everything readable, workspace from the list",
			workspaces: `[{"id":7,"name":"main"},{"id":9,"name":"other"}]`,
			readable:   append([]string{"workspace_database", "workspace_content"}, allWorkspaceScopes[1:]...),
			unknown:    map[string]string{"workspace_live_data_source": "no safe read separates this scope"},
			paths: []string{"/workspace", "/workspace/7/table", "/workspace/7/apigroup", "/workspace/7/function",
				"/workspace/7/addon", "/workspace/7/task", "/workspace/7/file", "/workspace/7/request_history"},
		},
		{
			name:       "the weweb recipe: API groups and content only",
			workspaces: `[{"id":1}]`,
			status: map[string]int{"/workspace/1/table": 403, "/workspace/1/function": 403, "/workspace/1/addon": 403,
				"/workspace/1/task": 403, "/workspace/1/file": 403, "/workspace/1/request_history": 403},
			readable: []string{"workspace_content", "workspace_api_groups"},
			refused: []string{"workspace_database", "workspace_functions", "workspace_addons", "workspace_tasks",
				"workspace_files", "workspace_request_history"},
			unknown: map[string]string{"workspace_live_data_source": "x-data-source"},
		},
		{
			name:    "content refused without workspace_id",
			status:  map[string]int{"/workspace": 403},
			refused: []string{"workspace_content"},
			unknown: func() map[string]string {
				m := map[string]string{"workspace_live_data_source": "follow-up request"}
				for _, s := range allWorkspaceScopes {
					m[s] = "set workspace_id"
				}
				return m
			}(),
			paths: []string{"/workspace"},
		},
		{
			name:        "content refused with workspace_id",
			workspaceID: 3,
			status:      map[string]int{"/workspace": 403, "/workspace/3/table": 403},
			refused:     []string{"workspace_database", "workspace_content"},
			readable:    allWorkspaceScopes[1:],
			unknown:     map[string]string{"workspace_live_data_source": "no safe read"},
			paths: []string{"/workspace", "/workspace/3/table", "/workspace/3/apigroup", "/workspace/3/function",
				"/workspace/3/addon", "/workspace/3/task", "/workspace/3/file", "/workspace/3/request_history"},
		},
		{
			name:        "a workspace that does not exist, and a failing server",
			workspaces:  `[]`,
			workspaceID: 8,
			status:      map[string]int{"/workspace/8/table": 404, "/workspace/8/apigroup": 500},
			readable:    append([]string{"workspace_content"}, allWorkspaceScopes[2:]...),
			unknown: map[string]string{
				"workspace_live_data_source": "no safe read",
				"workspace_database":         "neither allowed (2xx) nor refused (403): GET /workspace/8/table?page=1&per_page=1: 404",
				"workspace_api_groups":       "(after 4 attempts)",
			},
		},
		{
			name:       "an instance without workspaces",
			workspaces: `[]`,
			readable:   []string{"workspace_content"},
			unknown: func() map[string]string {
				m := map[string]string{"workspace_live_data_source": "no safe read"}
				for _, s := range allWorkspaceScopes {
					m[s] = "GET /workspace lists no workspace; set workspace_id"
				}
				return m
			}(),
			paths: []string{"/workspace"},
		},
		{
			name:       "workspaces as a page of items",
			workspaces: `{"items":[{"id":4}]}`,
			readable:   append([]string{"workspace_database", "workspace_content"}, allWorkspaceScopes[1:]...),
			unknown:    map[string]string{"workspace_live_data_source": "no safe read"},
			paths: []string{"/workspace", "/workspace/4/table", "/workspace/4/apigroup", "/workspace/4/function",
				"/workspace/4/addon", "/workspace/4/task", "/workspace/4/file", "/workspace/4/request_history"},
		},
		{
			name:       "a login page instead of the API",
			workspaces: `<html>sign in</html>`,
			unknown: func() map[string]string {
				m := map[string]string{"workspace_live_data_source": "no safe read",
					"workspace_content": "check that meta_api is the instance's Metadata API"}
				for _, s := range allWorkspaceScopes {
					m[s] = "GET /workspace did not list them"
				}
				return m
			}(),
			paths: []string{"/workspace"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := probeServer(t, tt.workspaces, func(p string) int { return tt.status[p] })
			res, err := runProbe(t, f, tt.workspaceID, nil)
			if err != nil {
				t.Fatalf("Probe: %v", err)
			}
			sorted := func(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }
			if got, want := sorted(res.With(ProbeReadable)), sorted(tt.readable); !reflect.DeepEqual(got, want) && len(got)+len(want) > 0 {
				t.Errorf("readable = %v, want %v", got, want)
			}
			if got, want := sorted(res.With(ProbeRefused)), sorted(tt.refused); !reflect.DeepEqual(got, want) && len(got)+len(want) > 0 {
				t.Errorf("refused = %v, want %v", got, want)
			}
			unknown := res.UnknownReasons()
			if len(unknown) != len(tt.unknown) {
				t.Errorf("unknown = %v, want the scopes of %v", unknown, tt.unknown)
			}
			for scope, part := range tt.unknown {
				if !strings.Contains(unknown[scope], part) {
					t.Errorf("unknown[%s] = %q, want it to contain %q", scope, unknown[scope], part)
				}
			}
			if len(res.Scopes) != len(scopes.Keys()) {
				t.Fatalf("%d scopes in the result, want all %d", len(res.Scopes), len(scopes.Keys()))
			}
			for i, key := range scopes.Keys() {
				if res.Scopes[i].Scope != key {
					t.Errorf("scope %d is %s, want %s (catalog order)", i, res.Scopes[i].Scope, key)
				}
			}

			reqs := f.requests()
			var paths []string
			seen := map[string]bool{}
			for _, r := range reqs {
				if r.Method != http.MethodGet {
					t.Errorf("the probe sent %s %s: only GETs are allowed", r.Method, r.Path)
				}
				if r.Body != "" {
					t.Errorf("the probe sent a body to %s: %q", r.Path, r.Body)
				}
				if got := r.Header.Get("Authorization"); got != "Bearer "+probedToken {
					t.Errorf("%s carried Authorization %q, want the probed token", r.Path, got)
				}
				wantQuery := ProbeSmallestPage
				if r.Path == "/workspace" {
					wantQuery = ""
				}
				if r.Query != wantQuery {
					t.Errorf("%s carried query %q, want %q", r.Path, r.Query, wantQuery)
				}
				if !seen[r.Path] {
					paths = append(paths, r.Path)
				}
				seen[r.Path] = true
			}
			if tt.paths != nil && !reflect.DeepEqual(paths, tt.paths) {
				t.Errorf("requested %v, want %v", paths, tt.paths)
			}
			if res.Requests != len(paths) {
				t.Errorf("Requests = %d, but %d paths were requested", res.Requests, len(paths))
			}
			if res.Requests > 8 {
				t.Errorf("%d requests: one per probed scope is at most 8", res.Requests)
			}
		})
	}
}

// TestProbeRejectedToken: a 401, wherever it comes, ends the probe with one
// error that names the cause and never the token, and no request follows.
func TestProbeRejectedToken(t *testing.T) {
	t.Parallel()
	for _, at := range []string{"/workspace", "/workspace/1/function"} {
		t.Run(at, func(t *testing.T) {
			t.Parallel()
			f := probeServer(t, `[{"id":1}]`, func(p string) int {
				if p == at {
					return http.StatusUnauthorized
				}
				return 0
			})
			logger := &captureLogger{}
			res, err := runProbe(t, f, 0, logger)
			var rejected *TokenRejectedError
			if !errors.As(err, &rejected) || !IsUnauthorized(err) {
				t.Fatalf("Probe = %+v, %v; want a *TokenRejectedError for a 401", res, err)
			}
			if !strings.HasPrefix(err.Error(), "the token is wrong, expired or revoked: GET "+at) {
				t.Errorf("error = %q", err)
			}
			if strings.Contains(err.Error(), probedToken) {
				t.Errorf("the error shows the token: %q", err)
			}
			reqs := f.requests()
			if last := reqs[len(reqs)-1].Path; last != at {
				t.Errorf("a request followed the 401: the last was %s", last)
			}
			if fmt.Sprint(logger.lines) == "" || strings.Contains(fmt.Sprint(logger.lines), probedToken) {
				t.Errorf("the log is empty or shows the token: %v", logger.lines)
			}
		})
	}
}

// TestProbeNeverShowsTheToken: a server that echoes the bearer token in its
// errors, as a body excerpt or a message, does not put it in any reason or
// log line.
func TestProbeNeverShowsTheToken(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		switch r.URL.Path {
		case "/workspace":
			writeJSON(w, http.StatusOK, []map[string]any{{"id": 1}})
		case "/workspace/1/table":
			writeError(w, http.StatusNotFound, CodeNotFound, "no table for "+r.Header.Get("Authorization"))
		case "/workspace/1/apigroup":
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("upstream said: " + strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")))
		case "/workspace/1/function":
			_, _ = w.Write([]byte("<p>" + r.Header.Get("Authorization") + "</p>"))
		default:
			writeError(w, http.StatusForbidden, CodeAccessDenied, "token "+r.Header.Get("Authorization")+" may not")
		}
	})
	logger := &captureLogger{}
	res, err := runProbe(t, f, 0, logger)
	if err != nil {
		t.Fatal(err)
	}
	reasons := res.UnknownReasons()
	for _, scope := range []string{"workspace_database", "workspace_api_groups", "workspace_functions"} {
		if reasons[scope] == "" {
			t.Errorf("%s is not unknown: the test proves nothing about its reason", scope)
		}
	}
	all := fmt.Sprint(reasons, logger.lines, logger.msgs)
	if strings.Contains(all, probedToken) {
		t.Errorf("a reason or log line shows the token: %s", all)
	}
	if !strings.Contains(all, "***") {
		t.Errorf("nothing was masked: the server's echo did not reach a reason, so the test proves nothing: %s", all)
	}
}

// TestProbeUnreachable: when the first GET gets no answer at all, meta_api
// is wrong or down, and the probe stops with that error instead of listing
// eight scopes it could not judge.
func TestProbeUnreachable(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) { hangUp(t, w) })
	res, err := runProbe(t, f, 0, nil)
	var te *TransportError
	if !errors.As(err, &te) {
		t.Fatalf("Probe = %+v, %v; want the transport error", res, err)
	}
	paths := map[string]bool{}
	for _, r := range f.requests() {
		paths[r.Path] = true
	}
	if len(paths) != 1 || !paths["/workspace"] {
		t.Errorf("requested %v, want GET /workspace (and its retries) only", paths)
	}
}

// TestProbeTokenUsesTheProbedToken: ProbeToken sends the token probed, never
// the account client's own, and keeps the client's retries.
func TestProbeTokenUsesTheProbedToken(t *testing.T) {
	t.Parallel()
	fails := 0
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.URL.Path == "/workspace/1/task" && fails < 2 {
			fails++
			writeError(w, http.StatusServiceUnavailable, CodeFatal, "busy")
			return
		}
		writeJSON(w, http.StatusOK, []map[string]any{{"id": 1}})
	})
	account := fastClient(t, "https://app.example.invalid/api:meta")
	res, err := account.ProbeToken(context.Background(), f.srv.URL, probedToken, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.With(ProbeReadable); len(got) != 8 {
		t.Errorf("readable = %v, want the eight probed scopes (the two 503s retried)", got)
	}
	for _, r := range f.requests() {
		if auth := r.Header.Get("Authorization"); auth != "Bearer "+probedToken {
			t.Errorf("%s carried %q, want the probed token", r.Path, auth)
		}
		if ua := r.Header.Get("User-Agent"); ua != "terraform-provider-xano/1.2.3" {
			t.Errorf("User-Agent %q, want the account client's", ua)
		}
	}
	if res.Requests != 8 || len(f.requests()) != 10 {
		t.Errorf("%d requests counted, %d sent; want 8 GETs, one retried twice", res.Requests, len(f.requests()))
	}

	if _, err := account.ProbeToken(context.Background(), "not a url", probedToken, 0); err == nil {
		t.Error("a meta_api that is not a URL was accepted")
	}
	if _, err := account.ProbeToken(context.Background(), f.srv.URL, "", 0); err == nil {
		t.Error("an empty token was accepted")
	}
	if _, err := account.ProbeToken(context.Background(), f.srv.URL, probedToken, -1); err == nil {
		t.Error("a negative workspace id was accepted")
	}
}

// TestProbeCancelled: a cancelled context ends the probe with an error.
func TestProbeCancelled(t *testing.T) {
	t.Parallel()
	f := probeServer(t, `[{"id":1}]`, func(string) int { return 0 })
	c, err := NewForTest(probeConfig(f.srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	if _, err := c.probe(ctx, 0); err == nil {
		t.Error("a cancelled probe returned no error")
	}
}

// TestProbeEndpoints: one probe per scope, in catalog order, each either a
// GET with the smallest page (GET /workspace has no paging) or a reason,
// and each with its source.
func TestProbeEndpoints(t *testing.T) {
	t.Parallel()
	eps := ProbeEndpoints()
	if len(eps) != len(scopes.Keys()) {
		t.Fatalf("%d probe endpoints, want one per scope", len(eps))
	}
	for i, ep := range eps {
		if ep.Scope != scopes.Keys()[i] {
			t.Errorf("endpoint %d is for %s, want %s", i, ep.Scope, scopes.Keys()[i])
		}
		if ep.Source == "" {
			t.Errorf("%s has no source", ep.Scope)
		}
		switch {
		case ep.Path == "" && ep.Unprobed == "":
			t.Errorf("%s has neither a path nor a reason", ep.Scope)
		case ep.Path == PathWorkspaces && ep.Query != "":
			t.Errorf("%s: GET /workspace takes no paging parameters", ep.Scope)
		case ep.Path != "" && ep.Path != PathWorkspaces && ep.Query != ProbeSmallestPage:
			t.Errorf("%s queries %q, want the smallest page", ep.Scope, ep.Query)
		}
	}
}

// TestAPIContractPageListsProbes: the contract page lists every probe
// endpoint with its source, says which scope is not probed, and that
// create, update and delete are not.
func TestAPIContractPageListsProbes(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../../templates/guides/api-contract.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	page := string(raw)
	_, section, ok := strings.Cut(page, "## What a token reaches: the probe")
	if !ok {
		t.Fatal("the API contract page has no probe section")
	}
	for _, ep := range ProbeEndpoints() {
		if ep.Path == "" {
			if !strings.Contains(section, "| `"+ep.Scope+"` | not probed |") {
				t.Errorf("the probe section does not say that %s is not probed", ep.Scope)
			}
			continue
		}
		row := "| `" + ep.Scope + "` | `GET " + ep.Request(0) + "` |"
		row = strings.ReplaceAll(row, "/0/", "/{workspace_id}/")
		line := ""
		for _, l := range strings.Split(section, "\n") {
			if strings.HasPrefix(l, row) {
				line = l
			}
		}
		if line == "" {
			t.Errorf("the probe section lacks the row %s", row)
			continue
		}
		if !strings.Contains(line, "documented by Xano: ") {
			t.Errorf("the row of %s does not give its source: %s", ep.Scope, line)
		}
	}
	if !strings.Contains(section, "Create, update and delete are never probed") {
		t.Error("the probe section does not say that create, update and delete are not probed")
	}
}
