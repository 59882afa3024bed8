// Package emulator is a strict, in-memory server for the provider's Metadata
// API contract (the API contract page, docs/guides/api-contract.md): Xano's
// documented account endpoints and the token endpoints this provider
// assumes. Tests and the demo point the provider at it; its Go API injects
// the faults a real network produces.
package emulator

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// DefaultAdminToken is the admin token used when none is configured.
const DefaultAdminToken = "emulator-admin-token"

// Error codes of the API contract that Xano's documented set, in package
// xano, does not name.
const (
	// CodeBadRequest answers a method a route does not serve (405).
	CodeBadRequest = "ERROR_CODE_BAD_REQUEST"
	// CodeConflict answers a create retried with an Idempotency-Key whose
	// token was minted before a restart, so its secret is gone (409).
	CodeConflict = "ERROR_CODE_CONFLICT"
)

// Options configures an Emulator.
type Options struct {
	// AdminTokens are the bearer tokens accepted for token management; when
	// empty, DefaultAdminToken is the only one.
	AdminTokens []string
	// Clock gives created_at, expires_at and expiry; nil means time.Now.
	Clock func() time.Time
	// RateLimit is in requests per second, with a burst of ceil(RateLimit);
	// 0 means unlimited.
	RateLimit float64
	// FaultRate is the fraction of mutating requests that fail: half with a
	// 500 before committing, half by dropping the connection after committing.
	FaultRate float64
	// Seed makes the FaultRate choices reproducible.
	Seed int64
	// Latency is added to every request.
	Latency time.Duration
	// LatencyJitter adds to Latency a uniform random delay from 0 to
	// LatencyJitter, drawn for each request from a source seeded by Seed.
	LatencyJitter time.Duration
	// StateFile, when set, is where Open loads the tokens from and writes
	// every change to, so that they survive a restart. New refuses it.
	StateFile string
	// Instances declares the account's instances. When set, only these exist
	// and any other instance name answers 404 ERROR_CODE_NOT_FOUND on every
	// instance-scoped route; when empty, an instance exists from the first
	// request that names it.
	Instances []InstanceSpec
}

// Emulator implements the token contract as an http.Handler whose paths start
// with /api:meta. It is safe for concurrent use.
type Emulator struct {
	admins []string

	// sleep waits before each request; tests replace it to observe latency
	// without measuring time.
	sleep func(ctx context.Context, d time.Duration)

	mu      sync.Mutex
	clock   func() time.Time
	latency time.Duration
	jitter  time.Duration
	// jitterRNG is apart from rng so that turning jitter on does not change
	// which requests the seeded faults hit.
	jitterRNG *rand.Rand
	bucket    bucket
	faultRate float64
	rng       *rand.Rand
	fails     []injectedFailure
	drops     []bool // one entry per DropNext request: true means after commit
	store     store
	instances instanceRegistry
	idem      map[idemKey]idemEntry
	idemOrder []idemAge
	stats     map[statKey]int

	// state is the open state file, nil without one or after Close.
	state *stateStore
}

// injectedFailure is one request answered by FailNext.
type injectedFailure struct {
	status     int
	retryAfter string
}

type statKey struct {
	method, pattern string
	status          int
}

// New returns an in-memory emulator configured by opts. It panics when
// opts.StateFile is set (Open loads the file and reports its errors) or when
// a rate, latency or fault rate is out of range, which Open reports instead.
func New(opts Options) *Emulator {
	if opts.StateFile != "" {
		panic("emulator.New: Options.StateFile needs Open, which reports a state file that cannot be loaded")
	}
	if err := opts.check(); err != nil {
		panic("emulator.New: " + err.Error())
	}
	return newEmulator(opts)
}

// check refuses the numbers no server could honour: a NaN or negative rate
// would silently turn the limit or the faults off.
func (o Options) check() error {
	switch {
	case !validRate(o.RateLimit):
		return fmt.Errorf("Options.RateLimit is %v; use 0 (unlimited) or a positive number of requests per second", o.RateLimit)
	case !validRate(o.FaultRate) || o.FaultRate > 1:
		return fmt.Errorf("Options.FaultRate is %v; use a fraction from 0 to 1", o.FaultRate)
	case o.Latency < 0:
		return fmt.Errorf("Options.Latency is %v; use 0 or more", o.Latency)
	case o.LatencyJitter < 0:
		return fmt.Errorf("Options.LatencyJitter is %v; use 0 or more", o.LatencyJitter)
	case o.LatencyJitter > math.MaxInt64-o.Latency:
		return fmt.Errorf("Options.Latency %v plus Options.LatencyJitter %v overflows a time.Duration; use shorter delays", o.Latency, o.LatencyJitter)
	}
	return nil
}

// validRate reports a finite number of zero or more.
func validRate(r float64) bool { return !math.IsNaN(r) && !math.IsInf(r, 0) && r >= 0 }

func newEmulator(opts Options) *Emulator {
	e := &Emulator{
		sleep:     sleepCtx,
		clock:     opts.Clock,
		latency:   opts.Latency,
		jitter:    opts.LatencyJitter,
		jitterRNG: rand.New(rand.NewPCG(uint64(opts.Seed), 0x717e)),
		faultRate: opts.FaultRate,
		rng:       rand.New(rand.NewPCG(uint64(opts.Seed), 0x5eed)),
		store:     newStore(),
		instances: newInstanceRegistry(opts.Instances),
		idem:      map[idemKey]idemEntry{},
		stats:     map[statKey]int{},
	}
	for _, t := range opts.AdminTokens {
		// An empty bearer must never authenticate.
		if t != "" {
			e.admins = append(e.admins, t)
		}
	}
	if len(e.admins) == 0 {
		e.admins = []string{DefaultAdminToken}
	}
	if e.clock == nil {
		e.clock = time.Now
	}
	e.bucket.setRate(opts.RateLimit)
	return e
}

func sleepCtx(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// FailNext makes the next n requests to the token and auth routes answer
// status with a Xano-style body, committing nothing. A 429 carries
// Retry-After: 1.
func (e *Emulator) FailNext(n int, status int) {
	retryAfter := ""
	if status == http.StatusTooManyRequests {
		retryAfter = "1"
	}
	e.FailNextWithRetryAfter(n, status, retryAfter)
}

// FailNextWithRetryAfter is FailNext with a chosen Retry-After header value;
// an empty value sends no header.
func (e *Emulator) FailNextWithRetryAfter(n, status int, retryAfter string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for range max(n, 0) {
		e.fails = append(e.fails, injectedFailure{status: status, retryAfter: retryAfter})
	}
}

// DropNext makes the next n mutating requests (POST and DELETE on token
// routes) close the connection without a response, before committing or,
// with afterCommit, once the change is made.
func (e *Emulator) DropNext(n int, afterCommit bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for range max(n, 0) {
		e.drops = append(e.drops, afterCommit)
	}
}

// SetLatency sets the delay added to every request. It panics on a negative
// delay, or one that overflows with the jitter, as Open refuses them.
func (e *Emulator) SetLatency(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := (Options{Latency: d, LatencyJitter: e.jitter}).check(); err != nil {
		panic("emulator.SetLatency: " + err.Error())
	}
	e.latency = d
}

// SetLatencyJitter sets the bound of the uniform random delay added to the
// latency of every request; 0 turns it off. It panics on a negative bound,
// or one that overflows with the latency, as Open refuses them.
func (e *Emulator) SetLatencyJitter(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := (Options{Latency: e.latency, LatencyJitter: d}).check(); err != nil {
		panic("emulator.SetLatencyJitter: " + err.Error())
	}
	e.jitter = d
}

// delay draws the wait before one answer: the latency plus a uniform draw
// from 0 to the jitter, both ends included. The caller holds e.mu.
func (e *Emulator) delay() time.Duration {
	if e.jitter <= 0 {
		return e.latency
	}
	return e.latency + time.Duration(e.jitterRNG.Uint64N(uint64(e.jitter)+1))
}

// SetRateLimit sets the rate in requests per second (0 turns it off) and
// refills the bucket. It panics on a NaN, infinite or negative rate.
func (e *Emulator) SetRateLimit(rps float64) {
	if !validRate(rps) {
		panic(fmt.Sprintf("emulator.SetRateLimit: %v is not a rate; use 0 (unlimited) or a positive number of requests per second", rps))
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.bucket.setRate(rps)
}

// SetRateLimitClock replaces the rate limiter's time source, which is real
// time by default so that Retry-After means what it says; tests inject a fake
// clock to exercise the bucket deterministically. nil restores time.Now.
func (e *Emulator) SetRateLimitClock(now func() time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.bucket.now = now
	e.bucket.last = time.Time{}
}

// Tokens returns the tokens of instance, expired ones included and deleted
// ones not, ordered by id, without secrets.
func (e *Emulator) Tokens(instance string) []xano.Token {
	e.mu.Lock()
	defer e.mu.Unlock()
	recs := e.store.list(instance)
	out := make([]xano.Token, len(recs))
	for i, r := range recs {
		out[i] = r.wire()
	}
	return out
}

// Stats returns request counts keyed by "METHOD ROUTE-PATTERN STATUS", e.g.
// "POST /instance/{instance}/token 200". Dropped connections have status 0;
// unknown routes have the pattern "*".
func (e *Emulator) Stats() map[string]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make(map[string]int, len(e.stats))
	for k, n := range e.stats {
		out[fmt.Sprintf("%s %s %d", k.method, k.pattern, k.status)] = n
	}
	return out
}

// ResetStats forgets every request count.
func (e *Emulator) ResetStats() {
	e.mu.Lock()
	defer e.mu.Unlock()
	clear(e.stats)
}

// Count returns how many requests with method reached the route pattern,
// whatever their status.
func (e *Emulator) Count(method, pattern string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for k, c := range e.stats {
		if k.method == method && k.pattern == pattern {
			n += c
		}
	}
	return n
}

// maxBody bounds request bodies; token requests are a few hundred bytes.
const maxBody = 1 << 20

// ServeHTTP answers one request of the contract.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt := match(r.URL)
	if rt.kind == routeStats {
		e.serveStats(w, r, rt)
		return
	}
	// The body is read before the wait, so that the server's body read
	// timeout bounds the client's sending and not the injected latency.
	body, bodyErr := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	e.mu.Lock()
	latency := e.delay()
	e.mu.Unlock()
	e.sleep(r.Context(), latency)

	rep, drop := e.handle(r, rt, body, bodyErr)
	if drop {
		e.count(r.Method, rt.pattern, 0)
		dropConnection(w)
		return
	}
	e.count(r.Method, rt.pattern, rep.status)
	rep.write(w)
}

// handle decides the answer to r. The boolean reports that the connection
// must be closed instead of answering (the change, if any, is committed).
func (e *Emulator) handle(r *http.Request, rt route, body []byte, bodyErr error) (reply, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if wait, ok := e.bucket.take(); !ok {
		rep := errorReply(http.StatusTooManyRequests, fmt.Sprintf("Rate limit exceeded: retry after %d s (see Retry-After).", wait))
		rep.header.Set("Retry-After", strconv.Itoa(wait))
		return rep, false
	}
	if rt.kind == routeNone {
		return errorReply(http.StatusNotFound, fmt.Sprintf("No route matches %s %s. The emulator serves the token contract under /api:meta.", r.Method, r.URL.Path)), false
	}
	if !rt.allows(r.Method) {
		rep := errorReply(http.StatusMethodNotAllowed, fmt.Sprintf("Method %s is not allowed on %s; use %s.", r.Method, rt.pattern, strings.Join(rt.methods, " or ")))
		rep.header.Set("Allow", strings.Join(rt.methods, ", "))
		return rep, false
	}
	if rt.management() && len(e.fails) > 0 {
		f := e.fails[0]
		e.fails = e.fails[1:]
		rep := errorReply(f.status, fmt.Sprintf("Injected failure with status %d; nothing was changed.", f.status))
		if f.retryAfter != "" {
			rep.header.Set("Retry-After", f.retryAfter)
		}
		return rep, false
	}
	afterCommit := false
	if rt.management() && (r.Method == http.MethodPost || r.Method == http.MethodDelete) {
		switch e.nextFault() {
		case faultDropBefore:
			return reply{}, true
		case faultFatal:
			return errorReply(http.StatusInternalServerError, "Injected internal error; nothing was changed. Retry the request."), false
		case faultDropAfter:
			afterCommit = true
		}
	}
	if bodyErr != nil {
		return errorReply(http.StatusBadRequest, "The request body is larger than 1 MiB or could not be read; send a small JSON object."), afterCommit
	}
	rep := e.dispatch(r, rt, body)
	if rt.scope != "" {
		// A read by a minted token sets the token's last use.
		if rec := e.store.bySecret(bearer(r)); rec != nil {
			e.touch(rec.id)
		}
	}
	return e.persist(rep), afterCommit
}

type fault int

const (
	faultNone fault = iota
	faultDropBefore
	faultDropAfter
	faultFatal
)

// nextFault pops a DropNext instruction or, in random fault mode, draws one
// from the seeded source. The caller holds e.mu.
func (e *Emulator) nextFault() fault {
	if len(e.drops) > 0 {
		after := e.drops[0]
		e.drops = e.drops[1:]
		if after {
			return faultDropAfter
		}
		return faultDropBefore
	}
	if e.faultRate <= 0 {
		return faultNone
	}
	// One draw decides both whether and how to fail, so the sequence of
	// outcomes depends on the seed and the request order only.
	u := e.rng.Float64()
	switch {
	case u < e.faultRate/2:
		return faultFatal
	case u < e.faultRate:
		return faultDropAfter
	}
	return faultNone
}

func (e *Emulator) dispatch(r *http.Request, rt route, body []byte) reply {
	if rt.scope != "" {
		return e.serveRead(r, rt)
	}
	if rt.kind == routeInstanceSwagger {
		if rep, ok := e.checkInstance(rt); !ok {
			return rep
		}
		return e.instanceSwagger(r, rt.params["instance"])
	}
	admin, rep, ok := e.authAdmin(r)
	if !ok {
		return rep
	}
	if rep, ok := e.checkInstance(rt); !ok {
		return rep
	}
	if r.Method == http.MethodPost && !isJSON(r.Header.Get("Content-Type")) {
		return errorReply(http.StatusUnsupportedMediaType, fmt.Sprintf(
			"Content-Type %q is not JSON: send the body as a JSON object with \"Content-Type: application/json\".", r.Header.Get("Content-Type")))
	}
	switch rt.kind {
	case routeInstances:
		return e.listInstances(r)
	case routeInstance:
		return e.getInstance(r, rt.params["name"])
	case routeMe:
		return jsonReply(http.StatusOK, xano.Me{ID: int64(admin), Name: "Emulator Admin", Email: fmt.Sprintf("admin%d@xano-emulator.invalid", admin)})
	case routeTokens:
		if r.Method == http.MethodPost {
			return e.create(r, rt.params["instance"], admin, body)
		}
		return e.list(r, rt.params["instance"])
	case routeToken:
		switch r.Method {
		case http.MethodPost:
			return e.update(rt.params["instance"], rt.params["id"], body)
		case http.MethodDelete:
			return e.remove(rt.params["instance"], rt.params["id"])
		}
		return e.get(rt.params["instance"], rt.params["id"])
	}
	return errorReply(http.StatusNotFound, "No such route.")
}

// isJSON reports whether a Content-Type names JSON: application/json or a
// +json type, with any parameters such as charset.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")))
}

// bearer returns the token of an "Authorization: Bearer" header, or "".
func bearer(r *http.Request) string {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// adminIndex returns 1 + the position of tok among the admin tokens, or 0.
func (e *Emulator) adminIndex(tok string) int {
	for i, a := range e.admins {
		if subtle.ConstantTimeCompare([]byte(a), []byte(tok)) == 1 {
			return i + 1
		}
	}
	return 0
}

// authenticate identifies the bearer of r: an admin (1 + its position among
// the admin tokens) or a minted token. Otherwise it returns the 401 to answer.
func (e *Emulator) authenticate(r *http.Request) (admin int, rec *record, rep reply, ok bool) {
	tok := bearer(r)
	if tok == "" {
		return 0, nil, errorReply(http.StatusUnauthorized, "Missing access token: send the header \"Authorization: Bearer <token>\"."), false
	}
	if admin := e.adminIndex(tok); admin > 0 {
		return admin, nil, reply{}, true
	}
	if rec := e.store.bySecret(tok); rec != nil {
		return 0, rec, reply{}, true
	}
	return 0, nil, errorReply(http.StatusUnauthorized, "Invalid access token: it is unknown, revoked or malformed."), false
}

// authAdmin accepts only admin tokens: minted tokens cannot manage tokens.
func (e *Emulator) authAdmin(r *http.Request) (admin int, rep reply, ok bool) {
	admin, rec, rep, ok := e.authenticate(r)
	if rec != nil {
		return 0, errorReply(http.StatusUnauthorized, "This Metadata API token cannot manage access tokens: use an admin access token."), false
	}
	return admin, rep, ok
}

func (e *Emulator) count(method, pattern string, status int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stats[statKey{method, pattern, status}]++
}

// serveStats answers GET /_emulator/stats for an admin, without counting
// itself, waiting or being rate limited: it observes the other requests.
func (e *Emulator) serveStats(w http.ResponseWriter, r *http.Request, rt route) {
	if !rt.allows(r.Method) {
		rep := errorReply(http.StatusMethodNotAllowed, fmt.Sprintf("Method %s is not allowed on %s; use GET.", r.Method, rt.pattern))
		rep.header.Set("Allow", http.MethodGet)
		rep.write(w)
		return
	}
	e.mu.Lock()
	_, rep, ok := e.authAdmin(r)
	e.mu.Unlock()
	if !ok {
		rep.write(w)
		return
	}
	jsonReply(http.StatusOK, e.Stats()).write(w)
}

// dropConnection closes the client's connection without writing a response,
// as a network failure or a crashed server would.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// HTTP/2 and recorders cannot be hijacked; aborting the handler
		// resets the stream instead, which the client sees the same way.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// reply is a response not yet written, so that a fault can still drop it.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func jsonReply(status int, v any) reply {
	b, err := json.Marshal(v)
	if err != nil {
		// Every value marshalled here is a plain struct or map.
		panic(fmt.Sprintf("emulator: cannot encode response: %v", err))
	}
	return reply{status: status, header: http.Header{"Content-Type": {"application/json"}}, body: b}
}

func errorReply(status int, message string) reply {
	return jsonReply(status, xano.ErrorBody{Code: codeFor(status), Message: message})
}

// codeFor maps a status to the Xano error code that goes with it.
func codeFor(status int) string {
	switch status {
	case http.StatusBadRequest, http.StatusUnsupportedMediaType:
		return xano.CodeInputError
	case http.StatusUnauthorized:
		return xano.CodeUnauthorized
	case http.StatusForbidden:
		return xano.CodeAccessDenied
	case http.StatusNotFound:
		return xano.CodeNotFound
	case http.StatusTooManyRequests:
		return xano.CodeTooManyRequests
	case http.StatusMethodNotAllowed:
		// The client sent a request this route never serves: its error, not
		// the server's, and not worth a retry.
		return CodeBadRequest
	case http.StatusConflict:
		return CodeConflict
	}
	return xano.CodeFatal
}

func (rep reply) write(w http.ResponseWriter) {
	for k, v := range rep.header {
		w.Header()[k] = v
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body)
}

type routeKind int

const (
	routeNone routeKind = iota
	routeMe
	routeTokens
	routeToken
	routeWorkspaces
	routeTables
	routeAPIGroups
	routeRequestHistory
	routeStats
	routeInstances
	routeInstance
	routeInstanceSwagger
)

// Paths of the scope-guarded read endpoints and of the emulator's own stats,
// relative to /api:meta like the contract's.
const (
	PathWorkspaces     = "/workspace"
	PathTables         = "/workspace/{id}/table"
	PathAPIGroups      = "/workspace/{id}/apigroup"
	PathRequestHistory = "/workspace/{id}/request_history"
	PathStats          = "/_emulator/stats"
)

// routes lists every pattern served, with its methods and, for the read
// endpoints, the scope whose read permission a minted token needs.
var routes = []routeSpec{
	{xano.PathMe, routeMe, []string{http.MethodGet}, ""},
	{xano.PathInstances, routeInstances, []string{http.MethodGet}, ""},
	{xano.PathInstance, routeInstance, []string{http.MethodGet}, ""},
	{xano.PathTokens, routeTokens, []string{http.MethodGet, http.MethodPost}, ""},
	{xano.PathToken, routeToken, []string{http.MethodGet, http.MethodPost, http.MethodDelete}, ""},
	{PathWorkspaces, routeWorkspaces, []string{http.MethodGet}, "instance:workspace"},
	{PathTables, routeTables, []string{http.MethodGet}, "workspace:database"},
	{PathAPIGroups, routeAPIGroups, []string{http.MethodGet}, "workspace:api"},
	{PathRequestHistory, routeRequestHistory, []string{http.MethodGet}, "workspace:requesthistory"},
	{PathStats, routeStats, []string{http.MethodGet}, ""},
}

// routeSpec is one served pattern.
type routeSpec struct {
	pattern string
	kind    routeKind
	methods []string
	scope   string
}

// route is the result of matching a request path: the pattern matched, with
// the values of its {placeholders}.
type route struct {
	routeSpec
	params map[string]string
}

func (rt route) allows(method string) bool { return slices.Contains(rt.methods, method) }

// management reports the routes that FailNext and the mutating faults apply
// to: those of the account's Metadata API, which need an admin token.
func (rt route) management() bool {
	switch rt.kind {
	case routeMe, routeTokens, routeToken, routeInstances, routeInstance:
		return true
	}
	return false
}

// unknownRoute is what match returns for a path no pattern serves.
var unknownRoute = route{routeSpec: routeSpec{pattern: "*"}}

// match finds the route of u. Segments are compared unescaped, so an instance
// name may contain any character; unknown paths get the pattern "*".
func match(u *url.URL) route {
	segs, ok := splitPath(u.EscapedPath())
	if !ok {
		return unknownRoute
	}
	if rt, ok := matchInstanceAPI(segs); ok {
		return rt
	}
	if len(segs) == 0 || segs[0] != metaSegment {
		return unknownRoute
	}
	return matchSegments(segs[1:], func(routeSpec) bool { return true })
}

// matchSegments finds the route, among those keep accepts, whose pattern
// matches the path segments after the Metadata API's base.
func matchSegments(segs []string, keep func(routeSpec) bool) route {
	for _, cand := range routes {
		if !keep(cand) {
			continue
		}
		pat := strings.Split(strings.TrimPrefix(cand.pattern, "/"), "/")
		if len(pat) != len(segs) {
			continue
		}
		params := map[string]string{}
		matched := true
		for i, p := range pat {
			if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") && segs[i] != "" {
				params[p[1:len(p)-1]] = segs[i]
				continue
			}
			if p != segs[i] {
				matched = false
				break
			}
		}
		if matched {
			return route{routeSpec: cand, params: params}
		}
	}
	return unknownRoute
}

func splitPath(escaped string) ([]string, bool) {
	if !strings.HasPrefix(escaped, "/") {
		return nil, false
	}
	parts := strings.Split(escaped[1:], "/")
	for i, p := range parts {
		s, err := url.PathUnescape(p)
		if err != nil {
			return nil, false
		}
		parts[i] = s
	}
	return parts, true
}
