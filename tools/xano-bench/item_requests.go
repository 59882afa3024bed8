package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// steadyTokens is N of the steady-state plan.
const steadyTokens = 10

// opsInstance and steadyInstance keep item 1's tokens apart from the others.
const (
	opsInstance    = "bench-ops"
	steadyInstance = "bench-steady"
)

// requestRow is one operation of item 1.
type requestRow struct {
	op, command string
	target      int
	got         requests
	err         error
}

// benchRequests counts the API requests of each operation on one token, and
// of a steady-state plan of N tokens, from the emulator's statistics. Every
// command but the refresh runs with -refresh=false so that it counts its own
// requests only; the refresh is measured on its own.
func (h *harness) benchRequests(ctx context.Context) section {
	sec := section{item: 1, title: "API requests per operation",
		intro: "Counted by the emulator (statistics reset before each command), on a healthy server: no rate limit, no faults. " +
			"Every request counts, retries included. Commands other than the refresh run with `-refresh=false`, so each row counts " +
			"one operation; a plain `terraform apply` adds one read per token already in state."}
	srv, err := startServer(emulator.Options{})
	if err != nil {
		sec.notes = append(sec.notes, "Not measured: "+err.Error())
		return sec
	}
	defer srv.close()

	rows := h.measureOps(ctx, srv)
	t := table{header: []string{"operation", "command", "target", "measured", "requests seen", "met"}, right: []bool{false, false, true, true}}
	for _, r := range rows {
		measured := fmt.Sprint(r.got.total())
		seen := r.got.breakdown()
		if r.err != nil {
			measured = "failed"
			seen = firstLine(r.err)
		}
		met := r.err == nil && r.got.total() == r.target
		t.addRow(r.op, r.command, fmt.Sprint(r.target), measured, seen, yesNo(met))
		sec.checks = append(sec.checks, check{item: 1, what: "requests: " + r.op, target: fmt.Sprint(r.target), measured: measured, met: met})
	}
	sec.tables = append(sec.tables, t)
	return sec
}

// measureOps runs the operations in order on one working directory; a
// failed step stops the ones that depend on it.
func (h *harness) measureOps(ctx context.Context, srv *server) []requestRow {
	one := xanoHeader + tokenBlock("t", opsInstance, "bench-op", 0)
	var rows []requestRow
	ws, err := h.newWorkspace("requests", srv, one)
	if err != nil {
		return []requestRow{{op: "setup", command: "", err: err}}
	}
	step := func(op, command string, target int, run func() error) bool {
		srv.reset()
		err := run()
		rows = append(rows, requestRow{op: op, command: command, target: target, got: srv.snapshot(), err: err})
		return err == nil
	}
	noRefresh := tfexec.Refresh(false)

	h.logf("item 1: create, refresh, update, delete of one token")
	if step("create", "terraform apply", 1, func() error { return ws.tf.Apply(ctx) }) {
		step("read (refresh)", "terraform plan -refresh-only", 1, func() error {
			_, err := ws.tf.Plan(ctx, tfexec.RefreshOnly(true))
			return err
		})
		renamed := strings.Replace(one, `"bench-op"`, `"bench-op-renamed"`, 1)
		if err := ws.write(renamed); err == nil {
			step("update (rename)", "terraform apply -refresh=false", 1, func() error { return ws.tf.Apply(ctx, noRefresh) })
		}
		step("delete", "terraform destroy -refresh=false", 1, func() error { return ws.tf.Destroy(ctx, noRefresh) })
	}

	h.logf("item 1: import of one token")
	if err := ws.write(one); err == nil {
		id, err := mintOutsideTerraform(ctx, srv.baseURL, opsInstance, "bench-op")
		if err != nil {
			rows = append(rows, requestRow{op: "import", command: "terraform import", target: 1, err: err})
		} else {
			imported := step("import", "terraform import", 1, func() error {
				return ws.tf.Import(ctx, "xano_metadata_token.t", fmt.Sprintf("%s/%d", opsInstance, id))
			})
			if imported {
				srv.reset()
				changes, err := ws.tf.Plan(ctx)
				if err == nil && changes {
					err = fmt.Errorf("the plan after import is not empty, although the configuration matches the imported token")
				}
				rows = append(rows, requestRow{op: "plan after import (matching configuration: no changes)", command: "terraform plan", target: 1, got: srv.snapshot(), err: err})
			}
			_ = ws.tf.Destroy(ctx)
		}
	}

	h.logf("item 1: steady-state plan of %d tokens", steadyTokens)
	steady, err := h.newWorkspace("requests-steady", srv, xanoHeader+tokenBlock("t", steadyInstance, "bench-steady", steadyTokens))
	if err != nil {
		return append(rows, requestRow{op: "steady-state plan", err: err})
	}
	if err := steady.tf.Apply(ctx); err != nil {
		return append(rows, requestRow{op: fmt.Sprintf("steady-state plan, N = %d", steadyTokens), command: "terraform plan", target: steadyTokens, err: err})
	}
	step(fmt.Sprintf("steady-state plan, N = %d", steadyTokens), "terraform plan", steadyTokens, func() error {
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
