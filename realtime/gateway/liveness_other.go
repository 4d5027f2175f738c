//go:build !linux

package gateway

import (
	"net"
	"time"
)

// setUserTimeout: TCP_USER_TIMEOUT is Linux's; elsewhere every connection
// is pinged.
func setUserTimeout(net.Conn, time.Duration) bool { return false }
