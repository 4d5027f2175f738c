package main

import (
	"context"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/dais-meeting/dais/storage"
)

// registerHealth adds the node's health gauges to reg, read at each scrape:
// whether the store and the bus answer, the document cache's size, and the
// space left where the node keeps its files (deploy/prometheus/alerts.yml
// alerts on each).
func (n *node) registerHealth(reg prometheus.Registerer) {
	up := func(ping func(context.Context) error) func() float64 {
		return func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			if ping(ctx) != nil {
				return 0
			}
			return 1
		}
	}
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "dais_store_up",
			Help: "1 when the store (bbolt, or Redis in a cluster) answers, 0 when not."}, up(n.store.Ping)),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "dais_bus_up",
			Help: "1 when the bus (NATS) answers, 0 when not."}, up(n.bus.Ping)),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "dais_document_cache_bytes",
			Help: "Bytes of watermarked copies, packets and annotated copies in the cache (as its last check found; -max-cache-bytes bounds it)."},
			func() float64 {
				if n.docs == nil { // an edge keeps no copies yet
					return 0
				}
				return float64(n.docs.CacheBytes())
			}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "dais_data_free_bytes",
			Help: "Bytes free for this node's files on the file system of its data folder."},
			func() float64 { free, _ := diskSpace(n.cfg.Data); return float64(free) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "dais_data_size_bytes",
			Help: "Size of the file system of the node's data folder."},
			func() float64 { _, size := diskSpace(n.cfg.Data); return float64(size) }),
	)
}

// diskSpace returns the bytes available to this process and the size of the
// file system holding dir (0, 0 when it cannot be read).
func diskSpace(dir string) (free, size uint64) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, 0
	}
	return st.Bavail * uint64(st.Bsize), st.Blocks * uint64(st.Bsize)
}

// timedStore is the store with its durable writes timed: a command's events
// appended to the log and a ballot cast (bbolt's commit with its two
// fsyncs, or Redis's script), which every acknowledgement and every
// delivery of what they decided waits for. A disk that stalls on fsync
// shows here first (alert DaisLogWriteSlow).
type timedStore struct {
	storage.Store
	seconds *prometheus.HistogramVec
}

func newTimedStore(s storage.Store, reg prometheus.Registerer) timedStore {
	t := timedStore{Store: s, seconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "dais_log_write_seconds",
		Help:    "Time to write to the store durably: op=append, a command's events appended to the meeting's log; op=cast, a ballot with its event.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"op"})}
	reg.MustRegister(t.seconds)
	return t
}

func (s timedStore) Append(ctx context.Context, meeting string, expected uint64, events [][]byte) (uint64, error) {
	defer s.since("append", time.Now())
	return s.Store.Append(ctx, meeting, expected, events)
}

func (s timedStore) Cast(ctx context.Context, meeting string, b storage.Ballot, event []byte) (storage.CastResult, error) {
	defer s.since("cast", time.Now())
	return s.Store.Cast(ctx, meeting, b, event)
}

func (s timedStore) since(op string, start time.Time) {
	s.seconds.WithLabelValues(op).Observe(time.Since(start).Seconds())
}
