package xano

import (
	"bytes"
	"regexp"
)

// secretShapes match credentials the client cannot know by value: a secret
// minted by another call or another process ("xano_mt_" followed by its hex
// digits, as the emulator mints them), a JWT or JWE such as Xano's own
// access tokens, and a bearer credential.
var secretShapes = []*regexp.Regexp{
	regexp.MustCompile(`xano_mt_[A-Za-z0-9_-]+`),
	regexp.MustCompile(`\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_.-]+`),
	regexp.MustCompile(`(?i)\b(bearer\s+)[^\s"',;}\]]+`),
}

// secretFields match the value of a field whose name ends in "token" or
// "secret", in any letter case ("token", "Token", "ACCESS_TOKEN",
// "refreshToken"), in JSON, in a form body or in any other "key: value" or
// "key=value" text, even when the excerpt is cut inside the value. A key
// such as "tokens" or a value such as "token" is not a match.
var secretFields = []struct {
	re   *regexp.Regexp
	repl string
}{
	// A double-quoted value, with escaped quotes inside.
	{regexp.MustCompile(`(?i)(\b[\w-]*(?:token|secret)["']?\s*[:=]\s*")(?:[^"\\]|\\.)*("?)`), `${1}***${2}`},
	// A single-quoted value.
	{regexp.MustCompile(`(?i)(\b[\w-]*(?:token|secret)["']?\s*[:=]\s*')[^']*('?)`), `${1}***${2}`},
	// A bare value, up to the next separator.
	{regexp.MustCompile(`(?i)(\b[\w-]*(?:token|secret)["']?\s*[:=]\s*)[^\s"'&,;}\]<>][^\s"'&,;}\]<>]*`), `${1}***`},
}

// maskShapes replaces everything shaped like a secret with "***".
func maskShapes(s string) string {
	for _, re := range secretShapes {
		if re.NumSubexp() > 0 {
			s = re.ReplaceAllString(s, "${1}***")
			continue
		}
		s = re.ReplaceAllString(s, "***")
	}
	return s
}

// maskFields replaces the value of every token or secret field with "***".
func maskFields(s string) string {
	for _, f := range secretFields {
		s = f.re.ReplaceAllString(s, f.repl)
	}
	return s
}

// jsonGuards are prefixes some servers put before a JSON body: a byte order
// mark, and the ")]}'" line that guards JSON against cross-site inclusion.
var (
	utf8BOM   = []byte("\ufeff")
	xssiGuard = []byte(")]}'")
)

// trimJSONPrefix returns body without a leading byte order mark, ")]}'"
// guard (with its optional comma) and white space, so that the JSON behind
// them can be recognised.
func trimJSONPrefix(body []byte) []byte {
	b := bytes.TrimLeft(bytes.TrimPrefix(body, utf8BOM), " \t\r\n")
	if rest, ok := bytes.CutPrefix(b, xssiGuard); ok {
		b = bytes.TrimLeft(bytes.TrimPrefix(rest, []byte(",")), " \t\r\n")
	}
	return b
}
