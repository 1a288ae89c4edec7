package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// staticFiles serves the embedded stylesheet and script under names that
// carry a hash of their content, so that they can be cached for a year
// and a new release is fetched at once.
type staticFiles struct {
	byHashed map[string][]byte // "app.3f2a9c1b.css" → content
	hashed   map[string]string // "app.css" → "app.3f2a9c1b.css"
}

func loadStatic() (*staticFiles, error) {
	s := &staticFiles{byHashed: map[string][]byte{}, hashed: map[string]string{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		name := path.Base(p)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		s.byHashed[hashed], s.hashed[name] = b, hashed
		return nil
	})
	return s, err
}

// url is the content-hashed address of a static file.
func (s *staticFiles) url(name string) string { return "/static/" + s.hashed[name] }

func (h *Handler) serveStatic(w http.ResponseWriter, r *http.Request) {
	b, ok := h.static.byHashed[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", mime.TypeByExtension(path.Ext(r.PathValue("name"))))
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(b)
}
