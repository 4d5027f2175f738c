package bridge

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/realtime/natsbus"
)

// Site is a bridge site as the centre knows it (the sites file, daisd
// -bridge-sites; docs/operations.md).
type Site struct {
	// Name is the site's name: its edge's daisd -name, and its subjects
	// dais.site.<Name>.> (natsbus.ValidSite).
	Name string
	// PasswordHash is the bcrypt hash of its leaf connection's password;
	// NoPassword ("-" in the file) when the site's leaf user is configured
	// in the centre's NATS server itself (the file then only maps rooms).
	PasswordHash string
	// Room is the id of the site's room in a meeting (its linked room):
	// by default the site's name.
	Room string
}

// NoPassword is the password column of a site whose leaf user this file
// does not hold.
const NoPassword = "-"

// LeafUser is the NATS user a site's leaf connection logs in as.
func (s Site) LeafUser() string { return "site-" + s.Name }

// NewSite gives site name (room: its room, "" for its name) a new random
// leaf password: the site's line for the sites file, with the password's
// bcrypt hash, and the password itself, which only the site's edge is to
// hold (`dais bridge-sites add`; the bench's bridge scenario).
func NewSite(name, room string) (Site, string, error) {
	if !natsbus.ValidSite(name) {
		return Site{}, "", fmt.Errorf("%q cannot name a site: lowercase letters, digits, - and _ (it is the edge's daisd -name)", name)
	}
	var pw [18]byte
	if _, err := rand.Read(pw[:]); err != nil {
		return Site{}, "", err
	}
	password := hex.EncodeToString(pw[:])
	// Cost 6 (≈ 5 ms a check on the shared 2-core machine, against 250 ms
	// at cost 11): the password is 144 random bits, which no cost adds
	// to, and the centre checks one per leaf connection — 141 sites
	// reconnecting after the centre's restart cost 0.7 s, not 35 s.
	hash, err := bcrypt.GenerateFromPassword([]byte(password), 6)
	if err != nil {
		return Site{}, "", err
	}
	if room == "" {
		room = name
	}
	return Site{Name: name, PasswordHash: string(hash), Room: room}, password, nil
}

// LeafSites are the sites as natsbus admits their leaf connections; a
// site without a password hash is an error.
func LeafSites(sites []Site) ([]natsbus.LeafSite, error) {
	out := make([]natsbus.LeafSite, len(sites))
	for i, s := range sites {
		if s.PasswordHash == NoPassword {
			return nil, fmt.Errorf("site %s has no leaf password in the sites file (\"-\"): `dais bridge-sites add %s` gives it one", s.Name, s.Name)
		}
		out[i] = natsbus.LeafSite{Name: s.Name, User: s.LeafUser(), Password: s.PasswordHash}
	}
	return out, nil
}

// ParseSites reads a sites file: one site a line,
//
//	NAME  BCRYPT-HASH  [ROOM]
//
// (BCRYPT-HASH "-": the site's leaf user is not in this file) with blank
// lines and lines beginning with # ignored. A bad line is an
// error naming its line.
func ParseSites(r io.Reader) ([]Site, error) {
	var sites []Site
	seen := map[string]int{}
	rooms := map[string]string{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 || len(f) > 3 {
			return nil, fmt.Errorf("sites file, line %d: want NAME BCRYPT-HASH [ROOM], got %d fields", n, len(f))
		}
		s := Site{Name: f[0], PasswordHash: f[1], Room: f[0]}
		if len(f) == 3 {
			s.Room = f[2]
		}
		switch {
		case !natsbus.ValidSite(s.Name):
			return nil, fmt.Errorf("sites file, line %d: %q cannot name a site (lowercase letters, digits, - and _, at most 63)", n, s.Name)
		case s.PasswordHash != NoPassword && !validHash(s.PasswordHash):
			return nil, fmt.Errorf("sites file, line %d: site %s: the password must be a bcrypt hash ($2a$…; `dais bridge-sites add` makes one), or - for none", n, s.Name)
		case seen[s.Name] != 0:
			return nil, fmt.Errorf("sites file, line %d: site %s is on line %d already", n, s.Name, seen[s.Name])
		case !roomID.MatchString(s.Room):
			return nil, fmt.Errorf("sites file, line %d: site %s: %q cannot be a room id (letters, digits, - and _)", n, s.Name, s.Room)
		case rooms[s.Room] != "":
			return nil, fmt.Errorf("sites file, line %d: room %s is site %s's already", n, s.Room, rooms[s.Room])
		}
		seen[s.Name], rooms[s.Room] = n, s.Name
		sites = append(sites, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("sites file: %w", err)
	}
	return sites, nil
}

var roomID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// validHash reports whether h is a whole bcrypt hash. Checking its "$2"
// only was not enough: nats-server compares a password that is not a
// bcrypt hash by its form ($2a$NN$…) as plain text, so "$2secret" in the
// file was a leaf password kept in clear.
// bcrypt.Cost alone is lenient too (it read "$2001…" as a hash: found by
// FuzzParseSites), so the form is checked as well.
func validHash(h string) bool {
	_, err := bcrypt.Cost([]byte(h))
	return err == nil && bcryptForm.MatchString(h)
}

// bcryptForm is a whole bcrypt hash as nats-server recognises one
// ($2a$, $2b$, $2x$, $2y$; a two-digit cost; 53 characters of salt and
// hash).
var bcryptForm = regexp.MustCompile(`^\$2[abxy]\$\d{2}\$[./A-Za-z0-9]{53}$`)

// siteDirectory is the centre's sites by name; nil: no sites file (any
// site is served, its room is its name).
type siteDirectory map[string]Site

func newSiteDirectory(sites []Site) siteDirectory {
	if len(sites) == 0 {
		return nil
	}
	d := siteDirectory{}
	for _, s := range sites {
		d[s.Name] = s
	}
	return d
}

// room is the site's room: the sites file's, or by convention its name.
func (d siteDirectory) room(site string) string {
	if s, ok := d[site]; ok {
		return s.Room
	}
	return site
}

// check refuses a site the sites file does not list (none is refused
// without a file).
func (d siteDirectory) check(site string) *meeting.Error {
	if d == nil {
		return nil
	}
	if _, ok := d[site]; !ok {
		return meeting.Errorf(meeting.Forbidden,
			"Điểm cầu %q không có trong danh sách điểm cầu của trung tâm (daisd -bridge-sites); xin liên hệ quản trị hệ thống",
			"bridge site %q is not in the centre's sites file (daisd -bridge-sites): add it with `dais bridge-sites add`, or check the edge's -name", site)
	}
	return nil
}

// LoadSites reads a sites file from path.
func LoadSites(path string) ([]Site, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("sites file: %w", err)
	}
	defer f.Close()
	sites, err := ParseSites(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return sites, nil
}

// FormatSites writes sites in the form ParseSites reads.
func FormatSites(w io.Writer, sites []Site) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "# Bridge sites (docs/operations.md): NAME  BCRYPT-HASH of its leaf password  ROOM")
	for _, s := range sites {
		fmt.Fprintf(bw, "%s %s %s\n", s.Name, s.PasswordHash, s.Room)
	}
	return bw.Flush()
}
