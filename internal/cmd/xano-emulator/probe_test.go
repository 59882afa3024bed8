package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator/emulatortest"
)

func TestProbe(t *testing.T) {
	_, base := emulatortest.Start(t, emulator.Options{})
	metaAPI := strings.TrimSuffix(base, "/api:meta") + "/_instance/main/api:meta"
	cases := []struct {
		name     string
		base     string
		token    string
		args     []string
		wantCode int
		wantOut  string
	}{
		{name: "admin reads workspaces", base: base, token: emulator.DefaultAdminToken, args: []string{"/workspace"}, wantOut: "200"},
		{name: "wrong token", base: base, token: "nope", args: []string{"/workspace/1/table"}, wantOut: "401"},
		{name: "no path", base: base, args: nil, wantCode: exitUsage},
		{name: "relative path", base: base, args: []string{"workspace"}, wantCode: exitUsage},
		{name: "not loopback", base: "http://192.0.2.1:80/api:meta", args: []string{"/workspace"}, wantCode: exitUsage},
		{name: "an instance's meta_api", base: "", token: emulator.DefaultAdminToken, args: []string{metaAPI + "/workspace/1/table"}, wantOut: "200"},
		{name: "an absolute URL off loopback", base: base, args: []string{"http://192.0.2.1:80/api:meta/workspace"}, wantCode: exitUsage},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("XANO_BASE_URL", tc.base)
			t.Setenv("XANO_PROBE_TOKEN", tc.token)
			var stdout, stderr bytes.Buffer
			code := realMain(append([]string{"probe"}, tc.args...), &stdout, &stderr)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d (stderr %q)", code, tc.wantCode, stderr.String())
			}
			if got := strings.TrimSpace(stdout.String()); got != tc.wantOut {
				t.Fatalf("printed %q, want %q", got, tc.wantOut)
			}
			if tc.token != "" && strings.Contains(stderr.String()+stdout.String(), tc.token) && tc.token != "nope" {
				t.Fatalf("the token was printed")
			}
		})
	}
}
