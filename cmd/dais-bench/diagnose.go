package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"
)

// scrape reads the Prometheus text of each node's /metrics (the internal
// listener) and sums the samples by name and labels across nodes.
func scrape(ctx context.Context, urls []string) (map[string]float64, error) {
	out := map[string]float64{}
	for _, u := range urls {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u+"/metrics", nil)
		if err != nil {
			return nil, err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		err = parseMetrics(resp.Body, out)
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("%s/metrics: %w", u, err)
		}
	}
	return out, nil
}

// parseMetrics adds the samples of a Prometheus text exposition to out,
// keyed by the sample's name with its labels as written.
func parseMetrics(r io.Reader, out map[string]float64) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i <= 0 {
			return fmt.Errorf("a sample without a value: %q", line)
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			return fmt.Errorf("a sample's value: %q: %w", line, err)
		}
		out[line[:i]] += v
	}
	return sc.Err()
}

// serverDiagnosis puts in res what the nodes' metrics say about the
// measured phase: events read from the log because the bus did not bring
// them (a late delivery), slow clients kicked, events whose fan-out ended
// more than 100 / 250 ms after their decision, the log's appends and those
// over 100 ms, and the longest GC pause.
func serverDiagnosis(res *Result, before, after map[string]float64) {
	if before == nil || after == nil {
		return
	}
	d := func(k string) float64 { return after[k] - before[k] }
	res.Metrics["server_gap_events"] = d("dais_gap_events_total")
	res.Metrics["server_slow_kicks"] = d("dais_slow_disconnects_total")
	all := d("dais_event_fanout_seconds_count")
	res.Metrics["fanout_events"] = all
	res.Metrics["fanout_over_100ms"] = all - d(`dais_event_fanout_seconds_bucket{le="0.1"}`)
	res.Metrics["fanout_over_250ms"] = all - d(`dais_event_fanout_seconds_bucket{le="0.25"}`)
	// The log's durable writes (the node's commits): a turn waits for its
	// append before anyone sees it, so a disk that stalls on fsync shows
	// here as appends over 100 ms.
	res.Metrics["server_appends"] = d(`dais_log_write_seconds_count{op="append"}`)
	res.Metrics["server_appends_over_100ms"] = res.Metrics["server_appends"] - d(`dais_log_write_seconds_bucket{op="append",le="0.1"}`)
	serverGC(res, before, after)
}

// serverGC puts in res the server's GC over the phase: its cycles, the
// garbage made, and the longest pause.
func serverGC(res *Result, before, after map[string]float64) {
	res.Metrics["server_gc_pause_max_ms"] = after[`go_gc_duration_seconds{quantile="1"}`] * 1000
	res.Metrics["server_gc_cycles"] = after["go_gc_duration_seconds_count"] - before["go_gc_duration_seconds_count"]
	res.Metrics["server_alloc_MB"] = (after["go_memstats_alloc_bytes_total"] - before["go_memstats_alloc_bytes_total"]) / (1 << 20)
}

// stormWatch is a ballot storm's server side (the vote's, an election
// round's), watched from start to report: the node's metrics, both
// processes' CPU and the bench's GC.
type stormWatch struct {
	metrics map[string]float64
	gc      benchGC
	cpu     procStat
	self    time.Duration
}

func watchStorm(ctx context.Context, t *Target) stormWatch {
	metrics, gc := t.scrape(ctx), startBenchGC()
	return stormWatch{metrics: metrics, gc: gc, cpu: measure(t), self: selfCPU()}
}

// report puts in res the storm's CPU, where its acks spent their time on
// the server (voteDiagnosis) and the bench's GC.
func (w stormWatch) report(ctx context.Context, t *Target, res *Result) {
	res.Metrics["storm_server_cpu_s"] = (measure(t).CPU - w.cpu.CPU).Seconds()
	res.Metrics["storm_bench_cpu_s"] = (selfCPU() - w.self).Seconds()
	voteDiagnosis(res, w.metrics, t.scrape(ctx))
	w.gc.report(res)
}

// voteDiagnosis puts in res where a storm's ballot acks spent their time
// on the server: the ballots whose command took over 10, 25 and 50 ms from
// arrival to ack (dais_command_seconds), those whose durable write took
// over 10 and 25 ms (dais_log_write_seconds, op=cast), and the GC's cycles
// and garbage. An ack slower at the tablet than on the server waited in
// the sockets or in the bench itself.
func voteDiagnosis(res *Result, before, after map[string]float64) {
	if before == nil || after == nil {
		return
	}
	d := func(k string) float64 { return after[k] - before[k] }
	cmds := d(`dais_command_seconds_count{command="CastBallot"}`)
	res.Metrics["server_ballots"] = cmds
	for _, le := range []string{"0.01", "0.025", "0.05"} {
		res.Metrics["server_ballot_over_"+le+"s"] = cmds - d(`dais_command_seconds_bucket{command="CastBallot",le="`+le+`"}`)
	}
	casts := d(`dais_log_write_seconds_count{op="cast"}`)
	for _, le := range []string{"0.01", "0.025"} {
		res.Metrics["server_cast_write_over_"+le+"s"] = casts - d(`dais_log_write_seconds_bucket{op="cast",le="`+le+`"}`)
	}
	res.Metrics["server_deliveries"] = d("dais_events_delivered_total")
	serverGC(res, before, after)
}

// benchGC notes the generator's own GC: a long pause of the bench delays
// the receipt times of every tablet alike.
type benchGC struct{ n int64 }

func startBenchGC() benchGC {
	var s debug.GCStats
	debug.ReadGCStats(&s)
	return benchGC{n: s.NumGC}
}

func (b benchGC) report(res *Result) {
	var s debug.GCStats
	s.Pause = make([]time.Duration, 0, 256)
	debug.ReadGCStats(&s)
	n := min(int(s.NumGC-b.n), len(s.Pause))
	var worst time.Duration
	for _, p := range s.Pause[:n] { // most recent first
		worst = max(worst, p)
	}
	res.Metrics["bench_gc_cycles"] = float64(s.NumGC - b.n)
	res.Metrics["bench_gc_pause_max_ms"] = ms(worst)
}

// turnReport is one page turn as the tablets saw it.
type turnReport struct {
	Seq                uint64
	Sent               time.Time
	Ack                time.Duration
	First, Median, Max time.Duration
}

// perTurn describes each turn: its ack, and the first, median and last
// tablet's latency. A late first receipt means the event reached the room
// (or left it) late; an early first and a late median means the writes
// were slow.
func perTurn(tabs []*tablet, sent map[uint64]time.Time, acks map[uint64]time.Duration) []turnReport {
	by := map[uint64][]time.Duration{}
	for _, tb := range tabs {
		tb.mu.Lock()
		for _, r := range tb.recs {
			if start, ok := sent[r.seq]; ok {
				by[r.seq] = append(by[r.seq], r.at.Sub(start))
			}
		}
		tb.mu.Unlock()
	}
	out := make([]turnReport, 0, len(by))
	for seq, d := range by {
		slices.Sort(d)
		out = append(out, turnReport{Seq: seq, Sent: sent[seq], Ack: acks[seq], First: d[0], Median: d[len(d)/2], Max: d[len(d)-1]})
	}
	slices.SortFunc(out, func(a, b turnReport) int { return int(a.Seq) - int(b.Seq) })
	return out
}

// stalledTurns logs and counts the turns whose median is over three times
// the median of all turns' medians (and over 100 ms): the rare stalls.
func stalledTurns(res *Result, t *Target, what string, turns []turnReport) {
	if len(turns) == 0 {
		return
	}
	meds := make([]time.Duration, len(turns))
	for i, tr := range turns {
		meds[i] = tr.Median
	}
	slices.Sort(meds)
	typical := meds[len(meds)/2]
	n := 0
	var worst turnReport
	worstAt := 0
	for i, tr := range turns {
		if tr.Median > worst.Median {
			worst, worstAt = tr, i+1
		}
		if tr.Median > 3*typical && tr.Median > 100*time.Millisecond {
			n++
			t.logf("%s: a stalled turn: seq %d sent %s, ack %.1f ms, first tablet %.1f ms, median %.1f ms, last %.1f ms (typical median %.1f ms)",
				what, tr.Seq, tr.Sent.Format("15:04:05.000"), ms(tr.Ack), ms(tr.First), ms(tr.Median), ms(tr.Max), ms(typical))
		}
	}
	res.Metrics["stalled_turns"] = float64(n)
	res.Metrics["worst_turn_ack_ms"] = ms(worst.Ack)
	res.Metrics["worst_turn_first_ms"] = ms(worst.First)
	res.Metrics["worst_turn_median_ms"] = ms(worst.Median)
	// Which turn it was (1: the first of the run, its writes the first
	// to the tablets' sockets since their welcome).
	res.Metrics["worst_turn_number"] = float64(worstAt)
}

// scrape reads the nodes' metrics; nil when there are none or they cannot
// be read (the diagnosis is then left out, and said so in the log).
func (t *Target) scrape(ctx context.Context) map[string]float64 {
	if len(t.MetricsURLs) == 0 {
		return nil
	}
	m, err := scrape(ctx, t.MetricsURLs)
	if err != nil {
		t.logf("reading the nodes' metrics: %v", err)
		return nil
	}
	return m
}
