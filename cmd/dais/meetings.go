package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// invite makes one-time sign-in codes and prints "participant<TAB>code" lines.
func (c *client) invite(ctx context.Context, args []string) error {
	if _, err := c.meetingPath(ctx); err != nil {
		return err
	}
	invs, err := c.api().Invite(ctx, args)
	if err != nil {
		return err
	}
	for _, inv := range invs {
		fmt.Fprintf(c.stdout, "%s\t%s\n", inv.Participant, inv.Code)
	}
	return nil
}

// startLayouts are the forms -starts accepts; without a zone the time is
// local to the machine running the CLI.
var startLayouts = []string{time.RFC3339, "2006-01-02 15:04", "2006-01-02T15:04", "02/01/2006 15:04"}

func parseStart(s string) (time.Time, error) {
	for _, l := range startLayouts {
		if t, err := time.ParseInLocation(l, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("-starts %q: use 2026-12-15 08:00, 15/12/2026 08:00 or RFC 3339", s)
}

type room struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Main bool   `json:"main,omitempty"`
}

// parseRooms reads "hall:Hội trường,d1:Điểm cầu A"; the first is the main hall.
func parseRooms(s string) ([]room, error) {
	if s == "" {
		return nil, nil
	}
	var rooms []room
	for i, part := range strings.Split(s, ",") {
		id, name, ok := strings.Cut(part, ":")
		if !ok || strings.TrimSpace(id) == "" || strings.TrimSpace(name) == "" {
			return nil, fmt.Errorf("-rooms: %q is not id:name", part)
		}
		rooms = append(rooms, room{ID: strings.TrimSpace(id), Name: strings.TrimSpace(name), Main: i == 0})
	}
	return rooms, nil
}

func (c *client) newMeeting(ctx context.Context, args []string, adminToken string) error {
	fs := flag.NewFlagSet("new-meeting", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	title := fs.String("title", "", "the meeting's title")
	starts := fs.String("starts", "", "when it starts: 2026-12-15 08:00 (local time) or RFC 3339")
	place := fs.String("place", "", "where it is held")
	id := fs.String("id", "", "the meeting's id (default: made from the date)")
	roomsFlag := fs.String("rooms", "", "rooms as id:name,… — the first is the main hall (default: one hall)")
	secID := fs.String("secretary-id", "", "the secretary's participant id (with the admin token)")
	secName := fs.String("secretary-name", "", "the secretary's name (with the admin token)")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() != 0 {
		return usageError{"new-meeting takes only flags"}
	}
	if *title == "" || *starts == "" {
		return usageError{"new-meeting needs -title and -starts"}
	}
	at, err := parseStart(*starts)
	if err != nil {
		return usageError{err.Error()}
	}
	rooms, err := parseRooms(*roomsFlag)
	if err != nil {
		return usageError{err.Error()}
	}
	req := map[string]any{"title": *title, "starts_at": at.Format(time.RFC3339), "place": *place}
	if *id != "" {
		req["id"] = *id
	}
	if rooms != nil {
		req["rooms"] = rooms
	}
	asAdmin := *secID != "" || *secName != ""
	if asAdmin {
		if adminToken == "" {
			return usageError{"-secretary-id/-secretary-name need the node's admin token in DAIS_ADMIN_TOKEN"}
		}
		if *secID == "" || *secName == "" {
			return usageError{"give both -secretary-id and -secretary-name"}
		}
		req["secretary"] = map[string]string{"id": *secID, "name": *secName}
		c.token = adminToken
	} else if c.token == "" {
		return usageError{"no token: sign in as a secretary (-token or DAIS_TOKEN), or name the secretary with DAIS_ADMIN_TOKEN set"}
	}
	body, _ := json.Marshal(req)
	if asAdmin {
		var out struct {
			Meeting     string `json:"meeting"`
			Participant string `json:"participant"`
			Code        string `json:"code"`
		}
		if err := c.json(ctx, "POST", "/api/v1/meetings", body, http.StatusCreated, &out); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "%s\t%s\t%s\n", out.Meeting, out.Participant, out.Code)
		fmt.Fprintf(c.stderr, "created %s; %s signs in with %s (%s/?code=%s)\n", out.Meeting, out.Participant, out.Code, c.server, url.QueryEscape(out.Code))
		return nil
	}
	var sess struct {
		Token   string `json:"token"`
		Meeting string `json:"meeting"`
	}
	if err := c.json(ctx, "POST", "/api/v1/meetings", body, http.StatusCreated, &sess); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%s\t%s\n", sess.Meeting, sess.Token)
	fmt.Fprintf(c.stderr, "created %s; the second column is your session token in it\n", sess.Meeting)
	return nil
}
