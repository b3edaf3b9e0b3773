// Package persisted holds the two persisted-query mechanisms of the API
// (docs/persisted-queries.md): the bounded cache of Automatic Persisted
// Queries and the operator's list of trusted documents.
package persisted

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
)

// Hash is the SHA-256 (lower-case hex) of a document's text: the hash of
// Apollo's persistedQuery extension and of GraphQL Codegen's
// persisted-documents.json.
func Hash(query string) string {
	sum := sha256.Sum256([]byte(query))
	return hex.EncodeToString(sum[:])
}

// Cache is an LRU cache of APQ documents bounded by the bytes of its keys
// and values (graphql.Cache[string]). It is safe for concurrent use.
type Cache struct {
	mu    sync.Mutex
	max   int
	size  int
	order *list.List // front: most recently used
	items map[string]*list.Element
}

type entry struct{ key, value string }

// NewCache returns a cache holding at most maxBytes bytes of hashes and
// documents. A document larger than maxBytes is not kept.
func NewCache(maxBytes int) *Cache {
	return &Cache{max: maxBytes, order: list.New(), items: map[string]*list.Element{}}
}

// Get returns the document of key.
func (c *Cache) Get(_ context.Context, key string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[key]
	if !ok {
		return "", false
	}
	c.order.MoveToFront(e)
	return e.Value.(*entry).value, true
}

// Add keeps value under key, evicting the least recently used documents
// until the cache is within its bound.
func (c *Cache) Add(_ context.Context, key, value string) {
	n := len(key) + len(value)
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.order.MoveToFront(e)
		return // same hash, same document
	}
	if n > c.max {
		return
	}
	c.items[key] = c.order.PushFront(&entry{key, value})
	c.size += n
	for c.size > c.max {
		last := c.order.Back()
		old := last.Value.(*entry)
		c.order.Remove(last)
		delete(c.items, old.key)
		c.size -= len(old.key) + len(old.value)
	}
}

// Len is the number of cached documents.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// Documents is an operator's list of trusted documents: hash to text.
type Documents struct {
	byHash map[string]string
}

// Lookup returns the trusted document of hash ("<hex>" or "sha256:<hex>").
func (d *Documents) Lookup(hash string) (string, bool) {
	q, ok := d.byHash[strings.TrimPrefix(hash, "sha256:")]
	return q, ok
}

// Trusted reports whether query is the exact text of a trusted document.
func (d *Documents) Trusted(query string) bool {
	q, ok := d.byHash[Hash(query)]
	return ok && q == query
}

// Len is the number of trusted documents.
func (d *Documents) Len() int { return len(d.byHash) }

// maxFileBytes bounds a trusted documents file.
const maxFileBytes = 64 << 20

// Load reads a trusted documents file. Two formats are accepted:
//
//   - a JSON object of hash to document text, as GraphQL Codegen's client
//     preset writes to persisted-documents.json: {"<hex>": "query ..."}; a
//     key may also be written "sha256:<hex>";
//   - Apollo's persisted query manifest: {"format":
//     "apollo-persisted-query-manifest", "version": 1, "operations": [{"id":
//     "<hex>", "body": "query ...", ...}]}.
//
// Every hash must be the SHA-256 of its document: a file with a wrong hash,
// no document, or anything else malformed is an error naming the culprit.
func Load(path string) (*Documents, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("trusted documents: %v", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("trusted documents: %v", err)
	}
	if st.Size() > maxFileBytes {
		return nil, fmt.Errorf("trusted documents: %s is larger than %d MiB", path, maxFileBytes>>20)
	}
	raw := make([]byte, st.Size())
	if _, err := f.ReadAt(raw, 0); err != nil && st.Size() > 0 {
		return nil, fmt.Errorf("trusted documents: %v", err)
	}
	d, err := Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("trusted documents %s: %v", path, err)
	}
	return d, nil
}

// Parse parses the contents of a trusted documents file (see Load).
func Parse(raw []byte) (*Documents, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, fmt.Errorf("not a JSON object of hash to document or an Apollo persisted query manifest: %v", err)
	}
	pairs := map[string]string{}
	if f, ok := top["format"]; ok {
		var manifest struct {
			Format     string `json:"format"`
			Version    int    `json:"version"`
			Operations []struct {
				ID   string `json:"id"`
				Body string `json:"body"`
			} `json:"operations"`
		}
		if err := json.Unmarshal(raw, &manifest); err != nil {
			return nil, fmt.Errorf("bad Apollo persisted query manifest: %v", err)
		}
		if manifest.Format != "apollo-persisted-query-manifest" || manifest.Version != 1 {
			return nil, fmt.Errorf("unknown manifest format %s (version %d); expected apollo-persisted-query-manifest version 1", f, manifest.Version)
		}
		for i, op := range manifest.Operations {
			if _, dup := pairs[op.ID]; dup {
				return nil, fmt.Errorf("operation %d: id %q appears twice", i, op.ID)
			}
			pairs[op.ID] = op.Body
		}
	} else {
		for k, v := range top {
			var q string
			if err := json.Unmarshal(v, &q); err != nil {
				return nil, fmt.Errorf("the document of %q is not a string", k)
			}
			pairs[k] = q
		}
	}
	if len(pairs) == 0 {
		return nil, fmt.Errorf("no documents")
	}
	d := &Documents{byHash: make(map[string]string, len(pairs))}
	keys := make([]string, 0, len(pairs))
	for k := range pairs {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the first bad hash reported is always the same
	for _, k := range keys {
		q := pairs[k]
		h := strings.TrimPrefix(k, "sha256:")
		switch {
		case strings.TrimSpace(q) == "":
			return nil, fmt.Errorf("the document of %q is empty", k)
		case h != Hash(q):
			return nil, fmt.Errorf("hash %q is not the SHA-256 of its document (%s)", k, Hash(q))
		}
		if _, dup := d.byHash[h]; dup {
			return nil, fmt.Errorf("hash %q appears twice", k)
		}
		d.byHash[h] = q
	}
	return d, nil
}
