#!/usr/bin/env bash
# Rebuilds internal/graphiql/assets (the GraphiQL page's JavaScript and CSS,
# embedded in the binary) from the npm registry, at the pinned versions.
# Run from anywhere; needs node/npm and `npm ci` done in conformance/.
# Commit the result; the Go build never needs node.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

GRAPHIQL=3.8.3 # the last GraphiQL with a UMD bundle (4+ is ESM-only)
REACT=18.3.1   # the last React with UMD builds

out=../internal/graphiql/assets
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(
	cd "$tmp"
	npm pack --silent "graphiql@$GRAPHIQL" "react@$REACT" "react-dom@$REACT" >/dev/null
	for f in *.tgz; do
		mkdir "${f%.tgz}"
		tar xzf "$f" -C "${f%.tgz}"
	done
)
g="$tmp/graphiql-$GRAPHIQL/package"
# graphiql.min.js of the package is not minified (3.5 MB): minify it, keeping
# the license comments.
npx esbuild "$g/graphiql.min.js" --minify --legal-comments=eof --log-level=error --outfile="$out/graphiql.min.js"
# No source map references: the maps are not shipped.
sed '/sourceMappingURL=/d' "$g/graphiql.min.css" >"$out/graphiql.min.css"
sed '/sourceMappingURL=/d' "$tmp/react-$REACT/package/umd/react.production.min.js" >"$out/react.production.min.js"
sed '/sourceMappingURL=/d' "$tmp/react-dom-$REACT/package/umd/react-dom.production.min.js" >"$out/react-dom.production.min.js"
{
	echo "GraphiQL $GRAPHIQL, React $REACT and ReactDOM $REACT from the npm registry (conformance/graphiql-assets.sh)."
	for p in "graphiql-$GRAPHIQL" "react-$REACT" "react-dom-$REACT"; do
		printf '\n==== %s ====\n\n' "$p"
		cat "$tmp/$p/package/LICENSE"
	done
} >"$out/LICENSES.txt"
(cd "$out" && sha256sum graphiql.min.js graphiql.min.css react.production.min.js react-dom.production.min.js >SHA256SUMS)
ls -l "$out"
