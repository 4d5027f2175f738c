package redis_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/redis"
	"github.com/dais-meeting/dais/storage/redis/redistest"
)

// TestSentinelFailover runs a ballot storm against a primary with two
// replicas (appendfsync always) watched by three sentinels, kills the
// primary in the middle, and checks what the promoted replica holds.
//
// With WaitReplicas 1, a ballot is acknowledged only once a replica has it:
// every acknowledged ballot is there after the promotion, exactly once,
// and the ballots cast during the failover were refused as unavailable
// (then cast again with the same id and accepted, or answered as a repeat).
// Without it (asynchronous replication, Redis's default) the test only
// reports how many acknowledged ballots the promotion lost — the figure
// docs/storage-redis.md gives.
func TestSentinelFailover(t *testing.T) {
	for _, tc := range []struct {
		name   string
		wait   int
		strict bool
	}{
		{"WAIT for one replica", 1, true},
		{"asynchronous replication", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) { runFailover(t, tc.wait, tc.strict) })
	}
}

func runFailover(t *testing.T, waitReplicas int, strict bool) {
	ctx := context.Background()
	primary := redistest.StartServerWith(t, "--appendfsync", "always")
	_, pport, _ := strings.Cut(primary.Addr(), ":")
	var replicas []*redistest.Server
	for range 2 {
		replicas = append(replicas, redistest.StartServerWith(t, "--appendfsync", "always", "--replicaof", "127.0.0.1", pport))
	}
	for _, r := range replicas {
		waitLinkUp(t, r.Addr())
	}
	var sentinels []string
	for range 3 {
		sentinels = append(sentinels, redistest.StartSentinel(t, "dais", primary.Addr(), 2, time.Second).Addr())
	}
	store, err := redis.OpenFailover(ctx, redis.Failover{Master: "dais", Sentinels: sentinels},
		redis.Options{Prefix: "fo:", WaitReplicas: waitReplicas, WaitTimeout: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	const mid, poll = "failover", "p"
	if err := store.OpenBox(ctx, mid, storage.BoxSpec{Poll: poll, Choices: []string{"yes", "no"}}); err != nil {
		t.Fatal(err)
	}

	var (
		mu          sync.Mutex
		acked       = map[string]uint64{} // voter -> seq
		refused     int
		firstRefuse time.Time
		lastRefuse  time.Time
		stop        = make(chan struct{})
		wg          sync.WaitGroup
	)
	cast := func(voter string) {
		b := storage.Ballot{Poll: poll, Voter: voter, BallotID: "b-" + voter, Choice: "yes"}
		ev := []byte(`{"type":"BallotCast","data":{"poll":"p","voter":"` + voter + `"}}`)
		for attempt := 0; attempt < 400; attempt++ {
			cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			res, err := store.Cast(cctx, mid, b, ev)
			cancel()
			if err == nil && (res.Outcome == storage.Accepted || res.Outcome == storage.Repeat) {
				mu.Lock()
				acked[voter] = res.Seq
				mu.Unlock()
				return
			}
			if err == nil {
				t.Errorf("ballot of %s: outcome %v", voter, res.Outcome)
				return
			}
			if !errors.Is(err, storage.ErrUnavailable) {
				t.Errorf("ballot of %s: %v, want unavailable while the primary is gone", voter, err)
				return
			}
			mu.Lock()
			refused++
			if firstRefuse.IsZero() {
				firstRefuse = time.Now()
			}
			lastRefuse = time.Now()
			mu.Unlock()
			time.Sleep(50 * time.Millisecond)
		}
		t.Errorf("ballot of %s never accepted", voter)
	}
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				cast(fmt.Sprintf("w%d-%d", g, i))
			}
		}()
	}
	time.Sleep(time.Second)
	mu.Lock()
	before := len(acked)
	mu.Unlock()
	killed := time.Now()
	primary.Kill()
	// Until the storm has gone on for 3 s after the first write accepted
	// by the new primary (or 40 s in all).
	deadline := time.Now().Add(40 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		mu.Lock()
		resumed := !lastRefuse.IsZero() && time.Since(lastRefuse) > 3*time.Second
		mu.Unlock()
		if resumed {
			break
		}
	}
	close(stop)
	wg.Wait()

	// What the promoted primary holds.
	addr, err := goredis.NewSentinelClient(&goredis.Options{Addr: sentinels[0]}).GetMasterAddrByName(ctx, "dais").Result()
	if err != nil {
		t.Fatal(err)
	}
	newPrimary := addr[0] + ":" + addr[1]
	if newPrimary == primary.Addr() {
		t.Fatalf("no failover: the sentinels still name %s", newPrimary)
	}
	direct := goredis.NewClient(&goredis.Options{Addr: newPrimary})
	defer direct.Close()
	voters, err := direct.HGetAll(ctx, "fo:voters:{"+mid+"}:"+poll).Result()
	if err != nil {
		t.Fatal(err)
	}
	logged, err := direct.LRange(ctx, "fo:log:{"+mid+"}", 0, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	perVoter := map[string]int{}
	for _, rec := range logged {
		var e struct {
			Data struct {
				Voter string `json:"voter"`
			} `json:"data"`
		}
		// A log entry may wrap the event (a chained record); find it.
		if i := strings.Index(rec, `{"type":"BallotCast"`); i >= 0 {
			_ = json.Unmarshal([]byte(rec[i:strings.LastIndex(rec, "}")+1]), &e)
		}
		if e.Data.Voter != "" {
			perVoter[e.Data.Voter]++
		}
	}
	lost := 0
	for v := range acked {
		if _, ok := voters[v]; !ok || perVoter[v] == 0 {
			lost++
		}
	}
	for v, n := range perVoter {
		if n > 1 {
			t.Errorf("voter %s has %d ballots in the log", v, n)
		}
	}
	if len(voters) != len(perVoter) {
		t.Errorf("the box holds %d voters, the log %d ballots", len(voters), len(perVoter))
	}
	failoverFor := lastRefuse.Sub(firstRefuse)
	t.Logf("WaitReplicas %d: %d ballots acknowledged (%d before the kill), %d lost by the promotion; %d refusals as unavailable over %v (first %v after the kill)",
		waitReplicas, len(acked), before, lost, refused, failoverFor.Round(time.Millisecond), firstRefuse.Sub(killed).Round(time.Millisecond))
	if len(acked) <= before {
		t.Fatalf("no ballot was accepted after the failover (%d before, %d in all)", before, len(acked))
	}
	if refused == 0 {
		t.Fatalf("no ballot was refused while the primary was gone: the kill did not interrupt the storm")
	}
	if strict && lost > 0 {
		t.Fatalf("%d acknowledged ballots are not on the promoted primary", lost)
	}
}

// waitLinkUp waits until the replica at addr has synchronised with its
// primary.
func waitLinkUp(t *testing.T, addr string) {
	t.Helper()
	c := goredis.NewClient(&goredis.Options{Addr: addr})
	defer c.Close()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		info, err := c.Info(context.Background(), "replication").Result()
		if err == nil && strings.Contains(info, "master_link_status:up") {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the replica at %s never synchronised", addr)
}
