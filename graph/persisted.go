package graph

import (
	"encoding/json"
	"net/http"

	"github.com/hostpanel/panel/internal/apperr"
	"github.com/hostpanel/panel/internal/persisted"
)

// DefaultAPQCacheBytes bounds the Automatic Persisted Query cache: hashes
// and documents, least recently used first out.
const DefaultAPQCacheBytes = 8 << 20

// CodePersistedQueryNotAllowed refuses, in trusted-documents mode, any
// request that is not a trusted document (docs/persisted-queries.md).
const CodePersistedQueryNotAllowed = "PERSISTED_QUERY_NOT_ALLOWED"

// trustedBody is what trusted-documents mode reads of a request body. The
// fields are matched like gqlgen matches them (encoding/json, keys
// case-insensitive), and the body gqlgen then reads is rebuilt from them,
// so what was checked is what runs.
type trustedBody struct {
	Query         string          `json:"query"`
	DocumentID    *string         `json:"documentId,omitempty"`
	OperationName string          `json:"operationName,omitempty"`
	Variables     json.RawMessage `json:"variables,omitempty"`
	Extensions    json.RawMessage `json:"extensions,omitempty"`
}

// trustedOnly resolves the document of a request in trusted-documents
// mode: a documentId ("sha256:<hex>" or "<hex>"), an APQ hash
// (extensions.persistedQuery.sha256Hash) or the exact text of a trusted
// document. It returns the body to execute (query set to the trusted
// text), or the status, code and message of the refusal.
func trustedOnly(docs *persisted.Documents, body []byte) ([]byte, int, string, string) {
	var b trustedBody
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, http.StatusBadRequest, apperr.CodeBadUserInput,
			"the request body must be a JSON object with a query or a documentId"
	}
	hash := ""
	if b.DocumentID != nil {
		hash = *b.DocumentID
	}
	if len(b.Extensions) > 0 && string(b.Extensions) != "null" {
		var ext struct {
			PersistedQuery *struct {
				Sha256Hash string `json:"sha256Hash"`
			} `json:"persistedQuery"`
		}
		if err := json.Unmarshal(b.Extensions, &ext); err != nil {
			return nil, http.StatusBadRequest, apperr.CodeBadUserInput, "extensions must be a JSON object"
		}
		if ext.PersistedQuery != nil {
			if hash != "" && ext.PersistedQuery.Sha256Hash != hash {
				return nil, http.StatusBadRequest, apperr.CodeBadUserInput,
					"documentId and extensions.persistedQuery.sha256Hash differ"
			}
			hash = ext.PersistedQuery.Sha256Hash
		}
	}
	switch {
	case hash != "":
		doc, ok := docs.Lookup(hash)
		if !ok {
			return nil, http.StatusBadRequest, CodePersistedQueryNotAllowed,
				"unknown document id: this server runs trusted documents only"
		}
		if b.Query != "" && b.Query != doc {
			return nil, http.StatusBadRequest, CodePersistedQueryNotAllowed,
				"the query is not the trusted document of its id"
		}
		b.Query = doc
	case b.Query == "":
		return nil, http.StatusBadRequest, apperr.CodeBadUserInput, "the request has neither a query nor a documentId"
	case !docs.Trusted(b.Query):
		return nil, http.StatusBadRequest, CodePersistedQueryNotAllowed,
			"this server runs trusted documents only: send the documentId of a trusted document"
	}
	b.DocumentID = nil
	out, err := json.Marshal(b)
	if err != nil {
		return nil, http.StatusBadRequest, apperr.CodeBadUserInput, "the request body could not be read"
	}
	return out, 0, "", ""
}
