package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// skipHint ends the detail of every error the credentials check raises.
const skipHint = "To plan without reaching the API, set skip_credentials_validation = true in the provider block."

// checkCredentials calls GET /auth/me once, when the provider is configured
// with an access token, so that a wrong token or an unreachable base_url
// fails the plan once, on the provider block, instead of every resource
// failing later. The error names the setting to fix and where its value came
// from.
func checkCredentials(ctx context.Context, client *xano.Client, conn connection, diags *diag.Diagnostics) {
	_, err := client.Me(ctx)
	if err == nil {
		return
	}
	tokenFrom := "The access token comes from " + settingOrigin("access_token", conn.accessTokenSource, conn.credentialsFile) + "."
	urlFrom := fmt.Sprintf("base_url is %s, from %s.", conn.baseURL, settingOrigin("base_url", conn.baseURLSource, conn.credentialsFile))
	answer := "The provider checks the access token when it is configured, and the check failed: " + apiFacts(err) + "."

	var apiErr *xano.APIError
	var decodeErr *xano.DecodeError
	switch {
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusUnauthorized:
		diags.AddAttributeError(path.Root("access_token"), "Xano rejected the access token", strings.Join([]string{
			answer,
			tokenFrom + " Replace it there with a valid Metadata API token: this one is wrong, expired or revoked, " +
				"or belongs to an account that " + conn.baseURL + " does not serve.",
			urlFrom, skipHint,
		}, "\n\n"))
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusForbidden:
		diags.AddAttributeError(path.Root("access_token"), "Xano refused the access token", strings.Join([]string{
			answer,
			tokenFrom + " The token is valid but may not read its account (GET /auth/me): replace it there with a " +
				"Metadata API token of an account that manages the instances.",
			urlFrom, skipHint,
		}, "\n\n"))
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound, errors.As(err, &decodeErr):
		diags.AddAttributeError(path.Root("base_url"), "No Xano Metadata API at base_url", strings.Join([]string{
			answer,
			urlFrom + " GET /auth/me is served by every Xano Metadata API, so this URL is not one. Set base_url to " +
				"the Metadata API root, " + xano.DefaultBaseURL + " for Xano's account API.",
			skipHint,
		}, "\n\n"))
	case errors.As(err, &apiErr):
		diags.AddError("Cannot check the Xano access token", strings.Join([]string{
			answer,
			"Try again later; if this persists, check base_url. " + urlFrom,
			skipHint,
		}, "\n\n"))
	default:
		diags.AddAttributeError(path.Root("base_url"), "Cannot reach the Xano API", strings.Join([]string{
			answer,
			urlFrom + " Check that it is the Metadata API root, such as " + xano.DefaultBaseURL +
				", and that this machine can reach it.",
			skipHint,
		}, "\n\n"))
	}
}

// settingOrigin names, in a diagnostic, where the value of a provider
// setting came from, so the user knows where to fix it.
func settingOrigin(attr, source, credentialsFile string) string {
	switch {
	case source == "argument":
		return "the " + attr + " argument of the provider block"
	case strings.HasPrefix(source, "XANO_"):
		return "the " + source + " environment variable"
	case strings.HasPrefix(source, "profile "):
		file := credentialsFile
		if file == "" {
			file = defaultCredentialsPath
		}
		return fmt.Sprintf("profile %q of the Xano CLI credentials file %s", strings.TrimPrefix(source, "profile "), file)
	case source == "default":
		return "the provider's default"
	}
	return "the provider configuration"
}

// apiFacts states what the API answered, or why it did not: the client's
// errors state facts only, so the diagnostics that quote them give the
// advice, each piece once.
func apiFacts(err error) string { return strings.TrimSuffix(err.Error(), ".") }

// apiAdvice is what to do about a client error that no diagnostic of its own
// explains, "" when the facts speak for themselves.
func apiAdvice(err error) string {
	var unconfirmed *xano.UnconfirmedGoneError
	var decodeErr *xano.DecodeError
	var transportErr *xano.TransportError
	var apiErr *xano.APIError
	switch {
	case errors.As(err, &unconfirmed) && unconfirmed.NotXano:
		return "Terraform keeps the token, since a proxy or a wrong URL answers 404 too: check that base_url points at the Xano Metadata API."
	case errors.As(err, &unconfirmed) && unconfirmed.ListErr != nil:
		return "Terraform keeps the token: check that base_url points at the Xano Metadata API and that the instance exists."
	case errors.As(err, &unconfirmed):
		return "Terraform keeps the token; try again."
	case errors.As(err, &decodeErr):
		return "Check that base_url points at the Xano Metadata API (e.g. " + xano.DefaultBaseURL + ")."
	case errors.As(err, &transportErr) && transportErr.Cancelled:
		return ""
	case errors.As(err, &transportErr) && transportErr.TimedOut:
		return "The API did not answer within request_timeout; check base_url and the network, or raise request_timeout."
	case errors.As(err, &transportErr):
		return "Check base_url and the network, then try again."
	case errors.As(err, &apiErr) && apiErr.StatusCode >= 500:
		return "The Xano API or a proxy in front of it failed; try again later, and check base_url if it persists."
	}
	return ""
}
