package main

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/duration"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// goBenchPackages are the packages whose own benchmarks item 5 reports.
var goBenchPackages = []string{"./internal/scopes", "./internal/policy", "./internal/provider"}

// goBench is one parsed line of `go test -bench` output.
type goBench struct {
	pkg, name   string
	iterations  int64
	nsPerOp     float64
	bytesPerOp  float64
	allocsPerOp float64
	hasMem      bool
}

// parseGoBench reads `go test -bench -benchmem` output: "pkg:" lines name
// the package of the benchmark lines that follow. Lines it does not
// recognise are skipped.
func parseGoBench(out string) []goBench {
	var res []goBench
	pkg := ""
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		if !strings.HasPrefix(line, "Benchmark") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || f[3] != "ns/op" {
			continue
		}
		n, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			continue
		}
		b := goBench{pkg: pkg, name: stripProcs(f[0]), iterations: n}
		if b.nsPerOp, err = strconv.ParseFloat(f[2], 64); err != nil {
			continue
		}
		for i := 4; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			switch f[i+1] {
			case "B/op":
				b.bytesPerOp, b.hasMem = v, true
			case "allocs/op":
				b.allocsPerOp, b.hasMem = v, true
			}
		}
		res = append(res, b)
	}
	return res
}

// stripProcs drops the "-N" GOMAXPROCS suffix go test appends to names.
func stripProcs(name string) string {
	i := strings.LastIndexByte(name, '-')
	if i < 0 {
		return name
	}
	if _, err := strconv.Atoi(name[i+1:]); err != nil {
		return name
	}
	return name[:i]
}

// inProcessBench is one benchmark the harness runs itself, so the three
// operations the issue names are measured even where a package has no
// benchmark of its own.
type inProcessBench struct {
	name string
	f    func(b *testing.B)
}

func inProcessBenches() []inProcessBench {
	weweb, _ := scopes.LookupPreset("weweb")
	automation, _ := scopes.LookupPreset("automation")
	var everything scopes.Grants
	for _, s := range scopes.All() {
		everything = append(everything, scopes.Grant{Scope: s.Key, Create: true, Read: true, Update: true, Delete: true})
	}
	pol := policy.Default()
	return []inProcessBench{
		{"scope resolution: exact key (workspace_content)", func(b *testing.B) {
			for b.Loop() {
				_, _ = scopes.Resolve("workspace_content")
			}
		}},
		{"scope resolution: typo with did-you-mean (workspace_databse)", func(b *testing.B) {
			for b.Loop() {
				_, _ = scopes.Resolve("workspace_databse")
			}
		}},
		{"validation: grants of the automation preset", func(b *testing.B) {
			for b.Loop() {
				_ = automation.Grants.Validate()
			}
		}},
		{"policy review: one token, weweb preset, 7d", func(b *testing.B) {
			spec := policy.Spec{Grants: weweb.Grants, Lifetime: 7 * duration.Day}
			for b.Loop() {
				_ = policy.Review(spec, pol)
			}
		}},
		{"policy review: one token, all scopes with full CRUD, never expires", func(b *testing.B) {
			spec := policy.Spec{Grants: everything, NeverExpires: true}
			for b.Loop() {
				_ = policy.Review(spec, pol)
			}
		}},
	}
}

// benchGo runs the harness's own benchmarks and the packages' go test
// benchmarks and reports time and allocations per operation.
func (h *harness) benchGo(ctx context.Context) section {
	sec := section{item: 5, title: "Go benchmarks",
		intro: "The work the provider does per token at validate and plan time, with no API call: scope resolution, validation and the policy review of one token, " +
			"and, in `internal/provider`, one `PlanResourceChange` and one `ValidateResourceConfig` through the plugin framework's protocol 6 server, " +
			"as Terraform sends them for every token of every plan (an unchanged token, a renamed one, a new token with the automation recipe, whose risk review warns)."}

	h.logf("item 5: in-process benchmarks")
	own := table{header: []string{"operation", "ns/op", "B/op", "allocs/op", "iterations"}, right: []bool{false, true, true, true, true}}
	for _, ib := range inProcessBenches() {
		f := ib.f
		r := testing.Benchmark(func(b *testing.B) { b.ReportAllocs(); f(b) })
		own.addRow(ib.name, fmtFloat(float64(r.T.Nanoseconds())/float64(max(r.N, 1))), fmt.Sprint(r.AllocedBytesPerOp()), fmt.Sprint(r.AllocsPerOp()), fmt.Sprint(r.N))
	}
	h.logf("item 5: the framework's floor")
	if one, token, err := floorSchemas(ctx); err != nil {
		sec.notes = append(sec.notes, "Framework floor not measured: "+err.Error())
	} else {
		for _, fb := range []struct {
			name string
			s    schema.Schema
		}{
			{"framework floor: PlanResourceChange of an unchanged do-nothing resource, one attribute", one},
			{"framework floor: the same with xano_metadata_token's schema shape (compare BenchmarkPlanUnchangedToken below)", token},
		} {
			f, err := floorBench(ctx, fb.s)
			if err != nil {
				sec.notes = append(sec.notes, "Framework floor not measured: "+err.Error())
				continue
			}
			r := testing.Benchmark(func(b *testing.B) { b.ReportAllocs(); f(b) })
			own.addRow(fb.name, fmtFloat(float64(r.T.Nanoseconds())/float64(max(r.N, 1))), fmt.Sprint(r.AllocedBytesPerOp()), fmt.Sprint(r.AllocsPerOp()), fmt.Sprint(r.N))
		}
	}
	sec.tables = append(sec.tables, own)

	h.logf("item 5: go test -bench in %s", strings.Join(goBenchPackages, " "))
	args := append([]string{"test", "-run", "^$", "-bench", ".", "-benchmem"}, goBenchPackages...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = h.root
	out, err := cmd.CombinedOutput()
	if err != nil {
		sec.notes = append(sec.notes, fmt.Sprintf("`go %s` failed: %s", strings.Join(args, " "), firstLine(fmt.Errorf("%v: %s", err, out))))
	}
	parsed := parseGoBench(string(out))
	pkgs := table{header: []string{"package", "benchmark", "ns/op", "B/op", "allocs/op", "iterations"}, right: []bool{false, false, true, true, true, true}}
	for _, b := range parsed {
		bytes, allocs := "", ""
		if b.hasMem {
			bytes, allocs = fmtFloat(b.bytesPerOp), fmtFloat(b.allocsPerOp)
		}
		pkgs.addRow(strings.TrimPrefix(b.pkg, "github.com/terraform-provider-xano/terraform-provider-xano/"), b.name, fmtFloat(b.nsPerOp), bytes, allocs, fmt.Sprint(b.iterations))
	}
	if len(parsed) > 0 {
		sec.tables = append(sec.tables, pkgs)
	}
	sec.notes = append(sec.notes, fmt.Sprintf("The first table is run by the harness with testing.Benchmark; the second is `go %s`.", strings.Join(args, " ")))
	return sec
}
