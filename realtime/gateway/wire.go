package gateway

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"net"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/sys/unix"
)

// message is a text message encoded once for any number of connections, as
// the whole frame that goes on the wire: a server's frames are not masked
// and the gateway negotiates no compression (its Upgrader does not enable
// it), so a frame is the same bytes for every client and writing it is
// handing those bytes to the socket.
type message struct {
	wire []byte
}

// maxHeader is the longest frame header a server writes: no mask, a 64-bit
// length.
const maxHeader = 10

// putHeader writes the header of one final text frame of l bytes (RFC 6455
// §5.2) into h and returns its length.
func putHeader(h *[maxHeader]byte, l int) int {
	h[0] = 0x80 | websocket.TextMessage // FIN, opcode 1
	switch {
	case l <= 125:
		h[1] = byte(l)
		return 2
	case l <= 0xFFFF:
		h[1] = 126
		binary.BigEndian.PutUint16(h[2:], uint16(l))
		return 4
	default:
		h[1] = 127
		binary.BigEndian.PutUint64(h[2:], uint64(l))
		return maxHeader
	}
}

// newMessage frames data as one final text frame.
func newMessage(data []byte) *message {
	var h [maxHeader]byte
	n := putHeader(&h, len(data))
	wire := make([]byte, n+len(data))
	copy(wire, h[:n])
	copy(wire[n:], data)
	return &message{wire: wire}
}

// frameBuf is a message written in place: its payload is appended after
// room for the longest header, which message fills in — one allocation and
// no copy for a message put together from parts (a welcome).
type frameBuf []byte

// newFrameBuf returns an empty frameBuf with room for a payload of size
// bytes.
func newFrameBuf(size int) frameBuf {
	return make(frameBuf, maxHeader, maxHeader+size)
}

// message frames what was appended after the header's room.
func (b frameBuf) message() *message {
	var h [maxHeader]byte
	n := putHeader(&h, len(b)-maxHeader)
	start := maxHeader - n
	copy(b[start:], h[:n])
	return &message{wire: b[start:]}
}

// appendJSONString appends s as a JSON string, as encoding/json writes it.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// prepare encodes a message once for any number of connections.
func prepare(v any) (*message, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return newMessage(data), nil
}

// rawConn returns the socket under nc for writes that must not wait, or nil
// when nc is not a plain TCP connection (under TLS every message goes
// through the connection's writer).
func rawConn(nc net.Conn) syscall.RawConn {
	tc, ok := nc.(*net.TCPConn)
	if !ok {
		return nil
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return nil
	}
	return raw
}

// writeNow writes m to the socket from the caller's goroutine when the
// connection is idle — its writer owes nothing, and no one is writing —
// without waiting: what the socket does not take at once is left in rest
// for the writer, which writes it before anything else. It reports whether
// it took m; if not, m is for the queue.
//
// This is the fan-out's common case: at a page turn each tablet's queue is
// empty, and handing the frame to its socket here, in the room's goroutine,
// spares a queue send, a goroutine wake-up and park, and gorilla's write
// lock and deadline per delivery — most of the CPU a delivery costs besides
// the write itself.
func (c *conn) writeNow(m *message) bool {
	return c.writeFrame(m.wire, true)
}

// pingFrame is a WebSocket ping with no payload, as a server sends it
// (unmasked).
var pingFrame = []byte{websocket.PingMessage | 0x80, 0}

// ping sends the peer a ping: at once if the connection is idle, else
// after what its writer owes. A connection whose queue is full gets no
// ping this time (a full queue is soon a slow-client disconnect anyway).
// It reports whether the ping went or was queued.
func (c *conn) ping() bool {
	return c.writeFrame(pingFrame, false) || c.offer(pingMark)
}

// writeFrame is writeNow for one whole frame; counted says whether the
// frame counts as a message written (c.wrote: the pinger's sign of a
// connection in use, which its own pings are not).
func (c *conn) writeFrame(frame []byte, counted bool) bool {
	if c.raw == nil || len(frame) == 0 || c.owed.Load() != 0 || !c.wmu.TryLock() {
		return false
	}
	defer c.wmu.Unlock()
	if c.owed.Load() != 0 || c.rest != nil || c.closed {
		// The writer has messages to write first, a frame to finish, or
		// the connection is closing: the queue keeps the order (and a
		// closed connection's writer is gone, so a queued message goes
		// nowhere).
		return false
	}
	var n int
	var werr error
	err := c.raw.Write(func(fd uintptr) bool {
		for {
			n, werr = unix.Write(int(fd), frame)
			if werr != unix.EINTR {
				return true // never wait for the socket to be writable
			}
		}
	})
	if n < 0 {
		n = 0
	}
	if err == nil && (werr == nil || errors.Is(werr, unix.EAGAIN)) {
		if counted {
			c.wrote.Add(1)
		}
		if n < len(frame) {
			// The socket's buffer is full: the rest, and what comes
			// after it, is the writer's, which waits for the socket.
			c.rest = frame[n:]
			c.rests.Add(1)
			c.flushLater()
		}
		return true
	}
	// The socket failed: the peer is gone. Nothing more is written; the
	// reader sees the failure too.
	c.closed = true
	c.kick(websocket.CloseGoingAway, "")
	return true
}

// flushRest writes what writeNow left, waiting for the socket. wmu is held.
func (c *conn) flushRest(nc net.Conn) error {
	if c.rest == nil {
		return nil
	}
	_, err := nc.Write(c.rest)
	c.rest = nil
	return err
}

// control writes a control frame (ping, pong, close) within WriteTimeout,
// after what writeNow left. wmu is held.
func (c *conn) control(typ int, data []byte) error {
	nc := c.ws.NetConn()
	deadline := time.Now().Add(c.g.cfg.WriteTimeout)
	_ = nc.SetWriteDeadline(deadline)
	err := c.flushRest(nc)
	if err == nil {
		err = c.ws.WriteControl(typ, data, deadline)
	}
	// gorilla leaves the deadline on the socket: the writes that follow
	// wait for as long as it takes (a stuck peer is kick's to end).
	_ = nc.SetWriteDeadline(time.Time{})
	return err
}
