package provider

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/lifecycle"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// Environment variables and the file that Xano's own CLI uses, so a
// developer logged in with the CLI needs no extra provider configuration.
const (
	envBaseURL     = "XANO_BASE_URL"
	envAccessToken = "XANO_ACCESS_TOKEN"
	envInstance    = "XANO_INSTANCE"
	envProfile     = "XANO_PROFILE"
	envConfig      = "XANO_CONFIG"

	// defaultCredentialsPath is how diagnostics name the file; the real path
	// is resolved against the user's home directory.
	defaultCredentialsPath = "~/.xano/credentials.yaml"
	defaultProfileName     = "default"
)

// Every sentence a Terraform user reads about the API, the connection and
// the credentials is written here, so no advice is given twice and the
// others only choose which to give. The xano package's errors state facts
// (status, code, attempts, whether the outcome is uncertain, whether
// anything was sent); a diagnostic says what failed, then what to do, and
// ends with the facts: "API answer: <the client's error>".

// skipHint ends the detail of every error a plan-time check raises.
const skipHint = "To plan without reaching the API, set skip_credentials_validation = true in the provider block."

// catalogAdvice follows an API answer whose scopes the catalog cannot read.
const catalogAdvice = "The provider's scope catalog may be out of date: upgrade the provider, or report the answer if it persists."

// apiFacts states what the API answered, or why it did not.
func apiFacts(err error) string { return strings.TrimSuffix(err.Error(), ".") }

// withAnswer joins the paragraphs of a detail, leaving out empty ones, and
// ends it with the API's answer.
func withAnswer(err error, paragraphs ...string) string {
	out := make([]string, 0, len(paragraphs)+1)
	for _, p := range paragraphs {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(append(out, "API answer: "+apiFacts(err)+"."), "\n\n")
}

// apiAdvice is what to do about a client error that no diagnostic of its own
// explains, "" when nothing can be done about it.
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
	case xano.IsRateLimited(err):
		return rateLimitAdvice(err)
	case errors.As(err, &apiErr) && serverFailed(apiErr):
		return "The Xano API or a proxy in front of it failed; try again later, and check base_url if it persists."
	}
	return ""
}

// serverFailed reports an answer of kind server error, also when a create
// that got it may have committed (kind outcome unknown): the advice on the
// server holds either way.
func serverFailed(apiErr *xano.APIError) bool {
	plain := *apiErr
	plain.Uncertain = false
	return xano.KindOf(&plain) == xano.KindServerError
}

// rateLimitAdvice says, once the retries of a 429 ran out, how many
// attempts were made, the wait the server last asked for and the
// max_retries in force, so the user knows how long to wait or what to raise.
func rateLimitAdvice(err error) string {
	var apiErr *xano.APIError
	if !errors.As(err, &apiErr) {
		return "Wait a minute and apply again, or raise max_retries in the provider block."
	}
	facts := fmt.Sprintf("Xano still answered 429 after %d attempt(s)", max(apiErr.Attempts, 1))
	wait := "Wait a minute"
	if apiErr.RetryAfter > 0 {
		facts += fmt.Sprintf(" and last asked to wait %s (Retry-After)", apiErr.RetryAfter)
		wait = "Wait at least " + apiErr.RetryAfter.String()
	}
	if apiErr.MaxRetries >= maxMaxRetries {
		return fmt.Sprintf("%s. %s and apply again; max_retries is already %d, its maximum, so also lower the request "+
			"rate, for example with terraform apply -parallelism=1.", facts, wait, apiErr.MaxRetries)
	}
	return fmt.Sprintf("%s. %s and apply again, or raise max_retries in the provider block (now %d, at most %d).",
		facts, wait, apiErr.MaxRetries, maxMaxRetries)
}

// outcomeNote says what a failed request did on the server, when the facts
// tell: nothing at all, or perhaps everything.
func outcomeNote(err error) string {
	switch {
	case xano.NothingSent(err):
		// Saying so spares the user a search for a token that cannot exist.
		return "No attempt reached the Xano API (each one failed before a connection was made), so the request " +
			"was not carried out: nothing was created, changed or revoked."
	case xano.MayHaveCommitted(err):
		// Without this an orphaned token would go unnoticed.
		return "The API may have carried out the request before the failure. If this was a create, a token may " +
			"exist that Terraform does not know: list the instance's tokens with the xano_metadata_tokens data source " +
			"and revoke any you do not recognise (or import it)."
	}
	return ""
}

// tokenAPIError turns a client error into one diagnostic saying what failed
// and what to do. The client redacts secrets from its errors.
func tokenAPIError(diags *diag.Diagnostics, action string, err error) {
	tokenAPIErrorNote(diags, action, err, outcomeNote(err))
}

// tokenAPIErrorNote is tokenAPIError with the caller's words on what the
// failed request did on the server, for a caller that has made sure of it.
func tokenAPIErrorNote(diags *diag.Diagnostics, action string, err error, note string) {
	switch {
	case xano.IsLimitReached(err):
		diags.AddError("Xano token limit reached", withAnswer(err,
			fmt.Sprintf("Could not %s: the instance already holds the %d active tokens Xano allows. %s",
				action, xano.MaxActiveTokens, freeTokensAdvice("")), note))
	case xano.IsUnauthorized(err):
		diags.AddError("Xano rejected the access token", withAnswer(err,
			fmt.Sprintf("Could not %s: the access token is missing, wrong, expired or revoked. Set a valid one in the "+
				"provider's access_token, %s or the Xano CLI profile.", action, envAccessToken), note))
	case xano.IsForbidden(err):
		diags.AddError("The access token lacks the rights for this", withAnswer(err,
			fmt.Sprintf("Could not %s: the access token is valid but may not manage the tokens of this instance; use a "+
				"token of an account that administers it.", action), note))
	case xano.IsNoTokenAPI(err):
		diags.AddError("Xano publishes no token endpoints", withAnswer(err,
			fmt.Sprintf("Could not %s. %s %s", action, noTokenAPIFacts(err), noTokenAPIAdvice), note))
	case isPlainNotFound(err):
		advice := "Check the instance name and base_url."
		if xano.AboutOneToken(err) {
			advice += " A token deleted outside Terraform is noticed by the next plan, which drops it from state and plans a new one."
		}
		diags.AddError("Not found in Xano", withAnswer(err, fmt.Sprintf("Could not %s. %s", action, advice), note))
	case xano.IsRateLimited(err):
		diags.AddError("Xano rate limit", withAnswer(err,
			fmt.Sprintf("Could not %s: the Metadata API kept asking for fewer requests. %s", action, rateLimitAdvice(err)), note))
	default:
		lead := fmt.Sprintf("Could not %s.", action)
		if advice := apiAdvice(err); advice != "" {
			lead += " " + advice
		}
		diags.AddError("Xano API error", withAnswer(err, lead, note))
	}
}

// apiContractPage is where the provider's documentation describes the token
// endpoints it speaks.
const apiContractPage = "docs/guides/api-contract.md"

// noTokenAPIFacts says why a token call answered 404 on an instance the
// account confirms (kind no token API): what Xano publishes, and what this
// provider speaks instead.
func noTokenAPIFacts(err error) string {
	instance := "the instance"
	var e *xano.NoTokenAPIError
	if errors.As(err, &e) {
		instance = fmt.Sprintf("instance %q", e.Instance)
	}
	return fmt.Sprintf("The account's Metadata API confirms that %s exists, but its token endpoints answer 404: Xano "+
		"publishes no token-management endpoints for this instance's account API, which documents only GET /auth/me, "+
		"GET /instance and GET /instance/{name}. This provider speaks the token contract on the API contract page (%s), "+
		"which xano-emulator implements.", instance, apiContractPage)
}

// noTokenAPIAdvice is what to do about a missing token API.
const noTokenAPIAdvice = "To mint, revoke or list tokens with Terraform, point base_url at a server that implements " +
	"that contract, such as xano-emulator; until then, manage this instance's tokens in the Xano dashboard. The " +
	"plan-time review, the scope catalog and presets and the instance checks need no token endpoints."

// isPlainNotFound reports a 404 returned as it came from the API. A 404 that
// ConfirmTokenGone could not confirm gets apiAdvice's words on why the
// token is kept.
func isPlainNotFound(err error) bool {
	var apiErr *xano.APIError
	return errors.As(err, &apiErr) && err == error(apiErr) && xano.KindOf(err) == xano.KindNotFound
}

// instancesAPIError reports a failed read of the master Metadata API's
// instance endpoints, where a 403 and a 404 mean something of their own.
func instancesAPIError(diags *diag.Diagnostics, action string, err error) {
	var apiErr *xano.APIError
	switch {
	case errors.As(err, &apiErr) && err == error(apiErr) && xano.KindOf(err) == xano.KindForbidden:
		diags.AddError("The access token may not list instances", withAnswer(err, fmt.Sprintf(
			"Could not %s: the Metadata API answered 403. Use an access token of the account, not one limited to "+
				"an instance.", action)))
	case errors.As(err, &apiErr) && err == error(apiErr) && xano.KindOf(err) == xano.KindNotFound && apiErr.Path == xano.PathInstances:
		diags.AddError("No instance list at base_url", withAnswer(err, fmt.Sprintf(
			"Could not %s: the API at base_url has no GET /instance, which Xano's account Metadata API (%s) serves. "+
				"base_url may be an instance's own Metadata API, as a Xano CLI profile's instance_origin gives: set "+
				"base_url to %s.", action, xano.DefaultBaseURL, xano.DefaultBaseURL)))
	default:
		tokenAPIError(diags, action, err)
	}
}

// unexpectedToken is the error for a token the API returned that the
// provider cannot read: its times or its scopes. lead names the token and
// what was being done; consequence says what happens to it now.
func unexpectedToken(lead string, err error, consequence string) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Unexpected token from the Xano API",
		strings.TrimSpace(fmt.Sprintf("%s: %s. %s", lead, strings.TrimSuffix(err.Error(), "."), consequence)))
}

// unexpectedScopes is the error for scopes of a token that the catalog does
// not know.
func unexpectedScopes(id int64, err error) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("scope"), "Unexpected scopes from the Xano API",
		fmt.Sprintf("Token %d: %s. %s", id, strings.TrimSuffix(err.Error(), "."), catalogAdvice))
}

// instanceCheckError is the error of the plan-time instance check when the
// account's instances cannot be read.
func instanceCheckError(attr path.Path, name string, origin instanceOrigin, err error) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(attr, "Cannot check the Xano instance", withAnswer(err,
		fmt.Sprintf("The provider reads the account's instances to check instance %q (%s) before anything is created, "+
			"and that failed. %s", name, origin.text, cmp.Or(apiAdvice(err), "Try again.")),
		skipHint))
}

// freeTokensAdvice is what to do about Xano's token limit; more is a last
// way to stay under it, "" for none.
func freeTokensAdvice(more string) string {
	return "Free tokens before applying again: the xano_metadata_tokens data source lists every token of the " +
		"instance, to find unused ones; delete them in the Xano dashboard, destroy a managed one with " +
		"`terraform destroy -target=<address>`, or let one expire" + more + "."
}

// tokenLimitCheckError is the error of the plan-time token-limit check when
// the instance's tokens cannot be listed.
func tokenLimitCheckError(instance string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Cannot check the Xano token limit", withAnswer(err,
		fmt.Sprintf("The provider lists the tokens of instance %q to check, before anything is created, that this plan "+
			"stays within Xano's limit of %d active tokens per instance, and that failed. %s",
			instance, xano.MaxActiveTokens, cmp.Or(apiAdvice(err), "Try again.")),
		skipHint))
}

// tokenLimitNotChecked is the plan-time warning, once per instance, when the
// token limit cannot be checked because the API serves no token endpoints:
// the review still stands, so the plan does not fail. The summary names the
// instance, since Terraform folds warnings whose summaries are the same.
func tokenLimitNotChecked(instance string, err error) diag.Diagnostic {
	return diag.NewWarningDiagnostic(fmt.Sprintf("Xano token limit not checked on instance %q", instance), withAnswer(err,
		fmt.Sprintf("The %d-token limit was not checked: the provider counts the active tokens of instance %q from "+
			"their list, and no such list is served. %s", xano.MaxActiveTokens, instance, noTokenAPIFacts(err)),
		"The review of this plan stands; an apply that creates tokens there fails. "+noTokenAPIAdvice))
}

// overTokenLimit is the plan-time error for a token whose creation would
// take its instance past Xano's limit: it holds active tokens now, the plan
// creates creates there, freed of them after revoking what they replace.
func overTokenLimit(subject, instance string, total, active, creates, freed int) diag.Diagnostic {
	after := ""
	if freed > 0 {
		after = fmt.Sprintf(", %d of them after revoking the token they replace", freed)
	}
	return diag.NewErrorDiagnostic(subject+": over Xano's token limit", fmt.Sprintf(
		"Instance %q would hold %d active tokens, over Xano's limit of %d per instance: it has %d now, and this plan "+
			"creates at least %d there%s. Nothing has been created.\n\n%s",
		instance, total, xano.MaxActiveTokens, active, creates, after, freeTokensAdvice(", or create fewer tokens in this plan")))
}

// overTokenLimitUnlessReplaced is overTokenLimit's warning for a create that
// may replace an active token of the same name, as the replacement of a
// tainted resource does: the apply revokes that token first, unless the
// resource has create_before_destroy or the token belongs to something else.
func overTokenLimitUnlessReplaced(subject, instance string, total, active, creates int, same []int64) diag.Diagnostic {
	ids := make([]string, len(same))
	for i, id := range same {
		ids[i] = strconv.FormatInt(id, 10)
	}
	return diag.NewWarningDiagnostic(subject+": at Xano's token limit unless it replaces a token", fmt.Sprintf(
		"Instance %q would hold %d active tokens, over Xano's limit of %d per instance: it has %d now, and this plan "+
			"creates at least %d there. It already holds a token of the same name (id %s). When this plan replaces that "+
			"token (a tainted resource, for example, which Terraform replaces without saying so to the provider) without "+
			"create_before_destroy, the apply revokes it first and stays within the limit. Otherwise the apply fails with "+
			"Xano's limit error.\n\n%s",
		instance, total, xano.MaxActiveTokens, active, creates, strings.Join(ids, ", "), freeTokensAdvice(", or create fewer tokens in this plan")))
}

// instanceNotFoundDetail explains that the account has no instance called
// name, suggesting the one most likely meant and listing a few.
func instanceNotFoundDetail(name, origin, attr string, list []xano.Instance) string {
	var b strings.Builder
	sug := xano.SuggestInstance(list, name)
	switch {
	case sug.Instance.Name != "" && sug.ByDisplay && strings.EqualFold(strings.TrimSpace(sug.Instance.Display), strings.TrimSpace(name)):
		fmt.Fprintf(&b, "%q (%s) is the display name of instance %q, not its name. Set %s = %q: "+
			"the API knows instances by name.", name, origin, sug.Instance.Name, attr, sug.Instance.Name)
	case sug.Instance.Name != "":
		fmt.Fprintf(&b, "The account has no instance %q (%s). Did you mean %s?", name, origin, describeInstance(sug.Instance))
	default:
		fmt.Fprintf(&b, "The account has no instance %q (%s).", name, origin)
	}
	if len(list) > 0 {
		const shown = 10
		items := make([]string, 0, shown)
		for i, in := range list {
			if i == shown {
				items = append(items, fmt.Sprintf("and %d more", len(list)-shown))
				break
			}
			items = append(items, describeInstance(in))
		}
		fmt.Fprintf(&b, " Its instances: %s.", strings.Join(items, ", "))
	}
	b.WriteString(" The xano_instances data source lists them with their Metadata API URLs.")
	return b.String()
}

// describeInstance names an instance with its display name when that says
// more than the name.
func describeInstance(in xano.Instance) string {
	if in.Display != "" && in.Display != in.Name {
		return fmt.Sprintf("%q (%s)", in.Name, in.Display)
	}
	return fmt.Sprintf("%q", in.Name)
}

// missingInstance is the error of a resource or data source (kind) that
// needs an instance when neither it nor the provider sets one.
func missingInstance(diags *diag.Diagnostics, kind string) {
	diags.AddAttributeError(path.Root("instance"), "Missing Xano instance", fmt.Sprintf(
		"The %s needs a Xano instance and neither it nor the provider sets one. Set instance on the %s, "+
			"or instance in the provider block (or the %s environment variable).", kind, kind, envInstance))
}

// addUnknownError is the error for a provider setting unknown at plan time.
func addUnknownError(diags *diag.Diagnostics, p path.Path, summary, hint string) {
	diags.AddAttributeError(p, summary, fmt.Sprintf(
		"The provider cannot create the Xano API client because %s is unknown until apply. "+
			"Set it to a value known at plan time, such as a literal or a variable%s, "+
			"or remove it to use the default.", p, hint))
}

// capitalize starts a diagnostic detail with a capital letter, as the error
// strings it wraps start in lower case by Go convention.
func capitalize(s string) string {
	s = strings.TrimSuffix(s, ".")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// instanceOrigin says where an instance name came from, for diagnostics.
type instanceOrigin struct {
	// fromProvider is set when the name is the provider's default instance.
	fromProvider bool
	text         string
}

// unmanagedSameName is the warning of a plan that creates a token on an
// instance that already holds an active token of that name no resource
// records: often the token of a create whose answer was lost when Terraform
// was killed. It says how to adopt it, or revoke it.
func unmanagedSameName(sub policy.Subject, instance string, t lifecycle.Listed) diag.Diagnostic {
	created := "at an unknown time"
	if !t.CreatedAt.IsZero() {
		created = "at " + t.CreatedAt.UTC().Format(time.RFC3339)
	}
	id := fmt.Sprintf("%s/%d", instance, t.ID)
	return diag.NewWarningDiagnostic(fmt.Sprintf("%s: instance %q already holds token %d of that name", sub, instance, t.ID),
		fmt.Sprintf("Instance %q holds active token %d, named %q and created %s, which no resource of this plan records. "+
			"It may be the token of an earlier create whose answer was lost, when Terraform was killed or the network "+
			"failed during an apply. This plan creates another token of that name.\n\n"+
			"To adopt token %d instead, add an import block with this resource's address before applying, and plan again:\n\n"+
			"  import {\n    to = <this resource's address>\n    id = %q\n  }\n\n"+
			"Once an apply has created the new token, that address is taken (terraform import of it fails with \"Resource "+
			"already managed\"): import token %d into a scratch resource under another name instead (see the "+
			"xano_metadata_token page), then destroy that resource to revoke it, or revoke token %d in the Xano dashboard. "+
			"If this resource was tainted, token %d may be the token it replaces: nothing needs doing then.",
			instance, t.ID, t.Name, created, t.ID, id, t.ID, t.ID, t.ID))
}

// maxMaxRetries bounds max_retries. Defaults come from xano and policy, as
// provider schemas cannot carry them: Configure applies them and the schema
// descriptions quote them.
const maxMaxRetries = 10
