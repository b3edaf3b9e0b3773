// Package graphiql serves the GraphiQL page (GET /) and its JavaScript and
// CSS from the binary: the page works in a closed network, with no CDN.
// The assets are GraphiQL, React and ReactDOM from the npm registry at
// pinned versions (assets/LICENSES.txt), rebuilt by
// conformance/graphiql-assets.sh; docs/ecosystem.md tells how it is tested.
package graphiql

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
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
}

// Handler serves the page at "/" and its files under AssetPrefix; mount it
// on "GET /{$}" and "GET /graphiql/".
func Handler() http.Handler {
	files := map[string]file{}
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
		files[e.Name()] = file{body: b, ctype: ctype, etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
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
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
	})
}
