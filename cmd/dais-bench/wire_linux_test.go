package main

import (
	"io"
	"net"
	"testing"
	"time"
)

// TestStampConn: what a stamped connection reads is what was written, and
// each read records when it arrived (the kernel's receive time, or the
// read's own before stamping is on): after the write began and before the
// read returned.
func TestStampConn(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- c
	}()
	var w wireStamp
	d := w.dialer(benchDialer)
	c, err := d.NetDialContext(t.Context(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, ok := c.(*stampConn); !ok {
		t.Fatalf("dialed a %T, want a stamped connection", c)
	}
	peer := <-accepted
	if peer == nil {
		t.Fatal("no connection accepted")
	}
	defer peer.Close()
	if !w.clock().IsZero() {
		t.Fatal("a stamp before anything was read")
	}
	for _, msg := range []string{"lá phiếu", "biểu quyết thông qua"} {
		before := time.Now()
		if _, err := peer.Write([]byte(msg)); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, len(msg))
		if _, err := io.ReadFull(c, buf); err != nil {
			t.Fatal(err)
		}
		after := time.Now()
		if string(buf) != msg {
			t.Fatalf("read %q, want %q", buf, msg)
		}
		at := w.clock()
		if at.Before(before.Truncate(time.Microsecond)) || at.After(after) {
			t.Fatalf("stamped %v, want between the write (%v) and the read's end (%v)", at, before, after)
		}
	}
	// The kernel stamps once stamping is on (it turns it on a moment
	// after the first socket asks; until then a read is timed by itself).
	buf := make([]byte, 1)
	for deadline := time.Now().Add(5 * time.Second); c.(*stampConn).kernel.Load() == 0; {
		if time.Now().After(deadline) {
			t.Fatal("no read was stamped by the kernel")
		}
		if _, err := peer.Write([]byte("x")); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			t.Fatal(err)
		}
	}
	peer.Close()
	if n, err := c.Read(make([]byte, 8)); n != 0 || err != io.EOF {
		t.Fatalf("read after the peer closed: %d, %v; want 0, EOF", n, err)
	}
}
