package main

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/dais-meeting/dais/realtime/bridge"
	"github.com/dais-meeting/dais/realtime/natsbus"
)

// bridgeSites manages a centre's sites file (daisd -bridge-sites;
// docs/operations.md): each bridge site's leaf user and room, and the
// nats-server configuration that holds each site to its own subjects.
func (c *client) bridgeSites(args []string) error {
	if len(args) == 0 {
		return usageError{"bridge-sites needs add, remove or nats-config"}
	}
	fs := flag.NewFlagSet("bridge-sites "+args[0], flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	file := fs.String("sites", "sites.txt", "the sites file")
	room := fs.String("room", "", "add: the site's room id in a meeting (default: the site's name, or the room it had)")
	pwVar := fs.String("password-env", "DAIS_NATS_PASSWORD", "nats-config: the nats-server's environment variable holding the daisd nodes' password (user dais)")
	if err := fs.Parse(args[1:]); err != nil {
		return usageError{err.Error()}
	}
	switch args[0] {
	case "add":
		if fs.NArg() != 1 {
			return usageError{"bridge-sites add takes one site name"}
		}
		return c.addSite(*file, fs.Arg(0), *room)
	case "remove":
		if fs.NArg() != 1 {
			return usageError{"bridge-sites remove takes one site name"}
		}
		sites, err := bridge.LoadSites(*file)
		if err != nil {
			return err
		}
		for i, s := range sites {
			if s.Name == fs.Arg(0) {
				return writeSites(*file, append(sites[:i], sites[i+1:]...))
			}
		}
		return fmt.Errorf("no site %q in %s", fs.Arg(0), *file)
	case "nats-config":
		if fs.NArg() != 0 {
			return usageError{"bridge-sites nats-config takes no arguments"}
		}
		sites, err := bridge.LoadSites(*file)
		if err != nil {
			return err
		}
		leaf, err := bridge.LeafSites(sites)
		if err != nil {
			return err
		}
		conf, err := natsbus.SitesConfig(*pwVar, leaf)
		if err != nil {
			return err
		}
		_, err = fmt.Fprint(c.stdout, conf)
		return err
	}
	return usageError{fmt.Sprintf("unknown bridge-sites command %q", args[0])}
}

// addSite gives a site a new random leaf password (a new site, or a new
// password for one: the old stops working once the centre reloads the
// file) and prints it, once.
func (c *client) addSite(file, name, room string) error {
	if !natsbus.ValidSite(name) {
		return usageError{fmt.Sprintf("%q cannot name a site: lowercase letters, digits, - and _ (it is the edge's daisd -name)", name)}
	}
	sites, err := bridge.LoadSites(file)
	if errors.Is(err, fs.ErrNotExist) {
		sites, err = nil, nil
	}
	if err != nil {
		return err
	}
	site, password, err := bridge.NewSite(name, "")
	if err != nil {
		return err
	}
	found := false
	for i, s := range sites {
		if s.Name == name {
			site.Room, found = s.Room, true
			if room != "" {
				site.Room = room
			}
			sites[i] = site
		}
	}
	if !found {
		if room != "" {
			site.Room = room
		}
		sites = append(sites, site)
	}
	if err := writeSites(file, sites); err != nil {
		return err
	}
	verb := "added"
	if found {
		verb = "has a new password"
	}
	fmt.Fprintf(c.stderr, "site %s %s (room %s) in %s; reload the centre's NATS (or restart daisd) to take it\n", name, verb, site.Room, file)
	fmt.Fprintf(c.stdout, "DAIS_EDGE_USER=%s\nDAIS_EDGE_PASSWORD=%s\n", site.LeafUser(), password)
	return nil
}

// writeSites replaces the sites file (checked, then renamed into place).
func writeSites(file string, sites []bridge.Site) error {
	var b bytes.Buffer
	if err := bridge.FormatSites(&b, sites); err != nil {
		return err
	}
	if _, err := bridge.ParseSites(bytes.NewReader(b.Bytes())); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".sites-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b.Bytes()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o640); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}

// bridgeKey makes a bridge key, or prints a key file's public half
// (docs/bridge.md, "Rotating the bridge key").
func (c *client) bridgeKey(args []string) error {
	if len(args) != 2 || (args[0] != "new" && args[0] != "public") {
		return usageError{"bridge-key takes new FILE or public FILE"}
	}
	var (
		key ed25519.PrivateKey
		err error
	)
	if args[0] == "new" {
		if _, serr := os.Stat(args[1]); serr == nil {
			return fmt.Errorf("%s exists: a new bridge key goes into a new file", args[1])
		}
		key, err = bridge.LoadOrCreateKey(args[1])
	} else {
		key, err = bridge.LoadKey(args[1])
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(c.stdout, bridge.PublicKeyString(key))
	return err
}
