package main

import (
	"fmt"
	"math"
	"slices"
	"sync"
	"time"
)

// samples collects durations from many goroutines.
type samples struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *samples) add(d ...time.Duration) {
	s.mu.Lock()
	s.d = append(s.d, d...)
	s.mu.Unlock()
}

// Summary is the distribution of a set of latencies, in milliseconds.
type Summary struct {
	Count int     `json:"count"`
	Min   float64 `json:"min_ms"`
	P50   float64 `json:"p50_ms"`
	P95   float64 `json:"p95_ms"`
	P99   float64 `json:"p99_ms"`
	Max   float64 `json:"max_ms"`
	Mean  float64 `json:"mean_ms"`
	// Histogram counts the samples per bucket; bucket i holds samples up
	// to Bounds[i] milliseconds (and above Bounds[i-1]); the last bucket
	// holds everything above the last bound but one.
	Bounds []float64 `json:"bucket_upper_ms"`
	Counts []int     `json:"bucket_counts"`
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// summarize sorts the samples and describes them.
// all returns a copy of the samples.
func (s *samples) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.d)
}

func (s *samples) summarize() Summary {
	s.mu.Lock()
	d := slices.Clone(s.d)
	s.mu.Unlock()
	return summarize(d)
}

func summarize(d []time.Duration) Summary {
	var sum Summary
	sum.Count = len(d)
	if len(d) == 0 {
		return sum
	}
	slices.Sort(d)
	q := func(p float64) float64 {
		i := int(math.Ceil(p*float64(len(d)))) - 1
		return ms(d[max(0, min(i, len(d)-1))])
	}
	var total time.Duration
	for _, x := range d {
		total += x
	}
	sum.Min, sum.P50, sum.P95, sum.P99, sum.Max = ms(d[0]), q(0.50), q(0.95), q(0.99), ms(d[len(d)-1])
	sum.Mean = ms(total) / float64(len(d))
	sum.Bounds, sum.Counts = histogram(d)
	return sum
}

// histogram buckets sorted samples on the R10 scale (ten buckets per decade)
// from 0.1 ms up to the first bound above the maximum.
func histogram(sorted []time.Duration) ([]float64, []int) {
	top := ms(sorted[len(sorted)-1])
	var bounds []float64
	for b := 0.1; ; b *= 10 {
		for _, f := range []float64{1, 1.25, 1.6, 2, 2.5, 3.15, 4, 5, 6.3, 8} {
			bounds = append(bounds, math.Round(b*f*1000)/1000)
		}
		if b*8 >= top {
			break
		}
	}
	// Trim empty buckets at the bottom (keep one).
	counts := make([]int, len(bounds))
	for _, x := range sorted {
		v := ms(x)
		i, _ := slices.BinarySearch(bounds, v)
		counts[min(i, len(bounds)-1)]++
	}
	first := 0
	for first < len(counts)-1 && counts[first] == 0 {
		first++
	}
	if first > 0 {
		first--
	}
	last := len(counts) - 1
	for last > first && counts[last] == 0 {
		last--
	}
	return bounds[first : last+1], counts[first : last+1]
}

// pooled sums up the runs of -repeat: for the hub and for pageturn, the
// page turns of every run as one distribution ("p99 over the runs") and
// the CPU per delivery of all of them, with daisd's ratios to the hub.
func pooled(results []*Result) []*Result {
	var out []*Result
	by := map[string]*Result{}
	for _, name := range []string{"hub", "pageturn"} {
		var turns []time.Duration
		var deliveries, cpu float64 // cpu in seconds
		runs := 0
		for _, r := range results {
			if r.Scenario == name && len(r.turns) > 0 {
				turns = append(turns, r.turns...)
				deliveries += r.Metrics["deliveries"]
				cpu += r.Metrics["server_cpu_s"]
				runs++
			}
		}
		if runs < 2 {
			continue
		}
		res := newResult(name + " pooled")
		res.Params["runs"] = runs
		res.Latency["page_turn"] = summarize(turns)
		res.Metrics["deliveries"] = deliveries
		if deliveries > 0 {
			res.Metrics["server_cpu_per_delivery_us"] = cpu * 1e6 / deliveries
		}
		by[name] = res
		out = append(out, res)
	}
	hub, dais := by["hub"], by["pageturn"]
	if hub == nil || dais == nil {
		return out
	}
	h, d := hub.Latency["page_turn"].P99, dais.Latency["page_turn"].P99
	if h > 0 {
		dais.Metrics["page_turn_p99_vs_hub"] = d / h
		dais.check("page turn p99 over the runs vs the bare hub's", "≤ 1.1×", fmt.Sprintf("%.2f× (%.1f vs %.1f ms)", d/h, d, h), d <= 1.1*h)
	}
	if hc, dc := hub.Metrics["server_cpu_per_delivery_us"], dais.Metrics["server_cpu_per_delivery_us"]; hc > 0 {
		dais.Metrics["cpu_per_delivery_vs_hub"] = dc / hc
		dais.check("CPU per delivery over the runs vs the bare hub's", "≤ 1.1×", fmt.Sprintf("%.2f× (%.1f vs %.1f µs)", dc/hc, dc, hc), dc <= 1.1*hc)
	}
	return out
}
