package account

import (
	"context"
	"errors"
	"strings"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/storage"
)

// Recovery is the actor of an administrator who proves control of the node
// itself (its -admin-token), not an account: it may manage accounts when
// every administrator is locked out, has lost a phone or left.
var Recovery = Session{Account: Account{ID: "(admin-token)", Name: "node admin token", Admin: true}}

func requireAdmin(sess Session) error {
	if !sess.Account.Admin || sess.Pending {
		return meeting.Errorf(meeting.Forbidden, "Chỉ quản trị viên mới làm được việc này", "only an administrator may do this")
	}
	return nil
}

// List returns every account, for an administrator.
func (s *Service) List(ctx context.Context, by Session) ([]Account, error) {
	if err := requireAdmin(by); err != nil {
		return nil, err
	}
	as, err := s.store.ListAccounts(ctx)
	if err != nil {
		return nil, unavailable(err)
	}
	out := make([]Account, len(as))
	for i, a := range as {
		out[i] = view(a)
	}
	return out, nil
}

// Create adds an account on behalf of an administrator. Without a password
// (and not SSOOnly) one is made and returned: the only time it is shown.
// The new account enrols its second factor at its first sign-in.
func (s *Service) Create(ctx context.Context, by Session, n NewAccount) (Account, string, error) {
	if err := requireAdmin(by); err != nil {
		return Account{}, "", err
	}
	if err := n.check(); err != nil {
		return Account{}, "", err
	}
	made := ""
	if n.Password == "" && !n.SSOOnly {
		made = randomPassword()
		n.Password = made
	}
	a := storage.Account{ID: n.ID, Name: n.Name, Email: n.Email, Admin: n.Admin, Created: s.opt.Now()}
	if n.Password != "" {
		h, err := s.hash(ctx, n.Password)
		if err != nil {
			return Account{}, "", err
		}
		a.PasswordHash = h
	}
	if n.Email != "" {
		if dup, err := s.byEmail(ctx, n.Email); err != nil {
			return Account{}, "", err
		} else if dup != "" {
			return Account{}, "", meeting.Errorf(meeting.Conflict, "Địa chỉ %q đã thuộc tài khoản %q", "the address %q belongs to the account %q already", n.Email, dup)
		}
	}
	if err := s.store.CreateAccount(ctx, a, false); errors.Is(err, storage.ErrExists) {
		return Account{}, "", meeting.Errorf(meeting.Conflict, "Tên đăng nhập %q đã có", "the login name %q is taken", n.ID)
	} else if err != nil {
		return Account{}, "", unavailable(err)
	}
	s.opt.Logger.Info("account created", "account", a.ID, "admin", a.Admin, "by", by.Account.ID)
	return view(a), made, nil
}

// byEmail returns the id of the account with this e-mail address, or "".
// An office has tens of accounts: a scan is fine.
func (s *Service) byEmail(ctx context.Context, email string) (string, error) {
	as, err := s.store.ListAccounts(ctx)
	if err != nil {
		return "", unavailable(err)
	}
	for _, a := range as {
		if a.Email != "" && strings.EqualFold(a.Email, email) {
			return a.ID, nil
		}
	}
	return "", nil
}

// SetDisabled disables (ending every session) or enables an account. The
// last enabled administrator cannot be disabled.
func (s *Service) SetDisabled(ctx context.Context, by Session, id string, disabled bool) (Account, error) {
	if err := requireAdmin(by); err != nil {
		return Account{}, err
	}
	if disabled {
		if err := s.keepAnAdmin(ctx, id); err != nil {
			return Account{}, err
		}
	}
	now := s.opt.Now()
	a, err := s.store.UpdateAccount(ctx, id, func(a *storage.Account) error {
		a.Disabled = disabled
		if disabled {
			a.SessionsAfter = now
		} else {
			a.FailedLogins, a.LockedUntil = 0, now
		}
		return nil
	})
	if err != nil {
		return Account{}, passOrUnavailable(err)
	}
	s.opt.Logger.Info("account changed", "account", id, "disabled", disabled, "by", by.Account.ID)
	return view(a), nil
}

func (s *Service) keepAnAdmin(ctx context.Context, id string) error {
	as, err := s.store.ListAccounts(ctx)
	if err != nil {
		return unavailable(err)
	}
	others := 0
	for _, a := range as {
		if a.Admin && !a.Disabled && a.ID != id {
			others++
		}
	}
	if others == 0 {
		return meeting.Errorf(meeting.Conflict, "Không thể khóa quản trị viên cuối cùng", "the last administrator cannot be disabled")
	}
	return nil
}

// ResetPassword sets a new password (made when empty, and returned), clears
// the lockout and ends the account's sessions.
func (s *Service) ResetPassword(ctx context.Context, by Session, id, password string) (string, error) {
	if err := requireAdmin(by); err != nil {
		return "", err
	}
	made := ""
	if password == "" {
		made = randomPassword()
		password = made
	} else if err := checkPassword(password); err != nil {
		return "", err
	}
	h, err := s.hash(ctx, password)
	if err != nil {
		return "", err
	}
	now := s.opt.Now()
	_, err = s.store.UpdateAccount(ctx, id, func(a *storage.Account) error {
		a.PasswordHash, a.FailedLogins, a.LockedUntil, a.SessionsAfter = h, 0, now, now
		return nil
	})
	if err != nil {
		return "", passOrUnavailable(err)
	}
	s.opt.Logger.Info("password reset", "account", id, "by", by.Account.ID)
	return made, nil
}

// ResetTOTP removes an account's second factor (a lost phone): its sessions
// end, and its next sign-in enrols a new key.
func (s *Service) ResetTOTP(ctx context.Context, by Session, id string) error {
	if err := requireAdmin(by); err != nil {
		return err
	}
	now := s.opt.Now()
	_, err := s.store.UpdateAccount(ctx, id, func(a *storage.Account) error {
		a.TOTPSecret, a.TOTPLastStep, a.FailedLogins, a.LockedUntil, a.SessionsAfter = nil, 0, 0, now, now
		return nil
	})
	if err != nil {
		return passOrUnavailable(err)
	}
	s.opt.Logger.Info("second factor reset", "account", id, "by", by.Account.ID)
	return nil
}

// Link records that an account may open a meeting as a participant. The
// caller checks the participant exists and is allowed to link it.
func (s *Service) Link(ctx context.Context, account string, l storage.AccountLink) error {
	if _, err := s.store.GetAccount(ctx, account); err != nil {
		return passOrUnavailable(err)
	}
	return unavailableOrNil(s.store.LinkAccount(ctx, account, l))
}

// Links returns the participants an account is linked to.
func (s *Service) Links(ctx context.Context, sess Session) ([]storage.AccountLink, error) {
	ls, err := s.store.AccountLinks(ctx, sess.Account.ID)
	if err != nil {
		return nil, unavailable(err)
	}
	return ls, nil
}

// LinkOf returns the participant an account is linked to in a meeting.
func (s *Service) LinkOf(ctx context.Context, sess Session, meetingID string) (string, error) {
	ls, err := s.Links(ctx, sess)
	if err != nil {
		return "", err
	}
	for _, l := range ls {
		if l.Meeting == meetingID {
			return l.Participant, nil
		}
	}
	return "", meeting.Errorf(meeting.Forbidden, "Tài khoản của bạn không gắn với hội nghị %q", "your account is not linked to the meeting %q", meetingID)
}

func unavailableOrNil(err error) error {
	if err == nil {
		return nil
	}
	return unavailable(err)
}

// Inherit links to newMeeting every account linked to the participant from
// is, under the same participant id: a secretary working from an account
// who creates a meeting in the workspace (as that participant) opens the
// new meeting from the account too. An office has tens of accounts: the
// scan is cheap.
func (s *Service) Inherit(ctx context.Context, from storage.AccountLink, newMeeting string) error {
	as, err := s.store.ListAccounts(ctx)
	if err != nil {
		return unavailable(err)
	}
	for _, a := range as {
		ls, err := s.store.AccountLinks(ctx, a.ID)
		if err != nil {
			return unavailable(err)
		}
		for _, l := range ls {
			if l == from {
				if err := s.store.LinkAccount(ctx, a.ID, storage.AccountLink{Meeting: newMeeting, Participant: from.Participant}); err != nil {
					return unavailable(err)
				}
				s.opt.Logger.Info("account linked to the meeting it created", "account", a.ID, "meeting", newMeeting)
			}
		}
	}
	return nil
}

// Active reports whether the account id exists and is enabled, and
// whether it is an administrator (a meeting session an account opened
// names the account: the office asks whether it is still staff's).
func (s *Service) Active(ctx context.Context, id string) (active, admin bool, err error) {
	if id == "" {
		return false, false, nil
	}
	a, err := s.store.GetAccount(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return false, false, nil
	}
	if err != nil {
		return false, false, unavailable(err)
	}
	return !a.Disabled, a.Admin && !a.Disabled, nil
}
