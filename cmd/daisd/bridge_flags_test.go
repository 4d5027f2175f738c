package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/realtime/bridge"
	"github.com/dais-meeting/dais/realtime/natsbus"
)

// TestBridgeFlags: the bridge's flags refuse what cannot work, with the
// reason, and fill the config otherwise.
func TestBridgeFlags(t *testing.T) {
	env := map[string]string{"DAIS_EDGE_PASSWORD": "pw", "DAIS_NATS_LEAF_PASSWORD": "lpw"}
	getenv := func(k string) string { return env[k] }
	for _, tc := range []struct {
		name    string
		flags   edgeFlags
		cfg     config
		wantErr string
		check   func(config) error
	}{
		{name: "edge without a remote", flags: edgeFlags{edge: true}, wantErr: "-edge needs -edge-remote"},
		{name: "edge with an external NATS", flags: edgeFlags{edge: true, remotes: "nats-leaf://c:7422"}, cfg: config{NATSURLs: []string{"nats://x:4222"}}, wantErr: "drop -nats-url"},
		{name: "edge with Redis", flags: edgeFlags{edge: true, remotes: "nats-leaf://c:7422"}, cfg: config{RedisURL: "redis://x"}, wantErr: "drop -nats-url and -redis-url"},
		{name: "remote without -edge", flags: edgeFlags{remotes: "nats-leaf://c:7422"}, wantErr: "-edge-remote needs -edge"},
		{name: "bad remote", flags: edgeFlags{edge: true, remotes: "::"}, wantErr: "bad -edge-remote"},
		{name: "leaf listener without auth", flags: edgeFlags{leafListen: ":7422"}, wantErr: "needs -bridge-sites (a leaf user per site), or -nats-leaf-user"},
		{name: "leaf listener on an edge", flags: edgeFlags{edge: true, remotes: "nats-leaf://c:7422", leafListen: ":7422", leafUser: "u"}, wantErr: "central node's embedded NATS"},
		{name: "leaf CA without a certificate", flags: edgeFlags{leafListen: ":7422", leafCA: "ca.pem"}, wantErr: "needs -nats-leaf-cert"},
		{name: "edge without the centre's key", flags: edgeFlags{edge: true, remotes: "nats-leaf://c:7422"}, wantErr: "-edge needs -edge-centre-key"},
		{name: "edge with a bad second centre key", flags: edgeFlags{edge: true, remotes: "nats-leaf://c:7422", centreKey: "abababababababababababababababababababababababababababababababab,xyz"}, wantErr: "64 hex digits"},
		{name: "edge with five centre keys", cfg: config{Name: "bavi"}, flags: edgeFlags{edge: true, remotes: "nats-leaf://c:7422", centreKey: strings.Repeat("abababababababababababababababababababababababababababababababab,", 5)}, wantErr: "one public key, or a few"},
		{name: "edge with the old and the new centre key", cfg: config{Name: "bavi"}, flags: edgeFlags{edge: true, remotes: "nats-leaf://c:7422", centreKey: "abababababababababababababababababababababababababababababababab, cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"},
			check: func(c config) error {
				if c.Edge == nil || fmt.Sprintf("%x", c.Edge.CentreKey) != "abababababababababababababababababababababababababababababababab" || len(c.Edge.CentreKeys) != 1 || fmt.Sprintf("%x", c.Edge.CentreKeys[0]) != "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd" {
					return fmt.Errorf("edge config %+v", c.Edge)
				}
				return nil
			}},
		{name: "edge with a bad centre key", flags: edgeFlags{edge: true, remotes: "nats-leaf://c:7422", centreKey: "abcd"}, wantErr: "64 hex digits"},
		{name: "edge without a site name", flags: edgeFlags{edge: true, remotes: "nats-leaf://c:7422", centreKey: "abababababababababababababababababababababababababababababababab"}, cfg: config{Name: "Edge.Bavi"}, wantErr: "-edge needs -name SITE"},
		{name: "sites file and a shared leaf user", flags: edgeFlags{leafListen: ":7422", leafUser: "site", sites: "testdata/sites.txt"}, wantErr: "drop -nats-leaf-user"},
		{name: "sites file on an edge", flags: edgeFlags{edge: true, sites: "testdata/sites.txt"}, wantErr: "an edge is one site"},
		{name: "a missing sites file", flags: edgeFlags{sites: "testdata/no-such-sites.txt"}, wantErr: "-bridge-sites: sites file"},
		// A sites file with no site (its header only, a truncated copy)
		// started a centre whose leaf listener had no user at all, and
		// served any site under any name.
		{name: "a sites file with no site, listening", flags: edgeFlags{leafListen: "127.0.0.1:7422", sites: "testdata/sites-empty.txt"}, wantErr: "lists no site"},
		{name: "a sites file with no site", flags: edgeFlags{sites: "testdata/sites-empty.txt"}, wantErr: "lists no site"},
		{name: "leaf listener with a sites file", flags: edgeFlags{leafListen: "127.0.0.1:7422", sites: "testdata/sites.txt"},
			check: func(c config) error {
				if c.NATS.LeafUser != "" || len(c.NATS.LeafSites) != 3 || c.NATS.LeafSites[2].User != "site-sontay" || c.NATS.LeafSites[2].Name != "sontay" ||
					len(c.BridgeSites) != 3 || c.BridgeSites[0].Room != "bavi" || c.BridgeSites[2].Room != "phong-son-tay" {
					return fmt.Errorf("nats config %+v, sites %+v", c.NATS, c.BridgeSites)
				}
				return nil
			}},
		{name: "edge user and password go into the URL", cfg: config{Name: "bavi"}, flags: edgeFlags{edge: true, remotes: "nats-leaf://c:7422", user: "site", meetings: "m1, m2", centreKey: "abababababababababababababababababababababababababababababababab"},
			check: func(c config) error {
				if c.Edge == nil || c.Edge.Remotes[0] != "nats-leaf://site:pw@c:7422" || fmt.Sprint(c.Edge.Meetings) != "[m1 m2]" || fmt.Sprintf("%x", c.Edge.CentreKey) != "abababababababababababababababababababababababababababababababab" {
					return fmt.Errorf("edge config %+v", c.Edge)
				}
				return nil
			}},
		{name: "edge with a bad files bound", cfg: config{Name: "bavi"}, flags: edgeFlags{edge: true, remotes: "nats-leaf://c:7422", centreKey: "abababababababababababababababababababababababababababababababab", filesMax: "4 lots"}, wantErr: "-edge-files-max: \"4 lots\" is not a size"},
		{name: "edge with a zero files bound", cfg: config{Name: "bavi"}, flags: edgeFlags{edge: true, remotes: "nats-leaf://c:7422", centreKey: "abababababababababababababababababababababababababababababababab", filesMax: "0"}, wantErr: "is not a size"},
		{name: "edge with a files bound", cfg: config{Name: "bavi"}, flags: edgeFlags{edge: true, remotes: "nats-leaf://c:7422", centreKey: "abababababababababababababababababababababababababababababababab", filesMax: "500MiB"},
			check: func(c config) error {
				if c.Edge == nil || c.Edge.FilesMax != 500<<20 {
					return fmt.Errorf("edge config %+v", c.Edge)
				}
				return nil
			}},
		{name: "leaf listener", flags: edgeFlags{leafListen: "127.0.0.1:7422", leafUser: "site"},
			check: func(c config) error {
				if c.NATS.LeafListen != "127.0.0.1:7422" || c.NATS.LeafUser != "site" || c.NATS.LeafPassword != "lpw" || c.Edge != nil {
					return fmt.Errorf("nats config %+v", c.NATS)
				}
				return nil
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			err := tc.flags.apply(&cfg, getenv)
			switch {
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("got %v, want an error saying %q", err, tc.wantErr)
			case tc.wantErr == "" && err != nil:
				t.Fatal(err)
			case tc.check != nil:
				if err := tc.check(cfg); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// TestSharedLeafUserWarns: a central node whose leafnode listener takes
// one user for every site (-nats-leaf-user) says at start, as a warning,
// that the sites are not isolated and how to move to a sites file; one
// with a sites file says nothing of the kind.
func TestSharedLeafUserWarns(t *testing.T) {
	for _, tc := range []struct {
		name   string
		nats   natsbus.Config
		sites  []bridge.Site
		warned bool
	}{
		{name: "shared leaf user", nats: natsbus.Config{LeafListen: "127.0.0.1:0", LeafUser: "site", LeafPassword: "lpw"}, warned: true},
		{name: "sites file", nats: natsbus.Config{LeafListen: "127.0.0.1:0"}, sites: testSites(t)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.sites != nil {
				leaf, err := bridge.LeafSites(tc.sites)
				if err != nil {
					t.Fatal(err)
				}
				tc.nats.LeafSites = leaf
			}
			var out lockedBuffer
			n, err := startNode(timeoutCtx(t, 15*time.Second), config{Listen: "127.0.0.1:0", Data: t.TempDir(), Name: "centre",
				NATS: tc.nats, BridgeSites: tc.sites, DrainTimeout: 5 * time.Second, BridgeKey: testBridgeKey,
				Logger: slog.New(slog.NewTextHandler(&out, nil))})
			if err != nil {
				t.Fatal(err)
			}
			_ = n.shutdown(context.Background())
			log := out.String()
			warned := strings.Contains(log, "level=WARN") && strings.Contains(log, "bridge sites are NOT isolated")
			if warned != tc.warned {
				t.Fatalf("warned %v, want %v; log:\n%s", warned, tc.warned, log)
			}
			if warned && (!strings.Contains(log, "dais bridge-sites add") || !strings.Contains(log, "-bridge-sites FILE") || !strings.Contains(log, "leaf_user=site")) {
				t.Fatalf("the warning does not say how to move to a sites file:\n%s", log)
			}
		})
	}
}
