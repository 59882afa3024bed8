package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// The scope block is shared by the xano_metadata_token resource and the
// ephemeral resource of the same name: one model, one set of descriptions and
// one validator, so both refuse the same mistakes with the same words.

// scopeModel is one scope block.
type scopeModel struct {
	Name   types.String `tfsdk:"name"`
	Create types.Bool   `tfsdk:"create"`
	Read   types.Bool   `tfsdk:"read"`
	Update types.Bool   `tfsdk:"update"`
	Delete types.Bool   `tfsdk:"delete"`
}

// scopeAttrTypes are the attribute types of one scope block object.
var scopeAttrTypes = map[string]attr.Type{
	"name":   types.StringType,
	"create": types.BoolType,
	"read":   types.BoolType,
	"update": types.BoolType,
	"delete": types.BoolType,
}

// scopeObjectType is the object type of one scope block.
var scopeObjectType = types.ObjectType{AttrTypes: scopeAttrTypes}

// scopeBlockDescription documents the scope block.
const scopeBlockDescription = "One block per scope the token is granted, with the permissions it grants on that scope. " +
	"At least one block is required; each scope may appear once, and each block must grant at least one permission. " +
	"A token reaches every workspace of its instance."

// scopeNameDescription documents the name attribute of a scope block.
func scopeNameDescription() string {
	return "The scope's key, one of `" + strings.Join(scopes.Keys(), "`, `") + "`. " +
		"Xano's display names (\"Workspace Database\") and wire keys (\"workspace:database\") are refused with the key to write instead."
}

// scopePermissionDescription documents one permission flag of a scope block.
func scopePermissionDescription(p scopes.Permission) string {
	return fmt.Sprintf("Grant the %s permission on this scope. Defaults to `false`.", p)
}

// scopeBlockValidators are the validators of a scope set block: at least one
// block, and validScopes for names, duplicates and empty grants.
func scopeBlockValidators() []validator.Set {
	return []validator.Set{
		setvalidator.IsRequired(),
		setvalidator.SizeAtLeast(1),
		validScopes{},
	}
}

// validScopes checks every scope block: the name is a catalog key (with a
// did-you-mean for typos, display names and wire keys), no name appears in
// two blocks, and every block grants something. Unknown values are skipped.
type validScopes struct{}

var _ validator.Set = validScopes{}

func (validScopes) Description(context.Context) string {
	return "each scope block names a known scope once and grants at least one permission"
}

func (v validScopes) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (validScopes) ValidateSet(ctx context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	seen := map[string]bool{}
	for _, elem := range req.ConfigValue.Elements() {
		obj, ok := elem.(types.Object)
		if !ok || obj.IsNull() || obj.IsUnknown() {
			continue
		}
		elemPath := req.Path.AtSetValue(elem)
		var m scopeModel
		if d := decodeObject(obj, &m); d.HasError() {
			resp.Diagnostics.Append(d...)
			continue
		}
		if !m.Name.IsNull() && !m.Name.IsUnknown() {
			name := m.Name.ValueString()
			if _, err := scopes.Resolve(name); err != nil {
				resp.Diagnostics.AddAttributeError(elemPath.AtName("name"), "Unknown Xano scope", unknownScopeDetail(err))
			} else {
				if seen[name] {
					resp.Diagnostics.AddAttributeError(elemPath.AtName("name"), "Duplicate scope",
						fmt.Sprintf("Scope %q appears in more than one scope block. A token holds one set of permissions per scope: merge the blocks into one.", name))
				}
				seen[name] = true
			}
		}
		if grantsNothing(m) {
			label := m.Name.ValueString()
			if m.Name.IsNull() || m.Name.IsUnknown() {
				label = "this scope"
			}
			resp.Diagnostics.AddAttributeError(elemPath, "Scope grants nothing",
				fmt.Sprintf("The scope block for %q sets none of create, read, update, delete to true. Grant at least one permission or remove the block.", label))
		}
	}
}

// grantsNothing reports a block whose four permissions are all known and
// false (or unset); an unknown permission may still turn out true.
func grantsNothing(m scopeModel) bool {
	for _, b := range []types.Bool{m.Create, m.Read, m.Update, m.Delete} {
		if b.IsUnknown() || b.ValueBool() {
			return false
		}
	}
	return true
}

// unknownScopeDetail turns a scopes.Resolve error into the diagnostic detail.
func unknownScopeDetail(err error) string {
	var unknown *scopes.UnknownScopeError
	if errors.As(err, &unknown) {
		return unknown.Error() + " Xano's catalog lists each scope's display name and wire key; the provider's xano_scope_catalog data source shows them all."
	}
	return err.Error()
}

// grantsFromScopeSet converts a known scope set into grants, treating unset
// permissions as false. ok is false when the set or any value in it is
// unknown, so callers never act on a guess.
func grantsFromScopeSet(ctx context.Context, set types.Set) (gs scopes.Grants, ok bool, diags diag.Diagnostics) {
	if set.IsUnknown() || set.IsNull() {
		return nil, !set.IsUnknown(), nil
	}
	for _, elem := range set.Elements() {
		obj, isObject := elem.(types.Object)
		if !isObject || obj.IsUnknown() {
			return nil, false, diags
		}
		var b scopeModel
		diags.Append(decodeObject(obj, &b)...)
		if diags.HasError() {
			return nil, false, diags
		}
		for _, v := range []attr.Value{b.Name, b.Create, b.Read, b.Update, b.Delete} {
			if v.IsUnknown() {
				return nil, false, diags
			}
		}
		gs = append(gs, scopes.Grant{
			Scope:  b.Name.ValueString(),
			Create: b.Create.ValueBool(),
			Read:   b.Read.ValueBool(),
			Update: b.Update.ValueBool(),
			Delete: b.Delete.ValueBool(),
		})
	}
	return gs.Sorted(), true, diags
}

// scopeSetFromGrants builds the scope set value for state from grants, with
// every permission known.
func scopeSetFromGrants(gs scopes.Grants) (types.Set, diag.Diagnostics) {
	var diags diag.Diagnostics
	elems := make([]attr.Value, 0, len(gs))
	for _, g := range gs.Sorted() {
		obj, d := types.ObjectValue(scopeAttrTypes, map[string]attr.Value{
			"name":   types.StringValue(g.Scope),
			"create": types.BoolValue(g.Create),
			"read":   types.BoolValue(g.Read),
			"update": types.BoolValue(g.Update),
			"delete": types.BoolValue(g.Delete),
		})
		diags.Append(d...)
		elems = append(elems, obj)
	}
	if diags.HasError() {
		return types.SetNull(scopeObjectType), diags
	}
	set, d := types.SetValue(scopeObjectType, elems)
	diags.Append(d...)
	return set, diags
}

// scopeSetFromWire is the scope set of a token's wire scopes.
func scopeSetFromWire(id int64, wire map[string][]string) (types.Set, diag.Diagnostics) {
	grants, err := scopes.FromWire(wire)
	if err != nil {
		var diags diag.Diagnostics
		diags.Append(unexpectedScopes(id, err))
		return types.SetNull(scopeObjectType), diags
	}
	return scopeSetFromGrants(grants)
}
