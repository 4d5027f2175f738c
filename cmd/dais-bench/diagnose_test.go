package main

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

func TestParseMetrics(t *testing.T) {
	tests := []struct {
		name, text string
		want       map[string]float64
		bad        bool
	}{
		{"samples and comments", "# HELP x y\n# TYPE x counter\ndais_gap_events_total 3\n\ndais_event_fanout_seconds_bucket{le=\"0.1\"} 7\n",
			map[string]float64{"dais_gap_events_total": 3, `dais_event_fanout_seconds_bucket{le="0.1"}`: 7}, false},
		{"summed across nodes", "a 1\na 2.5\n", map[string]float64{"a": 3.5}, false},
		{"labels with spaces", `b{x="a b"} 4` + "\n", map[string]float64{`b{x="a b"}`: 4}, false},
		{"no value", "lonely\n", nil, true},
		{"not a number", "c abc\n", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := map[string]float64{}
			err := parseMetrics(strings.NewReader(tt.text), out)
			if (err != nil) != tt.bad {
				t.Fatalf("err = %v, want an error: %v", err, tt.bad)
			}
			if tt.bad {
				return
			}
			if len(out) != len(tt.want) {
				t.Fatalf("got %v, want %v", out, tt.want)
			}
			for k, v := range tt.want {
				if out[k] != v {
					t.Errorf("%s = %v, want %v", k, out[k], v)
				}
			}
		})
	}
}

func TestPerTurnFindsTheStall(t *testing.T) {
	start := time.Unix(1000, 0)
	sent := map[uint64]time.Time{1: start, 2: start.Add(time.Second), 3: start.Add(2 * time.Second)}
	// Three tablets; turn 2 reaches all of them 600–700 ms late.
	late := map[uint64][]time.Duration{1: {10, 20, 30}, 2: {600, 650, 700}, 3: {15, 25, 35}}
	var tabs []*tablet
	for i := range 3 {
		tb := &tablet{i: i}
		for seq := uint64(1); seq <= 3; seq++ {
			tb.recs = append(tb.recs, rec{seq: seq, at: sent[seq].Add(late[seq][i] * time.Millisecond)})
		}
		tabs = append(tabs, tb)
	}
	turns := perTurn(tabs, sent, map[uint64]time.Duration{2: 5 * time.Millisecond})
	if len(turns) != 3 || turns[1].Seq != 2 || turns[1].First != 600*time.Millisecond || turns[1].Median != 650*time.Millisecond || turns[1].Max != 700*time.Millisecond {
		t.Fatalf("turns = %+v", turns)
	}
	res := newResult("pageturn")
	var logged []string
	stalledTurns(res, &Target{Log: func(f string, a ...any) { logged = append(logged, f) }}, "pageturn", turns)
	if res.Metrics["stalled_turns"] != 1 || res.Metrics["worst_turn_median_ms"] != 650 || res.Metrics["worst_turn_ack_ms"] != 5 || len(logged) != 1 {
		t.Errorf("metrics %v, logged %d lines", res.Metrics, len(logged))
	}
}

// TestPooled: -repeat's summary takes every delivery of every run as one
// distribution and the CPU of all runs over all their deliveries.
func TestPooled(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		var d []time.Duration
		for _, x := range v {
			d = append(d, time.Duration(x)*time.Millisecond)
		}
		return d
	}
	run := func(name string, turns []time.Duration, cpu time.Duration) *Result {
		r := newResult(name)
		r.turns = turns
		r.Metrics["deliveries"], r.Metrics["server_cpu_s"] = float64(len(turns)), cpu.Seconds()
		return r
	}
	// The hub: 200 deliveries at 10 ms. Daisd: one run with 2 of 100 at
	// 500 ms (its own p99 would be 500 ms), one run of 100 at 10 ms: over
	// the two runs 2 in 200 are slow, and the p99 is 10 ms.
	slow := append(ms(500, 500), make([]time.Duration, 98)...)
	for i := 2; i < 100; i++ {
		slow[i] = 10 * time.Millisecond
	}
	even := make([]time.Duration, 100)
	for i := range even {
		even[i] = 10 * time.Millisecond
	}
	out := pooled([]*Result{
		run("hub", even, 1000*time.Microsecond), run("pageturn", slow, 1200*time.Microsecond),
		run("hub", even, 1000*time.Microsecond), run("pageturn", even, 1000*time.Microsecond),
		newResult("vote"),
	})
	if len(out) != 2 || out[0].Scenario != "hub pooled" || out[1].Scenario != "pageturn pooled" {
		t.Fatalf("pooled results %v", out)
	}
	d := out[1]
	if got := d.Latency["page_turn"]; got.Count != 200 || got.P99 > 10.5 || got.Max != 500 {
		t.Errorf("pooled page turns %+v", got)
	}
	if got := d.Metrics["cpu_per_delivery_vs_hub"]; got < 1.099 || got > 1.101 {
		t.Errorf("CPU ratio %v, want 1.1 (2200 µs over 200 against 2000 over 200)", got)
	}
	if len(d.Checks) != 2 || !d.Checks[0].Met {
		t.Errorf("checks %+v", d.Checks)
	}
}

// TestDiagnosisReadsTheNodesHistograms: the keys serverDiagnosis reads are
// the ones client_golang writes (labels, their order, le last), taken from a
// registry shaped like a node's.
func TestDiagnosisReadsTheNodesHistograms(t *testing.T) {
	writes := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "dais_log_write_seconds", Buckets: []float64{.05, .1, .25}}, []string{"op"})
	fanout := prometheus.NewHistogram(prometheus.HistogramOpts{Name: "dais_event_fanout_seconds", Buckets: []float64{.1, .25}})
	reg := prometheus.NewRegistry()
	reg.MustRegister(writes, fanout)
	read := func() map[string]float64 {
		t.Helper()
		rec := httptest.NewRecorder()
		promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		out := map[string]float64{}
		if err := parseMetrics(rec.Body, out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	writes.WithLabelValues("append").Observe(.002)
	before := read()
	for _, s := range []float64{.003, .2, .9} { // two appends over 100 ms
		writes.WithLabelValues("append").Observe(s)
	}
	writes.WithLabelValues("cast").Observe(.5) // a ballot: not an append
	for _, s := range []float64{.05, .3} {
		fanout.Observe(s)
	}
	res := newResult("pageturn")
	serverDiagnosis(res, before, read())
	for k, want := range map[string]float64{"server_appends": 3, "server_appends_over_100ms": 2, "fanout_events": 2, "fanout_over_100ms": 1, "fanout_over_250ms": 1} {
		if got := res.Metrics[k]; got != want {
			t.Errorf("%s = %v, want %v", k, got, want)
		}
	}
}
