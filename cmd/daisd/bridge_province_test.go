package main

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/realtime/bridge"
	"github.com/dais-meeting/dais/realtime/bridge/wantest"
	"github.com/dais-meeting/dais/realtime/natsbus"
	"github.com/dais-meeting/dais/realtime/natsbus/natstest"
	"github.com/dais-meeting/dais/storage/redis/redistest"
)

// freePort returns a loopback port free at the moment of the call.
func freePort(tb testing.TB) int {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startSiteAt starts a site's edge behind its own WAN link to the
// leafnode listener at hub (host:port).
func startSiteAt(tb testing.TB, hub, name string) (*node, *wantest.Link) {
	tb.Helper()
	link := wantest.Start(tb, name, hub)
	remote := url.URL{Scheme: "nats-leaf", User: siteUser(name), Host: link.Addr()}
	n, err := startNode(timeoutCtx(tb, 15*time.Second), config{
		Listen: "127.0.0.1:0", Data: tb.TempDir(), Name: name,
		Edge:         &edgeConfig{Remotes: []string{remote.String()}, CentreKey: testBridgePublic()},
		DrainTimeout: 5 * time.Second, Logger: testLogger(name),
	})
	if err != nil {
		tb.Fatalf("starting the edge %s: %v", name, err)
	}
	tb.Cleanup(func() { _ = n.shutdown(context.Background()) })
	waitLink(tb, n, true)
	return n, link
}

// TestBridgeProvince is issue 14's WAN test at a small size: a centre of
// two daisd nodes (Redis, a two-server NATS cluster whose servers accept
// leaf connections) and two bridge sites, each behind a WAN link of its
// own with latency and jitter, each joined to a different NATS server of
// the centre. One site's link is cut in the middle of the presentation and
// of a poll and restored: every tablet, in the main hall and at both
// sites, gets every event once and in order, both replicas hold the log,
// and the poll counts every ballot once.
func TestBridgeProvince(t *testing.T) {
	prefix := redistest.Prefix(t)
	leafPorts := []int{freePort(t), freePort(t)}
	// Each site logs in as its own user, held to its own subjects: the
	// users of the configuration `dais bridge-sites nats-config` writes.
	t.Setenv("DAIS_TEST_NATS_PASSWORD", "centre-nodes-password")
	leaf, err := bridge.LeafSites(testSites(t))
	if err != nil {
		t.Fatal(err)
	}
	conf, err := natsbus.SitesConfig("DAIS_TEST_NATS_PASSWORD", leaf)
	if err != nil {
		t.Fatal(err)
	}
	confFile := filepath.Join(t.TempDir(), "sites.conf")
	if err := os.WriteFile(confFile, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	users, err := server.ProcessConfigFile(confFile)
	if err != nil {
		t.Fatal(err)
	}
	natsc := natstest.StartCluster(t, 2, natsMaxPayload, func(i int, o *server.Options) {
		o.Users = users.Users
		o.LeafNode = server.LeafNodeOpts{Host: "127.0.0.1", Port: leafPorts[i], NoAdvertise: true}
	})
	redisURL := "redis://" + redistest.SharedAddr + "/0"
	asDais := func(c *config) { c.NATS.User, c.NATS.Password = "dais", "centre-nodes-password" }
	centre := []*node{
		startClusterNode(t, "c1", redisURL, prefix, natsc.URLs()[:1], asDais),
		startClusterNode(t, "c2", redisURL, prefix, natsc.URLs()[1:], asDais),
	}
	seed(t, centre[0], bridgeMeeting, largeMeeting(bridgeMeeting, siteDelegates))
	bavi, baviLink := startSiteAt(t, fmt.Sprintf("127.0.0.1:%d", leafPorts[0]), "bavi")
	socson, socsonLink := startSiteAt(t, fmt.Sprintf("127.0.0.1:%d", leafPorts[1]), "socson")
	for _, l := range []*wantest.Link{baviLink, socsonLink} {
		l.Latency(t, 15, 10)
	}
	nodes := []*node{centre[0], centre[1], bavi, socson}

	chair := signIn(t, centre[1], centre[0], bridgeMeeting, "chair", meeting.RoleChair)
	chair.dial(t, nodes, 0)
	// d01–d04 in the main hall on either central node, d05–d08 at Ba Vì,
	// d09–d12 at Sóc Sơn (the room of each in largeMeeting).
	delegates := make([]*device, siteDelegates)
	for i := range delegates {
		at := i % 2
		switch {
		case i >= 8:
			at = 3
		case i >= 4:
			at = 2
		}
		delegates[i] = signIn(t, centre[i%2], nodes[at], bridgeMeeting, delegateID(i), meeting.RoleDelegate)
		delegates[i].dial(t, nodes, at)
	}
	everyone := append([]*device{chair}, delegates...)
	cut := delegates[8:]

	chair.do(t, meeting.OpenSession{})
	parallel(t, delegates, func(_ int, d *device) error {
		_, err := d.try(meeting.CheckIn{})
		return err
	})
	chair.do(t, meeting.SetCurrentItem{Item: "i2"})
	chair.do(t, meeting.ShowDocument{Document: "doc1", Page: 1})
	for page := 2; page <= 3; page++ {
		chair.do(t, meeting.TurnPage{Page: page})
	}

	// Sóc Sơn's link is cut mid-presentation, and stays cut into the poll.
	socsonLink.Cut()
	waitLink(t, socson, false)
	for page := 4; page <= 6; page++ {
		chair.do(t, meeting.TurnPage{Page: page})
	}
	chair.do(t, meeting.OpenPoll{Poll: "v1"})
	choice := func(i int) string { return []string{"for", "for", "against"}[i%3] }
	ballot := func(i int) meeting.CastBallot {
		return meeting.CastBallot{Poll: "v1", Choice: choice(i), BallotID: fmt.Sprintf("%s-v1", delegateID(i))}
	}
	parallel(t, delegates[:8], func(i int, d *device) error {
		_, err := d.try(ballot(i))
		return err
	})
	for i, d := range cut {
		_, err := d.try(ballot(8 + i))
		assertRefused(t, err, meeting.Unavailable)
	}
	if socson.edge.LinkUp() {
		t.Fatal("the edge went around its cut link")
	}
	socsonLink.Restore(t)
	waitLink(t, socson, true)
	for i, d := range cut {
		eventually(t, bridgeWaitTime, d.id+"'s ballot after the cut", func() error {
			_, err := d.try(ballot(8 + i))
			return err
		})
	}
	want := map[string]int{"abstain": 0} // the result names every choice
	for i := range delegates {
		want[choice(i)]++
	}
	closePollEverywhere(t, chair, everyone, "v1", want)
	log := settle(t, centre[1], bridgeMeeting, everyone)
	if got := ballotsIn(t, log, "v1"); len(got) != len(delegates) {
		t.Fatalf("the log has %d ballots, want %d", len(got), len(delegates))
	}
	sameLog(t, centre[0], bavi, bridgeMeeting)
	sameLog(t, centre[1], socson, bridgeMeeting)
}
