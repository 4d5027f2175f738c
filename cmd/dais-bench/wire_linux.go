package main

import (
	"encoding/binary"
	"io"
	"net"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// wireStamps says whether this system stamps received data (Linux).
const wireStamps = true

// stampConn is a TCP connection whose reads record the kernel's receive
// time of what they return (the last segment's, with SO_TIMESTAMPNS).
type stampConn struct {
	net.Conn
	raw syscall.RawConn
	w   *wireStamp
	oob []byte // the reader's, one read at a time
	// kernel counts the reads the kernel stamped.
	kernel atomic.Int64
}

// stamped turns on SO_TIMESTAMPNS on c and stamps its reads into w; c as
// it is if it is not a TCP connection or the option is refused.
func stamped(c net.Conn, w *wireStamp) net.Conn {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return c
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return c
	}
	var serr error
	if err := raw.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1)
	}); err != nil || serr != nil {
		return c
	}
	return &stampConn{Conn: c, raw: raw, w: w, oob: make([]byte, unix.CmsgSpace(16))}
}

func (s *stampConn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	var n, oobn int
	var rerr error
	err := s.raw.Read(func(fd uintptr) bool {
		for {
			n, oobn, _, _, rerr = unix.Recvmsg(int(fd), p, s.oob, 0)
			if rerr != unix.EINTR {
				return rerr != unix.EAGAIN // false: wait until readable
			}
		}
	})
	if err != nil {
		return 0, err
	}
	if rerr != nil {
		return 0, rerr
	}
	if n == 0 {
		return 0, io.EOF
	}
	ns := receivedAt(s.oob[:oobn])
	if ns == 0 {
		// Not stamped (the kernel turns stamping on a moment after the
		// first socket asks): the read's own time, never an earlier
		// read's.
		ns = time.Now().UnixNano()
	} else {
		s.kernel.Add(1)
	}
	s.w.last.Store(ns)
	return n, nil
}

// receivedAt reads the SCM_TIMESTAMPNS of a read's control messages, in
// unix nanoseconds; 0 when there is none. It allocates nothing: every
// read of every simulated tablet goes through it.
func receivedAt(oob []byte) int64 {
	for len(oob) > 0 {
		h, data, rest, err := unix.ParseOneSocketControlMessage(oob)
		if err != nil {
			return 0
		}
		if h.Level == unix.SOL_SOCKET && h.Type == unix.SCM_TIMESTAMPNS && len(data) >= 16 {
			sec := int64(binary.NativeEndian.Uint64(data[0:8]))
			nsec := int64(binary.NativeEndian.Uint64(data[8:16]))
			return sec*1e9 + nsec
		}
		oob = rest
	}
	return 0
}
