package bridge

import (
	"bytes"
	"strings"
	"testing"
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
