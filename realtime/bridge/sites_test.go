package bridge

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// TestParseSites: the sites file's lines, its defaults (a site's room is
// its name), and a clear error naming the line for each mistake.
func TestParseSites(t *testing.T) {
	const hash = "$2a$04$DyuXR0MyGJWa8RyTdG7Yvu2zLf6gn4zZvvk0QlDOSAN4F6dSpW99a"
	good := "# sites\n\nbavi " + hash + "\nsontay - phong-son-tay\n"
	sites, err := ParseSites(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(sites) != 2 || sites[0] != (Site{Name: "bavi", PasswordHash: hash, Room: "bavi"}) || sites[1] != (Site{Name: "sontay", PasswordHash: NoPassword, Room: "phong-son-tay"}) {
		t.Fatalf("sites %+v", sites)
	}
	if _, err := LeafSites(sites); err == nil || !strings.Contains(err.Error(), "site sontay has no leaf password") {
		t.Fatalf("LeafSites with a site without a password: %v", err)
	}
	var b bytes.Buffer
	if err := FormatSites(&b, sites); err != nil {
		t.Fatal(err)
	}
	again, err := ParseSites(&b)
	if err != nil || len(again) != 2 || again[1] != sites[1] {
		t.Fatalf("formatted and read again: %+v, %v", again, err)
	}
	for _, tc := range []struct{ name, file, want string }{
		{"one field", "bavi\n", "line 1: want NAME BCRYPT-HASH [ROOM]"},
		{"four fields", "bavi - r x\n", "line 1: want NAME BCRYPT-HASH [ROOM], got 4"},
		{"a bad name", "# x\nBa.Vi -\n", "line 2: \"Ba.Vi\" cannot name a site"},
		{"a plain password", "bavi secret\n", "line 1: site bavi: the password must be a bcrypt hash"},
		// nats-server takes a "$2…" that is not a whole bcrypt hash as a
		// plain-text password (found by FuzzParseSites' property).
		{"a plain password starting $2", "bavi $2secret\n", "line 1: site bavi: the password must be a bcrypt hash"},
		{"a cut hash", "bavi $2a$04$DyuXR0MyGJWa8RyTdG7Yvu\n", "line 1: site bavi: the password must be a bcrypt hash"},
		{"a bad cost", "bavi $2a$99$DyuXR0MyGJWa8RyTdG7Yvu2zLf6gn4zZvvk0QlDOSAN4F6dSpW99a\n", "line 1: site bavi: the password must be a bcrypt hash"},
		{"a site twice", "bavi -\nbavi - other\n", "line 2: site bavi is on line 1 already"},
		{"a room twice", "bavi -\nbavi2 - bavi\n", "line 2: room bavi is site bavi's already"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParseSites(strings.NewReader(tc.file)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

// TestNewSite: a new site's line holds a bcrypt hash of the password it
// returns (no other), its room (by default its name), and a name that
// cannot be a site's is refused.
func TestNewSite(t *testing.T) {
	s, pw, err := NewSite("edge-bavi", "")
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "edge-bavi" || s.Room != "edge-bavi" || len(pw) != 36 {
		t.Fatalf("site %+v, password %q", s, pw)
	}
	if bcrypt.CompareHashAndPassword([]byte(s.PasswordHash), []byte(pw)) != nil {
		t.Fatal("the hash does not match the password")
	}
	s2, pw2, err := NewSite("edge-soctson", "dc2")
	if err != nil {
		t.Fatal(err)
	}
	if s2.Room != "dc2" || pw2 == pw || bcrypt.CompareHashAndPassword([]byte(s2.PasswordHash), []byte(pw)) == nil {
		t.Fatalf("second site %+v: room or password not its own", s2)
	}
	var b bytes.Buffer
	if err := FormatSites(&b, []Site{s, s2}); err != nil {
		t.Fatal(err)
	}
	back, err := ParseSites(&b)
	if err != nil || len(back) != 2 || back[1] != s2 {
		t.Fatalf("read back %+v, %v", back, err)
	}
	for _, bad := range []string{"", "Edge", "edge.bavi", "edge bavi", "edge>"} {
		if _, _, err := NewSite(bad, ""); err == nil {
			t.Errorf("NewSite(%q) accepted", bad)
		}
	}
}
