package xano

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/hashicorp/go-cleanhttp"
)

// maxBodyBytes bounds how much of a response the client reads, so a
// misbehaving server cannot exhaust memory.
const maxBodyBytes = 8 << 20

// drainBytes is how much of a failed attempt's body is read before the next
// attempt, so that its connection can be reused.
const drainBytes = 4096

// newHTTPClient returns the HTTP client every attempt goes through: a copy of
// base (a pooled cleanhttp client when nil) whose Timeout bounds one attempt.
// It copies so that setting the timeout does not change a client the caller
// shares elsewhere.
func newHTTPClient(base *http.Client, attemptTimeout time.Duration) *http.Client {
	var hc http.Client
	if base != nil {
		hc = *base
	} else {
		hc = *cleanhttp.DefaultPooledClient()
	}
	hc.Timeout = attemptTimeout
	return &hc
}

// request is one logical call to the API.
type request struct {
	method string
	// path is appended to the base URL; it may hold a secret (an instance
	// name is the user's text), so only its redacted form is shown.
	path string
	// body is encoded as JSON when not nil.
	body any
	// idempotencyKey, when set, is sent on every attempt and makes a POST
	// safe to repeat.
	idempotencyKey string
	// what names the expected answer in errors ("token", "page of tokens").
	what string
}

// validated is implemented by wire types that can decode and still break
// the contract, such as a token without an id; doJSON checks it so that the
// error can show the body.
type validated interface {
	violation() string
}

// doJSON performs req and decodes its 2xx answer as a T. A body that does not
// decode, is empty or null, or breaks the contract is a *DecodeError.
func doJSON[T any](ctx context.Context, c *Client, req request) (*T, error) {
	resp, err := c.do(ctx, req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes))
	if err != nil {
		return nil, c.decodeError(req, resp.StatusCode, "reading it failed: "+err.Error(), data)
	}
	var out *T
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, c.decodeError(req, resp.StatusCode, err.Error(), data)
	}
	if out == nil {
		return nil, c.decodeError(req, resp.StatusCode, "it is empty or null", data)
	}
	if v, ok := any(out).(validated); ok {
		if reason := v.violation(); reason != "" {
			return nil, c.decodeError(req, resp.StatusCode, reason, data)
		}
	}
	return out, nil
}

// doNoContent performs req and ignores the body of its 2xx answer.
func (c *Client) doNoContent(ctx context.Context, req request) error {
	resp, err := c.do(ctx, req)
	if err != nil {
		return err
	}
	drain(resp)
	return nil
}

// do performs req, retrying as the retry policy allows (see retry.go). It
// returns the response when it is a 2xx, and otherwise the typed error of
// what the server last said or of the answer that never came.
func (c *Client) do(ctx context.Context, req request) (*http.Response, error) {
	safePath := c.redact(req.path)
	var payload []byte
	if req.body != nil {
		var err error
		if payload, err = json.Marshal(req.body); err != nil {
			return nil, &RequestError{Op: req.method + " " + safePath, Reason: "encoding the request body failed: " + c.redact(err.Error())}
		}
	}
	st := c.newCallState(ctx, req.method, safePath, req.idempotencyKey != "")
	for {
		// Nothing is sent once the caller's context has ended, even when
		// the wait before this attempt ran out at the same moment.
		if ctx.Err() != nil {
			return nil, st.cancelled()
		}
		httpReq, err := c.newHTTPRequest(st.trace(ctx), req, payload)
		if err != nil {
			return nil, &TransportError{Method: req.method, Path: safePath, Attempts: st.attempts, MaxRetries: c.maxRetries,
				Uncertain: st.uncertain, NothingSent: !st.sent, Message: "building the request failed: " + c.redact(err.Error()), cause: err}
		}
		resp, err := c.httpClient.Do(httpReq)
		st.record(resp, err)
		if ctx.Err() != nil {
			st.log(resp, err, 0, false)
			drain(resp)
			return nil, st.cancelled()
		}
		if !st.retry(resp, err) {
			st.log(resp, err, 0, false)
			return c.outcome(st, resp, err)
		}
		wait := st.wait(resp, err)
		st.log(resp, err, wait, true)
		if c.onRetry != nil {
			c.onRetry(st.attempts, wait, resp, err)
		}
		drain(resp)
		if !sleep(ctx, wait) {
			return nil, st.cancelled()
		}
	}
}

// outcome turns the last attempt of a call into its result: the response
// when it is a 2xx, the typed error otherwise.
func (c *Client) outcome(st *callState, resp *http.Response, err error) (*http.Response, error) {
	if err != nil {
		drain(resp)
		return nil, st.transportError("could not reach the Xano API: "+c.redact(err.Error()), err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer resp.Body.Close()
		data, _ := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes))
		return nil, c.apiError(st, resp.StatusCode, data)
	}
	return resp, nil
}

// newHTTPRequest builds one attempt of req, with a fresh body reader.
func (c *Client) newHTTPRequest(ctx context.Context, req request, payload []byte) (*http.Request, error) {
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	r, err := http.NewRequestWithContext(ctx, req.method, c.baseURL+req.path, body)
	if err != nil {
		return nil, err
	}
	r.Header.Set("Authorization", "Bearer "+c.token)
	r.Header.Set("User-Agent", c.userAgent)
	r.Header.Set("Accept", "application/json")
	if payload != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	if req.idempotencyKey != "" {
		r.Header.Set(HeaderIdempotency, req.idempotencyKey)
	}
	return r, nil
}

// transportError builds the error of a call that got no HTTP answer, with
// the facts its attempts established.
func (st *callState) transportError(message string, cause error) *TransportError {
	var ne net.Error
	return &TransportError{
		Method: st.method, Path: st.path, Attempts: st.attempts, MaxRetries: st.c.maxRetries,
		Uncertain: st.uncertain, NothingSent: !st.sent,
		Cancelled: st.ctx.Err() != nil,
		TimedOut:  st.ctx.Err() == nil && errors.As(cause, &ne) && ne.Timeout(),
		Message:   message, cause: cause,
	}
}

// cancelled is the error of a call that the caller's context ended.
func (st *callState) cancelled() *TransportError {
	err := st.ctx.Err()
	return st.transportError("the request was cancelled before the API answered: "+err.Error(), err)
}

// drain reads a little of a response that is not used and closes it, so
// its connection can serve the next request.
func drain(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, drainBytes))
	resp.Body.Close()
}

// sleep waits d, or less when ctx ends first; it reports whether the whole
// wait ran, and never does once ctx has ended.
func sleep(ctx context.Context, d time.Duration) bool {
	if ctx.Err() != nil {
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
