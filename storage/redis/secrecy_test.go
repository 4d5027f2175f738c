package redis

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	goredis "github.com/redis/go-redis/v9"

	"github.com/dais-meeting/dais/storage/redis/redistest"
	"github.com/dais-meeting/dais/storage/storagetest"
)

// TestSecrecy runs the ballot-secrecy attack on a Redis of the test's own
// that writes every command to its AOF before answering (appendfsync
// always): after every ballot it copies the append-only files and dumps
// every key.
func TestSecrecy(t *testing.T) {
	storagetest.RunSecrecy(t, exposedRedis)
}

// TestElectionSecrecy runs the attack on an election round's box (issue
// 10): whole ballots sealed as content, the AOF (appendfsync always) and
// every key copied after every ballot.
func TestElectionSecrecy(t *testing.T) {
	storagetest.RunElectionSecrecy(t, exposedRedis)
}

// exposedRedis starts a Redis of the test's own with appendfsync always and
// a store on it, and captures its AOF and every key.
func exposedRedis(t *testing.T) storagetest.Exposed {
	srv := redistest.StartServerWith(t, "--appendfsync", "always")
	client := goredis.NewClient(&goredis.Options{Addr: srv.Addr()})
	s, err := New(client, Options{BallotKey: &testKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	// RESP2: HGETALL answers a flat list in Redis's own order.
	reader := goredis.NewClient(&goredis.Options{Addr: srv.Addr(), Protocol: 2})
	t.Cleanup(func() { reader.Close() })
	return storagetest.Exposed{Store: s, Key: testKey, Capture: func(tb testing.TB) storagetest.Exposure {
		return captureRedis(tb, reader, srv.Dir())
	}}
}

// captureRedis copies the server's append-only files and lists every key's
// content, keys sorted, each key's elements in Redis's own order.
func captureRedis(tb testing.TB, c *goredis.Client, dir string) storagetest.Exposure {
	tb.Helper()
	ctx := tb.Context()
	e := storagetest.Exposure{Files: map[string][]byte{}}
	aof := filepath.Join(dir, "appendonlydir")
	entries, err := os.ReadDir(aof)
	if err != nil {
		tb.Fatal(err)
	}
	for _, en := range entries {
		data, err := os.ReadFile(filepath.Join(aof, en.Name()))
		if err != nil {
			tb.Fatal(err)
		}
		e.Files[en.Name()] = data
	}
	keys, err := c.Keys(ctx, "*").Result()
	if err != nil {
		tb.Fatal(err)
	}
	slices.Sort(keys)
	add := func(path []string, v string) {
		e.Items = append(e.Items, storagetest.Item{Path: path, Value: []byte(v)})
	}
	for _, k := range keys {
		typ, err := c.Type(ctx, k).Result()
		if err != nil {
			tb.Fatal(err)
		}
		switch typ {
		case "string":
			add([]string{k}, c.Get(ctx, k).Val())
		case "hash":
			flat, err := c.Do(ctx, "HGETALL", k).StringSlice()
			if err != nil {
				tb.Fatal(err)
			}
			for i := 0; i+1 < len(flat); i += 2 {
				add([]string{k, flat[i]}, flat[i+1])
			}
		case "set":
			for _, m := range c.SMembers(ctx, k).Val() {
				h := sha256.Sum256([]byte(m))
				add([]string{k, hex.EncodeToString(h[:8])}, m)
			}
		case "list":
			for i, v := range c.LRange(ctx, k, 0, -1).Val() {
				add([]string{k, strconv.Itoa(i)}, v)
			}
		default:
			tb.Fatalf("key %s has type %s", k, typ)
		}
	}
	return e
}
