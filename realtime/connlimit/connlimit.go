// Package connlimit bounds how many connections one remote address may hold
// open at a time, below the HTTP server: a client past its share is closed
// as soon as it is accepted, before it can hold a goroutine, a buffer or a
// file descriptor for long. It is the first defence against one machine
// opening thousands of slow connections (slowloris, slow bodies); the HTTP
// server's timeouts are the second.
//
// Concurrency: a Listener is safe for concurrent use; Accept may be called
// from several goroutines and accepted connections closed from any.
package connlimit

import (
	"io"
	"net"
	"sync"
)

// Listener wraps a net.Listener and closes connections from an address that
// already holds PerAddr open ones.
type Listener struct {
	net.Listener
	perAddr int
	// refused, when set, is called with the address of each connection
	// closed for being over the cap (for logging and metrics). It must not
	// block.
	refused func(addr string)

	mu   sync.Mutex
	open map[string]int
}

// New wraps ln so that no remote host (by IP address, every port counted
// together) holds more than perAddr connections at once; perAddr <= 0 means
// no cap. refused may be nil.
func New(ln net.Listener, perAddr int, refused func(addr string)) *Listener {
	return &Listener{Listener: ln, perAddr: perAddr, refused: refused, open: map[string]int{}}
}

// Accept returns the next connection within its address's cap; connections
// over the cap are closed and not returned.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.perAddr <= 0 {
			return c, nil
		}
		host := hostOf(c.RemoteAddr())
		l.mu.Lock()
		over := l.open[host] >= l.perAddr
		if !over {
			l.open[host]++
		}
		l.mu.Unlock()
		if over {
			_ = c.Close()
			if l.refused != nil {
				l.refused(host)
			}
			continue
		}
		return &conn{Conn: c, l: l, host: host}, nil
	}
}

// Open returns how many connections host holds now.
func (l *Listener) Open(host string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open[host]
}

func (l *Listener) done(host string) {
	l.mu.Lock()
	if l.open[host]--; l.open[host] <= 0 {
		delete(l.open, host)
	}
	l.mu.Unlock()
}

// hostOf is the IP of a remote address, or the whole address when it has
// no port (a Unix socket).
func hostOf(a net.Addr) string {
	if a == nil {
		return ""
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

// conn gives its address's place back once, when closed. A hijacked
// connection (a WebSocket) is the same net.Conn, so it counts until the
// socket is closed.
type conn struct {
	net.Conn
	l    *Listener
	host string
	once sync.Once
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.done(c.host) })
	return err
}

// ReadFrom keeps the server's sendfile path (a *net.TCPConn is an
// io.ReaderFrom; this wrapper would hide it).
func (c *conn) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(c.Conn, r)
}
