package scopes

import (
	"fmt"
	"sort"
	"strings"
)

// Grant is one scope with the permissions it grants.
type Grant struct {
	Scope  string // HCL key
	Create bool
	Read   bool
	Update bool
	Delete bool
}

// Has reports whether the grant includes p.
func (g Grant) Has(p Permission) bool {
	switch p {
	case Create:
		return g.Create
	case Read:
		return g.Read
	case Update:
		return g.Update
	case Delete:
		return g.Delete
	}
	return false
}

// Set returns a copy of g with p switched to v.
func (g Grant) Set(p Permission, v bool) Grant {
	switch p {
	case Create:
		g.Create = v
	case Read:
		g.Read = v
	case Update:
		g.Update = v
	case Delete:
		g.Delete = v
	}
	return g
}

// Perms returns the granted permissions in CRUD order.
func (g Grant) Perms() []Permission {
	var out []Permission
	for _, p := range Permissions {
		if g.Has(p) {
			out = append(out, p)
		}
	}
	return out
}

// Empty reports whether the grant grants nothing.
func (g Grant) Empty() bool { return !g.Create && !g.Read && !g.Update && !g.Delete }

// Letters renders the grant the way the tables of Xano's scope guide do, e.g. "CRU-".
func (g Grant) Letters() string {
	b := []byte("----")
	for i, p := range Permissions {
		if g.Has(p) {
			b[i] = "CRUD"[i]
		}
	}
	return string(b)
}

// Grants is a token's scope list, at most one Grant per scope.
type Grants []Grant

// Sorted returns the grants in catalog order.
func (gs Grants) Sorted() Grants {
	out := append(Grants(nil), gs...)
	sort.SliceStable(out, func(i, j int) bool { return Index(out[i].Scope) < Index(out[j].Scope) })
	return out
}

// Find returns the grant for scope key.
func (gs Grants) Find(key string) (Grant, bool) {
	for _, g := range gs {
		if g.Scope == key {
			return g, true
		}
	}
	return Grant{}, false
}

// Validate checks that every grant names a known scope, grants something and
// appears once. It returns every problem found, in order.
func (gs Grants) Validate() []error {
	var errs []error
	if len(gs) == 0 {
		errs = append(errs, fmt.Errorf("a token needs at least one scope"))
	}
	seen := map[string]bool{}
	for _, g := range gs {
		if _, err := Resolve(g.Scope); err != nil {
			errs = append(errs, err)
			continue
		}
		if seen[g.Scope] {
			errs = append(errs, fmt.Errorf("scope %q appears more than once; merge its permissions into one block", g.Scope))
		}
		seen[g.Scope] = true
		if g.Empty() {
			errs = append(errs, fmt.Errorf("scope %q grants no permission; set at least one of create, read, update, delete or remove the block", g.Scope))
		}
	}
	return errs
}

// Wire converts grants to the API's map of wire key to permission names.
// Unknown scopes are an error; empty grants are left out.
func (gs Grants) Wire() (map[string][]string, error) {
	out := make(map[string][]string, len(gs))
	for _, g := range gs {
		s, err := Resolve(g.Scope)
		if err != nil {
			return nil, err
		}
		if g.Empty() {
			continue
		}
		perms := make([]string, 0, 4)
		for _, p := range g.Perms() {
			perms = append(perms, string(p))
		}
		out[s.WireKey] = perms
	}
	return out, nil
}

// FromWire converts the API's scope map back to grants in catalog order.
// Unknown wire keys or permissions are an error, so a catalog change in Xano
// is reported rather than silently dropped.
func FromWire(m map[string][]string) (Grants, error) {
	var out Grants
	for wire, perms := range m {
		s, ok := ByWireKey(wire)
		if !ok {
			return nil, fmt.Errorf("the API returned an unknown scope %q", wire)
		}
		g := Grant{Scope: s.Key}
		for _, name := range perms {
			p, ok := ParsePermission(name)
			if !ok {
				return nil, fmt.Errorf("the API returned an unknown permission %q on scope %q", name, wire)
			}
			g = g.Set(p, true)
		}
		out = append(out, g)
	}
	return out.Sorted(), nil
}

// String renders grants as "workspace_api_groups:-R--, ...".
func (gs Grants) String() string {
	parts := make([]string, 0, len(gs))
	for _, g := range gs.Sorted() {
		parts = append(parts, g.Scope+":"+g.Letters())
	}
	return strings.Join(parts, ", ")
}

// Pair names one permission on one scope, e.g. workspace_database.delete.
type Pair struct {
	Scope string
	Perm  Permission
}

func (p Pair) String() string { return p.Scope + "." + string(p.Perm) }

// Pairs flattens grants into (scope, permission) pairs in catalog order.
func (gs Grants) Pairs() []Pair {
	var out []Pair
	for _, g := range gs.Sorted() {
		for _, p := range g.Perms() {
			out = append(out, Pair{g.Scope, p})
		}
	}
	return out
}

// Diff returns the pairs in next that are not in prev (added) and those in
// prev that are not in next (removed).
func Diff(prev, next Grants) (added, removed []Pair) {
	in := func(gs Grants, p Pair) bool {
		g, ok := gs.Find(p.Scope)
		return ok && g.Has(p.Perm)
	}
	for _, p := range next.Pairs() {
		if !in(prev, p) {
			added = append(added, p)
		}
	}
	for _, p := range prev.Pairs() {
		if !in(next, p) {
			removed = append(removed, p)
		}
	}
	return added, removed
}
