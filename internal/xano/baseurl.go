package xano

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// ConfigProblem names the rule a refused configuration breaks, so a caller
// can say what to do about it; the error's message states the facts only.
type ConfigProblem int

// The rules of ParseBaseURL and New.
const (
	ProblemBaseURLEmpty ConfigProblem = iota + 1
	// ProblemBaseURLNotAbsolute covers a URL that does not parse, or is not
	// an absolute http or https URL with a host.
	ProblemBaseURLNotAbsolute
	ProblemBaseURLCredentials
	ProblemBaseURLQuery
	ProblemTokenEmpty
	ProblemTokenControl
	// ProblemOutOfRange is a number or duration below its minimum.
	ProblemOutOfRange
)

// ConfigError is a base URL or client configuration the client refuses.
type ConfigError struct {
	Problem ConfigProblem
	msg     string
}

func (e *ConfigError) Error() string { return e.msg }

func configError(p ConfigProblem, format string, args ...any) *ConfigError {
	return &ConfigError{Problem: p, msg: fmt.Sprintf(format, args...)}
}

// ParseBaseURL checks that raw can be the root of the Metadata API: an
// absolute http or https URL with a host and no credentials, query or
// fragment. It returns the URL without surrounding white space and trailing
// slashes. The provider's configuration validation and New both use it, so
// they accept and refuse the same URLs. Its errors are *ConfigError and never
// show the URL's user information, however malformed the URL is: a typo in
// the scheme must not print a password in the error or the log.
func ParseBaseURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", configError(ProblemBaseURLEmpty, "the base URL is empty")
	}
	shown := RedactURL(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return "", configError(ProblemBaseURLNotAbsolute, "the base URL %q does not parse", shown)
	}
	if u.Opaque != "" && !strings.Contains(raw, "@") {
		// "https:user:password" forgot the slashes: all after the scheme
		// may be credentials.
		shown = u.Scheme + ":***"
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return "", configError(ProblemBaseURLNotAbsolute, "the base URL %q is not an absolute http or https URL", shown)
	}
	if u.User != nil {
		return "", configError(ProblemBaseURLCredentials, "the base URL %q carries credentials (user information before an @)", shown)
	}
	// An empty query or fragment ("…/api:meta?") would still cut off every
	// path the client appends. The URL is shown as given, so the user sees
	// what to remove, but with each query value and the fragment masked: they
	// may hold a key.
	if strings.ContainsAny(raw, "?#") {
		return "", configError(ProblemBaseURLQuery, "the base URL %q has a query or fragment", maskQuery(raw))
	}
	return strings.TrimRight(raw, "/"), nil
}

// RedactURL renders text meant as a URL so that it can be shown whatever it
// holds: everything up to the last "@" after the scheme (user name and
// password, even in a URL that does not parse) becomes "***", and the query
// and fragment are dropped.
func RedactURL(raw string) string {
	s := strings.TrimSpace(raw)
	if at := strings.LastIndex(s, "@"); at >= 0 {
		start := 0
		if i := strings.Index(s, "//"); i >= 0 && i < at {
			start = i + 2
		}
		s = s[:start] + "***@" + s[at+1:]
	}
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	return s
}

// Cleartext reports whether base, a URL ParseBaseURL accepts, would send the
// access token unencrypted over the network: an http URL whose host is not a
// loopback address (127.0.0.0/8, ::1 or localhost).
func Cleartext(base string) bool {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil || !strings.EqualFold(u.Scheme, "http") {
		return false
	}
	return !loopbackHost(u.Hostname())
}

func loopbackHost(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// maskQuery returns raw with each query value and a non-empty fragment
// replaced by "***", keeping the query's names and separators.
func maskQuery(raw string) string {
	i := strings.IndexAny(raw, "?#")
	if i < 0 {
		return raw
	}
	head, rest := raw[:i], raw[i:]
	var frag string
	if j := strings.Index(rest, "#"); j >= 0 {
		rest, frag = rest[:j], rest[j:]
		if len(frag) > 1 {
			frag = "#***"
		}
	}
	if strings.HasPrefix(rest, "?") {
		pairs := strings.Split(rest[1:], "&")
		for k, p := range pairs {
			if name, _, ok := strings.Cut(p, "="); ok {
				pairs[k] = name + "=***"
			}
		}
		rest = "?" + strings.Join(pairs, "&")
	}
	return head + rest + frag
}
