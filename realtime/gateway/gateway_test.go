package gateway_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/meeting/service"
	"github.com/dais-meeting/dais/realtime/gateway"
	"github.com/dais-meeting/dais/realtime/httpapi"
	"github.com/dais-meeting/dais/realtime/natsbus"
	"github.com/dais-meeting/dais/realtime/protocol"
	"github.com/dais-meeting/dais/storage/bolt"
	"github.com/dais-meeting/dais/storage/seal"
)

const meetingID = "gw-test"

// lossyBus drops every n-th published batch of events, as core NATS may.
type lossyBus struct {
	*natsbus.Bus
	every   int64
	count   atomic.Int64
	dropped atomic.Int64
	// noSubscribe makes Subscribe fail, as it does with all of NATS down.
	noSubscribe atomic.Bool
}

func (b *lossyBus) Subscribe(m string, onEvents func([]meeting.Event), onSignal func([]byte)) (func(), error) {
	if b.noSubscribe.Load() {
		return nil, errors.New("nats: no servers available for connection")
	}
	return b.Bus.Subscribe(m, onEvents, onSignal)
}

func (b *lossyBus) PublishEvents(ctx context.Context, m string, evs []meeting.Event) error {
	if b.every > 0 && b.count.Add(1)%b.every == 0 {
		b.dropped.Add(1)
		return nil
	}
	return b.Bus.PublishEvents(ctx, m, evs)
}

type harness struct {
	svc   *service.Service
	acc   *access.Service
	gw    *gateway.Gateway
	srv   *httptest.Server
	bus   *lossyBus
	token map[string]string
}

// mustServe runs a gateway over a fresh bolt store and an embedded NATS, with
// the small meeting seeded and a session for each participant.
func mustServe(tb testing.TB, cfg gateway.Config, dropEvery int64) *harness {
	tb.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store, err := bolt.Open(tb.TempDir(), bolt.Options{BallotKey: new(seal.NewKey())})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = store.Close() })
	nb, err := natsbus.Open(ctx, natsbus.Config{Name: "test", Logger: log})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = nb.Close() })
	bus := &lossyBus{Bus: nb, every: dropEvery}
	svc := service.New(store, bus, service.Options{Logger: log})
	for _, c := range meetingtest.SmallMeeting(meetingID) {
		if _, err := svc.Execute(ctx, meetingID, meetingtest.Secretary, c); err != nil {
			tb.Fatalf("seeding %s: %v", c.CommandName(), err)
		}
	}
	acc := access.New(store, svc, access.Options{Logger: log})
	cfg.Logger = log
	gw := gateway.New(cfg, svc, acc, bus)
	mux := http.NewServeMux()
	mux.Handle("GET /ws", gw)
	httpapi.New(acc, log).Register(mux)
	srv := httptest.NewServer(mux)
	tb.Cleanup(func() {
		gw.Close()
		srv.Close()
	})
	h := &harness{svc: svc, acc: acc, gw: gw, srv: srv, bus: bus, token: map[string]string{}}
	for _, p := range append([]string{meetingtest.Chair, "sec"}, meetingtest.Delegates...) {
		code, err := acc.Invite(ctx, meetingID, p)
		if err != nil {
			tb.Fatal(err)
		}
		sess, err := acc.Join(ctx, code)
		if err != nil {
			tb.Fatal(err)
		}
		h.token[p] = sess.Token
	}
	return h
}

func (h *harness) dial(tb testing.TB, who string, opt daisclient.Options) *daisclient.Client {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := daisclient.Dial(ctx, h.srv.URL, h.token[who], opt)
	if err != nil {
		tb.Fatalf("%s: dial: %v", who, err)
	}
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

func do(tb testing.TB, c *daisclient.Client, cmd meeting.Command) uint64 {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	seq, err := c.Do(ctx, cmd)
	if err != nil {
		tb.Fatalf("%s: %v", cmd.CommandName(), err)
	}
	return seq
}

// TestLostBusMessagesAreReadFromTheLog drops every other published batch:
// the delegate must still see every page turn, once, in order — the room
// reads gaps from the log, and the tail check finds a lost last message.
func TestLostBusMessagesAreReadFromTheLog(t *testing.T) {
	h := mustServe(t, gateway.Config{TailCheck: 50 * time.Millisecond}, 2)
	chair := h.dial(t, meetingtest.Chair, daisclient.Options{})
	d1 := h.dial(t, "d1", daisclient.Options{})
	do(t, chair, meeting.OpenSession{})
	do(t, chair, meeting.ShowDocument{Document: "doc1", Page: 1})
	var last uint64
	for page := 2; page <= 10; page++ {
		last = do(t, chair, meeting.TurnPage{Page: page})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Opening checks the chair in: a CheckedIn that a delegate does not
	// get (attendance reaches delegates as counts), so its seq is skipped.
	want := []string{"SessionOpened", "DocumentShown"}
	for range 9 {
		want = append(want, "PageTurned")
	}
	var prev uint64
	for i, typ := range want {
		r, err := d1.Next(ctx)
		if err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		if typ == "DocumentShown" {
			prev++ // the chair's CheckedIn
		}
		if r.Event.Type() != typ || (prev > 0 && r.Event.Seq != prev+1) {
			t.Fatalf("event %d: %s at %d after %d, want %s at %d", i, r.Event.Type(), r.Event.Seq, prev, typ, prev+1)
		}
		if pt, ok := r.Event.Data.(meeting.PageTurned); ok && pt.Page != i {
			t.Fatalf("event %d: page %d, want %d", i, pt.Page, i)
		}
		prev = r.Event.Seq
	}
	if prev != last {
		t.Fatalf("last seq %d, want %d", prev, last)
	}
	if h.bus.dropped.Load() < 4 {
		t.Fatalf("the bus dropped only %d batches; the test did not test gaps", h.bus.dropped.Load())
	}
}

// TestRefusals checks the handshake and message rules: each bad input gets
// its documented answer and changes nothing.
func TestRefusals(t *testing.T) {
	h := mustServe(t, gateway.Config{AllowedOrigins: []string{"https://console.example"}}, 0)
	wsURL := "ws" + strings.TrimPrefix(h.srv.URL, "http") + "/ws"
	dial := func(t *testing.T, origin string) *websocket.Conn {
		t.Helper()
		hdr := http.Header{}
		if origin != "" {
			hdr.Set("Origin", origin)
		}
		ws, _, err := websocket.DefaultDialer.Dial(wsURL, hdr)
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		t.Cleanup(func() { ws.Close() })
		return ws
	}
	closeCode := func(t *testing.T, ws *websocket.Conn) int {
		t.Helper()
		_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		for {
			_, _, err := ws.ReadMessage()
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				return ce.Code
			}
			if err != nil {
				t.Fatalf("want a close frame, got %v", err)
			}
		}
	}
	hello := func(token string) []byte {
		b, _ := json.Marshal(protocol.Hello{Type: protocol.TypeHello, Protocol: 1, Token: token})
		return b
	}

	t.Run("foreign origin is refused", func(t *testing.T) {
		hdr := http.Header{"Origin": {"https://evil.example"}}
		_, resp, err := websocket.DefaultDialer.Dial(wsURL, hdr)
		if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Fatalf("got %v %v, want 403", resp, err)
		}
	})
	t.Run("allowed and same-host origins connect", func(t *testing.T) {
		for _, o := range []string{"https://console.example", h.srv.URL} {
			ws := dial(t, o)
			_ = ws.WriteMessage(websocket.TextMessage, hello(h.token["d1"]))
			_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
			var w protocol.Welcome
			if err := ws.ReadJSON(&w); err != nil || w.Type != protocol.TypeWelcome {
				t.Fatalf("origin %s: got %+v, %v", o, w, err)
			}
		}
	})
	cases := []struct {
		name  string
		first []byte
		want  int
	}{
		{"not a hello", []byte(`{"type":"command","id":"1","name":"TurnPage"}`), protocol.CloseBadHello},
		{"not JSON", []byte(`hello?`), protocol.CloseBadHello},
		{"wrong protocol", []byte(`{"type":"hello","protocol":7,"token":"x"}`), protocol.CloseBadHello},
		{"unknown token", hello("no-such-token"), protocol.CloseUnauthorized},
		{"no token", hello(""), protocol.CloseUnauthorized},
		{"too big", []byte(`{"type":"hello","token":"` + strings.Repeat("x", protocol.MaxMessageSize) + `"}`), websocket.CloseMessageTooBig},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ws := dial(t, "")
			_ = ws.WriteMessage(websocket.TextMessage, tc.first)
			if got := closeCode(t, ws); got != tc.want {
				t.Fatalf("close code %d, want %d", got, tc.want)
			}
		})
	}
	t.Run("after the hello", func(t *testing.T) {
		c := h.dial(t, "d2", daisclient.Options{})
		ctx := context.Background()
		_, err := c.Send(ctx, "NoSuchCommand", nil)
		assertCode(t, err, meeting.Invalid)
		_, err = c.Send(ctx, "TurnPage", json.RawMessage(`{"page":"five"}`))
		assertCode(t, err, meeting.Invalid)
		_, err = c.Send(ctx, "TurnPage", json.RawMessage(`{"page":5,"extra":1}`))
		assertCode(t, err, meeting.Invalid)
		_, err = c.Do(ctx, meeting.OpenSession{})
		assertCode(t, err, meeting.Forbidden)
		// The client may not fill the tally of a close itself.
		_, err = c.Send(ctx, "ClosePoll", json.RawMessage(`{"poll":"v1","Tally":{"for":99}}`))
		assertCode(t, err, meeting.Invalid)
		if v, _ := h.svc.Version(ctx, meetingID); v != uint64(len(meetingtest.SmallMeeting(meetingID))) {
			t.Fatalf("refused commands changed the log: version %d", v)
		}
		// An unknown message type is a protocol error.
		ws := dial(t, "")
		_ = ws.WriteMessage(websocket.TextMessage, hello(h.token["d3"]))
		_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"gossip"}`))
		if got := closeCode(t, ws); got != protocol.CloseProtocol {
			t.Fatalf("close code %d, want %d", got, protocol.CloseProtocol)
		}
	})
	t.Run("ping is answered by a pong with its id", func(t *testing.T) {
		ws := dial(t, "")
		_ = ws.WriteMessage(websocket.TextMessage, hello(h.token["d3"]))
		for _, id := range []string{"h1", "", "h3"} {
			_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"ping","id":"`+id+`"}`))
		}
		_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		var got []string
		for len(got) < 3 {
			var m struct{ Type, ID string }
			if err := ws.ReadJSON(&m); err != nil {
				t.Fatalf("after %v: %v", got, err)
			}
			if m.Type == protocol.TypePong {
				got = append(got, m.ID)
			}
		}
		if strings.Join(got, ",") != "h1,,h3" {
			t.Fatalf("pongs %q, want h1,,h3 in order", got)
		}
		// An absurd id is a malformed message.
		_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"ping","id":"`+strings.Repeat("x", 65)+`"}`))
		if code := closeCode(t, ws); code != protocol.CloseProtocol {
			t.Fatalf("close code %d, want %d", code, protocol.CloseProtocol)
		}
	})
}

func assertCode(tb testing.TB, err error, code meeting.Code) {
	tb.Helper()
	var me *meeting.Error
	if !errors.As(err, &me) || me.Code != code || me.Message == "" || me.MessageVI == "" {
		tb.Fatalf("got %v, want a %s refusal with both messages", err, code)
	}
}

// TestSlowTabletIsDroppedOthersUnaffected connects a tablet that never reads
// while the secretary adds long proposals: its queue fills and it is
// disconnected; a tablet that reads gets every event.
func TestSlowTabletIsDroppedOthersUnaffected(t *testing.T) {
	h := mustServe(t, gateway.Config{QueueSize: 8, WriteTimeout: 2 * time.Second}, 0)
	wsURL := "ws" + strings.TrimPrefix(h.srv.URL, "http") + "/ws"
	slow, _, err := websocket.DefaultDialer.Dial(wsURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	b, _ := json.Marshal(protocol.Hello{Type: protocol.TypeHello, Protocol: 1, Token: h.token["d3"]})
	if err := slow.WriteMessage(websocket.TextMessage, b); err != nil {
		t.Fatal(err)
	}
	var got atomic.Int64
	h.dial(t, "d1", daisclient.Options{OnEvent: func(daisclient.Received) { got.Add(1) }})
	sec := h.dial(t, "sec", daisclient.Options{OnEvent: func(daisclient.Received) {}})
	deadline := time.Now().Add(60 * time.Second)
	const items = 600
	long := strings.Repeat("Nội dung rất dài của mục chương trình. ", 1000) // ≈40 KB
	for i := 0; i < items && h.gw.Connections() == 3; i++ {
		do(t, sec, meeting.AddProposal{Proposal: meeting.Proposal{ID: "x" + strconv.Itoa(i), Title: "Tờ trình", Text: long}})
		if time.Now().After(deadline) {
			t.Fatal("the slow tablet was never disconnected")
		}
	}
	waitFor(t, func() bool { return h.gw.Connections() == 2 }, "the slow tablet to be disconnected")
	v, _ := h.svc.Version(context.Background(), meetingID)
	sent := int64(v) - int64(len(meetingtest.SmallMeeting(meetingID)))
	waitFor(t, func() bool { return got.Load() == sent }, "the fast tablet to receive every event")
}

func waitFor(tb testing.TB, cond func() bool, what string) {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestConcurrentChairsAndBallots runs commands from several connections at
// once: every client ends with the same state and no seq is skipped or
// repeated in what the chair receives.
func TestConcurrentChairsAndBallots(t *testing.T) {
	h := mustServe(t, gateway.Config{}, 0)
	chair := h.dial(t, meetingtest.Chair, daisclient.Options{KeepState: true})
	do(t, chair, meeting.OpenSession{})
	clients := map[string]*daisclient.Client{}
	for _, d := range meetingtest.Delegates {
		clients[d] = h.dial(t, d, daisclient.Options{KeepState: true})
		do(t, clients[d], meeting.CheckIn{})
	}
	do(t, chair, meeting.OpenPoll{Poll: "v1"})
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for _, d := range meetingtest.Delegates {
		for try := range 5 { // five tablets of the same person press at once
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := clients[d].Do(context.Background(), meeting.CastBallot{Poll: "v1", Choice: "for", BallotID: d + "-" + strconv.Itoa(try)})
				errs <- err
			}()
		}
	}
	wg.Wait()
	close(errs)
	ok := 0
	for err := range errs {
		switch meeting.ErrorCode(err) {
		case "":
			ok++
		case meeting.Conflict:
		default:
			t.Fatalf("unexpected ballot error: %v", err)
		}
	}
	if ok != len(meetingtest.Delegates) {
		t.Fatalf("%d ballots accepted, want %d", ok, len(meetingtest.Delegates))
	}
	closeSeq := do(t, chair, meeting.ClosePoll{Poll: "v1"})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	closed := func(v daisclient.View) bool { p := v.State.Polls["v1"]; return p != nil && p.Result != nil }
	for who, c := range map[string]*daisclient.Client{"chair": chair, "d1": clients["d1"], "d2": clients["d2"], "d3": clients["d3"]} {
		if err := c.WaitFor(ctx, closed); err != nil {
			t.Fatalf("%s: %v", who, err)
		}
		r := c.State().Polls["v1"].Result
		if r.Cast != 3 || r.Counts["for"] != 3 || !r.Passed {
			t.Fatalf("%s: result %+v", who, r)
		}
	}
	// The names per choice went to the chair; each delegate's PollClosed
	// carried the result alone, and their state keeps their own ballot.
	if got := chair.State().Polls["v1"].Voters; len(got) != 3 {
		t.Errorf("chair: voters %v, want all three", got)
	}
	for _, d := range meetingtest.Delegates {
		if got := clients[d].State().Polls["v1"].Voters; len(got) != 1 || got[d] != "for" {
			t.Errorf("%s: voters %v, want only their own", d, got)
		}
	}
	// The same holds for a tablet that resumes across the close (from the
	// room's ring) and for one that starts from a snapshot.
	resumed := h.dial(t, "d2", daisclient.Options{LastSeq: closeSeq - 1})
	ev, err := resumed.Next(ctx)
	if err != nil || ev.Event.Seq != closeSeq {
		t.Fatalf("d2 resumed: %+v, %v; want PollClosed at %d", ev, err, closeSeq)
	}
	if d, ok := ev.Event.Data.(meeting.PollClosed); !ok || d.Voters != nil || d.Result.Cast != 3 {
		t.Errorf("d2 resumed: got %+v, want PollClosed with the result and no voters", ev.Event.Data)
	}
	fresh := h.dial(t, "d2", daisclient.Options{KeepState: true})
	if err := fresh.WaitFor(ctx, closed); err != nil {
		t.Fatalf("d2 snapshot: %v", err)
	}
	if got := fresh.State().Polls["v1"].Voters; len(got) != 1 || got["d2"] != "for" {
		t.Errorf("d2 snapshot: voters %v, want only their own", got)
	}
}

// TestKeepAlive checks both halves of the server's keep-alive: a client
// that answers pings stays connected across several intervals, and one
// that stops answering (it stops reading, so its pongs never go out) is
// dropped after 2.5 intervals.
func TestKeepAlive(t *testing.T) {
	h := mustServe(t, gateway.Config{PingInterval: 40 * time.Millisecond}, 0)
	wsURL := "ws" + strings.TrimPrefix(h.srv.URL, "http") + "/ws"
	connect := func(who string) *websocket.Conn {
		ws, _, err := websocket.DefaultDialer.Dial(wsURL, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ws.Close() })
		hello, _ := json.Marshal(protocol.Hello{Type: protocol.TypeHello, Protocol: 1, Token: h.token[who]})
		_ = ws.WriteMessage(websocket.TextMessage, hello)
		return ws
	}

	alive := connect("d1")
	var pings atomic.Int32
	alive.SetPingHandler(func(data string) error {
		pings.Add(1)
		return alive.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
	})
	done := make(chan error, 1)
	go func() {
		for {
			if _, _, err := alive.ReadMessage(); err != nil {
				done <- err
				return
			}
		}
	}()

	silent := connect("d2") // reads nothing: its pongs are never sent
	deadline := time.Now().Add(10 * time.Second)
	for h.gw.Connections() < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := h.gw.Connections(); n != 2 {
		t.Fatalf("%d connections, want both", n)
	}
	for h.gw.Connections() > 1 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := h.gw.Connections(); n != 1 {
		t.Fatalf("%d connections, want the silent one dropped", n)
	}
	_ = silent
	for pings.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if pings.Load() < 3 {
		t.Fatalf("the answering client saw %d pings, want several", pings.Load())
	}
	select {
	case err := <-done:
		t.Fatalf("the answering client was dropped: %v", err)
	default:
	}
}

// TestNoPingWhileWrittenTo: a tablet that never answers pings (its pongs
// lost) but is being written to — a presentation — stays connected for
// many silences: the node does not ping a connection it writes to, and
// its socket's TCP_USER_TIMEOUT is what would notice a peer that is gone.
// When the writing stops, the pings come back, go unanswered, and the
// tablet is dropped as before.
func TestNoPingWhileWrittenTo(t *testing.T) {
	const interval = 400 * time.Millisecond // silence: 1 s
	h := mustServe(t, gateway.Config{PingInterval: interval}, 0)
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(h.srv.URL, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	var pings atomic.Int32
	ws.SetPingHandler(func(string) error { pings.Add(1); return nil }) // never a pong
	hello, _ := json.Marshal(protocol.Hello{Type: protocol.TypeHello, Protocol: 1, Token: h.token["d1"]})
	if err := ws.WriteMessage(websocket.TextMessage, hello); err != nil {
		t.Fatal(err)
	}
	var frames atomic.Int32
	dropped := make(chan time.Time, 1)
	go func() {
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				dropped <- time.Now()
				return
			}
			frames.Add(1)
		}
	}()
	chair := h.dial(t, meetingtest.Chair, daisclient.Options{})
	do(t, chair, meeting.OpenSession{})
	do(t, chair, meeting.ShowDocument{Document: "doc1", Page: 1})
	presenting := time.Now().Add(4 * interval * 5 / 2) // four silences
	for page := 2; time.Now().Before(presenting); page++ {
		do(t, chair, meeting.TurnPage{Page: page%10 + 1})
		time.Sleep(40 * time.Millisecond)
		select {
		case <-dropped:
			t.Fatalf("dropped while being written to (%d frames, %d pings seen)", frames.Load(), pings.Load())
		default:
		}
	}
	stopped := time.Now()
	select {
	case at := <-dropped:
		if pings.Load() == 0 {
			t.Fatal("dropped without a ping unanswered")
		}
		t.Logf("%d frames; dropped %v after the last page turn, %d pings unanswered", frames.Load(), at.Sub(stopped).Round(time.Millisecond), pings.Load())
	case <-time.After(30 * time.Second):
		t.Fatalf("still connected 30 s after the writing stopped, %d pings unanswered", pings.Load())
	}
}

// TestRoomOpensWithoutTheBus checks that a room can open while Subscribe
// fails (all of NATS down): tablets connect, and events reach them from the
// log by the tail check, in order, once each.
func TestRoomOpensWithoutTheBus(t *testing.T) {
	h := mustServe(t, gateway.Config{TailCheck: 30 * time.Millisecond}, 0)
	h.bus.noSubscribe.Store(true)
	d1 := h.dial(t, "d1", daisclient.Options{})
	chair := h.dial(t, meetingtest.Chair, daisclient.Options{})
	do(t, chair, meeting.OpenSession{})
	do(t, chair, meeting.ShowDocument{Document: "doc1", Page: 1})
	last := do(t, chair, meeting.TurnPage{Page: 2})
	h.bus.noSubscribe.Store(false) // the bus comes back: the room subscribes on a later check
	last2 := do(t, chair, meeting.TurnPage{Page: 3})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var prev uint64
	for _, want := range []string{"SessionOpened", "DocumentShown", "PageTurned", "PageTurned"} {
		r, err := d1.Next(ctx)
		if err != nil {
			t.Fatalf("waiting for %s: %v", want, err)
		}
		if want == "DocumentShown" {
			prev++ // the chair's CheckedIn, which a delegate does not get
		}
		if r.Event.Type() != want || (prev > 0 && r.Event.Seq != prev+1) {
			t.Fatalf("got %s at %d after %d, want %s at %d", r.Event.Type(), r.Event.Seq, prev, want, prev+1)
		}
		prev = r.Event.Seq
	}
	if prev != last2 || last2 != last+1 {
		t.Fatalf("last seq %d, want %d", prev, last2)
	}
}
