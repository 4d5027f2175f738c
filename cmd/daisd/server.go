package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/dais-meeting/dais/realtime/connlimit"
)

// The public HTTP server's limits. A WebSocket leaves them at its upgrade
// (the gateway sets its own deadlines); an upload and a file download
// stretch their own deadline by their size (httpapi), so a 20 MB PDF still
// reaches a slow tablet.
const (
	// readHeaderTimeout bounds the request line and headers.
	readHeaderTimeout = 10 * time.Second
	// readTimeout bounds a whole request, body included: a client sending
	// a body a byte at a time is cut off here.
	readTimeout = 30 * time.Second
	// writeTimeout bounds writing a response.
	writeTimeout = 60 * time.Second
	// idleTimeout bounds a keep-alive connection waiting for its next
	// request.
	idleTimeout = 120 * time.Second
	// maxHeaderBytes bounds the request line and headers.
	maxHeaderBytes = 64 << 10
	// defaultMaxConnsPerAddr is MaxConnsPerAddr's default: a tablet needs
	// a handful (a WebSocket, a download, the page), a room's display or a
	// NAT gateway more.
	defaultMaxConnsPerAddr = 512
)

// newHTTPServer returns a server with the limits above.
func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// listen opens the public listener with the per-address cap.
func listen(cfg config, log *slog.Logger) (net.Listener, error) {
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", cfg.Listen, err)
	}
	perAddr := cfg.MaxConnsPerAddr
	if perAddr == 0 {
		perAddr = defaultMaxConnsPerAddr
	}
	var lastLog time.Time // written by Accept's goroutine only
	return connlimit.New(ln, perAddr, func(addr string) {
		if time.Since(lastLog) > 10*time.Second {
			lastLog = time.Now()
			log.Warn("connection refused: too many from one address", "addr", addr, "max", perAddr)
		}
	}), nil
}
