package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// OpenTokens are the ephemeral tokens a process opened and has not closed,
// which it revokes when Terraform stops it; each is kept with the service
// that minted it, since two provider configurations may reach instances of
// the same name on different servers.
type OpenTokens struct {
	mu     sync.Mutex
	tokens map[openKey]bool
}

type openKey struct {
	svc      *Service
	instance string
	id       int64
}

func (o *OpenTokens) set(k openKey, open bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.tokens == nil {
		o.tokens = map[openKey]bool{}
	}
	if open {
		o.tokens[k] = true
	} else {
		delete(o.tokens, k)
	}
}

// Add records a token svc opened.
func (o *OpenTokens) Add(svc *Service, instance string, id int64) {
	o.set(openKey{svc, instance, id}, true)
}

// Remove forgets a token once it is revoked.
func (o *OpenTokens) Remove(svc *Service, instance string, id int64) {
	o.set(openKey{svc, instance, id}, false)
}

// Has says whether a token is open in this process.
func (o *OpenTokens) Has(svc *Service, instance string, id int64) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.tokens[openKey{svc, instance, id}]
}

// Len is the number of open tokens.
func (o *OpenTokens) Len() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.tokens)
}

// RevokeAll revokes every open token at once, until ctx ends; tokens
// revoked leave the registry, and each failure is one error.
func (o *OpenTokens) RevokeAll(ctx context.Context) error {
	o.mu.Lock()
	keys := make([]openKey, 0, len(o.tokens))
	for k := range o.tokens {
		keys = append(keys, k)
	}
	o.mu.Unlock()
	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Go(func() {
			if err := k.svc.Revoke(ctx, k.instance, k.id); err != nil {
				errs[i] = fmt.Errorf("ephemeral token %d on instance %q stays valid until it expires or its lease passes: %w", k.id, k.instance, err)
				return
			}
			o.Remove(k.svc, k.instance, k.id)
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
