package xanocli

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseCredentials(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    *File
		wantErr string
	}{
		{
			name: "two profiles",
			in: `default: staging
profiles:
  staging:
    access_token: tok-staging
    instance_origin: https://x1.xano.io
    account_origin: https://app.xano.com
    instance: x1
    workspace: 12
    branch: v1
  prod:
    access_token: " tok-prod "
`,
			want: &File{Default: "staging", Profiles: map[string]Profile{
				"staging": {AccessToken: "tok-staging", InstanceOrigin: "https://x1.xano.io", AccountOrigin: "https://app.xano.com", Instance: "x1", Workspace: "12", Branch: "v1"},
				"prod":    {AccessToken: "tok-prod"},
			}},
		},
		{
			name: "unknown keys are ignored",
			in: `version: 3
default: default
telemetry: {enabled: false}
profiles:
  default:
    access_token: tok
    favourite_colour: blue
    nested: {a: [1, 2]}
`,
			want: &File{Default: "default", Profiles: map[string]Profile{"default": {AccessToken: "tok"}}},
		},
		{
			name: "anchors and aliases",
			in: `base: &base
  instance_origin: https://x2.xano.io
profiles:
  a: *base
`,
			want: &File{Profiles: map[string]Profile{"a": {InstanceOrigin: "https://x2.xano.io"}}},
		},
		{name: "empty file", in: "", want: &File{Profiles: map[string]Profile{}}},
		{name: "only a comment", in: "# nothing yet\n", want: &File{Profiles: map[string]Profile{}}},
		{name: "null document", in: "~\n", want: &File{Profiles: map[string]Profile{}}},
		{name: "missing profiles key", in: "default: prod\n", want: &File{Default: "prod", Profiles: map[string]Profile{}}},
		{name: "empty profiles", in: "profiles:\n", want: &File{Profiles: map[string]Profile{}}},
		{name: "empty profile", in: "profiles:\n  a:\n", want: &File{Profiles: map[string]Profile{"a": {}}}},
		{
			name:    "malformed YAML",
			in:      "profiles:\n  a:\n    access_token: tok-secret\n   bad indent: [\n",
			wantErr: "not valid YAML",
		},
		{name: "top level is a list", in: "- a\n- b\n", wantErr: "line 1: the file must be a mapping"},
		{name: "profiles is a list", in: "profiles:\n  - a\n", wantErr: `line 2: "profiles" must be a mapping`},
		{name: "profile is a string", in: "profiles:\n  a: tok-secret\n", wantErr: `line 2: profile "a" must be a mapping`},
		{name: "token is a list", in: "profiles:\n  a:\n    access_token: [tok-secret]\n", wantErr: `line 3: profile "a": access_token must be a single value`},
		{name: "default is a mapping", in: "default: {a: b}\n", wantErr: "line 1: default must be a single value"},
		{name: "duplicate profile", in: "profiles:\n  a: {}\n  a: {}\n", wantErr: `profile "a" appears twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("Parse() = %+v, want error containing %q", got, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %q does not contain %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "tok-secret") {
					t.Errorf("error %q echoes the token", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse() error: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseCredentialsHidesQuotedValues(t *testing.T) {
	t.Parallel()
	// The YAML library quotes the offending text in some syntax errors; the
	// token on the broken line must not reach the message.
	_, err := Parse([]byte("profiles:\n  a:\n    access_token: \"tok-secret\n"))
	if err == nil {
		t.Fatal("want an error for an unterminated string")
	}
	if strings.Contains(err.Error(), "tok-secret") {
		t.Errorf("error %q echoes the token", err)
	}
}

func TestLoadCredentials(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()

	t.Run("missing file", func(t *testing.T) {
		t.Parallel()
		_, err := Load(filepath.Join(dir, "nope.yaml"))
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("error %v does not wrap fs.ErrNotExist", err)
		}
	})
	t.Run("valid file", func(t *testing.T) {
		t.Parallel()
		p := filepath.Join(dir, "ok.yaml")
		if err := os.WriteFile(p, []byte("profiles:\n  a:\n    access_token: t\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := Load(p)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := f.Profile("a"); got.AccessToken != "t" {
			t.Errorf("access token = %q, want t", got.AccessToken)
		}
	})
	t.Run("malformed file names the path", func(t *testing.T) {
		t.Parallel()
		p := filepath.Join(dir, "bad.yaml")
		if err := os.WriteFile(p, []byte("profiles: [\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Load(p)
		if err == nil || !strings.Contains(err.Error(), p) {
			t.Fatalf("error %v does not name %s", err, p)
		}
	})
}

func TestCredentialsPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		home string
		want string
	}{
		{name: "XANO_CONFIG names the file", env: map[string]string{"XANO_CONFIG": "/etc/xano.yaml"}, home: "/home/u", want: "/etc/xano.yaml"},
		{name: "home directory", home: "/home/u", want: filepath.Join("/home/u", ".xano", "credentials.yaml")},
		{name: "no home", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := fakeEnv(tt.env, tt.home)
			if got := Path(env.getenv, env.homeDir); got != tt.want {
				t.Errorf("credentialsPath() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMetaBaseURL(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                             "",
		"https://x1.xano.io":           "https://x1.xano.io/api:meta",
		"https://x1.xano.io/":          "https://x1.xano.io/api:meta",
		"https://x1.xano.io/api:meta":  "https://x1.xano.io/api:meta",
		" https://x1.xano.io/api:meta": "https://x1.xano.io/api:meta",
	} {
		if got := (Profile{InstanceOrigin: in}).MetaBaseURL(); got != want {
			t.Errorf("metaBaseURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseCredentials(f *testing.F) {
	for _, seed := range []string{
		"",
		"default: a\nprofiles:\n  a:\n    access_token: tok\n    instance_origin: https://x.xano.io\n",
		"profiles:\n  a: &x {access_token: t}\n  b: *x\n",
		"profiles: [\n",
		"- 1\n- 2\n",
		"profiles:\n  a:\n    access_token: [1]\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Parse(data)
		if err != nil {
			if got != nil {
				t.Fatalf("parseCredentials returned %+v with error %v", got, err)
			}
			if !utf8.ValidString(err.Error()) && utf8.Valid(data) {
				t.Fatalf("error is not valid UTF-8: %q", err)
			}
			return
		}
		if got == nil || got.Profiles == nil {
			t.Fatalf("parseCredentials returned %+v without error", got)
		}
		for name, p := range got.Profiles {
			if p.AccessToken != strings.TrimSpace(p.AccessToken) {
				t.Fatalf("profile %q: access token not trimmed", name)
			}
		}
	})
}

// fakeEnv is an environment with the given variables and home directory.
func fakeEnv(vars map[string]string, home string) testEnv {
	return testEnv{
		getenv: func(k string) string { return vars[k] },
		homeDir: func() (string, error) {
			if home == "" {
				return "", errors.New("no home directory")
			}
			return home, nil
		},
	}
}

type testEnv struct {
	getenv  func(string) string
	homeDir func() (string, error)
}
