package natsbus

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"

	"github.com/nats-io/nats-server/v2/server"
)

// Bridge sites' leaf connections (docs/bridge.md, "Trust between the
// sites"). Everything between the centre and a site travels on the site's
// own subjects, dais.site.<site>.>, and each site's leaf connection logs
// in as a user of its own whose permissions hold it to them: it may
// publish (requests, its reports) and receive (answers, pushes) there and
// nowhere else. nats-server takes a leaf user's permissions from the
// leaf's point of view ("publish" is what the site sends the centre) and
// enforces them at the hub: a subscription the site is not allowed is
// never forwarded to it, and a message it may not publish closes its
// connection.

// SitePrefix begins every subject of a site: SitePrefix + <site> + ".".
const SitePrefix = "dais.site."

var siteName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// ValidSite reports whether name can name a site (and its subjects):
// lowercase letters, digits, - and _, at most 63, starting with a letter
// or digit.
func ValidSite(name string) bool { return siteName.MatchString(name) }

// SiteSubjects is the wildcard of a site's subjects: dais.site.<site>.>.
func SiteSubjects(site string) string { return SitePrefix + site + ".>" }

// SiteInbox is the prefix of a site's reply inboxes (its edge's
// Config.InboxPrefix): inside its subjects, so that answers reach it.
func SiteInbox(site string) string { return SitePrefix + site + ".inbox" }

// LeafSite is a bridge site allowed to connect as a leaf node.
type LeafSite struct {
	// Name is the site's name (ValidSite): its subjects are
	// dais.site.<Name>.>.
	Name string
	// User and Password authenticate its leaf connection; Password may be
	// a bcrypt hash ($2a$…), which nats-server compares against.
	User, Password string
}

// SitePermissions are a site's leaf permissions, from the site's side:
// it publishes and receives on its own subjects only.
func SitePermissions(site string) *server.Permissions {
	return &server.Permissions{
		Publish:   &server.SubjectPermission{Allow: []string{SiteSubjects(site)}},
		Subscribe: &server.SubjectPermission{Allow: []string{SiteSubjects(site)}},
	}
}

// siteUsers are the server users of the sites, leaf connections only.
func siteUsers(sites []LeafSite) ([]*server.User, error) {
	seen := map[string]bool{}
	var users []*server.User
	for _, s := range sites {
		switch {
		case !ValidSite(s.Name):
			return nil, fmt.Errorf("natsbus: %q cannot name a site (lowercase letters, digits, - and _)", s.Name)
		case s.User == "" || s.Password == "":
			return nil, fmt.Errorf("natsbus: site %s has no leaf user or password", s.Name)
		case seen[s.User]:
			return nil, fmt.Errorf("natsbus: two sites log in as %q", s.User)
		}
		seen[s.User] = true
		users = append(users, &server.User{
			Username: s.User, Password: s.Password,
			Permissions:            SitePermissions(s.Name),
			AllowedConnectionTypes: map[string]struct{}{"LEAFNODE": {}},
		})
	}
	return users, nil
}

// nodeUser is the in-process connection's user on a server that has site
// users (once a server has users, every connection must log in): a random
// password that never leaves the process.
func nodeUser() (*server.User, error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	return &server.User{Username: "dais-node", Password: hex.EncodeToString(b[:]),
		AllowedConnectionTypes: map[string]struct{}{"STANDARD": {}, "IN_PROCESS": {}}}, nil
}

// SitesConfig is the authorization block of a centre's nats-server (an
// external NATS cluster) that admits the daisd nodes and each site's leaf
// connection: the nodes as user "dais" with the password in the server's
// environment variable nodePasswordVar (Dais's subjects and inboxes), each
// site as its own user, leaf connections only, held to its own subjects.
// The server's leafnodes {} block must have no authorization of its own:
// leaf connections then log in as these users. Site passwords should be
// bcrypt hashes. `dais bridge-sites nats-config` prints it.
func SitesConfig(nodePasswordVar string, sites []LeafSite) (string, error) {
	if _, err := siteUsers(sites); err != nil {
		return "", err
	}
	if !regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`).MatchString(nodePasswordVar) {
		return "", fmt.Errorf("natsbus: %q is not an environment variable's name", nodePasswordVar)
	}
	var b strings.Builder
	b.WriteString("# The daisd nodes and the bridge sites' leaf users (docs/bridge.md): each\n")
	b.WriteString("# site publishes and receives on dais.site.<site>.> only.\n")
	b.WriteString("# Made by `dais bridge-sites nats-config`; do not edit, make it again.\n")
	b.WriteString("authorization {\n  users: [\n")
	fmt.Fprintf(&b, "    {\n      user: dais\n      password: $%s\n", nodePasswordVar)
	b.WriteString("      permissions: {\n        publish: [\"dais.>\", \"_INBOX.>\"]\n        subscribe: [\"dais.>\", \"_INBOX.>\"]\n      }\n    }\n")
	for _, s := range sites {
		fmt.Fprintf(&b, "    {\n      user: %q\n      password: %q\n      allowed_connection_types: [\"LEAFNODE\"]\n", s.User, s.Password)
		fmt.Fprintf(&b, "      permissions: {\n        publish: { allow: [%q] }\n        subscribe: { allow: [%q] }\n      }\n    }\n",
			SiteSubjects(s.Name), SiteSubjects(s.Name))
	}
	b.WriteString("  ]\n}\n")
	return b.String(), nil
}
