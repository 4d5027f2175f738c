package access

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dais-meeting/dais/meeting"
)

// A signed link lets a browser open one resource (a PDF, the minutes, a
// packet) where it cannot send the Authorization header: a top-level
// navigation, a download. It names the session by its store key (a hash:
// the token never appears), and is bound to the method and the path, and
// valid for LinkTTL. It dies with the session: a revoked or expired
// session's links are refused.
//
//	/api/v1/meetings/m/documents/d/annotated?exp=1764750000&sid=<64 hex>&sig=<HMAC>
const (
	linkExp = "exp"
	linkSID = "sid"
	linkSig = "sig"
)

// Link returns a signed link to path (an absolute path of this server, no
// query) for method, valid for LinkTTL, on behalf of sess (which must have
// been authenticated with its token). Only paths of the session's meeting
// and the session's own routes may be signed.
func (s *Service) Link(sess Session, method, path string) (string, time.Time, error) {
	if sess.Token == "" {
		return "", time.Time{}, errSignIn()
	}
	if method != "GET" && method != "HEAD" {
		return "", time.Time{}, meeting.Errorf(meeting.Invalid, "Chỉ ký được liên kết để tải (GET)", "only GET links can be signed")
	}
	prefix := "/api/v1/meetings/" + sess.Meeting + "/"
	if !strings.HasPrefix(path, prefix) || strings.ContainsAny(path, "?#") || strings.Contains(path, "..") || len(path) > 1024 {
		return "", time.Time{}, meeting.Errorf(meeting.Invalid, "Chỉ ký được liên kết trong hội nghị của phiên: %q", "only links within the session's meeting can be signed: %q", path)
	}
	exp := s.opt.Now().Add(s.opt.LinkTTL).Truncate(time.Second)
	key := storeKey("token", sess.Token)
	q := url.Values{}
	q.Set(linkExp, strconv.FormatInt(exp.Unix(), 10))
	q.Set(linkSID, key)
	q.Set(linkSig, s.sign(method, path, exp.Unix(), key))
	return path + "?" + q.Encode(), exp, nil
}

// IsLink reports whether a request's query carries a signed link.
func IsLink(q url.Values) bool { return q.Has(linkSig) }

// AuthenticateLink returns the session that signed the link a request
// (method, path, query) carries. It is refused when the signature does not
// fit (another path, method or session), when it has expired, and when the
// session has ended or was revoked.
func (s *Service) AuthenticateLink(ctx context.Context, method, path string, q url.Values) (Session, error) {
	refused := meeting.Errorf(meeting.Unauthorized, "Liên kết không hợp lệ hoặc đã hết hạn; xin mở lại từ ứng dụng", "the link is invalid or expired; open it again from the app")
	if method == "HEAD" {
		method = "GET"
	}
	exp, err := strconv.ParseInt(q.Get(linkExp), 10, 64)
	key := q.Get(linkSID)
	if err != nil || len(key) != 64 || len(q.Get(linkSig)) > 100 {
		return Session{}, refused
	}
	want := s.sign(method, path, exp, key)
	if !hmac.Equal([]byte(want), []byte(q.Get(linkSig))) {
		return Session{}, refused
	}
	now := s.opt.Now()
	if t := time.Unix(exp, 0); !now.Before(t) || t.Sub(now) > s.opt.LinkTTL+time.Minute {
		return Session{}, refused
	}
	sess, err := s.session(ctx, key)
	if err != nil {
		return Session{}, err
	}
	if !strings.HasPrefix(path, "/api/v1/meetings/"+sess.Meeting+"/") {
		return Session{}, refused
	}
	return sess, nil
}

func (s *Service) sign(method, path string, exp int64, key string) string {
	m := hmac.New(sha256.New, s.opt.LinkKey)
	m.Write([]byte("dais/link/v1\x00" + method + "\x00" + path + "\x00" + strconv.FormatInt(exp, 10) + "\x00" + key))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
