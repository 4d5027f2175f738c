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
	"testing"

	"github.com/Shopify/toxiproxy/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

// Link is one site's WAN link: connect to Addr instead of the upstream.
type Link struct {
	proxy *toxiproxy.Proxy
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
	return &Link{proxy: p}
}

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
