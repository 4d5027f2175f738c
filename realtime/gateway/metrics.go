package gateway

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the gateway's Prometheus instruments. A nil *Metrics records
// nothing.
type Metrics struct {
	connections     prometheus.Gauge
	rooms           prometheus.Gauge
	delivered       prometheus.Counter
	gapEvents       prometheus.Counter
	slowDisconnects prometheus.Counter
	pings           *prometheus.CounterVec
	commands        *prometheus.CounterVec
	commandSeconds  *prometheus.HistogramVec
	fanoutSeconds   prometheus.Histogram
}

// NewMetrics creates the gateway's instruments and registers them with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		connections: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "dais_ws_connections", Help: "WebSocket clients connected to this node."}),
		rooms: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "dais_rooms", Help: "Meetings with a delivery room on this node."}),
		delivered: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "dais_events_delivered_total", Help: "Events queued to clients (one per event and client)."}),
		gapEvents: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "dais_gap_events_total", Help: "Events read from the log because the bus did not deliver them in order."}),
		slowDisconnects: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "dais_slow_disconnects_total", Help: "Clients closed with 4008 because their queue was full."}),
		pings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dais_pings_total", Help: "Pings due, by outcome: sent, or skipped because the connection was written to since its last slot (its socket's TCP_USER_TIMEOUT checks the peer)."}, []string{"outcome"}),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dais_commands_total", Help: "Commands run, by name and outcome (ok or an error code)."}, []string{"command", "outcome"}),
		commandSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "dais_command_seconds", Help: "Time from a command's arrival to its ack.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10}}, []string{"command"}),
	}
	m.fanoutSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "dais_event_fanout_seconds",
		Help:    "Time from an event's decision (its time, on the node that decided it) until it is queued to every client of its room on this node: a page turn's delivery latency, less the last write to each socket.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}})
	reg.MustRegister(m.connections, m.rooms, m.delivered, m.gapEvents, m.slowDisconnects, m.pings, m.commands, m.commandSeconds, m.fanoutSeconds)
	return m
}

func (m *Metrics) connected(delta float64) {
	if m != nil {
		m.connections.Add(delta)
	}
}

func (m *Metrics) room(delta float64) {
	if m != nil {
		m.rooms.Add(delta)
	}
}

func (m *Metrics) fannedOut(at time.Time) {
	if m != nil && !at.IsZero() {
		m.fanoutSeconds.Observe(max(time.Since(at), 0).Seconds())
	}
}

func (m *Metrics) deliveredEvents(n int) {
	if m != nil && n > 0 {
		m.delivered.Add(float64(n))
	}
}

func (m *Metrics) gap(n int) {
	if m != nil && n > 0 {
		m.gapEvents.Add(float64(n))
	}
}

func (m *Metrics) slow() {
	if m != nil {
		m.slowDisconnects.Inc()
	}
}

func (m *Metrics) pinged(sent, skipped int) {
	if m == nil {
		return
	}
	if sent > 0 {
		m.pings.WithLabelValues("sent").Add(float64(sent))
	}
	if skipped > 0 {
		m.pings.WithLabelValues("skipped").Add(float64(skipped))
	}
}

func (m *Metrics) command(name, outcome string, took time.Duration) {
	if m == nil {
		return
	}
	m.commands.WithLabelValues(name, outcome).Inc()
	m.commandSeconds.WithLabelValues(name).Observe(took.Seconds())
}
