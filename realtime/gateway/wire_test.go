package gateway

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/sys/unix"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
)

// TestNewMessageFrames: gorilla's client reads a message back as the same
// text at every length encoding (7-bit, 16-bit, 64-bit), written at once
// or by the writer.
func TestNewMessageFrames(t *testing.T) {
	_, conns, url, _ := wireServer(t, false)
	ws := dialSlow(t, url, nil)
	c := <-conns
	welcomed(t, ws, c)
	for _, n := range []int{0, 1, 125, 126, 127, 65535, 65536, 200000} {
		data := bytes.Repeat([]byte{'a' + byte(n%26)}, n)
		m := newMessage(data)
		if !bytes.Equal(m.payload(), data) {
			t.Fatalf("%d bytes: payload differs", n)
		}
		c.send(m)
		typ, got, err := ws.ReadMessage()
		if err != nil || typ != websocket.TextMessage || !bytes.Equal(got, data) {
			t.Fatalf("%d bytes: read back type %d, %d bytes, err %v", n, typ, len(got), err)
		}
	}
}

// payload returns the message's data without its frame header.
func (m *message) payload() []byte {
	switch m.wire[1] {
	case 126:
		return m.wire[4:]
	case 127:
		return m.wire[10:]
	}
	return m.wire[2:]
}

// welcomed reads the welcome c's writer wrote and waits until the writer
// owes nothing: from then on a message to c is written at once.
func welcomed(t *testing.T, ws *websocket.Conn, c *conn) []byte {
	t.Helper()
	_, data, err := ws.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	for c.owed.Load() != 0 {
		time.Sleep(time.Millisecond)
	}
	return data
}

// wireServer upgrades one connection into a gateway conn (its writer
// running, the welcome written) with a small send buffer, so that a client
// that does not read soon fills it.
func wireServer(t *testing.T, useTLS bool) (*Gateway, chan *conn, string, *tls.Config) {
	t.Helper()
	g := New(Config{PingInterval: time.Hour, QueueSize: 4096}, nil, nil, nil)
	t.Cleanup(func() { _ = g.Shutdown(context.Background()) })
	conns := make(chan *conn, 1)
	up := websocket.Upgrader{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		// Counted as the gateway counts a connection's reader, which
		// holds its group open while writers start.
		g.wg.Add(1)
		defer g.wg.Done()
		if tc, ok := ws.NetConn().(*net.TCPConn); ok {
			_ = tc.SetWriteBuffer(4096)
		}
		c := newConn(g, ws, access.Session{Participant: "p", Role: meeting.RoleChair})
		c.begin([]*message{newMessage([]byte("welcome"))})
		conns <- c
		c.readLoop()
		c.kick(websocket.CloseNormalClosure, "")
		<-c.writerDone
	})
	var srv *httptest.Server
	var cfg *tls.Config
	if useTLS {
		srv = httptest.NewTLSServer(h)
		cfg = &tls.Config{InsecureSkipVerify: true} // the test server's own certificate
	} else {
		srv = httptest.NewServer(h)
	}
	t.Cleanup(srv.Close)
	return g, conns, "ws" + strings.TrimPrefix(srv.URL, "http"), cfg
}

// dialSlow dials with a small receive buffer: what the client does not
// read soon stays in the server's socket.
func dialSlow(t *testing.T, url string, cfg *tls.Config) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{TLSClientConfig: cfg, NetDialContext: (&net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(fd uintptr) { _ = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUF, 4096) })
	}}).DialContext}
	ws, _, err := d.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

// TestWriteNowKeepsOrder: messages sent to a connection from two
// goroutines (the room's fan-out and the reader's acks) while the pinger
// queues pings and the client is slow to read arrive whole and in each
// sender's order — whether written at once into the socket (writeNow),
// left half-written for the writer (rest), or queued behind what the
// writer owes — over plain TCP (writeNow) and TLS (the writer only).
func TestWriteNowKeepsOrder(t *testing.T) {
	for _, tc := range []struct {
		name string
		tls  bool
	}{{"tcp", false}, {"tls", true}} {
		t.Run(tc.name, func(t *testing.T) {
			_, conns, url, cfg := wireServer(t, tc.tls)
			ws := dialSlow(t, url, cfg)
			c := <-conns
			if (c.raw != nil) == tc.tls {
				t.Fatalf("raw socket %v on %s", c.raw != nil, tc.name)
			}
			var pings atomic.Int64
			ws.SetPingHandler(func(string) error { pings.Add(1); return nil })
			if data := welcomed(t, ws, c); string(data) != "welcome" {
				t.Fatalf("first message %q: want the welcome", data)
			}
			// On an idle plain TCP connection a message goes straight to
			// the socket: nothing queued, nothing owed.
			c.send(newMessage([]byte("r-first")))
			c.qmu.Lock()
			queued := len(c.queue)
			c.qmu.Unlock()
			if owed := c.owed.Load(); !tc.tls && (queued != 0 || owed != 0) {
				t.Fatalf("%d queued, %d owed after one send to an idle connection", queued, owed)
			}
			const n = 300
			sizes := []int{10, 200, 5000, 70000}
			body := func(who string, i int) []byte {
				s := who + "-" + strconv.Itoa(i) + "-"
				return []byte(s + strings.Repeat("x", max(0, sizes[i%len(sizes)]-len(s))))
			}
			// The room alone first, with the client not reading: on
			// plain TCP its messages go at once until the socket is full
			// and one is left half-written.
			first := 0
			for ; first < n && !tc.tls && c.rests.Load() == 0; first += len(sizes) {
				for i := first; i < first+len(sizes); i++ {
					c.send(newMessage(body("r", i)))
				}
			}
			var wg sync.WaitGroup
			var pinged atomic.Int64
			for _, who := range []string{"r", "a"} {
				wg.Go(func() {
					from := 0
					if who == "r" {
						from = first
					}
					for i := from; i < n; i++ {
						c.send(newMessage(body(who, i)))
						if i%50 == 0 && who == "r" {
							if !c.offer(pingMark) {
								t.Error("no room for a ping")
							}
							pinged.Add(1)
						}
					}
				})
			}
			time.Sleep(100 * time.Millisecond) // the client reads late
			next := map[string]int{}
			if _, data, err := ws.ReadMessage(); err != nil || string(data) != "r-first" {
				t.Fatalf("got %.20q, %v: want r-first", data, err)
			}
			for next["r"] < n || next["a"] < n {
				_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
				typ, data, err := ws.ReadMessage()
				if err != nil {
					t.Fatalf("after r-%d, a-%d: %v", next["r"], next["a"], err)
				}
				who := string(data[:1])
				if typ != websocket.TextMessage || !bytes.Equal(data, body(who, next[who])) {
					t.Fatalf("got %.30q (%d bytes), want %s-%d", data, len(data), who, next[who])
				}
				next[who]++
			}
			wg.Wait()
			if got, want := pings.Load(), pinged.Load(); got != want || want == 0 {
				t.Errorf("%d pings read, %d sent", got, want)
			}
			if !tc.tls && c.rests.Load() == 0 {
				t.Error("no write was left half done: the test did not fill the socket")
			}
			if k := kickedWith(c); k != 0 {
				t.Errorf("connection kicked with %d", k)
			}
		})
	}
}

// TestWriteNowPeerGone: a message to a connection whose peer is gone
// ends it (the write fails, the connection is kicked), and nothing
// blocks the sender.
func TestWriteNowPeerGone(t *testing.T) {
	_, conns, url, _ := wireServer(t, false)
	ws := dialSlow(t, url, nil)
	c := <-conns
	welcomed(t, ws, c)
	// The peer resets the connection (no close handshake).
	if tc, ok := ws.NetConn().(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	ws.Close()
	deadline := time.Now().Add(10 * time.Second)
	for i := 0; ; i++ {
		c.send(newMessage([]byte(fmt.Sprint("turn ", i))))
		select {
		case <-c.kicked:
			return
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the connection of a peer that is gone was not ended")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// writing reports whether c has a writer goroutine.
func writing(c *conn) bool {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	return c.writing
}

// waitUntil polls cond for up to 10 s.
func waitUntil(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestWriterStartsAndEnds: a connection's writer runs only while the
// connection owes something: none once the welcome is written; one when a
// message is left half-written in a full socket, writing the rest and
// what queued behind it in order as the peer reads, then gone again; one
// to send the close frame of a kick to an idle connection.
func TestWriterStartsAndEnds(t *testing.T) {
	_, conns, url, _ := wireServer(t, false)
	ws := dialSlow(t, url, nil)
	c := <-conns
	welcomed(t, ws, c)
	waitUntil(t, func() bool { return !writing(c) }, "the writer to end after the welcome")

	// The peer does not read: the socket fills, a frame is left
	// half-written and the writer takes over.
	body := bytes.Repeat([]byte("x"), 50000)
	sent := 0
	for c.rests.Load() == 0 {
		c.send(newMessage(append([]byte(strconv.Itoa(sent)+"-"), body...)))
		sent++
		if sent > 1000 {
			t.Fatal("the socket never filled")
		}
	}
	for range 3 { // behind the rest: queued for the writer
		c.send(newMessage(append([]byte(strconv.Itoa(sent)+"-"), body...)))
		sent++
	}
	if !writing(c) {
		t.Fatal("no writer for a connection with a half-written frame")
	}
	for i := range sent {
		_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, data, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("message %d of %d: %v", i, sent, err)
		}
		if want := strconv.Itoa(i) + "-"; !bytes.HasPrefix(data, []byte(want)) || len(data) != len(want)+len(body) {
			t.Fatalf("message %d: got %.10q (%d bytes)", i, data, len(data))
		}
	}
	waitUntil(t, func() bool { return !writing(c) && c.owed.Load() == 0 }, "the writer to end once the peer read everything")

	// A kick to the idle connection: a writer starts and sends the close.
	c.kick(4008, "too slow")
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, _, err := ws.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4008 {
		t.Fatalf("after the kick: %v, want close 4008", err)
	}
	select {
	case <-c.writerDone:
	case <-time.After(10 * time.Second):
		t.Fatal("the writer did not end the kicked connection")
	}
}
