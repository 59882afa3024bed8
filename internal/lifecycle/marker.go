package lifecycle

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// Xano has no field for a token's purpose or an ephemeral token's lease, so
// both live as markers at the end of its description, where the audit can
// also read them on tokens made by hand.

var (
	purposeMarkerRe = regexp.MustCompile(`(?i)(^|\s)\[purpose:\s*([a-z_-]+)\s*\]$`)
	leaseMarkerRe   = regexp.MustCompile(`\[xano_metadata_token ephemeral lease until (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\]$`)
	mintedNameRe    = regexp.MustCompile(`-[0-9a-f]{8}$`)
)

// WithPurpose is the description sent to Xano: the configured one, then the
// purpose marker when a purpose is set.
func WithPurpose(description, purpose string) string {
	marker := "[purpose: " + purpose + "]"
	switch {
	case purpose == "":
		return description
	case description == "":
		return marker
	}
	return description + " " + marker
}

// SplitPurpose separates a description read from Xano into what the user
// wrote and the purpose its marker records. A marker naming no recipe stays
// in the description; a lease marker after the purpose marker stays in rest.
func SplitPurpose(description string) (rest, purpose string) {
	body, lease := description, ""
	if loc := leaseMarkerRe.FindStringIndex(description); loc != nil {
		body, lease = strings.TrimRight(description[:loc[0]], " "), description[loc[0]:]
	}
	m := purposeMarkerRe.FindStringSubmatchIndex(body)
	if m == nil {
		return description, ""
	}
	name := strings.ReplaceAll(strings.ToLower(body[m[4]:m[5]]), "-", "_")
	if _, err := scopes.LookupPreset(name); err != nil {
		return description, ""
	}
	rest = body[:m[2]]
	if lease != "" {
		rest = strings.TrimSpace(rest + " " + lease)
	}
	return rest, name
}

// PurposeMarkerIn returns the purpose marker a description ends with, "" if none.
func PurposeMarkerIn(description string) string {
	return strings.TrimSpace(purposeMarkerRe.FindString(description))
}

// WithLease appends an ephemeral token's lease marker to a description.
func WithLease(description string, until time.Time) string {
	marker := fmt.Sprintf("[xano_metadata_token ephemeral lease until %s]", until.UTC().Format(time.RFC3339))
	if description == "" {
		return marker
	}
	return description + " " + marker
}

// LeaseMarkerIn returns the ephemeral lease marker a description ends with,
// "" if none.
func LeaseMarkerIn(description string) string {
	return leaseMarkerRe.FindString(description)
}

// LeaseOf returns the end of a token's lease, and false for a token that is
// not an ephemeral one of this provider (both the marker and the random name
// suffix are needed).
func LeaseOf(t xano.Token) (time.Time, bool) {
	m := leaseMarkerRe.FindStringSubmatch(t.Description)
	if m == nil || !mintedNameRe.MatchString(t.Name) {
		return time.Time{}, false
	}
	until, err := time.Parse(time.RFC3339, m[1])
	return until, err == nil
}
