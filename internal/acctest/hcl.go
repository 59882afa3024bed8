package acctest

import (
	"fmt"
	"strings"
)

// The builders below write the configurations of the tests. Each returns
// HCL text; Block indents what it is given, so builders nest:
//
//	Token("ci", Attr("expires_in", "30d"), Scope("workspace_api_groups", "read"))

// ProviderSource is the provider's source address, which the end-to-end
// runner's dev_overrides point at the freshly built binary.
const ProviderSource = "terraform-provider-xano/xano"

// RequiredProviders is the terraform block a configuration run by the real
// CLI needs, so that Terraform looks the provider up by its own source.
var RequiredProviders = Block("terraform",
	Block("required_providers",
		Block(ProviderName+" =", Attr("source", ProviderSource))))

// Config joins parts into one configuration.
func Config(parts ...string) string {
	return strings.Join(parts, "\n") + "\n"
}

// E2EConfig is a configuration for the end-to-end runner: the terraform
// block, the provider block p and the given parts.
func E2EConfig(p Provider, parts ...string) string {
	return Config(append([]string{RequiredProviders, p.String()}, parts...)...)
}

// Block renders `header { ... }` with every line of body indented by two
// spaces; each element of body is one argument or one nested block.
func Block(header string, body ...string) string {
	var b strings.Builder
	b.WriteString(header + " {\n")
	for _, part := range body {
		if part == "" {
			continue
		}
		for _, line := range strings.Split(strings.TrimRight(part, "\n"), "\n") {
			if line == "" {
				b.WriteString("\n")
				continue
			}
			b.WriteString("  " + line + "\n")
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// Attr renders one argument. A string is quoted; Expr marks text written as
// it is, such as a reference; other values print as Go prints them, which is
// HCL for numbers and booleans.
func Attr(name string, value any) string {
	switch v := value.(type) {
	case string:
		return fmt.Sprintf("%s = %q", name, v)
	case []string:
		quoted := make([]string, len(v))
		for i, s := range v {
			quoted[i] = fmt.Sprintf("%q", s)
		}
		return fmt.Sprintf("%s = [%s]", name, strings.Join(quoted, ", "))
	default:
		return fmt.Sprintf("%s = %v", name, v)
	}
}

// Expr is HCL written as it is: a reference, a function call, a list.
type Expr string

// Provider is a provider "xano" block. Empty fields are left out, so the
// provider falls back to its environment for them.
type Provider struct {
	Alias       string
	BaseURL     string
	AccessToken string
	Instance    string
	// Policy holds the arguments of the policy block; none, no block.
	Policy []string
	// Body holds more arguments and blocks.
	Body []string
}

// String renders the block.
func (p Provider) String() string {
	var body []string
	for _, a := range []struct{ name, value string }{
		{"alias", p.Alias}, {"base_url", p.BaseURL}, {"access_token", p.AccessToken}, {"instance", p.Instance},
	} {
		if a.value != "" {
			body = append(body, Attr(a.name, a.value))
		}
	}
	body = append(body, p.Body...)
	if len(p.Policy) > 0 {
		body = append(body, Block("policy", p.Policy...))
	}
	return Block(fmt.Sprintf("provider %q", ProviderName), body...)
}

// Scope is a scope block granting perms ("create", "read", "update",
// "delete") on the named scope; a perm written as an argument, such as
// "read = false", is kept as it is.
func Scope(name string, perms ...string) string {
	body := []string{Attr("name", name)}
	for _, p := range perms {
		if !strings.Contains(p, "=") {
			p = Attr(p, true)
		}
		body = append(body, p)
	}
	return Block("scope", body...)
}

// Token is a xano_metadata_token resource labelled label; when body sets no
// name, the label is the token's name. Parts of body may hold several lines.
func Token(label string, body ...string) string {
	return tokenBlock("resource", label, body)
}

// EphemeralToken is Token's ephemeral counterpart.
func EphemeralToken(label string, body ...string) string {
	return tokenBlock("ephemeral", label, body)
}

func tokenBlock(kind, label string, body []string) string {
	if !setsName(body) {
		body = append([]string{Attr("name", label)}, body...)
	}
	return Block(fmt.Sprintf("%s %q %q", kind, "xano_metadata_token", label), body...)
}

// setsName reports whether body sets the block's own name argument, outside
// any nested block such as a scope.
func setsName(body []string) bool {
	depth := 0
	for _, part := range body {
		for _, line := range strings.Split(part, "\n") {
			line = strings.TrimSpace(line)
			if depth == 0 {
				if rest, ok := strings.CutPrefix(line, "name"); ok && strings.HasPrefix(strings.TrimLeft(rest, " "), "=") {
					return true
				}
			}
			depth += strings.Count(line, "{") - strings.Count(line, "}")
		}
	}
	return false
}
