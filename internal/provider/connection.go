package provider

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xanocli"

	"github.com/hashicorp/terraform-plugin-framework/diag"

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

// connectionInput holds the connection arguments of the provider block, ""
// where unset.
type connectionInput struct {
	baseURL, accessToken, instance, profile string
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
	validateConnection(&conn, prof.note, diags)
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
// credentials file gave.
func validateConnection(conn *connection, note string, diags *diag.Diagnostics) {
	if _, err := xano.ParseBaseURL(conn.baseURL); err != nil {
		diags.Append(invalidBaseURL(settingOrigin("base_url", conn.baseURLSource, conn.credentialsFile), err))
		return
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
