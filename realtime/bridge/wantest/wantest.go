// Package wantest puts a WAN between a bridge site's edge and the centre in
// tests: a TCP proxy (Shopify's toxiproxy, in-process) with latency,
// jitter, a bandwidth limit, and cuts.
//
// It is imported by tests and by the load generator's bridge scenario
// (New, SetLatency, Mend: the forms without a testing.TB). A Link's methods
// may be called from any goroutine.
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
	key      string        // of its byte counters
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
	l, err := New(name, upstream)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(l.Close)
	return l
}

// New opens a link to upstream on a random loopback port (for a program,
// the load generator; tests use Start). Close closes it.
func New(name, upstream string) (*Link, error) {
	srv := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(prometheus.NewRegistry()), zerolog.Nop())
	p := toxiproxy.NewProxy(srv, name, "127.0.0.1:0", upstream)
	if err := p.Start(); err != nil {
		return nil, fmt.Errorf("wantest: starting the link %s: %w", name, err)
	}
	l := &Link{proxy: p}
	l.key = fmt.Sprintf("%s-%p", name, l)
	for _, stream := range []string{"upstream", "downstream"} {
		v, _ := counters.LoadOrStore(l.key+"-"+stream, new(atomic.Int64))
		if stream == "upstream" {
			l.up = v.(*atomic.Int64)
		} else {
			l.down = v.(*atomic.Int64)
		}
		js := fmt.Sprintf(`{"name":"count_%s","type":"dais_count","stream":%q,"toxicity":1,"attributes":{"key":%q}}`, stream, stream, l.key+"-"+stream)
		if _, err := p.Toxics.AddToxicJson(strings.NewReader(js)); err != nil {
			p.Stop()
			return nil, fmt.Errorf("wantest: counting bytes: %w", err)
		}
	}
	return l, nil
}

// Close stops the link for good.
func (l *Link) Close() {
	l.proxy.Stop()
	counters.Delete(l.key + "-upstream")
	counters.Delete(l.key + "-downstream")
}

// Bytes returns the bytes that crossed the link so far: towards the
// upstream (the centre) and back.
func (l *Link) Bytes() (up, down int64) { return l.up.Load(), l.down.Load() }

// Addr is the link's near end (host:port).
func (l *Link) Addr() string { return l.proxy.Listen }

// add adds a toxic to both directions.
func (l *Link) add(kind, attrs string) error {
	for _, stream := range []string{"upstream", "downstream"} {
		js := fmt.Sprintf(`{"name":%q,"type":%q,"stream":%q,"toxicity":1,"attributes":%s}`, kind+"_"+stream, kind, stream, attrs)
		if _, err := l.proxy.Toxics.AddToxicJson(strings.NewReader(js)); err != nil {
			return fmt.Errorf("wantest: adding %s: %w", kind, err)
		}
	}
	return nil
}

// Latency delays every chunk by ms ± jitter milliseconds, each way (the
// round trip is twice that).
func (l *Link) Latency(tb testing.TB, ms, jitter int) {
	tb.Helper()
	if err := l.SetLatency(ms, jitter); err != nil {
		tb.Fatal(err)
	}
}

// SetLatency is Latency for a program.
func (l *Link) SetLatency(ms, jitter int) error {
	return l.add("latency", fmt.Sprintf(`{"latency":%d,"jitter":%d}`, ms, jitter))
}

// Bandwidth limits each direction to kbps kilobytes per second.
func (l *Link) Bandwidth(tb testing.TB, kbps int) {
	tb.Helper()
	if err := l.add("bandwidth", fmt.Sprintf(`{"rate":%d}`, kbps)); err != nil {
		tb.Fatal(err)
	}
}

// Cut breaks the link: every connection through it is closed and new ones
// are refused until Restore.
func (l *Link) Cut() { l.proxy.Stop() }

// Restore mends a cut link (on the same port).
func (l *Link) Restore(tb testing.TB) {
	tb.Helper()
	if err := l.Mend(); err != nil {
		tb.Fatal(err)
	}
}

// Mend is Restore for a program.
func (l *Link) Mend() error {
	if err := l.proxy.Start(); err != nil {
		return fmt.Errorf("wantest: restoring the link: %w", err)
	}
	return nil
}
