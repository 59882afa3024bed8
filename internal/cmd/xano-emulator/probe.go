package main

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// probe answers with the HTTP status of one GET against the emulator, so the
// demo can show what a minted token opens without needing curl. The argument
// is a path under XANO_BASE_URL or an absolute URL, such as an instance's
// meta_api plus a path. The token comes from XANO_PROBE_TOKEN rather than
// argv, where other users could read it.
func probe(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || !(strings.HasPrefix(args[0], "/") || strings.HasPrefix(args[0], "http://") || strings.HasPrefix(args[0], "https://")) {
		fmt.Fprintln(stderr, "usage: XANO_PROBE_TOKEN=... xano-emulator probe /workspace/1/table (XANO_BASE_URL names the emulator), "+
			"or xano-emulator probe http://127.0.0.1:PORT/... (a loopback URL such as an instance's meta_api plus a path)")
		return exitUsage
	}
	target := args[0]
	if strings.HasPrefix(target, "/") {
		target = strings.TrimSuffix(os.Getenv("XANO_BASE_URL"), "/") + target
	}
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		fmt.Fprintf(stderr, "xano-emulator probe: %q is not a URL; set XANO_BASE_URL or pass an absolute URL.\n", target)
		return exitUsage
	}
	if err := checkLoopback(u.Host); err != nil {
		fmt.Fprintf(stderr, "xano-emulator probe: %v\n", err)
		return exitUsage
	}
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		fmt.Fprintf(stderr, "xano-emulator probe: %v\n", err)
		return exitUsage
	}
	req.Header.Set("Authorization", "Bearer "+os.Getenv("XANO_PROBE_TOKEN"))
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "xano-emulator probe: the request failed: %v\n", err)
		return exitError
	}
	_ = resp.Body.Close()
	fmt.Fprintln(stdout, resp.StatusCode)
	return 0
}
