package bridge

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"golang.org/x/crypto/bcrypt"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/realtime/natsbus"
	"github.com/dais-meeting/dais/realtime/natsbus/natstest"
	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/bolt"
)

// sitesCentre is a centre's NATS whose leafnode listener admits two sites,
// bavi and sontay, each as its own user held to its own subjects.
type sitesCentre struct {
	bus       *natsbus.Bus // the central node's connection
	leafAddr  string       // host:port of the leafnode listener
	passwords map[string]string
}

// remote is the leaf URL a site's edge connects with.
func (c sitesCentre) remote(site string) string {
	return "nats-leaf://site-" + site + ":" + c.passwords[site] + "@" + c.leafAddr
}

func sitesOf(t *testing.T) ([]natsbus.LeafSite, map[string]string) {
	t.Helper()
	pw := map[string]string{"bavi": "bavi-secret-1", "sontay": "sontay-secret-2"}
	var sites []natsbus.LeafSite
	for _, name := range []string{"bavi", "sontay"} {
		h, err := bcrypt.GenerateFromPassword([]byte(pw[name]), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		sites = append(sites, natsbus.LeafSite{Name: name, User: "site-" + name, Password: string(h)})
	}
	return sites, pw
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// embeddedSitesCentre: a central node's embedded NATS with LeafSites
// (daisd -bridge-sites).
func embeddedSitesCentre(ctx context.Context, t *testing.T, log *slog.Logger) sitesCentre {
	sites, pw := sitesOf(t)
	bus, err := natsbus.Open(ctx, natsbus.Config{Name: "centre", LeafListen: "127.0.0.1:0", LeafSites: sites, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
	return sitesCentre{bus: bus, leafAddr: strings.TrimPrefix(bus.LeafURL(), "nats-leaf://"), passwords: pw}
}

// configuredSitesCentre: a nats-server (natstest) configured from the
// file natsbus.SitesConfig writes (`dais bridge-sites nats-config`), with a
// leafnodes {} block without authorization, as deploy/nats/nats.conf.
func configuredSitesCentre(ctx context.Context, t *testing.T, log *slog.Logger) sitesCentre {
	sites, pw := sitesOf(t)
	conf, err := natsbus.SitesConfig("DAIS_TEST_NODE_PASSWORD", sites)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("DAIS_TEST_NODE_PASSWORD", "nodes-password-0123")
	port := freePort(t)
	path := filepath.Join(t.TempDir(), "nats.conf")
	conf += fmt.Sprintf("leafnodes {\n  listen: 127.0.0.1:%d\n  no_advertise: true\n}\n", port)
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	fromFile, err := server.ProcessConfigFile(path)
	if err != nil {
		t.Fatalf("the generated configuration does not load: %v\n%s", err, conf)
	}
	cluster := natstest.StartCluster(t, 1, func(_ int, o *server.Options) {
		o.Users, o.LeafNode = fromFile.Users, fromFile.LeafNode
	})
	bus, err := natsbus.Open(ctx, natsbus.Config{Name: "centre", URLs: cluster.URLs(), User: "dais", Password: "nodes-password-0123", Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
	return sitesCentre{bus: bus, leafAddr: fmt.Sprintf("127.0.0.1:%d", port), passwords: pw}
}

// TestSitePermissions: with per-site leaf users (an embedded centre with
// LeafSites, and a nats-server configured from the generated file), a
// rogue connected with site bavi's credentials cannot read or write site
// sontay's traffic, while sontay's edge replicates through its own
// subjects:
//   - a rogue nats-server (a leaf node as an edge is) subscribed to all of
//     sontay's subjects and to ">" gets none of sontay's answers or
//     pushes, and sontay's reads, which it offers to answer, never reach
//     it; its command published as sontay never reaches the centre;
//   - a raw leaf connection, speaking the leaf protocol itself (so no
//     filtering of its own server), asking for ">" and for sontay's
//     subjects, gets its own site's messages and none of sontay's; when
//     it publishes a command on sontay's subject the centre closes it and
//     the command reaches nobody.
//
// The signature check stays: sontay's edge logs no refused answer (no
// rogue answer reached it at all).
func TestSitePermissions(t *testing.T) {
	for _, tc := range []struct {
		name   string
		centre func(context.Context, *testing.T, *slog.Logger) sitesCentre
	}{
		{"embedded centre", embeddedSitesCentre},
		{"nats-server from the generated configuration", configuredSitesCentre},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
			c := tc.centre(ctx, t, quiet)

			store, err := bolt.Open(t.TempDir(), bolt.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			if _, err := store.Append(ctx, "m1", 0, [][]byte{encodedEvent(t, 1), encodedEvent(t, 2)}); err != nil {
				t.Fatal(err)
			}
			hub, err := NewHub(HubConfig{Key: testKey, Logger: quiet}, c.bus, store, refusingSessions{}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer hub.Close()
			// What reaches the centre on sontay's subjects from anyone.
			var toCentre sync.Map
			stopWatch, err := c.bus.Serve("dais.site.sontay.>", "", func(subject string, data []byte, _ func([]byte)) {
				if strings.Contains(string(data), "rogue") {
					toCentre.Store(subject, string(data))
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			defer stopWatch()

			// The rogue: a leaf node with bavi's credentials, listening
			// to everything and offering to answer sontay's reads.
			rogue, err := natsbus.Open(ctx, natsbus.Config{Name: "rogue", LeafRemotes: []string{c.remote("bavi")}, InboxPrefix: natsbus.SiteInbox("bavi"), Logger: quiet})
			if err != nil {
				t.Fatal(err)
			}
			defer rogue.Close()
			waitLeaf(ctx, t, rogue)
			var stolen sync.Map // subject → count, of sontay's traffic the rogue got
			var ownGot atomic.Int64
			keep := func(subject string, data []byte) {
				if strings.Contains(string(data), "rogue") {
					return // its own, published on its own server
				}
				if strings.HasPrefix(subject, "dais.site.sontay.") || strings.HasPrefix(subject, "_INBOX.") {
					stolen.Store(subject, true)
				}
				if subject == "dais.site.bavi.probe" {
					ownGot.Add(1)
				}
			}
			for _, subj := range []string{">", "dais.site.sontay.>", "dais.site.*.rec.m1"} {
				stop, err := rogue.Serve(subj, "", func(subject string, data []byte, _ func([]byte)) { keep(subject, data) })
				if err != nil {
					t.Fatal(err)
				}
				defer stop()
			}
			var rogueAnswered atomic.Int64
			stopAns, err := rogue.Serve(readSubject("sontay", "m1"), queueGroup, func(subject string, data []byte, respond func([]byte)) {
				rogueAnswered.Add(1)
				respond([]byte(`{"version":9}`))
			})
			if err != nil {
				t.Fatal(err)
			}
			defer stopAns()

			// sontay's edge replicates through its own subjects.
			logs := &watchLog{wants: map[string]chan struct{}{}}
			site, err := natsbus.Open(ctx, natsbus.Config{Name: "sontay", LeafRemotes: []string{c.remote("sontay")}, InboxPrefix: natsbus.SiteInbox("sontay"), Logger: quiet})
			if err != nil {
				t.Fatal(err)
			}
			defer site.Close()
			replica, err := bolt.Open(t.TempDir(), bolt.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer replica.Close()
			e := NewEdge(EdgeConfig{Site: "sontay", Meetings: []string{"m1"}, TailCheck: 20 * time.Millisecond, LinkCheck: 10 * time.Millisecond,
				PingEvery: 50 * time.Millisecond, CentreKey: testPublic, Logger: slog.New(slog.NewTextHandler(logs, nil))}, site, replica)
			defer e.Close()
			waitReplica(ctx, t, replica, 2)
			// The centre knows sontay follows m1 (from its report, on
			// its subject); a record pushed reaches sontay.
			for len(hub.followers("m1")) == 0 {
				sleepOrFail(ctx, t, "the centre never had sontay's report")
			}
			if got := hub.followers("m1"); len(got) != 1 || got[0] != "sontay" {
				t.Fatalf("followers of m1: %v, want [sontay]", got)
			}
			if _, err := store.Append(ctx, "m1", 2, [][]byte{encodedEvent(t, 3)}); err != nil {
				t.Fatal(err)
			}
			if err := c.bus.Publish("dais.m.m1.ev", []byte(`[{"seq":3}]`)); err != nil {
				t.Fatal(err)
			}
			waitReplica(ctx, t, replica, 3)

			// The rogue publishes a command and a report as sontay.
			if err := rogue.Publish(cmdSubject("sontay", "m1"), []byte(`{"token":"rogue","name":"RequestFloor"}`)); err != nil {
				t.Fatal(err)
			}
			if err := rogue.Publish(siteSubject("sontay", kindStatus, ""), []byte(`{"site":"rogue","meetings":[{"id":"m9"}]}`)); err != nil {
				t.Fatal(err)
			}
			// Its own subjects reach it: once a probe on them arrived,
			// all that came before on the same connection has too.
			for ownGot.Load() == 0 {
				if err := c.bus.Publish("dais.site.bavi.probe", []byte("{}")); err != nil {
					t.Fatal(err)
				}
				sleepOrFail(ctx, t, "the rogue never got a message on its own subjects")
			}
			// And a round trip from the rogue to the centre on its own
			// subjects: what it published before has been through.
			if _, err := rogue.Request(ctx, siteSubject("bavi", kindPing, ""), []byte("{}")); err != nil {
				t.Fatalf("the rogue's ping on its own subject: %v", err)
			}
			stolen.Range(func(k, _ any) bool {
				t.Errorf("the rogue got sontay's message on %s", k)
				return true
			})
			if n := rogueAnswered.Load(); n != 0 {
				t.Errorf("%d of sontay's reads reached the rogue", n)
			}
			toCentre.Range(func(k, v any) bool {
				t.Errorf("the rogue's message reached the centre on %s: %s", k, v)
				return true
			})
			for _, s := range hub.Sites("m9") {
				t.Errorf("a report under sontay's subject from the rogue was taken: %+v", s)
			}
			if strings.Contains(logs.String(), "refused an answer") {
				t.Errorf("a rogue answer reached sontay's edge: %s", logs.String())
			}

			// The raw leaf connection: no server of its own filters it.
			raw := dialLeaf(t, c.leafAddr, "site-bavi", c.passwords["bavi"])
			defer raw.Close()
			raw.send(t, "LS+ >\r\nLS+ dais.site.sontay.>\r\nLS+ dais.site.*.rec.m1\r\nPING\r\n")
			raw.until(t, "PONG")
			if _, err := store.Append(ctx, "m1", 3, [][]byte{encodedEvent(t, 4)}); err != nil {
				t.Fatal(err)
			}
			if err := c.bus.Publish("dais.m.m1.ev", []byte(`[{"seq":4}]`)); err != nil {
				t.Fatal(err)
			}
			waitReplica(ctx, t, replica, 4)
			if err := c.bus.Publish("dais.site.bavi.probe", []byte("{}")); err != nil {
				t.Fatal(err)
			}
			seen := raw.until(t, "LMSG dais.site.bavi.probe")
			if strings.Contains(seen, "sontay") {
				t.Errorf("the raw leaf got sontay's traffic:\n%s", seen)
			}
			// A command published as sontay: the centre closes the
			// connection and the command reaches nobody.
			cmd := `{"token":"rogue","name":"RequestFloor"}`
			raw.send(t, fmt.Sprintf("LMSG %s %s.x %d\r\n%s\r\nPING\r\n", cmdSubject("sontay", "m1"), natsbus.SiteInbox("sontay"), len(cmd), cmd))
			rest := raw.untilClosed(t)
			if !strings.Contains(rest, "Permissions Violation for Publish") {
				t.Errorf("the centre did not refuse the raw leaf's publish as sontay:\n%s", rest)
			}
			if _, err := rogue.Request(ctx, siteSubject("bavi", kindPing, ""), []byte("{}")); err != nil {
				t.Fatalf("ping: %v", err)
			}
			toCentre.Range(func(k, v any) bool {
				t.Errorf("the raw leaf's message reached the centre on %s: %s", k, v)
				return true
			})
		})
	}
}

// refusingSessions knows no session.
type refusingSessions struct{}

func (refusingSessions) Authenticate(context.Context, string) (access.Session, error) {
	return access.Session{}, meeting.Errorf(meeting.Unauthorized, "không", "no")
}
func (refusingSessions) JoinWhere(context.Context, string, func(context.Context, string) error) (access.Session, error) {
	return access.Session{}, meeting.Errorf(meeting.Unauthorized, "không", "no")
}
func (refusingSessions) Export(context.Context, string) (storage.Session, error) {
	return storage.Session{}, meeting.Errorf(meeting.Unauthorized, "không", "no")
}
func (refusingSessions) SignOut(context.Context, string) error { return nil }

func waitLeaf(ctx context.Context, t *testing.T, b *natsbus.Bus) {
	t.Helper()
	for !b.LeafConnected() {
		sleepOrFail(ctx, t, "the leaf never connected")
	}
}

func sleepOrFail(ctx context.Context, t *testing.T, msg string) {
	t.Helper()
	select {
	case <-ctx.Done():
		t.Fatal(msg)
	case <-time.After(10 * time.Millisecond):
	}
}

func (w *watchLog) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// rawLeaf is a leaf connection spoken by hand.
type rawLeaf struct {
	net.Conn
	r *bufio.Reader
}

func dialLeaf(t *testing.T, addr, user, password string) *rawLeaf {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	l := &rawLeaf{Conn: conn, r: bufio.NewReader(conn)}
	l.until(t, "INFO")
	connect, _ := json.Marshal(map[string]any{"user": user, "pass": password, "name": "raw-rogue", "server_id": "RAWROGUE", "protocol": 1})
	l.send(t, "CONNECT "+string(connect)+"\r\nPING\r\n")
	l.until(t, "PONG")
	return l
}

func (l *rawLeaf) send(t *testing.T, s string) {
	t.Helper()
	if _, err := l.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
}

// until reads lines (answering the server's pings) until one begins with
// prefix, and returns all it read.
func (l *rawLeaf) until(t *testing.T, prefix string) string {
	t.Helper()
	var all strings.Builder
	_ = l.SetReadDeadline(time.Now().Add(20 * time.Second))
	for {
		line, err := l.r.ReadString('\n')
		all.WriteString(line)
		if err != nil {
			t.Fatalf("reading the leaf connection waiting for %q: %v\n%s", prefix, err, all.String())
		}
		if strings.HasPrefix(line, "PING") {
			l.send(t, "PONG\r\n")
		}
		if strings.HasPrefix(line, prefix) {
			return all.String()
		}
	}
}

// untilClosed reads until the server closes the connection.
func (l *rawLeaf) untilClosed(t *testing.T) string {
	t.Helper()
	var all strings.Builder
	_ = l.SetReadDeadline(time.Now().Add(20 * time.Second))
	for {
		line, err := l.r.ReadString('\n')
		all.WriteString(line)
		if err == io.EOF {
			return all.String()
		}
		if err != nil {
			t.Fatalf("the centre did not close the leaf connection: %v\n%s", err, all.String())
		}
	}
}
