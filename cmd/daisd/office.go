package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/committees"
	"github.com/dais-meeting/dais/meeting/consultations"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/meeting/records"
	"github.com/dais-meeting/dais/realtime/httpapi"
	"github.com/dais-meeting/dais/realtime/protocol"
)

// officeConfig configures issue 13's between-meetings work.
type officeConfig struct {
	// SMTP, when its Addr is set, mails consultation reminders.
	SMTP consultations.SMTPConfig
	// RemindBefore: members who have not answered are reminded this long
	// before a consultation's deadline (0: 24 hours; negative: never).
	RemindBefore time.Duration
	// PublicURL is where people reach the web client
	// (https://dais.tinhuy.example), for the links in e-mails; empty: no link.
	PublicURL string
	// Symbol is the office's symbol in the numbers of conclusions
	// ("15-KL/TU"); empty: TU.
	Symbol string
}

// smtpFlags turns the -smtp-* flags into an SMTP configuration; an empty
// address gives none.
func smtpFlags(addr, from, user, password, security, caFile string) (consultations.SMTPConfig, error) {
	cfg := consultations.SMTPConfig{Addr: addr, From: from, Username: user, Password: password, Security: security}
	if addr == "" {
		return cfg, nil
	}
	if from == "" {
		return cfg, fmt.Errorf("-smtp-addr needs -smtp-from (the sender's address)")
	}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return cfg, fmt.Errorf("-smtp-ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return cfg, fmt.Errorf("-smtp-ca: no certificate in %s", caFile)
		}
		cfg.TLS = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	_, err := consultations.NewSMTPMailer(cfg)
	return cfg, err
}

// consultPDFs checks a consultation's documents with the node's PDF
// engine: a file with active content (JavaScript, embedded files, XFA) is
// refused rather than cleaned.
type consultPDFs struct{ *pdf.Engine }

func (p consultPDFs) PageCount(ctx context.Context, r io.ReadSeeker) (int, error) {
	info, err := p.Validate(ctx, r)
	if err != nil {
		return 0, err
	}
	if info.Active != 0 {
		return 0, meeting.Errorf(meeting.Invalid, "Tệp PDF có nội dung chủ động (JavaScript, tệp đính kèm hoặc biểu mẫu XFA); xin gửi bản không có",
			"the PDF holds active content (JavaScript, embedded files or XFA forms); send a file without")
	}
	return info.Pages, nil
}

// startOffice makes the office's registry, calendars and written
// consultations (issue 13), starts the consultations' scheduler and mounts
// the routes; it needs the accounts (startAccounts) first.
func (n *node) startOffice(mux httpapi.Mux) error {
	cfg := n.cfg.Office
	n.registry = committees.New(n.store, n.svc, nil, committees.Options{})
	var mailer consultations.Mailer
	if cfg.SMTP.Addr != "" {
		m, err := consultations.NewSMTPMailer(cfg.SMTP)
		if err != nil {
			return err
		}
		mailer = m
	}
	opt := consultations.Options{RemindBefore: cfg.RemindBefore, Logger: n.log}
	if base := strings.TrimRight(cfg.PublicURL, "/"); base != "" {
		if _, err := url.Parse(base); err != nil {
			return fmt.Errorf("-public-url: %w", err)
		}
		opt.Link = func(id string) string { return base + "/#consultation=" + url.QueryEscape(id) }
	}
	// A consultation sent or closed rings the tablets of the meetings made
	// from its committee (a notice on each meeting's bus subject); a tablet
	// away fetches the list after its next welcome.
	opt.Changed = func(ctx context.Context, committee, id string) {
		ms, err := n.registry.SeatedMeetings(ctx, committee)
		if err != nil {
			n.log.Warn("ringing the tablets of a consultation failed (they see it at their next fetch)", "consultation", id, "err", err)
			return
		}
		data, err := json.Marshal(protocol.Notice{Type: protocol.TypeNotice, Name: protocol.NoticeConsultations, ID: id})
		if err != nil {
			return
		}
		for _, m := range ms {
			if err := n.bus.PublishSignal(m, data); err != nil {
				n.log.Warn("ringing the tablets of a consultation failed (they see it at their next fetch)", "meeting", m, "consultation", id, "err", err)
			}
		}
	}
	n.consults = consultations.New(n.store, n.registry, mailer, consultPDFs{n.pdfs}, opt)
	n.registry.SetConsultations(n.consults)
	n.consults.Start()
	httpapi.NewCommittees(n.accounts, n.registry, n.acc, n.svc, n.log).Register(mux)
	capi := httpapi.NewConsultations(n.acc, n.svc, n.accounts, n.registry, n.consults, n.pdfs, n.pdfs.Config().MaxBytes, n.log)
	capi.Register(mux)
	// A closed consultation's summary as a signed record (the node's
	// certificate, or dais sign -consultation).
	srecs, err := records.NewConsultations(n.cfg.Records, n.consults, n.store, n.pdfs, n.log)
	if err != nil {
		return err
	}
	httpapi.NewConsultationRecords(capi, srecs).Register(mux)
	return n.startConclusions(mux, mailer)
}
