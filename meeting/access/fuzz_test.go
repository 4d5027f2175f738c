package access_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
)

// FuzzJoin throws typed codes at Join: nothing panics, nothing but a real
// code admits, and every refusal is Unauthorized. NormaliseCode accepts
// exactly 13 symbols of the alphabet, whatever separators surround them.
func FuzzJoin(f *testing.F) {
	fx := newFixture(f, access.Options{})
	real := fx.invite(f, "d1")
	for _, s := range []string{real, strings.ToLower(real), "K7Q2-M4XP-A9RTW", "", "----", "k7q2 m4xp a9rtw", "ÂÂÂÂ", strings.Repeat("Z", 13), "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		c, ok := access.NormaliseCode(code)
		if ok && len(c) != 13 {
			t.Fatalf("NormaliseCode(%q) = %q, ok with %d symbols", code, c, len(c))
		}
		for _, r := range c {
			if ok && !strings.ContainsRune("23456789ABCDEFGHJKMNPQRSTUVWXYZ", r) {
				t.Fatalf("NormaliseCode(%q) = %q holds %q", code, c, r)
			}
		}
		sess, err := fx.acc.Join(context.Background(), code)
		if err == nil {
			if got, _ := access.NormaliseCode(real); got != c {
				t.Fatalf("Join(%q) admitted %+v", code, sess)
			}
			// The real code was used by this input: make a new one.
			real = fx.invite(t, "d1")
			return
		}
		if meeting.ErrorCode(err) != meeting.Unauthorized {
			t.Fatalf("Join(%q): %v, want Unauthorized", code, err)
		}
	})
}
