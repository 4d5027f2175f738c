package consultations

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"strings"
	"time"
)

// SMTP security modes.
const (
	// SMTPStartTLS: plain connection, then STARTTLS (required). The default.
	SMTPStartTLS = "starttls"
	// SMTPTLS: TLS from the first byte (port 465).
	SMTPTLS = "tls"
	// SMTPPlain: no TLS (a relay on the same host or a trusted network);
	// authentication is then refused unless the server is on localhost.
	SMTPPlain = "none"
)

// SMTPConfig is where reminders are mailed through.
type SMTPConfig struct {
	// Addr is host:port of the server.
	Addr string
	// From is the sender, "Văn phòng Tỉnh ủy <vanphong@tinhuy.example>"
	// or a bare address.
	From string
	// Username and Password authenticate (AUTH PLAIN); empty: none.
	Username, Password string
	// Security is SMTPStartTLS (zero), SMTPTLS or SMTPPlain.
	Security string
	// TLS configures the TLS connection (its ServerName defaults to Addr's
	// host). Nil: the system's roots.
	TLS *tls.Config
	// HelloName is the name given in EHLO. Zero: "localhost".
	HelloName string
	// Timeout bounds one message's conversation. Zero: 30 s.
	Timeout time.Duration
}

// SMTPMailer sends each mail in its own SMTP conversation.
type SMTPMailer struct {
	cfg  SMTPConfig
	from *mail.Address
}

var _ Mailer = (*SMTPMailer)(nil)

// NewSMTPMailer checks cfg and returns the mailer.
func NewSMTPMailer(cfg SMTPConfig) (*SMTPMailer, error) {
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		return nil, fmt.Errorf("smtp: the server address %q is not host:port: %w", cfg.Addr, err)
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("smtp: the sender %q: %w", cfg.From, err)
	}
	switch cfg.Security {
	case "":
		cfg.Security = SMTPStartTLS
	case SMTPStartTLS, SMTPTLS, SMTPPlain:
	default:
		return nil, fmt.Errorf("smtp: security %q is not starttls, tls or none", cfg.Security)
	}
	if cfg.HelloName == "" {
		cfg.HelloName = "localhost"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &SMTPMailer{cfg: cfg, from: from}, nil
}

// Send delivers m: connect, (STARTTLS,) authenticate, MAIL, RCPT, DATA.
func (s *SMTPMailer) Send(ctx context.Context, m Mail) error {
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return fmt.Errorf("smtp: the recipient %q: %w", m.To, err)
	}
	to.Name = m.ToName
	msg, err := Compose(s.from, to, m.Subject, m.Body, time.Now())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	host, _, _ := net.SplitHostPort(s.cfg.Addr)
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("smtp: connect %s: %w", s.cfg.Addr, err)
	}
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	// The conversation ends with the context, whatever step it is at.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	tlsCfg := s.tlsConfig(host)
	if s.cfg.Security == SMTPTLS {
		conn = tls.Client(conn, tlsCfg)
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp: %s: %w", s.cfg.Addr, err)
	}
	defer c.Close()
	if err := c.Hello(s.cfg.HelloName); err != nil {
		return fmt.Errorf("smtp: EHLO: %w", err)
	}
	if s.cfg.Security == SMTPStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errors.New("smtp: the server does not offer STARTTLS (set security none to send without TLS)")
		}
		if err := c.StartTLS(tlsCfg); err != nil {
			return fmt.Errorf("smtp: STARTTLS: %w", err)
		}
	}
	if s.cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, host)); err != nil {
			return fmt.Errorf("smtp: AUTH: %w", err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return fmt.Errorf("smtp: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		return fmt.Errorf("smtp: RCPT TO <%s>: %w", to.Address, err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp: DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("smtp: DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp: the message was refused: %w", err)
	}
	return c.Quit()
}

func (s *SMTPMailer) tlsConfig(host string) *tls.Config {
	cfg := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if s.cfg.TLS != nil {
		cfg = s.cfg.TLS.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName = host
		}
	}
	return cfg
}

// Compose writes an RFC 5322 message with UTF-8 text: the display names
// and the subject as RFC 2047 encoded words, the body quoted-printable,
// lines ending in CRLF.
func Compose(from, to *mail.Address, subject, body string, date time.Time) ([]byte, error) {
	if strings.ContainsAny(subject, "\r\n") {
		return nil, errors.New("smtp: a line break in the subject")
	}
	var id [12]byte
	_, _ = rand.Read(id[:])
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	var b bytes.Buffer
	h := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	h("From", from.String())
	h("To", to.String())
	h("Subject", mime.BEncoding.Encode("utf-8", subject))
	h("Date", date.Format(time.RFC1123Z))
	h("Message-ID", "<"+hex.EncodeToString(id[:])+"@"+domain+">")
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=utf-8")
	h("Content-Transfer-Encoding", "quoted-printable")
	h("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	body = strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n")
	if _, err := qp.Write([]byte(body)); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	b.WriteString("\r\n")
	return b.Bytes(), nil
}
