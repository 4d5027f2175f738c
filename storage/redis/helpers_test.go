package redis

import (
	"context"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// sharedAddr is the Redis every package's tests share. Tests touch only
// keys under their own prefix and never its configuration.
const sharedAddr = "127.0.0.1:6379"

// mustOpen opens a Store on the Redis at addr under a fresh prefix and
// deletes every key under that prefix when the test ends. It fails the test
// when that Redis does not answer.
func mustOpen(tb testing.TB, addr string, opt Options) *Store {
	tb.Helper()
	opt.Prefix = "daistest:" + token() + ":"
	client := goredis.NewClient(&goredis.Options{Addr: addr})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		client.Close()
		tb.Fatalf("the Redis at %s is not reachable (these tests need it running): %v", addr, err)
	}
	s, err := New(client, opt)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	tb.Cleanup(func() {
		deletePrefix(tb, addr, opt.Prefix)
		if err := s.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return s
}

// deletePrefix deletes every key under prefix (SCAN prefix* + DEL).
func deletePrefix(tb testing.TB, addr, prefix string) {
	tb.Helper()
	client := goredis.NewClient(&goredis.Options{Addr: addr})
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	keys, err := scanPrefix(ctx, client, prefix)
	if err != nil {
		tb.Errorf("cleanup of %s*: %v", prefix, err)
		return
	}
	for len(keys) > 0 {
		n := min(len(keys), 500)
		if err := client.Del(ctx, keys[:n]...).Err(); err != nil {
			tb.Errorf("cleanup of %s*: %v", prefix, err)
			return
		}
		keys = keys[n:]
	}
}

// scanPrefix lists the keys under prefix.
func scanPrefix(ctx context.Context, client goredis.UniversalClient, prefix string) ([]string, error) {
	var out []string
	var cursor uint64
	for {
		keys, next, err := client.Scan(ctx, cursor, escapeGlob(prefix)+"*", 1000).Result()
		if err != nil {
			return nil, err
		}
		out = append(out, keys...)
		if next == 0 {
			return out, nil
		}
		cursor = next
	}
}

// escapeGlob escapes the characters SCAN MATCH treats as patterns.
func escapeGlob(s string) string {
	var b []byte
	for _, c := range []byte(s) {
		switch c {
		case '*', '?', '[', ']', '\\':
			b = append(b, '\\')
		}
		b = append(b, c)
	}
	return string(b)
}

func testCtx(tb testing.TB) context.Context {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	tb.Cleanup(cancel)
	return ctx
}
