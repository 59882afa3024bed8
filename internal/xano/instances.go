package xano

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// Instance is one instance of the account, as Xano's master Metadata API
// documents it for GET /instance and GET /instance/{name}. MetaAPI is the
// base URL of the instance's own Metadata API, where a token minted for the
// instance is used.
type Instance struct {
	Name         string `json:"name"`
	Display      string `json:"display"`
	XanoDomain   string `json:"xano_domain"`
	CustomDomain string `json:"custom_domain"`
	MetaAPI      string `json:"meta_api"`
	MetaSwagger  string `json:"meta_swagger"`
}

// ListInstances returns the account's instances (GET /instance, documented
// by Xano as a plain array, without pagination).
func (c *Client) ListInstances(ctx context.Context) ([]Instance, error) {
	req := request{method: http.MethodGet, path: PathInstances, what: "list of instances"}
	list, err := doJSON[[]Instance](ctx, c, req)
	if err != nil {
		return nil, err
	}
	for i, in := range *list {
		if strings.TrimSpace(in.Name) == "" {
			return nil, c.decodeError(req, http.StatusOK, fmt.Sprintf("item %d has no name", i), nil)
		}
	}
	return *list, nil
}

// GetInstance returns one instance by name (GET /instance/{name}); a name
// the account does not have is an error for which IsNotFound is true.
func (c *Client) GetInstance(ctx context.Context, name string) (*Instance, error) {
	if err := checkInstance("reading an instance", name); err != nil {
		return nil, err
	}
	req := request{method: http.MethodGet, path: instancePath(name), what: "instance"}
	in, err := doJSON[Instance](ctx, c, req)
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(strings.TrimSpace(in.Name), name) {
		return nil, c.decodeError(req, http.StatusOK, fmt.Sprintf("it describes instance %q, not %q", in.Name, name), nil)
	}
	return in, nil
}

// FindInstance returns the instance called name in list, by exact name.
func FindInstance(list []Instance, name string) (Instance, bool) {
	for _, in := range list {
		if in.Name == name {
			return in, true
		}
	}
	return Instance{}, false
}

// InstanceSuggestion is what an unknown instance name most likely meant.
type InstanceSuggestion struct {
	// Instance is the instance meant; its Name is empty when nothing is close.
	Instance Instance
	// ByDisplay is set when the name given is (close to) the instance's
	// display name rather than its name: users copy what the dashboard shows.
	ByDisplay bool
}

// SuggestInstance returns the instance of list that name most likely meant:
// a name or display name equal to it but for case and spaces first, then the
// nearest name or display name by edit distance when it is close enough to
// be a typo.
func SuggestInstance(list []Instance, name string) InstanceSuggestion {
	want := strings.ToLower(strings.TrimSpace(name))
	for _, in := range list {
		if strings.ToLower(in.Name) == want {
			return InstanceSuggestion{Instance: in}
		}
	}
	for _, in := range list {
		if in.Display != "" && strings.ToLower(strings.TrimSpace(in.Display)) == want {
			return InstanceSuggestion{Instance: in, ByDisplay: true}
		}
	}
	var candidates []string
	byLabel := map[string]InstanceSuggestion{}
	for _, in := range list {
		candidates = append(candidates, in.Name)
		byLabel[in.Name] = InstanceSuggestion{Instance: in}
		if _, taken := byLabel[in.Display]; in.Display != "" && !taken {
			candidates = append(candidates, in.Display)
			byLabel[in.Display] = InstanceSuggestion{Instance: in, ByDisplay: true}
		}
	}
	if best := scopes.SuggestFrom(strings.TrimSpace(name), candidates); best != "" {
		return byLabel[best]
	}
	return InstanceSuggestion{}
}

// InstanceNames returns the names of list, sorted, for messages that list
// what exists.
func InstanceNames(list []Instance) []string {
	names := make([]string, len(list))
	for i, in := range list {
		names[i] = in.Name
	}
	sort.Strings(names)
	return names
}
