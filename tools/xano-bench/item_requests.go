package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// steadyTokens is N of the steady-state plan.
const steadyTokens = 10

// The creating plan of item 1: newTokens tokens over newInstances instances.
const (
	newTokens    = 10
	newInstances = 2
)

// opsInstance and steadyInstance keep item 1's tokens apart from the others.
const (
	opsInstance    = "bench-ops"
	steadyInstance = "bench-steady"
	newInstance    = "bench-new"
)

// requestKind sorts the requests of a command by what they are for, so each
// kind is held to its own allowance.
type requestKind int

const (
	// kindToken is the token work itself: create, read, update, delete.
	kindToken requestKind = iota
	// kindCredential is the credential check at configure (GET /auth/me).
	kindCredential
	// kindInstance is an instance lookup (GET /instance, /instance/{name}).
	kindInstance
	// kindList is a list of an instance's tokens (GET /instance/{instance}/token):
	// the limit check of a plan that creates tokens.
	kindList
	// kindOther is anything else, which no command should send.
	kindOther
)

// kindOf classifies a stats key, "METHOD PATTERN STATUS".
func kindOf(key string) requestKind {
	f := strings.Fields(key)
	if len(f) < 2 {
		return kindOther
	}
	method, pattern := f[0], f[1]
	switch {
	case pattern == xano.PathMe:
		return kindCredential
	case pattern == xano.PathTokens && method == http.MethodGet:
		return kindList
	case pattern == xano.PathTokens || pattern == xano.PathToken:
		return kindToken
	case pattern == "/instance" || pattern == "/instance/{name}":
		return kindInstance
	}
	return kindOther
}

// byKind counts r's requests per kind.
func (r requests) byKind() map[requestKind]int {
	out := map[requestKind]int{}
	for k, n := range r.stats {
		out[kindOf(k)] += n
	}
	return out
}

// requestRow is one command of item 1 and what it may send.
type requestRow struct {
	op, command string
	// tokenTarget is the exact number of token requests.
	tokenTarget int
	// configures is how many provider processes the command configures:
	// Terraform configures the provider once per graph walk, so once for a
	// plan and twice for apply and destroy (the plan, then the apply).
	configures int
	// instances is how many instances the configuration names.
	instances int
	// creates says whether the command plans new tokens.
	creates bool
	// refreshLists is how many lists of an instance's tokens are the
	// refresh's token reads: one per instance per process.
	refreshLists int
	// prefetch says the refresh lists every instance of the account at
	// once; accountInstances is how many the account had then.
	prefetch         bool
	accountInstances int
	got              requests
	err              error
}

// allowances are the most requests of each kind beyond the token work: one
// credential check per configured process; one instance list per process and
// one confirmation per instance named; and, when the command creates tokens,
// one list per instance per process for the limit check.
func (r requestRow) allowances() map[requestKind]int {
	lists := 0
	if r.creates {
		lists = r.configures * r.instances
	}
	if r.prefetch {
		lists += max(r.accountInstances-r.refreshLists, 0)
	}
	return map[requestKind]int{
		kindToken:      r.tokenTarget,
		kindCredential: r.configures,
		kindInstance:   r.configures * (1 + r.instances),
		kindList:       lists,
		kindOther:      0,
	}
}

// kinds counts the row's requests per kind, the lists that answer its
// refresh counted as token requests.
func (r requestRow) kinds() map[requestKind]int {
	got := r.got.byKind()
	moved := min(got[kindList], r.refreshLists)
	got[kindList] -= moved
	got[kindToken] += moved
	return got
}

// met reports whether the command sent exactly its token requests and no
// more than its allowances of the others.
func (r requestRow) met() bool {
	if r.err != nil {
		return false
	}
	got, allowed := r.kinds(), r.allowances()
	for k, n := range got {
		if n > allowed[k] {
			return false
		}
	}
	return got[kindToken] == r.tokenTarget
}

// benchRequests counts the API requests of each operation on one token, of a
// plan creating tokens, and of a steady-state plan of N tokens, from the
// emulator's statistics. Every command but the refresh and the plans runs
// with -refresh=false so that it counts its own requests only.
func (h *harness) benchRequests(ctx context.Context) section {
	sec := section{item: 1, title: "API requests per operation",
		intro: "Counted by the emulator (statistics reset before each command), on a healthy server: no rate limit, no faults. " +
			"Every request counts, retries included. Commands other than the refresh and the plans run with `-refresh=false`, so each row counts " +
			"one operation; a plain `terraform apply` adds one list per instance holding tokens already in state. " +
			"The token requests (create, read, update, delete) must match the target exactly; a refresh reads an instance's tokens with one list, " +
			"taken once per process and shared by every token of the instance, so its token requests are one list per instance. The other requests are held to allowances: " +
			"one credential check (`GET /auth/me`) per configured provider process; one instance list (`GET /instance`) per process and one " +
			"confirmation (`GET /instance/{name}`) per instance named; and, only in a command that creates tokens, one list of each instance's " +
			"tokens per process for the limit check. The first refresh of a process also lists every other instance of the account (at most 10) at once, since Terraform may refresh one instance's tokens before it asks for any other's; those lists count as limit-check lists. Terraform configures the provider once per graph walk: once for a plan or an import, " +
			"twice for apply and destroy (the plan, then the apply). Each cell shows what was measured, with the allowance in brackets."}
	srv, err := startServer(emulator.Options{})
	if err != nil {
		sec.notes = append(sec.notes, "Not measured: "+err.Error())
		return sec
	}
	defer srv.close()

	rows := h.measureOps(ctx, srv)
	t := table{header: []string{"operation", "command", "token requests (target)", "credential checks", "instance lookups", "limit-check lists", "other", "TCP connections", "requests seen", "met"},
		right: []bool{false, false, true, true, true, true, true, true}}
	for _, r := range rows {
		got, allowed := r.kinds(), r.allowances()
		cell := func(k requestKind) string {
			if r.err != nil {
				return ""
			}
			return fmt.Sprintf("%d (≤ %d)", got[k], allowed[k])
		}
		tokens, seen := fmt.Sprintf("%d (%d)", got[kindToken], r.tokenTarget), r.got.breakdown()
		if r.err != nil {
			tokens, seen = fmt.Sprintf("failed (%d)", r.tokenTarget), firstLine(r.err)
		}
		t.addRow(r.op, r.command, tokens, cell(kindCredential), cell(kindInstance), cell(kindList), fmt.Sprint(got[kindOther]),
			fmt.Sprint(r.got.conns), seen, yesNo(r.met()))
		measured := "failed"
		if r.err == nil {
			measured = fmt.Sprintf("%d token requests, %d in all", got[kindToken], r.got.total())
		}
		sec.checks = append(sec.checks, check{item: 1, what: "requests: " + r.op, target: fmt.Sprintf("%d token requests, others within allowance", r.tokenTarget),
			measured: measured, met: r.met()})
	}
	sec.tables = append(sec.tables, t)
	sec.notes = append(sec.notes, "TCP connections are those the emulator accepted during the command: Terraform starts a new provider process per walk, "+
		"and each process opens its own connections, which it keeps alive between requests.")
	return sec
}

// measureOps runs the operations in order; a failed step stops the ones
// that depend on it.
func (h *harness) measureOps(ctx context.Context, srv *server) []requestRow {
	one := xanoHeader + tokenBlock("t", opsInstance, "bench-op", 0)
	var rows []requestRow
	ws, err := h.newWorkspace("requests", srv, one)
	if err != nil {
		return []requestRow{{op: "setup", err: err}}
	}
	step := func(row requestRow, run func() error) bool {
		srv.reset()
		row.accountInstances = len(srv.emu.InstanceNames())
		row.err = run()
		row.got = srv.snapshot()
		rows = append(rows, row)
		return row.err == nil
	}
	noRefresh := tfexec.Refresh(false)

	h.logf("item 1: create, refresh, update, delete of one token")
	if step(requestRow{op: "create", command: "terraform apply", tokenTarget: 1, configures: 2, instances: 1, creates: true},
		func() error { return ws.tf.Apply(ctx) }) {
		step(requestRow{op: "read (refresh)", command: "terraform plan -refresh-only", tokenTarget: 1, configures: 1, instances: 1, refreshLists: 1, prefetch: true}, func() error {
			_, err := ws.tf.Plan(ctx, tfexec.RefreshOnly(true))
			return err
		})
		renamed := strings.Replace(one, `"bench-op"`, `"bench-op-renamed"`, 1)
		if err := ws.write(renamed); err == nil {
			step(requestRow{op: "update (rename)", command: "terraform apply -refresh=false", tokenTarget: 1, configures: 2, instances: 1},
				func() error { return ws.tf.Apply(ctx, noRefresh) })
		}
		step(requestRow{op: "delete", command: "terraform destroy -refresh=false", tokenTarget: 1, configures: 2, instances: 1},
			func() error { return ws.tf.Destroy(ctx, noRefresh) })
	}

	h.logf("item 1: import of one token")
	if err := ws.write(one); err == nil {
		importRow := requestRow{op: "import", command: "terraform import", tokenTarget: 1, configures: 1, instances: 1, refreshLists: 1}
		id, err := mintOutsideTerraform(ctx, srv.baseURL, opsInstance, "bench-op")
		if err != nil {
			importRow.err = err
			rows = append(rows, importRow)
		} else {
			imported := step(importRow, func() error {
				return ws.tf.Import(ctx, "xano_metadata_token.t", fmt.Sprintf("%s/%d", opsInstance, id))
			})
			if imported {
				step(requestRow{op: "plan after import (matching configuration: no changes)", command: "terraform plan", tokenTarget: 1, configures: 1, instances: 1, refreshLists: 1, prefetch: true},
					func() error {
						changes, err := ws.tf.Plan(ctx)
						if err == nil && changes {
							err = fmt.Errorf("the plan after import is not empty, although the configuration matches the imported token")
						}
						return err
					})
			}
			_ = ws.tf.Destroy(ctx)
		}
	}

	h.logf("item 1: plan of %d new tokens on %d instances", newTokens, newInstances)
	var creating strings.Builder
	creating.WriteString(xanoHeader)
	for i := range newInstances {
		creating.WriteString(tokenBlock(fmt.Sprintf("t%d", i), fmt.Sprintf("%s-%d", newInstance, i), "bench-new", newTokens/newInstances))
	}
	newWS, err := h.newWorkspace("requests-new", srv, creating.String())
	if err != nil {
		return append(rows, requestRow{op: "creating plan", err: err})
	}
	step(requestRow{op: fmt.Sprintf("plan creating %d tokens on %d instances", newTokens, newInstances), command: "terraform plan",
		tokenTarget: 0, configures: 1, instances: newInstances, creates: true}, func() error {
		changes, err := newWS.tf.Plan(ctx)
		if err == nil && !changes {
			err = fmt.Errorf("the plan has nothing to create")
		}
		return err
	})

	h.logf("item 1: steady-state plan of %d tokens", steadyTokens)
	steady, err := h.newWorkspace("requests-steady", srv, xanoHeader+tokenBlock("t", steadyInstance, "bench-steady", steadyTokens))
	if err != nil {
		return append(rows, requestRow{op: "steady-state plan", err: err})
	}
	steadyRow := requestRow{op: fmt.Sprintf("steady-state plan, N = %d", steadyTokens), command: "terraform plan", tokenTarget: 1, configures: 1, instances: 1, refreshLists: 1, prefetch: true}
	if err := steady.tf.Apply(ctx); err != nil {
		steadyRow.err = err
		return append(rows, steadyRow)
	}
	step(steadyRow, func() error {
		changes, err := steady.tf.Plan(ctx)
		if err == nil && changes {
			return fmt.Errorf("the steady-state plan is not empty")
		}
		return err
	})
	_ = steady.tf.Destroy(ctx)
	return rows
}

// mintOutsideTerraform creates the token an import adopts, through the API
// client, as a token made in Xano's UI would exist before Terraform knows it.
func mintOutsideTerraform(ctx context.Context, baseURL, instance, name string) (int64, error) {
	c, err := xano.New(xano.Config{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken, Version: "bench"})
	if err != nil {
		return 0, err
	}
	wire, err := scopes.Grants{{Scope: "workspace_content", Read: true}}.Wire()
	if err != nil {
		return 0, err
	}
	tok, err := c.CreateToken(ctx, instance, xano.CreateTokenRequest{Name: name, ExpiresIn: 7 * 24 * 3600, Scopes: wire})
	if err != nil {
		return 0, fmt.Errorf("minting the token to import: %w", err)
	}
	return tok.ID, nil
}
