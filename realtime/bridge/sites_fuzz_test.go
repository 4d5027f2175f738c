package bridge

import (
	"bytes"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/dais-meeting/dais/realtime/natsbus"
)

// natsBcrypt is how nats-server tells a bcrypt hash from a plain password
// (server/auth.go, validBcryptPrefix).
var natsBcrypt = regexp.MustCompile(`^\$2[abxy]\$\d{2}\$.*`)

// FuzzParseSites: any sites file (daisd -bridge-sites, dais bridge-sites)
// is either refused with an error naming its line, or read into sites
// that hold: valid unique names, unique valid rooms, a bcrypt hash or "-",
// and FormatSites writes them back to a file ParseSites reads the same.
func FuzzParseSites(f *testing.F) {
	for _, s := range []string{
		"# Bridge sites\nhuyen-a $2a$10$abcdefghijklmnopqrstuu0123456789abcdefghijklmnopqrstu room-a\nhuyen-b - \n",
		"huyen-a $2a$10$x\nhuyen-a $2a$10$y\n",
		"a b c d\n",
		"  \n\t# x\nhuyen_c $2y$12$z main\n",
		"huyen-a $2a$10$x r1\nhuyen-b $2a$10$x r1\n",
		"HUYEN $2a$ x\n",
		"huyen-a $2secret\n",
		strings.Repeat("x", 70000) + "\n",
		"h\u00a0a $2a$x\n",
		"huyen-a\x00 $2a$x\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sites, err := ParseSites(bytes.NewReader(data))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "sites file") {
				t.Fatalf("an error that does not say where: %v", err)
			}
			return
		}
		names, rooms := map[string]bool{}, map[string]bool{}
		for _, s := range sites {
			if !natsbus.ValidSite(s.Name) || names[s.Name] {
				t.Fatalf("site %q accepted twice or invalid", s.Name)
			}
			if !roomID.MatchString(s.Room) || rooms[s.Room] {
				t.Fatalf("room %q accepted twice or invalid", s.Room)
			}
			// A "hash" nats-server would not read as bcrypt is a password
			// it compares in clear.
			if s.PasswordHash != NoPassword && !natsBcrypt.MatchString(s.PasswordHash) {
				t.Fatalf("password %q is neither a bcrypt hash nor -", s.PasswordHash)
			}
			if strings.ContainsAny(s.PasswordHash, " \t\r\n") {
				t.Fatalf("password %q holds white space", s.PasswordHash)
			}
			names[s.Name], rooms[s.Room] = true, true
		}
		var buf bytes.Buffer
		if err := FormatSites(&buf, sites); err != nil {
			t.Fatal(err)
		}
		again, err := ParseSites(&buf)
		if err != nil {
			t.Fatalf("a written sites file is refused: %v\n%s", err, buf.Bytes())
		}
		if len(sites) == 0 && len(again) == 0 {
			return
		}
		if !reflect.DeepEqual(again, sites) {
			t.Fatalf("read back %+v, wrote %+v", again, sites)
		}
	})
}
