package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
)

// MarshalID writes an ID as an opaque string.
func MarshalID(id int) graphql.Marshaler {
	return idMarshaler(id)
}

// idMarshaler writes the decimal digits in quotes; into a bytes.Buffer (the
// response gqlgen builds) without allocating.
type idMarshaler int

func (id idMarshaler) MarshalGQL(w io.Writer) {
	if b, ok := w.(*bytes.Buffer); ok {
		b.WriteByte('"')
		b.Write(strconv.AppendInt(b.AvailableBuffer(), int64(id), 10))
		b.WriteByte('"')
		return
	}
	_, _ = io.WriteString(w, strconv.Quote(strconv.Itoa(int(id))))
}

// UnmarshalID reads an ID. A string that is no ID of ours (not a positive
// number in range) becomes 0, which names no object: a malformed ID answers
// exactly like one that does not exist (null from node, NOT_FOUND in
// userErrors), as the contract asks.
func UnmarshalID(v any) (int, error) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case json.Number:
		s = x.String()
	case int:
		s = strconv.Itoa(x)
	case int64:
		s = strconv.FormatInt(x, 10)
	default:
		return 0, fmt.Errorf("an ID must be a string")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > 1<<53 {
		return 0, nil
	}
	return int(n), nil
}
