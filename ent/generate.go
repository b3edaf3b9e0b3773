// Package ent holds the generated ent client; the hand-written schemas are in
// ent/schema.
package ent

//go:generate go run -mod=mod entc.go
