package emulator

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// Limits of the create and update bodies.
const (
	maxNameLen      = 100
	minExpiresIn    = 3600
	maxIdempotency  = 255
	secretPrefix    = "xano_mt_"
	defaultPerPage  = 50
	maxPerPage      = 100
	maxExpiresInSec = int64(math.MaxInt64 / int64(time.Second))
)

// record is a minted token. Only a hash of its secret is kept: the secret
// itself leaves the emulator once, in the create response.
type record struct {
	id          int64
	instance    string
	name        string
	description string
	created     time.Time
	expires     time.Time // zero: never expires
	lastUsed    time.Time // zero: never used
	scopes      map[string][]string
	secretHash  [32]byte
}

func (r *record) expired(now time.Time) bool {
	return !r.expires.IsZero() && !now.Before(r.expires)
}

func (r *record) wire() xano.Token {
	t := xano.Token{
		ID:          r.id,
		Name:        r.name,
		Description: r.description,
		CreatedAt:   xano.FormatTime(r.created),
		Scopes:      make(map[string][]string, len(r.scopes)),
	}
	if !r.expires.IsZero() {
		s := xano.FormatTime(r.expires)
		t.ExpiresAt = &s
	}
	if !r.lastUsed.IsZero() {
		s := xano.FormatTime(r.lastUsed)
		t.LastUsedAt = &s
	}
	for k, v := range r.scopes {
		t.Scopes[k] = slices.Clone(v)
	}
	return t
}

// store holds the tokens of every instance, each list ordered by id.
type store struct {
	nextID     int64
	byInstance map[string][]*record
	byID       map[int64]*record
	secrets    map[[32]byte]*record
}

func newStore() store {
	return store{byInstance: map[string][]*record{}, byID: map[int64]*record{}, secrets: map[[32]byte]*record{}}
}

func (s *store) list(instance string) []*record { return s.byInstance[instance] }

// find returns the token id of instance, or nil when id is not a token of
// that instance (unknown, deleted, another instance's, or not a number). Only
// the canonical decimal form names a token: "+1" or "01" would give one
// resource several paths, so they are not found.
func (s *store) find(instance, id string) *record {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || strconv.FormatInt(n, 10) != id {
		return nil
	}
	for _, r := range s.byInstance[instance] {
		if r.id == n {
			return r
		}
	}
	return nil
}

func (s *store) bySecret(secret string) *record {
	if !strings.HasPrefix(secret, secretPrefix) {
		return nil
	}
	return s.secrets[sha256.Sum256([]byte(secret))]
}

// mint stores a new token and returns it with its secret.
func (s *store) mint(instance string, spec createSpec, now time.Time) (*record, string) {
	var raw [20]byte
	_, _ = rand.Read(raw[:]) // crypto/rand.Read never returns an error.
	secret := secretPrefix + hex.EncodeToString(raw[:])
	s.nextID++
	created := now.UTC().Truncate(time.Second)
	r := &record{
		id:          s.nextID,
		instance:    instance,
		name:        spec.name,
		description: spec.description,
		created:     created,
		scopes:      spec.scopes,
		secretHash:  sha256.Sum256([]byte(secret)),
	}
	if spec.expiresIn > 0 {
		r.expires = created.Add(time.Duration(spec.expiresIn) * time.Second)
	}
	s.add(r)
	return r, secret
}

// add indexes a record by instance and by secret, for mint and for a
// restored state file alike.
func (s *store) add(r *record) {
	s.byInstance[r.instance] = append(s.byInstance[r.instance], r)
	s.byID[r.id] = r
	s.secrets[r.secretHash] = r
}

func (s *store) remove(r *record) {
	s.byInstance[r.instance] = slices.DeleteFunc(s.byInstance[r.instance], func(x *record) bool { return x == r })
	delete(s.byID, r.id)
	delete(s.secrets, r.secretHash)
}

// idemKey scopes an Idempotency-Key to an instance and an admin token, so two
// callers never see each other's responses.
type idemKey struct {
	instance string
	admin    int
	key      string
}

// idemEntry is the first answer to a key. An entry restored from a state
// file has no answer (status 0): the answer carried the secret, which the
// file never holds.
type idemEntry struct {
	digest  [32]byte
	rep     reply
	tokenID int64
	created time.Time
}

// idemAge is a key in the order the keys were recorded, for pruning.
type idemAge struct {
	key     idemKey
	created time.Time
}

func idemExpired(en idemEntry, now time.Time) bool {
	return now.Sub(en.created) >= idempotencyTTL
}

// putIdem records a key's answer. The caller holds e.mu.
func (e *Emulator) putIdem(k idemKey, en idemEntry) {
	e.idem[k] = en
	e.idemOrder = append(e.idemOrder, idemAge{k, en.created})
}

// pruneIdem forgets the keys recorded idempotencyTTL or more ago, oldest
// first, so that the work is proportional to the keys that expire. The
// caller holds e.mu.
func (e *Emulator) pruneIdem(now time.Time) {
	for len(e.idemOrder) > 0 {
		a := e.idemOrder[0]
		en, ok := e.idem[a.key]
		if ok && en.created.Equal(a.created) {
			if !idemExpired(en, now) {
				return
			}
			delete(e.idem, a.key)
			e.journalIdem(opDeleteIdem, a.key, en)
		}
		e.idemOrder[0] = idemAge{}
		e.idemOrder = e.idemOrder[1:]
	}
}

// bodyDigest identifies a request body by its JSON value, so whitespace and
// key order do not make a retry look like a different request.
func bodyDigest(body []byte) [32]byte {
	var v any
	if err := json.Unmarshal(body, &v); err == nil {
		if b, err := json.Marshal(v); err == nil {
			return sha256.Sum256(b)
		}
	}
	return sha256.Sum256(body)
}

// create answers POST /instance/{instance}/token. The caller holds e.mu.
func (e *Emulator) create(r *http.Request, instance string, admin int, body []byte) reply {
	key := r.Header.Get(xano.HeaderIdempotency)
	now := e.clock()
	e.pruneIdem(now)
	var ik idemKey
	var digest [32]byte
	if key != "" {
		if len(key) > maxIdempotency {
			return errorReply(http.StatusBadRequest, fmt.Sprintf("%s must be at most %d characters; send a shorter unique key.", xano.HeaderIdempotency, maxIdempotency))
		}
		ik, digest = idemKey{instance, admin, key}, bodyDigest(body)
		if prev, ok := e.idem[ik]; ok && idemExpired(prev, now) {
			// Out of order: the clock went back since an older key.
			delete(e.idem, ik)
			e.journalIdem(opDeleteIdem, ik, prev)
		} else if ok {
			if prev.digest != digest {
				return errorReply(http.StatusBadRequest, fmt.Sprintf("%s was already used with a different request body; use a new key for a new token.", xano.HeaderIdempotency))
			}
			if prev.rep.status == 0 {
				return lostAnswer(key, prev.tokenID)
			}
			rep := prev.rep
			rep.header = rep.header.Clone()
			rep.header.Set("Idempotent-Replayed", "true")
			return rep
		}
	}
	spec, msg := parseCreate(body)
	if msg != "" {
		return errorReply(http.StatusBadRequest, msg)
	}
	active := 0
	for _, t := range e.store.list(instance) {
		if !t.expired(now) {
			active++
		}
	}
	if active >= xano.MaxActiveTokens {
		return errorReply(http.StatusBadRequest, xano.LimitMessage)
	}
	rec, secret := e.store.mint(instance, spec, now)
	e.touch(rec.id)
	tok := rec.wire()
	tok.Secret = secret
	rep := jsonReply(http.StatusOK, tok)
	if key != "" {
		en := idemEntry{digest: digest, rep: rep, tokenID: rec.id, created: now}
		e.putIdem(ik, en)
		e.journalIdem(opPutIdem, ik, en)
	}
	return rep
}

// ConflictBody is the answer to a create retried with an Idempotency-Key
// whose first answer cannot be repeated: the key minted token TokenID before
// the emulator restarted, and the secret was never kept. The client revokes
// that token and creates again with a new key.
type ConflictBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	TokenID int64  `json:"token_id"`
}

// lostAnswer is the 409 for a key restored from the state file. The token
// may have been revoked since; its id is given all the same, and revoking it
// then answers 404, which the client treats as done.
func lostAnswer(key string, tokenID int64) reply {
	return jsonReply(http.StatusConflict, ConflictBody{
		Code: CodeConflict,
		Message: fmt.Sprintf("%s %q created token %d before the emulator restarted, and its secret was shown only once: the state file keeps no secret, so the answer cannot be repeated. "+
			"Revoke token %d and create the token again with a new key.", xano.HeaderIdempotency, key, tokenID, tokenID),
		TokenID: tokenID,
	})
}

// list answers GET /instance/{instance}/token?page=N&per_page=M.
func (e *Emulator) list(r *http.Request, instance string) reply {
	q := r.URL.Query()
	page, msg := intParam(q, "page", 1, 1, math.MaxInt32)
	if msg != "" {
		return errorReply(http.StatusBadRequest, msg)
	}
	perPage, msg := intParam(q, "per_page", defaultPerPage, 1, maxPerPage)
	if msg != "" {
		return errorReply(http.StatusBadRequest, msg)
	}
	recs := e.store.list(instance)
	out := xano.TokenPage{Items: []xano.Token{}, CurPage: page}
	start := (page - 1) * perPage
	for i := start; i < len(recs) && i < start+perPage; i++ {
		out.Items = append(out.Items, recs[i].wire())
	}
	if start+perPage < len(recs) {
		next := page + 1
		out.NextPage = &next
	}
	if page > 1 {
		prev := page - 1
		out.PrevPage = &prev
	}
	return jsonReply(http.StatusOK, out)
}

// intParam reads an integer query parameter within [lo, hi].
func intParam(q url.Values, name string, def, lo, hi int) (int, string) {
	s := q.Get(name)
	if s == "" {
		return def, ""
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Sprintf("%s must be an integer from %d to %d; got %q.", name, lo, hi, s)
	}
	return n, ""
}

func notFound(instance, id string) reply {
	return errorReply(http.StatusNotFound, fmt.Sprintf("Token %q not found on instance %q: it does not exist or was deleted.", id, instance))
}

// get answers GET /instance/{instance}/token/{id}, never with the secret.
func (e *Emulator) get(instance, id string) reply {
	rec := e.store.find(instance, id)
	if rec == nil {
		return notFound(instance, id)
	}
	return jsonReply(http.StatusOK, rec.wire())
}

// update answers POST /instance/{instance}/token/{id}: only the name and the
// description change after a token is minted.
func (e *Emulator) update(instance, id string, body []byte) reply {
	rec := e.store.find(instance, id)
	if rec == nil {
		return notFound(instance, id)
	}
	m, msg := decodeObject(body)
	if msg != "" {
		return errorReply(http.StatusBadRequest, msg)
	}
	for _, fixed := range []string{"scopes", "expires_in"} {
		if _, ok := m[fixed]; ok {
			return errorReply(http.StatusBadRequest, fmt.Sprintf("%s cannot change after a token is minted: only name and description can be updated. Create a new token instead.", fixed))
		}
	}
	if msg := unknownField(m, "name", "description"); msg != "" {
		return errorReply(http.StatusBadRequest, msg)
	}
	name, hasName, msg := stringField(m, "name")
	if msg == "" && hasName {
		msg = checkName(name)
	}
	if msg != "" {
		return errorReply(http.StatusBadRequest, msg)
	}
	desc, hasDesc, msg := stringField(m, "description")
	if msg != "" {
		return errorReply(http.StatusBadRequest, msg)
	}
	e.touch(rec.id)
	if hasName {
		rec.name = name
	}
	if hasDesc {
		rec.description = desc
	}
	return jsonReply(http.StatusOK, rec.wire())
}

// remove answers DELETE /instance/{instance}/token/{id}.
func (e *Emulator) remove(instance, id string) reply {
	rec := e.store.find(instance, id)
	if rec == nil {
		return notFound(instance, id)
	}
	e.store.remove(rec)
	e.touch(rec.id)
	return jsonReply(http.StatusOK, struct{}{})
}

// createSpec is a validated create body.
type createSpec struct {
	name        string
	description string
	expiresIn   int64
	scopes      map[string][]string
}

// parseCreate validates a create body and returns the first problem as a
// message naming the field, in a fixed order so answers are reproducible.
func parseCreate(body []byte) (createSpec, string) {
	var spec createSpec
	m, msg := decodeObject(body)
	if msg != "" {
		return spec, msg
	}
	if msg := unknownField(m, "name", "description", "expires_in", "scopes"); msg != "" {
		return spec, msg
	}
	name, ok, msg := stringField(m, "name")
	switch {
	case msg != "":
		return spec, msg
	case !ok:
		return spec, "name is required: give the token a name of 1 to 100 characters."
	}
	if msg := checkName(name); msg != "" {
		return spec, msg
	}
	spec.name = name
	if spec.description, _, msg = stringField(m, "description"); msg != "" {
		return spec, msg
	}
	if spec.expiresIn, msg = parseExpiresIn(m["expires_in"]); msg != "" {
		return spec, msg
	}
	spec.scopes, msg = parseScopes(m["scopes"])
	return spec, msg
}

// decodeObject parses body as a JSON object, keeping each field raw so that
// unknown fields and type errors can be reported by name.
func decodeObject(body []byte) (map[string]json.RawMessage, string) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil || m == nil {
		return nil, "The request body must be a JSON object."
	}
	return m, ""
}

// unknownField refuses any field not in allowed, naming the first one in
// alphabetical order.
func unknownField(m map[string]json.RawMessage, allowed ...string) string {
	var unknown []string
	for k := range m {
		if !slices.Contains(allowed, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return ""
	}
	slices.Sort(unknown)
	return fmt.Sprintf("Unknown field %q: the accepted fields are %s.", unknown[0], strings.Join(allowed, ", "))
}

// stringField reads an optional string field; null counts as absent.
func stringField(m map[string]json.RawMessage, key string) (val string, present bool, msg string) {
	raw, ok := m[key]
	if !ok || isNull(raw) {
		return "", false, ""
	}
	if err := json.Unmarshal(raw, &val); err != nil {
		return "", false, fmt.Sprintf("%s must be a string.", key)
	}
	// The decoder turns invalid UTF-8 and lone surrogates into U+FFFD, so
	// the raw text is checked: a name must come back as it was sent.
	if !validJSONText(raw) {
		return "", false, fmt.Sprintf("%s must be valid UTF-8 text: it has a byte sequence or a \\u escape that is not a character. Send the text encoded as UTF-8.", key)
	}
	return val, true, ""
}

// validJSONText reports whether a JSON string literal, already known to
// decode, is valid UTF-8 whose \u escapes all name characters: a high
// surrogate must be followed by a low one, and a low one preceded by a high.
func validJSONText(raw json.RawMessage) bool {
	if !utf8.Valid(raw) {
		return false
	}
	s := strings.TrimSpace(string(raw))
	pendingHigh := false
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			if pendingHigh {
				return false
			}
			continue
		}
		i++
		if i >= len(s) || s[i] != 'u' {
			if pendingHigh {
				return false
			}
			continue
		}
		if i+4 >= len(s) {
			return false
		}
		v, err := strconv.ParseUint(s[i+1:i+5], 16, 16)
		if err != nil {
			return false
		}
		i += 4
		switch {
		case v >= 0xD800 && v < 0xDC00:
			if pendingHigh {
				return false
			}
			pendingHigh = true
		case v >= 0xDC00 && v < 0xE000:
			if !pendingHigh {
				return false
			}
			pendingHigh = false
		default:
			if pendingHigh {
				return false
			}
		}
	}
	return !pendingHigh
}

func isNull(raw json.RawMessage) bool { return strings.TrimSpace(string(raw)) == "null" }

func checkName(name string) string {
	if n := utf8.RuneCountInString(name); n < 1 || n > maxNameLen {
		return fmt.Sprintf("name must be 1 to %d characters long; got %d.", maxNameLen, n)
	}
	return ""
}

func parseExpiresIn(raw json.RawMessage) (int64, string) {
	if raw == nil || isNull(raw) {
		return 0, "expires_in is required: the lifetime in seconds, at least 3600, or 0 for a token that never expires."
	}
	var n int64
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, "expires_in must be a whole number of seconds."
	}
	if n < 0 || (n > 0 && n < minExpiresIn) {
		return 0, fmt.Sprintf("expires_in must be 0 (never expires) or at least %d seconds (1 hour); got %d.", minExpiresIn, n)
	}
	if n > maxExpiresInSec {
		return 0, fmt.Sprintf("expires_in must be at most %d seconds; got %d.", maxExpiresInSec, n)
	}
	return n, ""
}

// parseScopes checks the scope map against the catalog's wire keys and
// returns it with each permission list in CRUD order.
func parseScopes(raw json.RawMessage) (map[string][]string, string) {
	if raw == nil || isNull(raw) {
		return nil, `scopes is required: map scope keys to permissions, e.g. {"workspace:api": ["read"]}.`
	}
	var in map[string][]string
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, `scopes must be an object mapping scope keys to lists of permissions, e.g. {"workspace:api": ["read"]}.`
	}
	if len(in) == 0 {
		return nil, "scopes must grant at least one permission."
	}
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make(map[string][]string, len(in))
	for _, k := range keys {
		if _, ok := scopes.ByWireKey(k); !ok {
			return nil, unknownScope(k)
		}
		perms := in[k]
		if len(perms) == 0 {
			return nil, fmt.Sprintf("scopes[%q] grants no permission: list at least one of create, read, update, delete, or leave the scope out.", k)
		}
		var g scopes.Grant
		for _, p := range perms {
			perm := scopes.Permission(p)
			if !slices.Contains(scopes.Permissions, perm) {
				return nil, fmt.Sprintf("scopes[%q] has unknown permission %q: use create, read, update or delete.", k, p)
			}
			if g.Has(perm) {
				return nil, fmt.Sprintf("scopes[%q] lists %q twice.", k, p)
			}
			g = g.Set(perm, true)
		}
		for _, p := range g.Perms() {
			out[k] = append(out[k], string(p))
		}
	}
	return out, ""
}

func unknownScope(k string) string {
	msg := fmt.Sprintf("scopes has unknown scope key %q.", k)
	if s, ok := scopes.ByKey(k); ok {
		msg += fmt.Sprintf(" That is the HCL key: the API expects %q.", s.WireKey)
	} else if s := scopes.SuggestFrom(k, scopes.WireKeys()); s != "" {
		msg += fmt.Sprintf(" Did you mean %q?", s)
	}
	return msg + " Valid keys: " + strings.Join(scopes.WireKeys(), ", ") + "."
}
