// Package graphiql serves the GraphiQL page (GET /) and its JavaScript and
// CSS from the binary: the page works in a closed network, with no CDN.
// The assets are GraphiQL, React and ReactDOM from the npm registry at
// pinned versions (assets/LICENSES.txt), rebuilt by
// conformance/graphiql-assets.sh; docs/ecosystem.md tells how it is tested.
package graphiql

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed assets/index.html assets/panel.js assets/panel.css assets/graphiql.min.js assets/graphiql.min.css assets/react.production.min.js assets/react-dom.production.min.js
var assets embed.FS

// AssetPrefix is the path under which the page's files are served.
const AssetPrefix = "/graphiql/"

// ContentSecurityPolicy of the page: scripts only from this server (no
// inline script, no eval), requests only to this server. Inline styles are
// allowed because GraphiQL's dialogs inject <style> elements; the fonts are
// data: URLs inside graphiql.min.css.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"font-src 'self' data:; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; " +
	"frame-ancestors 'none'"

type file struct {
	body  []byte
	ctype string
	etag  string
	// gz is body gzipped, made on the first request that accepts it.
	gzOnce sync.Once
	gz     []byte
}

// gzipped returns the body compressed with gzip (GraphiQL's 1.5 MB of
// JavaScript is about 450 KB).
func (f *file) gzipped() []byte {
	f.gzOnce.Do(func() {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression) // a valid level: no error
		_, _ = zw.Write(f.body)                                // writes to memory do not fail
		_ = zw.Close()
		f.gz = b.Bytes()
	})
	return f.gz
}

// acceptsGzip reports whether Accept-Encoding allows gzip.
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for _, part := range strings.Split(v, ",") {
			coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
				q, has := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q=")
				if !has {
					return true
				}
				f, err := strconv.ParseFloat(q, 64)
				return err == nil && f > 0
			}
		}
	}
	return false
}

// Handler serves the page at "/" and its files under AssetPrefix; mount it
// on "GET /{$}" and "GET /graphiql/".
func Handler() http.Handler {
	files := map[string]*file{}
	entries, err := fs.ReadDir(assets, "assets")
	if err != nil {
		panic(err) // the embedded directory is part of the binary
	}
	for _, e := range entries {
		b, err := assets.ReadFile("assets/" + e.Name())
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(b)
		ctype := mime.TypeByExtension(path.Ext(e.Name()))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		files[e.Name()] = &file{body: b, ctype: ctype, etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := "index.html"
		if r.URL.Path != "/" {
			rest, ok := strings.CutPrefix(r.URL.Path, AssetPrefix)
			if !ok || rest == "index.html" {
				http.NotFound(w, r)
				return
			}
			name = rest
		}
		f, ok := files[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", f.ctype)
		h.Set("ETag", f.etag)
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		if name == "index.html" {
			h.Set("Cache-Control", "no-cache")
		} else {
			h.Set("Cache-Control", "public, max-age=3600")
		}
		h.Add("Vary", "Accept-Encoding")
		body := f.body
		if len(body) > 1024 && acceptsGzip(r) {
			body = f.gzipped()
			h.Set("Content-Encoding", "gzip")
			h.Set("ETag", strings.TrimSuffix(f.etag, `"`)+`-gz"`)
		}
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
	})
}
