package xano

import (
	"bytes"
	"strings"
)

// maxExcerpt is how many bytes of an unexpected body an error shows.
const maxExcerpt = 200

// redact replaces the access token and every secret the client has minted
// with "***". Every text the client puts in an error or a log line passes
// through it or through scrub.
func (c *Client) redact(s string) string {
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

// rememberSecret adds a minted secret to what redact masks.
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

// scrub makes server text safe to show: control characters dropped, then
// the client's secrets and anything shaped like a secret masked. The order
// matters: removing control characters afterwards could join the pieces of
// a secret split by one.
func (c *Client) scrub(s string) string { return maskShapes(c.redact(stripControl(s))) }

// knownCodes are the error codes of Xano's documentation and of the token
// contract (ERROR_CODE_CONFLICT): fixed words, shown as they are even when
// masking a short access token would rewrite them.
var knownCodes = map[string]bool{
	CodeInputError: true, CodeUnauthorized: true, CodeAccessDenied: true,
	CodeNotFound: true, CodeTooManyRequests: true, CodeConflict: true, CodeFatal: true,
}

// scrubCode masks an error code for display, unless it is one of Xano's.
func (c *Client) scrubCode(code string) string {
	if knownCodes[code] {
		return code
	}
	return c.scrub(code)
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
