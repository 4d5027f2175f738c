package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/realtime/bridge"
	"github.com/dais-meeting/dais/realtime/bridge/wantest"
	"github.com/dais-meeting/dais/realtime/natsbus"
	"github.com/dais-meeting/dais/realtime/protocol"
)

// The bridge tests run a centre and bridge sites' edges (docs/bridge.md)
// with real nats-servers: the centre's embedded server accepts leaf
// connections, each edge's embedded server is a leaf node of it, through a
// WAN link of its own (wantest: toxiproxy) that a test slows down and cuts.

const (
	bridgeMeeting  = "bridge-1"
	siteDelegates  = 12 // d01–d04 main hall, d05–d08 Ba Vì, d09–d12 Sóc Sơn
	bridgeWaitTime = 20 * time.Second
)

// testSites are the tests' bridge sites (testdata/sites.txt, as daisd
// -bridge-sites reads it): each site's leaf user is site-NAME, its
// password NAME-password.
func testSites(tb testing.TB) []bridge.Site {
	tb.Helper()
	sites, err := bridge.LoadSites("testdata/sites.txt")
	if err != nil {
		tb.Fatal(err)
	}
	return sites
}

// siteUser is the leaf user and password of a test site.
func siteUser(name string) *url.Userinfo { return url.UserPassword("site-"+name, name+"-password") }

// startCentre starts a lone central node that accepts the test sites' leaf
// connections, each site as its own user; configure may change its config
// first.
func startCentre(tb testing.TB, configure ...func(*config)) *node {
	tb.Helper()
	sites := testSites(tb)
	leaf, err := bridge.LeafSites(sites)
	if err != nil {
		tb.Fatal(err)
	}
	cfg := config{
		Listen: "127.0.0.1:0", Data: tb.TempDir(), Name: "centre",
		NATS:        natsbus.Config{LeafListen: "127.0.0.1:0", LeafSites: leaf},
		BridgeSites: sites,
		SiteTimeout: time.Second, DrainTimeout: 5 * time.Second, Logger: testLogger("centre"),
		BridgeKey: testBridgeKey,
	}
	for _, f := range configure {
		f(&cfg)
	}
	n, err := startNode(timeoutCtx(tb, 15*time.Second), cfg)
	if err != nil {
		tb.Fatalf("starting the centre: %v", err)
	}
	tb.Cleanup(func() { _ = n.shutdown(context.Background()) })
	seed(tb, n, bridgeMeeting, largeMeeting(bridgeMeeting, siteDelegates))
	return n
}

// startSite starts a site's WAN link to the centre and the site's edge
// behind it, and waits for the leaf connection; configure may change the
// edge's config first.
func startSite(tb testing.TB, centre *node, name string, configure ...func(*config)) (*node, *wantest.Link) {
	tb.Helper()
	u, err := url.Parse(centre.bus.LeafURL())
	if err != nil || u.Host == "" {
		tb.Fatalf("the centre's leaf URL %q: %v", centre.bus.LeafURL(), err)
	}
	link := wantest.Start(tb, name, u.Host)
	scheme := "nats-leaf"
	if centre.cfg.NATS.LeafTLS != nil {
		scheme = "tls"
	}
	remote := url.URL{Scheme: scheme, User: siteUser(name), Host: link.Addr()}
	cfg := config{
		Listen: "127.0.0.1:0", Data: tb.TempDir(), Name: name,
		Edge:         &edgeConfig{Remotes: []string{remote.String()}, PingEvery: 200 * time.Millisecond, CentreKey: testBridgePublic()},
		DrainTimeout: 5 * time.Second, Logger: testLogger(name),
	}
	for _, f := range configure {
		f(&cfg)
	}
	n, err := startNode(timeoutCtx(tb, 15*time.Second), cfg)
	if err != nil {
		tb.Fatalf("starting the edge %s: %v", name, err)
	}
	tb.Cleanup(func() { _ = n.shutdown(context.Background()) })
	waitLink(tb, n, true)
	return n, link
}

// waitLink waits until the edge sees its link up (or down).
func waitLink(tb testing.TB, edge *node, up bool) {
	tb.Helper()
	eventually(tb, bridgeWaitTime, fmt.Sprintf("the edge's link up=%v", up), func() error {
		if edge.edge.LinkUp() != up {
			return fmt.Errorf("link up=%v", edge.edge.LinkUp())
		}
		return nil
	})
}

// sameLog checks that the edge's replica holds the centre's records: the
// same seqs, bytes and audit-chain links.
func sameLog(tb testing.TB, centre, edge *node, meetingID string) {
	tb.Helper()
	ctx := timeoutCtx(tb, 10*time.Second)
	want, err := centre.store.Read(ctx, meetingID, 1, 0)
	if err != nil {
		tb.Fatal(err)
	}
	eventually(tb, bridgeWaitTime, "the replica holds the centre's log", func() error {
		got, err := edge.store.Read(ctx, meetingID, 1, 0)
		if err != nil {
			return err
		}
		if len(got) != len(want) {
			return fmt.Errorf("%d records, the centre has %d", len(got), len(want))
		}
		for i := range want {
			if got[i].Seq != want[i].Seq || !bytes.Equal(got[i].Data, want[i].Data) || !bytes.Equal(got[i].Hash, want[i].Hash) || got[i].Hash == nil {
				tb.Fatalf("record %d differs: replica seq %d link %x, centre seq %d link %x", i+1, got[i].Seq, got[i].Hash, want[i].Seq, want[i].Hash)
			}
		}
		return nil
	})
}

// siteDevices signs in the Ba Vì delegates at the edge (their join goes to
// the centre) and d08 at the centre (its token then opens a session at the
// edge), and connects them all to the edge.
func siteDevices(tb testing.TB, centre, edge *node) []*device {
	tb.Helper()
	nodes := []*node{centre, edge}
	var out []*device
	for i := 4; i < 8; i++ {
		joiner := edge
		if i == 7 {
			joiner = centre
		}
		d := signIn(tb, centre, joiner, bridgeMeeting, delegateID(i), meeting.RoleDelegate)
		d.dial(tb, nodes, 1)
		out = append(out, d)
	}
	return out
}

// TestBridgeSite is stage 1 of issue 14: an edge joined to the centre as a
// leaf node replicates the meeting's log (same records, same links), signs
// its tablets in through the centre, and its tablets get the chair's page
// turns in order, once, over a WAN with latency and jitter.
func TestBridgeSite(t *testing.T) {
	centre := startCentre(t)
	edge, link := startSite(t, centre, "bavi")
	link.Latency(t, 15, 5)
	nodes := []*node{centre, edge}

	chair := signIn(t, centre, centre, bridgeMeeting, "chair", meeting.RoleChair)
	chair.dial(t, nodes, 0)
	site := siteDevices(t, centre, edge)

	chair.do(t, meeting.OpenSession{})
	chair.do(t, meeting.SetCurrentItem{Item: "i2"})
	chair.do(t, meeting.ShowDocument{Document: "doc1", Page: 1})
	for page := 2; page <= 10; page++ {
		chair.do(t, meeting.TurnPage{Page: page})
	}
	// A site delegate's command goes to the centre and comes back.
	site[0].do(t, meeting.CheckIn{})
	settle(t, centre, bridgeMeeting, append([]*device{chair}, site...))
	sameLog(t, centre, edge, bridgeMeeting)

	// The edge's state is the centre's.
	st, err := edge.svc.State(timeoutCtx(t, 5*time.Second), bridgeMeeting)
	if err != nil {
		t.Fatal(err)
	}
	if st.Presentation.Page != 10 || !st.Participants[delegateID(4)].Present {
		t.Fatalf("the edge's state: page %d, %s present %v", st.Presentation.Page, delegateID(4), st.Participants[delegateID(4)].Present)
	}

	// The chair sees the site: online, its round trip over the 2 × 15 ms
	// link, its four tablets, its replica current; offline once cut.
	v, err := centre.svc.Version(timeoutCtx(t, 5*time.Second), bridgeMeeting)
	if err != nil {
		t.Fatal(err)
	}
	sites := func() []bridge.SiteStatus {
		code, body := request(t, http.MethodGet, baseURL(centre)+"/api/v1/meetings/"+bridgeMeeting+"/sites", chair.token, nil)
		var out struct{ Sites []bridge.SiteStatus }
		if code != http.StatusOK || json.Unmarshal(body, &out) != nil {
			t.Fatalf("sites: %d %s", code, body)
		}
		return out.Sites
	}
	eventually(t, bridgeWaitTime, "the chair sees the site online and current", func() error {
		s := sites()
		if len(s) != 1 || s[0].Site != "bavi" || s[0].Room != "bavi" || !s[0].Online || s[0].Tablets != len(site) || s[0].Version != v || s[0].RTTMs < 20 {
			return fmt.Errorf("sites %+v", s)
		}
		return nil
	})
	if body := readyzBody(t, edge); body["centre"] != "ok" {
		t.Fatalf("the edge's /readyz: %v", body)
	}
	link.Cut()
	waitLink(t, edge, false)
	if body := readyzBody(t, edge); body["centre"] != "cut" || body["store"] != "ok" {
		t.Fatalf("the edge's /readyz during the cut: %v", body)
	}
	eventually(t, bridgeWaitTime, "the chair sees the site offline", func() error {
		if s := sites(); len(s) != 1 || s[0].Online {
			return fmt.Errorf("sites %+v", s)
		}
		return nil
	})
}

// TestBridgeSiteCut is stage 2 of issue 14: the site's link is cut in the
// middle of a presentation. The site's tablets stay connected to the edge
// (a tablet that reconnects meanwhile is served from the replica), a
// command that needs the centre is refused Unavailable in both languages
// and changes nothing, the centre goes on; when the link returns the edge
// catches up by seq and every tablet gets what it missed, in order, once.
func TestBridgeSiteCut(t *testing.T) {
	centre := startCentre(t)
	edge, link := startSite(t, centre, "bavi")
	link.Latency(t, 10, 5)
	nodes := []*node{centre, edge}

	chair := signIn(t, centre, centre, bridgeMeeting, "chair", meeting.RoleChair)
	chair.dial(t, nodes, 0)
	site := siteDevices(t, centre, edge)
	all := append([]*device{chair}, site...)

	chair.do(t, meeting.OpenSession{})
	chair.do(t, meeting.SetCurrentItem{Item: "i2"})
	chair.do(t, meeting.ShowDocument{Document: "doc1", Page: 1})
	for page := 2; page <= 4; page++ {
		chair.do(t, meeting.TurnPage{Page: page})
	}
	site[0].do(t, meeting.CheckIn{})
	site[3].do(t, meeting.RequestFloor{})
	settle(t, centre, bridgeMeeting, all)

	link.Cut()
	waitLink(t, edge, false)
	before, err := centre.svc.Version(timeoutCtx(t, 5*time.Second), bridgeMeeting)
	if err != nil {
		t.Fatal(err)
	}
	for page := 5; page <= 10; page++ {
		chair.do(t, meeting.TurnPage{Page: page})
	}
	chair.do(t, meeting.SetCurrentItem{Item: "i3"})
	// What needs the centre is refused, and nothing is written.
	_, err = site[1].try(meeting.CheckIn{})
	assertRefused(t, err, meeting.Unavailable)
	// A request to speak is held at the edge and acked queued; a resend
	// with the same command id (a tablet that lost the ack) is held once.
	// d08, who asked before the cut, withdraws and asks again: both held,
	// in order. d06 asks and withdraws: cancelled at the edge.
	_, err = site[1].try(meeting.RequestFloor{Kind: "song"})
	assertRefused(t, err, meeting.Invalid) // what the meeting refuses is refused now
	send := func(d *device, id, name string, args string) protocol.Ack {
		t.Helper()
		ack, err := d.client().SendID(timeoutCtx(t, 10*time.Second), id, name, json.RawMessage(args))
		if err != nil || !ack.OK {
			t.Fatalf("%s: %s (%s) during the cut: ack %+v, %v", d.id, name, id, ack, err)
		}
		return ack
	}
	for range 2 {
		if ack := send(site[2], "rf-1", "RequestFloor", `{"topic":"Giao thông nông thôn"}`); !ack.Queued {
			t.Fatalf("%s: a request to speak during the cut: ack %+v; want queued", site[2].id, ack)
		}
	}
	_, err = site[2].try(meeting.RequestFloor{})
	assertRefused(t, err, meeting.Conflict) // held already
	for i, name := range []string{"WithdrawFloor", "RequestFloor"} {
		if ack := send(site[3], fmt.Sprintf("w-%d", i), name, `{}`); !ack.Queued {
			t.Fatalf("%s: %s during the cut: ack %+v; want queued", site[3].id, name, ack)
		}
	}
	send(site[1], "c-0", "RequestFloor", `{}`)
	if ack := send(site[1], "c-1", "WithdrawFloor", `{}`); ack.Queued {
		t.Fatalf("%s: withdrawing a held request: ack %+v; want done at the edge", site[1].id, ack)
	}
	if n := edge.edge.Held(); n != 3 {
		t.Fatalf("the edge holds %d commands, want 3", n)
	}
	if v, err := centre.svc.Version(timeoutCtx(t, 5*time.Second), bridgeMeeting); err != nil || v != before+7 {
		t.Fatalf("the centre's log is at %d (%v), want %d: the refused commands wrote something", v, err, before+7)
	}
	// The site's tablets are still connected, and one that reconnects
	// during the cut is served (resumed) from the replica.
	for _, d := range site {
		if err := d.client().Err(); err != nil {
			t.Fatalf("%s lost its connection to the edge during the cut: %v", d.id, err)
		}
	}
	_ = site[3].client().Close()
	site[3].dial(t, nodes, 1)

	if edge.edge.LinkUp() {
		t.Fatal("the edge went around its cut link")
	}
	link.Restore(t)
	waitLink(t, edge, true)
	// The held commands reach the centre once the link is back, in order;
	// the chair sees d07's request once, d08's withdrawal and new request,
	// nothing of d06's.
	eventually(t, 20*time.Second, "the held requests to speak sent", func() error {
		if n := edge.edge.Held(); n != 0 {
			return fmt.Errorf("%d still held", n)
		}
		return nil
	})
	log := settle(t, centre, bridgeMeeting, all)
	sameLog(t, centre, edge, bridgeMeeting)
	floor := floorEvents(log)
	wantFloor := []string{"FloorRequested " + site[3].id, "FloorRequested " + site[2].id, "FloorWithdrawn " + site[3].id, "FloorRequested " + site[3].id}
	if fmt.Sprint(floor) != fmt.Sprint(wantFloor) {
		t.Fatalf("the log's floor events %v, want %v", floor, wantFloor)
	}
	if chairs := floorEvents(chair.received()); fmt.Sprint(chairs) != fmt.Sprint(wantFloor) {
		t.Fatalf("the chair received %v, want %v", chairs, wantFloor)
	}
	// The same command id once more: counted once still.
	if ack, err := site[2].client().SendID(timeoutCtx(t, 10*time.Second), "rf-1", "RequestFloor", nil); err != nil || !ack.OK {
		t.Fatalf("the request's resend after the return: %+v, %v", ack, err)
	}
	// The link works for commands again.
	site[1].do(t, meeting.CheckIn{})
	log = settle(t, centre, bridgeMeeting, all)
	if got := floorEvents(log); fmt.Sprint(got) != fmt.Sprint(wantFloor) {
		t.Fatalf("the log's floor events after a resend %v, want %v", got, wantFloor)
	}
}

// floorEvents are the requests to speak and withdrawals among events, as
// "FloorRequested d07".
func floorEvents(events []meeting.Event) []string {
	var out []string
	for _, ev := range events {
		switch d := ev.Data.(type) {
		case meeting.FloorRequested:
			out = append(out, "FloorRequested "+d.Participant)
		case meeting.FloorWithdrawn:
			out = append(out, "FloorWithdrawn "+d.Participant)
		}
	}
	return out
}

// TestBridgePollAcrossCut is stage 3 of issue 14: a poll counted right
// across a cut of one site's link. Site ballots go to the centre through
// the edge; a ballot during the cut is refused Unavailable (docs/bridge.md:
// ballots are not held at the edge) and sent again with the same ballot id
// once the link is back it counts once; a resend of a ballot already
// counted is answered with its first seq. Every tablet, at the centre and
// at the site, gets the same result.
func TestBridgePollAcrossCut(t *testing.T) {
	centre := startCentre(t)
	edge, link := startSite(t, centre, "bavi")
	link.Latency(t, 10, 5)
	nodes := []*node{centre, edge}

	chair := signIn(t, centre, centre, bridgeMeeting, "chair", meeting.RoleChair)
	chair.dial(t, nodes, 0)
	var hall []*device // d01–d04, in the main hall
	for i := range 4 {
		d := signIn(t, centre, centre, bridgeMeeting, delegateID(i), meeting.RoleDelegate)
		d.dial(t, nodes, 0)
		hall = append(hall, d)
	}
	site := siteDevices(t, centre, edge) // d05–d08, at Ba Vì
	voters := append(append([]*device(nil), hall...), site...)
	all := append([]*device{chair}, voters...)

	chair.do(t, meeting.OpenSession{})
	for _, d := range voters {
		d.do(t, meeting.CheckIn{})
	}
	chair.do(t, meeting.OpenPoll{Poll: "v1"})
	choice := map[string]string{"d01": "for", "d02": "for", "d03": "against", "d04": "abstain",
		"d05": "for", "d06": "against", "d07": "for", "d08": "for"}
	ballot := func(d *device) meeting.CastBallot {
		return meeting.CastBallot{Poll: "v1", Choice: choice[d.id], BallotID: d.id + "-v1"}
	}
	first := site[0].do(t, ballot(site[0]))
	site[1].do(t, ballot(site[1]))

	link.Cut()
	waitLink(t, edge, false)
	for _, d := range site[2:] {
		_, err := d.try(ballot(d))
		assertRefused(t, err, meeting.Unavailable)
	}
	for _, d := range hall {
		d.do(t, ballot(d))
	}
	if edge.edge.LinkUp() {
		t.Fatal("the edge went around its cut link")
	}
	link.Restore(t)
	waitLink(t, edge, true)
	// The refused ballots, sent again with their ids, count once; a
	// resend of a counted one is answered with its first seq.
	for _, d := range site[2:] {
		eventually(t, bridgeWaitTime, d.id+"'s ballot after the cut", func() error {
			_, err := d.try(ballot(d))
			return err
		})
	}
	if again := site[0].do(t, ballot(site[0])); again != first {
		t.Fatalf("the resent ballot was answered seq %d, its first was %d", again, first)
	}
	closePollEverywhere(t, chair, all, "v1", map[string]int{"for": 5, "against": 2, "abstain": 1})
	log := settle(t, centre, bridgeMeeting, all)
	if got := ballotsIn(t, log, "v1"); len(got) != len(voters) {
		t.Fatalf("the log has %d ballots, want %d: %v", len(got), len(voters), got)
	}
	sameLog(t, centre, edge, bridgeMeeting)
}

// TestBridgeSiteTLS: the leaf connection over TLS, with the certificate
// files the flags name (-nats-leaf-cert/-key at the centre, -edge-ca at
// the site): the site replicates and its tablets follow the chair.
func TestBridgeSiteTLS(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := roomCertificate(dir, []string{"127.0.0.1"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	serverTLS, err := leafServerTLS(filepath.Join(dir, srvCertFile), filepath.Join(dir, srvKeyFile), "")
	if err != nil {
		t.Fatal(err)
	}
	siteTLS, err := clientTLS(filepath.Join(dir, caCertFile), "", "")
	if err != nil {
		t.Fatal(err)
	}
	centre := startCentre(t, func(c *config) { c.NATS.LeafTLS = serverTLS })
	edge, _ := startSite(t, centre, "bavi", func(c *config) { c.Edge.TLS = siteTLS })
	if !strings.HasPrefix(centre.bus.LeafURL(), "tls://") {
		t.Fatalf("the leaf URL %s", centre.bus.LeafURL())
	}
	chair := signIn(t, centre, centre, bridgeMeeting, "chair", meeting.RoleChair)
	chair.dial(t, []*node{centre, edge}, 0)
	site := siteDevices(t, centre, edge)
	chair.do(t, meeting.OpenSession{})
	chair.do(t, meeting.SetCurrentItem{Item: "i2"})
	chair.do(t, meeting.ShowDocument{Document: "doc1", Page: 1})
	chair.do(t, meeting.TurnPage{Page: 2})
	settle(t, centre, bridgeMeeting, append([]*device{chair}, site...))
	sameLog(t, centre, edge, bridgeMeeting)
}

// readyzBody returns the node's /readyz answer (200 expected).
func readyzBody(tb testing.TB, n *node) map[string]string {
	tb.Helper()
	code, body := request(tb, http.MethodGet, baseURL(n)+"/readyz", "", nil)
	var out map[string]string
	if code != http.StatusOK || json.Unmarshal(body, &out) != nil {
		tb.Fatalf("/readyz: %d %s", code, body)
	}
	return out
}

// TestBridgeEdgeRestart: an edge stopped and started again on its data
// folder goes on from its replica (its chain continued, not restarted),
// and the site's tablets, signed in before, resume on it by seq — while
// the link is still cut, too: the sessions it kept are in its store.
func TestBridgeEdgeRestart(t *testing.T) {
	centre := startCentre(t)
	data := t.TempDir()
	edge, link := startSite(t, centre, "bavi", func(c *config) { c.Data = data })
	chair := signIn(t, centre, centre, bridgeMeeting, "chair", meeting.RoleChair)
	chair.dial(t, []*node{centre, edge}, 0)
	site := siteDevices(t, centre, edge)
	all := append([]*device{chair}, site...)
	chair.do(t, meeting.OpenSession{})
	chair.do(t, meeting.SetCurrentItem{Item: "i2"})
	chair.do(t, meeting.ShowDocument{Document: "doc1", Page: 1})
	settle(t, centre, bridgeMeeting, all)

	// The edge stops; the link is cut; the edge starts again on its
	// folder, its tablets come back to it and are served from the replica.
	link.Cut()
	if err := edge.shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	remote := edge.cfg.Edge.Remotes // through the same (cut) link
	again, err := startNode(timeoutCtx(t, 15*time.Second), config{
		Listen: "127.0.0.1:0", Data: data, Name: "bavi",
		Edge:         &edgeConfig{Remotes: remote, PingEvery: 200 * time.Millisecond, CentreKey: testBridgePublic()},
		DrainTimeout: 5 * time.Second, Logger: testLogger("bavi-again"),
	})
	if err != nil {
		t.Fatalf("starting the edge again: %v", err)
	}
	t.Cleanup(func() { _ = again.shutdown(context.Background()) })
	nodes := []*node{centre, again}
	for _, d := range site {
		_ = d.client().Close()
		d.dial(t, nodes, 1)
	}
	for page := 2; page <= 5; page++ {
		chair.do(t, meeting.TurnPage{Page: page})
	}
	link.Restore(t)
	waitLink(t, again, true)
	site[0].do(t, meeting.CheckIn{})
	settle(t, centre, bridgeMeeting, all)
	sameLog(t, centre, again, bridgeMeeting)
}

// TestBridgeHeldAcrossRestart: requests to speak held at the edge during a
// cut are kept in its store. The edge is stopped and started again on its
// folder while the link is still cut: it holds the same three commands
// (d07's request, d08's withdrawal and new request), a resend of d07's
// with the same command id is held once, and when the link returns they
// reach the centre once each, in order — the log and the chair have each
// once — and a resend after that is not sent again.
func TestBridgeHeldAcrossRestart(t *testing.T) {
	centre := startCentre(t)
	data := t.TempDir()
	edge, link := startSite(t, centre, "bavi", func(c *config) { c.Data = data })
	chair := signIn(t, centre, centre, bridgeMeeting, "chair", meeting.RoleChair)
	chair.dial(t, []*node{centre, edge}, 0)
	site := siteDevices(t, centre, edge)
	all := append([]*device{chair}, site...)
	chair.do(t, meeting.OpenSession{})
	chair.do(t, meeting.SetCurrentItem{Item: "i2"})
	site[3].do(t, meeting.RequestFloor{})
	settle(t, centre, bridgeMeeting, all)

	link.Cut()
	waitLink(t, edge, false)
	send := func(d *device, id, name string) protocol.Ack {
		t.Helper()
		ack, err := d.client().SendID(timeoutCtx(t, 10*time.Second), id, name, json.RawMessage(`{}`))
		if err != nil || !ack.OK {
			t.Fatalf("%s: %s (%s): ack %+v, %v", d.id, name, id, ack, err)
		}
		return ack
	}
	for _, c := range []struct {
		d        *device
		id, name string
	}{{site[2], "rf-1", "RequestFloor"}, {site[3], "w-0", "WithdrawFloor"}, {site[3], "w-1", "RequestFloor"}} {
		if ack := send(c.d, c.id, c.name); !ack.Queued {
			t.Fatalf("%s: %s during the cut: ack %+v, want queued", c.d.id, c.name, ack)
		}
	}
	if n := edge.edge.Held(); n != 3 {
		t.Fatalf("the edge holds %d, want 3", n)
	}

	// The edge restarts during the cut, on its folder.
	if err := edge.shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	again, err := startNode(timeoutCtx(t, 15*time.Second), config{
		Listen: "127.0.0.1:0", Data: data, Name: "bavi",
		Edge:         &edgeConfig{Remotes: edge.cfg.Edge.Remotes, PingEvery: 200 * time.Millisecond, CentreKey: testBridgePublic()},
		DrainTimeout: 5 * time.Second, Logger: testLogger("bavi-again"),
	})
	if err != nil {
		t.Fatalf("starting the edge again: %v", err)
	}
	t.Cleanup(func() { _ = again.shutdown(context.Background()) })
	if n := again.edge.Held(); n != 3 {
		t.Fatalf("the restarted edge holds %d, want the 3 held before", n)
	}
	nodes := []*node{centre, again}
	for _, d := range site {
		_ = d.client().Close()
		d.dial(t, nodes, 1)
	}
	// d07's tablet lost the ack and sends the same command again.
	if ack := send(site[2], "rf-1", "RequestFloor"); !ack.Queued {
		t.Fatalf("a resend of a held request after the restart: ack %+v, want queued", ack)
	}
	if n := again.edge.Held(); n != 3 {
		t.Fatalf("the edge holds %d after a resend, want 3", n)
	}

	link.Restore(t)
	waitLink(t, again, true)
	eventually(t, 20*time.Second, "the held requests to speak sent", func() error {
		if n := again.edge.Held(); n != 0 {
			return fmt.Errorf("%d still held", n)
		}
		return nil
	})
	log := settle(t, centre, bridgeMeeting, all)
	sameLog(t, centre, again, bridgeMeeting)
	want := []string{"FloorRequested " + site[3].id, "FloorRequested " + site[2].id, "FloorWithdrawn " + site[3].id, "FloorRequested " + site[3].id}
	if got := floorEvents(log); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("the log's floor events %v, want %v", got, want)
	}
	if got := floorEvents(chair.received()); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("the chair received %v, want %v", got, want)
	}
	// Sent once: a resend now is acked without being sent again.
	if ack, err := site[2].client().SendID(timeoutCtx(t, 10*time.Second), "rf-1", "RequestFloor", nil); err != nil || !ack.OK || ack.Queued {
		t.Fatalf("a resend after the return: %+v, %v", ack, err)
	}
	site[0].do(t, meeting.CheckIn{})
	log = settle(t, centre, bridgeMeeting, all)
	if got := floorEvents(log); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("the log's floor events after a resend %v, want %v", got, want)
	}
}
