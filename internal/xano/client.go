// Package xano is the Xano Metadata API client used by the provider: wire
// types, the token-management contract, retries with backoff that honours
// Retry-After, idempotent creates and typed errors that never carry a secret.
// It has no Terraform imports.
package xano

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mathrand "math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
)

// Defaults applied by New when the matching Config field is zero.
const (
	DefaultRequestTimeout = 30 * time.Second
	DefaultRetryWaitMin   = 500 * time.Millisecond
	DefaultRetryWaitMax   = 10 * time.Second
	DefaultMaxRetryWait   = 30 * time.Second
	DefaultPageSize       = 100
	DefaultMaxRetries     = 4
)

// maxBodyBytes bounds how much of a response the client reads, so a
// misbehaving server cannot exhaust memory.
const maxBodyBytes = 8 << 20

// maxPages stops ListTokens if a server keeps answering with a next page;
// 10 active tokens per instance never need more than a handful of pages.
const maxPages = 10000

// Logger receives one line per HTTP attempt. The provider passes a tflog
// adapter; ctx is the caller's context so per-request log masks apply.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
}

// Config configures a Client. Only BaseURL and AccessToken are required.
type Config struct {
	// BaseURL is the Metadata API root, e.g. https://app.xano.com/api:meta.
	BaseURL string
	// AccessToken is the bearer token used for every request.
	AccessToken string
	// Version is the provider version sent in the User-Agent ("dev" if empty).
	Version string
	// MaxRetries is the number of retries after the first attempt; 0 means
	// no retries. The provider passes DefaultMaxRetries unless configured.
	MaxRetries int
	// RequestTimeout bounds each attempt (not the whole call); 0 = 30s.
	RequestTimeout time.Duration
	// RetryWaitMin is the first backoff step; 0 = 500ms.
	RetryWaitMin time.Duration
	// RetryWaitMax caps the exponential backoff; 0 = 10s.
	RetryWaitMax time.Duration
	// MaxRetryWait caps a server's Retry-After; 0 = 30s.
	MaxRetryWait time.Duration
	// HTTPClient is an optional base client whose transport is used; its
	// Timeout is replaced by RequestTimeout.
	HTTPClient *http.Client
	// Logger receives one redacted line per attempt; nil disables logging.
	Logger Logger
	// OnRetry, if set, is called before each retry with the number of the
	// attempt that failed (1-based), the wait chosen and its outcome.
	OnRetry func(attempt int, wait time.Duration, resp *http.Response, err error)
	// Rand is an optional jitter source returning values in [0,1).
	Rand func() float64
	// Now is an optional clock used to read Retry-After HTTP dates.
	Now func() time.Time
	// PageSize is the per_page used by ListTokens; 0 = 100.
	PageSize int
}

// Client calls the Xano Metadata API. It is safe for concurrent use.
type Client struct {
	baseURL        string
	token          string
	userAgent      string
	maxRetries     int
	retryWaitMin   time.Duration
	retryWaitMax   time.Duration
	maxRetryWait   time.Duration
	pageSize       int
	httpClient     *http.Client
	logger         Logger
	onRetry        func(attempt int, wait time.Duration, resp *http.Response, err error)
	now            func() time.Time
	randMu         sync.Mutex
	rand           func() float64
	secretsMu      sync.RWMutex
	secrets        []string
	requestTimeout time.Duration
}

// New validates cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	base, err := ParseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("invalid Xano client configuration: %w", err)
	}
	if strings.TrimSpace(cfg.AccessToken) == "" {
		return nil, errors.New("invalid Xano client configuration: the access token is empty; set access_token or XANO_ACCESS_TOKEN")
	}
	if hasControl(cfg.AccessToken) {
		return nil, errors.New("invalid Xano client configuration: the access token contains a newline or control character; copy it again without surrounding whitespace")
	}
	if cfg.MaxRetries < 0 {
		return nil, fmt.Errorf("invalid Xano client configuration: max_retries is %d; use 0 (no retries) or more", cfg.MaxRetries)
	}
	for name, d := range map[string]time.Duration{
		"request timeout": cfg.RequestTimeout, "minimum retry wait": cfg.RetryWaitMin,
		"maximum retry wait": cfg.RetryWaitMax, "Retry-After cap": cfg.MaxRetryWait,
	} {
		if d < 0 {
			return nil, fmt.Errorf("invalid Xano client configuration: the %s is negative (%s)", name, d)
		}
	}
	if cfg.PageSize < 0 {
		return nil, fmt.Errorf("invalid Xano client configuration: the page size is negative (%d)", cfg.PageSize)
	}

	c := &Client{
		baseURL:        base,
		token:          cfg.AccessToken,
		userAgent:      "terraform-provider-xano/" + cmp.Or(cfg.Version, "dev"),
		maxRetries:     cfg.MaxRetries,
		requestTimeout: cmp.Or(cfg.RequestTimeout, DefaultRequestTimeout),
		retryWaitMin:   cmp.Or(cfg.RetryWaitMin, DefaultRetryWaitMin),
		retryWaitMax:   cmp.Or(cfg.RetryWaitMax, DefaultRetryWaitMax),
		maxRetryWait:   cmp.Or(cfg.MaxRetryWait, DefaultMaxRetryWait),
		pageSize:       cmp.Or(cfg.PageSize, DefaultPageSize),
		logger:         cfg.Logger,
		onRetry:        cfg.OnRetry,
		now:            cfg.Now,
		rand:           cfg.Rand,
	}
	if c.retryWaitMax < c.retryWaitMin {
		c.retryWaitMax = c.retryWaitMin
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.rand == nil {
		c.rand = mathrand.Float64
	}
	// A copy of the base client, so setting the per-attempt timeout does not
	// change a client the caller shares elsewhere.
	var hc http.Client
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient
	} else {
		hc = *cleanhttp.DefaultPooledClient()
	}
	hc.Timeout = c.requestTimeout
	c.httpClient = &hc
	return c, nil
}

// Redact replaces the access token and every secret the client has minted
// with "***", so callers can scrub any text before logging or showing it.
func (c *Client) Redact(s string) string {
	if s == "" {
		return s
	}
	if c.token != "" {
		s = strings.ReplaceAll(s, c.token, "***")
	}
	c.secretsMu.RLock()
	defer c.secretsMu.RUnlock()
	for _, secret := range c.secrets {
		s = strings.ReplaceAll(s, secret, "***")
	}
	return s
}

func (c *Client) rememberSecret(secret string) {
	if secret == "" {
		return
	}
	c.secretsMu.Lock()
	defer c.secretsMu.Unlock()
	for _, s := range c.secrets {
		if s == secret {
			return
		}
	}
	c.secrets = append(c.secrets, secret)
}

// Me returns the account the access token belongs to.
func (c *Client) Me(ctx context.Context) (*Me, error) {
	var me *Me
	if err := c.call(ctx, http.MethodGet, PathMe, nil, "", "account", &me); err != nil {
		return nil, err
	}
	return me, nil
}

// ListTokens returns every token of instance, following nextPage to the end.
func (c *Client) ListTokens(ctx context.Context, instance string) ([]Token, error) {
	if err := checkInstance(instance); err != nil {
		return nil, err
	}
	var all []Token
	seen := map[int]bool{}
	page := 1
	for range maxPages {
		seen[page] = true
		path := tokensPath(instance) + "?page=" + strconv.Itoa(page) + "&per_page=" + strconv.Itoa(c.pageSize)
		var p *TokenPage
		if err := c.call(ctx, http.MethodGet, path, nil, "", "page of tokens", &p); err != nil {
			return nil, err
		}
		for i, t := range p.Items {
			if t.ID <= 0 {
				return nil, c.decodeError(http.MethodGet, path, http.StatusOK, "page of tokens", fmt.Sprintf("item %d has no valid id", i), nil)
			}
		}
		all = append(all, p.Items...)
		if p.NextPage == nil {
			return all, nil
		}
		next := *p.NextPage
		if next <= 0 || seen[next] {
			return nil, c.decodeError(http.MethodGet, path, http.StatusOK, "page of tokens",
				fmt.Sprintf("nextPage %d points back to a page already read, so the listing would never end", next), nil)
		}
		page = next
	}
	return nil, fmt.Errorf("listing the tokens of instance %q: the API kept answering with a next page after %d pages; check base_url", instance, maxPages)
}

// CreateToken mints a token with a fresh Idempotency-Key, reused for every
// retry, so a lost response never mints a second token. The returned token
// carries its secret, which the client redacts from then on.
func (c *Client) CreateToken(ctx context.Context, instance string, req CreateTokenRequest) (*Token, error) {
	key, err := NewIdempotencyKey()
	if err != nil {
		return nil, err
	}
	return c.CreateTokenWithKey(ctx, instance, req, key)
}

// CreateTokenWithKey mints a token with the caller's Idempotency-Key: a
// server answers a repeated key with the first response.
func (c *Client) CreateTokenWithKey(ctx context.Context, instance string, req CreateTokenRequest, idempotencyKey string) (*Token, error) {
	if err := checkInstance(instance); err != nil {
		return nil, err
	}
	if strings.TrimSpace(idempotencyKey) == "" || hasControl(idempotencyKey) {
		return nil, errors.New("creating a token: the idempotency key is empty or contains control characters; use CreateToken to generate one")
	}
	path := tokensPath(instance)
	var t *Token
	if err := c.call(ctx, http.MethodPost, path, req, idempotencyKey, "token", &t); err != nil {
		hideCreateExcerpt(err)
		return nil, err
	}
	if t.Secret == "" {
		return nil, c.decodeError(http.MethodPost, path, http.StatusOK, "token", "the create response carries no \"token\" secret", nil)
	}
	c.rememberSecret(t.Secret)
	return t, nil
}

// hideCreateExcerpt drops the body excerpt of a create response the client
// could not use when that body is JSON, behind a byte order mark or a ")]}'"
// guard too: it may carry the new token's secret under a key the masking
// does not recognise (JSON keys may be escaped), so no excerpt of it is safe
// to show.
func hideCreateExcerpt(err error) {
	var de *DecodeError
	if !errors.As(err, &de) || de.Excerpt == "" {
		return
	}
	if trimmed := trimJSONPrefix([]byte(de.Excerpt)); bytes.HasPrefix(trimmed, []byte("{")) || bytes.HasPrefix(trimmed, []byte("[")) {
		de.Excerpt = ""
		de.Reason += " (the body is not shown, since it may hold the new token's secret)"
	}
}

// GetToken returns one token (without its secret); a missing token is an
// error for which IsNotFound is true.
func (c *Client) GetToken(ctx context.Context, instance string, id int64) (*Token, error) {
	return c.callToken(ctx, http.MethodGet, instance, id, nil)
}

// UpdateToken changes a token's name and/or description. It sends no
// Idempotency-Key, so it is retried only when the server says it did not
// process the request (429, 503) or the connection was refused.
func (c *Client) UpdateToken(ctx context.Context, instance string, id int64, req UpdateTokenRequest) (*Token, error) {
	return c.callToken(ctx, http.MethodPost, instance, id, req)
}

// callToken sends a request about token id and returns the token the answer
// describes, refusing an answer about another token.
func (c *Client) callToken(ctx context.Context, method, instance string, id int64, body any) (*Token, error) {
	if err := checkInstance(instance); err != nil {
		return nil, err
	}
	path := tokenPath(instance, id)
	var t *Token
	if err := c.call(ctx, method, path, body, "", "token", &t); err != nil {
		return nil, err
	}
	if t.ID != id {
		return nil, c.decodeError(method, path, http.StatusOK, "token", fmt.Sprintf("it describes token %d, not %d", t.ID, id), nil)
	}
	return t, nil
}

// DeleteToken revokes a token. A missing token is an error for which
// IsNotFound is true; the caller decides whether that is fine.
func (c *Client) DeleteToken(ctx context.Context, instance string, id int64) error {
	if err := checkInstance(instance); err != nil {
		return err
	}
	return c.call(ctx, http.MethodDelete, tokenPath(instance, id), nil, "", "", nil)
}

func checkInstance(instance string) error {
	if strings.TrimSpace(instance) == "" {
		return errors.New("no Xano instance given: set instance on the resource or the provider (or XANO_INSTANCE)")
	}
	return nil
}

// NewIdempotencyKey returns a random UUID (version 4) for an Idempotency-Key.
func NewIdempotencyKey() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("generating an idempotency key: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], nil
}

// call performs one logical request (with retries) and decodes a 2xx body
// into out, a pointer to a pointer so that a JSON null is detected. what
// names the expected body in errors; out == nil ignores the body.
func (c *Client) call(ctx context.Context, method, path string, body any, idempotencyKey, what string, out any) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("%s %s: encoding the request body: %v", method, c.Redact(path), err)
		}
	}
	resp, err := c.do(ctx, method, path, payload, idempotencyKey)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, readErr := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes))
	if out == nil {
		return nil
	}
	if readErr != nil {
		return c.decodeError(method, path, resp.StatusCode, what, "reading it failed: "+readErr.Error(), data)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return c.decodeError(method, path, resp.StatusCode, what, err.Error(), data)
	}
	if isNilTarget(out) {
		return c.decodeError(method, path, resp.StatusCode, what, "it is empty or null", data)
	}
	if t, ok := out.(**Token); ok && (*t).ID <= 0 {
		return c.decodeError(method, path, resp.StatusCode, what, "it has no valid id", data)
	}
	return nil
}

func isNilTarget(out any) bool {
	switch v := out.(type) {
	case **Token:
		return *v == nil
	case **TokenPage:
		return *v == nil
	case **Me:
		return *v == nil
	case **Instance:
		return *v == nil
	case **[]Instance:
		return *v == nil
	}
	return false
}

// do sends the request through go-retryablehttp with a per-call policy (the
// retry rules depend on the method and the idempotency key). It returns the
// last response when it is a 2xx, and otherwise the typed error of what the
// server last said or of the answer that never came.
func (c *Client) do(ctx context.Context, method, path string, payload []byte, idempotencyKey string) (*http.Response, error) {
	safePath := c.Redact(path)
	var body any
	if payload != nil {
		body = payload
	}
	st := &attemptState{c: c, ctx: ctx, method: method, path: safePath, idempotent: method != http.MethodPost || idempotencyKey != "", keyed: idempotencyKey != "" || method == http.MethodDelete}
	req, err := retryablehttp.NewRequestWithContext(st.trace(ctx), method, c.baseURL+path, body)
	if err != nil {
		return nil, &TransportError{Method: method, Path: safePath, Message: "building the request failed: " + c.Redact(err.Error()), cause: err}
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if idempotencyKey != "" {
		req.Header.Set(HeaderIdempotency, idempotencyKey)
	}

	rc := &retryablehttp.Client{
		HTTPClient:   c.httpClient,
		RetryWaitMin: c.retryWaitMin,
		RetryWaitMax: c.retryWaitMax,
		// checkRetry enforces the budgets; RetryMax only has to be large
		// enough not to stop it first.
		RetryMax:   2*c.maxRetries + rateLimitedBudget,
		CheckRetry: st.checkRetry,
		Backoff:    st.backoff,
		// The last response or transport error comes back untouched, so the
		// typed error says what the server last said rather than "giving up".
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	resp, err := rc.Do(req)
	attempts := max(st.attempts, 1)
	fail := func(message string, cause error, uncertain bool, hint string) error {
		if resp != nil {
			resp.Body.Close()
		}
		return &TransportError{Method: method, Path: safePath, Attempts: attempts, Uncertain: uncertain,
			NothingSent: !st.sent, Message: message, cause: cause, hint: hint}
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return nil, fail("the request was cancelled before the API answered: "+ctxErr.Error(), ctxErr, st.uncertain, "")
	}
	if err != nil {
		// A POST that got no answer may have reached the server, unless no
		// attempt ever had a connection to send it on.
		return nil, fail("could not reach the Xano API: "+c.Redact(err.Error()), err, method == http.MethodPost && st.sent, transportHint(err))
	}
	if resp == nil {
		return nil, fail("the HTTP client returned no response", nil, false, "")
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer resp.Body.Close()
		data, _ := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes))
		apiErr := c.apiError(method, safePath, resp.StatusCode, data, attempts)
		apiErr.Uncertain = st.uncertain
		return nil, apiErr
	}
	return resp, nil
}

// transportHint says what to do about a request that got no answer: a
// timeout names request_timeout, which the user can raise.
func transportHint(err error) string {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "The API did not answer within request_timeout; check base_url and the network, or raise request_timeout"
	}
	return "Check base_url and the network, then try again"
}

// apiError builds the typed error for a non-2xx response, with the server's
// code and message when the body is a Xano JSON error (behind a byte order
// mark or a ")]}'" guard too), an excerpt otherwise. The error is classified
// on the code and message as sent, and shows them masked. safePath is
// already redacted.
func (c *Client) apiError(method, safePath string, status int, data []byte, attempts int) *APIError {
	e := &APIError{StatusCode: status, Method: method, Path: safePath, Attempts: attempts}
	var eb ErrorBody
	if err := json.Unmarshal(trimJSONPrefix(data), &eb); err == nil && (eb.Code != "" || eb.Message != "") {
		e.classified = true
		if knownCodes[eb.Code] {
			e.xanoCode = eb.Code
		}
		e.limit = isLimitMessage(eb.Message)
		e.Code = c.scrubCode(eb.Code)
		e.Message = c.scrub(eb.Message)
		return e
	}
	e.classified = true
	e.Excerpt = c.excerpt(data)
	return e
}

// knownCodes are the error codes of Xano's documentation: fixed words, shown
// as they are even when masking a short access token would rewrite them.
var knownCodes = map[string]bool{
	CodeInputError: true, CodeUnauthorized: true, CodeAccessDenied: true,
	CodeNotFound: true, CodeTooManyRequests: true, CodeFatal: true,
}

// scrubCode masks an error code for display, unless it is one of Xano's.
func (c *Client) scrubCode(code string) string {
	if knownCodes[code] {
		return code
	}
	return c.scrub(code)
}

// decodeError builds the error for a 2xx body that does not fit the
// contract, with every string redacted.
func (c *Client) decodeError(method, path string, status int, what, reason string, data []byte) *DecodeError {
	return &DecodeError{Method: method, Path: c.Redact(path), StatusCode: status, What: what,
		Reason: c.scrub(reason), Excerpt: c.excerpt(data)}
}

// excerpt returns the first bytes of a body, safe to show: scrubbed, with
// the value of any token or secret field masked whatever the body's format,
// cut at maxExcerpt bytes on a character boundary.
func (c *Client) excerpt(data []byte) string {
	s := maskFields(c.scrub(string(bytes.ToValidUTF8(bytes.TrimPrefix(data, utf8BOM), []byte("?")))))
	s = strings.TrimSpace(s)
	if len(s) > maxExcerpt {
		cut := maxExcerpt
		for cut > 0 && !utf8RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// scrub makes server text safe to show: control characters dropped, then
// the client's secrets and anything shaped like a secret masked. The order
// matters: removing control characters afterwards could join the pieces of
// a secret split by one.
func (c *Client) scrub(s string) string { return maskShapes(c.Redact(stripControl(s))) }

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}

// stripControl removes control characters (newlines become spaces) so an
// excerpt stays on one line and cannot forge log lines.
func stripControl(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return -1
		}
		return r
	}, s)
}

// ConfirmTokenGone decides whether err, the answer to a call about token id,
// proves the token no longer exists. A 404 alone is no proof: a mistyped
// base_url or a proxy answers 404 too, and dropping a live token from state
// would mint a duplicate. So the 404 must be Xano's ERROR_CODE_NOT_FOUND and
// the instance's token list must load without the id. Otherwise it returns
// false with an error that explains why.
func (c *Client) ConfirmTokenGone(ctx context.Context, instance string, id int64, err error) (bool, error) {
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound {
		return false, err
	}
	if !apiErr.HasCode(CodeNotFound) {
		return false, fmt.Errorf("%w (a 404 without Xano's %s code: check that base_url points at the Xano Metadata API)", err, CodeNotFound)
	}
	tokens, listErr := c.ListTokens(ctx, instance)
	if listErr != nil {
		return false, fmt.Errorf("%w; listing instance %q's tokens to confirm that token %d is gone failed too: %s. Terraform keeps the token: check that base_url points at the Xano Metadata API and that the instance exists", err, instance, id, strings.TrimSuffix(listErr.Error(), "."))
	}
	for _, t := range tokens {
		if t.ID == id {
			return false, fmt.Errorf("%w, yet the instance's token list still holds token %d; try again", err, id)
		}
	}
	return true, nil
}
