package main

import (
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
