package lifecycle

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// Lists reads each instance's tokens at most once per provider process and
// shares the answer with every caller: a refresh of N tokens on one instance
// then costs one paginated list instead of N reads. Terraform configures a
// provider process for each walk, so a list is never reused across commands.
type Lists struct {
	list func(ctx context.Context, instance string) ([]xano.Token, error)

	mu    sync.Mutex
	lists map[string]*instanceList

	// Detach, when set, gives a list's goroutine a context of its own that
	// shares nothing mutable with the caller's. The provider sets it because
	// Terraform's logger masks the fields of a context in place, so two
	// goroutines logging with one context race.
	Detach func(context.Context) context.Context
}

// instanceList is one instance's list, loaded once by the first caller.
type instanceList struct {
	done   chan struct{}
	tokens []xano.Token
	byID   map[int64]int
	err    error
	// failSaid is set once a reader has been told the list failed.
	failSaid bool
}

// NewLists returns a cache that lists an instance's tokens with list.
func NewLists(list func(ctx context.Context, instance string) ([]xano.Token, error)) *Lists {
	return &Lists{list: list, lists: map[string]*instanceList{}}
}

// Tokens returns the instance's tokens, listing them on the first call only;
// callers must not modify the slice. It has the signature of
// xano.Client.ListTokens, so the token-limit ledger counts from the same list.
func (l *Lists) Tokens(ctx context.Context, instance string) ([]xano.Token, error) {
	in, err := l.load(ctx, instance)
	if err != nil {
		return nil, err
	}
	return in.tokens, in.err
}

// Prefetch starts listing the instance's tokens without waiting for them, so
// the list can travel alongside another request (the provider's credential
// check) instead of after it. A later Tokens or Read call takes its answer.
func (l *Lists) Prefetch(ctx context.Context, instance string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.start(ctx, instance)
}

// find returns the listed token id of instance (a copy), listed false when
// the list does not hold it, and the list's failure, set for the first
// caller that is told of it only. A list that failed because the API serves
// no token endpoints is every caller's error.
func (l *Lists) find(ctx context.Context, instance string, id int64) (tok *xano.Token, listed bool, failed *ListFailure, err error) {
	in, err := l.load(ctx, instance)
	if err != nil {
		return nil, false, nil, err
	}
	if xano.IsNoTokenAPI(in.err) {
		// Reading each token on its own would meet the same missing API.
		return nil, false, nil, in.err
	}
	if in.err != nil {
		l.mu.Lock()
		defer l.mu.Unlock()
		if !in.failSaid {
			in.failSaid = true
			failed = &ListFailure{Instance: instance, Err: in.err}
		}
		return nil, false, failed, nil
	}
	i, ok := in.byID[id]
	if !ok {
		return nil, false, nil, nil
	}
	t := in.tokens[i]
	return &t, true, nil, nil
}

// load returns the instance's list once it is loaded; err is only ctx's
// error, when the caller stops waiting. The list runs on a context that the
// first caller's cancellation does not end, since other callers wait for it;
// the client's request timeout and retries bound it.
func (l *Lists) load(ctx context.Context, instance string) (*instanceList, error) {
	l.mu.Lock()
	in := l.start(ctx, instance)
	l.mu.Unlock()
	select {
	case <-in.done:
		return in, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// start returns the instance's list, starting it when no caller has; l.mu
// must be held.
func (l *Lists) start(ctx context.Context, instance string) *instanceList {
	if in := l.lists[instance]; in != nil {
		return in
	}
	in := &instanceList{done: make(chan struct{})}
	l.lists[instance] = in
	ctx = context.WithoutCancel(ctx)
	if l.Detach != nil {
		ctx = l.Detach(ctx)
	}
	go func() {
		defer close(in.done)
		tokens, err := l.list(ctx, instance)
		in.tokens, in.err = tokens, err
		in.byID = make(map[int64]int, len(tokens))
		for i := range tokens {
			in.byID[tokens[i].ID] = i
		}
	}()
	return in
}

// ListFailure says that an instance's tokens could not be listed, so each of
// its tokens was read on its own.
type ListFailure struct {
	Instance string
	Err      error
}

// Summary is the warning's summary.
func (f *ListFailure) Summary() string { return "Cannot list the instance's tokens" }

// Detail says what happened and what it costs.
func (f *ListFailure) Detail() string {
	return fmt.Sprintf("The refresh lists the tokens of instance %q once and reads each of its tokens from that list, "+
		"but the list failed: %s. Each token of the instance was read on its own instead, one request per token, "+
		"so the refresh is complete but slower. If this persists, check that the access token may list the instance's tokens.",
		f.Instance, strings.TrimSuffix(f.Err.Error(), "."))
}
