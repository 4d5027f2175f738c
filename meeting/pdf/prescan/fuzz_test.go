package prescan

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// FuzzScan checks that no input makes Scan panic (a recovered panic is a
// failure here), run away or break its own bounds. The seeds in
// testdata/fuzz/FuzzScan are the small files of the hostile corpus
// (meeting/pdf/testdata/hostile) and hand-made fragments.
func FuzzScan(f *testing.F) {
	f.Add([]byte("%PDF-1.7\n1 0 obj << /A [1 2 (x)] >> endobj trailer << /Root 1 0 R >>"))
	f.Add([]byte("1 0 obj << /Filter [/FlateDecode /LZWDecode /ASCII85Decode /RunLengthDecode] /Length 5 >>\nstream\nxxxxx\nendstream"))
	f.Add([]byte("1 0 obj << /Type /ObjStm /N 2 /First 8 /Length 20 >>\nstream\n2 0 3 2 [] << >> [[\nendstream"))
	lim := Limits{MaxDepth: 32, MaxObjects: 10_000, MaxStreamBytes: 4 << 20, MaxDecodedBytes: 8 << 20, DecodedPerByte: 1, MaxHeldBytes: 1 << 20}
	f.Fuzz(func(t *testing.T, b []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		rep, err := Scan(ctx, b, lim)
		var e *Error
		if err != nil {
			if !errors.As(err, &e) {
				t.Fatalf("Scan error %v (%T) is not an *Error", err, err)
			}
			if strings.HasPrefix(e.Detail, "scan failed") {
				t.Fatalf("Scan panicked: %v", e)
			}
			if e.Reason == ReasonTime {
				t.Fatalf("Scan ran for 20 s on %d bytes", len(b))
			}
			return
		}
		if rep.Depth > lim.MaxDepth || rep.Objects > lim.MaxObjects {
			t.Fatalf("accepted beyond the limits: %+v", rep)
		}
		if rep.Decoded > max(lim.MaxDecodedBytes, lim.DecodedPerByte*int64(len(b)))+(1<<20) {
			t.Fatalf("decoded %d bytes, beyond the budget", rep.Decoded)
		}
	})
}
