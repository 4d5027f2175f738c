package main

import (
	"context"
	"net"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// wireStamp is when a tablet's socket last received what its reader read,
// by the kernel's clock (SO_TIMESTAMPNS): a thousand simulated tablets on
// the server's own two cores wait to be scheduled before they read, and a
// real tablet does not wait for the others. The bench reports a ballot's
// ack both ways: when the reader took it (the tablet as simulated here)
// and when it reached the socket (the server and the network alone).
type wireStamp struct {
	last atomic.Int64 // unix nanoseconds; 0: none yet (or not stamped)
}

// clock is daisclient.Options.WireClock: the stamp of the socket's last
// read, zero if there is none.
func (w *wireStamp) clock() time.Time {
	if n := w.last.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// dialer is base whose connections are stamped into w. A base that dials
// its own connections (morning's byte counting) is used as it is.
func (w *wireStamp) dialer(base *websocket.Dialer) *websocket.Dialer {
	if base.NetDialContext != nil || !wireStamps {
		return base
	}
	d := *base
	var nd net.Dialer
	d.NetDialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := nd.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return stamped(c, w), nil
	}
	return &d
}
