package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
)

// requestLog records when each request reached the server.
type requestLog struct {
	mu   sync.Mutex
	seen []loggedRequest
}

type loggedRequest struct {
	at   time.Time
	what string
}

func (l *requestLog) add(r *http.Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seen = append(l.seen, loggedRequest{time.Now(), r.Method + " " + r.URL.Path})
}

func (l *requestLog) all() []loggedRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]loggedRequest(nil), l.seen...)
}

// TestE2ESigkillMidCreate kills Terraform with SIGKILL while the provider
// is creating a token against a server that answers every create 429 with
// Retry-After: 1, as a rate-limited Xano does. Terraform cannot tell the
// provider anything, so only the end of the provider's gRPC request, when
// its parent's connection goes, can stop the retries: no request may reach
// the server more than a grace period after the kill, and no token may
// exist.
func TestE2ESigkillMidCreate(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no SIGKILL on Windows")
	}
	acctest.SkipUnlessAcc(t)
	emu := emulator.New(emulator.Options{AdminTokens: []string{emulator.DefaultAdminToken}})
	var log requestLog
	// retrying is closed at the second create: the provider is in its retry
	// loop, which must end with its parent.
	retrying := make(chan struct{})
	var creates int
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.add(r)
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/token") {
			mu.Lock()
			if creates++; creates == 2 {
				close(retrying)
			}
			mu.Unlock()
			w.Header().Set("Retry-After", "1")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"code":"ERROR_CODE_TOO_MANY_REQUESTS","message":"Slow down."}`))
			return
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	tf := newTerraformAt(t, srv.URL+"/api:meta", emulator.DefaultAdminToken, e2eInstance)
	tf.Write(acctest.E2EConfig(acctest.Provider{Body: []string{"max_retries = 10"}}, `
resource "xano_metadata_token" "ci" {
  name = "ci"
  scope {
    name = "workspace_api_groups"
    read = true
  }
}
`))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := tf.Command(ctx, "apply", "-auto-approve", "-input=false", "-no-color")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-retrying:
	case err := <-done:
		t.Fatalf("terraform apply finished before the create (%v):\n%s", err, out.String())
	case <-ctx.Done():
		t.Fatal("the provider did not retry the create")
	}
	// Let the provider get into its next retry wait, then kill its parent.
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	<-done
	// The provider would retry every second for ten retries: watch long
	// enough to see several.
	time.Sleep(4 * time.Second)

	const grace = 500 * time.Millisecond
	var late []string
	for _, r := range log.all() {
		if r.at.After(killed.Add(grace)) {
			late = append(late, fmt.Sprintf("%s at kill+%s", r.what, r.at.Sub(killed).Round(time.Millisecond)))
		}
	}
	if len(late) > 0 {
		t.Errorf("the provider sent %d request(s) after Terraform was killed:\n%s", len(late), strings.Join(late, "\n"))
	}
	if toks := emu.Tokens(e2eInstance); len(toks) != 0 {
		t.Errorf("a token was minted after Terraform was killed: %+v", toks)
	}
}
