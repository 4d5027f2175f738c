package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	natsserver "github.com/nats-io/nats-server/v2/server"
	"golang.org/x/crypto/bcrypt"

	"github.com/dais-meeting/dais/realtime/bridge"
)

// TestBridgeSitesCommand: dais bridge-sites adds a site with a password
// shown once (the file keeps its bcrypt hash), gives a site a new password
// keeping its room, removes one, refuses a bad name, and writes a
// nats-server configuration that nats-server loads, with each site's user
// held to its own subjects.
func TestBridgeSitesCommand(t *testing.T) {
	file := filepath.Join(t.TempDir(), "sites.txt")
	dais := func(want int, args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		if code := run(context.Background(), append([]string{"bridge-sites"}, args...), func(string) string { return "" }, &out, &errOut); code != want {
			t.Fatalf("dais bridge-sites %v: exit %d, want %d: %s", args, code, want, errOut.String())
		}
		return out.String()
	}
	password := func(out string) string {
		for _, line := range strings.Split(out, "\n") {
			if v, ok := strings.CutPrefix(line, "DAIS_EDGE_PASSWORD="); ok {
				return v
			}
		}
		t.Fatalf("no password in %q", out)
		return ""
	}
	load := func() map[string]bridge.Site {
		t.Helper()
		sites, err := bridge.LoadSites(file)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]bridge.Site{}
		for _, s := range sites {
			m[s.Name] = s
		}
		return m
	}
	pw1 := password(dais(0, "add", "-sites", file, "bavi"))
	dais(0, "add", "-sites", file, "-room", "phong-son-tay", "sontay")
	dais(0, "add", "-sites", file, "socson")
	sites := load()
	if bcrypt.CompareHashAndPassword([]byte(sites["bavi"].PasswordHash), []byte(pw1)) != nil || sites["bavi"].Room != "bavi" || sites["sontay"].Room != "phong-son-tay" {
		t.Fatalf("sites %+v", sites)
	}
	if b, _ := os.ReadFile(file); strings.Contains(string(b), pw1) {
		t.Fatal("the sites file holds the password itself")
	}
	// A new password for sontay: the old no longer matches, the room stays.
	old := sites["sontay"].PasswordHash
	pw2 := password(dais(0, "add", "-sites", file, "sontay"))
	sites = load()
	if sites["sontay"].PasswordHash == old || bcrypt.CompareHashAndPassword([]byte(sites["sontay"].PasswordHash), []byte(pw2)) != nil || sites["sontay"].Room != "phong-son-tay" {
		t.Fatalf("sontay after a new password: %+v", sites["sontay"])
	}
	dais(0, "remove", "-sites", file, "socson")
	if _, ok := load()["socson"]; ok {
		t.Fatal("socson was not removed")
	}
	dais(2, "add", "-sites", file, "Ba.Vi")
	dais(1, "remove", "-sites", file, "nowhere")

	conf := dais(0, "nats-config", "-sites", file, "-password-env", "DAIS_TEST_NATS_PW")
	t.Setenv("DAIS_TEST_NATS_PW", "nodes-pw")
	path := filepath.Join(t.TempDir(), "nats.conf")
	if err := os.WriteFile(path, []byte(conf+"leafnodes { listen: 127.0.0.1:-1 }\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	opts, err := natsserver.ProcessConfigFile(path)
	if err != nil {
		t.Fatalf("nats-server does not load the configuration: %v\n%s", err, conf)
	}
	users := map[string]*natsserver.User{}
	for _, u := range opts.Users {
		users[u.Username] = u
	}
	if u := users["dais"]; u == nil || u.Password != "nodes-pw" {
		t.Fatalf("the nodes' user: %+v", u)
	}
	u := users["site-sontay"]
	if u == nil || u.Password != sites["sontay"].PasswordHash || u.Permissions == nil ||
		strings.Join(u.Permissions.Publish.Allow, ",") != "dais.site.sontay.>" || strings.Join(u.Permissions.Subscribe.Allow, ",") != "dais.site.sontay.>" {
		t.Fatalf("sontay's user: %+v", u)
	}
	if _, ok := u.AllowedConnectionTypes["LEAFNODE"]; !ok || len(u.AllowedConnectionTypes) != 1 {
		t.Fatalf("sontay's user may connect as %v, want leaf connections only", u.AllowedConnectionTypes)
	}
}

// TestBridgeKeyCommand: dais bridge-key new makes a key file (mode 0600)
// and prints its public half, refuses to overwrite one, and public reads
// the same half back.
func TestBridgeKeyCommand(t *testing.T) {
	file := filepath.Join(t.TempDir(), "bridge.key.new")
	dais := func(want int, args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		if code := run(context.Background(), append([]string{"bridge-key"}, args...), func(string) string { return "" }, &out, &errOut); code != want {
			t.Fatalf("dais bridge-key %v: exit %d, want %d: %s", args, code, want, errOut.String())
		}
		return strings.TrimSpace(out.String())
	}
	pub := dais(0, "new", file)
	key, err := bridge.LoadKey(file)
	if err != nil || bridge.PublicKeyString(key) != pub || len(pub) != 64 {
		t.Fatalf("new printed %q for %v (%v)", pub, key, err)
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the key file's mode %v (%v)", fi.Mode().Perm(), err)
	}
	dais(1, "new", file)
	if got := dais(0, "public", file); got != pub {
		t.Fatalf("public = %q, want %q", got, pub)
	}
	dais(2, "old", file)
}
