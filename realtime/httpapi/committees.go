package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/account"
	"github.com/dais-meeting/dais/meeting/committees"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/storage"
)

// CommitteesAPI serves the office's people, committees and calendars
// (docs/between-meetings.md):
//
//	GET    /api/v1/people                         staff: every person
//	PUT    /api/v1/people/{person}                staff: add or change a person
//	GET    /api/v1/people/{person}/calendar       staff: a person's calendar
//	POST   /api/v1/people/{person}/feed           staff: a new private iCalendar URL (voids the old)
//	DELETE /api/v1/people/{person}/feed           staff: revoke it
//	GET    /api/v1/committees                     staff: every committee
//	GET    /api/v1/committees/{committee}         staff: a committee and its members' people
//	PUT    /api/v1/committees/{committee}         staff: add or change a committee
//	POST   /api/v1/committees/{committee}/meetings staff: a new meeting of the committee
//	GET    /api/v1/account/calendar               the signed-in person's calendar
//	POST   /api/v1/account/calendar/feed          their new private iCalendar URL
//	DELETE /api/v1/account/calendar/feed          revoke it
//	GET    /api/v1/calendar/{feed}                the iCalendar feed (text/calendar), by its secret
//
// Every route but the feed takes an account session (bearer or cookie).
// Staff are administrators and the accounts of people marked Staff (the
// office's secretaries); a member's account sees their own calendar.
type CommitteesAPI struct {
	acc   *account.Service
	reg   *committees.Service
	meets MeetingAccess
	cmds  committees.Commands
	log   *slog.Logger
}

// NewCommittees returns the routes.
func NewCommittees(acc *account.Service, reg *committees.Service, meets MeetingAccess, cmds committees.Commands, log *slog.Logger) *CommitteesAPI {
	if log == nil {
		log = slog.Default()
	}
	return &CommitteesAPI{acc: acc, reg: reg, meets: meets, cmds: cmds, log: log}
}

// Register mounts the routes on mux.
func (a *CommitteesAPI) Register(mux Mux) {
	mux.HandleFunc("GET /api/v1/people", a.people)
	mux.HandleFunc("PUT /api/v1/people/{person}", a.putPerson)
	mux.HandleFunc("GET /api/v1/people/{person}/calendar", a.personCalendar)
	mux.HandleFunc("POST /api/v1/people/{person}/feed", a.newFeed)
	mux.HandleFunc("DELETE /api/v1/people/{person}/feed", a.revokeFeed)
	mux.HandleFunc("GET /api/v1/committees", a.committees)
	mux.HandleFunc("GET /api/v1/committees/{committee}", a.committee)
	mux.HandleFunc("PUT /api/v1/committees/{committee}", a.putCommittee)
	mux.HandleFunc("POST /api/v1/committees/{committee}/meetings", a.createMeeting)
	mux.HandleFunc("GET /api/v1/account/calendar", a.myCalendar)
	mux.HandleFunc("POST /api/v1/account/calendar/feed", a.newFeed)
	mux.HandleFunc("DELETE /api/v1/account/calendar/feed", a.revokeFeed)
	mux.HandleFunc("GET /api/v1/calendar/{feed}", a.feed)
}

// officeCaller is who sends an office request: the account, the person it
// signs in as (if any), and whether it is staff.
type officeCaller struct {
	account   account.Session
	person    office.Person
	hasPerson bool
	staff     bool
}

// officeCallerOf authenticates the account and finds its person.
func officeCallerOf(ctx context.Context, acc *account.Service, reg *committees.Service, r *http.Request) (officeCaller, error) {
	s, _, err := accountSession(acc, r, false)
	if err != nil {
		return officeCaller{}, err
	}
	c := officeCaller{account: s, staff: s.Account.Admin}
	p, ok, err := reg.PersonOfAccount(ctx, s.Account.ID)
	if err != nil {
		return officeCaller{}, err
	}
	if ok {
		c.person, c.hasPerson = p, true
		c.staff = c.staff || p.Staff
	}
	return c, nil
}

// staffAccount reports whether the account (of a meeting session an
// account opened: access.Session.Account; "" for a code's) is the office's
// staff: an enabled administrator, or the enabled account of a person
// marked staff.
func staffAccount(ctx context.Context, acc *account.Service, reg *committees.Service, id string) (bool, error) {
	if id == "" {
		return false, nil
	}
	active, admin, err := acc.Active(ctx, id)
	if err != nil || !active || admin {
		return admin, err
	}
	p, ok, err := reg.PersonOfAccount(ctx, id)
	return ok && p.Staff, err
}

func errNotStaff() error {
	return meeting.Errorf(meeting.Forbidden, "Chỉ cán bộ văn phòng hoặc quản trị viên mới làm được việc này",
		"only the office's staff or an administrator may do this")
}

// staff authenticates a staff account.
func (a *CommitteesAPI) staff(r *http.Request) (officeCaller, error) {
	c, err := officeCallerOf(r.Context(), a.acc, a.reg, r)
	if err != nil {
		return c, err
	}
	if !c.staff {
		return c, errNotStaff()
	}
	return c, nil
}

func (a *CommitteesAPI) people(w http.ResponseWriter, r *http.Request) {
	if _, err := a.staff(r); err != nil {
		WriteError(w, err)
		return
	}
	ps, err := a.reg.People(r.Context())
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"people": ps})
}

func (a *CommitteesAPI) putPerson(w http.ResponseWriter, r *http.Request) {
	c, err := a.staff(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	var req struct {
		Name    string `json:"name"`
		Title   string `json:"title,omitempty"`
		Unit    string `json:"unit,omitempty"`
		Email   string `json:"email,omitempty"`
		Account string `json:"account,omitempty"`
		Staff   bool   `json:"staff,omitempty"`
	}
	if err := readJSON(r, &req); err != nil {
		WriteError(w, err)
		return
	}
	p, err := a.reg.PutPersonBy(r.Context(), c.account.Account.Admin, office.Person{ID: r.PathValue("person"), Name: req.Name, Title: req.Title, Unit: req.Unit,
		Email: req.Email, Account: req.Account, Staff: req.Staff})
	if err != nil {
		WriteError(w, err)
		return
	}
	a.log.Info("person saved", "person", p.ID, "by account", c.account.Account.ID)
	WriteJSON(w, http.StatusOK, map[string]any{"person": p})
}

func (a *CommitteesAPI) committees(w http.ResponseWriter, r *http.Request) {
	if _, err := a.staff(r); err != nil {
		WriteError(w, err)
		return
	}
	cs, err := a.reg.Committees(r.Context())
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"committees": cs})
}

func (a *CommitteesAPI) committee(w http.ResponseWriter, r *http.Request) {
	if _, err := a.staff(r); err != nil {
		WriteError(w, err)
		return
	}
	c, people, err := a.reg.Members(r.Context(), r.PathValue("committee"))
	if err != nil {
		WriteError(w, err)
		return
	}
	list := make([]office.Person, 0, len(people))
	for _, m := range c.Members {
		if p, ok := people[m.Person]; ok {
			list = append(list, p.Public())
		}
	}
	WriteJSON(w, http.StatusOK, map[string]any{"committee": c, "people": list})
}

func (a *CommitteesAPI) putCommittee(w http.ResponseWriter, r *http.Request) {
	caller, err := a.staff(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	var req struct {
		Name     string          `json:"name"`
		Members  []office.Member `json:"members"`
		Majority string          `json:"majority,omitempty"`
	}
	if err := readJSON(r, &req); err != nil {
		WriteError(w, err)
		return
	}
	c, err := a.reg.PutCommittee(r.Context(), office.Committee{ID: r.PathValue("committee"), Name: req.Name, Members: req.Members, Majority: req.Majority})
	if err != nil {
		WriteError(w, err)
		return
	}
	a.log.Info("committee saved", "committee", c.ID, "members", len(c.Members), "by account", caller.account.Account.ID)
	WriteJSON(w, http.StatusOK, map[string]any{"committee": c})
}

// createMeeting makes a meeting whose first secretary is the account (as
// POST /api/v1/account/meetings), seats the committee's members, links
// the members' accounts to their participants, and answers the meeting
// session with the participants added.
func (a *CommitteesAPI) createMeeting(w http.ResponseWriter, r *http.Request) {
	caller, err := a.staff(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	ctx := r.Context()
	id := r.PathValue("committee")
	com, err := a.reg.Committee(ctx, id)
	if err != nil {
		WriteError(w, err)
		return
	}
	var req access.NewMeeting
	if err := readJSON(r, &req); err != nil {
		WriteError(w, err)
		return
	}
	if strings.TrimSpace(req.Title) == "" {
		req.Title = "Hội nghị " + com.Name
	}
	me := caller.account.Account
	mid, err := a.meets.CreateMeeting(ctx, req, meeting.Participant{ID: me.ID, Name: me.Name})
	if err != nil {
		WriteError(w, err)
		return
	}
	if err := a.acc.Link(ctx, me.ID, storage.AccountLink{Meeting: mid, Participant: me.ID}); err != nil {
		WriteError(w, err)
		return
	}
	added, accounts, err := a.reg.Seat(ctx, a.cmds, mid, me.ID, com.ID)
	if err != nil {
		WriteError(w, err)
		return
	}
	for person, acct := range accounts {
		if err := a.acc.Link(ctx, acct, storage.AccountLink{Meeting: mid, Participant: person}); err != nil {
			// An account named in the registry that does not exist (yet):
			// the member joins with an invitation code instead.
			a.log.Warn("a member's account was not linked", "meeting", mid, "person", person, "account", acct, "err", err)
		}
	}
	ms, err := openForAccount(ctx, a.meets, a.acc, mid, me.ID, me.ID)
	if err != nil {
		WriteError(w, err)
		return
	}
	a.log.Info("meeting created from a committee", "meeting", mid, "committee", com.ID, "participants", len(added), "by account", me.ID)
	WriteJSON(w, http.StatusCreated, map[string]any{"session": ms, "participants": added})
}

func (a *CommitteesAPI) personCalendar(w http.ResponseWriter, r *http.Request) {
	if _, err := a.staff(r); err != nil {
		WriteError(w, err)
		return
	}
	p, err := a.reg.Person(r.Context(), r.PathValue("person"))
	if err != nil {
		WriteError(w, err)
		return
	}
	a.writeCalendar(w, r, p)
}

func (a *CommitteesAPI) myCalendar(w http.ResponseWriter, r *http.Request) {
	p, err := a.self(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	a.writeCalendar(w, r, p)
}

func (a *CommitteesAPI) writeCalendar(w http.ResponseWriter, r *http.Request, p office.Person) {
	es, err := a.reg.Calendar(r.Context(), p.ID)
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"person": p.Public(), "feed": p.FeedHash != "", "entries": es})
}

// self is the person the request's account signs in as.
func (a *CommitteesAPI) self(r *http.Request) (office.Person, error) {
	c, err := officeCallerOf(r.Context(), a.acc, a.reg, r)
	if err != nil {
		return office.Person{}, err
	}
	if !c.hasPerson {
		return office.Person{}, meeting.Errorf(meeting.NotFound, "Tài khoản này chưa gắn với người nào trong danh sách của văn phòng",
			"this account is not linked to a person of the office's list")
	}
	return c.person, nil
}

// feedPerson is the person of a feed route: the path's (staff), or the
// account's own (/account/calendar/feed).
func (a *CommitteesAPI) feedPerson(r *http.Request) (string, error) {
	if id := r.PathValue("person"); id != "" {
		if _, err := a.staff(r); err != nil {
			return "", err
		}
		return id, nil
	}
	p, err := a.self(r)
	return p.ID, err
}

func (a *CommitteesAPI) newFeed(w http.ResponseWriter, r *http.Request) {
	id, err := a.feedPerson(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	tok, err := a.reg.NewFeed(r.Context(), id)
	if err != nil {
		WriteError(w, err)
		return
	}
	scheme := "http"
	if secure(r) {
		scheme = "https"
	}
	path := r.Host + "/api/v1/calendar/" + tok + ".ics"
	a.log.Info("calendar feed made", "person", id)
	WriteJSON(w, http.StatusCreated, map[string]string{"url": scheme + "://" + path, "webcal": "webcal://" + path})
}

func (a *CommitteesAPI) revokeFeed(w http.ResponseWriter, r *http.Request) {
	id, err := a.feedPerson(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	if err := a.reg.RevokeFeed(r.Context(), id); err != nil {
		WriteError(w, err)
		return
	}
	a.log.Info("calendar feed revoked", "person", id)
	w.WriteHeader(http.StatusNoContent)
}

// feed serves a person's iCalendar feed by its secret. Any token that is
// not a person's current one answers 404, the same for all.
func (a *CommitteesAPI) feed(w http.ResponseWriter, r *http.Request) {
	tok := strings.TrimSuffix(r.PathValue("feed"), ".ics")
	p, err := a.reg.FeedPerson(r.Context(), tok)
	if err != nil {
		WriteError(w, err)
		return
	}
	data, err := a.reg.Feed(r.Context(), p)
	if err != nil {
		WriteError(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="lich-hop.ics"`)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}
