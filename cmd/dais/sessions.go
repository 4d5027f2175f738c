package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// sessions lists a participant's live sessions (secretary).
func (c *client) sessions(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return usageError{"sessions takes one participant id"}
	}
	base, err := c.meetingPath(ctx)
	if err != nil {
		return err
	}
	var out struct {
		Sessions []struct {
			ID      string    `json:"id"`
			Created time.Time `json:"created"`
			Expires time.Time `json:"expires"`
		} `json:"sessions"`
	}
	if err := c.json(ctx, "GET", base+"/participants/"+url.PathEscape(args[0])+"/sessions", nil, http.StatusOK, &out); err != nil {
		return err
	}
	for _, s := range out.Sessions {
		fmt.Fprintf(c.stdout, "%s\t%s\t%s\n", s.ID, s.Created.Local().Format("2006-01-02 15:04"), s.Expires.Local().Format("2006-01-02 15:04"))
	}
	return nil
}

// revoke signs a participant out of one session (by its id, from
// sessions) or of every device (secretary): their tablets are disconnected
// and wipe what they kept; their next sign-in needs a new code.
func (c *client) revoke(ctx context.Context, args []string) error {
	if len(args) != 1 && len(args) != 2 {
		return usageError{"revoke takes a participant id and, optionally, a session id"}
	}
	base, err := c.meetingPath(ctx)
	if err != nil {
		return err
	}
	req := map[string]string{}
	if len(args) == 2 {
		req["session"] = args[1]
	}
	body, _ := json.Marshal(req)
	var out struct {
		Revoked int `json:"revoked"`
	}
	if err := c.json(ctx, "POST", base+"/participants/"+url.PathEscape(args[0])+"/revoke", body, http.StatusOK, &out); err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "revoked %d session(s) of %s\n", out.Revoked, args[0])
	return nil
}

// signOut ends the token's own session.
func (c *client) signOut(ctx context.Context, args []string) error {
	if len(args) != 0 {
		return usageError{"sign-out takes no arguments"}
	}
	if c.token == "" {
		return usageError{"no token: pass -token or set DAIS_TOKEN"}
	}
	resp, err := c.do(ctx, "POST", "/api/v1/sign-out", nil, 0, "", http.StatusNoContent)
	if err != nil {
		return err
	}
	resp.Body.Close()
	fmt.Fprintln(c.stderr, "signed out")
	return nil
}
