package main

import (
	"fmt"
	"strings"
	"testing"
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
