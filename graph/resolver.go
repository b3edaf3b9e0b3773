package graph

//go:generate go run github.com/99designs/gqlgen generate
//go:generate go run patch_generated.go

import (
	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/internal/accounts"
	"github.com/hostpanel/panel/internal/auth"
	"github.com/hostpanel/panel/internal/deletion"
	"github.com/hostpanel/panel/internal/plans"
	"github.com/hostpanel/panel/internal/subscriptions"
	"github.com/hostpanel/panel/internal/suspension"
	"github.com/hostpanel/panel/internal/transfer"
	"github.com/hostpanel/panel/internal/webhooks"
)

// Resolver is the root resolver: it holds the services and nothing per
// request (resolvers run concurrently).
type Resolver struct {
	client        *ent.Client
	auth          *auth.Service
	accounts      *accounts.Service
	plans         *plans.Service
	subscriptions *subscriptions.Service
	suspension    *suspension.Service
	transfer      *transfer.Service
	deletion      *deletion.Service
	webhooks      *webhooks.Service
	// referenceExecutor runs the executor as gqlgen generated it, without
	// the rewrites of graph/patch_generated.go (HandlerConfig).
	referenceExecutor bool
}
