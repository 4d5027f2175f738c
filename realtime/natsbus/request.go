package natsbus

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
)

// ErrNoCentre: a request found nobody to answer it (for an edge: its link
// to the centre is cut, or no central node serves the subject).
var ErrNoCentre = errors.New("natsbus: no responder")

// Request sends data on subject and returns the answer. It waits until ctx
// ends (at most 30 s without a deadline). No responder gives ErrNoCentre at
// once.
func (b *Bus) Request(ctx context.Context, subject string, data []byte) ([]byte, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
	}
	m, err := b.nc.RequestWithContext(ctx, subject, data)
	if errors.Is(err, nats.ErrNoResponders) {
		return nil, ErrNoCentre
	}
	if err != nil {
		return nil, fmt.Errorf("natsbus: request on %s: %w", subject, err)
	}
	return m.Data, nil
}

// RequestFirst sends data on subject and returns the first answer accept
// takes; the answers it refuses are dropped and it waits on (for a request
// several may answer, not all of them trusted: a bridge site's request on
// a leaf connection other sites share). It waits until ctx ends (at most
// 30 s without a deadline). No responder gives ErrNoCentre at once.
func (b *Bus) RequestFirst(ctx context.Context, subject string, data []byte, accept func([]byte) bool) ([]byte, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
	}
	inbox := b.nc.NewRespInbox()
	sub, err := b.nc.SubscribeSync(inbox)
	if err != nil {
		return nil, fmt.Errorf("natsbus: request on %s: %w", subject, err)
	}
	defer func() { _ = sub.Unsubscribe() }()
	if err := b.nc.PublishMsg(&nats.Msg{Subject: subject, Reply: inbox, Data: data}); err != nil {
		return nil, fmt.Errorf("natsbus: request on %s: %w", subject, err)
	}
	for answered := false; ; {
		m, err := sub.NextMsgWithContext(ctx)
		switch {
		case errors.Is(err, nats.ErrNoResponders) && !answered:
			return nil, ErrNoCentre
		case errors.Is(err, nats.ErrNoResponders):
			// A server on the way found no interest after someone
			// answered: the others' answers may still come.
			continue
		case err != nil:
			return nil, fmt.Errorf("natsbus: request on %s: %w", subject, err)
		}
		answered = true
		if accept(m.Data) {
			return m.Data, nil
		}
	}
}

// Serve answers requests on subject (wildcards allowed) as one of the queue
// group queue: of the subscribers in a group, one gets each request. handle
// runs on the subscription's delivery goroutine and must not block: it gets
// the subject, the request and a respond function that may be called later,
// once, from any goroutine. Serve returns once the server knows of the
// subscription; stop ends it.
func (b *Bus) Serve(subject, queue string, handle func(subject string, data []byte, respond func([]byte))) (stop func(), err error) {
	sub, err := b.nc.QueueSubscribe(subject, queue, func(m *nats.Msg) {
		reply := m.Reply
		handle(m.Subject, m.Data, func(data []byte) {
			if reply == "" {
				return
			}
			if err := b.nc.Publish(reply, data); err != nil {
				b.log.Warn("answering a request failed", "subject", m.Subject, "err", err)
			}
		})
	})
	if err != nil {
		return nil, fmt.Errorf("natsbus: serving %s: %w", subject, err)
	}
	sub.SetPendingLimits(1<<16, 64<<20)
	if err := b.nc.FlushTimeout(5 * time.Second); err != nil {
		_ = sub.Unsubscribe()
		return nil, fmt.Errorf("natsbus: serving %s: %w", subject, err)
	}
	return func() { _ = sub.Unsubscribe() }, nil
}

// Publish sends data on subject (a report nobody answers: e.g. a bridge
// site's status). It does not wait for the server.
func (b *Bus) Publish(subject string, data []byte) error {
	if err := b.nc.Publish(subject, data); err != nil {
		return fmt.Errorf("natsbus: publishing on %s: %w", subject, err)
	}
	return nil
}

// Listen calls f with every message on subject (every subscriber gets
// each) until stop. f runs on the delivery goroutine and must not block.
func (b *Bus) Listen(subject string, f func(data []byte)) (stop func(), err error) {
	sub, err := b.nc.Subscribe(subject, func(m *nats.Msg) { f(m.Data) })
	if err != nil {
		return nil, fmt.Errorf("natsbus: subscribing to %s: %w", subject, err)
	}
	if err := b.nc.FlushTimeout(5 * time.Second); err != nil {
		_ = sub.Unsubscribe()
		return nil, fmt.Errorf("natsbus: subscribing to %s: %w", subject, err)
	}
	return func() { _ = sub.Unsubscribe() }, nil
}
