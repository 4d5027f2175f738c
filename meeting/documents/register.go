package documents

import (
	"context"
	"io"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
)

// Register returns the copy register of the session's meeting (sổ theo dõi
// tài liệu mật): the secret documents, every copy served, every tablet's
// confirmation and what each device still holds. Only the chair and the
// secretaries may.
func (d *Documents) Register(ctx context.Context, sess access.Session) (meeting.Register, error) {
	st, err := d.registerState(ctx, sess)
	if err != nil {
		return meeting.Register{}, err
	}
	return st.CopyRegister(), nil
}

// RegisterPDF writes the copy register as PDF to w, in lang ("vi" or "en").
// Only the chair and the secretaries may.
func (d *Documents) RegisterPDF(ctx context.Context, sess access.Session, w io.Writer, lang string) error {
	st, err := d.registerState(ctx, sess)
	if err != nil {
		return err
	}
	return d.engine.CopyRegister(ctx, w, st.CopyRegister(), lang, d.cfg.Location, time.Now())
}

func (d *Documents) registerState(ctx context.Context, sess access.Session) (*meeting.State, error) {
	st, p, err := d.state(ctx, sess)
	if err != nil {
		return nil, err
	}
	if p.Role != meeting.RoleChair && p.Role != meeting.RoleSecretary {
		return nil, meeting.Errorf(meeting.Forbidden,
			"Chỉ chủ tọa và thư ký mới được xem sổ theo dõi tài liệu mật.",
			"only the chair and the secretaries may read the register of secret documents")
	}
	return st, nil
}
