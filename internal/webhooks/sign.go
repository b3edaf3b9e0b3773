package webhooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// Header names of a delivery (docs/webhooks.md).
const (
	HeaderSignature  = "Panel-Signature"
	HeaderEventID    = "Panel-Event-Id"
	HeaderEventType  = "Panel-Event-Type"
	HeaderDeliveryID = "Panel-Delivery-Id"
)

// Signature is the value of the Panel-Signature header of body sent at
// unix time t: "t=<t>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>".
func Signature(secret string, t int64, body []byte) string {
	ts := strconv.FormatInt(t, 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return m.Sum(nil)
}
