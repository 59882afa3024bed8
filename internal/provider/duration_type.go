package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/duration"
)

// DurationType is a string attribute holding a lifetime such as "12h", "7d"
// or "2w". Values compare by the duration they denote, so "24h" and "1d" are
// the same and rewriting one as the other plans no change.
type DurationType struct {
	basetypes.StringType
}

var _ basetypes.StringTypable = DurationType{}

// String names the type in framework error messages.
func (t DurationType) String() string { return "provider.DurationType" }

// Equal reports whether o is also a DurationType.
func (t DurationType) Equal(o attr.Type) bool {
	other, ok := o.(DurationType)
	return ok && t.StringType.Equal(other.StringType)
}

// ValueFromString wraps a plain string value.
func (t DurationType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return DurationValue{StringValue: in}, nil
}

// ValueFromTerraform converts a Terraform value into a DurationValue.
func (t DurationType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return DurationValue{StringValue: s}, nil
}

// ValueType returns the value type of this type.
func (t DurationType) ValueType(context.Context) attr.Value { return DurationValue{} }

// DurationValue is the value of a DurationType attribute.
type DurationValue struct {
	basetypes.StringValue
}

var (
	_ basetypes.StringValuableWithSemanticEquals = DurationValue{}
	_ xattr.ValidateableAttribute                = DurationValue{}
)

// NewDurationValue returns a known duration value holding s.
func NewDurationValue(s string) DurationValue {
	return DurationValue{StringValue: basetypes.NewStringValue(s)}
}

// NewDurationNull returns a null duration value.
func NewDurationNull() DurationValue {
	return DurationValue{StringValue: basetypes.NewStringNull()}
}

// NewDurationUnknown returns an unknown duration value.
func NewDurationUnknown() DurationValue {
	return DurationValue{StringValue: basetypes.NewStringUnknown()}
}

// Type returns DurationType.
func (v DurationValue) Type(context.Context) attr.Type { return DurationType{} }

// Equal compares the text exactly, as the framework requires of Equal;
// StringSemanticEquals compares by value.
func (v DurationValue) Equal(o attr.Value) bool {
	other, ok := o.(DurationValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

// Duration parses the value. It fails on null, unknown or malformed text.
func (v DurationValue) Duration() (time.Duration, error) {
	if v.IsNull() || v.IsUnknown() {
		return 0, fmt.Errorf("the duration is not known")
	}
	return duration.Parse(v.ValueString())
}

// StringSemanticEquals reports whether both values denote the same duration,
// so that the framework keeps the prior text ("24h") when a refresh derives
// an equal one ("1d").
func (v DurationValue) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	newValue, ok := newValuable.(DurationValue)
	if !ok {
		diags.AddError("Semantic equality check error",
			fmt.Sprintf("A duration was compared with a value of type %T. Please report this to the provider developers.", newValuable))
		return false, diags
	}
	return durationTextEqual(v.ValueString(), newValue.ValueString()), diags
}

// durationTextEqual reports whether two duration texts denote the same
// duration; unparseable texts are equal only when identical.
func durationTextEqual(a, b string) bool {
	if a == b {
		return true
	}
	da, errA := duration.Parse(a)
	db, errB := duration.Parse(b)
	return errA == nil && errB == nil && da == db
}

// ValidateAttribute rejects text that is not a duration, at validate time.
func (v DurationValue) ValidateAttribute(_ context.Context, req xattr.ValidateAttributeRequest, resp *xattr.ValidateAttributeResponse) {
	if v.IsNull() || v.IsUnknown() {
		return
	}
	if _, err := duration.Parse(v.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration", err.Error())
	}
}

// durationAtLeast is a validator refusing durations shorter than min. why
// explains the minimum; empty, it is Xano's shortest token lifetime.
type durationAtLeast struct {
	min time.Duration
	why string
}

var _ validator.String = durationAtLeast{}

func (d durationAtLeast) Description(context.Context) string {
	return "value must be a duration of at least " + duration.Format(d.min)
}

func (d durationAtLeast) MarkdownDescription(ctx context.Context) string {
	return d.Description(ctx)
}

func (d durationAtLeast) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	got, err := duration.Parse(req.ConfigValue.ValueString())
	if err != nil {
		// The type's own validation reports malformed text.
		return
	}
	if got < d.min {
		why := d.why
		if why == "" {
			why = "Xano refuses tokens that live less than an hour."
		}
		resp.Diagnostics.AddAttributeError(req.Path, "Duration too short",
			fmt.Sprintf("%q is shorter than the minimum of %s. %s Use %q or longer.",
				req.ConfigValue.ValueString(), duration.Format(d.min), why, duration.Format(d.min)))
	}
}
