package natsbus_test

import (
	"errors"
	"testing"

	"github.com/dais-meeting/dais/realtime/natsbus"
)

// TestRequestFirst: the answers accept refuses are dropped and the
// request waits on for one it takes, whoever answered first; with nobody
// to answer it ends at once with ErrNoCentre.
func TestRequestFirst(t *testing.T) {
	b := mustOpen(t, natsbus.Config{Name: "requestfirst", Logger: quietLogger()})
	for _, group := range []struct{ queue, answer string }{{"a", "forged"}, {"b", "forged too"}, {"c", "genuine"}} {
		stop, err := b.Serve("ask", group.queue, func(_ string, _ []byte, respond func([]byte)) { respond([]byte(group.answer)) })
		if err != nil {
			t.Fatal(err)
		}
		defer stop()
	}
	got, err := b.RequestFirst(timeout(t), "ask", []byte("?"), func(data []byte) bool {
		return string(data) == "genuine"
	})
	if err != nil || string(got) != "genuine" {
		t.Fatalf("got %q, %v; want the genuine answer", got, err)
	}
	if _, err := b.RequestFirst(timeout(t), "nobody", []byte("?"), func([]byte) bool { return true }); !errors.Is(err, natsbus.ErrNoCentre) {
		t.Fatalf("a request nobody answers: %v, want ErrNoCentre", err)
	}
}
