package xano

import (
	"net/http"
	"time"
)

// TestConfig is Config with the settings only tests change: short waits, a
// fixed jitter and clock, small pages, a hook on each retry and a base HTTP
// client. Zero values keep the defaults.
type TestConfig struct {
	Config
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	MaxRetryWait time.Duration
	PageSize     int
	OnRetry      func(attempt int, wait time.Duration, resp *http.Response, err error)
	Rand         func() float64
	Now          func() time.Time
	HTTPClient   *http.Client
}

// NewForTest is New with the test settings of tc.
func NewForTest(tc TestConfig) (*Client, error) {
	return newClient(tc.Config, tuning{
		retryWaitMin: tc.RetryWaitMin, retryWaitMax: tc.RetryWaitMax, maxRetryWait: tc.MaxRetryWait,
		pageSize: tc.PageSize, onRetry: tc.OnRetry, rand: tc.Rand, now: tc.Now, httpClient: tc.HTTPClient,
	})
}

// Redact masks the access token and the secrets the client has minted.
func (c *Client) Redact(s string) string { return c.redact(s) }
