package xano

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestValidInstanceName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// want is a text of the error, "" for a valid name.
		want string
	}{
		{"main", ""},
		{"x8ki-letm-xy12", ""},
		{"a.b", ""},
		{".hidden", ""},
		{"...", ""},
		{"", "empty"},
		{"  ", "empty"},
		{".", "path segment"},
		{"..", "path segment"},
		{"../main", "slash"},
		{"main/..", "slash"},
		{"a/b", "slash"},
		{"/", "slash"},
		{`..\main`, "slash or backslash"},
		{"main\n", "control character"},
	}
	for _, tt := range tests {
		err := ValidInstanceName(tt.name)
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("ValidInstanceName(%q) = %v, want %q", tt.name, err, tt.want)
		}
	}
}

// TestInvalidInstanceSendsNothing calls every endpoint that names an
// instance with names that would reach another path: none is sent.
func TestInvalidInstanceSendsNothing(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, map[string]any{}) })
	c := fastClient(t, f.srv.URL)
	calls := map[string]func(ctx context.Context, instance string) error{
		"ListTokens": func(ctx context.Context, in string) error { _, err := c.ListTokens(ctx, in); return err },
		"CreateToken": func(ctx context.Context, in string) error {
			_, err := c.CreateToken(ctx, in, CreateTokenRequest{Name: "x"})
			return err
		},
		"GetToken": func(ctx context.Context, in string) error { _, err := c.GetToken(ctx, in, 1); return err },
		"UpdateToken": func(ctx context.Context, in string) error {
			_, err := c.UpdateToken(ctx, in, 1, UpdateTokenRequest{})
			return err
		},
		"DeleteToken": func(ctx context.Context, in string) error { return c.DeleteToken(ctx, in, 1) },
		"RevokeToken": func(ctx context.Context, in string) error { return c.RevokeToken(ctx, in, 1) },
		"GetInstance": func(ctx context.Context, in string) error { _, err := c.GetInstance(ctx, in); return err },
	}
	for _, instance := range []string{"", ".", "..", "../x", "x/..", "a/b"} {
		for name, call := range calls {
			err := call(t.Context(), instance)
			var re *RequestError
			if !errors.As(err, &re) || KindOf(err) != KindInvalidInput {
				t.Errorf("%s(%q) = %v, want a RequestError of kind invalid input", name, instance, err)
			}
		}
	}
	if reqs := f.requests(); len(reqs) != 0 {
		t.Errorf("%d requests went out, the first to %s", len(reqs), reqs[0].Path)
	}
}

// TestRevokeToken takes a token as revoked only when the DELETE succeeds or
// its 404 is proven: Xano's not-found code and a token list without it.
func TestRevokeToken(t *testing.T) {
	t.Parallel()
	notFound := answer{404, xanoBody(CodeNotFound, "Token not found.")}
	emptyList := answer{200, `{"items":[],"curPage":1,"nextPage":null}`}
	tests := []struct {
		name string
		// deletes are the answers to the DELETE attempts, list the answer
		// to the token list.
		deletes []answer
		list    answer
		// wantErr is the kind of the error, KindUnknown for success.
		wantErr   Kind
		wantLists int
		check     func(t *testing.T, err error)
	}{
		{"revoked", []answer{{200, `{}`}}, emptyList, KindUnknown, 0, nil},
		{"no content", []answer{{204, ``}}, emptyList, KindUnknown, 0, nil},
		{"gone and not listed", []answer{notFound}, emptyList, KindUnknown, 1, nil},
		{"revoked, answer lost, then gone", []answer{{0, ""}, notFound}, emptyList, KindUnknown, 1, nil},
		{"gone but still listed", []answer{notFound}, answer{200, `{"items":[{"id":1,"name":"t1"}],"curPage":1,"nextPage":null}`},
			KindServerError, 1, func(t *testing.T, err error) {
				var u *UnconfirmedGoneError
				if !errors.As(err, &u) || !u.StillListed {
					t.Errorf("error = %#v, want StillListed", err)
				}
			}},
		{"a proxy's 404", []answer{{404, "<html>Not Found</html>"}}, emptyList, KindServerError, 0, func(t *testing.T, err error) {
			var u *UnconfirmedGoneError
			if !errors.As(err, &u) || !u.NotXano {
				t.Errorf("error = %#v, want NotXano", err)
			}
		}},
		{"gone, list refused", []answer{notFound}, answer{403, xanoBody(CodeAccessDenied, "no")}, KindForbidden, 1, nil},
		{"gone, list fails", []answer{notFound}, answer{500, xanoBody(CodeFatal, "broke")}, KindServerError, 1, nil},
		{"forbidden", []answer{{403, xanoBody(CodeAccessDenied, "no")}}, emptyList, KindForbidden, 0, nil},
		{"server failure", []answer{{500, xanoBody(CodeFatal, "broke")}}, emptyList, KindOutcomeUnknown, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
				a := tt.list
				if r.Method == http.MethodDelete {
					a = tt.deletes[min(n, len(tt.deletes))-1]
				}
				if a.status == 0 {
					hangUp(t, w)
					return
				}
				w.WriteHeader(a.status)
				_, _ = io.WriteString(w, a.body)
			})
			c := fastClient(t, f.srv.URL, func(c *TestConfig) { c.MaxRetries = len(tt.deletes) - 1 })
			err := c.RevokeToken(t.Context(), "main", 1)
			if got := KindOf(err); got != tt.wantErr || (err == nil) != (tt.wantErr == KindUnknown) {
				t.Errorf("RevokeToken = %v (%s), want %s", err, got, tt.wantErr)
			}
			lists := 0
			for _, r := range f.requests() {
				if r.Method == http.MethodGet {
					lists++
				}
			}
			if lists != tt.wantLists {
				t.Errorf("%d token lists read, want %d", lists, tt.wantLists)
			}
			if tt.check != nil {
				tt.check(t, err)
			}
		})
	}
}
