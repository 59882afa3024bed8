package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// invalidBaseURL is the error for a base URL that xano.ParseBaseURL refuses.
// source says where it came from, "" for the provider argument at validate
// time, where the attribute path says it.
func invalidBaseURL(p path.Path, source string, err error) diag.Diagnostic {
	detail := capitalize(err.Error()) + "."
	if source != "" {
		detail = fmt.Sprintf("From %s: %s.", sourceText(source), strings.TrimSuffix(err.Error(), "."))
	}
	return diag.NewAttributeErrorDiagnostic(p, "Invalid Xano base URL", detail)
}

// profileWithoutFile is the error for a profile chosen when no credentials
// file can be located.
func profileWithoutFile(profile setting) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("profile"), "Xano CLI profile not found", fmt.Sprintf(
		"Profile %q was chosen (%s), but no credentials file could be located: there is no home "+
			"directory and %s is not set. Set %s to the path of the file written by Xano's CLI.",
		profile.value, sourceText(profile.source), envConfig, envConfig))
}

// profileFileMissing is the error for a profile chosen when the credentials
// file does not exist.
func profileFileMissing(profile setting, file string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("profile"), "Xano CLI profile not found", fmt.Sprintf(
		"Profile %q was chosen (%s), but the credentials file %s does not exist. Log in with "+
			"Xano's CLI to create it, point %s at the file, or remove the profile setting.",
		profile.value, sourceText(profile.source), file, envConfig))
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
	where := sourceText(profile.source)
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
