package lifecycle

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sync"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// Intent is one mint: its Idempotency-Key and the request it was made for.
// It is made when a plan decides to mint and kept until the create is
// answered, so a lost answer is resumed by repeating the same request with
// the same key, which the API answers with the token it already minted.
type Intent struct {
	Key     string `json:"key"`
	Request string `json:"request"`
}

// NewIntent makes the intent of a new mint of req.
func NewIntent(req xano.CreateTokenRequest) (Intent, error) {
	key, err := xano.NewIdempotencyKey()
	if err != nil {
		return Intent{}, err
	}
	return Intent{Key: key, Request: Fingerprint(req)}, nil
}

// For says whether the intent mints req: a key must never be sent with
// another request than its own.
func (i *Intent) For(req xano.CreateTokenRequest) bool {
	return i != nil && i.Key != "" && i.Request == Fingerprint(req)
}

// Fingerprint identifies a create request without holding its text.
func Fingerprint(req xano.CreateTokenRequest) string {
	raw, _ := json.Marshal(req) // map keys marshal sorted, so equal requests match
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// Intents hands intents made at plan time to the create that carries them
// out. Terraform gives a resource's Create no private state, but plans each
// change again in the same provider process just before applying it, so the
// plan leaves the intent here and the create takes it back by its request.
type Intents struct {
	mu sync.Mutex
	m  map[string][]string
}

// Put leaves an intent for the create of its request.
func (p *Intents) Put(i Intent) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[string][]string{}
	}
	for _, k := range p.m[i.Request] {
		if k == i.Key {
			return
		}
	}
	p.m[i.Request] = append(p.m[i.Request], i.Key)
}

// Take returns an intent left for req, or a new one. Two creates of equal
// requests may take each other's keys: both ask for the same token.
func (p *Intents) Take(req xano.CreateTokenRequest) (Intent, error) {
	fp := Fingerprint(req)
	p.mu.Lock()
	if keys := p.m[fp]; len(keys) > 0 {
		p.m[fp] = keys[1:]
		p.mu.Unlock()
		return Intent{Key: keys[0], Request: fp}, nil
	}
	p.mu.Unlock()
	return NewIntent(req)
}

// Waiting returns an intent left for req without taking it: a lost create
// that the create planned now resumes.
func (p *Intents) Waiting(req xano.CreateTokenRequest) (Intent, bool) {
	fp := Fingerprint(req)
	p.mu.Lock()
	defer p.mu.Unlock()
	if keys := p.m[fp]; len(keys) > 0 {
		return Intent{Key: keys[0], Request: fp}, true
	}
	return Intent{}, false
}
