package main

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/realtime/natsbus/natstest"
	"github.com/dais-meeting/dais/realtime/protocol"
	"github.com/dais-meeting/dais/storage/redis/redistest"
)

// TestRevocationClosesSocketsOnEveryNode: one delegate's two tablets are
// connected to two nodes of a cluster (Redis, NATS); a secretary on a
// third connection revokes the delegate over HTTP; both sockets are closed
// with CloseRevoked (the tablets wipe), the tokens open nothing any more on
// either node, and a new code signs the delegate in again.
func TestRevocationClosesSocketsOnEveryNode(t *testing.T) {
	prefix := redistest.Prefix(t)
	natsc := natstest.StartCluster(t, 2, natsMaxPayload)
	redisURL := "redis://" + redistest.SharedAddr + "/0"
	nodes := []*node{
		startClusterNode(t, "n1", redisURL, prefix, natsc.URLs()),
		startClusterNode(t, "n2", redisURL, prefix, natsc.URLs()),
	}
	const id = "revoke-meeting"
	seed(t, nodes[0], id, meetingtest.SmallMeeting(id))

	tabletA := signIn(t, nodes[0], nodes[0], id, "d1", meeting.RoleDelegate)
	tabletA.dial(t, nodes, 0)
	tabletB := signIn(t, nodes[1], nodes[1], id, "d1", meeting.RoleDelegate)
	tabletB.dial(t, nodes, 1)
	other := signIn(t, nodes[0], nodes[1], id, "d2", meeting.RoleDelegate)
	other.dial(t, nodes, 1)
	sec := signIn(t, nodes[1], nodes[1], id, "sec", meeting.RoleSecretary)

	req, _ := http.NewRequestWithContext(timeoutCtx(t, 10*time.Second), "POST",
		baseURL(nodes[1])+"/api/v1/meetings/"+id+"/participants/d1/revoke", strings.NewReader("{}"))
	req.Header.Set("Authorization", "Bearer "+sec.token)
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("revoke: %v %v", resp, err)
	}
	resp.Body.Close()
	for i, d := range []*device{tabletA, tabletB} {
		select {
		case <-d.client().Done():
			if code := d.client().CloseCode(); code != protocol.CloseRevoked {
				t.Fatalf("tablet %d closed with %d, want CloseRevoked", i, code)
			}
			t.Logf("tablet on node %d closed %v after the revocation", d.node+1, time.Since(start).Round(time.Millisecond))
		case <-time.After(10 * time.Second):
			t.Fatalf("tablet %d (node %d) was not closed", i, d.node+1)
		}
	}
	select {
	case <-other.client().Done():
		t.Fatalf("another delegate was disconnected: %v", other.client().Err())
	default:
	}
	for i, n := range nodes {
		for _, tok := range []string{tabletA.token, tabletB.token} {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_, err := daisclient.Dial(ctx, baseURL(n), tok, daisclient.Options{})
			cancel()
			var ce *daisclient.CloseError
			if !errors.As(err, &ce) || ce.Code != protocol.CloseRevoked {
				t.Fatalf("node %d took a revoked token: %v", i+1, err)
			}
		}
	}
	again := signIn(t, nodes[0], nodes[1], id, "d1", meeting.RoleDelegate)
	again.dial(t, nodes, 0)
}
