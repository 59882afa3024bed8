// Package xano is the Xano Metadata API client used by the provider: wire
// types, the token-management contract, retries with backoff that honours
// Retry-After, idempotent creates and typed errors that carry facts and never
// a secret. It has no Terraform imports.
//
// The client is spread over a few files: client.go (configuration),
// transport.go (one request and its retries), retry.go (the retry policy),
// auth.go, instances.go and tokens.go (the endpoints), errors.go (the typed
// errors), kinds.go (what each error means: KindOf) and redact.go with
// mask.go (what an error or log line may show).
package xano

import (
	"cmp"
	"context"
	"fmt"
	mathrand "math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Defaults applied by New when the matching Config field is zero.
const (
	DefaultRequestTimeout = 30 * time.Second
	DefaultMaxRetries     = 4
)

// Defaults of the settings only tests change (see tuning).
const (
	defaultRetryWaitMin = 500 * time.Millisecond
	defaultRetryWaitMax = 10 * time.Second
	defaultMaxRetryWait = 30 * time.Second
	defaultPageSize     = 100
)

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
	// Logger receives one redacted line per attempt; nil disables logging.
	Logger Logger
}

// tuning holds the settings that production leaves at their defaults and
// tests shorten or observe; export_test.go lets the tests set them.
type tuning struct {
	// retryWaitMin is the first backoff step; retryWaitMax caps the
	// exponential backoff; maxRetryWait caps a server's Retry-After.
	retryWaitMin, retryWaitMax, maxRetryWait time.Duration
	// pageSize is the per_page used by ListTokens.
	pageSize int
	// onRetry, if set, is called before each retry with the number of the
	// attempt that failed (1-based), the wait chosen and its outcome.
	onRetry func(attempt int, wait time.Duration, resp *http.Response, err error)
	// rand is the jitter source, returning values in [0,1).
	rand func() float64
	// now is the clock used to read Retry-After HTTP dates.
	now func() time.Time
	// httpClient is a base client whose transport is used.
	httpClient *http.Client
}

// Client calls the Xano Metadata API. It is safe for concurrent use.
type Client struct {
	baseURL        string
	token          string
	userAgent      string
	maxRetries     int
	requestTimeout time.Duration
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
}

// New validates cfg and returns a Client.
func New(cfg Config) (*Client, error) { return newClient(cfg, tuning{}) }

func newClient(cfg Config, tun tuning) (*Client, error) {
	base, err := ParseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("invalid Xano client configuration: %w", err)
	}
	invalid := func(p ConfigProblem, format string, args ...any) error {
		return fmt.Errorf("invalid Xano client configuration: %w", configError(p, format, args...))
	}
	if strings.TrimSpace(cfg.AccessToken) == "" {
		return nil, invalid(ProblemTokenEmpty, "the access token is empty")
	}
	if hasControl(cfg.AccessToken) {
		return nil, invalid(ProblemTokenControl, "the access token contains a newline or control character")
	}
	if cfg.MaxRetries < 0 {
		return nil, invalid(ProblemOutOfRange, "max_retries is %d, below 0", cfg.MaxRetries)
	}
	for name, d := range map[string]time.Duration{
		"request timeout": cfg.RequestTimeout, "minimum retry wait": tun.retryWaitMin,
		"maximum retry wait": tun.retryWaitMax, "Retry-After cap": tun.maxRetryWait,
	} {
		if d < 0 {
			return nil, invalid(ProblemOutOfRange, "the %s is negative (%s)", name, d)
		}
	}
	if tun.pageSize < 0 {
		return nil, invalid(ProblemOutOfRange, "the page size is negative (%d)", tun.pageSize)
	}

	c := &Client{
		baseURL:        base,
		token:          cfg.AccessToken,
		userAgent:      "terraform-provider-xano/" + cmp.Or(cfg.Version, "dev"),
		maxRetries:     cfg.MaxRetries,
		requestTimeout: cmp.Or(cfg.RequestTimeout, DefaultRequestTimeout),
		retryWaitMin:   cmp.Or(tun.retryWaitMin, defaultRetryWaitMin),
		retryWaitMax:   cmp.Or(tun.retryWaitMax, defaultRetryWaitMax),
		maxRetryWait:   cmp.Or(tun.maxRetryWait, defaultMaxRetryWait),
		pageSize:       cmp.Or(tun.pageSize, defaultPageSize),
		logger:         cfg.Logger,
		onRetry:        tun.onRetry,
		now:            tun.now,
		rand:           tun.rand,
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.rand == nil {
		c.rand = mathrand.Float64
	}
	if c.retryWaitMax < c.retryWaitMin {
		c.retryWaitMax = c.retryWaitMin
	}
	c.httpClient = newHTTPClient(tun.httpClient, c.requestTimeout)
	return c, nil
}
