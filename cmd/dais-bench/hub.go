package main

import (
	"context"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gorilla/websocket"

	"github.com/dais-meeting/dais/clients/daisclient"
)

// The bare hub is the yardstick of the pageturn scenario: a WebSocket
// broadcast server with no logic at all, as in /work/shared/notes/websocket.md
// (one reader and one writer goroutine per connection, a 64-slot queue,
// each broadcast encoded once as a PreparedMessage, 1 KiB buffers with a
// write buffer pool, no compression). It runs as a child process of the
// bench (dais-bench -hub-serve ADDR) so that its CPU time is its own, and it
// speaks just enough of Dais's protocol (hello → welcome, then events) for
// the same simulated tablets to connect to it. Measuring it in the same run
// as daisd makes the CPU-per-delivery ratio independent of how busy the
// shared machine is that day.

// hubFrame is a page-turn event of about 200 bytes with seq n, as Dais
// sends it.
func hubFrame(n uint64) []byte {
	return []byte(`{"type":"event","event":{"seq":` + strconv.FormatUint(n, 10) +
		`,"type":"PageTurned","at":"` + time.Now().UTC().Format(time.RFC3339Nano) +
		`","actor":"chair","data":{"document":"doc-0123456789abcdef","page":` + strconv.FormatUint(n%100+1, 10) + `,"pad":"` +
		strings.Repeat("x", 40) + `"}}}`)
}

// serveHub runs the hub on addr until SIGTERM or SIGINT.
func serveHub(addr string) error {
	h := &hub{conns: map[chan *websocket.PreparedMessage]struct{}{}}
	up := websocket.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 1024, WriteBufferPool: &sync.Pool{},
		CheckOrigin: func(*http.Request) bool { return true }}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	mux.HandleFunc("GET /ws", func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		go h.serve(ws)
	})
	// A GC on demand, so the bench measures the hub's memory per
	// connection as it measures daisd's (after a forced GC and -settle).
	mux.HandleFunc("POST /gc", func(w http.ResponseWriter, r *http.Request) { runtime.GC() })
	mux.HandleFunc("POST /broadcast", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.ParseUint(r.URL.Query().Get("seq"), 10, 64)
		if err != nil {
			http.Error(w, "seq", http.StatusBadRequest)
			return
		}
		pm, err := websocket.NewPreparedMessage(websocket.TextMessage, hubFrame(n))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		h.broadcast(pm)
	})
	srv := &http.Server{Addr: addr, Handler: mux}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.ListenAndServe(); err != http.ErrServerClosed {
		return err
	}
	return nil
}

type hub struct {
	mu    sync.Mutex
	conns map[chan *websocket.PreparedMessage]struct{}
}

func (h *hub) broadcast(pm *websocket.PreparedMessage) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for q := range h.conns {
		select {
		case q <- pm:
		default: // a slow client: the bare hub just skips it (none are, here)
		}
	}
}

// serve answers the hello with a welcome, then writes what is broadcast
// while a reader discards input and notices the close.
func (h *hub) serve(ws *websocket.Conn) {
	defer ws.Close()
	if _, _, err := ws.ReadMessage(); err != nil { // hello
		return
	}
	// Registered before the welcome goes out: a tablet that has its
	// welcome must get every broadcast after it (the first one could
	// otherwise come between the two and be missed).
	q := make(chan *websocket.PreparedMessage, 64)
	h.mu.Lock()
	h.conns[q] = struct{}{}
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.conns, q)
		h.mu.Unlock()
	}()
	if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"welcome","protocol":1,"meeting":"hub","participant":"t","role":"delegate","seq":0}`)); err != nil {
		return
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				return
			}
		}
	}()
	for {
		select {
		case pm := <-q:
			if err := ws.WritePreparedMessage(pm); err != nil {
				return
			}
		case <-done:
			return
		}
	}
}

// hubScenario runs the pageturn measurement against a bare hub started for
// it: cfg.Tablets light tablets, a broadcast every cfg.Interval for
// cfg.Duration, latency from just before the broadcast request to each
// tablet's receipt, and the hub's CPU time per delivery.
func hubScenario(ctx context.Context, t *Target, cfg Config) (*Result, error) {
	res := newResult("hub")
	res.Params["tablets"], res.Params["interval_ms"], res.Params["duration_s"] = cfg.Tablets, cfg.Interval.Milliseconds(), cfg.Duration.Seconds()
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "dais-bench-hub-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	c, err := startChild("hub", exe, []string{"-hub-serve", addr}, filepath.Join(dir, "hub.log"))
	if err != nil {
		return nil, err
	}
	defer c.stop(5 * time.Second)
	base := "http://" + addr
	if err := waitHTTP(ctx, c, base+"/healthz"); err != nil {
		return nil, err
	}
	hubT := &Target{URLs: []string{base}, Log: t.Log, GC: func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/gc", nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		return nil
	}}
	sess := make([]daisclient.Session, cfg.Tablets)
	for i := range sess {
		sess[i] = daisclient.Session{Token: "t", Participant: "t" + strconv.Itoa(i)}
	}
	t.logf("hub: connecting %d tablets to the bare hub (pid %d)", len(sess), c.Pid())
	idle, _ := readProc(c.Pid())
	connStart := time.Now()
	tabs, err := connectLight(ctx, hubT, sess, cfg.Conc)
	if err != nil {
		return nil, err
	}
	defer closeAll(tabs)
	connectS := time.Since(connStart).Seconds()
	// Memory as daisd's is measured: after a forced GC and the settle.
	hubT.collect(ctx)
	settle(ctx, cfg.Settle)
	before, _ := readProc(c.Pid())
	res.Metrics["all_connected_s"] = connectS
	res.Metrics["rss_per_connection_KiB"] = kibPer(before.RSS, idle.RSS, len(tabs))
	sent := map[uint64]time.Time{}
	tick := time.NewTicker(cfg.Interval)
	defer tick.Stop()
	end := time.Now().Add(cfg.Duration)
	var seq uint64
	for time.Now().Before(end) {
		seq++
		start := time.Now()
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/broadcast?seq="+strconv.FormatUint(seq, 10), nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		resp.Body.Close()
		sent[seq] = start
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-tick.C:
		}
	}
	if err := waitSeq(ctx, tabs, seq); err != nil {
		return nil, err
	}
	after, _ := readProc(c.Pid())
	lat, deliveries := turnLatencies(res, tabs, sent, "broadcasts")
	stalledTurns(res, t, "hub", perTurn(tabs, sent, nil))
	res.Latency["page_turn"] = lat.summarize()
	res.turns = lat.all()
	t.hub = &hubFigures{connectS: connectS, rssPerConnKiB: res.Metrics["rss_per_connection_KiB"], p99: res.Latency["page_turn"].P99}
	res.Metrics["turns"] = float64(len(sent))
	res.Metrics["deliveries"] = float64(deliveries)
	cpu := after.CPU - before.CPU
	res.Metrics["server_cpu_s"] = cpu.Seconds()
	if deliveries > 0 {
		per := float64(cpu.Microseconds()) / float64(deliveries)
		res.Metrics["server_cpu_per_delivery_us"] = per
		t.hubPerDelivery = per
	}
	return res, nil
}
