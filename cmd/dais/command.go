package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/dais-meeting/dais/clients/daisclient"
)

// command sends one meeting command over the WebSocket as the token's
// participant and waits for its ack, e.g.
//
//	dais command TakeBackDocument '{"document":"d0c1e2f3a4b"}'
//	dais command SetSecrecyRules '{"level":"toi_mat","rules":{"watermark":true,"offline":false,"download":false,"presented_only":false,"linked_displays":true}}'
//
// It prints the seq of the command's last event, or says that nothing
// changed; a refusal is the server's, in both languages.
func (c *client) command(ctx context.Context, args []string) error {
	if len(args) != 1 && len(args) != 2 {
		return usageError{"command takes a command name and, optionally, its arguments as JSON"}
	}
	if c.token == "" {
		return usageError{"no token: pass -token or set DAIS_TOKEN (dais join CODE prints one)"}
	}
	raw := json.RawMessage(`{}`)
	if len(args) == 2 {
		if !json.Valid([]byte(args[1])) {
			return usageError{fmt.Sprintf("the arguments of %s are not JSON: %q", args[0], args[1])}
		}
		raw = json.RawMessage(args[1])
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cl, err := daisclient.Dial(ctx, c.server, c.token, daisclient.Options{})
	if err != nil {
		return err
	}
	defer cl.Close()
	seq, err := cl.Send(ctx, args[0], raw)
	if err != nil {
		return err
	}
	if seq == 0 {
		fmt.Fprintf(c.stderr, "%s: accepted, nothing changed\n", args[0])
		return nil
	}
	fmt.Fprintln(c.stdout, seq)
	return nil
}
