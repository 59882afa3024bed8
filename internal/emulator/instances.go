package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// InstanceSpec declares one instance of the emulated account.
type InstanceSpec struct {
	// Name is the instance's name, such as "x1a2-b3c4-d5e6".
	Name string
	// Display is the name the dashboard shows; the name when empty.
	Display string
}

// ParseInstanceSpec reads NAME or NAME=Display Name, the form of the
// command's --instance flag.
func ParseInstanceSpec(s string) (InstanceSpec, error) {
	name, display, _ := strings.Cut(s, "=")
	name, display = strings.TrimSpace(name), strings.TrimSpace(display)
	if name == "" {
		return InstanceSpec{}, fmt.Errorf("instance %q has no name: write NAME or NAME=Display Name", s)
	}
	if strings.ContainsAny(name, "/?#") || strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return InstanceSpec{}, fmt.Errorf("instance name %q contains a slash, ?, # or a control character", name)
	}
	return InstanceSpec{Name: name, Display: display}, nil
}

// instanceRegistry is the account's instances. Declared, it is fixed; not
// declared, an instance is added by the first request that names it, so
// tests that never declare instances keep working.
type instanceRegistry struct {
	declared bool
	order    []string
	display  map[string]string
}

func newInstanceRegistry(specs []InstanceSpec) instanceRegistry {
	reg := instanceRegistry{declared: len(specs) > 0, display: map[string]string{}}
	for _, s := range specs {
		if _, dup := reg.display[s.Name]; dup || s.Name == "" {
			continue
		}
		reg.order = append(reg.order, s.Name)
		reg.display[s.Name] = s.Display
	}
	return reg
}

// use reports whether instance exists, adding it first when instances are
// not declared. The caller holds e.mu.
func (reg *instanceRegistry) use(instance string) bool {
	if _, ok := reg.display[instance]; ok {
		return true
	}
	if reg.declared {
		return false
	}
	reg.order = append(reg.order, instance)
	reg.display[instance] = ""
	return true
}

// InstanceNames returns the names of the account's instances: the declared
// ones, or those used so far, in order of declaration or first use.
func (e *Emulator) InstanceNames() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.instances.order)
}

// Paths of each instance's own Metadata API, whose base URL the instance's
// meta_api gives, and of its OpenAPI document (meta_swagger).
const (
	PathInstanceMetaAPI = "/_instance/{instance}/api:meta"
	instanceSegment     = "_instance"
	metaSegment         = "api:meta"
	swaggerSegment      = "apispec:meta"
)

// instanceWire describes an instance as Xano's master Metadata API does.
// Its meta_api points back at this emulator, at the address the request
// came to, so that a token minted for the instance can be used there.
func (e *Emulator) instanceWire(r *http.Request, name string) xano.Instance {
	host := r.Host
	if host == "" {
		host = "127.0.0.1"
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	origin := scheme + "://" + host + "/" + instanceSegment + "/" + url.PathEscape(name)
	display := e.instances.display[name]
	if display == "" {
		display = name
	}
	return xano.Instance{
		Name:        name,
		Display:     display,
		XanoDomain:  host,
		MetaAPI:     origin + "/" + metaSegment,
		MetaSwagger: origin + "/" + swaggerSegment + "?type=json",
	}
}

// listInstances answers GET /instance with a plain array, as Xano documents
// it. The caller holds e.mu.
func (e *Emulator) listInstances(r *http.Request) reply {
	out := make([]xano.Instance, 0, len(e.instances.order))
	for _, name := range e.instances.order {
		out = append(out, e.instanceWire(r, name))
	}
	return jsonReply(http.StatusOK, out)
}

// getInstance answers GET /instance/{name}. The caller holds e.mu.
func (e *Emulator) getInstance(r *http.Request, name string) reply {
	if !e.instances.use(name) {
		return instanceNotFound(name)
	}
	return jsonReply(http.StatusOK, e.instanceWire(r, name))
}

func instanceNotFound(name string) reply {
	return errorReply(http.StatusNotFound, fmt.Sprintf("Instance %q not found: GET /instance lists the account's instances.", name))
}

// matchInstanceAPI matches the routes of an instance's own Metadata API,
// /_instance/{instance}/api:meta/..., which serve the scope-guarded read
// endpoints, and the instance's OpenAPI document.
func matchInstanceAPI(segs []string) (route, bool) {
	if len(segs) < 3 || segs[0] != instanceSegment || segs[1] == "" {
		return route{}, false
	}
	instance := segs[1]
	if segs[2] == swaggerSegment && len(segs) == 3 {
		return route{
			routeSpec: routeSpec{pattern: "/_instance/{instance}/apispec:meta", kind: routeInstanceSwagger, methods: []string{http.MethodGet}},
			params:    map[string]string{"instance": instance},
		}, true
	}
	if segs[2] != metaSegment {
		return route{}, false
	}
	rt := matchSegments(segs[3:], func(s routeSpec) bool { return s.scope != "" })
	if rt.kind == routeNone {
		return route{}, false
	}
	rt.pattern = PathInstanceMetaAPI + rt.pattern
	rt.params["instance"] = instance
	return rt, true
}

// checkInstance answers 404 for a route that names an instance the account
// does not have; without declared instances it records the instance instead.
// The caller holds e.mu.
func (e *Emulator) checkInstance(rt route) (reply, bool) {
	name, ok := rt.params["instance"]
	if !ok {
		return reply{}, true
	}
	if !e.instances.use(name) {
		return instanceNotFound(name), false
	}
	return reply{}, true
}

// instanceSwagger answers an instance's meta_swagger URL with a small
// OpenAPI document listing what the instance's Metadata API serves here.
func (e *Emulator) instanceSwagger(r *http.Request, name string) reply {
	in := e.instanceWire(r, name)
	paths := map[string]any{}
	for _, s := range routes {
		if s.scope == "" {
			continue
		}
		paths[s.pattern] = map[string]any{"get": map[string]any{
			"summary":      fmt.Sprintf("Needs read permission on scope %s.", s.scope),
			"security":     []map[string][]string{{"bearerAuth": {}}},
			"responses":    map[string]any{"200": map[string]string{"description": "Success!"}},
			"x-xano-scope": s.scope,
		}}
	}
	return jsonReply(http.StatusOK, map[string]any{
		"openapi": "3.0.0",
		"info": map[string]string{
			"title":   "Xano Metadata API (emulated instance " + name + ")",
			"version": "0.0.1",
		},
		"servers": []map[string]string{{"url": in.MetaAPI}},
		"components": map[string]any{"securitySchemes": map[string]any{
			"bearerAuth": map[string]string{"type": "http", "scheme": "bearer"},
		}},
		"paths": paths,
	})
}
