package consultations_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/dais-meeting/dais/meeting/committees"
	"github.com/dais-meeting/dais/meeting/consultations"
	"github.com/dais-meeting/dais/meeting/consultations/smtptest"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/storage/redis"
	"github.com/dais-meeting/dais/storage/redis/redistest"
)

// TestClusterOnce: three nodes share one Redis (a key prefix of this
// test's own on the shared Redis) and each runs the consultations' check
// at the same moments. The reminder is appended once and each member who
// has not answered gets exactly one mail; the consultation is closed once.
func TestClusterOnce(t *testing.T) {
	ctx := t.Context()
	prefix := redistest.Prefix(t)
	open := func() *redis.Store {
		s, err := redis.New(goredis.NewClient(&goredis.Options{Addr: redistest.SharedAddr}), redis.Options{Prefix: prefix})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	srv := smtptest.Start(t, "vanphong", "mật-khẩu")
	clk := &clock{t: t0}
	var nodes []*consultations.Service
	for range 3 {
		store := open()
		reg := committees.New(store, nil, nil, committees.Options{})
		mailer, err := consultations.NewSMTPMailer(consultations.SMTPConfig{Addr: srv.Addr, From: "vanphong@tinhuy.example",
			Username: "vanphong", Password: "mật-khẩu", TLS: srv.TLSConfig()})
		if err != nil {
			t.Fatal(err)
		}
		nodes = append(nodes, consultations.New(store, reg, mailer, nil, consultations.Options{Now: clk.Now}))
	}
	// The registry once, through the first node's store.
	registry(t, open())
	c, err := nodes[0].Draft(ctx, secretary, "btv", office.Draft{Title: "Lấy ý kiến của cả cụm", Questions: []office.Question{{Text: "Đồng ý?"}}, Deadline: t0.Add(72 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nodes[1].Execute(ctx, c.ID, chair, office.Approve{}); err != nil {
		t.Fatal(err)
	}
	if _, err := nodes[2].Execute(ctx, c.ID, office.Actor{Person: "m2"}, office.Give{Answers: agree("Đồng ý")}); err != nil {
		t.Fatal(err)
	}
	checkAll := func() {
		t.Helper()
		var wg sync.WaitGroup
		errs := make([]error, len(nodes))
		for i, n := range nodes {
			wg.Go(func() { _, errs[i] = n.Check(ctx) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("node %d: %v", i, err)
			}
		}
	}
	clk.Set(t0.Add(49 * time.Hour))
	checkAll()
	checkAll()
	var rcpts []string
	for _, m := range srv.Messages() {
		rcpts = append(rcpts, m.To...)
	}
	// m1, m3 and m5 have addresses and did not answer; m4 has none; m2 answered.
	if len(rcpts) != 3 || !strings.Contains(strings.Join(rcpts, ","), "binh@") || strings.Contains(strings.Join(rcpts, ","), "phuong@") {
		t.Fatalf("mailed %v, want one mail each to m1, m3, m5", rcpts)
	}
	clk.Set(t0.Add(72 * time.Hour))
	checkAll()
	evs, _, err := nodes[0].Events(ctx, c.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, e := range evs {
		count[e.Type()]++
	}
	if count["RemindersSent"] != 1 || count["ConsultationClosed"] != 1 {
		t.Fatalf("events %v: want one reminder and one close", count)
	}
}
