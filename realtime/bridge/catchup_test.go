package bridge

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/meeting/service"
	"github.com/dais-meeting/dais/realtime/gateway"
	"github.com/dais-meeting/dais/realtime/natsbus"
	"github.com/dais-meeting/dais/storage/bolt"
	storeseal "github.com/dais-meeting/dais/storage/seal"
)

// cuttableLink is the edge's side of an in-process bus shared with the
// centre, with a link that can be cut: while cut the leaf counts as down,
// requests find no centre and pushes are lost.
type cuttableLink struct {
	*natsbus.Bus
	cut atomic.Bool
}

func (l *cuttableLink) LeafConnected() bool { return !l.cut.Load() }

func (l *cuttableLink) Request(ctx context.Context, subject string, data []byte) ([]byte, error) {
	if l.cut.Load() {
		return nil, natsbus.ErrNoCentre
	}
	return l.Bus.Request(ctx, subject, data)
}

func (l *cuttableLink) RequestFirst(ctx context.Context, subject string, data []byte, accept func([]byte) bool) ([]byte, error) {
	if l.cut.Load() {
		return nil, natsbus.ErrNoCentre
	}
	return l.Bus.RequestFirst(ctx, subject, data, accept)
}

func (l *cuttableLink) Listen(subject string, f func([]byte)) (func(), error) {
	return l.Bus.Listen(subject, func(data []byte) {
		if !l.cut.Load() {
			f(data)
		}
	})
}

func (l *cuttableLink) Publish(subject string, data []byte) error {
	if l.cut.Load() {
		return nil
	}
	return l.Bus.Publish(subject, data)
}

// siteTablet records the seqs a tablet at the site received.
type siteTablet struct {
	who  string
	c    *daisclient.Client
	mu   sync.Mutex
	seqs []uint64
}

func (s *siteTablet) got() []uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]uint64(nil), s.seqs...)
}

// TestCatchUpAfterLongCut: a site's link is cut while the centre turns
// more pages than a delegate's connection queues (64 messages); when the
// link returns the edge reads them in one page and its gateway delivers
// them. Every tablet at the site — delegates on the lean queue, the
// secretary on the full one — stays connected (none closed as too slow)
// and has every event once, in order.
func TestCatchUpAfterLongCut(t *testing.T) {
	const id = "catchup"
	const turnsDuringCut = 3 * 64
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	bus, err := natsbus.Open(ctx, natsbus.Config{Name: "catchup-test", Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()

	// The centre: its store, service, sessions and hub.
	centreStore, err := bolt.Open(t.TempDir(), bolt.Options{BallotKey: new(storeseal.NewKey())})
	if err != nil {
		t.Fatal(err)
	}
	defer centreStore.Close()
	svc := service.New(centreStore, bus, service.Options{Logger: log})
	for _, c := range meetingtest.SmallMeeting(id) {
		if _, err := svc.Execute(ctx, id, meetingtest.Secretary, c); err != nil {
			t.Fatalf("seeding %s: %v", c.CommandName(), err)
		}
	}
	chair := meeting.Actor{Participant: meetingtest.Chair}
	for _, c := range []meeting.Command{meeting.OpenSession{}, meeting.ShowDocument{Document: "doc1"}} {
		if _, err := svc.Execute(ctx, id, chair, c); err != nil {
			t.Fatal(err)
		}
	}
	acc := access.New(centreStore, svc, access.Options{Logger: log})
	hub, err := NewHub(HubConfig{Key: testKey, Logger: log}, bus, centreStore, acc, svc, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer hub.Close()

	// The site: its replica, the edge, and the gateway over them.
	edgeStore, err := bolt.Open(t.TempDir(), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer edgeStore.Close()
	link := &cuttableLink{Bus: bus}
	edge := NewEdge(EdgeConfig{Site: "s1", Meetings: []string{id}, CentreKey: testPublic, LinkCheck: 10 * time.Millisecond,
		TailCheck: 50 * time.Millisecond, Logger: log}, link, edgeStore)
	defer edge.Close()
	local := service.New(edgeStore, nil, service.Options{Logger: log})
	gw := gateway.New(gateway.Config{Logger: log}, edge.Meetings(local), edge.Sessions(access.New(edgeStore, local, access.Options{Logger: log})), edge)
	mux := http.NewServeMux()
	mux.Handle("GET /ws", gw)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	defer gw.Close()
	waitUntil(t, ctx, edge.LinkUp, "the link to come up")

	// Two tablets of each delegate and the secretary's console, signed in
	// at the centre, connected to the site.
	var tablets []*siteTablet
	for _, who := range []string{"d1", "d1", "d2", "d2", "d3", "d3", "sec"} {
		code, err := acc.Invite(ctx, id, who)
		if err != nil {
			t.Fatal(err)
		}
		sess, err := acc.Join(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		tb := &siteTablet{who: who}
		tb.c, err = daisclient.Dial(ctx, srv.URL, sess.Token, daisclient.Options{OnEvent: func(r daisclient.Received) {
			tb.mu.Lock()
			tb.seqs = append(tb.seqs, r.Event.Seq)
			tb.mu.Unlock()
		}})
		if err != nil {
			t.Fatalf("%s: %v", who, err)
		}
		defer tb.c.Drop()
		tablets = append(tablets, tb)
	}
	from := tablets[0].c.Welcome().Seq
	turn := func(page int) uint64 {
		evs, err := svc.Execute(ctx, id, chair, meeting.TurnPage{Page: 2 + page%9})
		if err != nil {
			t.Fatal(err)
		}
		return evs[len(evs)-1].Seq
	}
	waitAll := func(seq uint64, what string) {
		for _, tb := range tablets {
			if err := tb.c.WaitFor(ctx, func(v daisclient.View) bool { return v.LastSeq >= seq }); err != nil {
				t.Fatalf("%s: %s never had seq %d (has %d): %v", what, tb.who, seq, tb.c.LastSeq(), err)
			}
		}
	}
	var last uint64
	for i := range 3 {
		last = turn(i)
	}
	waitAll(last, "before the cut")

	link.cut.Store(true)
	waitUntil(t, ctx, func() bool { return !edge.LinkUp() }, "the edge to see the cut")
	for i := range turnsDuringCut {
		last = turn(i)
	}
	if v, _ := edgeStore.Version(ctx, id); v >= last {
		t.Fatalf("the replica reached %d during the cut", v)
	}
	link.cut.Store(false)
	waitAll(last, "after the link returned")

	for _, tb := range tablets {
		if err := tb.c.Err(); err != nil {
			t.Errorf("%s: the connection ended: %v", tb.who, err)
		}
		got := tb.got()
		if len(got) != int(last-from) {
			t.Errorf("%s: %d events, want %d (seqs %d to %d)", tb.who, len(got), last-from, from+1, last)
			continue
		}
		for i, seq := range got {
			if seq != from+1+uint64(i) {
				t.Errorf("%s: event %d is seq %d, want %d", tb.who, i, seq, from+1+uint64(i))
				break
			}
		}
	}
	if n := gw.Connections(); n != len(tablets) {
		t.Fatalf("%d connections at the site, want %d", n, len(tablets))
	}
}

func waitUntil(tb testing.TB, ctx context.Context, cond func() bool, what string) {
	tb.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			tb.Fatalf("timed out waiting for %s", what)
		case <-time.After(5 * time.Millisecond):
		}
	}
}
