package redis

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/dais-meeting/dais/storage"
)

// A blob with sha256 h, stored in chunks of c bytes, is
//
//	blob:{b}:h      a hash: size, chunk (c), n (number of chunks)
//	blob:{b}:h:i    chunk i (0 ≤ i < n), bytes [i·c, (i+1)·c)
//
// An upload writes its chunks under blob:{b}:tmp:<upload id>:i with a TTL,
// hashing as it goes; a script then renames them into place and writes the
// hash key last, or drops them when the blob is already stored. An upload
// that fails leaves no blob, and its temporary chunks expire.

// PutBlob stores the content of r, deduplicated by sha256.
func (s *Store) PutBlob(ctx context.Context, r io.Reader) (storage.BlobInfo, error) {
	if s.opt.Blobs != nil {
		return s.opt.Blobs.PutBlob(ctx, r)
	}
	upload := token()
	h := sha256.New()
	buf := make([]byte, s.opt.ChunkSize)
	var size int64
	var tmp []string
	for {
		n, rerr := io.ReadFull(r, buf)
		if n > 0 {
			h.Write(buf[:n])
			size += int64(n)
			key := s.k.uploadChunk(upload, len(tmp))
			tmp = append(tmp, key)
			if err := s.rdb.Set(ctx, key, buf[:n], s.opt.UploadTTL).Err(); err != nil {
				s.dropUpload(tmp)
				return storage.BlobInfo{}, s.fail("put blob", err)
			}
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			s.dropUpload(tmp)
			return storage.BlobInfo{}, fmt.Errorf("storage/redis: put blob: read: %w", rerr)
		}
	}
	sha := hex.EncodeToString(h.Sum(nil))
	keys := make([]string, 0, 1+2*len(tmp))
	keys = append(keys, s.k.blob(sha))
	keys = append(keys, tmp...)
	for i := range tmp {
		keys = append(keys, s.k.blobChunk(sha, i))
	}
	err := finalizeBlobScript.Run(ctx, s.rdb, keys, size, s.opt.ChunkSize, len(tmp)).Err()
	if err != nil {
		s.dropUpload(tmp)
		return storage.BlobInfo{}, s.fail("put blob", err)
	}
	return storage.BlobInfo{SHA256: sha, Size: size}, nil
}

// dropUpload deletes an abandoned upload's chunks, best effort: if Redis
// cannot be reached, their TTL removes them.
func (s *Store) dropUpload(tmp []string) {
	if len(tmp) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, k := range tmp {
		// One key per command: keys of a cluster may sit on several nodes.
		if s.rdb.Unlink(ctx, k).Err() != nil {
			return
		}
	}
}

// OpenBlob opens a blob. The reader fetches one chunk at a time, when a
// Read first needs it, with the context given here: cancelling ctx fails
// later reads.
func (s *Store) OpenBlob(ctx context.Context, sha string) (io.ReadSeekCloser, storage.BlobInfo, error) {
	if s.opt.Blobs != nil {
		return s.opt.Blobs.OpenBlob(ctx, sha)
	}
	if !validSHA(sha) {
		return nil, storage.BlobInfo{}, fmt.Errorf("storage/redis: blob %q: not a sha256: %w", sha, storage.ErrNotFound)
	}
	vals, err := s.rdb.HMGet(ctx, s.k.blob(sha), "size", "chunk", "n").Result()
	if err != nil {
		return nil, storage.BlobInfo{}, s.fail("open blob", err)
	}
	var nums [3]int64
	for i, v := range vals {
		str, ok := v.(string)
		if !ok {
			return nil, storage.BlobInfo{}, fmt.Errorf("storage/redis: blob %s: %w", sha, storage.ErrNotFound)
		}
		if nums[i], err = strconv.ParseInt(str, 10, 64); err != nil {
			return nil, storage.BlobInfo{}, fmt.Errorf("storage/redis: blob %s: bad metadata %q", sha, str)
		}
	}
	info := storage.BlobInfo{SHA256: sha, Size: nums[0]}
	if nums[1] <= 0 && nums[0] > 0 {
		return nil, storage.BlobInfo{}, fmt.Errorf("storage/redis: blob %s: bad chunk size %d", sha, nums[1])
	}
	return &blobReader{s: s, ctx: ctx, sha: sha, size: nums[0], chunk: nums[1], cur: -1}, info, nil
}

func validSHA(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// blobReader reads a blob chunk by chunk, keeping the last chunk it fetched.
type blobReader struct {
	s      *Store
	ctx    context.Context
	sha    string
	size   int64
	chunk  int64
	pos    int64
	cur    int64 // index of the chunk in buf; -1: none
	buf    []byte
	closed bool
}

func (b *blobReader) Read(p []byte) (int, error) {
	if b.closed {
		return 0, errors.New("storage/redis: read of a closed blob")
	}
	if b.pos >= b.size {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	i := b.pos / b.chunk
	if i != b.cur {
		data, err := b.s.rdb.Get(b.ctx, b.s.k.blobChunk(b.sha, int(i))).Bytes()
		if isNil(err) {
			return 0, fmt.Errorf("storage/redis: blob %s: chunk %d missing", b.sha, i)
		}
		if err != nil {
			return 0, b.s.fail("read blob", err)
		}
		want := min(b.chunk, b.size-i*b.chunk)
		if int64(len(data)) != want {
			return 0, fmt.Errorf("storage/redis: blob %s: chunk %d has %d bytes, want %d", b.sha, i, len(data), want)
		}
		b.buf, b.cur = data, i
	}
	n := copy(p, b.buf[b.pos-i*b.chunk:])
	b.pos += int64(n)
	return n, nil
}

func (b *blobReader) Seek(offset int64, whence int) (int64, error) {
	if b.closed {
		return 0, errors.New("storage/redis: seek in a closed blob")
	}
	var pos int64
	switch whence {
	case io.SeekStart:
		pos = offset
	case io.SeekCurrent:
		pos = b.pos + offset
	case io.SeekEnd:
		pos = b.size + offset
	default:
		return 0, fmt.Errorf("storage/redis: seek: bad whence %d", whence)
	}
	if pos < 0 {
		return 0, fmt.Errorf("storage/redis: seek to negative position %d", pos)
	}
	b.pos = pos
	return pos, nil
}

func (b *blobReader) Close() error {
	b.closed = true
	b.buf = nil
	return nil
}
