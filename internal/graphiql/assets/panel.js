// Starts GraphiQL on the panel's /graphql. The token goes into the Headers
// tab as {"Authorization": "Bearer <token>"}; it is kept in this tab only
// (shouldPersistHeaders is off), never in localStorage.
(function () {
  'use strict';
  var defaultQuery = [
    '# Welcome to the hosting panel API.',
    '#',
    '# 1. Sign in: run this mutation with your login and password.',
    '# 2. Copy the token into the Headers tab below:',
    '#      {"Authorization": "Bearer <token>"}',
    '# 3. Re-fetch the schema (the arrows button on the left) for',
    '#    completion and the docs: introspection needs the token.',
    '',
    'mutation {',
    '  login(input: {login: "admin", password: ""}) {',
    '    token',
    '    userErrors { code field message }',
    '  }',
    '}',
    '',
  ].join('\n');
  var fetcher = GraphiQL.createFetcher({ url: new URL('/graphql', window.location.href).href });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      defaultHeaders: '{\n  "Authorization": "Bearer "\n}',
      defaultEditorToolsVisibility: 'headers',
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
    })
  );
})();
