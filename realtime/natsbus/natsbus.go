// Package natsbus is the message bus between Dais nodes, on NATS: after a
// node appends a meeting's events it publishes them here, and every node that
// serves a participant of that meeting receives them. Ephemeral signals (a
// pointer, ink being drawn) travel here too and nowhere else.
//
// Core NATS delivers at most once: a message can be lost. Receivers use the
// events' sequence numbers to detect gaps and read them from the log; this
// package does not try to be reliable.
//
// Subjects: dais.m.<meeting>.ev carries a JSON array of events,
// dais.m.<meeting>.sig one signal. Meeting ids are checked to be subject-safe.
//
// Concurrency: a Bus is safe for concurrent use. Handlers run on the NATS
// client's delivery goroutine of their subscription, one message at a time,
// and must not block.
package natsbus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/dais-meeting/dais/meeting"
)

// Config says which NATS to use.
type Config struct {
	// URLs of the NATS servers (a cluster: several). Empty means: start an
	// embedded server in this process.
	URLs []string
	// EmbeddedPort is the client port of the embedded server: 0 means it
	// listens on no port (reached in-process only), -1 a random port.
	EmbeddedPort int
	// Name identifies this node's connection in NATS monitoring.
	Name string
	// CredsFile is a NATS credentials file; empty means none.
	CredsFile string
	// User and Password authenticate when set.
	User, Password string
	// Token authenticates when set.
	Token string
	// RootCAs, CertFile and KeyFile configure TLS when set.
	RootCAs           []string
	CertFile, KeyFile string
	// Logger receives connection events; nil means slog.Default().
	Logger *slog.Logger
}

// Bus is a connection to NATS, and the embedded server when it owns one.
type Bus struct {
	nc  *nats.Conn
	srv *server.Server // nil when connected to an external NATS
	log *slog.Logger
}

// Open connects to NATS, starting the embedded server first when no URL is
// given. The caller closes the Bus.
func Open(ctx context.Context, cfg Config) (*Bus, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	b := &Bus{log: log}
	opts := []nats.Option{
		nats.Name(cfg.Name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250 * time.Millisecond),
		nats.ReconnectBufSize(8 << 20),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			log.Warn("bus disconnected", "err", err)
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			log.Info("bus reconnected", "server", nc.ConnectedUrlRedacted())
		}),
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			subject := ""
			if sub != nil {
				subject = sub.Subject
			}
			log.Warn("bus error", "subject", subject, "err", err)
		}),
	}
	url := ""
	if len(cfg.URLs) == 0 {
		srv, err := startEmbedded(cfg.EmbeddedPort)
		if err != nil {
			return nil, err
		}
		b.srv = srv
		opts = append(opts, nats.InProcessServer(srv))
	} else {
		for i, u := range cfg.URLs {
			if i > 0 {
				url += ","
			}
			url += u
		}
		if cfg.CredsFile != "" {
			opts = append(opts, nats.UserCredentials(cfg.CredsFile))
		}
		if cfg.User != "" {
			opts = append(opts, nats.UserInfo(cfg.User, cfg.Password))
		}
		if cfg.Token != "" {
			opts = append(opts, nats.Token(cfg.Token))
		}
		if len(cfg.RootCAs) > 0 {
			opts = append(opts, nats.RootCAs(cfg.RootCAs...))
		}
		if cfg.CertFile != "" {
			opts = append(opts, nats.ClientCert(cfg.CertFile, cfg.KeyFile))
		}
		opts = append(opts, nats.RetryOnFailedConnect(false))
	}
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		if b.srv != nil {
			b.srv.Shutdown()
		}
		return nil, fmt.Errorf("natsbus: connecting: %w", err)
	}
	b.nc = nc
	return b, nil
}

// startEmbedded starts an in-process NATS server.
func startEmbedded(port int) (*server.Server, error) {
	opts := &server.Options{
		ServerName: "dais-embedded",
		Host:       "127.0.0.1",
		Port:       port,
		NoSigs:     true,
		NoLog:      true,
		MaxPayload: 8 << 20,
	}
	if port == 0 {
		opts.DontListen = true
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("natsbus: embedded server: %w", err)
	}
	srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		return nil, errors.New("natsbus: embedded server did not start")
	}
	return srv, nil
}

// ClientURL is the embedded server's address when it listens on a port, or "".
func (b *Bus) ClientURL() string {
	if b.srv == nil || b.srv.Addr() == nil {
		return ""
	}
	return b.srv.ClientURL()
}

// Ping reports whether the bus is connected and the server answers (for
// /readyz). Without a deadline in ctx it waits at most two seconds.
func (b *Bus) Ping(ctx context.Context) error {
	if !b.nc.IsConnected() {
		return fmt.Errorf("natsbus: not connected (%s)", b.nc.Status())
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
	}
	return b.nc.FlushWithContext(ctx)
}

// Close drains the subscriptions, closes the connection and stops the
// embedded server. It may be called more than once.
func (b *Bus) Close() error {
	if !b.nc.IsClosed() {
		if err := b.nc.Drain(); err != nil && !errors.Is(err, nats.ErrConnectionClosed) {
			b.nc.Close()
		}
		// Drain closes asynchronously; wait for it.
		deadline := time.Now().Add(5 * time.Second)
		for !b.nc.IsClosed() && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		b.nc.Close()
	}
	if b.srv != nil {
		b.srv.Shutdown()
		b.srv.WaitForShutdown()
	}
	return nil
}

func subject(meetingID, kind string) (string, error) {
	if !meeting.ValidMeetingID(meetingID) {
		return "", fmt.Errorf("natsbus: meeting id %q cannot name a subject", meetingID)
	}
	return "dais.m." + meetingID + "." + kind, nil
}

// PublishEvents publishes events of a meeting, in one message, in the order
// given. It does not wait for the server: the log is the truth.
func (b *Bus) PublishEvents(_ context.Context, meetingID string, events []meeting.Event) error {
	subj, err := subject(meetingID, "ev")
	if err != nil {
		return err
	}
	data, err := json.Marshal(events)
	if err != nil {
		return fmt.Errorf("natsbus: encoding events: %w", err)
	}
	return b.nc.Publish(subj, data)
}

// PublishSignal publishes an ephemeral signal of a meeting.
func (b *Bus) PublishSignal(meetingID string, data []byte) error {
	subj, err := subject(meetingID, "sig")
	if err != nil {
		return err
	}
	return b.nc.Publish(subj, data)
}

// Subscribe delivers a meeting's events and signals until the returned
// function is called. onEvents receives the events of one published message,
// in order; a message that cannot be decoded is logged and dropped (its
// events will be read from the log as a gap). onSignal receives one signal's
// bytes. Both run on the subscription's delivery goroutine and must not block.
func (b *Bus) Subscribe(meetingID string, onEvents func([]meeting.Event), onSignal func([]byte)) (unsubscribe func(), err error) {
	evSubj, err := subject(meetingID, "ev")
	if err != nil {
		return nil, err
	}
	sigSubj, _ := subject(meetingID, "sig")
	evSub, err := b.nc.Subscribe(evSubj, func(m *nats.Msg) {
		var events []meeting.Event
		if err := json.Unmarshal(m.Data, &events); err != nil {
			b.log.Warn("dropping undecodable events", "meeting", meetingID, "err", err)
			return
		}
		onEvents(events)
	})
	if err != nil {
		return nil, fmt.Errorf("natsbus: subscribing: %w", err)
	}
	evSub.SetPendingLimits(1<<16, 256<<20)
	sigSub, err := b.nc.Subscribe(sigSubj, func(m *nats.Msg) {
		if onSignal != nil {
			onSignal(m.Data)
		}
	})
	if err != nil {
		_ = evSub.Unsubscribe()
		return nil, fmt.Errorf("natsbus: subscribing: %w", err)
	}
	// Make sure the server knows the interest before we report success, so
	// that events published after Subscribe returns reach us.
	if err := b.nc.FlushTimeout(5 * time.Second); err != nil {
		_ = evSub.Unsubscribe()
		_ = sigSub.Unsubscribe()
		return nil, fmt.Errorf("natsbus: subscribing: %w", err)
	}
	return func() {
		_ = evSub.Unsubscribe()
		_ = sigSub.Unsubscribe()
	}, nil
}
