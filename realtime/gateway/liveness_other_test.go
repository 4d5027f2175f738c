//go:build !linux

package gateway

import (
	"net"
	"testing"
)

func userTimeoutMS(*testing.T, net.Conn) int { return 0 }
