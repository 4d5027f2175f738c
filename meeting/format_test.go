package meeting

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestEventFormats: an event type whose format went up is written with its
// "v", an old event of it is upgraded when read (never rewritten), and an
// event of a format newer than this build knows is refused with the reason.
// The type here is a stand-in, registered for the test only: PageTurned
// pretends its "page" was once called "p" (format 1) before format 2.
func TestEventFormats(t *testing.T) {
	eventFormats["PageTurned"] = 2
	eventUpgrades["PageTurned"] = []func(json.RawMessage) (json.RawMessage, error){
		func(old json.RawMessage) (json.RawMessage, error) {
			var v1 map[string]any
			if err := json.Unmarshal(old, &v1); err != nil {
				return nil, err
			}
			v1["page"] = v1["p"]
			delete(v1, "p")
			return json.Marshal(v1)
		},
	}
	t.Cleanup(func() {
		delete(eventFormats, "PageTurned")
		delete(eventUpgrades, "PageTurned")
	})

	b, err := json.Marshal(Event{Seq: 7, Data: PageTurned{Page: 4}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"v":2`) {
		t.Fatalf("a format-2 event is written without its format: %s", b)
	}
	tests := []struct {
		name, wire string
		page       int
		refused    string
	}{
		{"format 1, upgraded", `{"seq":3,"type":"PageTurned","at":"2026-12-03T08:00:00Z","data":{"p":5}}`, 5, ""},
		{"format 2", `{"seq":3,"type":"PageTurned","v":2,"at":"2026-12-03T08:00:00Z","data":{"page":6}}`, 6, ""},
		{"a newer format", `{"seq":3,"type":"PageTurned","v":3,"at":"2026-12-03T08:00:00Z","data":{"page":6}}`, 0, "newer Dais"},
		{"a negative format", `{"seq":3,"type":"PageTurned","v":-1,"at":"2026-12-03T08:00:00Z","data":{"page":6}}`, 0, "format -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ev Event
			err := json.Unmarshal([]byte(tt.wire), &ev)
			if tt.refused != "" {
				if err == nil || !strings.Contains(err.Error(), tt.refused) {
					t.Fatalf("decoded %+v, %v; want refused with %q", ev, err, tt.refused)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p, ok := ev.Data.(PageTurned); !ok || p.Page != tt.page {
				t.Fatalf("decoded %#v, want page %d", ev.Data, tt.page)
			}
		})
	}
	// Without a registered format every type is format 1 and writes no "v".
	delete(eventFormats, "PageTurned")
	if b, _ := json.Marshal(Event{Seq: 7, Data: PageTurned{Page: 4}}); strings.Contains(string(b), `"v"`) {
		t.Fatalf("a format-1 event carries a format: %s", b)
	}
}
