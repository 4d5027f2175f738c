package main

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/account"
	"github.com/dais-meeting/dais/realtime/natsbus/natstest"
	"github.com/dais-meeting/dais/realtime/protocol"
	"github.com/dais-meeting/dais/storage/redis/redistest"
)

// TestDisablingEndsAccountSessions: the chair opens the console of a
// committee meeting from their account and connects it; an administrator
// disables the account. The console's socket is closed with CloseRevoked
// (on a cluster, by the node that did not serve the disabling), its token
// is refused over HTTP and WebSocket on every node, the account's own
// sign-in is refused, the meeting's log records the revocation (the
// account, the administrator), and enabling the account again revives
// none of it. The secretary's workspace, another account's, stays
// connected. On bbolt (one node) and on Redis (two nodes, NATS).
func TestDisablingEndsAccountSessions(t *testing.T) {
	withAccounts := func(c *config) {
		c.Accounts = accountsConfig{SetupSecret: "TEST-SETUP-SECRET", Params: fastHashes}
	}
	for _, tc := range []struct {
		name  string
		start func(t *testing.T) []*node
	}{
		{"bbolt", func(t *testing.T) []*node { return []*node{startAccountNode(t, "", account.SSOConfig{})} }},
		{"redis", func(t *testing.T) []*node {
			prefix := redistest.Prefix(t)
			natsc := natstest.StartCluster(t, 2, natsMaxPayload)
			url := "redis://" + redistest.SharedAddr + "/0"
			return []*node{
				startClusterNode(t, "n1", url, prefix, natsc.URLs(), withAccounts),
				startClusterNode(t, "n2", url, prefix, natsc.URLs(), withAccounts),
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nodes := tc.start(t)
			last := len(nodes) - 1
			admin := newBrowser(t, nodes[0])
			firstRun(t, admin)
			chair := officeAccount(t, nodes[0], admin, "bithu", "Trần Văn Bình")
			putOfficePeople(t, admin)
			var made struct{ Session access.Session }
			if st := admin.call("POST", "/api/v1/committees/btv/meetings", map[string]any{"title": "Hội nghị Ban Thường vụ", "starts_at": "2026-12-20T08:00:00+07:00"}, &made); st != http.StatusCreated {
				t.Fatalf("meeting from the committee: %d", st)
			}
			mid := made.Session.Meeting
			var console access.Session
			if st := chair.call("POST", "/api/v1/account/meetings/"+mid+"/open", nil, &console); st != http.StatusOK || console.Role != meeting.RoleChair {
				t.Fatalf("the chair opens the console: %d %+v", st, console)
			}
			consoleDev := newDevice(t, console.Participant, console.Role, mid, console.Token)
			consoleDev.dial(t, nodes, last)
			work := newDevice(t, made.Session.Participant, made.Session.Role, mid, made.Session.Token)
			work.dial(t, nodes, 0)

			var out struct {
				Account       account.Account `json:"account"`
				SessionsEnded int             `json:"sessions_ended"`
			}
			start := time.Now()
			if st := admin.call("POST", "/api/v1/accounts/bithu/disable", nil, &out); st != http.StatusOK || !out.Account.Disabled || out.SessionsEnded != 1 {
				t.Fatalf("disable: %d %+v", st, out)
			}
			select {
			case <-consoleDev.client().Done():
				if code := consoleDev.client().CloseCode(); code != protocol.CloseRevoked {
					t.Fatalf("the console closed with %d, want CloseRevoked", code)
				}
				t.Logf("the console (node %d) closed %v after the disabling", last+1, time.Since(start).Round(time.Millisecond))
			case <-time.After(10 * time.Second):
				t.Fatal("the disabled chair's console is still connected")
			}
			select {
			case <-work.client().Done():
				t.Fatalf("the secretary's workspace was disconnected: %v", work.client().Err())
			default:
			}

			refused := func(when string) {
				t.Helper()
				for i, n := range nodes {
					var e apiError
					if st := newBrowser(t, n).call("GET", "/api/v1/session", nil, &e, "Authorization", "Bearer "+console.Token); st != http.StatusUnauthorized {
						t.Fatalf("%s: node %d answers the console's token %d %+v, want 401", when, i+1, st, e)
					}
					ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
					_, err := daisclient.Dial(ctx, baseURL(n), console.Token, daisclient.Options{})
					cancel()
					if ce := (*daisclient.CloseError)(nil); !errors.As(err, &ce) || ce.Code != protocol.CloseRevoked {
						t.Fatalf("%s: node %d took the console's token: %v", when, i+1, err)
					}
				}
				if st := chair.call("GET", "/api/v1/account", nil, nil); st != http.StatusUnauthorized {
					t.Fatalf("%s: the account's own sign-in answers %d, want 401", when, st)
				}
			}
			refused("disabled")
			if st := newBrowser(t, nodes[last]).call("GET", "/api/v1/session", nil, nil, "Authorization", "Bearer "+made.Session.Token); st != http.StatusOK {
				t.Fatalf("the secretary's workspace: %d", st)
			}

			evs, err := nodes[0].svc.ReadEvents(context.Background(), mid, 1, 10000)
			if err != nil {
				t.Fatal(err)
			}
			var logged []meeting.SessionsRevoked
			for _, e := range evs {
				if d, ok := e.Data.(meeting.SessionsRevoked); ok {
					logged = append(logged, d)
				}
			}
			if len(logged) != 1 || logged[0] != (meeting.SessionsRevoked{Participant: console.Participant, Session: console.ID, Account: "bithu", By: "huong"}) {
				t.Fatalf("the log records %+v", logged)
			}

			if st := admin.call("POST", "/api/v1/accounts/bithu/enable", nil, &out); st != http.StatusOK || out.Account.Disabled {
				t.Fatalf("enable: %d %+v", st, out)
			}
			refused("enabled again")
		})
	}
}
