package access_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	goredis "github.com/redis/go-redis/v9"

	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/meeting/service"
	"github.com/dais-meeting/dais/storage/redis"
	"github.com/dais-meeting/dais/storage/redis/redistest"
)

// TestNoSecretStoredInClearRedis is TestNoSecretStoredInClear on the
// clustered store: after codes were made and sessions opened, no key and
// no value under the deployment's prefix holds a code or a token.
func TestNoSecretStoredInClearRedis(t *testing.T) {
	ctx := context.Background()
	prefix := redistest.Prefix(t)
	store, err := redis.Open(ctx, "redis://"+redistest.SharedAddr+"/0", redis.Options{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	svc := service.New(store, nil, service.Options{})
	acc := access.New(store, svc, access.Options{})
	for _, c := range meetingtest.SmallMeeting(mid) {
		if _, err := svc.Execute(ctx, mid, meetingtest.Secretary, c); err != nil {
			t.Fatal(err)
		}
	}
	var secrets []string
	for _, p := range []string{"d1", "d2", "chair"} {
		code, err := acc.Invite(ctx, mid, p)
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, code, strings.ReplaceAll(code, "-", ""))
		if p != "chair" { // the chair's code stays unused
			sess, err := acc.Join(ctx, code)
			if err != nil {
				t.Fatal(err)
			}
			secrets = append(secrets, sess.Token)
		}
	}
	rdb := goredis.NewClient(&goredis.Options{Addr: redistest.SharedAddr})
	defer rdb.Close()
	var dump strings.Builder
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	n := 0
	for iter.Next(ctx) {
		k := iter.Val()
		n++
		dump.WriteString(k + "\n")
		switch typ, _ := rdb.Type(ctx, k).Result(); typ {
		case "string":
			v, _ := rdb.Get(ctx, k).Result()
			dump.WriteString(v + "\n")
		case "set":
			v, _ := rdb.SMembers(ctx, k).Result()
			dump.WriteString(strings.Join(v, "\n") + "\n")
		case "hash":
			v, _ := rdb.HGetAll(ctx, k).Result()
			for f, x := range v {
				dump.WriteString(f + " " + x + "\n")
			}
		case "list":
			v, _ := rdb.LRange(ctx, k, 0, -1).Result()
			dump.WriteString(strings.Join(v, "\n") + "\n")
		case "zset":
			v, _ := rdb.ZRange(ctx, k, 0, -1).Result()
			dump.WriteString(strings.Join(v, "\n") + "\n")
		case "stream":
			v, _ := rdb.XRange(ctx, k, "-", "+").Result()
			for _, m := range v {
				for f, x := range m.Values {
					dump.WriteString(f + " " + fmt.Sprint(x) + "\n")
				}
			}
		}
	}
	if err := iter.Err(); err != nil || n == 0 {
		t.Fatalf("scanning %s*: %d keys, %v", prefix, n, err)
	}
	for _, s := range secrets {
		if strings.Contains(dump.String(), s) {
			t.Errorf("Redis holds %q in clear", s)
		}
	}
}
