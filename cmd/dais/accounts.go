package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/tabwriter"
)

// accountToken is the token account commands send: the node's admin token
// when DAIS_ADMIN_TOKEN is set (recovery: no administrator can sign in),
// else the account session of DAIS_ACCOUNT_TOKEN (dais login prints one).
func accountToken(getenv func(string) string) string {
	if t := getenv("DAIS_ADMIN_TOKEN"); t != "" {
		return t
	}
	return getenv("DAIS_ACCOUNT_TOKEN")
}

// login signs an account in: the password is read from the first line of
// stdin (never a flag: the process list shows flags), the code is -code.
func (c *client) login(ctx context.Context, args []string, stdin io.Reader) error {
	fs := flag.NewFlagSet("login", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	code := fs.String("code", "", "the six-digit code of the authenticator app")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() != 1 {
		return usageError{"login takes one login name (the password on stdin)"}
	}
	pw, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return err
	}
	body, _ := json.Marshal(map[string]string{"id": fs.Arg(0), "password": strings.TrimRight(pw, "\r\n"), "code": *code})
	var sess struct {
		Token   string `json:"token"`
		Pending bool   `json:"pending"`
		Account struct {
			ID    string `json:"id"`
			Admin bool   `json:"admin"`
		} `json:"account"`
	}
	c.token = ""
	if err := c.json(ctx, "POST", "/api/v1/account/login", body, http.StatusOK, &sess); err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, sess.Token)
	if sess.Pending {
		fmt.Fprintf(c.stderr, "signed in as %s; enrol a second factor in the web client before anything else\n", sess.Account.ID)
	} else {
		fmt.Fprintf(c.stderr, "signed in as %s (administrator: %v); export DAIS_ACCOUNT_TOKEN=<the line above>\n", sess.Account.ID, sess.Account.Admin)
	}
	return nil
}

type accountView struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Email    string `json:"email"`
	Admin    bool   `json:"admin"`
	Disabled bool   `json:"disabled"`
	Password bool   `json:"password"`
	TOTP     bool   `json:"totp"`
	SSO      bool   `json:"sso"`
}

// account runs "dais account add|list|disable|enable|reset-password|reset-totp|link".
func (c *client) account(ctx context.Context, args []string, token string) error {
	if len(args) == 0 {
		return usageError{"account needs a command: add, list, disable, enable, reset-password, reset-totp, link"}
	}
	if token == "" {
		return usageError{"no account token: set DAIS_ACCOUNT_TOKEN (dais login prints one), or DAIS_ADMIN_TOKEN to recover"}
	}
	c.token = token
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "list":
		var out struct {
			Accounts []accountView `json:"accounts"`
		}
		if err := c.json(ctx, "GET", "/api/v1/accounts", nil, http.StatusOK, &out); err != nil {
			return err
		}
		tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tEMAIL\tROLE\tSIGN-IN\tSTATE")
		for _, a := range out.Accounts {
			role, how, state := "staff", "password", "active"
			if a.Admin {
				role = "admin"
			}
			switch {
			case !a.Password:
				how = "sso"
			case a.TOTP:
				how = "password+totp"
			default:
				how = "password (totp not enrolled)"
			}
			if a.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", a.ID, a.Name, a.Email, role, how, state)
		}
		return tw.Flush()
	case "add":
		fs := flag.NewFlagSet("account add", flag.ContinueOnError)
		fs.SetOutput(c.stderr)
		name := fs.String("name", "", "full name")
		email := fs.String("email", "", "e-mail address (single sign-on matches it)")
		admin := fs.Bool("admin", false, "an administrator")
		sso := fs.Bool("sso-only", false, "no password: signs in through single sign-on only")
		if err := fs.Parse(rest); err != nil {
			return usageError{err.Error()}
		}
		if fs.NArg() != 1 || *name == "" {
			return usageError{"account add takes -name NAME [-email E] [-admin] [-sso-only] ID"}
		}
		body, _ := json.Marshal(map[string]any{"id": fs.Arg(0), "name": *name, "email": *email, "admin": *admin, "sso_only": *sso})
		var out struct {
			Account  accountView `json:"account"`
			Password string      `json:"password"`
		}
		if err := c.json(ctx, "POST", "/api/v1/accounts", body, http.StatusCreated, &out); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "%s\t%s\n", out.Account.ID, out.Password)
		if out.Password != "" {
			fmt.Fprintf(c.stderr, "created %s; the second column is its first password (shown once); it enrols TOTP at its first sign-in\n", out.Account.ID)
		}
		return nil
	case "disable", "enable", "reset-totp":
		if len(rest) != 1 {
			return usageError{"account " + cmd + " takes one account id"}
		}
		want := http.StatusOK
		if cmd == "reset-totp" {
			want = http.StatusNoContent
		}
		resp, err := c.do(ctx, "POST", "/api/v1/accounts/"+url.PathEscape(rest[0])+"/"+cmd, nil, 0, "", want)
		if err != nil {
			return err
		}
		resp.Body.Close()
		fmt.Fprintf(c.stderr, "%s: %s done\n", rest[0], cmd)
		return nil
	case "reset-password":
		if len(rest) != 1 {
			return usageError{"account reset-password takes one account id (a new password is made and printed)"}
		}
		var out struct {
			Password string `json:"password"`
		}
		if err := c.json(ctx, "POST", "/api/v1/accounts/"+url.PathEscape(rest[0])+"/reset-password", []byte("{}"), http.StatusOK, &out); err != nil {
			return err
		}
		fmt.Fprintln(c.stdout, out.Password)
		fmt.Fprintf(c.stderr, "%s: new password (shown once); its sessions have ended\n", rest[0])
		return nil
	case "link":
		if len(rest) != 3 {
			return usageError{"account link takes MEETING PARTICIPANT ACCOUNT"}
		}
		body, _ := json.Marshal(map[string]string{"account": rest[2]})
		resp, err := c.do(ctx, "POST", "/api/v1/meetings/"+url.PathEscape(rest[0])+"/participants/"+url.PathEscape(rest[1])+"/account",
			strings.NewReader(string(body)), int64(len(body)), "application/json", http.StatusNoContent)
		if err != nil {
			return err
		}
		resp.Body.Close()
		fmt.Fprintf(c.stderr, "%s opens %s as %s\n", rest[2], rest[0], rest[1])
		return nil
	}
	return usageError{fmt.Sprintf("unknown account command %q", cmd)}
}
