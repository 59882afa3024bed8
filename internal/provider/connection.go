package provider

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xanocli"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// connectionInput holds the connection arguments of the provider block, ""
// where unset.
type connectionInput struct {
	baseURL, accessToken, instance, profile string
	// insecureHTTP allows an http base_url to a host that is not loopback.
	insecureHTTP bool
}

// connection is where the provider will connect, and with which token.
type connection struct {
	baseURL, accessToken, instance string
	// Sources say where each setting came from ("argument", an environment
	// variable's name, "profile <name>" or "default"), for diagnostics and
	// debug logs; credentialsFile is the file a profile was read from.
	baseURLSource, accessTokenSource, instanceSource string
	credentialsFile                                  string
	// missingToken is the error to report, where the API is needed, when no
	// access token was found; nil when one was.
	missingToken diag.Diagnostic
}

// resolveConnection applies the documented precedence to each setting:
// provider argument, then environment variable, then the CLI profile. It
// loads what each place holds, merges it and validates the result. A missing
// token is not added to diags but returned in missingToken: only what needs
// the API fails without one.
func resolveConnection(in connectionInput, env environment, diags *diag.Diagnostics) connection {
	set := loadSettings(in, env)
	prof, ok := loadProfile(set, env, diags)
	if !ok {
		return connection{}
	}
	conn := mergeConnection(set, prof)
	validateConnection(&conn, prof.note, in.insecureHTTP, diags)
	return conn
}

// setting is one connection setting and where it came from: "argument", an
// environment variable's name, "profile <name>" or "default".
type setting struct{ value, source string }

// settings are the connection settings the provider block and the
// environment give, before the credentials file is read.
type settings struct{ baseURL, accessToken, instance, profile setting }

// loadSettings takes each setting from its argument, else its environment
// variable.
func loadSettings(in connectionInput, env environment) settings {
	pick := func(arg, envName string) setting {
		if v := strings.TrimSpace(arg); v != "" {
			return setting{v, "argument"}
		}
		if v := strings.TrimSpace(env.getenv(envName)); v != "" {
			return setting{v, envName}
		}
		return setting{}
	}
	return settings{
		baseURL:     pick(in.baseURL, envBaseURL),
		accessToken: pick(in.accessToken, envAccessToken),
		instance:    pick(in.instance, envInstance),
		profile:     pick(in.profile, envProfile),
	}
}

// loadedProfile is what the credentials file gave: the profile, when one was
// read, and otherwise a note on why not, for the missing-token error.
type loadedProfile struct {
	name, file string
	profile    *xanocli.Profile
	note       string
}

// loadProfile reads the credentials file when no token was given, or when a
// profile is chosen explicitly. ok is false when it added an error: a chosen
// profile that cannot be found, or a file that cannot be read.
func loadProfile(set settings, env environment, diags *diag.Diagnostics) (loadedProfile, bool) {
	explicit := set.profile.value != ""
	if set.accessToken.value != "" && !explicit {
		return loadedProfile{}, true
	}
	file := xanocli.Path(env.getenv, env.homeDir)
	if file == "" {
		if explicit {
			diags.Append(profileWithoutFile(set.profile))
			return loadedProfile{}, false
		}
		return loadedProfile{note: "No home directory was found to look for " + defaultCredentialsPath + "."}, true
	}
	f, err := xanocli.Load(file)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if explicit {
			diags.Append(profileFileMissing(set.profile, file))
			return loadedProfile{}, false
		}
		return loadedProfile{note: fmt.Sprintf("The credentials file %s does not exist.", file)}, true
	case err != nil:
		diags.Append(credentialsUnreadable(file, err))
		return loadedProfile{}, false
	}
	name := cmp.Or(set.profile.value, f.Default, defaultProfileName)
	prof, found := f.Profile(name)
	if !found {
		available := "it has no profiles"
		if names := f.ProfileNames(); len(names) > 0 {
			available = "available profiles: " + strings.Join(quoteAll(names), ", ")
		}
		if explicit || f.Default != "" {
			diags.Append(profileNotFound(set.profile, name, file, available))
			return loadedProfile{}, false
		}
		return loadedProfile{note: fmt.Sprintf("The credentials file %s has no %q profile; %s.", file, name, available)}, true
	}
	out := loadedProfile{name: name, file: file, profile: &prof}
	if set.accessToken.value == "" && prof.AccessToken == "" {
		out.note = fmt.Sprintf("Profile %q of %s has no access_token.", name, file)
	}
	return out, true
}

// mergeConnection fills what the arguments and environment left unset from
// the profile, and base_url from the default last.
func mergeConnection(set settings, prof loadedProfile) connection {
	out := connection{
		baseURL: set.baseURL.value, baseURLSource: set.baseURL.source,
		accessToken: set.accessToken.value, accessTokenSource: set.accessToken.source,
		instance: set.instance.value, instanceSource: set.instance.source,
	}
	if p := prof.profile; p != nil {
		from := "profile " + prof.name
		out.credentialsFile = prof.file
		if out.accessToken == "" {
			out.accessToken, out.accessTokenSource = p.AccessToken, from
		}
		if u := p.MetaBaseURL(); out.baseURL == "" && u != "" {
			out.baseURL, out.baseURLSource = u, from
		}
		if out.instance == "" && p.Instance != "" {
			out.instance, out.instanceSource = p.Instance, from
		}
	}
	if out.baseURL == "" {
		out.baseURL, out.baseURLSource = xano.DefaultBaseURL, "default"
	}
	return out
}

// validateConnection checks the merged settings: a base_url that did not go
// through schema validation (from the environment or a profile) is an error;
// a missing token is recorded in missingToken, with note saying what the
// credentials file gave. An http base_url to a host that is not loopback is
// an error, or a warning with insecureHTTP, wherever it came from: the
// attribute's validator cannot see insecure_http or the other origins.
func validateConnection(conn *connection, note string, insecureHTTP bool, diags *diag.Diagnostics) {
	if _, err := xano.ParseBaseURL(conn.baseURL); err != nil {
		diags.Append(invalidBaseURL(settingOrigin("base_url", conn.baseURLSource, conn.credentialsFile), err))
		return
	}
	if xano.Cleartext(conn.baseURL) {
		diags.Append(cleartextBaseURL(*conn, insecureHTTP))
		if !insecureHTTP {
			return
		}
	}
	if conn.accessToken == "" {
		conn.missingToken = missingTokenError(note)
	}
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// environment is where the provider reads environment variables and the home
// directory; tests substitute it so they need not touch the process state.
type environment struct {
	getenv  func(string) string
	homeDir func() (string, error)
}

func osEnvironment() environment {
	return environment{getenv: os.Getenv, homeDir: os.UserHomeDir}
}

// credentialsCheckError is the error of the credentials check (GET /auth/me
// at Configure), on the setting to fix, saying where its value came from.
func credentialsCheckError(conn connection, err error) diag.Diagnostic {
	tokenFrom := "The access token comes from " + settingOrigin("access_token", conn.accessTokenSource, conn.credentialsFile) + "."
	urlFrom := fmt.Sprintf("base_url is %s, from %s.", conn.baseURL, settingOrigin("base_url", conn.baseURLSource, conn.credentialsFile))
	const lead = "The provider checks the access token when it is configured, and the check failed."

	var apiErr *xano.APIError
	var decodeErr *xano.DecodeError
	switch {
	case xano.KindOf(err) == xano.KindUnauthorized:
		return diag.NewAttributeErrorDiagnostic(path.Root("access_token"), "Xano rejected the access token", withAnswer(err,
			lead,
			tokenFrom+" Replace it there with a valid Metadata API token: this one is wrong, expired or revoked, "+
				"or belongs to an account that "+conn.baseURL+" does not serve.",
			urlFrom, skipHint))
	case xano.KindOf(err) == xano.KindForbidden:
		return diag.NewAttributeErrorDiagnostic(path.Root("access_token"), "Xano refused the access token", withAnswer(err,
			lead,
			tokenFrom+" The token is valid but may not read its account (GET /auth/me): replace it there with a "+
				"Metadata API token of an account that manages the instances.",
			urlFrom, skipHint))
	case xano.KindOf(err) == xano.KindNotFound, errors.As(err, &decodeErr):
		return diag.NewAttributeErrorDiagnostic(path.Root("base_url"), "No Xano Metadata API at base_url", withAnswer(err,
			lead,
			urlFrom+" GET /auth/me is served by every Xano Metadata API, so this URL is not one. Set base_url to "+
				"the Metadata API root, "+xano.DefaultBaseURL+" for Xano's account API.",
			skipHint))
	case errors.As(err, &apiErr):
		return diag.NewErrorDiagnostic("Cannot check the Xano access token", withAnswer(err,
			lead,
			"Try again later; if this persists, check base_url. "+urlFrom,
			skipHint))
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("base_url"), "Cannot reach the Xano API", withAnswer(err,
		lead,
		urlFrom+" Check that it is the Metadata API root, such as "+xano.DefaultBaseURL+
			", and that this machine can reach it.",
		skipHint))
}

// settingOrigin names, in a diagnostic, where the value of a provider
// setting came from, so the user knows where to fix it. source is
// "argument", an environment variable's name, "profile <name>" or
// "default"; credentialsFile is the file a profile was read from.
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

// configAdvice is what to do about a configuration the client refuses.
func configAdvice(err error) string {
	var ce *xano.ConfigError
	if !errors.As(err, &ce) {
		return ""
	}
	switch ce.Problem {
	case xano.ProblemBaseURLEmpty:
		return fmt.Sprintf("Set base_url or %s (for Xano: %s).", envBaseURL, xano.DefaultBaseURL)
	case xano.ProblemBaseURLNotAbsolute:
		return "Use the Metadata API root of your instance, such as " + xano.DefaultBaseURL + "."
	case xano.ProblemBaseURLCredentials:
		return "Remove them and pass the token as access_token instead."
	case xano.ProblemBaseURLQuery:
		return "Remove it."
	case xano.ProblemTokenEmpty:
		return fmt.Sprintf("Set access_token or %s.", envAccessToken)
	case xano.ProblemTokenControl:
		return "Copy it again without surrounding whitespace."
	}
	return ""
}

// withConfigAdvice is a refused configuration's facts, then its advice.
func withConfigAdvice(err error) string {
	return strings.TrimSpace(strings.TrimSuffix(err.Error(), ".") + ". " + configAdvice(err))
}

// invalidBaseURL is the error for a base URL that xano.ParseBaseURL refuses.
// origin says where it came from (settingOrigin), "" for the provider
// argument at validate time, where the attribute path says it.
func invalidBaseURL(origin string, err error) diag.Diagnostic {
	detail := withConfigAdvice(err)
	if origin != "" {
		detail = "From " + origin + ": " + detail
	} else {
		detail = strings.ToUpper(detail[:1]) + detail[1:]
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("base_url"), "Invalid Xano base URL", detail)
}

// cleartextBaseURL is the error for an http base_url to a host that is not
// loopback, which would send the access token unencrypted, or the warning of
// each run when insecure_http allows it.
func cleartextBaseURL(conn connection, allowed bool) diag.Diagnostic {
	u := xano.RedactURL(conn.baseURL)
	from := settingOrigin("base_url", conn.baseURLSource, conn.credentialsFile)
	if allowed {
		return diag.NewAttributeWarningDiagnostic(path.Root("base_url"), "Xano access token sent in clear text", fmt.Sprintf(
			"base_url is %s, from %s, and insecure_http = true allows it: every request carries the access token "+
				"unencrypted, readable by any proxy or machine on the way. Use an https URL and remove insecure_http.", u, from))
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("base_url"), "Insecure Xano base URL", fmt.Sprintf(
		"base_url is %s, from %s: http:// to a host that is not loopback would send the access token unencrypted, "+
			"so no request was sent. Use https://, or set insecure_http = true in the provider block to accept the risk "+
			"(for a test server on a trusted network).", u, from))
}

// clientError is the error for a client configuration xano.New refuses.
func clientError(err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Cannot create the Xano API client",
		"The provider configuration was rejected: "+withConfigAdvice(err))
}

// profileWithoutFile is the error for a profile chosen when no credentials
// file can be located.
func profileWithoutFile(profile setting) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("profile"), "Xano CLI profile not found", fmt.Sprintf(
		"Profile %q was chosen (%s), but no credentials file could be located: there is no home "+
			"directory and %s is not set. Set %s to the path of the file written by Xano's CLI.",
		profile.value, settingOrigin("profile", profile.source, ""), envConfig, envConfig))
}

// profileFileMissing is the error for a profile chosen when the credentials
// file does not exist.
func profileFileMissing(profile setting, file string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("profile"), "Xano CLI profile not found", fmt.Sprintf(
		"Profile %q was chosen (%s), but the credentials file %s does not exist. Log in with "+
			"Xano's CLI to create it, point %s at the file, or remove the profile setting.",
		profile.value, settingOrigin("profile", profile.source, ""), file, envConfig))
}

// credentialsUnreadable is the error for a credentials file that exists but
// cannot be read or parsed.
func credentialsUnreadable(file string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Cannot read the Xano CLI credentials file", fmt.Sprintf(
		"The provider read %s because no access token was set otherwise, and failed: %s. "+
			"Fix or remove the file, or set the access_token argument or the %s environment variable.",
		file, strings.TrimSuffix(err.Error(), "."), envAccessToken))
}

// profileNotFound is the error for a profile, chosen or named by the file's
// default key, that the file does not hold. available lists what it holds.
func profileNotFound(profile setting, name, file, available string) diag.Diagnostic {
	where := settingOrigin("profile", profile.source, "")
	if profile.value == "" {
		where = "named by the file's default key"
	}
	detail := fmt.Sprintf(
		"Profile %q (%s) is not in %s; %s. Choose one of them with the profile argument or %s, "+
			"or log in with Xano's CLI to create the profile.",
		name, where, file, available, envProfile)
	if profile.value == "" {
		return diag.NewErrorDiagnostic("Xano CLI profile not found", detail)
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("profile"), "Xano CLI profile not found", detail)
}

// missingTokenError is the error reported, where the API is needed, when no
// access token was found; note says what the credentials file gave.
func missingTokenError(note string) diag.Diagnostic {
	detail := "The provider needs a Xano Metadata API access token and found none. Set one of:\n" +
		"  - the access_token argument of the provider block,\n" +
		"  - the " + envAccessToken + " environment variable,\n" +
		"  - a profile in " + defaultCredentialsPath + ", as written by Xano's CLI when you log in " +
		"(" + envConfig + " names another file; the profile argument or " + envProfile + " picks the profile).\n" +
		"Create a token in the Xano dashboard under Settings, Metadata API."
	if note != "" {
		detail += "\n\n" + note
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("access_token"), "Missing Xano access token", detail)
}

// checkCredentials calls GET /auth/me once, when the provider is configured
// with an access token, so that a wrong token or an unreachable base_url
// fails the plan once, on the provider block, instead of every resource
// failing later. The error names the setting to fix and where its value came
// from.
func checkCredentials(ctx context.Context, client *xano.Client, conn connection, diags *diag.Diagnostics) {
	if _, err := client.Me(ctx); err != nil {
		diags.Append(credentialsCheckError(conn, err))
	}
}
