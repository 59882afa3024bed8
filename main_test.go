package main

import (
	"reflect"
	"testing"
)

func TestQuietSDKLogs(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		env  map[string]string
		want map[string]string
	}{
		{
			name: "nothing asked: SDK logs off",
			env:  map[string]string{},
			want: map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF"},
		},
		{name: "TF_LOG set", env: map[string]string{"TF_LOG": "TRACE"}, want: map[string]string{"TF_LOG": "TRACE"}},
		{name: "provider log set", env: map[string]string{"TF_LOG_PROVIDER": "DEBUG"}, want: map[string]string{"TF_LOG_PROVIDER": "DEBUG"}},
		{name: "SDK level chosen", env: map[string]string{"TF_LOG_SDK_PROTO": "TRACE"}, want: map[string]string{"TF_LOG_SDK_PROTO": "TRACE"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{}
			for k, v := range tc.env {
				env[k] = v
			}
			quietSDKLogs(func(k string) string { return env[k] }, func(k, v string) error { env[k] = v; return nil })
			if !reflect.DeepEqual(env, tc.want) {
				t.Fatalf("env = %v, want %v", env, tc.want)
			}
		})
	}
}

func TestTuneGC(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		gogc string
		want int
	}{{"", 400}, {"100", -2}, {"off", -2}} {
		got := -2
		tuneGC(func(k string) string {
			if k == "GOGC" {
				return tc.gogc
			}
			return ""
		}, func(p int) int { got = p; return 100 })
		if got != tc.want {
			t.Errorf("GOGC=%q: SetGCPercent(%d), want %d (-2: not called)", tc.gogc, got, tc.want)
		}
	}
}
