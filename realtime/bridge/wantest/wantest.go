// Package wantest puts a WAN between a bridge site's edge and the centre in
// tests: a TCP proxy (Shopify's toxiproxy, in-process) with latency,
// jitter, a bandwidth limit, and cuts.
//
// It is imported by tests only. A Link's methods may be called from any
// goroutine of the test.
package wantest

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/Shopify/toxiproxy/v2"
	"github.com/Shopify/toxiproxy/v2/toxics"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

// Link is one site's WAN link: connect to Addr instead of the upstream.
type Link struct {
	proxy    *toxiproxy.Proxy
	up, down *atomic.Int64 // bytes towards the upstream, and back
}

// counters holds the byte counters of the links, by key: toxiproxy makes
// each toxic from its JSON, so a toxic finds its counter by name.
var counters sync.Map // string → *atomic.Int64

func init() { toxics.Register("dais_count", new(countToxic)) }

// countToxic counts the bytes that pass, and passes them on.
type countToxic struct {
	Key string `json:"key"`
}

func (t *countToxic) Pipe(stub *toxics.ToxicStub) {
	v, _ := counters.LoadOrStore(t.Key, new(atomic.Int64))
	n := v.(*atomic.Int64)
	for {
		select {
		case <-stub.Interrupt:
			return
		case c := <-stub.Input:
			if c == nil {
				stub.Close()
				return
			}
			n.Add(int64(len(c.Data)))
			stub.Output <- c
		}
	}
}

// Start opens a link to upstream (host:port) on a random loopback port;
// the test's cleanup closes it.
func Start(tb testing.TB, name, upstream string) *Link {
	tb.Helper()
	srv := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(prometheus.NewRegistry()), zerolog.Nop())
	p := toxiproxy.NewProxy(srv, name, "127.0.0.1:0", upstream)
	if err := p.Start(); err != nil {
		tb.Fatalf("wantest: starting the link %s: %v", name, err)
	}
	tb.Cleanup(p.Stop)
	l := &Link{proxy: p}
	key := fmt.Sprintf("%s-%p", name, l)
	for _, stream := range []string{"upstream", "downstream"} {
		v, _ := counters.LoadOrStore(key+"-"+stream, new(atomic.Int64))
		if stream == "upstream" {
			l.up = v.(*atomic.Int64)
		} else {
			l.down = v.(*atomic.Int64)
		}
		js := fmt.Sprintf(`{"name":"count_%s","type":"dais_count","stream":%q,"toxicity":1,"attributes":{"key":%q}}`, stream, stream, key+"-"+stream)
		if _, err := p.Toxics.AddToxicJson(strings.NewReader(js)); err != nil {
			tb.Fatalf("wantest: counting bytes: %v", err)
		}
	}
	tb.Cleanup(func() {
		counters.Delete(key + "-upstream")
		counters.Delete(key + "-downstream")
	})
	return l
}

// Bytes returns the bytes that crossed the link so far: towards the
// upstream (the centre) and back.
func (l *Link) Bytes() (up, down int64) { return l.up.Load(), l.down.Load() }

// Addr is the link's near end (host:port).
func (l *Link) Addr() string { return l.proxy.Listen }

// add adds a toxic to both directions.
func (l *Link) add(tb testing.TB, kind, attrs string) {
	tb.Helper()
	for _, stream := range []string{"upstream", "downstream"} {
		js := fmt.Sprintf(`{"name":%q,"type":%q,"stream":%q,"toxicity":1,"attributes":%s}`, kind+"_"+stream, kind, stream, attrs)
		if _, err := l.proxy.Toxics.AddToxicJson(strings.NewReader(js)); err != nil {
			tb.Fatalf("wantest: adding %s: %v", kind, err)
		}
	}
}

// Latency delays every chunk by ms ± jitter milliseconds, each way (the
// round trip is twice that).
func (l *Link) Latency(tb testing.TB, ms, jitter int) {
	tb.Helper()
	l.add(tb, "latency", fmt.Sprintf(`{"latency":%d,"jitter":%d}`, ms, jitter))
}

// Bandwidth limits each direction to kbps kilobytes per second.
func (l *Link) Bandwidth(tb testing.TB, kbps int) {
	tb.Helper()
	l.add(tb, "bandwidth", fmt.Sprintf(`{"rate":%d}`, kbps))
}

// Cut breaks the link: every connection through it is closed and new ones
// are refused until Restore.
func (l *Link) Cut() { l.proxy.Stop() }

// Restore mends a cut link (on the same port).
func (l *Link) Restore(tb testing.TB) {
	tb.Helper()
	if err := l.proxy.Start(); err != nil {
		tb.Fatalf("wantest: restoring the link: %v", err)
	}
}
