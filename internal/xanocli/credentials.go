// Package xanocli reads the credentials file Xano's own CLI writes
// (~/.xano/credentials.yaml), so a developer logged in with the CLI needs no
// extra provider configuration.
package xanocli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// MetaAPIPath is the path of the Metadata API under an origin.
const MetaAPIPath = "/api:meta"

// File is the part of the Xano CLI's credentials.yaml the provider
// understands. Unknown keys are ignored so newer CLI versions keep working.
type File struct {
	// Default names the profile used when none is chosen.
	Default string
	// Profiles maps a profile name to its settings.
	Profiles map[string]Profile
}

// Profile is one profile of the credentials file.
type Profile struct {
	AccessToken    string
	InstanceOrigin string
	AccountOrigin  string
	Instance       string
	Workspace      string
	Branch         string
}

// profile returns the named profile.
func (f *File) Profile(name string) (Profile, bool) {
	p, ok := f.Profiles[name]
	return p, ok
}

// profileNames returns the profile names in alphabetical order, for errors
// that list what is available.
func (f *File) ProfileNames() []string {
	names := make([]string, 0, len(f.Profiles))
	for n := range f.Profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// metaBaseURL returns the Metadata API base URL of the profile's instance, or
// "" when the profile names no instance origin.
func (p Profile) MetaBaseURL() string {
	origin := strings.TrimRight(strings.TrimSpace(p.InstanceOrigin), "/")
	if origin == "" {
		return ""
	}
	if strings.HasSuffix(origin, MetaAPIPath) {
		return origin
	}
	return origin + MetaAPIPath
}

// Path returns the credentials file to read: XANO_CONFIG when set,
// else ~/.xano/credentials.yaml. It returns "" when neither can be worked out.
func Path(getenv func(string) string, homeDir func() (string, error)) string {
	if p := strings.TrimSpace(getenv("XANO_CONFIG")); p != "" {
		return p
	}
	home, err := homeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, ".xano", "credentials.yaml")
}

// Load reads and parses the credentials file at path. A missing
// file is an error wrapping fs.ErrNotExist, so callers can tell it apart.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			// The *PathError already names the path; keep only the cause.
			return nil, fmt.Errorf("cannot read %s: %w", path, pe.Err)
		}
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	f, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// quoted matches the quoted fragments a YAML library may copy from the input
// into its error text; they are removed so a token never reaches a message.
var quoted = regexp.MustCompile("`[^`]*`|'[^']*'|\"[^\"]*\"")

// Parse parses a credentials file. An empty file, or one without
// profiles, is valid and holds no profile. Errors name lines and keys, never
// values, since the values are secrets.
func Parse(data []byte) (*File, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := quoted.ReplaceAllString(strings.TrimPrefix(err.Error(), "yaml: "), "(value hidden)")
		return nil, fmt.Errorf("not valid YAML (%s); fix the file or log in again with Xano's CLI", msg)
	}
	out := &File{Profiles: map[string]Profile{}}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return out, nil
	}
	root := resolveAlias(doc.Content[0])
	if isNull(root) {
		return out, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: the file must be a mapping with the keys \"default\" and \"profiles\"", root.Line)
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i], resolveAlias(root.Content[i+1])
		switch key.Value {
		case "default":
			s, err := scalarString(val, "default")
			if err != nil {
				return nil, err
			}
			out.Default = s
		case "profiles":
			if err := parseProfiles(val, out.Profiles); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func parseProfiles(n *yaml.Node, into map[string]Profile) error {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: \"profiles\" must be a mapping from profile names to their settings", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], resolveAlias(n.Content[i+1])
		if key.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: a profile name must be a plain string", key.Line)
		}
		name := key.Value
		if _, dup := into[name]; dup {
			return fmt.Errorf("line %d: profile %q appears twice", key.Line, name)
		}
		p, err := parseProfile(name, val)
		if err != nil {
			return err
		}
		into[name] = p
	}
	return nil
}

func parseProfile(name string, n *yaml.Node) (Profile, error) {
	var p Profile
	if isNull(n) {
		return p, nil
	}
	if n.Kind != yaml.MappingNode {
		return p, fmt.Errorf("line %d: profile %q must be a mapping of settings such as access_token and instance_origin", n.Line, name)
	}
	fields := map[string]*string{
		"access_token":    &p.AccessToken,
		"instance_origin": &p.InstanceOrigin,
		"account_origin":  &p.AccountOrigin,
		"instance":        &p.Instance,
		"workspace":       &p.Workspace,
		"branch":          &p.Branch,
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], resolveAlias(n.Content[i+1])
		dst, known := fields[key.Value]
		if !known {
			continue
		}
		s, err := scalarString(val, fmt.Sprintf("profile %q: %s", name, key.Value))
		if err != nil {
			return p, err
		}
		*dst = strings.TrimSpace(s)
	}
	return p, nil
}

// scalarString returns the text of a scalar node. Numbers are kept as text,
// since the CLI may write a workspace or instance id unquoted.
func scalarString(n *yaml.Node, what string) (string, error) {
	if isNull(n) {
		return "", nil
	}
	if n.Kind != yaml.ScalarNode {
		return "", fmt.Errorf("line %d: %s must be a single value, not a list or mapping", n.Line, what)
	}
	return n.Value, nil
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// resolveAlias follows YAML aliases (&anchor / *anchor) to the node they
// name; the depth bound guards against alias cycles.
func resolveAlias(n *yaml.Node) *yaml.Node {
	for depth := 0; n != nil && n.Kind == yaml.AliasNode && depth < 16; depth++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	return n
}
