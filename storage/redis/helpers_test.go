package redis

import (
	"context"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/dais-meeting/dais/storage/redis/redistest"
	"github.com/dais-meeting/dais/storage/seal"
)

// testKey is the ballot key of the tests' stores.
var testKey = seal.NewKey()

// mustOpen opens a Store on the shared Redis (redistest.SharedAddr) under a
// fresh prefix, closes it when the test ends and then deletes every key
// under that prefix. It fails the test when that Redis does not answer.
func mustOpen(tb testing.TB, opt Options) *Store {
	tb.Helper()
	opt.Prefix = redistest.Prefix(tb)
	if opt.BallotKey == nil {
		opt.BallotKey = &testKey
	}
	client := goredis.NewClient(&goredis.Options{Addr: redistest.SharedAddr})
	s, err := New(client, opt)
	if err != nil {
		client.Close()
		tb.Fatalf("New: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return s
}

func testCtx(tb testing.TB) context.Context {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	tb.Cleanup(cancel)
	return ctx
}
