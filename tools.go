//go:build tools

package main

import (
	_ "entgo.io/contrib/entgql"
	_ "github.com/99designs/gqlgen"
)
