package redis

import (
	"context"
	"errors"
	"fmt"
	"strings"

	goredis "github.com/redis/go-redis/v9"
)

// errNotReplicated is a write the primary took that fewer replicas than
// Options.WaitReplicas confirmed in time: it may be lost in a failover, so
// it is not acknowledged (Store.fail reports it as unavailable).
var errNotReplicated = errors.New("the write did not reach enough replicas")

// runWrite runs a write script. Without Options.WaitReplicas it is the
// script's Run. With it, the script and WAIT go in one pipeline on one
// connection (WAIT counts the writes of its own connection), and the
// script's reply stands only when enough replicas have the write.
func (s *Store) runWrite(ctx context.Context, sc *goredis.Script, keys []string, args ...any) *goredis.Cmd {
	if s.opt.WaitReplicas <= 0 {
		return sc.Run(ctx, s.rdb, keys, args...)
	}
	cmd, n, err := s.evalAndWait(ctx, sc, true, keys, args)
	if err == nil && cmd.Err() != nil && strings.HasPrefix(cmd.Err().Error(), "NOSCRIPT") {
		// The script is not cached on this primary (a new one after a
		// failover): send it whole.
		cmd, n, err = s.evalAndWait(ctx, sc, false, keys, args)
	}
	if err != nil || cmd.Err() != nil {
		if cmd.Err() != nil {
			return cmd
		}
		failed := goredis.NewCmd(ctx)
		failed.SetErr(err)
		return failed
	}
	if n < int64(s.opt.WaitReplicas) {
		failed := goredis.NewCmd(ctx)
		failed.SetErr(fmt.Errorf("%w: %d of %d within %v", errNotReplicated, n, s.opt.WaitReplicas, s.opt.WaitTimeout))
		return failed
	}
	return cmd
}

func (s *Store) evalAndWait(ctx context.Context, sc *goredis.Script, sha bool, keys []string, args []any) (*goredis.Cmd, int64, error) {
	pipe := s.rdb.Pipeline()
	var cmd *goredis.Cmd
	if sha {
		cmd = sc.EvalSha(ctx, pipe, keys, args...)
	} else {
		cmd = sc.Eval(ctx, pipe, keys, args...)
	}
	wait := pipe.Do(ctx, "WAIT", s.opt.WaitReplicas, s.opt.WaitTimeout.Milliseconds())
	_, _ = pipe.Exec(ctx)
	if cmd.Err() != nil {
		return cmd, 0, nil
	}
	n, err := wait.Int64()
	return cmd, n, err
}
