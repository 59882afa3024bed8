package xano

import (
	"fmt"
	"strings"
	"time"
)

// ParseTime parses a Metadata API timestamp ("2026-11-22 11:31:20+0000",
// TimeLayout) and also accepts RFC 3339, which some proxies and the
// emulator's callers may produce.
func ParseTime(s string) (time.Time, error) {
	v := strings.TrimSpace(s)
	if t, err := time.Parse(TimeLayout, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("invalid timestamp %q: expected the Xano format %q (e.g. \"2026-11-22 11:31:20+0000\") or RFC 3339", s, TimeLayout)
}

// FormatTime renders t as the Metadata API writes timestamps: in UTC with
// TimeLayout, e.g. "2026-11-22 11:31:20+0000".
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }
