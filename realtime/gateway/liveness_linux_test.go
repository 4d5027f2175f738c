package gateway

import (
	"net"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// userTimeoutMS reads c's TCP_USER_TIMEOUT.
func userTimeoutMS(t *testing.T, c net.Conn) int {
	t.Helper()
	raw, err := c.(syscall.Conn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var v int
	var gerr error
	if err := raw.Control(func(fd uintptr) {
		v, gerr = unix.GetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_USER_TIMEOUT)
	}); err != nil || gerr != nil {
		t.Fatal(err, gerr)
	}
	return v
}
