package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/dais-meeting/dais/clients/daisclient"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // the server refused, or the network failed
	exitUsage = 2
	// exitNotVerified: dais verify read the record and it does not verify, or
	// dais verify-pdf found a signature that fails.
	exitNotVerified = 3
)

const usage = `usage: dais [-server URL] [-token T] <command> [flags] [args]

commands:
  join CODE                                         sign in with an invitation code; prints the token
  upload [-title T] [-level mat|toi_mat|tuyet_mat] [-confidential] [-readers a,b] FILE
                                                    upload a PDF (secretary), with its secrecy level
  download minutes|packet|ballots|register [-lang en] [-o FILE]
                                                    download a record (-o - writes to stdout);
                                                    register: the copy register of secret documents
  download signed [-record KEY] [-o FILE]           the current signed version of a record
  prepare [-interval D] DOC                         make every reader's copy of a document and wait
  invite [PARTICIPANT...]                           make one-time sign-in codes (all participants
                                                    when none are named; secretary); prints id, code
  sessions PARTICIPANT                              list a participant's sessions (secretary)
  revoke PARTICIPANT [SESSION]                      sign a participant out of every device, or of one
                                                    session; their tablets wipe (secretary)
  sign-out                                          end this token's session
  command NAME ['{JSON}']                           send one meeting command (docs/protocol.md) as the
                                                    token's participant, e.g. SetSecrecyRules,
                                                    SetDocumentLevel, TakeBackDocument; prints its seq
  new-meeting -title T -starts TIME [-place P] [-id ID] [-rooms main:Name,id:Name]
              [-secretary-id ID -secretary-name NAME]
                                                    create a meeting: as a secretary (-token), who
                                                    becomes its secretary; or with the node's admin
                                                    token (DAIS_ADMIN_TOKEN), naming the secretary,
                                                    whose invitation code is printed
  login [-code 123456] ID                           sign an office account in (password on stdin);
                                                    prints the account token (DAIS_ACCOUNT_TOKEN)
  account list                                      administrators (DAIS_ACCOUNT_TOKEN of an
  account add -name N [-email E] [-admin] [-sso-only] ID     administrator, or DAIS_ADMIN_TOKEN to
  account disable|enable|reset-totp ID                       recover): manage the office's accounts
  account reset-password ID                         prints a new password (shown once)
  account link MEETING PARTICIPANT ACCOUNT          the account opens the meeting as the participant
  verify [-data DIR | -redis-url URL [-redis-prefix P]] [-expect SEQ:HASH] MEETING
                                                    check a meeting's stored record: the audit
                                                    chain, every event, ballots = boxes = results;
                                                    names the first event that does not fit (exit 3);
                                                    -expect: the link the minutes printed.
                                                    Reads a stopped node's data folder read-only,
                                                    or the cluster's Redis
  verify [STORE-FLAGS] -consultation ID             a written consultation: chain, answers, the
                                                    summary counted again against all members
  verify [STORE-FLAGS] -conclusion ID               a conclusion: chain, approval, its number unique
                                                    in its series, tasks' reports and reminders
  backup -o FILE [-from URL | -data DIR | -redis-url URL [-redis-prefix P]]
                                                    a consistent copy of a store: from a running
                                                    daisd's internal listener (GET /backup), a
                                                    stopped node's data folder, or a Redis
                                                    deployment; checked before it is kept. The
                                                    ballot key is not in it: keep it apart
  restore [-data DIR | -redis-url URL [-redis-prefix P]] FILE
                                                    load a backup into an empty store (checked
                                                    against its manifest first)
  archive -from URL -o FILE MEETING                 a meeting's archive for the records: its log and
                                                    chain, ballot boxes, every PDF, minutes, counting
                                                    minutes, ballots, its conclusions; from the
                                                    internal listener
  archive -from URL -o FILE -committee ID           a committee's archive: its consultations and
                                                    conclusions, each log with its chain and PDFs
  archive verify FILE                               check an archive without a server (exit 3 if not)
  archive import [-data DIR | -redis-url URL [-redis-prefix P]] [-invite ID,…] FILE
                                                    bring an archive back, read only, into a stopped
                                                    node's folder or a Redis: verified first (exit 3,
                                                    nothing imported), refused when the store holds
                                                    the meeting; -invite prints sign-in codes

  sign -record KEY [-fresh] KEY-FLAGS [-tsa-url U]   sign a record of the server where your key is:
                                                    KEY is minutes/vi, minutes/en, packet or
                                                    counting/ELECTION/vi; downloads the current
                                                    version, signs it, sends it back
  sign -conclusion ID [-record conclusion/vi|en] KEY-FLAGS [-tsa-url U]
                                                    sign an approved conclusion's PDF where your
                                                    key is (the committee's chair or the office's
                                                    staff; DAIS_ACCOUNT_TOKEN)
  sign -consultation ID [-record summary/vi|en] KEY-FLAGS [-tsa-url U]
                                                    sign a closed consultation's summary (Báo cáo
                                                    tổng hợp ý kiến), likewise
  sign KEY-FLAGS [-o OUT] FILE                      sign a local PDF (an incremental update)
       KEY-FLAGS: -pkcs11-module LIB (-token-label L | -slot N) [-key-label K] [-chain PEM]
                  (PIN from $DAIS_PIN or asked) | -cert-file PEM|P12 [-key-file PEM]
  verify-pdf [-roots PEM] [-json] FILE              each signature: signer, chain to the roots,
                                                    time, time stamp, whether the document changed
                                                    since (exit 3 when one fails)

  bridge-sites add [-sites FILE] [-room ROOM] NAME  a centre's sites file (daisd -bridge-sites): add a
                                                    bridge site, or give it a new leaf password; prints
                                                    DAIS_EDGE_USER and DAIS_EDGE_PASSWORD for its edge
  bridge-sites remove [-sites FILE] NAME            take a site out (its leaf user stops working)
  bridge-sites nats-config [-sites FILE] [-password-env VAR]
                                                    the authorization block of the centre's nats-server:
                                                    the daisd nodes, and each site held to its subjects
  bridge-key new FILE | public FILE                 make a bridge key (mode 0600) or read one; prints
                                                    its public half, an edge's -edge-centre-key

environment: DAIS_SERVER (default http://localhost:8080), DAIS_TOKEN, DAIS_ACCOUNT_TOKEN, DAIS_ADMIN_TOKEN
`

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// client talks to one server with one token.
type client struct {
	server string
	token  string
	http   *http.Client
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// run is the whole program; main only wires it to the process.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	return runWith(ctx, args, getenv, strings.NewReader(""), stdout, stderr)
}

// runWith is run with a standard input (dais login reads the password).
func runWith(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dais", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	server := fs.String("server", envOr(getenv, "DAIS_SERVER", "http://localhost:8080"), "the server's address")
	token := fs.String("token", getenv("DAIS_TOKEN"), "the session token (default $DAIS_TOKEN)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitUsage
	}
	c := &client{server: strings.TrimRight(*server, "/"), token: *token, http: &http.Client{}, stdin: stdin, stdout: stdout, stderr: stderr}
	var err error
	switch cmd, rest := fs.Arg(0), fs.Args()[1:]; cmd {
	case "join":
		err = c.join(ctx, rest)
	case "upload":
		err = c.upload(ctx, rest)
	case "download":
		err = c.download(ctx, rest)
	case "prepare":
		err = c.prepare(ctx, rest)
	case "invite":
		err = c.invite(ctx, rest)
	case "sessions":
		err = c.sessions(ctx, rest)
	case "revoke":
		err = c.revoke(ctx, rest)
	case "sign-out":
		err = c.signOut(ctx, rest)
	case "new-meeting":
		err = c.newMeeting(ctx, rest, getenv("DAIS_ADMIN_TOKEN"))
	case "login":
		err = c.login(ctx, rest, c.stdin)
	case "account":
		err = c.account(ctx, rest, accountToken(getenv))
	case "verify":
		err = c.verify(ctx, rest, getenv)
	case "backup":
		err = c.backup(ctx, rest, getenv)
	case "restore":
		err = c.restore(ctx, rest, getenv)
	case "archive":
		err = c.archive(ctx, rest, getenv)
	case "sign":
		err = c.signCmd(ctx, rest, getenv)
	case "verify-pdf":
		err = c.verifyPDF(rest)
	case "command":
		err = c.command(ctx, rest)
	case "bridge-sites":
		err = c.bridgeSites(rest)
	case "bridge-key":
		err = c.bridgeKey(rest)
	default:
		err = usageError{fmt.Sprintf("unknown command %q", cmd)}
	}
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "dais: %s\n\n%s", ue.msg, usage)
		return exitUsage
	case errors.Is(err, errNotVerified), errors.Is(err, errLogNotVerified), errors.Is(err, errSignatureBad):
		fmt.Fprintf(stderr, "dais: %v\n", err)
		return exitNotVerified
	default:
		fmt.Fprintf(stderr, "dais: %v\n", err)
		return exitError
	}
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// api is the HTTP half of clients/daisclient on the server, with the token
// the command acts with (an account's or the admin's for some commands).
func (c *client) api() *daisclient.API {
	return &daisclient.API{Base: c.server, Token: c.token, HTTP: c.http}
}

// do and json are the API's: a status other than want is a
// *daisclient.APIError.
func (c *client) do(ctx context.Context, method, path string, body io.Reader, size int64, contentType string, want int) (*http.Response, error) {
	return c.api().Do(ctx, method, path, body, size, contentType, want)
}

func (c *client) json(ctx context.Context, method, path string, body []byte, want int, v any) error {
	var in any
	if body != nil {
		in = body
	}
	return c.api().JSON(ctx, method, path, in, want, v)
}

// meetingPath returns /api/v1/meetings/<the token's meeting>.
func (c *client) meetingPath(ctx context.Context) (string, error) {
	if c.token == "" {
		return "", usageError{"no token: pass -token or set DAIS_TOKEN (dais join CODE prints one)"}
	}
	return c.api().MeetingPath(ctx)
}

func (c *client) join(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return usageError{"join takes one invitation code"}
	}
	sess, err := c.api().Join(ctx, args[0])
	if err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, sess.Token)
	fmt.Fprintf(c.stderr, "signed in to %s as %s (%s)\n", sess.Meeting, sess.Participant, sess.Role)
	return nil
}

func (c *client) upload(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("upload", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	title := fs.String("title", "", "the document's title (default: the PDF's own title)")
	confidential := fs.Bool("confidential", false, "only the readers, the chair and the secretaries may read it")
	readers := fs.String("readers", "", "comma-separated participant ids who may read a confidential document")
	level := fs.String("level", "", "the secrecy level: mat (Mật), toi_mat (Tối mật), tuyet_mat (Tuyệt mật)")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() != 1 {
		return usageError{"upload takes one PDF file"}
	}
	if _, err := c.meetingPath(ctx); err != nil {
		return err
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	q := url.Values{}
	if *title != "" {
		q.Set("title", *title)
	}
	if *confidential {
		q.Set("confidential", "1")
	}
	if *readers != "" {
		q.Set("readers", *readers)
	}
	if *level != "" {
		q.Set("level", *level)
	}
	bar := &progressBar{w: c.stderr, total: fi.Size(), label: filepath.Base(fs.Arg(0))}
	var doc struct {
		ID     string `json:"id"`
		Title  string `json:"title"`
		Pages  int    `json:"pages"`
		SHA256 string `json:"sha256"`
	}
	err = c.api().Upload(ctx, q, &countingReader{r: f, bar: bar}, fi.Size(), &doc)
	bar.finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%s\t%d pages\t%s\n", doc.ID, doc.Pages, doc.Title)
	return nil
}

// downloads maps what can be downloaded to its path and default file name.
var downloads = map[string]struct{ path, file string }{
	"minutes": {"/minutes.pdf", "minutes.pdf"},
	"packet":  {"/packet.pdf", "packet.pdf"},
	"ballots": {"/ballots.csv", "ballots.csv"},
	// The copy register of secret documents (sổ theo dõi tài liệu mật).
	"register": {"/secrecy/register.pdf", "so-theo-doi-tai-lieu-mat.pdf"},
	"signed":   {"/records/file", "signed.pdf"},
}

func (c *client) download(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError{"download what: minutes, packet, ballots, register or signed"}
	}
	what, ok := downloads[args[0]]
	if !ok {
		return usageError{fmt.Sprintf("cannot download %q: minutes, packet, ballots, register or signed", args[0])}
	}
	fs := flag.NewFlagSet("download", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	lang := fs.String("lang", "vi", "the language of the minutes: vi or en")
	record := fs.String("record", "minutes/vi", "signed: which record (minutes/vi, minutes/en, packet, counting/ELECTION/vi)")
	out := fs.String("o", what.file, "the file to write (- for stdout)")
	if err := fs.Parse(args[1:]); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() != 0 {
		return usageError{"download takes no more arguments"}
	}
	if _, err := c.meetingPath(ctx); err != nil {
		return err
	}
	path := strings.TrimPrefix(what.path, "/")
	switch args[0] {
	case "minutes", "register":
		path += "?lang=" + url.QueryEscape(*lang)
	case "signed":
		path += "?record=" + url.QueryEscape(*record)
	}
	if *out == "-" {
		return c.api().Download(ctx, path, c.stdout)
	}
	n, err := writeFileFunc(*out, func(w io.Writer) error { return c.api().Download(ctx, path, w) })
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "wrote %s (%s)\n", *out, humanBytes(n))
	return nil
}

// writeFile writes r to path through a temporary file, so that a failed
// download leaves no half file.
func writeFile(path string, r io.Reader) (int64, error) {
	return writeFileFunc(path, func(w io.Writer) error {
		_, err := io.Copy(w, r)
		return err
	})
}

// writeFileFunc is writeFile of what write writes.
func writeFileFunc(path string, write func(io.Writer) error) (int64, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return 0, err
	}
	cw := &countWriter{w: tmp}
	err = write(cw)
	n := cw.n
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return 0, err
	}
	return n, nil
}

// progress is the JSON of a preparation's progress.
type progress struct {
	Done    int      `json:"done"`
	Total   int      `json:"total"`
	Failed  int      `json:"failed"`
	Running bool     `json:"running"`
	Errors  []string `json:"errors"`
}

func (c *client) prepare(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("prepare", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	interval := fs.Duration("interval", 500*time.Millisecond, "how often to ask for progress")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() != 1 || *interval <= 0 {
		return usageError{"prepare takes one document id (and a positive -interval)"}
	}
	base, err := c.meetingPath(ctx)
	if err != nil {
		return err
	}
	path := base + "/documents/" + url.PathEscape(fs.Arg(0)) + "/prepare"
	var p progress
	if err := c.json(ctx, "POST", path, []byte("{}"), http.StatusAccepted, &p); err != nil {
		return err
	}
	tick := time.NewTicker(*interval)
	defer tick.Stop()
	for p.Running {
		fmt.Fprintf(c.stderr, "\rpreparing %s: %d/%d copies, %d failed", fs.Arg(0), p.Done, p.Total, p.Failed)
		select {
		case <-ctx.Done():
			fmt.Fprintln(c.stderr)
			return ctx.Err()
		case <-tick.C:
		}
		if err := c.json(ctx, "GET", path, nil, http.StatusOK, &p); err != nil {
			fmt.Fprintln(c.stderr)
			return err
		}
	}
	fmt.Fprintf(c.stderr, "\rpreparing %s: %d/%d copies, %d failed\n", fs.Arg(0), p.Done, p.Total, p.Failed)
	fmt.Fprintf(c.stdout, "%d/%d copies ready\n", p.Done, p.Total)
	if p.Failed > 0 {
		return fmt.Errorf("%d of %d copies failed: %s", p.Failed, p.Total, strings.Join(p.Errors, "; "))
	}
	return nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
