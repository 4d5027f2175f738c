package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	goredis "github.com/redis/go-redis/v9"

	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/seal"
)

// errImportExists stops the watched transaction of ImportMeeting.
var errImportExists = errors.New("exists")

// ImportMeeting stores an archived meeting's log, with its chain links as
// given ("" for an unchained record, as chain.lua pads), and its boxes
// closed, in one MULTI/EXEC watched on the meeting's log and boxes
// (storage.Importer). Every key is the meeting's (one hash tag).
func (s *Store) ImportMeeting(ctx context.Context, meeting string, log []storage.Record, boxes []storage.ArchivedBox) error {
	if err := storage.CheckImport(meeting, log, boxes); err != nil {
		return err
	}
	specs := make([][]byte, len(boxes))
	for i, b := range boxes {
		var err error
		if specs[i], err = json.Marshal(boxSpec{Secret: b.Spec.Secret, Choices: b.Spec.Choices, MaxContent: b.Spec.MaxContent}); err != nil {
			return err
		}
	}
	watched := []string{s.k.log(meeting), s.k.chain(meeting)}
	for _, b := range boxes {
		watched = append(watched, s.k.box(meeting, b.Spec.Poll))
	}
	if err := s.rdb.SAdd(ctx, s.k.meetings(), meeting).Err(); err != nil {
		return s.fail("import", err)
	}
	err := s.rdb.Watch(ctx, func(tx *goredis.Tx) error {
		n, err := tx.Exists(ctx, watched...).Result()
		if err != nil {
			return err
		}
		if n > 0 {
			return errImportExists
		}
		_, err = tx.TxPipelined(ctx, func(p goredis.Pipeliner) error {
			for i := 0; i < len(log); i += 500 {
				part := log[i:min(i+500, len(log))]
				data, links := make([]any, len(part)), make([]any, len(part))
				for j, r := range part {
					data[j], links[j] = r.Data, r.Hash
					if r.Hash == nil {
						links[j] = ""
					}
				}
				p.RPush(ctx, s.k.log(meeting), data...)
				p.RPush(ctx, s.k.chain(meeting), links...)
			}
			for i, b := range boxes {
				poll := b.Spec.Poll
				secret := "0"
				if b.Spec.Secret {
					secret = "1"
				}
				p.HSet(ctx, s.k.box(meeting, poll), "state", "closed", "spec", specs[i], "secret", secret)
				if len(b.Voters) > 0 {
					vs := make([]any, 0, 2*len(b.Voters))
					for voter, seq := range b.Voters {
						vs = append(vs, voter, strconv.FormatUint(seq, 10)+":")
					}
					p.HSet(ctx, s.k.voters(meeting, poll), vs...)
				}
				if len(b.Tally.Counts) > 0 {
					cs := make([]any, 0, 2*len(b.Tally.Counts))
					for c, n := range b.Tally.Counts {
						cs = append(cs, c, n)
					}
					p.HSet(ctx, s.k.counts(meeting, poll), cs...)
				}
				if len(b.Tally.Ballots) > 0 {
					bs := make([]any, len(b.Tally.Ballots))
					for j, o := range b.Tally.Ballots {
						enc, err := seal.Encode(seal.Ballot{Choice: o.Choice, Content: o.Content}, seal.PlainSize(len(o.Choice), len(o.Content)))
						if err != nil {
							return err
						}
						bs[j] = enc
					}
					p.RPush(ctx, s.k.ballots(meeting, poll), bs...)
				}
			}
			return nil
		})
		return err
	}, watched...)
	switch {
	case errors.Is(err, errImportExists):
		return fmt.Errorf("storage/redis: import: meeting %q has a log or a ballot box here: %w", meeting, storage.ErrExists)
	case errors.Is(err, goredis.TxFailedErr):
		return fmt.Errorf("storage/redis: import: meeting %q was written to meanwhile: %w", meeting, storage.ErrExists)
	case err != nil:
		return s.fail("import", err)
	}
	return nil
}
