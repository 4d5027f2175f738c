package main

import (
	"crypto"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBridgeKeyConfig: a central node's bridge key comes from the config,
// from -bridge-key-file, or (a lone node) from DATA/bridge.key made at
// first start; a clustered node without one serves no bridge site
// (errNoBridgeKey, which the node takes as "no hub", not as a failure).
func TestBridgeKeyConfig(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "shared.key")
	if err := os.WriteFile(file, []byte(strings.Repeat("07", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	lone := t.TempDir()
	for _, tc := range []struct {
		name    string
		cfg     config
		want    string // the public key's first hex digits; "" with wantErr
		wantErr string
	}{
		{name: "given", cfg: config{BridgeKey: testBridgeKey, RedisURL: "redis://x"}, want: bridgePublicHex()},
		{name: "the shared file of a cluster", cfg: config{BridgeKeyFile: file, RedisURL: "redis://x"}, want: bridgePublicHex()},
		{name: "a cluster without one", cfg: config{RedisURL: "redis://x", Data: dir}, wantErr: "-bridge-key-file"},
		{name: "a bad shared file", cfg: config{BridgeKeyFile: filepath.Join(dir, "missing.key"), RedisURL: "redis://x"}, wantErr: "missing.key"},
		{name: "a lone node, first start", cfg: config{Data: lone}},
		{name: "a lone node, again", cfg: config{Data: lone}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := loadBridgeKey(tc.cfg)
			switch {
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want an error saying %q", err, tc.wantErr)
				}
				// Only the missing key of a cluster is "no sites"; a key
				// file that cannot be read stops the node.
				if errors.Is(err, errNoBridgeKey) != (tc.name == "a cluster without one") {
					t.Fatalf("%v: errNoBridgeKey = %v", err, errors.Is(err, errNoBridgeKey))
				}
				return
			case err != nil:
				t.Fatal(err)
			case tc.want != "" && publicHex(k.Public()) != tc.want:
				t.Fatalf("public key %s, want %s", publicHex(k.Public()), tc.want)
			}
		})
	}
	// The lone node's key was made once and read again.
	a, err := loadBridgeKey(config{Data: lone})
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(lone, "bridge.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("DATA/bridge.key: %v", err)
	}
	b, err := loadBridgeKey(config{Data: lone})
	if err != nil || !a.Equal(b) {
		t.Fatalf("the lone node's key changed (%v)", err)
	}
}

func bridgePublicHex() string { return hex.EncodeToString(testBridgePublic()) }

func publicHex(k crypto.PublicKey) string { return hex.EncodeToString(k.(ed25519.PublicKey)) }
