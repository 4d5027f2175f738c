package meeting

import "testing"

// TestEveryKindDispatches checks that Decide and Apply reach every command
// and event: each command (but the three Decide handles before the common
// checks) decides itself, and each event folds itself.
func TestEveryKindDispatches(t *testing.T) {
	for name, decode := range commandTypes {
		c, err := decode(nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		switch c.(type) {
		case CreateMeeting, RevokeSessions, EndAccountSessions:
			continue
		}
		if _, ok := c.(deciding); !ok {
			t.Errorf("command %s has no decide method", name)
		}
	}
	for name, decode := range eventTypes {
		d, err := decode(nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, ok := d.(folding); !ok {
			t.Errorf("event %s has no fits/change methods", name)
		}
	}
}
