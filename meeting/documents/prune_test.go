package documents

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// cacheFile writes a file of size bytes under dir, last used at used.
func cacheFile(tb testing.TB, dir, rel string, size int, used time.Time) string {
	tb.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(p, make([]byte, size), 0o600); err != nil {
		tb.Fatal(err)
	}
	if err := os.Chtimes(p, used, used); err != nil {
		tb.Fatal(err)
	}
	return p
}

func remaining(tb testing.TB, dir string) []string {
	tb.Helper()
	var out []string
	_ = filepath.WalkDir(dir, func(p string, de os.DirEntry, err error) error {
		if err == nil && !de.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	slices.Sort(out)
	return out
}

func TestPrune(t *testing.T) {
	now := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	h := func(n int) time.Time { return now.Add(-time.Duration(n) * time.Hour) }
	tests := []struct {
		name  string
		max   int64
		files map[string]time.Time // 100 bytes each
		touch string               // marked used just now, before pruning
		want  []string
		freed int64
	}{
		{
			name:  "under the cap: nothing goes",
			max:   1000,
			files: map[string]time.Time{"copies/a/r1.x.pdf": h(5), "packets/m/r1.k.pdf": h(9)},
			want:  []string{"copies/a/r1.x.pdf", "packets/m/r1.k.pdf"},
		},
		{
			name: "over the cap: least recently used first, down to 90 %",
			max:  300,
			files: map[string]time.Time{
				"copies/a/r1.x.pdf": h(1), "copies/a/r2.x.pdf": h(8), "packets/m/r1.old.pdf": h(9),
				"packets/m/r1.new.pdf": h(2), "annotated/a/r1.k.pdf": h(3),
			},
			want:  []string{"copies/a/r1.x.pdf", "packets/m/r1.new.pdf"}, // 500 → 200 ≤ 270: the 9 h, 8 h and 3 h ones go
			freed: 300,
		},
		{
			name:  "a file served just now is spared",
			max:   300,
			files: map[string]time.Time{"copies/a/r1.x.pdf": h(9), "copies/a/r2.x.pdf": h(8), "copies/a/r3.x.pdf": h(7), "copies/a/r4.x.pdf": h(6)},
			touch: "copies/a/r1.x.pdf",
			want:  []string{"copies/a/r1.x.pdf", "copies/a/r4.x.pdf"},
			freed: 200,
		},
		{
			name:  "files used within the minimum age stay even over the cap",
			max:   100,
			files: map[string]time.Time{"copies/a/r1.x.pdf": now.Add(-time.Minute), "copies/a/r2.x.pdf": now.Add(-2 * time.Minute), "copies/a/r3.x.pdf": h(1)},
			want:  []string{"copies/a/r1.x.pdf", "copies/a/r2.x.pdf"},
			freed: 100,
		},
		{
			name:  "uploads being received are never touched",
			max:   100,
			files: map[string]time.Time{"tmp/upload-1": h(9), "tmp/upload-2": h(9), "copies/a/r1.x.pdf": h(1)},
			want:  []string{"copies/a/r1.x.pdf", "tmp/upload-1", "tmp/upload-2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for rel, used := range tt.files {
				cacheFile(t, dir, rel, 100, used)
			}
			if tt.touch != "" {
				touched := filepath.Join(dir, tt.touch)
				fi, err := os.Stat(touched)
				if err != nil {
					t.Fatal(err)
				}
				markUsed(touched, fi, now)
			}
			d := &Documents{dir: dir, cfg: Config{MaxCacheBytes: tt.max, PruneMinAge: 10 * time.Minute}}
			_, freed, err := d.Prune(now)
			if err != nil {
				t.Fatal(err)
			}
			if got := remaining(t, dir); !slices.Equal(got, tt.want) {
				t.Errorf("left %v, want %v", got, tt.want)
			}
			if freed != tt.freed {
				t.Errorf("freed %d bytes, want %d", freed, tt.freed)
			}
		})
	}
}

// TestMarkUsedKeepsModTime checks that serving a file moves its access time
// only: its modification time is the bytes' age (Last-Modified).
func TestMarkUsedKeepsModTime(t *testing.T) {
	made := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	p := cacheFile(t, t.TempDir(), "copies/a/r1.x.pdf", 10, made)
	now := made.Add(48 * time.Hour)
	before, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	markUsed(p, before, now)
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.ModTime().Equal(made) {
		t.Errorf("ModTime %v, want %v", fi.ModTime(), made)
	}
	if got := lastUse(fi); !got.Equal(now) {
		t.Errorf("lastUse %v, want %v", got, now)
	}
}
